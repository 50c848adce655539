"""The OpenID Connect protocol, on Authlib's Django authorization server.

Authlib's stock pieces are tightened where they are too lenient for VNeID: PKCE with S256 is
required of every client (`plain` refused), ID tokens are signed by exactly the one active key,
and a code presented twice revokes the tokens issued from it.
"""

import re
import time
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError, InvalidScopeError
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7636.challenge import compare_s256_code_challenge
from authlib.oidc.core import OpenIDCode, UserInfo
from authlib.oidc.core.errors import RequestNotSupportedError, RequestURINotSupportedError
from authlib.oidc.core.grants.util import is_openid_scope
from authlib.oidc.core.util import create_half_hash
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt

from api_kit.keys import hash_secret
from oidc_kit.provider import add_issuer_parameter

from . import hops, hot_path, keys
from .claims import SCOPES_SUPPORTED, claims_for
from .conf import provider_settings
from .models import AccessToken, AuthorizationCode, LoginSession, OidcClient, VneidAccount
from .parameters import is_storable
from .services import revoke_tokens_of_reused_code

CODE_LIFETIME = timedelta(seconds=60)
ACCESS_TOKEN_SECONDS = 3600
ID_TOKEN_SECONDS = 3600
PKCE_METHOD = "S256"
RESPONSE_MODE = "query"
MAX_AGE = re.compile(r"[0-9]{1,10}")


def issuer_path() -> str:
    """Return the path of the issuer: the discovery URL without its well-known suffix."""
    return reverse("vneid:discovery").removesuffix("/.well-known/openid-configuration")


def issuer_from_uri(absolute_uri: str) -> str:
    """Return the issuer for a request to absolute_uri; setting VNEID_PROVIDER_ISSUER wins."""
    configured: str = provider_settings.ISSUER
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(absolute_uri)
    return f"{parts.scheme}://{parts.netloc}{issuer_path()}"


def issuer_for(request: HttpRequest) -> str:
    """Return the issuer URL as seen by a Django request."""
    return issuer_from_uri(request.build_absolute_uri("/"))


class S256CodeChallenge(CodeChallenge):
    """PKCE for every client, S256 only: Authlib's default lets confidential clients skip it."""

    DEFAULT_CODE_CHALLENGE_METHOD = PKCE_METHOD
    SUPPORTED_CODE_CHALLENGE_METHOD = [PKCE_METHOD]
    CODE_CHALLENGE_METHODS = {PKCE_METHOD: compare_s256_code_challenge}

    def validate_code_challenge(
        self, grant: grants.AuthorizationCodeGrant, redirect_uri: str
    ) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'.")
        # Absent means `plain` under RFC 7636, so the method must be stated explicitly.
        if data.get("code_challenge_method") != PKCE_METHOD:
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: grants.AuthorizationCodeGrant, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("PKCE is required: missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)


class VneidOpenIDCode(OpenIDCode):
    """ID tokens for the code flow, signed with the one active key and carrying acr."""

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        if not is_storable(nonce):
            raise InvalidRequestError("Invalid 'nonce': at most 255 characters, no NUL.")
        used: bool = hot_path.nonce_used(request.client.pk, nonce)
        return used

    def generate_user_info(self, user: VneidAccount, scope: str) -> UserInfo:
        return UserInfo(claims_for(user, scope))

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        # The key is resolved once and alone: its kid goes in the header, and joserfc, given
        # several keys, would pick one at random.
        signing_key = keys.active_signing_key()
        private_key = keys.as_private_key(signing_key)
        now = int(time.time())
        code: AuthorizationCode = request.authorization_code
        claims: dict[str, Any] = {
            "iss": issuer_from_uri(request.uri),
            "aud": request.client.get_client_id(),
            "iat": now,
            "exp": now + ID_TOKEN_SECONDS,
        }
        claims.update(self.get_authorization_code_claims(code))
        if code.login is not None:
            # Back-Channel Logout 1.0 §2.1: the logout token names this login by the same sid.
            claims["sid"] = code.login.sid
        at_hash = create_half_hash(token["access_token"], keys.ALGORITHM)
        claims["at_hash"] = at_hash.decode("ascii")
        claims.update(self.generate_user_info(request.user, token["scope"]))
        header = {"alg": keys.ALGORITHM, "kid": signing_key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, private_key, [keys.ALGORITHM])


class VneidCodeGrant(grants.AuthorizationCodeGrant):
    """The authorization code grant over this app's models; the view sets `login` first."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    login: LoginSession | None = None
    validated_redirect_uri: str | None = None

    def validate_authorization_request(self) -> str:
        # Authlib validates the same request again when it creates the response; the first
        # validation (client, redirect URI, PKCE, nonce) still holds, so skip its queries.
        if self.validated_redirect_uri is not None:
            return self.validated_redirect_uri
        redirect_uri: str = super().validate_authorization_request()
        # An OpenID provider only: a plain OAuth request would get no ID token and no claims.
        if not is_openid_scope(self.request.scope):
            raise InvalidScopeError(
                "The 'openid' scope is required.",
                redirect_uri=redirect_uri,
                state=self.request.payload.state,
            )
        self._refuse_unsupported_parameters(redirect_uri)
        self.validated_redirect_uri = redirect_uri
        return redirect_uri

    def _refuse_unsupported_parameters(self, redirect_uri: str) -> None:
        # OpenID Connect Core 3.1.2.6: say so rather than ignore what the client relies on.
        data = self.request.payload.data
        where = {"redirect_uri": redirect_uri, "state": self.request.payload.state}
        if "request" in data:
            raise RequestNotSupportedError(**where)
        if "request_uri" in data:
            raise RequestURINotSupportedError(**where)
        if data.get("response_mode", RESPONSE_MODE) != RESPONSE_MODE:
            raise InvalidRequestError("Only response_mode=query is supported.", **where)
        max_age = data.get("max_age")
        if max_age is not None and not MAX_AGE.fullmatch(max_age):
            raise InvalidRequestError("'max_age' must be a number of seconds.", **where)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        login = self.login
        if login is None:
            raise RuntimeError("The authorize view sets the grant's login before the code.")
        data = request.payload.data
        now = timezone.now()
        hot_path.insert(
            AuthorizationCode(
                code_hash=hash_secret(code),
                client=request.client,
                account=request.user,
                redirect_uri=request.payload.redirect_uri,
                scope=request.scope,
                nonce=data.get("nonce", ""),
                code_challenge=data["code_challenge"],
                code_challenge_method=data["code_challenge_method"],
                login=login,
                auth_time=login.auth_time,
                acr=request.user.acr,
                amr=login.amr,
                created_at=now,
                expires_at=now + CODE_LIFETIME,
            )
        )

    def query_authorization_code(self, code: str, client: OidcClient) -> AuthorizationCode | None:
        # The token view runs in a transaction: the row lock makes a concurrent second use wait
        # until the first has saved its token, so the revocation below finds it.
        item: AuthorizationCode | None = hot_path.code_for_exchange(hash_secret(code), client)
        if item is None:
            return None
        if item.used_at is not None:
            revoke_tokens_of_reused_code(code=item)
            return None
        if item.is_expired():
            return None
        return item

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        # Kept, marked used: a second presentation must be recognised to revoke its tokens.
        # With the issuer its ID token names (encode_id_token's): a logout token for this client
        # must name the same one, whatever host the citizen's browser used.
        authorization_code.issuer = issuer_from_uri(self.request.uri)
        hot_path.mark_code_used(authorization_code)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> VneidAccount | None:
        account = authorization_code.account
        return account if account.is_active else None


class VneidAuthorizationServer(AuthorizationServer):
    """Authlib's Django server bound to VNeID's clients and tokens."""

    def __init__(self) -> None:
        super().__init__(OidcClient, AccessToken)
        self.load_config(
            {
                "scopes_supported": list(SCOPES_SUPPORTED),
                "token_expires_in": {"authorization_code": ACCESS_TOKEN_SECONDS},
            }
        )
        self.register_grant(VneidCodeGrant, [S256CodeChallenge(), VneidOpenIDCode()])

    def query_client(self, client_id: str) -> OidcClient | None:
        if "\x00" in client_id:
            # No client has one, and PostgreSQL would refuse to compare it.
            return None
        client: OidcClient | None = hot_path.active_client(client_id)
        return client

    def create_authorization_response(
        self,
        request: HttpRequest,
        grant_user: VneidAccount | None = None,
        grant: VneidCodeGrant | None = None,
    ) -> HttpResponse:
        response = super().create_authorization_response(request, grant_user, grant)
        return _with_issuer(request, response)

    def handle_error_response(
        self, request: OAuth2Request | HttpRequest, error: Any
    ) -> HttpResponse:
        return _with_issuer(request, super().handle_error_response(request, error))

    def create_token_response(self, request: HttpRequest) -> HttpResponse:
        if not request.POST.get("grant_type"):
            error = InvalidRequestError("Missing 'grant_type'.")
            return self.handle_error_response(request, error)
        response: HttpResponse = super().create_token_response(request)
        return response

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        hops.note_account(request.user)
        hops.note_client(request.client)
        now = timezone.now()
        hot_path.insert(
            AccessToken(
                token_hash=hash_secret(token["access_token"]),
                client=request.client,
                account=request.user,
                authorization_code=request.authorization_code,
                scope=token["scope"],
                issued_at=now,
                expires_at=now + timedelta(seconds=token["expires_in"]),
            )
        )


def _with_issuer(request: OAuth2Request | HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add `iss` to an authorization response redirect (RFC 9207), errors included."""
    uri = request.uri if isinstance(request, OAuth2Request) else request.build_absolute_uri()
    return add_issuer_parameter(response, issuer_from_uri(uri))


server = VneidAuthorizationServer()
