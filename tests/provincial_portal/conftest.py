"""A stubbed national login service (discovery, JWKS, token, userinfo) minting real RS256 tokens."""

import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from joserfc import jwt
from joserfc.jwk import RSAKey

from provincial_portal.sessions import COOKIE_NAME
from tests.personas import AN_CCCD, HOA_CCCD, NGA_CCCD

from .factories import (
    DIENBAN_TAX_CODE,
    HOIAN_TAX_CODE,
    MAI_CCCD,
    QUANG_CCCD,
    THANH_CCCD,
    seed_hoian,
    seed_nga_and_an,
)

ISSUER = "http://xacthuc.test/xacthuc"
DISCOVERY_URL = ISSUER + "/.well-known/openid-configuration"
AUTHORIZE_URL = ISSUER + "/oauth2/authorize"
TOKEN_URL = ISSUER + "/oauth2/token"
JWKS_URL = ISSUER + "/oauth2/jwks"
USERINFO_URL = ISSUER + "/oauth2/userinfo"
END_SESSION_URL = ISSUER + "/oauth2/logout"
CLIENT_ID = "qnam-portal-test"
CLIENT_SECRET = "qnam-portal-test-secret"
HOME = "/quang-nam/"
START = "/quang-nam/dang-nhap/"
CALLBACK = "/quang-nam/dang-nhap/callback/"
INHERIT = "/quang-nam/dang-nhap/ke-thua/"
ACCOUNT = "/quang-nam/tai-khoan/"
ORGANISATION_LOGIN = "/quang-nam/dang-nhap/to-chuc/"
ORGANISATION = "/quang-nam/to-chuc/"
DOSSIERS = "/quang-nam/ho-so/"
LOGOUT = "/quang-nam/dang-xuat/"
BACKCHANNEL = "/quang-nam/backchannel-logout"
FRONTCHANNEL = "/quang-nam/frontchannel-logout"
SID = "xacthuc-session-1"

# The dvcqg attributes of the personas, as the national login service answers them.
PEOPLE = {
    "nga": {
        "sub": "xacthuc-sub-nga",
        "HoVaTen": "Tô Thị Nga",
        "SoDinhDanh": NGA_CCCD,
        "NgayThangNamSinh": "19900315",
    },
    "an": {
        "sub": "xacthuc-sub-an",
        "HoVaTen": "Nguyễn Văn An",
        "SoDinhDanh": AN_CCCD,
        "NgayThangNamSinh": "19850702",
    },
    "hoa": {
        "sub": "xacthuc-sub-hoa",
        "HoVaTen": "Lê Thị Hoa",
        "SoDinhDanh": HOA_CCCD,
        "NgayThangNamSinh": "19950109",
    },
}


def _organisation(org, *, acting, acting_name, role, scope=None):
    """The dvcqg attributes of an organisation login (brief §6): no SoDinhDanh, a person in act."""
    return {
        **ORGANISATIONS[org],
        "LoaiTaiKhoan": "2",
        "HoVaTen": ORGANISATIONS[org]["TenToChuc"],
        "act": {"sub": acting},
        "HoVaTenNguoiThucHien": acting_name,
        "VaiTro": role,
        "PhamViUyQuyen": scope,
    }


ORGANISATIONS = {
    "hoian": {
        "sub": "xacthuc-org-hoian",
        "MaDinhDanhToChuc": "TC0000000001",
        "SoDinhDanhToChuc": "8400000000001",
        "TenToChuc": "Công ty TNHH Hội An Xanh",
        "TenVietTat": "HOI AN XANH CO., LTD",
        "TenNuocNgoai": "HOI AN GREEN COMPANY LIMITED",
        "LoaiHinhToChuc": "llc_single",
        "NgayThanhLap": "20180312",
        "DiaChiTruSo": "12 Trần Phú, phường Minh An, thành phố Hội An, tỉnh Quảng Nam",
        "MaSoThue": HOIAN_TAX_CODE,
        "MaSoDoanhNghiep": HOIAN_TAX_CODE,
        "HoVaTenNguoiDaiDien": "Đặng Văn Quang",
        "SoDinhDanhNguoiDaiDien": QUANG_CCCD,
    },
    "dienban": {
        "sub": "xacthuc-org-dienban",
        "MaDinhDanhToChuc": "TC0000000002",
        "SoDinhDanhToChuc": "8400000000002",
        "TenToChuc": "Công ty TNHH Cơ khí Điện Bàn",
        "TenVietTat": "",
        "TenNuocNgoai": "",
        "LoaiHinhToChuc": "llc_multi",
        "NgayThanhLap": "20150601",
        "DiaChiTruSo": "45 Hùng Vương, phường Vĩnh Điện, thị xã Điện Bàn, tỉnh Quảng Nam",
        "MaSoThue": DIENBAN_TAX_CODE,
        "MaSoDoanhNghiep": DIENBAN_TAX_CODE,
        "HoVaTenNguoiDaiDien": "Đặng Văn Quang",
        "SoDinhDanhNguoiDaiDien": QUANG_CCCD,
    },
}

# Organisation logins: Quang represents Hội An Xanh; Thanh is authorised by it with full scope;
# Mai, the accountant, for dossiers only; Mai again for Điện Bàn, which has no legacy account.
PEOPLE.update(
    {
        "hoian_quang": _organisation(
            "hoian",
            acting=QUANG_CCCD,
            acting_name="Đặng Văn Quang",
            role="NguoiDaiDienTheoPhapLuat",
        ),
        "hoian_thanh": _organisation(
            "hoian",
            acting=THANH_CCCD,
            acting_name="Phan Văn Thanh",
            role="NguoiDuocUyQuyen",
            scope="full",
        ),
        "hoian_mai": _organisation(
            "hoian",
            acting=MAI_CCCD,
            acting_name="Trịnh Thị Mai",
            role="NguoiDuocUyQuyen",
            scope="dossiers",
        ),
        "dienban_mai": _organisation(
            "dienban",
            acting=MAI_CCCD,
            acting_name="Trịnh Thị Mai",
            role="NguoiDuocUyQuyen",
            scope="dossiers",
        ),
    }
)


def discovery_document():
    return {
        "issuer": ISSUER,
        "authorization_endpoint": AUTHORIZE_URL,
        "token_endpoint": TOKEN_URL,
        "userinfo_endpoint": USERINFO_URL,
        "jwks_uri": JWKS_URL,
        "end_session_endpoint": END_SESSION_URL,
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "backchannel_logout_supported": True,
        "backchannel_logout_session_supported": True,
    }


def userinfo(person, **overrides):
    """Return the dvcqg userinfo of a persona; None values are left out."""
    info = {
        "TechID": f"tech-{PEOPLE[person]['sub']}",
        "LoaiTaiKhoan": "1",
        "loginIdp": "BCA",
        "userProfileUri": ISSUER + "/thong-tin-tai-khoan",
        "logoutUri": END_SESSION_URL,
        **PEOPLE[person],
        **overrides,
    }
    return {name: value for name, value in info.items() if value is not None}


def id_claims(person, *, nonce, **overrides):
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": PEOPLE[person]["sub"],
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 600,
        "auth_time": now,
        "nonce": nonce,
        "acr": "LoA1",
        "amr": ["pwd"],
        "sid": SID,
        **overrides,
    }
    return {name: value for name, value in claims.items() if value is not None}


def sign(claims, key):
    return jwt.encode({"alg": "RS256", "kid": key.kid}, claims, key, algorithms=["RS256"])


@pytest.fixture(scope="session")
def service_key():
    return RSAKey.generate_key(2048, parameters={"kid": "xacthuc-2026-01"})


@pytest.fixture(scope="session")
def stranger_key():
    return RSAKey.generate_key(2048, parameters={"kid": "not-xacthuc"})


@dataclass
class NationalLogin:
    """The stubbed service: `mock` records every outbound call of the provincial portal."""

    mock: responses.RequestsMock
    key: RSAKey

    def answer(self, person, nonce, *, claims=None, info=None, key=None):
        """Answer the next token and userinfo requests for person."""
        id_token = sign(id_claims(person, **{"nonce": nonce, **(claims or {})}), key or self.key)
        self.mock.post(
            TOKEN_URL,
            json={
                "access_token": f"access-{person}",
                "token_type": "Bearer",
                "expires_in": 600,
                "id_token": id_token,
            },
        )
        self.mock.get(USERINFO_URL, json=info if info is not None else userinfo(person))
        return id_token

    def calls_to(self, url):
        return [call for call in self.mock.calls if call.request.url.split("?")[0] == url]


@pytest.fixture
def national(service_key):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(DISCOVERY_URL, json=discovery_document())
        mock.get(JWKS_URL, json={"keys": [service_key.as_dict(private=False)]})
        yield NationalLogin(mock=mock, key=service_key)


@pytest.fixture
def personas(db):
    seed_nga_and_an()


@pytest.fixture
def hoian(db):
    """Hội An Xanh's legacy organisation account at the province, with two dossiers."""
    seed_hoian()


def start(client, next_url=""):
    """Press "Đăng nhập"; return the authorization request's query parameters."""
    response = client.get(START, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE_URL
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def log_in(client, national, person, *, next_url="", claims=None, info=None, key=None):
    """Run start → service → callback; return the callback's response."""
    request = start(client, next_url)
    national.answer(person, request["nonce"], claims=claims, info=info, key=key)
    return client.get(CALLBACK, {"code": "code-1", "state": request["state"]})


def captcha_passed():
    """The captcha's fields as the test settings accept them (CAPTCHA_TEST_MODE)."""
    return {"captcha_0": "test-key", "captcha_1": "PASSED"}


def organisation_login(client, tax_code, password, **extra):
    """POST the legacy organisation login form."""
    return client.post(
        ORGANISATION_LOGIN,
        {"tax_code": tax_code, "password": password, **captcha_passed(), **extra},
    )


def has_provincial_cookie(client):
    cookie = client.cookies.get(COOKIE_NAME)
    return cookie is not None and cookie.value != ""
