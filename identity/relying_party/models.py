"""Which portal sessions came from which VNeID login, for VNeID's back-channel logout."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class VneidSession(models.Model):
    """A portal session started by a VNeID login; VNeID's logout token names it by `sid`."""

    # VNeID's public id of its login (the ID token's `sid`), shared by every portal of it.
    sid = models.CharField("mã phiên VNeID (sid)", max_length=255, db_index=True)
    sub = models.CharField("mã định danh VNeID (sub)", max_length=255)
    session_key = models.CharField("khoá phiên của Cổng", max_length=40)
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="tài khoản",
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField("kết thúc lúc", null=True, blank=True)

    class Meta:
        verbose_name = "phiên đăng nhập bằng VNeID"
        verbose_name_plural = "phiên đăng nhập bằng VNeID"

    def __str__(self) -> str:
        return f"{self.account_id} @ {self.created_at:%Y-%m-%d %H:%M}"
