"""RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): who asks, and where to go."""

from dataclasses import dataclass
from typing import Any

from authlib.common.urls import add_params_to_uri
from django.http import QueryDict
from joserfc import jwt
from joserfc.errors import JoseError

from . import keys
from .models import OidcClient


class LogoutRequestInvalid(Exception):
    """A logout request that must not redirect anywhere; `message` is for the citizen."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class LogoutRequest:
    client: OidcClient | None
    id_token_claims: dict[str, Any] | None
    redirect_uri: str | None

    @property
    def needs_confirmation(self) -> bool:
        # Without a valid id_token_hint anyone could log the citizen out by a link (spec §6).
        return self.id_token_claims is None


def _audiences(claims: dict[str, Any]) -> list[str]:
    aud = claims.get("aud")
    # Authlib's own ID tokens carry `aud` as a list, ours as a string: accept both.
    return [aud] if isinstance(aud, str) else list(aud or [])


def verify_id_token_hint(hint: str, *, issuer: str) -> dict[str, Any]:
    """Return the claims of an ID token this provider signed for issuer; expiry is not checked."""
    try:
        token = jwt.decode(hint, keys.published_key_set(), algorithms=[keys.ALGORITHM])
    except (JoseError, ValueError) as error:
        raise LogoutRequestInvalid("Mã xác nhận đăng xuất (id_token_hint) không hợp lệ.") from error
    if token.claims.get("iss") != issuer:
        raise LogoutRequestInvalid("Mã xác nhận đăng xuất (id_token_hint) không do VNeID cấp.")
    return token.claims


def parse_logout_request(params: QueryDict, *, issuer: str) -> LogoutRequest:
    """Validate the parameters of a logout request; raise LogoutRequestInvalid if refused."""
    hint = params.get("id_token_hint")
    claims = verify_id_token_hint(hint, issuer=issuer) if hint else None
    client_id = params.get("client_id")
    if client_id and "\x00" in client_id:
        raise LogoutRequestInvalid("Dịch vụ yêu cầu đăng xuất chưa được đăng ký với VNeID.")
    if claims is not None:
        audiences = _audiences(claims)
        if client_id and client_id not in audiences:
            raise LogoutRequestInvalid("Yêu cầu đăng xuất không khớp với dịch vụ đã đăng nhập.")
        client_id = client_id or (audiences[0] if len(audiences) == 1 else None)
    client = OidcClient.objects.filter(client_id=client_id, is_active=True).first()
    if client_id and client is None:
        raise LogoutRequestInvalid("Dịch vụ yêu cầu đăng xuất chưa được đăng ký với VNeID.")
    redirect_uri = params.get("post_logout_redirect_uri")
    if redirect_uri:
        if client is None or redirect_uri not in client.post_logout_redirect_uri_list:
            raise LogoutRequestInvalid(
                "Địa chỉ quay lại sau khi đăng xuất chưa được đăng ký cho dịch vụ này."
            )
        state = params.get("state")
        if state:
            redirect_uri = add_params_to_uri(redirect_uri, [("state", state)])
    return LogoutRequest(client=client, id_token_claims=claims, redirect_uri=redirect_uri)
