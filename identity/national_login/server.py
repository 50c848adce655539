"""The OpenID Connect provider to portals, on Authlib's Django authorization server.

Like VNeID's (vneid/server.py), tightened where Authlib is lenient: PKCE is optional, as for the
real service's portals, but `plain` is refused when a challenge is sent; ID tokens are signed by
exactly the one active key and carry the login session's `sid`; a code presented twice revokes
the tokens issued from it.
"""

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

from . import hops, keys
from .conf import login_settings
from .models import (
    AccessToken,
    AuditEvent,
    AuthorizationCode,
    LoginSession,
    NationalClient,
    Subject,
)

CODE_LIFETIME = timedelta(seconds=60)
ACCESS_TOKEN_SECONDS = 3600
ID_TOKEN_SECONDS = 3600
PKCE_METHOD = "S256"
RESPONSE_MODE = "query"
SCOPES_SUPPORTED = ("openid",)
MAX_NONCE_LENGTH = 255


def issuer_path() -> str:
    """Return the path of the issuer: the discovery URL without its well-known suffix."""
    return reverse("national_login:discovery").removesuffix("/.well-known/openid-configuration")


def issuer_from_uri(absolute_uri: str) -> str:
    """Return the issuer for a request to absolute_uri; NATIONAL_LOGIN's ISSUER wins."""
    configured: str = login_settings.ISSUER
    if configured:
        return configured.rstrip("/")
    parts = urlsplit(absolute_uri)
    return f"{parts.scheme}://{parts.netloc}{issuer_path()}"


def issuer_for(request: HttpRequest) -> str:
    """Return the issuer URL as seen by a Django request."""
    return issuer_from_uri(request.build_absolute_uri("/"))


def absolute(request: HttpRequest, path: str) -> str:
    """Return the absolute URL of one of the service's paths, under its issuer."""
    return issuer_for(request) + path.removeprefix(issuer_path())


class S256WhenSent(CodeChallenge):
    """PKCE when the portal sends a challenge, and then S256 only (`plain` is no protection)."""

    DEFAULT_CODE_CHALLENGE_METHOD = PKCE_METHOD
    SUPPORTED_CODE_CHALLENGE_METHOD = [PKCE_METHOD]
    CODE_CHALLENGE_METHODS = {PKCE_METHOD: compare_s256_code_challenge}

    def __init__(self) -> None:
        super().__init__(required=False)

    def validate_code_challenge(
        self, grant: grants.AuthorizationCodeGrant, redirect_uri: str
    ) -> None:
        data = grant.request.payload.data
        # Absent means `plain` under RFC 7636, so the method must be stated explicitly.
        if data.get("code_challenge") and data.get("code_challenge_method") != PKCE_METHOD:
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)


class NationalOpenIDCode(OpenIDCode):
    """ID tokens for the code flow: signed with the active key, with `acr`, `amr` and `sid`."""

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        if len(nonce) > MAX_NONCE_LENGTH or "\x00" in nonce:
            raise InvalidRequestError("Invalid 'nonce': at most 255 characters, no NUL.")
        return AuthorizationCode.objects.filter(client=request.client, nonce=nonce).exists()

    def generate_user_info(self, user: Subject, scope: str) -> UserInfo:
        return UserInfo({"sub": user.sub})

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        # One key, resolved once: its kid goes in the header.
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
        claims["sid"] = code.sid
        at_hash = create_half_hash(token["access_token"], keys.ALGORITHM)
        claims["at_hash"] = at_hash.decode("ascii")
        claims.update(self.generate_user_info(request.user, token["scope"]))
        header = {"alg": keys.ALGORITHM, "kid": signing_key.kid, "typ": "JWT"}
        return jwt.encode(header, claims, private_key, [keys.ALGORITHM])


class NationalCodeGrant(grants.AuthorizationCodeGrant):
    """The authorization code grant over the service's models; the view sets `session` first."""

    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    session: LoginSession | None = None
    validated_redirect_uri: str | None = None

    def validate_authorization_request(self) -> str:
        # Authlib validates again when it creates the response; the first validation holds.
        if self.validated_redirect_uri is not None:
            return self.validated_redirect_uri
        redirect_uri: str = super().validate_authorization_request()
        where = {"redirect_uri": redirect_uri, "state": self.request.payload.state}
        if not is_openid_scope(self.request.scope):
            raise InvalidScopeError("The 'openid' scope is required.", **where)
        data = self.request.payload.data
        if "request" in data:
            raise RequestNotSupportedError(**where)
        if "request_uri" in data:
            raise RequestURINotSupportedError(**where)
        if data.get("response_mode", RESPONSE_MODE) != RESPONSE_MODE:
            raise InvalidRequestError("Only response_mode=query is supported.", **where)
        self.validated_redirect_uri = redirect_uri
        return redirect_uri

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        session = self.session
        if session is None:
            raise RuntimeError("The authorize view sets the grant's session before the code.")
        data = request.payload.data
        now = timezone.now()
        AuthorizationCode.objects.create(
            code_hash=hash_secret(code),
            client=request.client,
            subject=request.user,
            session=session,
            sid=session.sid,
            redirect_uri=request.payload.redirect_uri,
            scope=request.scope,
            nonce=data.get("nonce", ""),
            code_challenge=data.get("code_challenge", ""),
            code_challenge_method=data.get("code_challenge_method", "")
            if data.get("code_challenge")
            else "",
            auth_time=session.auth_time,
            acr=session.acr,
            amr=session.amr,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )

    def query_authorization_code(
        self, code: str, client: NationalClient
    ) -> AuthorizationCode | None:
        # Bound to its client: another client's code is as unknown as a made-up one.
        codes = AuthorizationCode.objects.select_related("subject").filter(
            code_hash=hash_secret(code), client=client
        )
        item = codes.select_for_update(of=("self",)).first() if _locks() else codes.first()
        if item is None:
            return None
        if item.used_at is not None:
            revoke_tokens_of_reused_code(item)
            return None
        if item.is_expired():
            return None
        return item

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        # Kept, marked used: a second presentation must be recognised to revoke its tokens.
        authorization_code.used_at = timezone.now()
        AuthorizationCode.objects.filter(pk=authorization_code.pk).update(
            used_at=authorization_code.used_at
        )

    def authenticate_user(self, authorization_code: AuthorizationCode) -> Subject | None:
        return authorization_code.subject


def _locks() -> bool:
    from django.db import connection

    return bool(connection.features.has_select_for_update_of)


def revoke_tokens_of_reused_code(code: AuthorizationCode) -> int:
    """Revoke every token issued from a code presented a second time, and record it."""
    revoked = AccessToken.objects.filter(authorization_code=code, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    AuditEvent.record(
        kind=AuditEvent.Kind.CODE_REUSED,
        subject=code.subject,
        client=code.client,
        detail=f"{revoked} token(s) revoked",
    )
    return revoked


class NationalAuthorizationServer(AuthorizationServer):
    """Authlib's Django server bound to the service's clients and tokens."""

    def __init__(self) -> None:
        super().__init__(NationalClient, AccessToken)
        self.load_config(
            {
                "scopes_supported": list(SCOPES_SUPPORTED),
                "token_expires_in": {"authorization_code": ACCESS_TOKEN_SECONDS},
            }
        )
        self.register_grant(NationalCodeGrant, [S256WhenSent(), NationalOpenIDCode()])

    def query_client(self, client_id: str) -> NationalClient | None:
        if "\x00" in client_id:
            return None
        return NationalClient.objects.filter(client_id=client_id, is_active=True).first()

    def create_authorization_response(
        self,
        request: HttpRequest,
        grant_user: Subject | None = None,
        grant: NationalCodeGrant | None = None,
    ) -> HttpResponse:
        response = super().create_authorization_response(request, grant_user, grant)
        return _with_issuer(request, response)

    def handle_error_response(
        self, request: OAuth2Request | HttpRequest, error: Any
    ) -> HttpResponse:
        return _with_issuer(request, super().handle_error_response(request, error))

    def create_token_response(self, request: HttpRequest) -> HttpResponse:
        if not request.POST.get("grant_type"):
            return self.handle_error_response(request, InvalidRequestError("Missing 'grant_type'."))
        response: HttpResponse = super().create_token_response(request)
        return response

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        hops.note_subject(request.user)
        now = timezone.now()
        AccessToken.objects.create(
            token_hash=hash_secret(token["access_token"]),
            client=request.client,
            subject=request.user,
            authorization_code=request.authorization_code,
            scope=token["scope"],
            issued_at=now,
            expires_at=now + timedelta(seconds=token["expires_in"]),
        )


def _with_issuer(request: OAuth2Request | HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add `iss` to an authorization response redirect (RFC 9207), errors included."""
    uri = request.uri if isinstance(request, OAuth2Request) else request.build_absolute_uri()
    return add_issuer_parameter(response, issuer_from_uri(uri))


server = NationalAuthorizationServer()
