"""ID tokens: RS256 with kid, verifiable from the JWKS, signed by the one active key only."""

import pytest
from django.urls import reverse
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet
from joserfc.jws import extract_compact

from vneid.keys import (
    active_signing_key,
    rotate_signing_key,
    unpublish_signing_key,
)
from vneid.models import SigningKey

from .flows import authorize_params, exchange, log_in_and_get_code, redirect_query, submit_login


def _jwks(client):
    return KeySet.import_key_set(client.get(reverse("vneid:jwks")).json())


def _header(id_token):
    return extract_compact(id_token.encode()).protected


def _id_token(client, rp, pkce, **overrides):
    code = log_in_and_get_code(client, rp, pkce, **overrides)
    response = exchange(client, rp, code, pkce.verifier)
    assert response.status_code == 200
    return response.json()["id_token"]


def test_id_token_is_rs256_with_the_kid_of_the_active_key(client, tokens):
    header = _header(tokens["id_token"])

    assert header["alg"] == "RS256"
    assert header["kid"] == SigningKey.objects.get(is_active=True).kid


def test_id_token_verifies_against_the_published_key_of_its_kid(client, tokens):
    jwks = _jwks(client)
    kid = _header(tokens["id_token"])["kid"]

    token = jwt.decode(tokens["id_token"], jwks.get_by_kid(kid), algorithms=["RS256"])

    assert token.header["kid"] == kid


def test_id_token_carries_nonce_auth_time_acr_and_expiry(client, nga, tokens):
    claims = jwt.decode(tokens["id_token"], _jwks(client), algorithms=["RS256"]).claims

    assert claims["nonce"] == "nonce-abc"
    assert claims["acr"] == "vneid:level2"
    assert claims["amr"] == ["pwd"]
    login_time = int(nga.loginsession_set.get().auth_time.timestamp())
    assert claims["auth_time"] == login_time
    assert claims["exp"] - claims["iat"] == 3600
    assert "at_hash" in claims


def test_level_one_account_gets_level_one_acr(client, level_one, rp, pkce):
    params = authorize_params(rp, pkce)
    response = submit_login(client, params, number=level_one.personal_id_number)
    code = redirect_query(response)["code"]
    id_token = exchange(client, rp, code, pkce.verifier).json()["id_token"]

    claims = jwt.decode(id_token, _jwks(client), algorithms=["RS256"]).claims
    assert claims["acr"] == "vneid:level1"
    assert "old_cmnd_number" not in claims


def test_id_token_without_nonce_has_no_nonce_claim(client, nga, rp, pkce):
    id_token = _id_token(client, rp, pkce, nonce=None)

    assert "nonce" not in jwt.decode(id_token, _jwks(client), algorithms=["RS256"]).claims


def test_after_rotation_only_the_new_key_signs_and_old_tokens_still_verify(client, nga, rp, pkce):
    old_token = _id_token(client, rp, pkce)
    old_kid = _header(old_token)["kid"]

    new_key = rotate_signing_key()
    new_token = _id_token(client, rp, pkce, nonce="after-rotation")

    assert _header(new_token)["kid"] == new_key.kid != old_kid
    jwks = _jwks(client)
    assert {key.kid for key in jwks.keys} == {old_kid, new_key.kid}
    jwt.decode(old_token, jwks.get_by_kid(old_kid), algorithms=["RS256"])
    jwt.decode(new_token, jwks.get_by_kid(new_key.kid), algorithms=["RS256"])
    with pytest.raises(BadSignatureError):
        jwt.decode(new_token, jwks.get_by_kid(old_kid), algorithms=["RS256"])


def test_many_tokens_after_rotation_all_use_the_active_key(client, nga, rp, pkce):
    active_signing_key()
    rotate_signing_key()
    active = rotate_signing_key()

    kids = {_header(_id_token(client, rp, pkce, nonce=f"n{i}"))["kid"] for i in range(5)}

    assert kids == {active.kid}


def test_unpublished_key_leaves_the_jwks(client, nga, rp, pkce):
    old = active_signing_key()
    rotate_signing_key()

    unpublish_signing_key(kid=old.kid)

    assert old.kid not in {key.kid for key in _jwks(client).keys}


def test_the_active_key_cannot_be_unpublished(db):
    key = active_signing_key()

    with pytest.raises(ValueError):
        unpublish_signing_key(kid=key.kid)


def test_jwks_publishes_no_private_parts(client, db):
    active_signing_key()
    rotate_signing_key()

    document = client.get(reverse("vneid:jwks")).json()

    assert len(document["keys"]) == 2
    for key in document["keys"]:
        assert set(key) == {"kty", "n", "e", "kid", "use", "alg"}
