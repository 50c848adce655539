"""Delete VNeID's short-lived rows once nothing can use them any more."""

from datetime import timedelta
from typing import Any

from django.core.management import BaseCommand
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
)

# Used codes are kept this long after they expire, so that a replayed code is still recognised
# (and its tokens revoked) for as long as those tokens could be used.
CODE_MEMORY = timedelta(days=1)


class Command(BaseCommand):
    help = (
        "Delete expired VNeID codes, tokens, login sessions, QR logins and old failed logins "
        "(run it from cron, e.g. hourly)."
    )

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
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
        }
        for label, queryset in deleted.items():
            count, _ = queryset.delete()
            self.stdout.write(f"{label}: {count} deleted")
