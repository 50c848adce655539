"""The attributes a portal receives at userinfo, by its client's attribute profile.

A citizen's login:
- `dvcqg` (the real service's names): `sub`, `TechID`, `LoaiTaiKhoan` ("1": citizen),
  `HoVaTen`, `SoDinhDanh` (12 digits; "" for an issued account with a CMND only),
  `NgayThangNamSinh` (yyyymmdd), `loginIdp` ("BCA" or "DVCQG"), `userProfileUri`, `logoutUri`.
- `oidc`: `sub`, `name`, `birthdate` (YYYY-MM-DD), `personal_id_number`, `acr`.

An organisation's login (VNeID organisation e-ID, Decree 69/2024): `sub` is the organisation,
the person acting is in `act` (`{"sub": their 12-digit number}`, the shape of RFC 8693), and no
personal attribute of theirs (number, birth date) is released under the person's own names.
- `dvcqg`: `LoaiTaiKhoan` "2" (the real value is not public: the sandbox's choice),
  `HoVaTen` = the organisation's name, `HoVaTenNguoiThucHien`, `VaiTro`, `PhamViUyQuyen` (an
  authorised person only) and the organisation's attributes (ORGANISATION_DVCQG_CLAIMS).
- `oidc`: VNeID's own names (`account_type` "organisation", `organisation_*`, `tax_code`, …).
"""

from dataclasses import dataclass
from typing import Any

from .models import AttributeProfile, AuthorizationCode, LoginSession, OrganisationRole, Subject

CITIZEN_ACCOUNT_TYPE = "1"
# Not published for the real service: the sandbox's value, documented in national-login.md.
ORGANISATION_ACCOUNT_TYPE = "2"
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
ORGANISATION_DVCQG_CLAIMS = (
    "act",
    "HoVaTenNguoiThucHien",
    "VaiTro",
    "PhamViUyQuyen",
    "MaDinhDanhToChuc",
    "SoDinhDanhToChuc",
    "TenToChuc",
    "TenVietTat",
    "TenNuocNgoai",
    "LoaiHinhToChuc",
    "NgayThanhLap",
    "DiaChiTruSo",
    "MaSoThue",
    "MaSoDoanhNghiep",
    "HoVaTenNguoiDaiDien",
    "SoDinhDanhNguoiDaiDien",
)
OIDC_CLAIMS = ("sub", "name", "birthdate", "personal_id_number", "acr")
ORGANISATION_OIDC_CLAIMS = (
    "act",
    "account_type",
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
ID_TOKEN_CLAIMS = ("iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "sid", "at_hash")
# The names of the two roles (VaiTro) in the dvcqg profile.
DVCQG_ROLES: dict[str, str] = {
    OrganisationRole.LEGAL_REPRESENTATIVE.value: "NguoiDaiDienTheoPhapLuat",
    OrganisationRole.AUTHORISED_PERSON.value: "NguoiDuocUyQuyen",
}
ORGANISATION_ACCOUNT_TYPE_OIDC = "organisation"


@dataclass(frozen=True)
class ActingPerson:
    """Who acted for an organisation in one login, and how (VNeID's `act` and role claims)."""

    number: str
    name: str
    role: str
    # Only for an authorised person: `full` or `dossiers`.
    scope: str = ""


def acting_of(row: LoginSession | AuthorizationCode) -> ActingPerson | None:
    """Return who acted in a login or in the login a code was issued in; None: personal."""
    if not row.act_number:
        return None
    return ActingPerson(
        number=row.act_number,
        name=row.act_name,
        role=row.organisation_role,
        scope=row.authorisation_scope,
    )


def claims_supported() -> list[str]:
    """Return every claim the service can release, for discovery."""
    names = list(
        dict.fromkeys(
            [*DVCQG_CLAIMS, *ORGANISATION_DVCQG_CLAIMS, *OIDC_CLAIMS, *ORGANISATION_OIDC_CLAIMS]
        )
    )
    return names + [claim for claim in ID_TOKEN_CLAIMS if claim not in names]


def act_claim(act_number: str) -> dict[str, str]:
    """Return the `act` claim naming the person acting for an organisation (RFC 8693 §4.1)."""
    return {"sub": act_number}


def claims_for(
    subject: Subject,
    *,
    profile: str,
    acr: str,
    profile_uri: str,
    logout_uri: str,
    acting: ActingPerson | None = None,
) -> dict[str, Any]:
    """Return the attributes about subject in the client's profile.

    acting: for an organisation, who acted for it in the login the token comes from.
    """
    if subject.is_organisation:
        return _organisation_claims(
            subject,
            profile=profile,
            acr=acr,
            profile_uri=profile_uri,
            logout_uri=logout_uri,
            acting=acting or ActingPerson(number="", name="", role=""),
        )
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


def _organisation_claims(
    subject: Subject,
    *,
    profile: str,
    acr: str,
    profile_uri: str,
    logout_uri: str,
    acting: ActingPerson,
) -> dict[str, Any]:
    role = acting.role
    # The scope of an authorisation means nothing for a representative: never released then.
    scope = acting.scope if role == OrganisationRole.AUTHORISED_PERSON else ""
    if profile == AttributeProfile.OIDC:
        claims: dict[str, Any] = {
            "sub": subject.sub,
            "name": subject.full_name,
            "acr": acr,
            "act": act_claim(acting.number),
            "account_type": ORGANISATION_ACCOUNT_TYPE_OIDC,
            "organisation_role": role,
        }
        if scope:
            claims["authorisation_scope"] = scope
        claims.update(
            {
                "organisation_eid": subject.organisation_eid,
                "organisation_id_number": subject.organisation_id_number,
                "organisation_name": subject.full_name,
                "organisation_short_name": subject.organisation_short_name,
                "organisation_foreign_name": subject.organisation_foreign_name,
                "organisation_kind": subject.organisation_kind,
                "establishment_date": subject.establishment_date.isoformat()
                if subject.establishment_date
                else "",
                "head_office_address": subject.head_office_address,
                "tax_code": subject.tax_code,
                "enterprise_code": subject.enterprise_code,
                "legal_representative_name": subject.legal_representative_name,
                "legal_representative_id_number": subject.legal_representative_id_number,
            }
        )
        return claims
    claims = {
        "sub": subject.sub,
        "TechID": subject.tech_id,
        "LoaiTaiKhoan": ORGANISATION_ACCOUNT_TYPE,
        "HoVaTen": subject.full_name,
        "act": act_claim(acting.number),
        "HoVaTenNguoiThucHien": acting.name,
        "VaiTro": DVCQG_ROLES.get(role, ""),
    }
    if scope:
        claims["PhamViUyQuyen"] = scope
    claims.update(
        {
            "MaDinhDanhToChuc": subject.organisation_eid,
            "SoDinhDanhToChuc": subject.organisation_id_number,
            "TenToChuc": subject.full_name,
            "TenVietTat": subject.organisation_short_name,
            "TenNuocNgoai": subject.organisation_foreign_name,
            "LoaiHinhToChuc": subject.organisation_kind,
            "NgayThanhLap": subject.establishment_date.strftime("%Y%m%d")
            if subject.establishment_date
            else "",
            "DiaChiTruSo": subject.head_office_address,
            "MaSoThue": subject.tax_code,
            "MaSoDoanhNghiep": subject.enterprise_code,
            "HoVaTenNguoiDaiDien": subject.legal_representative_name,
            "SoDinhDanhNguoiDaiDien": subject.legal_representative_id_number,
            "loginIdp": subject.idp,
            "userProfileUri": profile_uri,
            "logoutUri": logout_uri,
        }
    )
    return claims
