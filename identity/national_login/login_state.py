"""The service's own login state: a server-side row found through a cookie of its own.

Not Django's session: the portal's session (`dvc_sessionid`), VNeID's login and the service's
live and end independently, as three organisations' logins do. The cookie's path is `/xacthuc/`,
so no other organisation's page ever receives it. A second cookie binds a portal's pending
authorization request to the browser that started it.
"""

import secrets
from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from api_kit.keys import hash_secret

from .claims import ActingPerson
from .conf import login_settings
from .models import Idp, LoginSession, Subject
from .server import issuer_path

COOKIE_NAME = "xacthuc_session"
BROWSER_COOKIE_NAME = "xacthuc_browser"
BROWSER_COOKIE_SECONDS = 3600


def lifetime() -> timedelta:
    """Return how long a login at the service lasts (NATIONAL_LOGIN's SESSION_LIFETIME)."""
    session_lifetime: timedelta = login_settings.SESSION_LIFETIME
    return session_lifetime


def cookie_path() -> str:
    """Return the cookies' path: the service's own URLs only (`/xacthuc/`)."""
    return issuer_path() + "/"


def current_login(request: HttpRequest) -> LoginSession | None:
    """Return the live LoginSession behind this browser's cookie, or None."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw:
        return None
    return (
        LoginSession.objects.select_related("subject")
        .filter(key_hash=hash_secret(raw), ended_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )


def start_login(
    request: HttpRequest,
    *,
    subject: Subject,
    idp: str,
    amr: str,
    vneid_sid: str = "",
    vneid_id_token: str = "",
    acting: ActingPerson | None = None,
) -> LoginSession:
    """Record a fresh authentication in this browser and return it; the cookie is not set yet.

    acting: who logs in for subject when it is an organisation (None: a personal login).
    """
    end_current(request)
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    login = LoginSession.objects.create(
        key_hash=hash_secret(raw),
        subject=subject,
        idp=idp,
        acr=subject.acr if idp == Idp.VNEID else "LoA1",
        amr=amr,
        auth_time=now.replace(microsecond=0),
        vneid_sid=vneid_sid,
        vneid_id_token=vneid_id_token,
        act_number=acting.number if acting else "",
        act_name=acting.name if acting else "",
        organisation_role=acting.role if acting else "",
        authorisation_scope=acting.scope if acting else "",
        expires_at=now + lifetime(),
    )
    login.cookie_value = raw
    return login


def set_cookie(response: HttpResponse, request: HttpRequest, login: LoginSession) -> None:
    """Hand the browser the cookie of a login just started."""
    response.set_cookie(
        COOKIE_NAME,
        login.cookie_value,
        max_age=int(lifetime().total_seconds()),
        path=cookie_path(),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )


def end_current(request: HttpRequest) -> None:
    """End the login behind this browser's cookie, if any (the cookie stays until cleared)."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if raw:
        LoginSession.objects.filter(key_hash=hash_secret(raw), ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


def clear_cookie(response: HttpResponse) -> None:
    """Tell the browser to forget the service's login cookie."""
    response.delete_cookie(COOKIE_NAME, path=cookie_path(), samesite="Lax")


def browser_secret(request: HttpRequest) -> tuple[str, bool]:
    """Return this browser's binding secret and whether it is new (then set_browser_cookie)."""
    raw = request.COOKIES.get(BROWSER_COOKIE_NAME, "")
    if 20 <= len(raw) <= 100:
        return raw, False
    return secrets.token_urlsafe(32), True


def set_browser_cookie(response: HttpResponse, request: HttpRequest, raw: str) -> None:
    """Hand the browser its binding secret."""
    response.set_cookie(
        BROWSER_COOKIE_NAME,
        raw,
        max_age=BROWSER_COOKIE_SECONDS,
        path=cookie_path(),
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
