"""The one place that decides which claims each scope releases.

| scope                | claims                                                           |
|----------------------|------------------------------------------------------------------|
| `openid`             | `sub` (opaque, stable per VNeID account or organisation e-ID)    |
| `profile`            | `name`, `birthdate` (YYYY-MM-DD), `gender` (`male` / `female`)   |
| `vneid_identity`     | `personal_id_number` (12 digits), `old_cmnd_number` (if any)     |
| `vneid_organisation` | `account_type`; for an organisation login also `act` and the     |
|                      | organisation's attributes (ORGANISATION_CLAIMS)                  |

An organisation login (a login acting for an organisation, with `vneid_organisation` granted)
speaks for the organisation: `sub` is the organisation's, the person acting is named in `act`
(`{"sub": "<12-digit number>"}`, the shape of RFC 8693 §4.1), `profile` releases only the
organisation's name and `vneid_identity` nothing (the person's number is already in `act`).

The ID token also carries `acr` (`vneid:level1` or `vneid:level2`, the person's level), `amr`,
`auth_time`, the request's `nonce` and `sid`, the login's public id (the same in every client's
token).
"""

from typing import TYPE_CHECKING, Any

from authlib.oauth2.rfc6749 import scope_to_list

from .models import ACR_BY_LEVEL, VneidAccount

if TYPE_CHECKING:
    # Only the type: the organisations module reaches the services, which read this module.
    from .organisations import Acting

SCOPE_OPENID = "openid"
SCOPE_PROFILE = "profile"
SCOPE_IDENTITY = "vneid_identity"
SCOPE_ORGANISATION = "vneid_organisation"
SCOPES_SUPPORTED = (SCOPE_OPENID, SCOPE_PROFILE, SCOPE_IDENTITY, SCOPE_ORGANISATION)

# `account_type` of a login that asked for vneid_organisation.
ACCOUNT_TYPE_CITIZEN = "citizen"
ACCOUNT_TYPE_ORGANISATION = "organisation"

ORGANISATION_CLAIMS = (
    "organisation_role",
    "authorisation_scope",
    "organisation_eid",
    "organisation_id_number",
    "organisation_name",
    "organisation_short_name",
    "organisation_foreign_name",
    "organisation_kind",
    "establishment_date",
    "head_office_address",
    "tax_code",
    "enterprise_code",
    "legal_representative_name",
    "legal_representative_id_number",
)
CLAIMS_BY_SCOPE = {
    SCOPE_OPENID: ("sub",),
    SCOPE_PROFILE: ("name", "birthdate", "gender"),
    SCOPE_IDENTITY: ("personal_id_number", "old_cmnd_number"),
    SCOPE_ORGANISATION: ("account_type", "act", *ORGANISATION_CLAIMS),
}
ID_TOKEN_CLAIMS = (
    "iss",
    "aud",
    "exp",
    "iat",
    "auth_time",
    "nonce",
    "acr",
    "amr",
    "at_hash",
    "sid",
)
ACR_VALUES_SUPPORTED = tuple(ACR_BY_LEVEL.values())


def claims_supported() -> list[str]:
    """Return every claim the provider can release, for discovery."""
    names = [claim for scope in SCOPES_SUPPORTED for claim in CLAIMS_BY_SCOPE[scope]]
    return names + [claim for claim in ID_TOKEN_CLAIMS if claim not in names]


def asks_for_organisation(scope: str | None) -> bool:
    """Return whether a (granted) scope lets a login speak for an organisation."""
    return SCOPE_ORGANISATION in scope_to_list(scope or "")


def claims_for(
    account: VneidAccount, scope: str | None, acting: "Acting | None" = None
) -> dict[str, Any]:
    """Return the claims the granted scope releases: about account, or the organisation it acts for.

    acting is the checked role of an organisation login (vneid.organisations.acting_for); it
    counts only when the scope grants vneid_organisation.
    """
    scopes = set(scope_to_list(scope or ""))
    if acting is not None and SCOPE_ORGANISATION in scopes:
        return _organisation_claims(account, scopes, acting)
    citizen = account.citizen
    claims: dict[str, Any] = {"sub": account.sub}
    if SCOPE_PROFILE in scopes:
        claims["name"] = citizen.full_name
        claims["birthdate"] = citizen.birth_date.isoformat()
        claims["gender"] = citizen.gender
    if SCOPE_IDENTITY in scopes:
        claims["personal_id_number"] = citizen.cccd_number
        if citizen.cmnd_number:
            claims["old_cmnd_number"] = citizen.cmnd_number
    if SCOPE_ORGANISATION in scopes:
        # The client asked to allow an organisation login; this one is the person's own.
        claims["account_type"] = ACCOUNT_TYPE_CITIZEN
    return claims


def _organisation_claims(
    account: VneidAccount, scopes: set[str], acting: "Acting"
) -> dict[str, Any]:
    organisation = acting.organisation
    claims: dict[str, Any] = {
        "sub": organisation.sub,
        # RFC 8693 §4.1: the party acting for the subject; VNeID names people by their number.
        "act": {"sub": account.personal_id_number},
        "account_type": ACCOUNT_TYPE_ORGANISATION,
        "organisation_role": acting.role,
    }
    if acting.scope:
        # Only an authorised person has one (full / dossiers); a representative acts in full.
        claims["authorisation_scope"] = acting.scope
    # OpenID Connect Core §5.3.2: a claim without a value is left out, not sent empty.
    optional = {
        "organisation_eid": organisation.eid_code,
        "organisation_id_number": organisation.identification_number,
        "organisation_name": organisation.name,
        "organisation_short_name": organisation.short_name,
        "organisation_foreign_name": organisation.foreign_name,
        "organisation_kind": organisation.kind,
        "establishment_date": organisation.established_on.isoformat(),
        "head_office_address": organisation.head_office_address,
        "tax_code": organisation.tax_code,
        "enterprise_code": organisation.enterprise_code,
        "legal_representative_name": organisation.registered_by_name,
        "legal_representative_id_number": organisation.registered_by_number,
    }
    claims.update({name: value for name, value in optional.items() if value})
    if SCOPE_PROFILE in scopes:
        claims["name"] = organisation.name
    return claims
