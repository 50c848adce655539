"""The national login service's hourly housekeeping: retry logouts, drop what can no longer work."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from identity.national_login.logout import retry_deliveries
from identity.national_login.models import (
    AccessToken,
    AuthorizationCode,
    LoginSession,
    PendingAuthorization,
)

# Ended or expired rows are kept a day: an official may still look at a login of this morning.
KEEP = timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Gửi lại đăng xuất back-channel chưa gửi được; xoá mã, token, phiên và yêu cầu đăng "
        "nhập đã hết hạn của Hệ thống xác thực."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        delivered, failing = retry_deliveries()
        now = timezone.now()
        before = now - KEEP
        pending, _ = PendingAuthorization.objects.filter(expires_at__lt=now).delete()
        tokens, _ = AccessToken.objects.filter(expires_at__lt=before).delete()
        codes, _ = AuthorizationCode.objects.filter(
            expires_at__lt=before, tokens__isnull=True
        ).delete()
        sessions, _ = LoginSession.objects.filter(expires_at__lt=before).delete()
        ended, _ = LoginSession.objects.filter(ended_at__lt=before).delete()
        self.stdout.write(
            f"logouts: {delivered} delivered, {failing} still failing; deleted: "
            f"{pending} pending requests, {tokens} tokens, {codes} codes, "
            f"{sessions + ended} sessions"
        )
