"""The portal's one way to reach VNeID: OpenID Connect over HTTP, from the discovery document."""

from urllib.parse import quote

import requests

from api_kit.client import ApiCallError

# The shared rules, and the names the portal's modules and tests have always imported from here.
from oidc_kit.relying_party import (
    DISCOVERY_CACHE_SECONDS,
    JWKS_CACHE_SECONDS,
    Json,
    ProviderClient,
    ProviderMetadata,
)

from .conf import vneid_settings

__all__ = [
    "DISCOVERY_CACHE_SECONDS",
    "JWKS_CACHE_SECONDS",
    "InvalidIdToken",
    "Json",
    "ProviderMetadata",
    "VneidClient",
    "VneidError",
    "VneidProtocolError",
    "VneidTimeout",
    "VneidUnavailable",
]


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


class VneidClient(ProviderClient):
    """Talk to the VNeID provider configured in settings (or given), with typed errors.

    Everything but the issuer URL is discovered (oidc_kit.relying_party: discovery, keys, ID
    and logout tokens); the code exchange and userinfo are plain calls.
    """

    timeout_error = VneidTimeout
    unavailable_error = VneidUnavailable
    bad_response_error = VneidProtocolError

    cache_prefix = "vneid_login"
    log_label = "vneid"
    invalid_token_error = InvalidIdToken

    def __init__(
        self,
        *,
        issuer: str | None = None,
        client_id: str | None = None,
        client_secret: str | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(
            issuer=issuer or vneid_settings.ISSUER,
            client_id=client_id or vneid_settings.CLIENT_ID,
            client_secret=client_secret or vneid_settings.CLIENT_SECRET,
            timeout=timeout if timeout is not None else vneid_settings.TIMEOUT_SECONDS,
            session=session,
        )

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

    def check_logout_hint(self, id_token: str) -> None:
        """Raise InvalidIdToken unless VNeID can still verify id_token as a logout hint.

        Expiry does not matter (RP-Initiated Logout 1.0 §2); a signature by a key VNeID no
        longer publishes, another issuer or another audience would make VNeID refuse it.
        """
        # The keys as VNeID publishes them now: the cached set may still hold a withdrawn key.
        claims = self.verified_claims(id_token, fresh_keys=True)
        audiences = claims.get("aud")
        audiences = audiences if isinstance(audiences, list) else [audiences]
        if claims.get("iss") != self.metadata().issuer or self.client_id not in audiences:
            raise InvalidIdToken("claims: not an ID token VNeID issued to this portal")
