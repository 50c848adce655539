"""The portal's one way to reach VNeID: OpenID Connect over HTTP, from the discovery document."""

import logging
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import quote

import requests
from django.core.cache import cache
from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import GuestProtocol, KeySet, KeySetSerialization
from joserfc.jwt import JWTClaimsRegistry

from api_kit.client import ApiCallError, Call, PooledSession
from oidc_kit.logout_token import KeysUnavailable, LogoutClaims, verify_logout_token

from .conf import vneid_settings

logger = logging.getLogger(__name__)

DISCOVERY_PATH = "/.well-known/openid-configuration"
# Short enough that a provider's new endpoints are seen soon, long enough to skip a round trip
# per login.
DISCOVERY_CACHE_SECONDS = 300
JWKS_CACHE_SECONDS = 3600
# The only signing algorithm accepted: "none" and HMAC (key confusion) are refused by name.
ID_TOKEN_ALGORITHMS = ("RS256",)
CLOCK_LEEWAY_SECONDS = 60
# A JSON object as a provider answers it (token, userinfo, discovery) or an ID token's claims.
Json = dict[str, Any]


class VneidError(ApiCallError):
    """VNeID did not give a usable answer."""


class VneidUnavailable(VneidError):
    """VNeID could not be reached or answered with a server error."""


class VneidTimeout(VneidUnavailable):
    """VNeID did not answer within the timeout."""


class VneidProtocolError(VneidError):
    """VNeID answered something off the OpenID Connect contract, or refused the request."""


class InvalidIdToken(VneidError):
    """The ID token failed validation: signature, issuer, audience, times or nonce."""


@dataclass(frozen=True)
class ProviderMetadata:
    """The parts of the discovery document the portal uses."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""
    authorization_response_iss_parameter_supported: bool = False


class VneidClient(PooledSession):
    """Talk to the VNeID provider configured in settings, with timeouts and typed errors.

    Everything but the issuer URL is discovered. The discovery document and the JWKS are cached
    in Django's cache; an ID token signed with a key the cached JWKS does not know triggers one
    refetch, so a key rotation at the provider does not break logins.
    """

    timeout_error = VneidTimeout
    unavailable_error = VneidUnavailable
    bad_response_error = VneidProtocolError

    def __init__(
        self,
        *,
        issuer: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.issuer: str = (issuer or vneid_settings.ISSUER).rstrip("/")
        self.client_id: str = client_id or vneid_settings.CLIENT_ID
        self.client_secret: str = client_secret or vneid_settings.CLIENT_SECRET
        self.timeout: float = timeout if timeout is not None else vneid_settings.TIMEOUT_SECONDS
        self.session = session or requests.Session()
        self.session.headers.update({"Accept": "application/json"})

    def metadata(self) -> ProviderMetadata:
        """Return the provider's discovery document, cached briefly."""
        key = f"vneid_login:discovery:{self.issuer}"
        document = cache.get(key)
        if document is None:
            document = self._get_json(self.issuer + DISCOVERY_PATH, "discovery")
            cache.set(key, document, DISCOVERY_CACHE_SECONDS)
        try:
            metadata = ProviderMetadata(
                issuer=document["issuer"],
                authorization_endpoint=document["authorization_endpoint"],
                token_endpoint=document["token_endpoint"],
                jwks_uri=document["jwks_uri"],
                userinfo_endpoint=document.get("userinfo_endpoint") or "",
                end_session_endpoint=document.get("end_session_endpoint") or "",
                authorization_response_iss_parameter_supported=(
                    document.get("authorization_response_iss_parameter_supported") is True
                ),
            )
        except (KeyError, TypeError) as error:
            cache.delete(key)
            raise VneidProtocolError("discovery document lacks a required field") from error
        # OpenID Connect Discovery §4.3: the document must name the issuer it was fetched from.
        if metadata.issuer.rstrip("/") != self.issuer:
            cache.delete(key)
            raise VneidProtocolError(f"discovery names issuer {metadata.issuer!r}")
        return metadata

    def jwks(self, *, refresh: bool = False) -> KeySet:
        """Return the provider's public signing keys; refresh skips the cache."""
        key = f"vneid_login:jwks:{self.issuer}"
        document = None if refresh else cache.get(key)
        if document is None:
            document = self._get_json(self.metadata().jwks_uri, "jwks")
            cache.set(key, document, JWKS_CACHE_SECONDS)
        try:
            return KeySet.import_key_set(cast(KeySetSerialization, document))
        except (JoseError, KeyError, TypeError, ValueError) as error:
            cache.delete(key)
            raise VneidProtocolError("the JWKS is not a usable key set") from error

    def exchange_code(self, *, code: str, redirect_uri: str, code_verifier: str) -> Json:
        """Trade an authorization code for tokens at the token endpoint (client_secret_basic)."""
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": code_verifier,
        }
        # RFC 6749 §2.3.1: the client id and secret are form-encoded before Basic encoding.
        auth = requests.auth.HTTPBasicAuth(
            quote(self.client_id, safe=""), quote(self.client_secret, safe="")
        )
        body = self._request("POST", self.metadata().token_endpoint, "token", data=data, auth=auth)
        if not isinstance(body.get("id_token"), str) or not isinstance(
            body.get("access_token"), str
        ):
            raise VneidProtocolError("token answer without id_token or access_token")
        if str(body.get("token_type", "")).lower() != "bearer":
            raise VneidProtocolError(f"token_type {body.get('token_type')!r} is not Bearer")
        return body

    def userinfo(self, access_token: str) -> Json:
        """Return the claims of the userinfo endpoint for an access token."""
        endpoint = self.metadata().userinfo_endpoint
        if not endpoint:
            raise VneidProtocolError("the provider publishes no userinfo endpoint")
        headers = {"Authorization": f"Bearer {access_token}"}
        return self._request("GET", endpoint, "userinfo", headers=headers)

    def validate_id_token(self, id_token: str, *, nonce: str) -> Json:
        """Return the claims of an ID token after checking signature, iss, aud, times and nonce."""
        issuer = self.metadata().issuer
        claims = self._verified_claims(id_token)
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
            raise InvalidIdToken(f"claims: {type(error).__name__}: {error}") from error
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        # OpenID Connect Core §3.1.3.7: with several audiences, azp must name this client.
        if (len(audiences) > 1 or "azp" in claims) and claims.get("azp") != self.client_id:
            raise InvalidIdToken("claims: azp is not this client")
        return claims

    def check_logout_hint(self, id_token: str) -> None:
        """Raise InvalidIdToken unless VNeID can still verify id_token as a logout hint.

        Expiry does not matter (RP-Initiated Logout 1.0 §2); a signature by a key VNeID no
        longer publishes, another issuer or another audience would make VNeID refuse it.
        """
        # The keys as VNeID publishes them now: the cached set may still hold a withdrawn key.
        claims = self._verified_claims(id_token, fresh_keys=True)
        audiences = claims.get("aud")
        audiences = audiences if isinstance(audiences, list) else [audiences]
        if claims.get("iss") != self.metadata().issuer or self.client_id not in audiences:
            raise InvalidIdToken("claims: not an ID token VNeID issued to this portal")

    def verify_logout_token(self, logout_token: str) -> LogoutClaims:
        """Return the claims of a logout token VNeID sent this portal (Back-Channel Logout 1.0).

        Raises LogoutTokenInvalid for a token to refuse, KeysUnavailable when VNeID's keys
        cannot be fetched. A `kid` the cached keys do not know refetches them once, as for
        ID tokens: VNeID may have rotated its keys since.
        """
        try:
            issuer = self.metadata().issuer
            keys = self.jwks()
            kid = _unverified_kid(logout_token)
            if kid and not any(key.kid == kid for key in keys):
                keys = self.jwks(refresh=True)
        except VneidError as error:
            raise KeysUnavailable(str(error)) from error
        return verify_logout_token(
            logout_token, key_set=keys, issuer=issuer, audience=self.client_id
        )

    def _verified_claims(self, id_token: str, *, fresh_keys: bool = False) -> Json:
        refreshed: list[object] = [True] if fresh_keys else []

        def signing_key(token: GuestProtocol) -> KeySet:
            keys = self.jwks(refresh=fresh_keys)
            kid = token.headers().get("kid")
            if kid and not any(key.kid == kid for key in keys) and not refreshed:
                # An unknown kid usually means the provider rotated its keys: refetch once.
                refreshed.append(kid)
                keys = self.jwks(refresh=True)
            return keys

        try:
            token = jwt.decode(id_token, signing_key, algorithms=list(ID_TOKEN_ALGORITHMS))
        except (JoseError, ValueError) as error:
            raise InvalidIdToken(f"signature: {type(error).__name__}: {error}") from error
        return token.claims

    def _get_json(self, url: str, name: str) -> Json:
        return self._request("GET", url, name)

    def _request(self, method: str, url: str, name: str, **kwargs: Any) -> Json:
        def log(call: Call) -> None:
            logger.info("vneid %s %s -> %s, %d ms", method, name, call.status, call.elapsed_ms)

        return self._call_json(method, url, name=name, log=log, **kwargs)


def _unverified_kid(token: str) -> str:
    """Return the `kid` of a JWS header before checking anything, or "" when unreadable."""
    try:
        kid = jws.extract_compact(token.encode("ascii")).headers().get("kid")
    except (JoseError, ValueError, UnicodeError):
        return ""
    return kid if isinstance(kid, str) else ""
