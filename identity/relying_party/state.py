"""What the VNeID login keeps in the Django session between its requests.

A pending login (state, nonce, PKCE verifier, next) is removed when the callback reads it, so
a replayed callback finds nothing; a link offer waits for the citizen's choice; the ID token
of a completed login stays for the RP-initiated logout. Nothing here speaks to VNeID or reads
an account: `protocol` does the one, `login` the other.
"""

import secrets
import time
from dataclasses import dataclass

from django.http import HttpRequest

from admin_kit.redirects import local_url

from . import protocol
from .client import VneidClient
from .protocol import CompletedLogin, PendingLogin, VneidIdentity

PENDING_LOGIN_SESSION_KEY = "vneid_login.pending"
PENDING_LINK_SESSION_KEY = "vneid_login.pending_link"
# Its presence marks a portal session that came from VNeID; portal logout ends VNeID's too.
ID_TOKEN_SESSION_KEY = "vneid_login.id_token"
# A login started more than this long ago, or a link offer older than this, must start again.
PENDING_SECONDS = 600


class FlowExpired(Exception):
    """No pending login or link in the session, or it is too old."""


class StateMismatch(Exception):
    """The callback's state is not the one this browser's login was started with."""

    def __init__(self, next_url: str) -> None:
        super().__init__("state mismatch")
        self.next_url = next_url


@dataclass(frozen=True)
class PendingLink:
    """A legacy account offered for linking, until the citizen links it or declines."""

    identity: VneidIdentity
    account_id: int
    id_token: str
    next_url: str


def begin_login(
    request: HttpRequest,
    *,
    next_url: str = "",
    prompt: str = "",
    client: VneidClient | None = None,
    organisation: bool = False,
) -> str:
    """Remember a new pending login in the session; return the authorization URL to go to.

    `organisation`: "Đăng nhập bằng VNeID (tổ chức)", which asks for `vneid_organisation` and
    lets the person choose the account to log in as (`prompt=select_account`).
    """
    pending = protocol.new_pending_login(
        redirect_uri=protocol.callback_uri(request), next_url=local_url(request, next_url)
    )
    if organisation:
        pending["organisation"] = True
        url = protocol.authorization_url(
            pending,
            prompt="select_account",
            client=client,
            scopes=protocol.organisation_scopes(),
        )
    else:
        url = protocol.authorization_url(pending, prompt=prompt, client=client)
    # One pending login per browser: starting again replaces an abandoned one.
    request.session[PENDING_LOGIN_SESSION_KEY] = pending
    return url


def take_pending_login(request: HttpRequest) -> PendingLogin:
    """Remove and return the pending login whose state the callback carries.

    Raises FlowExpired when there is none (a replayed or very late callback) and StateMismatch
    when the state differs; either way the pending login is gone.
    """
    pending: PendingLogin | None = request.session.pop(PENDING_LOGIN_SESSION_KEY, None)
    if not pending or _expired(pending["started_at"]):
        raise FlowExpired()
    if not secrets.compare_digest(request.GET.get("state", ""), pending["state"]):
        raise StateMismatch(pending.get("next", ""))
    return pending


def offer_link(request: HttpRequest, *, account_id: int, completed: CompletedLogin) -> None:
    """Remember the identity and the legacy account found for it until the person decides."""
    request.session[PENDING_LINK_SESSION_KEY] = {
        "identity": completed.identity.as_session(),
        "account_id": account_id,
        "id_token": completed.id_token,
        "next": completed.next_url,
        "started_at": int(time.time()),
    }


def pending_link(request: HttpRequest) -> PendingLink:
    """Return the pending link offer, or raise FlowExpired (and forget it) when it is too old."""
    offer = request.session.get(PENDING_LINK_SESSION_KEY)
    if not offer or _expired(offer["started_at"]):
        drop_pending_link(request)
        raise FlowExpired()
    return PendingLink(
        identity=VneidIdentity.from_session(offer["identity"]),
        account_id=offer["account_id"],
        id_token=offer["id_token"],
        next_url=offer["next"],
    )


def drop_pending_link(request: HttpRequest) -> None:
    """Forget the link offer once the person has decided."""
    request.session.pop(PENDING_LINK_SESSION_KEY, None)


def remember_vneid_session(request: HttpRequest, id_token: str) -> None:
    """Mark the portal session as a VNeID login (call after auth.login, which may flush)."""
    request.session[ID_TOKEN_SESSION_KEY] = id_token


def vneid_id_token(request: HttpRequest) -> str:
    """Return the ID token of the VNeID login behind this portal session, if it came from one."""
    id_token: str = request.session.get(ID_TOKEN_SESSION_KEY, "")
    return id_token


def _expired(started_at: int) -> bool:
    return time.time() - started_at > PENDING_SECONDS
