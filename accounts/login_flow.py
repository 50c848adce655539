"""How every way in ends: one function logs the account in, audits it and picks the next page.

Django-allauth's `perform_login` is the model. The password login, "USB ký số", "Sim ký số"
and "Đăng nhập bằng VNeID" each prove who the citizen is in their own way, then call
`finish_login`; the backend, the audit row and the CCCD screen are decided here only.
"""

from django.conf import settings
from django.contrib.auth import login
from django.http import HttpRequest
from django.shortcuts import resolve_url

from admin_kit.redirects import local_url

from . import services
from .middleware import cccd_prompt_url, needs_cccd_prompt
from .models import AuditEntry, User

# The portal's own backend, whatever proved the identity: the session then survives
# `get_user` the same way for every way in, and a locked account loses it.
LOGIN_BACKEND = "accounts.backends.CmndOrCccdBackend"

PASSWORD = "password"
USB_TOKEN = "usb"
SIGNING_SIM = "sim"
VNEID = "vneid"
# An organisation's legacy account: tax code, password and captcha (until 30/6/2025).
ORGANISATION_PASSWORD = "organisation_password"
# VNeID as the organisation (its e-ID), a representative or an authorised person acting.
ORGANISATION_VNEID = "organisation_vneid"
# The audit action of each way in.
LOGIN_ACTIONS = {
    PASSWORD: AuditEntry.Action.PASSWORD_LOGIN,
    USB_TOKEN: AuditEntry.Action.USB_LOGIN,
    SIGNING_SIM: AuditEntry.Action.SIM_LOGIN,
    VNEID: AuditEntry.Action.VNEID_LOGIN,
    ORGANISATION_PASSWORD: AuditEntry.Action.ORGANISATION_PASSWORD_LOGIN,
    ORGANISATION_VNEID: AuditEntry.Action.ORGANISATION_VNEID_LOGIN,
}
# The ways in of each kind of account: the citizen's ways never log an organisation in.
ORGANISATION_METHODS = frozenset({ORGANISATION_PASSWORD, ORGANISATION_VNEID})


def finish_login(
    request: HttpRequest,
    *,
    account: User,
    method: str,
    next_url: str,
    audit_reason: str | None = "",
) -> str:
    """Log the account in, audit the login and return the URL the citizen goes to next.

    `audit_reason` is the audit row's reason; None when the caller already wrote the login's
    row in the transaction of the account change the login made (the VNeID login's link,
    refresh or new account). The session key changes (django.contrib.auth.login); the next URL
    must stay on this site, and a citizen's account without a CCCD sees the CCCD screen first
    (an organisation's never: it has no CCCD).
    """
    if method not in LOGIN_ACTIONS:
        raise ValueError(f"Unknown login method {method!r}.")
    if account.is_organisation != (method in ORGANISATION_METHODS):
        # A programming error, never a person's: each form finds only its own kind of account.
        raise ValueError(f"Login method {method!r} does not fit a {account.account_type} account.")
    if audit_reason is not None:
        record_login(account=account, method=method, reason=audit_reason)
    login(request, account, backend=LOGIN_BACKEND)
    url = local_url(request, next_url) or resolve_url(settings.LOGIN_REDIRECT_URL)
    return cccd_prompt_url(url) if needs_cccd_prompt(request) else url


def record_login(*, account: User, method: str, reason: str = "") -> None:
    """Audit a login into the account by one way in, as the citizen's own step."""
    services.record_sign_in_step(
        account=account, action=LOGIN_ACTIONS[method], shown_message=reason
    )


def record_single_logout(*, account: User, reason: str = "") -> None:
    """Audit a portal session ended because the citizen's VNeID login ended elsewhere.

    The system's act, not the citizen's: the portal learned it from VNeID's logout token.
    """
    AuditEntry.record(
        account=account,
        actor=None,
        action=AuditEntry.Action.VNEID_SINGLE_LOGOUT,
        reason=reason,
    )
