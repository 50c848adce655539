"""A relying party's view of its OpenID provider: discovery, keys, ID tokens and logout tokens.

Three clients reach their provider over HTTP by these rules: the national portal and the
national login service (both VNeID's clients), and the provincial portal (the service's). Each
subclass names its errors and its settings; the code flow around them stays its own (the
province uses Authlib's requests client for it, the Government Office's clients plain calls).
The discovery document and the JWKS are cached in Django's cache; a token signed with a key the
cached JWKS does not know refetches it once, so a key rotation at the provider breaks nothing.
"""

import logging
from dataclasses import dataclass
from typing import Any, ClassVar, cast

import requests
from django.core.cache import cache
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import GuestProtocol, KeySet, KeySetSerialization
from joserfc.jwt import JWTClaimsRegistry

from api_kit.client import ApiCallError, Call, PooledSession

from .logout_token import KeysUnavailable, LogoutClaims, verify_logout_token

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
# Short enough that a provider's new endpoints are seen soon, long enough to skip a round trip
# per login.
DISCOVERY_CACHE_SECONDS = 300
JWKS_CACHE_SECONDS = 3600
# The only signing algorithm accepted: "none" and HMAC (key confusion) are refused by name.
ID_TOKEN_ALGORITHMS = ("RS256",)
CLOCK_LEEWAY_SECONDS = 60
# A JSON object as a provider answers it (token, userinfo, discovery) or a token's claims.
Json = dict[str, Any]


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the discovery document a relying party uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""
    authorization_response_iss_parameter_supported: bool = False


class ProviderClient(PooledSession):
    """One relying party's client of its provider, with timeouts and the subclass's errors."""

    # Prefix of the cache keys of the discovery document and the JWKS, and of the log lines.
    cache_prefix: ClassVar[str]
    log_label: ClassVar[str]
    # Raised for a token that fails validation (a subclass of bad_response_error).
    invalid_token_error: ClassVar[type[ApiCallError]]

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        timeout: float,
        session: requests.Session | None = None,
    ) -> None:
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.timeout = float(timeout)
        self.session = session or requests.Session()
        self.session.headers.update({"Accept": "application/json"})

    def metadata(self) -> ProviderMetadata:
        """Return the provider's discovery document, cached briefly."""
        key = f"{self.cache_prefix}:discovery:{self.issuer}"
        document = cache.get(key)
        if document is None:
            document = self._request("GET", self.issuer + DISCOVERY_PATH, "discovery")
            cache.set(key, document, DISCOVERY_CACHE_SECONDS)
        try:
            metadata = ProviderMetadata(
                issuer=str(document["issuer"]),
                authorization_endpoint=str(document["authorization_endpoint"]),
                token_endpoint=str(document["token_endpoint"]),
                jwks_uri=str(document["jwks_uri"]),
                userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
                end_session_endpoint=str(document.get("end_session_endpoint") or ""),
                authorization_response_iss_parameter_supported=(
                    document.get("authorization_response_iss_parameter_supported") is True
                ),
            )
        except (KeyError, TypeError) as error:
            cache.delete(key)
            raise self.bad_response_error("discovery document lacks a required field") from error
        # OpenID Connect Discovery §4.3: the document must name the issuer it was fetched from.
        if metadata.issuer.rstrip("/") != self.issuer:
            cache.delete(key)
            raise self.bad_response_error(f"discovery names issuer {metadata.issuer!r}")
        return metadata

    def jwks(self, *, refresh: bool = False) -> KeySet:
        """Return the provider's public signing keys; refresh skips the cache."""
        key = f"{self.cache_prefix}:jwks:{self.issuer}"
        document = None if refresh else cache.get(key)
        if document is None:
            document = self._request("GET", self.metadata().jwks_uri, "jwks")
            cache.set(key, document, JWKS_CACHE_SECONDS)
        try:
            return KeySet.import_key_set(cast(KeySetSerialization, document))
        except (JoseError, KeyError, TypeError, ValueError) as error:
            cache.delete(key)
            raise self.bad_response_error("the JWKS is not a usable key set") from error

    def validate_id_token(self, id_token: str, *, nonce: str) -> Json:
        """Return the claims of an ID token after checking signature, iss, aud, times and nonce."""
        issuer = self.metadata().issuer
        claims = self.verified_claims(id_token)
        registry = JWTClaimsRegistry(
            leeway=CLOCK_LEEWAY_SECONDS,
            iss={"essential": True, "value": issuer},
            sub={"essential": True},
            aud={"essential": True, "value": self.client_id},
            exp={"essential": True},
            iat={"essential": True},
            nonce={"essential": True, "value": nonce},
        )
        try:
            registry.validate(claims)
        except JoseError as error:
            raise self.invalid_token_error(f"claims: {type(error).__name__}: {error}") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        # OpenID Connect Core §3.1.3.7: with several audiences, azp must name this client.
        if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != self.client_id:
            raise self.invalid_token_error("claims: azp is not this client")
        return claims

    def verified_claims(self, token: str, *, fresh_keys: bool = False) -> Json:
        """Return the claims of a JWS the provider signed with a key of its JWKS."""
        refreshed: list[object] = [True] if fresh_keys else []

        def signing_key(guest: GuestProtocol) -> KeySet:
            keys = self.jwks(refresh=fresh_keys)
            kid = guest.headers().get("kid")
            if kid and not any(key.kid == kid for key in keys) and not refreshed:
                # An unknown kid usually means the provider rotated its keys: refetch once.
                refreshed.append(kid)
                keys = self.jwks(refresh=True)
            return keys

        try:
            decoded = jwt.decode(token, signing_key, algorithms=list(ID_TOKEN_ALGORITHMS))
        except (JoseError, ValueError) as error:
            message = f"signature: {type(error).__name__}: {error}"
            raise self.invalid_token_error(message) from error
        return decoded.claims

    def verify_logout_token(self, logout_token: str) -> LogoutClaims:
        """Return the claims of a logout token the provider sent this client.

        Raises LogoutTokenInvalid for a token to refuse, KeysUnavailable when the provider's
        keys cannot be fetched (the provider then retries). A `kid` the cached keys do not know
        refetches them once, as for ID tokens.
        """
        try:
            issuer = self.metadata().issuer
            keys = self.jwks()
            kid = _unverified_kid(logout_token)
            if kid and not any(key.kid == kid for key in keys):
                keys = self.jwks(refresh=True)
        except ApiCallError as error:
            raise KeysUnavailable(str(error)) from error
        return verify_logout_token(
            logout_token, key_set=keys, issuer=issuer, audience=self.client_id
        )

    def _request(self, method: str, url: str, name: str, **kwargs: Any) -> Json:
        return self._call_json(method, url, name=name, log=self._log, **kwargs)

    def _log(self, call: Call) -> None:
        logger.info(
            "%s %s %s -> %s (%s), %d ms",
            self.log_label,
            call.method,
            call.name,
            call.status,
            call.outcome,
            call.elapsed_ms,
        )


def _unverified_kid(token: str) -> str:
    """Return the `kid` of a JWS header before checking anything, or "" when unreadable."""
    try:
        kid = jws.extract_compact(token.encode("ascii")).headers().get("kid")
    except (JoseError, ValueError, UnicodeError):
        return ""
    return kid if isinstance(kid, str) else ""
