"""The OpenID Connect protocol, on Authlib's Django authorization server.

Authlib's stock pieces are tightened where they are too lenient for VNeID: PKCE with S256 is
required of every client (`plain` refused), ID tokens are signed by exactly the one active key,
and a code presented twice revokes the tokens issued from it.
"""

import re
from datetime import timedelta
from typing import Any

from authlib.oauth2.rfc6749 import OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidGrantError, InvalidRequestError
from authlib.oidc.core import UserInfo
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from api_kit.keys import hash_secret
from oidc_kit import code_flow
from oidc_kit.code_flow import (
    OpenIDCodeGrant,
    OpenIDServer,
    SignedOpenIDCode,
    issuer_at,
)

from . import hops, hot_path, keys
from .claims import SCOPES_SUPPORTED, asks_for_organisation, claims_for
from .conf import provider_settings
from .models import (
    AccessToken,
    AuthorizationCode,
    LoginSession,
    OidcClient,
    OrganisationEid,
    VneidAccount,
)
from .organisations import Acting, OrganisationRefused, acting_for
from .parameters import is_storable
from .services import revoke_tokens_of_reused_code

CODE_LIFETIME = timedelta(seconds=60)
ACCESS_TOKEN_SECONDS = 3600
ID_TOKEN_SECONDS = 3600
MAX_AGE = re.compile(r"[0-9]{1,10}")
# Not a column: the role of an organisation login, checked at its code's exchange, kept on the
# code's row in memory for the ID token.
ACTING = "acting"


def issuer_path() -> str:
    """Return the path of the issuer: the discovery URL without its well-known suffix."""
    return reverse("vneid:discovery").removesuffix("/.well-known/openid-configuration")


def issuer_from_uri(absolute_uri: str) -> str:
    """Return the issuer for a request to absolute_uri; setting VNEID_PROVIDER_ISSUER wins."""
    return issuer_at(absolute_uri, configured=provider_settings.ISSUER, path=issuer_path())


def issuer_for(request: HttpRequest) -> str:
    """Return the issuer URL as seen by a Django request."""
    return issuer_from_uri(request.build_absolute_uri("/"))


class S256CodeChallenge(code_flow.S256CodeChallenge):
    """PKCE for every client, S256 only: Authlib's default lets confidential clients skip it."""

    def validate_code_challenge(
        self, grant: grants.AuthorizationCodeGrant, redirect_uri: str
    ) -> None:
        if not grant.request.payload.data.get("code_challenge"):
            raise InvalidRequestError("PKCE is required: missing 'code_challenge'.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant: grants.AuthorizationCodeGrant, result: Any) -> None:
        if not grant.request.form.get("code_verifier"):
            raise InvalidRequestError("PKCE is required: missing 'code_verifier'.")
        super().validate_code_verifier(grant, result)


class VneidOpenIDCode(SignedOpenIDCode):
    """ID tokens for the code flow, signed with the one active key and carrying acr."""

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        if not is_storable(nonce):
            raise InvalidRequestError("Invalid 'nonce': at most 255 characters, no NUL.")
        used: bool = hot_path.nonce_used(request.client.pk, nonce)
        return used

    def generate_user_info(self, user: VneidAccount, scope: str) -> UserInfo:
        return UserInfo(claims_for(user, scope))

    def user_info_for(self, request: OAuth2Request, scope: str) -> UserInfo:
        # An organisation login's role, checked again at this exchange (authenticate_user).
        return UserInfo(claims_for(request.user, scope, acting_of(request.authorization_code)))

    def sid_of(self, code: AuthorizationCode) -> str | None:
        return code.login.sid if code.login is not None else None


def acting_of(code: AuthorizationCode | None) -> Acting | None:
    """Return the role checked at the exchange of an organisation login's code, else None."""
    acting: Acting | None = getattr(code, ACTING, None)
    return acting


def role_now(account: VneidAccount, organisation: OrganisationEid) -> Acting:
    """Return how account acts for organisation now, or raise acting_for's OrganisationRefused.

    One query when the role holds (hot_path.acting_role); acting_for says why it does not.
    """
    acting = hot_path.acting_role(account, organisation.pk)
    return acting if acting is not None else acting_for(account, organisation)


def organisation_refused(refusal: OrganisationRefused) -> InvalidGrantError:
    """Return the token endpoint's answer to a role that no longer holds at the exchange."""
    # The role is the person's to fix (ask for a new authorisation), not the client's: say so.
    return InvalidGrantError(
        f"The person no longer acts for the organisation ({refusal.code}): log in again."
    )


class VneidCodeGrant(OpenIDCodeGrant):
    """The authorization code grant over this app's models; the view sets `login` first.

    For an organisation login the view also sets `acting`, the role it checked just before.
    """

    login: LoginSession | None = None
    acting: Acting | None = None

    def refuse_unsupported_parameters(self, data: dict[str, Any], where: dict[str, Any]) -> None:
        super().refuse_unsupported_parameters(data, where)
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
                organisation=self.acting.organisation if self.acting is not None else None,
                auth_time=login.auth_time,
                acr=request.user.acr,
                amr=login.amr,
                created_at=now,
                expires_at=now + CODE_LIFETIME,
            )
        )

    def find_code(self, code: str, client: OidcClient) -> AuthorizationCode | None:
        # The token view runs in a transaction: the row lock makes a concurrent second use wait
        # until the first has saved its token, so the revocation finds it.
        item: AuthorizationCode | None = hot_path.code_for_exchange(hash_secret(code), client)
        return item

    def revoke_reused(self, code: AuthorizationCode) -> None:
        revoke_tokens_of_reused_code(code=code)

    def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
        # Kept, marked used: a second presentation must be recognised to revoke its tokens.
        # With the issuer its ID token names (encode_id_token's): a logout token for this client
        # must name the same one, whatever host the citizen's browser used.
        authorization_code.issuer = issuer_from_uri(self.request.uri)
        hot_path.mark_code_used(authorization_code)

    def authenticate_user(self, authorization_code: AuthorizationCode) -> VneidAccount | None:
        account = authorization_code.account
        if not account.is_active:
            return None
        organisation = authorization_code.organisation
        if organisation is not None:
            # Checked again: an authorisation revoked or expired since the code was issued
            # gets no organisation token.
            try:
                setattr(authorization_code, ACTING, role_now(account, organisation))
            except OrganisationRefused as refusal:
                raise organisation_refused(refusal) from refusal
        return account


class VneidAuthorizationServer(OpenIDServer):
    """Authlib's Django server bound to VNeID's clients and tokens."""

    def __init__(self) -> None:
        super().__init__(
            OidcClient,
            AccessToken,
            issuer_from_uri=issuer_from_uri,
            scopes_supported=list(SCOPES_SUPPORTED),
            access_token_seconds=ACCESS_TOKEN_SECONDS,
            grant=VneidCodeGrant,
            extensions=[
                S256CodeChallenge(),
                VneidOpenIDCode(
                    keys.SIGNING_KEYS, issuer_from_uri, id_token_seconds=ID_TOKEN_SECONDS
                ),
            ],
        )

    def find_client(self, client_id: str) -> OidcClient | None:
        client: OidcClient | None = hot_path.active_client(client_id)
        return client

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        hops.note_account(request.user)
        hops.note_client(request.client)
        now = timezone.now()
        code: AuthorizationCode = request.authorization_code
        # The token speaks for the organisation only when its granted scope lets it.
        acting = acting_of(code) if asks_for_organisation(token["scope"]) else None
        hot_path.insert(
            AccessToken(
                token_hash=hash_secret(token["access_token"]),
                client=request.client,
                account=request.user,
                organisation=acting.organisation if acting is not None else None,
                authorization_code=code,
                scope=token["scope"],
                issued_at=now,
                expires_at=now + timedelta(seconds=token["expires_in"]),
            )
        )


server = VneidAuthorizationServer()
