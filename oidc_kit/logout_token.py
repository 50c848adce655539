"""Logout tokens of OpenID Connect Back-Channel Logout 1.0: made by a provider, checked by a client.

A logout token looks like an ID token on purpose-made rules (spec section 2.4, 2.6): it names
the session (`sid`) and carries the back-channel `events` member, and it must never carry a
`nonce`, so that an ID token can never be replayed as a logout token or the reverse.
"""

import secrets
import time
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey
from joserfc.jwt import JWTClaimsRegistry

BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"
# Explicit typing (spec 2.4, RFC 8725 3.11): a logout token is not mistaken for another JWT.
LOGOUT_TOKEN_TYPE = "logout+jwt"
ALGORITHMS = ("RS256",)
# A logout token is delivered at once; an old one can only be a replay.
LOGOUT_TOKEN_SECONDS = 120
MAX_AGE_SECONDS = 600
CLOCK_LEEWAY_SECONDS = 60


class LogoutTokenInvalid(Exception):
    """A logout token that must not end any session; `code` is stable, `message` is English."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class KeysUnavailable(Exception):
    """The provider's keys could not be fetched: the token can be neither trusted nor refused."""


@dataclass(frozen=True)
class LogoutClaims:
    """What a valid logout token says: whose session (sid) at which provider ended."""

    iss: str
    sid: str
    sub: str
    jti: str


def build_logout_token(
    *, issuer: str, audience: str, sub: str, sid: str, private_key: RSAKey, kid: str
) -> str:
    """Return a signed logout token telling audience that session sid of sub has ended."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + LOGOUT_TOKEN_SECONDS,
        "jti": secrets.token_urlsafe(24),
        "events": {BACKCHANNEL_LOGOUT_EVENT: {}},
        "sid": sid,
    }
    if sub:
        claims["sub"] = sub
    header = {"alg": ALGORITHMS[0], "kid": kid, "typ": LOGOUT_TOKEN_TYPE}
    return jwt.encode(header, claims, private_key, list(ALGORITHMS))


def _decode(token: str, key_set: KeySet) -> jwt.Token:
    try:
        return jwt.decode(token, key_set, algorithms=list(ALGORITHMS))
    except (JoseError, ValueError, TypeError) as error:
        # joserfc raises ValueError for some malformed compact serialisations.
        raise LogoutTokenInvalid(
            "bad_signature", "The logout token's signature does not verify."
        ) from error


def _check_registered_claims(claims: dict[str, Any], *, issuer: str, audience: str) -> None:
    registry = JWTClaimsRegistry(
        leeway=CLOCK_LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        iat={"essential": True},
        jti={"essential": True},
    )
    try:
        registry.validate(claims)
    except JoseError as error:
        name = getattr(error, "claim", "") or "claims"
        raise LogoutTokenInvalid(
            f"bad_{name}", f"The logout token's '{name}' is not valid."
        ) from error
    audiences = claims.get("aud")
    listed = [audiences] if isinstance(audiences, str) else audiences
    if not isinstance(listed, list) or audience not in listed:
        raise LogoutTokenInvalid("bad_aud", "The logout token is not addressed to this client.")
    issued_at = claims["iat"]
    if not isinstance(issued_at, int) or issued_at < time.time() - MAX_AGE_SECONDS:
        raise LogoutTokenInvalid("bad_iat", "The logout token is too old.")


def _check_logout_claims(claims: dict[str, Any]) -> None:
    events = claims.get("events")
    if not isinstance(events, dict) or not isinstance(events.get(BACKCHANNEL_LOGOUT_EVENT), dict):
        raise LogoutTokenInvalid(
            "bad_events", "The logout token lacks the back-channel logout event."
        )
    if "nonce" in claims:
        raise LogoutTokenInvalid("nonce_present", "A logout token must not contain a nonce.")
    sid = claims.get("sid")
    if not isinstance(sid, str) or not sid:
        raise LogoutTokenInvalid("missing_sid", "The logout token names no session ('sid').")
    sub = claims.get("sub", "")
    if not isinstance(sub, str):
        raise LogoutTokenInvalid("bad_sub", "The logout token's 'sub' is not a string.")


def verify_logout_token(token: str, *, key_set: KeySet, issuer: str, audience: str) -> LogoutClaims:
    """Return the claims of a logout token issuer sent to audience; raise LogoutTokenInvalid.

    Every session-less client of ours registers `backchannel_logout_session_required`, so a
    token without `sid` is refused even though the spec would let `sub` alone name the user.
    """
    decoded = _decode(token, key_set)
    token_type = decoded.header.get("typ")
    if token_type not in (None, LOGOUT_TOKEN_TYPE, "JWT"):
        raise LogoutTokenInvalid("bad_typ", "The token is not a logout token.")
    claims = decoded.claims
    _check_registered_claims(claims, issuer=issuer, audience=audience)
    _check_logout_claims(claims)
    return LogoutClaims(
        iss=claims["iss"], sid=claims["sid"], sub=claims.get("sub", ""), jti=str(claims["jti"])
    )
