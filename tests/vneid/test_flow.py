"""The happy path: password login at VNeID, code, token exchange, ID token, userinfo."""

from joserfc import jwt
from joserfc.jwk import KeySet

from .flows import (
    NGA_CCCD,
    NGA_CMND,
    REDIRECT_URI,
    authorize_params,
    exchange,
    redirect_query,
    submit_login,
)


def _verify(client, id_token):
    jwks = KeySet.import_key_set(client.get("/vneid/jwks").json())
    return jwt.decode(id_token, jwks, algorithms=["RS256"])


def test_password_login_returns_code_and_state_to_the_registered_redirect_uri(
    client, nga, rp, pkce
):
    response = submit_login(client, authorize_params(rp, pkce))

    query = redirect_query(response)
    assert response["Location"].startswith(REDIRECT_URI + "?")
    assert query["state"] == "state-123"
    assert len(query["code"]) >= 40


def test_code_exchange_with_basic_auth_returns_a_verifiable_id_token(client, nga, rp, pkce):
    code = redirect_query(submit_login(client, authorize_params(rp, pkce)))["code"]

    response = exchange(client, rp, code, pkce.verifier, auth="basic")

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["token_type"].lower() == "bearer"
    token = _verify(client, body["id_token"])
    assert token.claims["iss"] == "http://localhost/vneid"
    assert token.claims["aud"] == rp.client_id
    assert token.claims["sub"] == nga.sub
    assert token.claims["nonce"] == "nonce-abc"
    assert token.claims["acr"] == "vneid:level2"
    assert token.claims["personal_id_number"] == NGA_CCCD
    assert token.claims["old_cmnd_number"] == NGA_CMND


def test_code_exchange_with_post_auth_succeeds(client, nga, rp, pkce):
    code = redirect_query(submit_login(client, authorize_params(rp, pkce)))["code"]

    response = exchange(client, rp, code, pkce.verifier, auth="post")

    assert response.status_code == 200
    assert "id_token" in response.json()
