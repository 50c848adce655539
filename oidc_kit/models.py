"""The record of a logout token a client did not accept, kept until a retry delivers it."""

from collections.abc import Callable
from typing import TypeVar

from django.db import models
from django.utils import timezone

from admin_kit.audit import AuditRecord, actor_field

from .backchannel import DeliveryOutcome, LogoutDelivery, deliver_all

# A client still down after this many tries is left to the officials, who see it in the admin.
MAX_ATTEMPTS = 5
ERROR_LENGTH = 255


class LogoutDeliveryRecord(models.Model):
    """A failed back-channel logout: which client, which session, how often tried, why not."""

    client_id = models.CharField("mã hệ thống (client_id)", max_length=100)
    uri = models.CharField("địa chỉ đăng xuất (back-channel)", max_length=2000)
    sub = models.CharField("chủ thể (sub)", max_length=255, blank=True, default="")
    sid = models.CharField("phiên (sid)", max_length=64)
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=1)
    last_error = models.CharField("lỗi gần nhất", max_length=ERROR_LENGTH, blank=True, default="")
    created_at = models.DateTimeField("thời điểm", default=timezone.now)
    last_attempt_at = models.DateTimeField("lần gửi gần nhất", default=timezone.now)
    delivered_at = models.DateTimeField("đã gửi được lúc", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        verbose_name = "đăng xuất chưa gửi được"
        verbose_name_plural = "đăng xuất chưa gửi được"

    def __str__(self) -> str:
        return f"{self.client_id} {self.created_at:%Y-%m-%d %H:%M}"


class AnsweredRequestRecord(AuditRecord):
    """An audit trail that also records the requests answered on a login's way (oidc_kit.hops).

    Each service adds its own `kind` choices, its person and the length of its endpoint names.
    """

    # Why it happened, in words an official reads (never a number unmasked).
    detail = models.CharField("chi tiết", max_length=255, blank=True, default="")
    # The only actors are officials making admin changes.
    actor = actor_field("cán bộ")
    # A request answered: its status and how long it took.
    status_code = models.PositiveSmallIntegerField("mã trạng thái", null=True, blank=True)
    duration_ms = models.PositiveIntegerField("thời gian xử lý (ms)", null=True, blank=True)
    # A digest of the login a request belongs to: ties the requests answered before anyone was
    # known (the login page) to who then logged in.
    flow = models.CharField(max_length=16, blank=True, default="", db_index=True)

    class Meta(AuditRecord.Meta):
        abstract = True


Record = TypeVar("Record", bound=LogoutDeliveryRecord)


def record_failures(model: type[Record], outcomes: list[DeliveryOutcome]) -> list[Record]:
    """Keep a row for every outcome that was not delivered; return the rows."""
    rows = [
        model(
            client_id=outcome.delivery.client_id,
            uri=outcome.delivery.uri,
            sub=outcome.delivery.sub,
            sid=outcome.delivery.sid,
            last_error=outcome.error[:ERROR_LENGTH],
        )
        for outcome in outcomes
        if not outcome.delivered
    ]
    return model._default_manager.bulk_create(rows) if rows else []


def retry_failed(
    model: type[Record],
    *,
    mint: Callable[[Record], str | None],
    timeout: float,
    max_attempts: int = MAX_ATTEMPTS,
) -> tuple[int, int]:
    """Send a fresh logout token for every undelivered row; return (delivered, still failing).

    mint(row) returns a new token for the row's client (a logout token lives two minutes, so an
    old one cannot be resent), or None when the client is gone: the row is then dropped.
    """
    rows = list(model._default_manager.filter(delivered_at__isnull=True, attempts__lt=max_attempts))
    deliveries: list[LogoutDelivery] = []
    tried: list[Record] = []
    for row in rows:
        token = mint(row)
        if token is None:
            row.delete()
            continue
        deliveries.append(
            LogoutDelivery(
                client_id=row.client_id, uri=row.uri, logout_token=token, sub=row.sub, sid=row.sid
            )
        )
        tried.append(row)
    now = timezone.now()
    delivered = 0
    for row, outcome in zip(tried, deliver_all(deliveries, timeout=timeout), strict=True):
        row.attempts += 1
        row.last_attempt_at = now
        if outcome.delivered:
            row.delivered_at = now
            delivered += 1
        else:
            row.last_error = outcome.error[:ERROR_LENGTH]
    model._default_manager.bulk_update(
        tried, ["attempts", "last_attempt_at", "delivered_at", "last_error"]
    )
    return delivered, len(tried) - delivered
