"""VNeID's back-channel logout at the portal: the sessions a VNeID login started, and their end.

Each login with VNeID records the ID token's `sid` against the portal's session key. When the
citizen's VNeID login ends anywhere (another portal's logout, the VNeID app, a locked account),
VNeID posts a logout token naming that `sid`; the portal then deletes those sessions from its
session store, whichever engine keeps them (database, cache, or both), and audits each.
"""

import logging
from datetime import timedelta
from importlib import import_module

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts import login_flow
from accounts.models import User
from oidc_kit.backchannel import backchannel_logout_view
from oidc_kit.logout_token import LogoutClaims

from .client import VneidClient
from .models import VneidSession
from .protocol import VneidIdentity

logger = logging.getLogger(__name__)

REASON = "VNeID báo phiên đăng nhập {sid_hint}… đã kết thúc (đăng xuất ở dịch vụ khác)"


def remember(request: HttpRequest, *, account: User, identity: VneidIdentity) -> None:
    """Record that this portal session (logged in just now) came from VNeID login `sid`."""
    if not identity.sid:
        # A provider without back-channel logout: nothing will ever name this session.
        return
    if request.session.session_key is None:
        request.session.save()
    session_key = request.session.session_key
    if session_key is None:
        return
    VneidSession.objects.create(
        sid=identity.sid, sub=identity.sub, session_key=session_key, account=account
    )
    # No purge job of its own: a row outlives its session by at most the next VNeID login.
    outlived = timezone.now() - timedelta(seconds=settings.SESSION_COOKIE_AGE)
    VneidSession.objects.filter(created_at__lt=outlived).delete()


def forget(request: HttpRequest) -> None:
    """Mark this session's VNeID row ended: the portal's own logout is ending the session."""
    session_key = request.session.session_key
    if session_key:
        VneidSession.objects.filter(session_key=session_key, ended_at__isnull=True).update(
            ended_at=timezone.now()
        )


def _session_store(session_key: str) -> SessionBase:
    engine = import_module(settings.SESSION_ENGINE)
    store: SessionBase = engine.SessionStore(session_key=session_key)
    return store


def end_sessions(claims: LogoutClaims) -> int:
    """End every live portal session of VNeID login `claims.sid`; return how many ended."""
    rows = VneidSession.objects.select_related("account").filter(
        sid=claims.sid, ended_at__isnull=True
    )
    if claims.sub:
        # The token names the citizen too: a session of someone else is never touched.
        rows = rows.filter(sub=claims.sub)
    ended = 0
    for row in rows:
        with transaction.atomic():
            # Conditional: of two deliveries racing, only one ends and audits the session.
            if not VneidSession.objects.filter(pk=row.pk, ended_at__isnull=True).update(
                ended_at=timezone.now()
            ):
                continue
            _session_store(row.session_key).delete()
            login_flow.record_single_logout(
                account=row.account, reason=REASON.format(sid_hint=claims.sid[:6])
            )
        ended += 1
    logger.info("VNeID back-channel logout ended %d portal session(s)", ended)
    return ended


def verify(logout_token: str) -> LogoutClaims:
    """Check a logout token against VNeID's published keys, issuer and this portal's client_id."""
    with VneidClient() as vneid:
        return vneid.verify_logout_token(logout_token)


receive_logout = backchannel_logout_view(verify=verify, end_sessions=end_sessions)
