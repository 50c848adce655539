"""Single logout at the service: RP-initiated requests, back- and front-channel notifications.

Ending a login of the service tells every portal that received a code in it: a logout token
(oidc_kit) to each back-channel URI, all at once, and an iframe to each portal that registered
only a front-channel URI (when a browser is there to load it). A portal that does not accept its
token is recorded (LogoutDeliveryRecord) and retried by the command
`retry_national_login_logout_deliveries`.
"""

import logging

from django.db import transaction
from django.utils import timezone

from oidc_kit.backchannel import LogoutDelivery, deliver_all, frontchannel_logout_url
from oidc_kit.logout import LogoutRefusals, LogoutRequests
from oidc_kit.models import record_failures, retry_failed

from . import keys
from .conf import login_settings
from .models import (
    AccessToken,
    AuditEvent,
    LoginSession,
    LogoutDeliveryRecord,
    NationalClient,
    SessionClient,
)

logger = logging.getLogger(__name__)


LOGOUT_REQUESTS = LogoutRequests(
    NationalClient,
    keys.published_key_set,
    LogoutRefusals(
        foreign_hint="Mã xác nhận đăng xuất (id_token_hint) không do Hệ thống xác thực cấp.",
        unknown_client=(
            "Cổng dịch vụ công yêu cầu đăng xuất chưa được đăng ký với Hệ thống xác thực."
        ),
        other_client="Yêu cầu đăng xuất không khớp với cổng đã đăng nhập.",
        unregistered_redirect="Địa chỉ quay lại sau khi đăng xuất chưa được đăng ký cho cổng này.",
    ),
)

verify_id_token_hint = LOGOUT_REQUESTS.verify_id_token_hint
parse_logout_request = LOGOUT_REQUESTS.parse


def mint_logout_token(*, issuer: str, client_id: str, sub: str, sid: str) -> str:
    """Return a fresh logout token of the service for one portal."""
    return keys.SIGNING_KEYS.logout_token(issuer=issuer, client_id=client_id, sub=sub, sid=sid)


def end_login(login: LoginSession, *, issuer: str) -> list[str]:
    """End login, tell its portals; return the front-channel URLs a browser still has to load.

    Each portal's logout token names the issuer its ID token named; `issuer` is the fallback.

    The back-channel POSTs go out in parallel after the session is ended and committed, so a
    portal that is down delays nobody past NATIONAL_LOGIN's BACKCHANNEL_TIMEOUT_SECONDS.
    """
    with transaction.atomic():
        ended = LoginSession.objects.filter(pk=login.pk, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )
        AccessToken.objects.filter(
            authorization_code__session=login, revoked_at__isnull=True
        ).update(revoked_at=timezone.now())
        if ended:
            AuditEvent.record(kind=AuditEvent.Kind.LOGGED_OUT, subject=login.subject)
    joined = list(
        SessionClient.objects.filter(session=login, client__is_active=True)
        .select_related("client")
        .order_by("client_id")
    )
    sub = login.subject.sub
    deliveries = []
    issuers = {}
    for entry in joined:
        client = entry.client
        issuers[client.client_id] = entry.issuer or issuer
        if client.backchannel_logout_uri:
            deliveries.append(
                LogoutDelivery(
                    client_id=client.client_id,
                    uri=client.backchannel_logout_uri,
                    logout_token=mint_logout_token(
                        issuer=issuers[client.client_id],
                        client_id=client.client_id,
                        sub=sub,
                        sid=login.sid,
                    ),
                    sub=sub,
                    sid=login.sid,
                )
            )
    outcomes = deliver_all(deliveries, timeout=login_settings.BACKCHANNEL_TIMEOUT_SECONDS)
    failures = [outcome for outcome in outcomes if not outcome.delivered]
    if failures:
        for row in record_failures(LogoutDeliveryRecord, failures):
            LogoutDeliveryRecord.objects.filter(pk=row.pk).update(issuer=issuers[row.client_id])
        AuditEvent.record_many(
            {
                "kind": AuditEvent.Kind.LOGOUT_DELIVERY_FAILED,
                "subject": login.subject,
                "detail": f"{outcome.delivery.client_id}: {outcome.error}"[:255],
            }
            for outcome in failures
        )
    return [
        frontchannel_logout_url(
            entry.client.frontchannel_logout_uri,
            issuer=issuers[entry.client.client_id],
            sid=login.sid,
        )
        for entry in joined
        if entry.client.frontchannel_logout_uri and not entry.client.backchannel_logout_uri
    ]


def retry_deliveries() -> tuple[int, int]:
    """Send a fresh logout token for every failed delivery; return (delivered, still failing)."""

    def mint(row: LogoutDeliveryRecord) -> str | None:
        client = NationalClient.objects.filter(client_id=row.client_id, is_active=True).first()
        if client is None or not client.backchannel_logout_uri:
            return None
        return mint_logout_token(
            issuer=row.issuer, client_id=row.client_id, sub=row.sub, sid=row.sid
        )

    return retry_failed(
        LogoutDeliveryRecord, mint=mint, timeout=login_settings.BACKCHANNEL_TIMEOUT_SECONDS
    )
