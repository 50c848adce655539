"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): who asks, and where to go.

Each provider checks the request against its own clients and keys and refuses it in its own
words; `LogoutRequests` holds the rules, given those.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from authlib.common.urls import add_params_to_uri
from django.http import QueryDict
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from .keys import ALGORITHM
from .provider_models import ProviderClient

Client = TypeVar("Client", bound=ProviderClient)

INVALID_HINT = "Mã xác nhận đăng xuất (id_token_hint) không hợp lệ."


class LogoutRequestInvalid(Exception):
    """A logout request that must not redirect anywhere; `message` is for the citizen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LogoutRequest(Generic[Client]):
    client: Client | None
    id_token_claims: dict[str, Any] | None
    redirect_uri: str | None

    @property
    def needs_confirmation(self) -> bool:
        # Without a valid id_token_hint anyone could log the citizen out by a link (spec §6).
        return self.id_token_claims is None


@dataclass(frozen=True)
class LogoutRefusals:
    """What the citizen reads when a provider refuses a logout request."""

    # The id_token_hint is valid but another issuer's.
    foreign_hint: str
    # No active client of that client_id.
    unknown_client: str
    # The client_id is not the hint's audience.
    other_client: str
    # The post_logout_redirect_uri is not registered for the client.
    unregistered_redirect: str


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    # Authlib's own ID tokens carry `aud` as a list, ours as a string: accept both.
    return [aud] if isinstance(aud, str) else list(aud or [])


class LogoutRequests(Generic[Client]):
    """Logout requests from `client_model`'s clients, hinted by tokens of `key_set()`'s keys."""

    def __init__(
        self, client_model: type[Client], key_set: Callable[[], KeySet], refusals: LogoutRefusals
    ) -> None:
        self.client_model = client_model
        self.key_set = key_set
        self.refusals = refusals

    def verify_id_token_hint(self, hint: str, *, issuer: str) -> dict[str, Any]:
        """Return the claims of an ID token the provider signed as issuer; expiry not checked."""
        try:
            token = jwt.decode(hint, self.key_set(), algorithms=[ALGORITHM])
        except (JoseError, ValueError) as error:
            raise LogoutRequestInvalid(INVALID_HINT) from error
        if token.claims.get("iss") != issuer:
            raise LogoutRequestInvalid(self.refusals.foreign_hint)
        return token.claims

    def parse(self, params: QueryDict, *, issuer: str) -> LogoutRequest[Client]:
        """Validate the parameters of a logout request; raise LogoutRequestInvalid if refused."""
        hint = params.get("id_token_hint")
        claims = self.verify_id_token_hint(hint, issuer=issuer) if hint else None
        client_id = params.get("client_id")
        if client_id and "\x00" in client_id:
            raise LogoutRequestInvalid(self.refusals.unknown_client)
        if claims is not None:
            audiences = _audiences(claims)
            if client_id and client_id not in audiences:
                raise LogoutRequestInvalid(self.refusals.other_client)
            client_id = client_id or (audiences[0] if len(audiences) == 1 else None)
        client = self.client_model._default_manager.filter(
            client_id=client_id, is_active=True
        ).first()
        if client_id and client is None:
            raise LogoutRequestInvalid(self.refusals.unknown_client)
        redirect_uri = params.get("post_logout_redirect_uri")
        if redirect_uri:
            if client is None or redirect_uri not in client.post_logout_redirect_uri_list:
                raise LogoutRequestInvalid(self.refusals.unregistered_redirect)
            state = params.get("state")
            if state:
                redirect_uri = add_params_to_uri(redirect_uri, [("state", state)])
        return LogoutRequest(client=client, id_token_claims=claims, redirect_uri=redirect_uri)
