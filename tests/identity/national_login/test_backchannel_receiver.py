"""VNeID's logout tokens at the service: a valid one ends its logins and reaches the portals."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from identity.national_login.models import LoginSession
from oidc_kit.logout_token import BACKCHANNEL_LOGOUT_EVENT, build_logout_token
from tests.identity.relying_party.conftest import ISSUER, NGA_SUB

from .conftest import PORTAL_BACKCHANNEL, SERVICE_CLIENT_ID, VNEID_SID, log_in_through_vneid

RECEIVER = "/xacthuc/oauth2/backchannel-logout"


@pytest.fixture(scope="module")
def stranger_key():
    return RSAKey.generate_key(2048, parameters={"kid": "not-vneid"})


def vneid_logout_token(key, **overrides):
    fields = {
        "issuer": ISSUER,
        "audience": SERVICE_CLIENT_ID,
        "sub": NGA_SUB,
        "sid": VNEID_SID,
        "private_key": key,
        "kid": key.kid,
        **overrides,
    }
    return build_logout_token(**fields)


def raw_token(key, **claims):
    now = int(time.time())
    body = {
        "iss": ISSUER,
        "aud": SERVICE_CLIENT_ID,
        "iat": now,
        "exp": now + 120,
        "jti": f"jti-{now}-{len(claims)}",
        "sid": VNEID_SID,
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        **claims,
    }
    body = {name: value for name, value in body.items() if value is not None}
    return jwt.encode({"alg": "RS256", "kid": key.kid}, body, key, ["RS256"])


def test_a_valid_vneid_logout_ends_the_login_and_tells_the_portals(client, vneid, portal):
    log_in_through_vneid(client, vneid)
    response = client.post(RECEIVER, {"logout_token": vneid_logout_token(vneid.key)})
    assert response.status_code == 200
    assert LoginSession.objects.get().ended_at is not None
    posts = [call for call in vneid.mock.calls if call.request.url == PORTAL_BACKCHANNEL]
    assert len(posts) == 1


def test_a_replayed_token_is_refused(client, vneid, portal):
    token = vneid_logout_token(vneid.key)
    assert client.post(RECEIVER, {"logout_token": token}).status_code == 200
    replay = client.post(RECEIVER, {"logout_token": token})
    assert replay.status_code == 400


@pytest.mark.parametrize(
    "case",
    ["wrong_signature", "wrong_aud", "wrong_iss", "no_events", "no_sid", "nonce", "missing"],
)
def test_a_bad_logout_token_is_refused_and_ends_nothing(client, vneid, portal, stranger_key, case):
    log_in_through_vneid(client, vneid)
    tokens = {
        "wrong_signature": lambda: vneid_logout_token(stranger_key),
        "wrong_aud": lambda: vneid_logout_token(vneid.key, audience="someone-else"),
        "wrong_iss": lambda: vneid_logout_token(vneid.key, issuer="http://evil.test/vneid"),
        "no_events": lambda: raw_token(vneid.key, events=None),
        "no_sid": lambda: raw_token(vneid.key, sid=None),
        "nonce": lambda: raw_token(vneid.key, nonce="n"),
        "missing": lambda: "",
    }
    response = client.post(RECEIVER, {"logout_token": tokens[case]()})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"
    assert LoginSession.objects.get().ended_at is None
    assert not [call for call in vneid.mock.calls if call.request.url == PORTAL_BACKCHANNEL]


def test_a_get_is_refused_as_json(client, db):
    response = client.get(RECEIVER)
    assert response.status_code == 405
    assert response.json()["error"] == "invalid_request"


def test_vneid_keys_unreachable_asks_vneid_to_retry(client, vneid, portal):
    import responses

    vneid.mock.replace(responses.GET, "http://vneid.test/vneid/jwks", status=503)
    response = client.post(RECEIVER, {"logout_token": vneid_logout_token(vneid.key)})
    assert response.status_code == 503


def test_the_portals_token_names_the_issuer_its_id_token_named(client, vneid, portal):
    from django.test import Client
    from joserfc.jwk import KeySet

    from oidc_kit.logout_token import verify_logout_token

    log_in_through_vneid(client, vneid)
    # VNeID reaches the service at another address than the citizen's browser did.
    server_to_server = Client(HTTP_HOST="127.0.0.1")
    response = server_to_server.post(RECEIVER, {"logout_token": vneid_logout_token(vneid.key)})
    assert response.status_code == 200
    (call,) = [call for call in vneid.mock.calls if call.request.url == PORTAL_BACKCHANNEL]
    token = call.request.body.split("logout_token=")[1]
    keys = KeySet.import_key_set(client.get("/xacthuc/oauth2/jwks").json())
    claims = verify_logout_token(
        token, key_set=keys, issuer="http://localhost/xacthuc", audience="qnam-portal-test"
    )
    assert claims.sid == LoginSession.objects.get().sid
