"""Failed portal logins, counted by django-axes per account name and per client address.

An address gets more failures (PORTAL_LOGIN_FAILURES_PER_ADDRESS, 20) than an account name
(AXES_FAILURE_LIMIT, 5): a class or an office behind one address shares it, and a few typos
across a room must not lock everybody in it out.
"""

from typing import TYPE_CHECKING, Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import QuerySet, Sum
from django.http import HttpRequest

if TYPE_CHECKING:
    from .models import User


def login_names(account: "User") -> set[str]:
    """Return every name this account can log in with, as django-axes counts failures by them."""
    return {account.username, account.cccd_number, account.cmnd_number} - {""}


def account_failures(account: "User") -> QuerySet[AccessAttempt]:
    """Return the failed-login records of every name this account logs in with."""
    # Named for its type: axes has no type information.
    attempts: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(
        username__in=login_names(account)
    )
    return attempts


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a higher limit for an address than for an account name.

    Its reset on success clears only the account's own failures.
    """

    def failures_by_parameter(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> dict[str, int]:
        """Return {lockout parameter: recent failures}, e.g. {"username": 2, "ip_address": 7}."""
        return {
            str(parameter): attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for parameter, attempts in zip(
                get_lockout_parameters(request, credentials),
                self.get_user_attempts(request, credentials),
                strict=True,
            )
        }

    def address_locked(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> bool:
        return self._address_over_limit(self.failures_by_parameter(request, credentials))

    @staticmethod
    def _address_over_limit(failures: dict[str, int]) -> bool:
        return failures.get("ip_address", 0) >= settings.PORTAL_LOGIN_FAILURES_PER_ADDRESS

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # Axes compares this one number with AXES_FAILURE_LIMIT: an address counts as over it
        # only once it reached its own, higher limit.
        failures = self.failures_by_parameter(request, credentials)
        if self._address_over_limit(failures):
            return max(failures["ip_address"], settings.AXES_FAILURE_LIMIT)
        return failures.get("username", 0)

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        # Axes deletes every record matching any lockout parameter, the client address
        # included: one correct login to an account of one's own would wipe the guesses made
        # from that address against everybody else's, and reopen them.
        username = get_client_username(request, credentials)
        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            attempts: QuerySet[AccessAttempt] = AccessAttempt.objects.filter(username=username)
        else:
            attempts = account_failures(account)
        count, _ = attempts.delete()
        return count
