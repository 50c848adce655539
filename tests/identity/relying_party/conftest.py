"""A stubbed VNeID (discovery, JWKS, token, userinfo) that mints real RS256 ID tokens."""

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.accounts.factories import UserFactory
from tests.personas import NGA_CCCD, NGA_CMND

ISSUER = "http://vneid.test/vneid"
DISCOVERY_URL = ISSUER + "/.well-known/openid-configuration"
AUTHORIZE_URL = ISSUER + "/authorize"
TOKEN_URL = ISSUER + "/token"
JWKS_URL = ISSUER + "/jwks"
USERINFO_URL = ISSUER + "/userinfo"
END_SESSION_URL = ISSUER + "/logout"
CLIENT_ID = "dvcqg-portal-test"
CLIENT_SECRET = "dvcqg-portal-test-secret"
CALLBACK_URL = "http://testserver/dang-nhap/vneid/callback/"
START_URL = "/dang-nhap/vneid/"
CALLBACK_PATH = "/dang-nhap/vneid/callback/"
LINK_PATH = "/dang-nhap/vneid/lien-ket/"
ACCESS_TOKEN = "vneid-access-token-1"

# Tô Thị Nga, the citizen of the guide, as VNeID knows her.
NGA_SUB = "vneid-account-7f3a"


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
    }


def jwks(*keys):
    return {"keys": [key.as_dict(private=False) for key in keys]}


def nga_claims(**overrides):
    """Return the ID token claims VNeID issues for Nga at level 2; None values are left out."""
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "sub": NGA_SUB,
        "aud": CLIENT_ID,
        "iat": now,
        "exp": now + 3600,
        "auth_time": now,
        "acr": "vneid:level2",
        "name": "Tô Thị Nga",
        "birthdate": "1990-03-15",
        "gender": "female",
        "personal_id_number": NGA_CCCD,
        "old_cmnd_number": NGA_CMND,
        **overrides,
    }
    return {name: value for name, value in claims.items() if value is not None}


def sign(claims, key, **header):
    """Return a real RS256 ID token signed by key (header entries override alg and kid)."""
    return jwt.encode({"alg": "RS256", "kid": key.kid, **header}, claims, key, algorithms=["RS256"])


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unsigned(claims):
    """Return an alg=none token: a header, the claims and an empty signature."""
    header = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    return f"{header}.{_b64(json.dumps(claims).encode())}."


def hs256_with_public_key(claims, key):
    """Return the key-confusion forgery: HS256 with the provider's public key as the secret."""
    header = _b64(json.dumps({"alg": "HS256", "kid": key.kid, "typ": "JWT"}).encode())
    signing_input = f"{header}.{_b64(json.dumps(claims).encode())}"
    secret = key.as_pem(private=False)
    signature = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(signature)}"


@pytest.fixture(scope="session")
def signing_key():
    return RSAKey.generate_key(2048, parameters={"kid": "vneid-2026-01"})


@pytest.fixture(scope="session")
def rotated_key():
    return RSAKey.generate_key(2048, parameters={"kid": "vneid-2026-02"})


@pytest.fixture(scope="session")
def stranger_key():
    return RSAKey.generate_key(2048, parameters={"kid": "not-vneid"})


@dataclass
class Vneid:
    """The stubbed provider: `mock` records every outbound call of the portal."""

    mock: responses.RequestsMock
    key: RSAKey
    tokens_issued: list = field(default_factory=list)

    def answer_token(self, id_token, **extra):
        body = {
            "access_token": ACCESS_TOKEN,
            "token_type": "Bearer",
            "expires_in": 3600,
            "scope": "openid profile vneid_identity",
            "id_token": id_token,
            **extra,
        }
        self.mock.post(TOKEN_URL, json=body)
        self.tokens_issued.append(id_token)

    def calls_to(self, url):
        return [call for call in self.mock.calls if call.request.url.split("?")[0] == url]


@pytest.fixture
def vneid(signing_key):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(DISCOVERY_URL, json=discovery_document())
        mock.get(JWKS_URL, json=jwks(signing_key))
        yield Vneid(mock=mock, key=signing_key)


def start(client, next_url="/ho-so/", **params):
    """Press the VNeID button; return the authorization request's query parameters."""
    response = client.get(START_URL, {"next": next_url, **params})
    assert response.status_code == 302, response.content
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == AUTHORIZE_URL
    return {name: values[0] for name, values in parse_qs(location.query).items()}


def log_in_with_vneid(client, vneid, *, next_url="/ho-so/", token=None, **claims):
    """Run start → VNeID → callback with a real ID token; return the callback response.

    token, if given, is called with the request's nonce and returns the ID token to answer.
    """
    request = start(client, next_url)
    if token is None:
        id_token = sign(nga_claims(nonce=request["nonce"], **claims), vneid.key)
    else:
        id_token = token(request["nonce"])
    vneid.answer_token(id_token)
    return client.get(CALLBACK_PATH, {"code": "code-1", "state": request["state"]})


def is_logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def nga_linked(db):
    """Nga's account after guide step 3: registered with her CMND, CCCD linked."""
    return UserFactory(
        username=NGA_CMND,
        cmnd_number=NGA_CMND,
        cccd_number=NGA_CCCD,
        full_name="Tô Thị Nga",
        birth_date=date(1990, 3, 15),
        gender="female",
    )


@pytest.fixture
def nga_legacy(db):
    """Nga's account before guide step 3: registered with her CMND, no CCCD."""
    return UserFactory(
        username=NGA_CMND,
        cmnd_number=NGA_CMND,
        cccd_number="",
        full_name="To Thi Nga",
        birth_date=date(1990, 3, 15),
        gender="female",
    )
