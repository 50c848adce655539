"""The service as a relying party of VNeID: the portal's own OpenID Connect client, configured
with the service's issuer, credentials and timeout (NATIONAL_LOGIN), over HTTP only.

The chooser's organisation option asks VNeID for `vneid_organisation` too, with
`prompt=select_account`: VNeID then lets the person choose themself or an organisation they act
for, and answers an organisation login (`sub` the organisation, `act` the person) or a personal
one, which the callback tells apart by `account_type`.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from api_kit.keys import hash_secret
from identity.relying_party import protocol
from identity.relying_party.client import Json, VneidClient, VneidProtocolError
from identity.relying_party.protocol import CompletedLogin
from idnumbers.numbers import is_cccd_format
from idnumbers.tax_codes import tax_code_problem

from .claims import ActingPerson
from .conf import login_settings
from .models import OrganisationRole, PendingAuthorization, Subject, SubjectKind
from .server import absolute
from .services import Organisation

# What the service asks VNeID for: the identity claims it passes on to portals.
VNEID_SCOPES = "openid profile vneid_identity"
# The chooser's organisation option (Decree 69/2024): the same, and the organisation's e-ID.
ORGANISATION_SCOPE = "vneid_organisation"
VNEID_ORGANISATION_SCOPES = f"{VNEID_SCOPES} {ORGANISATION_SCOPE}"
# VNeID's names (vneid/claims.py) of the account types and of an authorised person's scopes.
ACCOUNT_TYPE_ORGANISATION = "organisation"
AUTHORISATION_SCOPES = ("full", "dossiers")
# Any of these in the ID token means VNeID released the organisation's attributes there.
ORGANISATION_ATTRIBUTES = ("organisation_name", "organisation_eid", "tax_code")


class BadOrganisationLogin(VneidProtocolError):
    """VNeID answered an organisation login the service cannot use (no `act`, no role, …).

    A fault of the answer, never of the person: shown with the system-fault wording.
    """


@dataclass(frozen=True)
class CompletedOrganisationLogin:
    """An organisation login VNeID completed: the organisation, who acted, and how."""

    organisation: Organisation
    acting: ActingPerson
    id_token: str
    # VNeID's public id of its login, and how the person authenticated there.
    sid: str = ""
    amr: tuple[str, ...] = ()


def client() -> VneidClient:
    """Return a VNeID client with the service's own registration at VNeID."""
    return VneidClient(
        issuer=login_settings.VNEID_ISSUER,
        client_id=login_settings.VNEID_CLIENT_ID,
        client_secret=login_settings.VNEID_CLIENT_SECRET,
        timeout=login_settings.VNEID_TIMEOUT_SECONDS,
    )


def callback_uri(request: HttpRequest) -> str:
    """Return the absolute redirect_uri the service registered at VNeID."""
    configured: str = login_settings.VNEID_REDIRECT_URI
    return configured or absolute(request, reverse("national_login:vneid_callback"))


def post_logout_uri(request: HttpRequest) -> str:
    """Return where VNeID sends the browser back to after the service's logout there."""
    return absolute(request, reverse("national_login:vneid_logged_out"))


def authorization_url(
    request: HttpRequest,
    pending: PendingAuthorization,
    *,
    prompt: str,
    vneid: VneidClient,
    organisation: bool = False,
) -> str:
    """Start the VNeID leg of a pending request: keep its secrets, return VNeID's URL.

    organisation: the chooser's organisation option; VNeID is asked for the organisation's
    e-ID and to let the person choose the account (`select_account`, with `login` if asked).
    """
    leg = protocol.new_pending_login(redirect_uri=callback_uri(request), next_url="")
    scopes = VNEID_SCOPES
    if organisation:
        scopes = VNEID_ORGANISATION_SCOPES
        prompt = " ".join([*prompt.split(), "select_account"])
        leg["organisation"] = True
    url = protocol.authorization_url(
        leg, prompt=prompt, client=vneid, level=pending.requested_level, scopes=scopes
    )
    pending.vneid_leg = leg
    pending.vneid_state_hash = hash_secret(leg["state"])
    pending.save(update_fields=["vneid_leg", "vneid_state_hash"])
    return url


def complete(
    pending: PendingAuthorization, *, code: str, vneid: VneidClient
) -> CompletedLogin | CompletedOrganisationLogin:
    """Exchange VNeID's code and validate its ID token; the leg cannot be completed twice.

    A leg that asked for `vneid_organisation` may come back as an organisation login or, when
    the person chose their own account at VNeID, as a personal one.
    """
    leg = pending.vneid_leg
    pending.vneid_leg = {}
    pending.vneid_state_hash = ""
    pending.save(update_fields=["vneid_leg", "vneid_state_hash"])
    if not leg.get("organisation"):
        return protocol.complete_login(code=code, pending=leg, client=vneid)
    return _complete_with_organisation(code=code, leg=leg, vneid=vneid)


def _complete_with_organisation(
    *, code: str, leg: dict[str, Any], vneid: VneidClient
) -> CompletedLogin | CompletedOrganisationLogin:
    if not code:
        raise VneidProtocolError("callback without code or error")
    tokens = vneid.exchange_code(
        code=code, redirect_uri=leg["redirect_uri"], code_verifier=leg["code_verifier"]
    )
    id_token = tokens["id_token"]
    claims = vneid.validate_id_token(id_token, nonce=leg["nonce"])
    organisation_login = claims.get("account_type") == ACCOUNT_TYPE_ORGANISATION
    has_attributes = any(claims.get(name) for name in ORGANISATION_ATTRIBUTES)
    needs_userinfo = (
        not has_attributes if organisation_login else not claims.get("personal_id_number")
    )
    if needs_userinfo:
        # Providers may keep the ID token small and release the attributes at userinfo.
        extra = vneid.userinfo(tokens["access_token"])
        # OpenID Connect Core §5.3.2: userinfo about someone else must not be used.
        if extra.get("sub") != claims["sub"]:
            raise VneidProtocolError("userinfo sub differs from the ID token's")
        claims = {**extra, **claims}
    raw_amr = claims.get("amr")
    amr = tuple(str(item) for item in raw_amr) if isinstance(raw_amr, list) else ()
    if not organisation_login:
        # The person chose their own account at VNeID: a personal login, as any other.
        return CompletedLogin(
            identity=protocol.identity_from_claims(claims), id_token=id_token, next_url="", amr=amr
        )
    organisation, acting = organisation_from_claims(claims)
    return CompletedOrganisationLogin(
        organisation=organisation,
        acting=acting,
        id_token=id_token,
        sid=str(claims.get("sid") or ""),
        amr=amr,
    )


def _text(claims: Json, name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def _date(claims: Json, name: str) -> date | None:
    value = _text(claims, name)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise BadOrganisationLogin(f"{name} is not YYYY-MM-DD") from error


def organisation_from_claims(claims: Json) -> tuple[Organisation, ActingPerson]:
    """Return the organisation and the acting person of validated claims, or raise.

    Refused (BadOrganisationLogin): no `act` or an `act.sub` that is not a 12-digit number, a
    level other than 2, an unknown role or an authorised person's unknown scope, no name, a
    tax code with a wrong check digit or a malformed date.
    """
    raw_act = claims.get("act")
    act: dict[str, Any] = raw_act if isinstance(raw_act, dict) else {}
    act_number = str(act.get("sub") or "")
    if not is_cccd_format(act_number):
        raise BadOrganisationLogin("organisation login without act.sub (12 digits)")
    match = protocol.ACR_LEVEL.fullmatch(_text(claims, "acr"))
    level = int(match.group(1)) if match else None
    if level != 2:
        # VNeID issues organisation logins to level-2 accounts only (Decree 69/2024).
        raise BadOrganisationLogin(f"organisation login at level {level}")
    role = _text(claims, "organisation_role")
    if role not in OrganisationRole.values:
        raise BadOrganisationLogin("organisation_role missing or unknown")
    scope = _text(claims, "authorisation_scope")
    if role == OrganisationRole.AUTHORISED_PERSON and scope not in AUTHORISATION_SCOPES:
        raise BadOrganisationLogin("authorised person without a known authorisation_scope")
    name = _text(claims, "organisation_name") or _text(claims, "name")
    if not name:
        raise BadOrganisationLogin("organisation login without the organisation's name")
    tax_code = _text(claims, "tax_code")
    if tax_code and tax_code_problem(tax_code) is not None:
        # VNeID checked it against the business registry: a wrong one is VNeID's fault.
        raise BadOrganisationLogin("tax_code is not a valid tax code")
    organisation = Organisation(
        idp_subject=str(claims["sub"]),
        eid_code=_text(claims, "organisation_eid"),
        id_number=_text(claims, "organisation_id_number"),
        name=name,
        short_name=_text(claims, "organisation_short_name"),
        foreign_name=_text(claims, "organisation_foreign_name"),
        kind=_text(claims, "organisation_kind"),
        established_on=_date(claims, "establishment_date"),
        head_office_address=_text(claims, "head_office_address"),
        tax_code=tax_code,
        enterprise_code=_text(claims, "enterprise_code"),
        legal_representative_name=_text(claims, "legal_representative_name"),
        legal_representative_id_number=_text(claims, "legal_representative_id_number"),
        level=level,
    )
    acting = ActingPerson(
        number=act_number,
        name=_acting_name(act, organisation, act_number),
        role=role,
        scope=scope if role == OrganisationRole.AUTHORISED_PERSON else "",
    )
    return organisation, acting


def _acting_name(act: dict[str, Any], organisation: Organisation, act_number: str) -> str:
    """Return the acting person's name: VNeID names only their number in `act`.

    RFC 8693 lets `act` carry more claims about the actor: a `name` there wins. Otherwise the
    registering representative's name when it is them, or the name of their own last personal
    login at the service; "" when the service has never known it.
    """
    if isinstance(act.get("name"), str) and act["name"].strip():
        return str(act["name"]).strip()
    if act_number == organisation.legal_representative_id_number:
        return organisation.legal_representative_name
    known = (
        Subject.objects.filter(
            kind=SubjectKind.CITIZEN, personal_id_number=act_number, idp__in=("BCA", "DVCQG")
        )
        .order_by("-last_login_at")
        .values_list("full_name", flat=True)
        .first()
    )
    return known or ""


def end_session_url(request: HttpRequest, *, id_token: str, state: str) -> str:
    """Return VNeID's RP-initiated logout URL for the service's VNeID login, or ""."""
    with client() as vneid:
        return protocol.end_session_url(
            id_token, post_logout_redirect_uri=post_logout_uri(request), client=vneid, state=state
        )
