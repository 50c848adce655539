"""The one place that decides which claims each scope releases.

| scope            | claims                                                           |
|------------------|------------------------------------------------------------------|
| `openid`         | `sub` (opaque, stable per VNeID account)                         |
| `profile`        | `name`, `birthdate` (YYYY-MM-DD), `gender` (`male` / `female`)   |
| `vneid_identity` | `personal_id_number` (12 digits), `old_cmnd_number` (if any)     |

The ID token also carries `acr` (`vneid:level1` or `vneid:level2`), `amr`, `auth_time`,
the request's `nonce` and `sid`, the login's public id (the same in every client's token).
"""

from typing import Any

from authlib.oauth2.rfc6749 import scope_to_list

from .models import ACR_BY_LEVEL, VneidAccount

SCOPE_OPENID = "openid"
SCOPE_PROFILE = "profile"
SCOPE_IDENTITY = "vneid_identity"
SCOPES_SUPPORTED = (SCOPE_OPENID, SCOPE_PROFILE, SCOPE_IDENTITY)

CLAIMS_BY_SCOPE = {
    SCOPE_OPENID: ("sub",),
    SCOPE_PROFILE: ("name", "birthdate", "gender"),
    SCOPE_IDENTITY: ("personal_id_number", "old_cmnd_number"),
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


def claims_for(account: VneidAccount, scope: str | None) -> dict[str, Any]:
    """Return the claims about account that the granted scope releases."""
    scopes = set(scope_to_list(scope or ""))
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
    return claims
