"""Delete VNeID's short-lived rows once nothing can use them any more."""

from datetime import timedelta
from typing import Any

from django.core.management import BaseCommand, call_command
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from vneid import throttling
from vneid.models import (
    AccessToken,
    AuthorizationCode,
    LoginFailure,
    LoginSession,
    QrLogin,
    UndeliveredLogout,
)

# Used codes are kept this long after they expire, so that a replayed code is still recognised
# (and its tokens revoked) for as long as those tokens could be used.
CODE_MEMORY = timedelta(days=1)
# Logout notices, delivered or given up, stay this long for the officials to see in the admin.
LOGOUT_MEMORY = timedelta(days=7)


class Command(BaseCommand):
    help = (
        "Retry undelivered back-channel logouts, then delete expired VNeID codes, tokens, login "
        "sessions, QR logins, old failed logins and old logout notices (run it hourly)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        # The hourly purge that gunicorn runs retries too; outside the purge's transaction, as
        # the clients' endpoints may be this very server.
        call_command("retry_logout_deliveries", stdout=self.stdout)
        self.purge()

    @transaction.atomic
    def purge(self) -> None:
        now = timezone.now()
        deleted: dict[str, QuerySet[Any]] = {
            "access tokens": AccessToken.objects.filter(expires_at__lt=now - CODE_MEMORY),
            "authorization codes": AuthorizationCode.objects.filter(
                expires_at__lt=now - CODE_MEMORY
            ),
            "login sessions": LoginSession.objects.filter(
                Q(expires_at__lt=now) | Q(ended_at__isnull=False)
            ),
            "QR logins": QrLogin.objects.filter(expires_at__lt=now),
            "failed logins": LoginFailure.objects.filter(created_at__lt=now - throttling.COOLOFF),
            "logout notices": UndeliveredLogout.objects.filter(
                last_attempt_at__lt=now - LOGOUT_MEMORY
            ),
        }
        for label, queryset in deleted.items():
            count, _ = queryset.delete()
            self.stdout.write(f"{label}: {count} deleted")
