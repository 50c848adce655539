"""Logout tokens: what a provider signs, and every way a client refuses a bad one."""

import time

import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from oidc_kit.logout_token import (
    BACKCHANNEL_LOGOUT_EVENT,
    LogoutTokenInvalid,
    build_logout_token,
    verify_logout_token,
)

ISSUER = "http://provider.test/xacthuc"
AUDIENCE = "qnam-portal-test"
KEY = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "key-1"})
KEYS = KeySet([KEY])


def signed(claims, key=KEY, **header):
    return jwt.encode({"alg": "RS256", "kid": key.kid, **header}, claims, key, ["RS256"])


def claims(**overrides):
    now = int(time.time())
    values = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "iat": now,
        "exp": now + 120,
        "jti": "jti-1",
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        "sid": "session-1",
        "sub": "subject-1",
        **overrides,
    }
    return {name: value for name, value in values.items() if value is not None}


def test_a_built_token_verifies_and_names_the_session():
    token = build_logout_token(
        issuer=ISSUER,
        audience=AUDIENCE,
        sub="subject-1",
        sid="session-1",
        private_key=KEY,
        kid="key-1",
    )

    result = verify_logout_token(token, key_set=KEYS, issuer=ISSUER, audience=AUDIENCE)

    assert (result.iss, result.sid, result.sub) == (ISSUER, "session-1", "subject-1")
    decoded = jwt.decode(token, KEYS, algorithms=["RS256"])
    assert decoded.header["typ"] == "logout+jwt"
    assert decoded.claims["events"] == {BACKCHANNEL_LOGOUT_EVENT: {}}
    assert "nonce" not in decoded.claims
    assert decoded.claims["jti"]


def test_two_tokens_for_the_same_session_have_different_ids():
    make = dict(issuer=ISSUER, audience=AUDIENCE, sub="s", sid="x", private_key=KEY, kid="key-1")
    first = jwt.decode(build_logout_token(**make), KEYS).claims["jti"]
    second = jwt.decode(build_logout_token(**make), KEYS).claims["jti"]
    assert first != second


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (signed(claims(), key=OTHER_KEY), "bad_signature"),
        ("not.a.jwt", "bad_signature"),
        (signed(claims(iss="http://elsewhere.test")), "bad_iss"),
        (signed(claims(aud="another-client")), "bad_aud"),
        (signed(claims(aud=["another-client", "third"])), "bad_aud"),
        (signed(claims(events=None)), "bad_events"),
        (signed(claims(events={"http://example.test/other": {}})), "bad_events"),
        (signed(claims(events={BACKCHANNEL_LOGOUT_EVENT: "yes"})), "bad_events"),
        (signed(claims(sid=None)), "missing_sid"),
        (signed(claims(sid="")), "missing_sid"),
        (signed(claims(sub=42)), "bad_sub"),
        (signed(claims(nonce="n-1")), "nonce_present"),
        (signed(claims(jti=None)), "bad_jti"),
        (signed(claims(iat=None)), "bad_iat"),
        (signed(claims(iat=int(time.time()) - 3600, exp=int(time.time()) + 60)), "bad_iat"),
        (signed(claims(exp=int(time.time()) - 3600)), "bad_exp"),
        (signed(claims(), typ="at+jwt"), "bad_typ"),
    ],
)
def test_a_bad_logout_token_is_refused_with_its_reason(token, code):
    with pytest.raises(LogoutTokenInvalid) as refused:
        verify_logout_token(token, key_set=KEYS, issuer=ISSUER, audience=AUDIENCE)
    assert refused.value.code == code


def test_an_audience_list_naming_the_client_is_accepted():
    token = signed(claims(aud=["other", AUDIENCE]))
    assert verify_logout_token(token, key_set=KEYS, issuer=ISSUER, audience=AUDIENCE).sid


def test_an_unsigned_token_is_refused():
    header = "eyJhbGciOiJub25lIn0"  # {"alg":"none"}
    body = signed(claims()).split(".")[1]
    with pytest.raises(LogoutTokenInvalid) as refused:
        verify_logout_token(f"{header}.{body}.", key_set=KEYS, issuer=ISSUER, audience=AUDIENCE)
    assert refused.value.code == "bad_signature"
