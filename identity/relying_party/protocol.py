"""OpenID Connect with VNeID as plain functions: no session, no account, no page.

It builds the authorization request (state, nonce, PKCE, the level asked for), checks the
authorization response's issuer, exchanges the code, validates the ID token into a
`VneidIdentity`, and builds the RP-initiated logout URL. What is kept between the requests is
`state`'s job; what a completed login means for the portal's accounts is `login`'s.
"""

import base64
import hashlib
import json
import logging
import re
import secrets
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.urls import reverse

from idnumbers.numbers import is_cccd_format, is_cmnd_format
from idnumbers.tax_codes import tax_code_problem

from .client import InvalidIdToken, Json, VneidClient, VneidError, VneidProtocolError
from .conf import vneid_settings

logger = logging.getLogger(__name__)

ACR_LEVEL = re.compile(r"^vneid:level(\d)$")

# Asked for with the portal's scopes by "Đăng nhập bằng VNeID (tổ chức)" (brief §6): VNeID then
# lets the person choose the organisation they act for, and its tokens are the organisation's.
ORGANISATION_SCOPE = "vneid_organisation"
ORGANISATION_ACCOUNT_TYPE = "organisation"
LEGAL_REPRESENTATIVE = "legal_representative"
AUTHORISED_PERSON = "authorised_person"
ORGANISATION_ROLES = frozenset({LEGAL_REPRESENTATIVE, AUTHORISED_PERSON})

# What one pending login keeps until its callback: state, nonce, PKCE verifier and more.
PendingLogin = dict[str, Any]


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
    # VNeID's public id of its login (the ID token's `sid`): its logout token names it.
    sid: str = ""

    def as_session(self) -> dict[str, Any]:
        """Return the identity as JSON-serialisable data for the session."""
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else ""
        return data

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> "VneidIdentity":
        """Return the identity stored by as_session."""
        birth = data.get("birth_date")
        return cls(**{**data, "birth_date": date.fromisoformat(birth) if birth else None})


@dataclass(frozen=True)
class OrganisationClaims:
    """What VNeID vouched for in an organisation login: the organisation and who acts for it.

    `sub` is the organisation e-ID's; `acting_number` is `act.sub`, the 12-digit number of the
    person acting; `role` says as what, `authorisation_scope` ("full" | "dossiers") only for an
    authorised person.
    """

    sub: str
    acting_number: str
    role: str
    authorisation_scope: str
    eid_code: str
    id_number: str
    name: str
    short_name: str
    foreign_name: str
    kind: str
    established_on: date | None
    head_office_address: str
    tax_code: str
    enterprise_code: str
    legal_representative_name: str
    legal_representative_id_number: str

    @property
    def may_take_over(self) -> bool:
        """Whether this person may inherit the organisation's legacy account (brief §7)."""
        if self.role == LEGAL_REPRESENTATIVE:
            return True
        return self.role == AUTHORISED_PERSON and self.authorisation_scope == "full"

    def as_session(self) -> dict[str, Any]:
        data = asdict(self)
        data["established_on"] = self.established_on.isoformat() if self.established_on else ""
        return data

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> "OrganisationClaims":
        day = data.get("established_on")
        return cls(**{**data, "established_on": date.fromisoformat(day) if day else None})


@dataclass(frozen=True)
class CompletedLogin:
    """A callback that went through: who the citizen is, the ID token, where to go next.

    For an organisation login `organisation` holds the organisation's claims, and `identity`
    is the acting person (number from `act.sub`, level from `acr`) under the token's `sub`.
    """

    identity: VneidIdentity
    id_token: str
    next_url: str
    # How the citizen authenticated at VNeID (`amr`), as VNeID said.
    amr: tuple[str, ...] = ()
    organisation: OrganisationClaims | None = None


def callback_uri(request: HttpRequest) -> str:
    """Return the absolute redirect_uri registered at VNeID for this portal."""
    configured: str = vneid_settings.REDIRECT_URI
    return configured or request.build_absolute_uri(reverse("vneid_login:callback"))


def post_logout_uri(request: HttpRequest) -> str:
    """Return the absolute address VNeID sends the browser back to after its logout."""
    configured: str = vneid_settings.POST_LOGOUT_REDIRECT_URI
    return configured or request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))


def s256_challenge(verifier: str) -> str:
    """Return the PKCE S256 code challenge of a verifier (RFC 7636 §4.2)."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def acr_for_level(level: int) -> str:
    """Return the `acr` value VNeID uses for an assurance level."""
    return f"vneid:level{level}"


def level_request(level: int | None = None) -> dict[str, str]:
    """Return the parameters asking VNeID for the level the portal needs, and for `acr`.

    A certified provider puts `acr` in the ID token only when asked: by `acr_values`, or as an
    essential claim (OpenID Connect Core 5.5.1.1). The essential claim names no value, so a
    level-1 account still comes back and is told how to upgrade.
    """
    claims = {"id_token": {"acr": {"essential": True}}}
    return {
        "acr_values": acr_for_level(level or vneid_settings.REQUIRED_LEVEL),
        "claims": json.dumps(claims, separators=(",", ":")),
    }


def organisation_scopes(scopes: str | None = None) -> str:
    """Return the portal's scopes with `vneid_organisation` added (once)."""
    names = (scopes or vneid_settings.SCOPES).split()
    return " ".join([*names, ORGANISATION_SCOPE] if ORGANISATION_SCOPE not in names else names)


def new_pending_login(*, redirect_uri: str, next_url: str) -> PendingLogin:
    """Return fresh secrets for one login (state, nonce, PKCE verifier) and where it returns."""
    return {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "code_verifier": secrets.token_urlsafe(64),
        "redirect_uri": redirect_uri,
        "next": next_url,
        "started_at": int(time.time()),
    }


def authorization_url(
    pending: PendingLogin,
    *,
    prompt: str = "",
    client: VneidClient | None = None,
    level: int | None = None,
    scopes: str | None = None,
) -> str:
    """Return the URL of VNeID's authorization request for a pending login.

    The client's own id is sent; level and scopes default to the portal's settings.
    """
    with _client(client) as vneid:
        endpoint = vneid.metadata().authorization_endpoint
        client_id = vneid.client_id
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": pending["redirect_uri"],
        "scope": scopes or vneid_settings.SCOPES,
        "state": pending["state"],
        "nonce": pending["nonce"],
        "code_challenge": s256_challenge(pending["code_verifier"]),
        "code_challenge_method": "S256",
        **level_request(level),
    }
    if prompt:
        params["prompt"] = prompt
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


def check_issuer(issuer: str | None, *, client: VneidClient | None = None) -> None:
    """Refuse an authorization response from another issuer (RFC 9207, mix-up defence).

    `issuer` is the response's `iss` parameter, None when absent. When VNeID announces the
    parameter, a response without it is refused too; `iss` is compared whenever it is present.
    """
    with _client(client) as vneid:
        metadata = vneid.metadata()
    if issuer is None and metadata.authorization_response_iss_parameter_supported:
        raise IssuerMismatch()
    if issuer is not None and issuer.rstrip("/") != metadata.issuer.rstrip("/"):
        raise IssuerMismatch()


def complete_login(
    *, code: str, pending: PendingLogin, client: VneidClient | None = None
) -> CompletedLogin:
    """Exchange the callback's code, validate the ID token and return the citizen's identity."""
    if not code:
        raise VneidProtocolError("callback without code or error")
    with _client(client) as vneid:
        tokens = vneid.exchange_code(
            code=code,
            redirect_uri=pending["redirect_uri"],
            code_verifier=pending["code_verifier"],
        )
        claims = vneid.validate_id_token(tokens["id_token"], nonce=pending["nonce"])
        if _claims_elsewhere(claims):
            # Providers may keep the ID token small and release identity claims at userinfo.
            extra = vneid.userinfo(tokens["access_token"])
            # OpenID Connect Core §5.3.2: userinfo about someone else must not be used.
            if extra.get("sub") != claims["sub"]:
                raise VneidProtocolError("userinfo sub differs from the ID token's")
            claims = {**extra, **claims}
    organisation = organisation_from_claims(claims) if _is_organisation(claims) else None
    identity = identity_from_claims(claims, organisation=organisation)
    amr = claims.get("amr")
    return CompletedLogin(
        identity=identity,
        id_token=tokens["id_token"],
        next_url=pending.get("next", ""),
        amr=tuple(str(item) for item in amr) if isinstance(amr, list) else (),
        organisation=organisation,
    )


def _claims_elsewhere(claims: Json) -> bool:
    """Whether the ID token lacks the identity claims, so that they are at userinfo."""
    if _is_organisation(claims):
        return not claims.get("tax_code")
    return not claims.get("personal_id_number")


def _is_organisation(claims: Json) -> bool:
    return claims.get("account_type") == ORGANISATION_ACCOUNT_TYPE


def organisation_from_claims(claims: Json) -> OrganisationClaims:
    """Return the organisation login's claims validated, or raise VneidProtocolError."""
    act = claims.get("act")
    acting = str(act.get("sub") or "") if isinstance(act, dict) else ""
    if not is_cccd_format(acting):
        raise VneidProtocolError("organisation login without act.sub of 12 digits")
    role = str(claims.get("organisation_role") or "")
    if role not in ORGANISATION_ROLES:
        raise VneidProtocolError("organisation login with an unknown organisation_role")
    scope = str(claims.get("authorisation_scope") or "") if role == AUTHORISED_PERSON else ""
    tax_code = str(claims.get("tax_code") or "")
    if tax_code_problem(tax_code):
        raise VneidProtocolError("organisation login without a valid tax_code")
    try:
        day = claims.get("establishment_date")
        established = date.fromisoformat(day) if day else None
    except (TypeError, ValueError) as error:
        raise VneidProtocolError("establishment_date is not YYYY-MM-DD") from error
    name = str(claims.get("organisation_name") or claims.get("name") or "")
    if not name:
        raise VneidProtocolError("organisation login without the organisation's name")
    return OrganisationClaims(
        sub=str(claims["sub"]),
        acting_number=acting,
        role=role,
        authorisation_scope=scope,
        eid_code=str(claims.get("organisation_eid") or ""),
        id_number=str(claims.get("organisation_id_number") or ""),
        name=name,
        short_name=str(claims.get("organisation_short_name") or ""),
        foreign_name=str(claims.get("organisation_foreign_name") or ""),
        kind=str(claims.get("organisation_kind") or ""),
        established_on=established,
        head_office_address=str(claims.get("head_office_address") or ""),
        tax_code=tax_code,
        enterprise_code=str(claims.get("enterprise_code") or tax_code),
        legal_representative_name=str(claims.get("legal_representative_name") or ""),
        legal_representative_id_number=str(claims.get("legal_representative_id_number") or ""),
    )


def identity_from_claims(
    claims: Json, *, organisation: OrganisationClaims | None = None
) -> VneidIdentity:
    """Return the VneidIdentity of validated claims, or raise VneidProtocolError.

    In an organisation login it is the acting person: the number from `act.sub`, no personal
    data (VNeID gives none there), the level from `acr`, and the token's `sub` and `sid`.
    """
    if organisation is not None:
        match = ACR_LEVEL.fullmatch(str(claims.get("acr") or ""))
        return VneidIdentity(
            sub=str(claims["sub"]),
            personal_id_number=organisation.acting_number,
            old_cmnd_number="",
            full_name="",
            birth_date=None,
            gender="",
            level=int(match.group(1)) if match else None,
            sid=str(claims.get("sid") or ""),
        )
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
        sid=str(claims.get("sid") or ""),
    )


def end_session_url(
    id_token: str,
    *,
    post_logout_redirect_uri: str,
    client: VneidClient | None = None,
    state: str = "",
) -> str:
    """Return VNeID's RP-initiated logout URL for an ID token, or "" if VNeID cannot say.

    A hint VNeID would refuse (its key no longer published, say) is left out: VNeID then asks
    the citizen to confirm and still returns to the portal, instead of stopping on its error
    page with the citizen unsure whether they are logged out.
    """
    try:
        with _client(client) as vneid:
            endpoint = vneid.metadata().end_session_endpoint
            hint = _acceptable_hint(vneid, id_token) if endpoint else ""
            client_id = vneid.client_id
    except VneidError as error:
        logger.warning("VNeID logout skipped: %r", error)
        return ""
    if not endpoint:
        return ""
    params = {
        "id_token_hint": hint,
        "client_id": client_id,
        "post_logout_redirect_uri": post_logout_redirect_uri,
        "state": state,
    }
    params = {name: value for name, value in params.items() if value}
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urlencode(params)}"


def _acceptable_hint(vneid: VneidClient, id_token: str) -> str:
    try:
        vneid.check_logout_hint(id_token)
    except InvalidIdToken as error:
        logger.info("VNeID logout without id_token_hint, VNeID would refuse it: %s", error)
        return ""
    return id_token


def _client(client: VneidClient | None) -> AbstractContextManager[VneidClient]:
    """Use the given client as is, or a new one that is closed after use."""
    return nullcontext(client) if client is not None else VneidClient()
