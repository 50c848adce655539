"""VneidClient: discovery and JWKS caching, the exact calls, and its typed errors."""

import base64
import time

import pytest
import requests
import responses
import time_machine

from identity.relying_party.client import (
    DISCOVERY_CACHE_SECONDS,
    InvalidIdToken,
    VneidClient,
    VneidProtocolError,
    VneidTimeout,
    VneidUnavailable,
)

from .conftest import (
    DISCOVERY_URL,
    ISSUER,
    JWKS_URL,
    TOKEN_URL,
    discovery_document,
    nga_claims,
    sign,
)


def test_discovery_is_cached_briefly_then_fetched_again(vneid):
    VneidClient().metadata()
    VneidClient().metadata()
    assert len(vneid.calls_to(DISCOVERY_URL)) == 1

    with time_machine.travel(time.time() + DISCOVERY_CACHE_SECONDS + 1):
        metadata = VneidClient().metadata()

    assert len(vneid.calls_to(DISCOVERY_URL)) == 2
    assert metadata.token_endpoint == TOKEN_URL


def test_discovery_for_another_issuer_is_refused_and_not_cached(vneid):
    vneid.mock.replace(
        responses.GET, DISCOVERY_URL, json={**discovery_document(), "issuer": "http://evil.test"}
    )

    for _ in range(2):
        with pytest.raises(VneidProtocolError):
            VneidClient().metadata()

    assert len(vneid.calls_to(DISCOVERY_URL)) == 2


def test_discovery_without_a_token_endpoint_is_a_protocol_error(vneid):
    document = discovery_document()
    del document["token_endpoint"]
    vneid.mock.replace(responses.GET, DISCOVERY_URL, json=document)

    with pytest.raises(VneidProtocolError):
        VneidClient().metadata()


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"body": requests.ConnectTimeout("slow")}, VneidTimeout),
        ({"body": requests.ConnectionError("refused")}, VneidUnavailable),
        ({"status": 503, "body": "down"}, VneidUnavailable),
        ({"status": 200, "body": "<html>not json</html>"}, VneidProtocolError),
        ({"status": 404, "json": {"error": "not_found"}}, VneidProtocolError),
    ],
)
def test_discovery_failures_have_their_types(vneid, answer, error):
    vneid.mock.replace(responses.GET, DISCOVERY_URL, **answer)

    with pytest.raises(error):
        VneidClient().metadata()


def test_a_timeout_is_also_unavailable_for_callers_that_do_not_care(vneid):
    vneid.mock.replace(responses.GET, DISCOVERY_URL, body=requests.ReadTimeout("slow"))

    with pytest.raises(VneidUnavailable):
        VneidClient().metadata()


def test_basic_auth_form_encodes_the_client_credentials(vneid):
    vneid.mock.post(
        TOKEN_URL,
        json={"access_token": "at", "token_type": "bearer", "id_token": "x.y.z"},
    )
    client = VneidClient(client_id="cổng:dvc", client_secret="a b/c")

    client.exchange_code(code="c", redirect_uri="http://testserver/cb/", code_verifier="v")

    (call,) = vneid.calls_to(TOKEN_URL)
    expected = base64.b64encode(b"c%E1%BB%95ng%3Advc:a%20b%2Fc").decode()
    assert call.request.headers["Authorization"] == f"Basic {expected}"


def test_a_token_answer_that_is_not_bearer_is_a_protocol_error(vneid):
    vneid.mock.post(TOKEN_URL, json={"access_token": "at", "token_type": "MAC", "id_token": "x"})

    with pytest.raises(VneidProtocolError):
        VneidClient().exchange_code(code="c", redirect_uri="r", code_verifier="v")


def test_a_jwks_that_is_not_a_key_set_is_a_protocol_error(vneid):
    vneid.mock.replace(responses.GET, JWKS_URL, json={"keys": [{"kty": "nonsense"}]})

    with pytest.raises(VneidProtocolError):
        VneidClient().jwks()


def test_validate_id_token_returns_the_claims(vneid):
    token = sign(nga_claims(nonce="n-1"), vneid.key)

    claims = VneidClient().validate_id_token(token, nonce="n-1")

    assert claims["iss"] == ISSUER
    assert claims["acr"] == "vneid:level2"


def test_validate_id_token_refuses_an_azp_naming_another_client(vneid):
    token = sign(nga_claims(nonce="n-1", azp="another-portal"), vneid.key)

    with pytest.raises(InvalidIdToken):
        VneidClient().validate_id_token(token, nonce="n-1")
