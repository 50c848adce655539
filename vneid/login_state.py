"""VNeID's own login state: a server-side row found through a cookie of VNeID's own.

It is deliberately not Django's session: the portal's session (`dvc_sessionid`) and VNeID's
login live and end independently, as two organisations' logins do. The simulated phone app
(`/vneid/app/`) is another device, so its login has a cookie of its own, limited to its path.
"""

import secrets
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone

from api_kit.keys import hash_secret

from . import hot_path
from .conf import provider_settings
from .models import LoginSession, OrganisationEid, VneidAccount
from .server import issuer_for

COOKIE_NAME = "vneid_session"
APP_COOKIE_NAME = "vneid_app_session"


def lifetime() -> timedelta:
    """Return how long a VNeID login lasts (VNEID_PROVIDER's SESSION_LIFETIME)."""
    session_lifetime: timedelta = provider_settings.SESSION_LIFETIME
    return session_lifetime


def cookie_path(cookie: str = COOKIE_NAME) -> str:
    """Return the cookie's path: only VNeID's own URLs (or the app's) ever receive it."""
    if cookie == APP_COOKIE_NAME:
        return reverse("vneid:app_home")
    return reverse("vneid:discovery").split(".well-known/")[0]


def current_login(request: HttpRequest, cookie: str = COOKIE_NAME) -> LoginSession | None:
    """Return the live LoginSession behind this browser's cookie, or None."""
    raw = request.COOKIES.get(cookie)
    if not raw:
        return None
    login: LoginSession | None = hot_path.live_login(hash_secret(raw))
    return login


def end(request: HttpRequest, cookie: str = COOKIE_NAME) -> None:
    """End this browser's login behind cookie, if any (the cookie itself stays)."""
    raw = request.COOKIES.get(cookie)
    if raw:
        LoginSession.objects.filter(key_hash=hash_secret(raw), ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


def start_login(
    request: HttpRequest,
    *,
    account: VneidAccount,
    amr: str = "pwd",
    cookie: str = COOKIE_NAME,
    approved_by: LoginSession | None = None,
    organisation: OrganisationEid | None = None,
) -> LoginSession:
    """Record a fresh authentication of account in this browser; return it, cookie unset.

    approved_by is the app's login that approved a QR login: logging out of the app ends it.
    organisation is the one the login acts for from the start (the app's, for a QR login);
    it is checked again before any code speaks for it.
    """
    end(request, cookie)
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    login = LoginSession.objects.create(
        key_hash=hash_secret(raw),
        issuer=issuer_for(request),
        account=account,
        auth_time=now.replace(microsecond=0),
        amr=amr,
        expires_at=now + lifetime(),
        approved_by=approved_by,
        organisation=organisation,
    )
    # Only in memory: the database keeps the hash, the browser the value.
    login.cookie_value = raw
    login.cookie_name = cookie
    return login


def set_cookie(response: HttpResponse, request: HttpRequest, login: LoginSession) -> None:
    """Hand the browser the cookie of a login just started."""
    response.set_cookie(
        login.cookie_name,
        login.cookie_value,
        max_age=int(lifetime().total_seconds()),
        path=cookie_path(login.cookie_name),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def clear_cookie(response: HttpResponse, cookie: str = COOKIE_NAME) -> None:
    """Make the browser forget the cookie of a login that ended."""
    response.delete_cookie(cookie, path=cookie_path(cookie), samesite="Lax")


def end_login(response: HttpResponse, request: HttpRequest, cookie: str = COOKIE_NAME) -> None:
    """End this browser's login behind cookie, if any, and clear the cookie."""
    end(request, cookie)
    clear_cookie(response, cookie)
