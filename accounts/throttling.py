"""Failed portal logins, counted by django-axes per account name and per client address.

An address gets more failures (PORTAL_LOGIN_FAILURES_PER_ADDRESS, 20) than an account name
(AXES_FAILURE_LIMIT, 5): a class or an office behind one address shares it, and a few typos
across a room must not lock everybody in it out.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_lockout_parameters
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Sum


def login_names(account):
    """Return every name this account can log in with, as django-axes counts failures by them."""
    return {account.username, account.cccd_number, account.cmnd_number} - {""}


def account_failures(account):
    """Return the failed-login records of every name this account logs in with."""
    return AccessAttempt.objects.filter(username__in=login_names(account))


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler with a higher limit for an address than for an account name.

    Its reset on success clears only the account's own failures.
    """

    def failures_by_parameter(self, request, credentials=None):
        """Return {lockout parameter: recent failures}, e.g. {"username": 2, "ip_address": 7}."""
        return {
            str(parameter): attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for parameter, attempts in zip(
                get_lockout_parameters(request, credentials),
                self.get_user_attempts(request, credentials),
                strict=True,
            )
        }

    def address_locked(self, request, credentials=None):
        return self._address_over_limit(self.failures_by_parameter(request, credentials))

    @staticmethod
    def _address_over_limit(failures):
        return failures.get("ip_address", 0) >= settings.PORTAL_LOGIN_FAILURES_PER_ADDRESS

    def get_failures(self, request, credentials=None):
        # Axes compares this one number with AXES_FAILURE_LIMIT: an address counts as over it
        # only once it reached its own, higher limit.
        failures = self.failures_by_parameter(request, credentials)
        if self._address_over_limit(failures):
            return max(failures["ip_address"], settings.AXES_FAILURE_LIMIT)
        return failures.get("username", 0)

    def reset_user_attempts(self, request, credentials=None):
        # Axes deletes every record matching any lockout parameter, the client address
        # included: one correct login to an account of one's own would wipe the guesses made
        # from that address against everybody else's, and reopen them.
        username = get_client_username(request, credentials)
        account = get_user_model().objects.filter(username=username).first()
        if account is None:
            attempts = AccessAttempt.objects.filter(username=username)
        else:
            attempts = account_failures(account)
        count, _ = attempts.delete()
        return count
