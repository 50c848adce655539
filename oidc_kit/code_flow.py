"""The authorization code flow of every OpenID provider, on Authlib's Django server.

Authlib's stock pieces are tightened where they are too lenient: `plain` PKCE is refused, ID
tokens are signed by exactly the one active key and carry the login's `sid`, only OpenID
requests are served and what is not supported is said so. Each provider subclasses these with
its own models, keys and issuer.
"""

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from authlib.oauth2.rfc6749 import OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7636.challenge import compare_s256_code_challenge
from authlib.oidc.core import OpenIDCode
from authlib.oidc.core.errors import RequestNotSupportedError, RequestURINotSupportedError
from authlib.oidc.core.grants.util import is_openid_scope
from authlib.oidc.core.util import create_half_hash
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from joserfc import jwt

from .keys import ALGORITHM, SigningKeys, as_private_key
from .provider import TokenEndpointServer, add_issuer_parameter
from .provider_models import ProviderAuthorizationCode, ProviderClient

PKCE_METHOD = "S256"
RESPONSE_MODE = "query"


def issuer_at(absolute_uri: str, *, configured: str, path: str) -> str:
    """Return the issuer for a request to absolute_uri: the configured one, or its host + path."""
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(absolute_uri)
    return f"{parts.scheme}://{parts.netloc}{path}"


class S256CodeChallenge(CodeChallenge):
    """PKCE with S256 only when a challenge is sent (`plain` is no protection)."""

    DEFAULT_CODE_CHALLENGE_METHOD = PKCE_METHOD
    SUPPORTED_CODE_CHALLENGE_METHOD = [PKCE_METHOD]
    CODE_CHALLENGE_METHODS = {PKCE_METHOD: compare_s256_code_challenge}

    def validate_code_challenge(
        self, grant: grants.AuthorizationCodeGrant, redirect_uri: str
    ) -> None:
        data = grant.request.payload.data
        # Absent means `plain` under RFC 7636, so the method must be stated explicitly.
        if data.get("code_challenge") and data.get("code_challenge_method") != PKCE_METHOD:
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class SignedOpenIDCode(OpenIDCode):
    """ID tokens for the code flow, signed with the one active key of `signing_keys`."""

    def __init__(
        self,
        signing_keys: SigningKeys[Any],
        issuer_from_uri: Callable[[str], str],
        *,
        id_token_seconds: int,
    ) -> None:
        super().__init__()
        self.signing_keys = signing_keys
        self.issuer_from_uri = issuer_from_uri
        self.id_token_seconds = id_token_seconds

    def sid_of(self, code: Any) -> str | None:
        """Return the `sid` of the login the code was issued in, if it names one."""
        raise NotImplementedError

    def user_info_for(self, request: OAuth2Request, scope: str) -> Any:
        """Return the ID token's claims about its subject; a provider may read the code too."""
        # The code says more than the user: the organisation a login acts for, for instance.
        return self.generate_user_info(request.user, scope)

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        # The key is resolved once and alone: its kid goes in the header, and joserfc, given
        # several keys, would pick one at random.
        signing_key = self.signing_keys.active()
        private_key = as_private_key(signing_key)
        now = int(time.time())
        code: ProviderAuthorizationCode = request.authorization_code
        claims: dict[str, Any] = {
            "iss": self.issuer_from_uri(request.uri),
            "aud": request.client.get_client_id(),
            "iat": now,
            "exp": now + self.id_token_seconds,
        }
        claims.update(self.get_authorization_code_claims(code))
        sid = self.sid_of(code)
        if sid is not None:
            # Back-Channel Logout 1.0 §2.1: the logout token names this login by the same sid.
            claims["sid"] = sid
        at_hash = create_half_hash(token["access_token"], ALGORITHM)
        claims["at_hash"] = at_hash.decode("ascii")
        claims.update(self.user_info_for(request, token["scope"]))
        header = {"alg": ALGORITHM, "kid": signing_key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, private_key, [ALGORITHM])


class OpenIDCodeGrant(grants.AuthorizationCodeGrant):
    """The authorization code grant of an OpenID provider only; codes are kept marked used."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    validated_redirect_uri: str | None = None

    def validate_authorization_request(self) -> str:
        # Authlib validates the same request again when it creates the response; the first
        # validation (client, redirect URI, PKCE, nonce) still holds, so skip its queries.
        if self.validated_redirect_uri is not None:
            return self.validated_redirect_uri
        redirect_uri: str = super().validate_authorization_request()
        where = {"redirect_uri": redirect_uri, "state": self.request.payload.state}
        # An OpenID provider only: a plain OAuth request would get no ID token and no claims.
        if not is_openid_scope(self.request.scope):
            raise InvalidScopeError("The 'openid' scope is required.", **where)
        self.refuse_unsupported_parameters(self.request.payload.data, where)
        self.validated_redirect_uri = redirect_uri
        return redirect_uri

    def refuse_unsupported_parameters(self, data: dict[str, Any], where: dict[str, Any]) -> None:
        """Raise for a parameter the provider does not support (where: the error's redirect)."""
        # OpenID Connect Core 3.1.2.6: say so rather than ignore what the client relies on.
        if "request" in data:
            raise RequestNotSupportedError(**where)
        if "request_uri" in data:
            raise RequestURINotSupportedError(**where)
        if data.get("response_mode", RESPONSE_MODE) != RESPONSE_MODE:
            raise InvalidRequestError("Only response_mode=query is supported.", **where)

    def find_code(self, code: str, client: Any) -> Any:
        """Return the client's code row for code, locked for the exchange, or None."""
        raise NotImplementedError

    def revoke_reused(self, code: Any) -> None:
        """Revoke the tokens issued from a code presented a second time."""
        raise NotImplementedError

    def query_authorization_code(self, code: str, client: Any) -> Any:
        item = self.find_code(code, client)
        if item is None:
            return None
        if item.used_at is not None:
            self.revoke_reused(item)
            return None
        if item.is_expired():
            return None
        return item


class OpenIDServer(TokenEndpointServer):
    """Authlib's Django server bound to a provider's clients and tokens, naming its issuer."""

    def __init__(
        self,
        client_model: type[ProviderClient],
        token_model: type[Model],
        *,
        issuer_from_uri: Callable[[str], str],
        scopes_supported: list[str],
        access_token_seconds: int,
        grant: type[OpenIDCodeGrant],
        extensions: list[Any],
    ) -> None:
        super().__init__(client_model, token_model)
        self.issuer_from_uri = issuer_from_uri
        self.load_config(
            {
                "scopes_supported": scopes_supported,
                "token_expires_in": {"authorization_code": access_token_seconds},
            }
        )
        self.register_grant(grant, extensions)

    def find_client(self, client_id: str) -> Any:
        """Return the active client of client_id, or None."""
        raise NotImplementedError

    def query_client(self, client_id: str) -> Any:
        if "\x00" in client_id:
            # No client has one, and PostgreSQL would refuse to compare it.
            return None
        return self.find_client(client_id)

    def create_authorization_response(
        self,
        request: HttpRequest,
        grant_user: Any = None,
        grant: OpenIDCodeGrant | None = None,
    ) -> HttpResponse:
        response = super().create_authorization_response(request, grant_user, grant)
        return self.with_issuer(request, response)

    def handle_error_response(
        self, request: OAuth2Request | HttpRequest, error: Any
    ) -> HttpResponse:
        return self.with_issuer(request, super().handle_error_response(request, error))

    def with_issuer(
        self, request: OAuth2Request | HttpRequest, response: HttpResponse
    ) -> HttpResponse:
        """Add `iss` to an authorization response redirect (RFC 9207), errors included."""
        uri = request.uri if isinstance(request, OAuth2Request) else request.build_absolute_uri()
        return add_issuer_parameter(response, self.issuer_from_uri(uri))
