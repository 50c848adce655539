"""The VNeID button: the authorization request and the protocol state kept in the session."""

import base64
import hashlib
import json

import requests
import responses

from identity.relying_party.state import PENDING_LOGIN_SESSION_KEY

from .conftest import CALLBACK_URL, CLIENT_ID, DISCOVERY_URL, START_URL, start


def test_start_redirects_to_vneid_with_state_nonce_pkce_and_the_callback(client, vneid, db):
    request = start(client, "/ho-so/")

    pending = client.session[PENDING_LOGIN_SESSION_KEY]
    verifier = pending["code_verifier"]
    expected_challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    assert request == {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK_URL,
        "scope": "openid profile vneid_identity",
        "state": pending["state"],
        "nonce": pending["nonce"],
        "code_challenge": expected_challenge,
        "code_challenge_method": "S256",
        "acr_values": "vneid:level2",
        "claims": '{"id_token":{"acr":{"essential":true}}}',
    }
    # RFC 7636: a verifier of 43 to 128 characters; state and nonce unguessable.
    assert 43 <= len(verifier) <= 128
    assert len(pending["state"]) >= 43
    assert len(pending["nonce"]) >= 43
    assert pending["state"] != pending["nonce"]
    assert pending["next"] == "/ho-so/"
    assert pending["redirect_uri"] == CALLBACK_URL


def test_start_discovers_vneid_with_the_configured_timeout(client, vneid, db):
    start(client)

    (call,) = vneid.calls_to(DISCOVERY_URL)
    assert call.request.method == "GET"
    assert call.request.req_kwargs["timeout"] == 2


def test_start_drops_a_next_that_leaves_the_site(client, vneid, db):
    start(client, "https://evil.example/ho-so/")

    assert client.session[PENDING_LOGIN_SESSION_KEY]["next"] == ""


def test_start_again_replaces_the_pending_login(client, vneid, db):
    first = start(client)
    second = start(client)

    assert first["state"] != second["state"]
    assert client.session[PENDING_LOGIN_SESSION_KEY]["state"] == second["state"]
    assert len(vneid.calls_to(DISCOVERY_URL)) == 1


def test_start_passes_prompt_login_and_nothing_else(client, vneid, db):
    assert start(client, prompt="login")["prompt"] == "login"
    assert "prompt" not in start(client, prompt="consent")


def test_start_when_vneid_is_unreachable_shows_a_page_and_keeps_no_state(client, vneid, db):
    vneid.mock.replace(responses.GET, DISCOVERY_URL, body=requests.ConnectionError("refused"))

    response = client.get(START_URL, {"next": "/ho-so/"})

    assert response.status_code == 503
    page = response.content.decode()
    assert "Chưa kết nối được tới VNeID" in page
    assert "đăng nhập bằng số CMT/CCCD và mật khẩu" in page
    assert PENDING_LOGIN_SESSION_KEY not in client.session


def test_start_when_vneid_names_another_issuer_is_refused(client, vneid, db):
    vneid.mock.replace(
        responses.GET,
        DISCOVERY_URL,
        json={
            "issuer": "https://evil.example/vneid",
            "authorization_endpoint": "https://evil.example/authorize",
            "token_endpoint": "https://evil.example/token",
            "jwks_uri": "https://evil.example/jwks",
        },
    )

    response = client.get(START_URL)

    assert response.status_code == 502
    assert "evil.example" not in response.get("Location", "")


def test_login_page_vneid_button_starts_the_flow_keeping_next(client, db):
    page = client.get("/dang-nhap/", {"next": "/ho-so/?trang=2"}).content.decode()

    assert 'href="/dang-nhap/vneid/?next=/ho-so/%3Ftrang%3D2"' in page
    assert "vneid-modal" not in page


def test_start_asks_for_the_level_the_settings_require(client, vneid, db, settings):
    settings.VNEID = {**settings.VNEID, "REQUIRED_LEVEL": 1}

    request = start(client, "/ho-so/")

    assert request["acr_values"] == "vneid:level1"
    assert json.loads(request["claims"]) == {"id_token": {"acr": {"essential": True}}}
