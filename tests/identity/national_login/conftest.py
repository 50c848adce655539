"""The national login service with VNeID stubbed over HTTP (`responses`), as the portal's tests do.

VNeID's stub mints real RS256 ID tokens for the service (aud `xacthuc-test`); a portal client
is registered through the service's own `services.ensure_client`.
"""

import base64
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import responses
from django.test import Client
from joserfc.jwk import RSAKey

from identity.national_login import services
from tests.identity.relying_party.conftest import (
    AUTHORIZE_URL,
    DISCOVERY_URL,
    ISSUER,
    JWKS_URL,
    TOKEN_URL,
    discovery_document,
    jwks,
    nga_claims,
    sign,
)

SERVICE_CLIENT_ID = "xacthuc-test"
AUTHORIZE_PATH = "/xacthuc/oauth2/authorize"
TOKEN_PATH = "/xacthuc/oauth2/token"
USERINFO_PATH = "/xacthuc/oauth2/userinfo"
CHOOSER_PATH = "/xacthuc/authenticationendpoint/login"
CALLBACK_PATH = "/xacthuc/vneid/callback"
LOGOUT_PATH = "/xacthuc/oauth2/logout"
SERVICE_ISSUER = "http://localhost/xacthuc"

PORTAL_ID = "qnam-portal-test"
PORTAL_SECRET = "qnam-portal-test-secret"
PORTAL_CALLBACK = "http://portal.test/quang-nam/dang-nhap/callback/"
PORTAL_HOME = "http://portal.test/quang-nam/"
PORTAL_BACKCHANNEL = "http://portal.test/quang-nam/backchannel-logout"
OTHER_ID = "other-portal-test"
OTHER_SECRET = "other-portal-test-secret"
OTHER_CALLBACK = "http://other.test/callback"
OTHER_BACKCHANNEL = "http://other.test/backchannel-logout"
VNEID_SID = "vneid-login-sid-1"


@pytest.fixture
def client():
    """A browser on the loopback host: Authlib refuses plain http anywhere else."""
    return Client(HTTP_HOST="localhost")


@pytest.fixture(scope="session")
def vneid_key():
    return RSAKey.generate_key(2048, parameters={"kid": "vneid-2026-01"})


@dataclass
class StubVneid:
    mock: responses.RequestsMock
    key: RSAKey
    codes: list = field(default_factory=list)

    def answer_token(self, id_token):
        self.mock.post(
            TOKEN_URL,
            json={
                "access_token": "vneid-access-1",
                "token_type": "Bearer",
                "expires_in": 3600,
                "id_token": id_token,
            },
        )


@pytest.fixture
def vneid(vneid_key):
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.get(DISCOVERY_URL, json=discovery_document())
        mock.get(JWKS_URL, json=jwks(vneid_key))
        # Back-channel logouts the service sends to portals are answered 200 unless a test
        # says otherwise.
        mock.post(PORTAL_BACKCHANNEL, status=200)
        mock.post(OTHER_BACKCHANNEL, status=200)
        yield StubVneid(mock=mock, key=vneid_key)


@pytest.fixture
def portal(db):
    return services.ensure_client(
        client_id=PORTAL_ID,
        client_secret=PORTAL_SECRET,
        name="Cổng DVC tỉnh Quảng Nam (thử nghiệm)",
        redirect_uris=[PORTAL_CALLBACK],
        post_logout_redirect_uris=[PORTAL_HOME],
        backchannel_logout_uri=PORTAL_BACKCHANNEL,
    )


@pytest.fixture
def other_portal(db):
    return services.ensure_client(
        client_id=OTHER_ID,
        client_secret=OTHER_SECRET,
        name="Cổng DVC Bộ Thử nghiệm",
        redirect_uris=[OTHER_CALLBACK],
        backchannel_logout_uri=OTHER_BACKCHANNEL,
        attribute_profile="oidc",
    )


def query_of(url):
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def authorize(client, *, client_id=PORTAL_ID, redirect_uri=PORTAL_CALLBACK, **params):
    """Send the portal's authorization request; return the response."""
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid",
        "state": params.pop("state", "portal-state-1"),
        "nonce": params.pop("nonce", "portal-nonce-1"),
        **params,
    }
    query = {name: value for name, value in query.items() if value is not None}
    return client.get(f"{AUTHORIZE_PATH}?{urlencode(query)}")


def vneid_request(response):
    """Return the query of the service's request to VNeID, which response redirects to."""
    assert response.status_code == 302, response.content
    location = response["Location"]
    assert location.split("?")[0] == AUTHORIZE_URL, location
    return query_of(location)


def vneid_answers(client, vneid, request, *, level=2, sid=VNEID_SID, **claims):
    """VNeID logs the citizen in and calls the service back; return the callback response."""
    token = sign(
        nga_claims(
            aud=SERVICE_CLIENT_ID,
            nonce=request["nonce"],
            acr=f"vneid:level{level}",
            sid=sid,
            **claims,
        ),
        vneid.key,
    )
    vneid.answer_token(token)
    return client.get(
        CALLBACK_PATH, {"code": "vneid-code-1", "state": request["state"], "iss": ISSUER}
    )


def follow_to_portal(client, response):
    """Follow the service's redirects until one leaves it; return that URL's query."""
    while response.status_code == 302 and response["Location"].startswith("/xacthuc/"):
        response = client.get(response["Location"])
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def log_in_through_vneid(client, vneid, *, level=2, **params):
    """Portal → service → VNeID (silent login succeeds) → service → portal; return the code."""
    request = vneid_request(authorize(client, **params))
    assert request["prompt"] == "none"
    location = follow_to_portal(client, vneid_answers(client, vneid, request, level=level))
    assert location.startswith(params.get("redirect_uri", PORTAL_CALLBACK)), location
    return query_of(location)


def basic(client_id, secret):
    raw = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    return f"Basic {raw}"


def exchange(
    client, code, *, client_id=PORTAL_ID, secret=PORTAL_SECRET, redirect_uri=None, **extra
):
    """Exchange a code at the token endpoint with client_secret_basic; return the response."""
    return client.post(
        TOKEN_PATH,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri or PORTAL_CALLBACK,
            **extra,
        },
        HTTP_AUTHORIZATION=basic(client_id, secret),
    )


# An organisation e-ID at VNeID (Decree 69/2024), fictional, and the people who act for it.
ORG_SUB = "vneid-organisation-hoian"
ORG_TAX_CODE = "0401234566"
ORG_NAME = "Công ty TNHH Hội An Xanh"
REPRESENTATIVE_CCCD = "049080001234"
REPRESENTATIVE_NAME = "Đặng Văn Quang"
AUTHORISED_CCCD = "049190005678"


def organisation_claims(**overrides):
    """Return the claims VNeID issues for an organisation login (brief §6); None drops a claim.

    The person's own claims (number, birth date, gender, CMND) are absent: the person acting
    is named by `act` only.
    """
    claims = {
        "sub": ORG_SUB,
        "name": ORG_NAME,
        "birthdate": None,
        "gender": None,
        "personal_id_number": None,
        "old_cmnd_number": None,
        "act": {"sub": REPRESENTATIVE_CCCD},
        "account_type": "organisation",
        "organisation_role": "legal_representative",
        "organisation_eid": "TC0401234566001",
        "organisation_id_number": "TC04010000123",
        "organisation_name": ORG_NAME,
        "organisation_short_name": "HOI AN XANH",
        "organisation_foreign_name": "HOI AN GREEN COMPANY LIMITED",
        "organisation_kind": "llc_single",
        "establishment_date": "2015-04-20",
        "head_office_address": "12 Trần Phú, phường Minh An, thành phố Hội An, tỉnh Quảng Nam",
        "tax_code": ORG_TAX_CODE,
        "enterprise_code": ORG_TAX_CODE,
        "legal_representative_name": REPRESENTATIVE_NAME,
        "legal_representative_id_number": REPRESENTATIVE_CCCD,
        **overrides,
    }
    return claims


def choose_organisation(client, vneid, **params):
    """Portal → service (VNeID silently: not logged in) → chooser → "TỔ CHỨC"; return VNeID's
    request of the organisation option."""
    request = vneid_request(authorize(client, **params))
    response = client.get(
        CALLBACK_PATH, {"error": "login_required", "state": request["state"], "iss": ISSUER}
    )
    key = query_of(response["Location"])["sessionDataKey"]
    return vneid_request(
        client.post(CHOOSER_PATH, {"sessionDataKey": key, "method": "organisation"})
    )


def log_in_as_organisation(client, vneid, params=None, **claims):
    """The organisation option through to the portal; return the portal's callback query."""
    request = choose_organisation(client, vneid, **(params or {}))
    answer = vneid_answers(client, vneid, request, **organisation_claims(**claims))
    location = follow_to_portal(client, answer)
    assert location.startswith(PORTAL_CALLBACK), location
    return query_of(location)
