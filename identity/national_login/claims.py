"""The attributes a portal receives at userinfo, by its client's attribute profile.

- `dvcqg` (the real service's names): `sub`, `TechID`, `LoaiTaiKhoan` ("1": citizen),
  `HoVaTen`, `SoDinhDanh` (12 digits; "" for an issued account with a CMND only),
  `NgayThangNamSinh` (yyyymmdd), `loginIdp` ("BCA" or "DVCQG"), `userProfileUri`, `logoutUri`.
- `oidc`: `sub`, `name`, `birthdate` (YYYY-MM-DD), `personal_id_number`, `acr`.
"""

from typing import Any

from .models import AttributeProfile, Subject

CITIZEN_ACCOUNT_TYPE = "1"
DVCQG_CLAIMS = (
    "sub",
    "TechID",
    "LoaiTaiKhoan",
    "HoVaTen",
    "SoDinhDanh",
    "NgayThangNamSinh",
    "loginIdp",
    "userProfileUri",
    "logoutUri",
)
OIDC_CLAIMS = ("sub", "name", "birthdate", "personal_id_number", "acr")
ID_TOKEN_CLAIMS = ("iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "at_hash")


def claims_supported() -> list[str]:
    """Return every claim the service can release, for discovery."""
    names = list(dict.fromkeys([*DVCQG_CLAIMS, *OIDC_CLAIMS]))
    return names + [claim for claim in ID_TOKEN_CLAIMS if claim not in names]


def claims_for(
    subject: Subject, *, profile: str, acr: str, profile_uri: str, logout_uri: str
) -> dict[str, Any]:
    """Return the attributes about subject in the client's profile."""
    if profile == AttributeProfile.OIDC:
        claims: dict[str, Any] = {"sub": subject.sub, "name": subject.full_name, "acr": acr}
        if subject.birth_date:
            claims["birthdate"] = subject.birth_date.isoformat()
        if subject.personal_id_number:
            claims["personal_id_number"] = subject.personal_id_number
        return claims
    return {
        "sub": subject.sub,
        "TechID": subject.tech_id,
        "LoaiTaiKhoan": CITIZEN_ACCOUNT_TYPE,
        "HoVaTen": subject.full_name,
        "SoDinhDanh": subject.personal_id_number,
        "NgayThangNamSinh": subject.birth_date.strftime("%Y%m%d") if subject.birth_date else "",
        "loginIdp": subject.idp,
        "userProfileUri": profile_uri,
        "logoutUri": logout_uri,
    }
