"""The OpenID Connect provider to portals, on Authlib's Django authorization server.

Like VNeID's (vneid/server.py), tightened where Authlib is lenient: PKCE is optional, as for the
real service's portals, but `plain` is refused when a challenge is sent; ID tokens are signed by
exactly the one active key and carry the login session's `sid`; a code presented twice revokes
the tokens issued from it.
"""

from datetime import timedelta
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Request
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oidc.core import UserInfo
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from api_kit.keys import hash_secret
from oidc_kit.code_flow import (
    OpenIDCodeGrant,
    OpenIDServer,
    S256CodeChallenge,
    SignedOpenIDCode,
    issuer_at,
)

from . import hops, keys
from .claims import act_claim
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
SCOPES_SUPPORTED = ("openid",)
MAX_NONCE_LENGTH = 255


def issuer_path() -> str:
    """Return the path of the issuer: the discovery URL without its well-known suffix."""
    return reverse("national_login:discovery").removesuffix("/.well-known/openid-configuration")


def issuer_from_uri(absolute_uri: str) -> str:
    """Return the issuer for a request to absolute_uri; NATIONAL_LOGIN's ISSUER wins."""
    return issuer_at(absolute_uri, configured=login_settings.ISSUER, path=issuer_path())


def issuer_for(request: HttpRequest) -> str:
    """Return the issuer URL as seen by a Django request."""
    return issuer_from_uri(request.build_absolute_uri("/"))


def absolute(request: HttpRequest, path: str) -> str:
    """Return the absolute URL of one of the service's paths, under its issuer."""
    return issuer_for(request) + path.removeprefix(issuer_path())


class NationalOpenIDCode(SignedOpenIDCode):
    """ID tokens for the code flow: signed with the active key, with `acr`, `amr` and `sid`."""

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        if len(nonce) > MAX_NONCE_LENGTH or "\x00" in nonce:
            raise InvalidRequestError("Invalid 'nonce': at most 255 characters, no NUL.")
        return AuthorizationCode.objects.filter(client=request.client, nonce=nonce).exists()

    def generate_user_info(self, user: Subject, scope: str) -> UserInfo:
        return UserInfo({"sub": user.sub})

    def sid_of(self, code: AuthorizationCode) -> str:
        return code.sid

    def get_authorization_code_claims(
        self, authorization_code: AuthorizationCode
    ) -> dict[str, Any]:
        claims: dict[str, Any] = super().get_authorization_code_claims(authorization_code)
        if authorization_code.act_number:
            # An organisation login: the ID token names the person acting (RFC 8693 `act`), so
            # a portal knows who it is without userinfo; the rest of the attributes are there.
            claims["act"] = act_claim(authorization_code.act_number)
        return claims


class NationalCodeGrant(OpenIDCodeGrant):
    """The authorization code grant over the service's models; the view sets `session` first."""

    session: LoginSession | None = None

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
            act_number=session.act_number,
            act_name=session.act_name,
            organisation_role=session.organisation_role,
            authorisation_scope=session.authorisation_scope,
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )

    def find_code(self, code: str, client: NationalClient) -> AuthorizationCode | None:
        # Bound to its client: another client's code is as unknown as a made-up one.
        codes = AuthorizationCode.objects.select_related("subject").filter(
            code_hash=hash_secret(code), client=client
        )
        return codes.select_for_update(of=("self",)).first() if _locks() else codes.first()

    def revoke_reused(self, code: AuthorizationCode) -> None:
        revoke_tokens_of_reused_code(code)

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


class NationalAuthorizationServer(OpenIDServer):
    """Authlib's Django server bound to the service's clients and tokens."""

    def __init__(self) -> None:
        super().__init__(
            NationalClient,
            AccessToken,
            issuer_from_uri=issuer_from_uri,
            scopes_supported=list(SCOPES_SUPPORTED),
            access_token_seconds=ACCESS_TOKEN_SECONDS,
            grant=NationalCodeGrant,
            extensions=[
                # PKCE is optional, as for the real service's portals.
                S256CodeChallenge(required=False),
                NationalOpenIDCode(
                    keys.SIGNING_KEYS, issuer_from_uri, id_token_seconds=ID_TOKEN_SECONDS
                ),
            ],
        )

    def find_client(self, client_id: str) -> NationalClient | None:
        return NationalClient.objects.filter(client_id=client_id, is_active=True).first()

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


server = NationalAuthorizationServer()
