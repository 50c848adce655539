"""The login flow with VNeID as plain functions: the protocol and its state in the session.

The protocol state of one pending login (state, nonce, PKCE verifier, next) lives in the
session and is removed when the callback reads it, so a replayed callback finds nothing. What a
completed login means for the portal's accounts is decided in `login.decide_login`; state
changes are in `services`.
"""

import base64
import hashlib
import json
import logging
import re
import secrets
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.shortcuts import resolve_url
from django.urls import reverse

from admin_kit.redirects import local_url
from idnumbers.numbers import is_cccd_format, is_cmnd_format

from .client import InvalidIdToken, VneidClient, VneidError, VneidProtocolError
from .conf import vneid_settings

logger = logging.getLogger(__name__)

User = get_user_model()

PENDING_LOGIN_SESSION_KEY = "vneid_login.pending"
PENDING_LINK_SESSION_KEY = "vneid_login.pending_link"
# Its presence marks a portal session that came from VNeID; portal logout ends VNeID's too.
ID_TOKEN_SESSION_KEY = "vneid_login.id_token"
# A login started more than this long ago, or a link offer older than this, must start again.
PENDING_SECONDS = 600

ACR_LEVEL = re.compile(r"^vneid:level(\d)$")


class FlowExpired(Exception):
    """No pending login or link in the session, or it is too old."""


class StateMismatch(Exception):
    """The callback's state is not the one this browser's login was started with."""

    def __init__(self, next_url):
        super().__init__("state mismatch")
        self.next_url = next_url


class IssuerMismatch(Exception):
    """The authorization response names another issuer, or none where VNeID promised one."""


@dataclass(frozen=True)
class VneidIdentity:
    """What the portal learned about the citizen from VNeID, validated."""

    sub: str
    personal_id_number: str
    old_cmnd_number: str
    full_name: str
    birth_date: date | None
    gender: str
    # None when VNeID did not say: never taken for level 1 or for any other level.
    level: int | None

    def as_session(self):
        """Return the identity as JSON-serialisable data for the session."""
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else ""
        return data

    @classmethod
    def from_session(cls, data):
        """Return the identity stored by as_session."""
        birth = data.get("birth_date")
        return cls(**{**data, "birth_date": date.fromisoformat(birth) if birth else None})


@dataclass(frozen=True)
class CompletedLogin:
    """A callback that went through: who the citizen is, the ID token, where to go next."""

    identity: VneidIdentity
    id_token: str
    next_url: str


def next_or_default(url):
    """Return url, or the page a login goes to when nothing was asked for."""
    return url or resolve_url(settings.LOGIN_REDIRECT_URL)


def callback_uri(request):
    """Return the absolute redirect_uri registered at VNeID for this portal."""
    configured = vneid_settings.REDIRECT_URI
    return configured or request.build_absolute_uri(reverse("vneid_login:callback"))


def s256_challenge(verifier):
    """Return the PKCE S256 code challenge of a verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def acr_for_level(level):
    """Return the `acr` value VNeID uses for an assurance level."""
    return f"vneid:level{level}"


def level_request():
    """Return the parameters asking VNeID for the level the portal needs, and for `acr`.

    A certified provider puts `acr` in the ID token only when asked: by `acr_values`, or as an
    essential claim (OpenID Connect Core 5.5.1.1). The essential claim names no value, so a
    level-1 account still comes back and is told how to upgrade.
    """
    claims = {"id_token": {"acr": {"essential": True}}}
    return {
        "acr_values": acr_for_level(vneid_settings.REQUIRED_LEVEL),
        "claims": json.dumps(claims, separators=(",", ":")),
    }


def begin_login(request, *, next_url="", prompt="", client=None):
    """Remember a new pending login in the session; return the authorization URL to go to."""
    with _client(client) as vneid:
        endpoint = vneid.metadata().authorization_endpoint
    pending = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "code_verifier": secrets.token_urlsafe(64),
        "redirect_uri": callback_uri(request),
        "next": local_url(request, next_url),
        "started_at": int(time.time()),
    }
    # One pending login per browser: starting again replaces an abandoned one.
    request.session[PENDING_LOGIN_SESSION_KEY] = pending
    params = {
        "response_type": "code",
        "client_id": vneid_settings.CLIENT_ID,
        "redirect_uri": pending["redirect_uri"],
        "scope": vneid_settings.SCOPES,
        "state": pending["state"],
        "nonce": pending["nonce"],
        "code_challenge": s256_challenge(pending["code_verifier"]),
        "code_challenge_method": "S256",
        **level_request(),
    }
    if prompt:
        params["prompt"] = prompt
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


def take_pending_login(request):
    """Remove and return the pending login whose state the callback carries.

    Raises FlowExpired when there is none (a replayed or very late callback) and StateMismatch
    when the state differs; either way the pending login is gone.
    """
    pending = request.session.pop(PENDING_LOGIN_SESSION_KEY, None)
    if not pending or _expired(pending["started_at"]):
        raise FlowExpired()
    if not secrets.compare_digest(request.GET.get("state", ""), pending["state"]):
        raise StateMismatch(pending.get("next", ""))
    return pending


def check_issuer(request, *, client=None):
    """Refuse an authorization response from another issuer (RFC 9207, mix-up defence).

    When VNeID announces the `iss` parameter, a response without it is refused too; `iss` is
    compared whenever it is present.
    """
    issuer = request.GET.get("iss")
    with _client(client) as vneid:
        metadata = vneid.metadata()
    if issuer is None and metadata.authorization_response_iss_parameter_supported:
        raise IssuerMismatch()
    if issuer is not None and issuer.rstrip("/") != metadata.issuer.rstrip("/"):
        raise IssuerMismatch()


def complete_login(request, pending, *, client=None):
    """Exchange the callback's code, validate the ID token and return the citizen's identity."""
    code = request.GET.get("code", "")
    if not code:
        raise VneidProtocolError("callback without code or error")
    with _client(client) as vneid:
        tokens = vneid.exchange_code(
            code=code,
            redirect_uri=pending["redirect_uri"],
            code_verifier=pending["code_verifier"],
        )
        claims = vneid.validate_id_token(tokens["id_token"], nonce=pending["nonce"])
        if not claims.get("personal_id_number"):
            # Providers may keep the ID token small and release identity claims at userinfo.
            extra = vneid.userinfo(tokens["access_token"])
            # OpenID Connect Core §5.3.2: userinfo about someone else must not be used.
            if extra.get("sub") != claims["sub"]:
                raise VneidProtocolError("userinfo sub differs from the ID token's")
            claims = {**extra, **claims}
    identity = identity_from_claims(claims)
    return CompletedLogin(
        identity=identity, id_token=tokens["id_token"], next_url=pending.get("next", "")
    )


def identity_from_claims(claims):
    """Return the VneidIdentity of validated claims, or raise VneidProtocolError."""
    number = str(claims.get("personal_id_number") or "")
    if not is_cccd_format(number):
        raise VneidProtocolError("personal_id_number missing or not 12 digits")
    old_cmnd = str(claims.get("old_cmnd_number") or "")
    if old_cmnd and not is_cmnd_format(old_cmnd):
        raise VneidProtocolError("old_cmnd_number is not 9 or 12 digits")
    try:
        birth = date.fromisoformat(claims["birthdate"]) if claims.get("birthdate") else None
    except (TypeError, ValueError) as error:
        raise VneidProtocolError("birthdate is not YYYY-MM-DD") from error
    match = ACR_LEVEL.fullmatch(str(claims.get("acr") or ""))
    return VneidIdentity(
        sub=str(claims["sub"]),
        personal_id_number=number,
        old_cmnd_number=old_cmnd,
        full_name=str(claims.get("name") or ""),
        birth_date=birth,
        gender=str(claims.get("gender") or ""),
        level=int(match.group(1)) if match else None,
    )


def offer_link(request, *, account, completed):
    """Remember the identity and the legacy account found for it until the person decides."""
    request.session[PENDING_LINK_SESSION_KEY] = {
        "identity": completed.identity.as_session(),
        "account_id": account.pk,
        "id_token": completed.id_token,
        "next": completed.next_url,
        "started_at": int(time.time()),
    }


def pending_link(request):
    """Return the pending link offer (identity, account, id_token, next) or raise FlowExpired."""
    offer = request.session.get(PENDING_LINK_SESSION_KEY)
    if not offer or _expired(offer["started_at"]):
        request.session.pop(PENDING_LINK_SESSION_KEY, None)
        raise FlowExpired()
    account = User.objects.filter(pk=offer["account_id"], cccd_number="").first()
    if account is None:
        # The legacy account linked a CCCD in the meantime: the offer no longer applies.
        request.session.pop(PENDING_LINK_SESSION_KEY, None)
        raise FlowExpired()
    identity = VneidIdentity.from_session(offer["identity"])
    return identity, account, offer["id_token"], offer["next"]


def drop_pending_link(request):
    """Forget the link offer once the person has decided."""
    request.session.pop(PENDING_LINK_SESSION_KEY, None)


def remember_vneid_session(request, id_token):
    """Mark the portal session as a VNeID login (call after auth.login, which may flush)."""
    request.session[ID_TOKEN_SESSION_KEY] = id_token


def vneid_id_token(request):
    """Return the ID token of the VNeID login behind this portal session, if it came from one."""
    return request.session.get(ID_TOKEN_SESSION_KEY, "")


def end_session_url(request, id_token, *, client=None):
    """Return VNeID's RP-initiated logout URL for an ID token, or "" if VNeID cannot say.

    A hint VNeID would refuse (its key no longer published, say) is left out: VNeID then asks
    the citizen to confirm and still returns to the portal, instead of stopping on its error
    page with the citizen unsure whether they are logged out.
    """
    try:
        with _client(client) as vneid:
            endpoint = vneid.metadata().end_session_endpoint
            hint = _acceptable_hint(vneid, id_token) if endpoint else ""
    except VneidError as error:
        logger.warning("VNeID logout skipped: %r", error)
        return ""
    if not endpoint:
        return ""
    params = {
        "id_token_hint": hint,
        "client_id": vneid_settings.CLIENT_ID,
        "post_logout_redirect_uri": post_logout_uri(request),
    }
    params = {name: value for name, value in params.items() if value}
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


def _acceptable_hint(vneid, id_token):
    try:
        vneid.check_logout_hint(id_token)
    except InvalidIdToken as error:
        logger.info("VNeID logout without id_token_hint, VNeID would refuse it: %s", error)
        return ""
    return id_token


def post_logout_uri(request):
    """Return the absolute address VNeID sends the browser back to after its logout."""
    configured = vneid_settings.POST_LOGOUT_REDIRECT_URI
    return configured or request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))


def _expired(started_at):
    return time.time() - started_at > PENDING_SECONDS


def _client(client):
    return nullcontext(client) if client is not None else VneidClient()
