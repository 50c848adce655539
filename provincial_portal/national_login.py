"""The province's one way to reach the national login service: OpenID Connect over HTTP.

Discovery, keys and tokens follow the rules every relying party of the sandbox shares
(oidc_kit.relying_party); the code flow itself (PKCE S256, state, the token request with
client_secret_basic, the bearer call to userinfo) goes through Authlib's requests client.
Every failure of the service becomes one of the typed errors below, so a page can tell the
service's fault from the citizen's.
"""

import re
import secrets
from dataclasses import asdict, dataclass
from datetime import date, datetime
from urllib.parse import urlencode, urlsplit

import requests
from authlib.integrations.base_client import OAuthError
from authlib.integrations.requests_client import OAuth2Session

from api_kit.client import ApiCallError, Call
from idnumbers.numbers import is_cccd_format
from idnumbers.tax_codes import tax_code_problem
from oidc_kit.relying_party import Json, ProviderClient, ProviderMetadata

from .conf import provincial_settings

SCOPE = "openid"
BIRTH_DATE = re.compile(r"^\d{8}$")

# LoaiTaiKhoan of the dvcqg profile: "1" a citizen, "2" an organisation (Nghị định 69/2024).
CITIZEN_ACCOUNT = "1"
ORGANISATION_ACCOUNT = "2"
# VaiTro: how the person in `act` acts for the organisation.
LEGAL_REPRESENTATIVE = "NguoiDaiDienTheoPhapLuat"
AUTHORISED_PERSON = "NguoiDuocUyQuyen"
ROLES = (LEGAL_REPRESENTATIVE, AUTHORISED_PERSON)
# PhamViUyQuyen of an authorised person: "full" may take over a legacy organisation account.
FULL_SCOPE = "full"
DOSSIERS_SCOPE = "dossiers"


class NationalLoginError(ApiCallError):
    """The national login service did not give a usable answer."""


class NationalLoginUnavailable(NationalLoginError):
    """The service could not be reached or answered with a server error."""


class NationalLoginTimeout(NationalLoginUnavailable):
    """The service did not answer within the timeout."""


class NationalLoginProtocolError(NationalLoginError):
    """The service answered something off the contract (a bad token, missing attributes...)."""


class InvalidIdToken(NationalLoginProtocolError):
    """The ID token failed validation: signature, issuer, audience, times, nonce or acr."""


@dataclass(frozen=True)
class CitizenAttributes:
    """What the national login service says of the citizen (the `dvcqg` attribute profile)."""

    sub: str
    tech_id: str
    account_type: str
    full_name: str
    # 12 digits, or "" when the citizen logged in with an issued account holding only a CMND.
    personal_id_number: str
    birth_date: date | None
    login_idp: str
    # From the ID token: the service's session (for its logouts) and the level it vouched for.
    sid: str
    acr: str

    def as_json(self) -> Json:
        """Return the attributes as JSON-serialisable data (kept while the citizen decides)."""
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else ""
        return data

    @classmethod
    def from_json(cls, data: Json) -> "CitizenAttributes":
        """Return the attributes stored by as_json."""
        birth = data.get("birth_date")
        return cls(**{**data, "birth_date": date.fromisoformat(birth) if birth else None})


@dataclass(frozen=True)
class OrganisationAttributes:
    """What the national login service says of an organisation login (`LoaiTaiKhoan` "2").

    `sub` is the organisation's; the person acting is only in `act` (their 12-digit number),
    with their name and role. There is no SoDinhDanh: an organisation login never tells the
    province a citizen's number to match accounts by.
    """

    sub: str
    tech_id: str
    name: str
    short_name: str
    foreign_name: str
    kind: str
    established_on: date | None
    head_office_address: str
    tax_code: str
    enterprise_code: str
    eid_code: str
    identification_number: str
    representative_name: str
    representative_number: str
    acting_number: str
    acting_name: str
    role: str
    scope: str
    login_idp: str
    sid: str
    acr: str

    @property
    def may_take_over(self) -> bool:
        """Whether the person acting may inherit the legacy organisation account.

        A legal representative, or an authorised person whose scope is full (the takeover rule
        of both portals); an authorised person for dossiers only may not.
        """
        return self.role == LEGAL_REPRESENTATIVE or (
            self.role == AUTHORISED_PERSON and self.scope == FULL_SCOPE
        )

    @property
    def role_label(self) -> str:
        if self.role == LEGAL_REPRESENTATIVE:
            return "người đại diện theo pháp luật"
        if self.scope == FULL_SCOPE:
            return "người được ủy quyền (toàn quyền)"
        return "người được ủy quyền (nộp và theo dõi hồ sơ)"


@dataclass(frozen=True)
class CompletedLogin:
    """A callback that went through: who logged in and the ID token for the logout."""

    attributes: "CitizenAttributes | OrganisationAttributes"
    id_token: str


class NationalLoginClient(ProviderClient):
    """Talk to the national login service configured in PROVINCIAL_PORTAL."""

    timeout_error = NationalLoginTimeout
    unavailable_error = NationalLoginUnavailable
    bad_response_error = NationalLoginProtocolError

    cache_prefix = "provincial_portal"
    log_label = "national login"
    invalid_token_error = InvalidIdToken

    def __init__(self, *, session: requests.Session | None = None) -> None:
        super().__init__(
            issuer=provincial_settings.NATIONAL_LOGIN_ISSUER,
            client_id=provincial_settings.CLIENT_ID,
            client_secret=provincial_settings.CLIENT_SECRET,
            timeout=provincial_settings.TIMEOUT_SECONDS,
            session=session,
        )

    # The code flow ----------------------------------------------------------------------

    def oauth(self, redirect_uri: str, *, token: Json | None = None) -> OAuth2Session:
        """Return Authlib's client for one login (closed by the caller)."""
        return OAuth2Session(
            client_id=self.client_id,
            client_secret=self.client_secret,
            token_endpoint_auth_method="client_secret_basic",
            scope=SCOPE,
            redirect_uri=redirect_uri,
            code_challenge_method="S256",
            token=token,
            default_timeout=self.timeout,
        )

    def authorization_url(
        self, *, redirect_uri: str, state: str, nonce: str, code_verifier: str
    ) -> str:
        """Return the URL of the authorization request (PKCE S256, state, nonce, acr_values)."""
        endpoint = self.metadata().authorization_endpoint
        with self.oauth(redirect_uri) as oauth:
            url, _ = oauth.create_authorization_url(
                endpoint,
                state=state,
                code_verifier=code_verifier,
                nonce=nonce,
                acr_values=provincial_settings.ACR_VALUES,
            )
        return str(url)

    def complete_login(
        self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str
    ) -> CompletedLogin:
        """Exchange the code, validate the ID token, read userinfo; return the attributes."""
        if not code:
            raise NationalLoginProtocolError("callback without code or error")
        metadata = self.metadata()
        if not metadata.userinfo_endpoint:
            raise NationalLoginProtocolError("the service publishes no userinfo endpoint")
        with self.oauth(redirect_uri) as oauth:
            tokens = self._fetch_token(oauth, metadata, code=code, code_verifier=code_verifier)
            claims = self.validate_id_token(tokens["id_token"], nonce=nonce)
            info = self._userinfo(oauth, metadata)
        # OpenID Connect Core §5.3.2: userinfo about someone else must not be used.
        if info.get("sub") != claims["sub"]:
            raise NationalLoginProtocolError("userinfo sub differs from the ID token's")
        attributes: CitizenAttributes | OrganisationAttributes
        if str(info.get("LoaiTaiKhoan") or "") == ORGANISATION_ACCOUNT:
            attributes = organisation_attributes_from(info, claims)
        else:
            attributes = attributes_from(info, claims)
        return CompletedLogin(attributes=attributes, id_token=str(tokens["id_token"]))

    def validate_id_token(self, id_token: str, *, nonce: str) -> Json:
        """Return the claims of a valid ID token that vouches for the level this portal asks."""
        claims = super().validate_id_token(id_token, nonce=nonce)
        wanted = provincial_settings.ACR_VALUES
        # The service must not vouch for less than asked (LoA2 asked, LoA1 given).
        if wanted == "LoA2" and claims.get("acr") != "LoA2":
            raise InvalidIdToken(f"claims: acr {claims.get('acr')!r} below {wanted}")
        return claims

    def end_session_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str:
        """Return the service's RP-initiated logout URL (raises when it cannot be read)."""
        endpoint = self.metadata().end_session_endpoint
        if not endpoint:
            raise NationalLoginProtocolError("the service publishes no end_session_endpoint")
        params = {
            "id_token_hint": id_token,
            "client_id": self.client_id,
            "post_logout_redirect_uri": post_logout_redirect_uri,
            "state": secrets.token_urlsafe(16),
        }
        params = {name: value for name, value in params.items() if value}
        separator = "&" if "?" in endpoint else "?"
        return f"{endpoint}{separator}{urlencode(params)}"

    # Transport --------------------------------------------------------------------------

    def _fetch_token(
        self, oauth: OAuth2Session, metadata: ProviderMetadata, *, code: str, code_verifier: str
    ) -> Json:
        call = Call("POST", "token")
        try:
            tokens = oauth.fetch_token(
                metadata.token_endpoint,
                grant_type="authorization_code",
                code=code,
                code_verifier=code_verifier,
            )
            call.outcome = "ok"
        except OAuthError as error:
            call.outcome = str(error.error)
            raise NationalLoginProtocolError(f"token refused: {error.error}") from error
        except requests.HTTPError as error:
            status = error.response.status_code if error.response is not None else None
            raise self._transport_error(call, status, error) from error
        except requests.RequestException as error:
            raise self._transport_error(call, None, error) from error
        except ValueError as error:
            call.outcome = "not_json"
            raise NationalLoginProtocolError("token answer is not JSON") from error
        finally:
            self._log(call)
        if not isinstance(tokens.get("id_token"), str) or not isinstance(
            tokens.get("access_token"), str
        ):
            raise NationalLoginProtocolError("token answer without id_token or access_token")
        if str(tokens.get("token_type", "")).lower() != "bearer":
            raise NationalLoginProtocolError("token_type is not Bearer")
        return dict(tokens)

    def _userinfo(self, oauth: OAuth2Session, metadata: ProviderMetadata) -> Json:
        call = Call("GET", "userinfo")
        try:
            try:
                response = oauth.get(
                    metadata.userinfo_endpoint, headers={"Accept": "application/json"}
                )
            except requests.RequestException as error:
                raise self._transport_error(call, None, error) from error
            call.status = response.status_code
            try:
                body = response.json()
            except ValueError:
                body = None
            if response.status_code == 200 and isinstance(body, dict):
                call.outcome = "ok"
                return body
            raise self._refusal(call, response.status_code, body)
        finally:
            self._log(call)

    def _transport_error(
        self, call: Call, status: int | None, error: Exception
    ) -> NationalLoginError:
        call.status = status
        if isinstance(error, requests.Timeout):
            call.outcome = "timeout"
            return NationalLoginTimeout(f"no answer from {call.name} in {self.timeout}s")
        if status is not None and status < 500:
            call.outcome = f"http_{status}"
            return NationalLoginProtocolError(f"{call.name} answered {status}", status=status)
        call.outcome = "unreachable" if status is None else f"http_{status}"
        return NationalLoginUnavailable(
            f"cannot use {call.name}: {type(error).__name__}", status=status
        )


def attributes_from(info: Json, claims: Json) -> CitizenAttributes:
    """Return the citizen's attributes from userinfo (dvcqg) and the ID token, or raise."""
    if "SoDinhDanh" not in info or "HoVaTen" not in info:
        raise NationalLoginProtocolError("userinfo without SoDinhDanh or HoVaTen")
    number = str(info.get("SoDinhDanh") or "")
    if number and not is_cccd_format(number):
        raise NationalLoginProtocolError("SoDinhDanh is not 12 digits")
    full_name = str(info.get("HoVaTen") or "").strip()
    if not full_name:
        raise NationalLoginProtocolError("HoVaTen is empty")
    birth_text = str(info.get("NgayThangNamSinh") or "")
    birth: date | None = None
    if birth_text:
        if not BIRTH_DATE.fullmatch(birth_text):
            raise NationalLoginProtocolError("NgayThangNamSinh is not yyyymmdd")
        try:
            birth = datetime.strptime(birth_text, "%Y%m%d").date()
        except ValueError as error:
            raise NationalLoginProtocolError("NgayThangNamSinh is not a date") from error
    return CitizenAttributes(
        sub=str(claims["sub"]),
        tech_id=str(info.get("TechID") or ""),
        account_type=str(info.get("LoaiTaiKhoan") or ""),
        full_name=full_name,
        personal_id_number=number,
        birth_date=birth,
        login_idp=str(info.get("loginIdp") or ""),
        sid=str(claims.get("sid") or ""),
        acr=str(claims.get("acr") or ""),
    )


def _text(info: Json, name: str) -> str:
    return str(info.get(name) or "").strip()


def organisation_attributes_from(info: Json, claims: Json) -> OrganisationAttributes:
    """Return an organisation login's attributes from userinfo (dvcqg) and the ID token.

    Raises NationalLoginProtocolError when the answer is off the contract: no person in `act`,
    an unknown role, a tax code that no organisation can hold. SoDinhDanh, if sent anyway, is
    ignored: it would be a person's number, and this is not a person's login.
    """
    act = info.get("act", claims.get("act"))
    acting_number = str(act.get("sub") or "") if isinstance(act, dict) else ""
    if not is_cccd_format(acting_number):
        raise NationalLoginProtocolError("organisation login without act.sub of 12 digits")
    role = _text(info, "VaiTro")
    if role not in ROLES:
        raise NationalLoginProtocolError("organisation login with an unknown VaiTro")
    scope = _text(info, "PhamViUyQuyen") if role == AUTHORISED_PERSON else ""
    if role == AUTHORISED_PERSON and scope not in (FULL_SCOPE, DOSSIERS_SCOPE):
        raise NationalLoginProtocolError("authorised person without a known PhamViUyQuyen")
    tax_code = _text(info, "MaSoThue")
    if tax_code_problem(tax_code) is not None:
        raise NationalLoginProtocolError("MaSoThue is not a valid tax code")
    name = _text(info, "TenToChuc") or _text(info, "HoVaTen")
    if not name:
        raise NationalLoginProtocolError("organisation login without TenToChuc")
    established_text = _text(info, "NgayThanhLap")
    established: date | None = None
    if established_text:
        try:
            if not BIRTH_DATE.fullmatch(established_text):
                raise ValueError(established_text)
            established = datetime.strptime(established_text, "%Y%m%d").date()
        except ValueError as error:
            raise NationalLoginProtocolError("NgayThanhLap is not yyyymmdd") from error
    representative_number = _text(info, "SoDinhDanhNguoiDaiDien")
    if representative_number and not is_cccd_format(representative_number):
        raise NationalLoginProtocolError("SoDinhDanhNguoiDaiDien is not 12 digits")
    return OrganisationAttributes(
        sub=str(claims["sub"]),
        tech_id=_text(info, "TechID"),
        name=name,
        short_name=_text(info, "TenVietTat"),
        foreign_name=_text(info, "TenNuocNgoai"),
        kind=_text(info, "LoaiHinhToChuc"),
        established_on=established,
        head_office_address=_text(info, "DiaChiTruSo"),
        tax_code=tax_code,
        enterprise_code=_text(info, "MaSoDoanhNghiep") or tax_code,
        eid_code=_text(info, "MaDinhDanhToChuc"),
        identification_number=_text(info, "SoDinhDanhToChuc"),
        representative_name=_text(info, "HoVaTenNguoiDaiDien"),
        representative_number=representative_number,
        acting_number=acting_number,
        acting_name=_text(info, "HoVaTenNguoiThucHien"),
        role=role,
        scope=scope,
        login_idp=_text(info, "loginIdp"),
        sid=str(claims.get("sid") or ""),
        acr=str(claims.get("acr") or ""),
    )


def is_service_issuer(issuer: str) -> bool:
    """Return whether issuer names the configured national login service."""
    configured: str = provincial_settings.NATIONAL_LOGIN_ISSUER
    return issuer.rstrip("/") == configured.rstrip("/")


def issuer_origin() -> str:
    """Return the scheme://host[:port] of the configured service (who may frame our pages)."""
    parts = urlsplit(provincial_settings.NATIONAL_LOGIN_ISSUER)
    return f"{parts.scheme}://{parts.netloc}"
