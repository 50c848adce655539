"""Failed portal logins, counted by django-axes per account name and per client address."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model


def login_names(account):
    """Return every name this account can log in with, as django-axes counts failures by them."""
    return {account.username, account.cccd_number, account.cmnd_number} - {""}


def account_failures(account):
    """Return the failed-login records of every name this account logs in with."""
    return AccessAttempt.objects.filter(username__in=login_names(account))


class PortalAxesHandler(AxesDatabaseHandler):
    """Axes' database handler whose reset on success clears only the account's own failures."""

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
