"""The provincial login, kept in the province's own cookie: never the national portal's session.

A separate site must not share another site's Django login. The cookie (path `/quang-nam/`,
HttpOnly, SameSite=Lax, Secure over HTTPS) carries a random key; the database keeps only its
hash, the account, and what the national login service said of the login (its `sid`, the ID
token for the logout), so the service's logouts can end it.
"""

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from .models import AuditEvent, ProvincialAccount, ProvincialSession

COOKIE_NAME = "qnam_session"
COOKIE_PATH = "/quang-nam/"
# A working day: a citizen who walks away is logged out by the next morning.
SESSION_SECONDS = 8 * 3600

ENDED_BY_LOGOUT = "logout"
ENDED_BY_BACKCHANNEL = "backchannel_logout"
ENDED_BY_FRONTCHANNEL = "frontchannel_logout"
ENDED_BY_NEW_LOGIN = "new_login"


def key_hash(raw: str) -> str:
    """Return the digest a cookie value is stored as."""
    return hashlib.sha256(raw.encode()).hexdigest()


def current(request: HttpRequest) -> ProvincialSession | None:
    """Return the live provincial session named by the request's cookie, or None."""
    if hasattr(request, "_provincial_session"):
        cached: ProvincialSession | None = request._provincial_session
        return cached
    raw = request.COOKIES.get(COOKIE_NAME, "")
    found = None
    if raw:
        found = (
            ProvincialSession.objects.select_related("account")
            .filter(
                key_hash=key_hash(raw),
                ended_at__isnull=True,
                created_at__gte=timezone.now() - timedelta(seconds=SESSION_SECONDS),
                account__is_active=True,
            )
            .first()
        )
    request._provincial_session = found  # type: ignore[attr-defined]
    return found


def current_account(request: HttpRequest) -> ProvincialAccount | None:
    """Return the account logged in at the provincial portal, or None."""
    session = current(request)
    return session.account if session else None


def open_session(
    request: HttpRequest,
    response: HttpResponse,
    *,
    account: ProvincialAccount,
    sid: str,
    id_token: str,
    notice: str = "",
    notice_level: str = "success",
    acting_name: str = "",
    acting_number_masked: str = "",
    acting_role: str = "",
) -> ProvincialSession:
    """Start a provincial session for account and set its cookie on response.

    A session this browser already had ends first: a new login never inherits an old key.
    """
    previous = current(request)
    if previous is not None:
        end(previous, reason=ENDED_BY_NEW_LOGIN)
    raw = secrets.token_urlsafe(32)
    session = ProvincialSession.objects.create(
        key_hash=key_hash(raw),
        account=account,
        sid=sid,
        id_token=id_token,
        notice=notice,
        notice_level=notice_level if notice else "",
        acting_name=acting_name,
        acting_number_masked=acting_number_masked,
        acting_role=acting_role,
    )
    response.set_cookie(
        COOKIE_NAME,
        raw,
        max_age=SESSION_SECONDS,
        path=COOKIE_PATH,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
    request._provincial_session = session  # type: ignore[attr-defined]
    return session


def forget_cookie(response: HttpResponse) -> None:
    """Remove the provincial cookie from the browser."""
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")


def end(session: ProvincialSession, *, reason: str) -> bool:
    """End one session; return False when it had already ended."""
    return (
        ProvincialSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(), ended_reason=reason
        )
        == 1
    )


@transaction.atomic
def end_sessions_of_sid(sid: str, *, reason: str, kind: str, detail: str) -> int:
    """End every live session of the national login service's session sid; audit each."""
    if not sid:
        return 0
    live = list(
        ProvincialSession.objects.select_for_update()
        .filter(sid=sid, ended_at__isnull=True)
        .select_related("account")
    )
    if not live:
        return 0
    ProvincialSession.objects.filter(pk__in=[s.pk for s in live]).update(
        ended_at=timezone.now(), ended_reason=reason
    )
    AuditEvent.record_many(
        {"kind": kind, "account": session.account, "detail": detail} for session in live
    )
    return len(live)


def take_notice(session: ProvincialSession | None) -> tuple[str, str]:
    """Return the session's one-time notice and its level, and clear it."""
    if session is None or not session.notice:
        return "", ""
    notice, level = session.notice, session.notice_level
    ProvincialSession.objects.filter(pk=session.pk).update(notice="", notice_level="")
    session.notice = session.notice_level = ""
    return notice, level


def purge() -> int:
    """Delete what no request can use any more; return how many rows went.

    Sessions that ended or expired a day ago, logins abandoned before their callback, and
    wrong passwords older than the throttle's window.
    """
    from .citizens import LOCK_MINUTES
    from .flow import FLOW_SECONDS
    from .models import LoginFlow, PasswordFailure

    now = timezone.now()
    day_ago = now - timedelta(days=1)
    sessions, _ = ProvincialSession.objects.filter(
        Q(ended_at__lt=day_ago) | Q(created_at__lt=day_ago - timedelta(seconds=SESSION_SECONDS))
    ).delete()
    flows, _ = LoginFlow.objects.filter(
        started_at__lt=now - timedelta(seconds=FLOW_SECONDS)
    ).delete()
    failures, _ = PasswordFailure.objects.filter(
        created_at__lt=now - timedelta(minutes=LOCK_MINUTES)
    ).delete()
    return sessions + flows + failures
