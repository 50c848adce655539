"""Pieces every OpenID provider of the sandbox answers the same way (VNeID, the national login).

The authorization response's `iss` (RFC 9207), the bearer token of a userinfo request
(RFC 6750 2.1 and 2.2) and the bearer error answer (RFC 6750 3). Each provider keeps its own
models, keys and issuer; only these rules live here.
"""

from urllib.parse import parse_qsl, urlsplit

from authlib.common.urls import add_params_to_uri
from authlib.integrations.django_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749.errors import InsecureTransportError, InvalidRequestError
from django.http import HttpRequest, HttpResponse, JsonResponse

from api_kit.server import ApiError, bearer_key, json_response

from .errors import OAUTH_ERRORS

INSECURE_TRANSPORT_MESSAGE = (
    "OAuth 2.0 requires https here; a sandbox on plain http must be reached at its own "
    "SANDBOX_BASE_URL (see docs/deploy.md)."
)


class TokenEndpointServer(AuthorizationServer):
    """Authlib's Django server, with the token endpoint refusing what Authlib lets through.

    Authlib builds its request object before its own error handling starts, so a request over
    plain http to a host that is not loopback (a trainer's LAN address without the sandbox's
    http allowance) raised out of the view as a 500. A missing grant_type is named as such.
    """

    def create_token_response(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse
        if not request.POST.get("grant_type"):
            response = self.handle_error_response(
                request, InvalidRequestError("Missing 'grant_type'.")
            )
            return response
        try:
            response = super().create_token_response(request)
        except InsecureTransportError:
            refusal = ApiError(400, "invalid_request", INSECURE_TRANSPORT_MESSAGE)
            response = OAUTH_ERRORS.response(refusal)
        return response


def add_issuer_parameter(response: HttpResponse, issuer: str) -> HttpResponse:
    """Add `iss` to an authorization response redirect (RFC 9207), errors included."""
    location = response.get("Location") if response.status_code == 302 else None
    if not location:
        return response
    if any(name == "iss" for name, _ in parse_qsl(urlsplit(location).query)):
        return response
    response["Location"] = add_params_to_uri(location, [("iss", issuer)])
    return response


def presented_bearer_tokens(request: HttpRequest) -> list[str]:
    """Return the bearer tokens of the request: header (RFC 6750 2.1) and form body (2.2)."""
    presented = []
    header_token = bearer_key(request)
    if header_token:
        presented.append(header_token)
    content_type = request.content_type or ""
    if request.method == "POST" and content_type == "application/x-www-form-urlencoded":
        presented.extend(value for value in request.POST.getlist("access_token") if value)
    return presented


def bearer_error(
    status: int, *, realm: str, error: str | None = None, description: str | None = None
) -> JsonResponse:
    """Answer a userinfo request refused for its token, with the WWW-Authenticate challenge."""
    challenge = f'Bearer realm="{realm}"'
    if not error:
        # RFC 6750 3.1: a request without any token is told only how to authenticate.
        return json_response({}, status=status, headers={"WWW-Authenticate": challenge})
    challenge += f', error="{error}"'
    refusal = ApiError(status, error, description or "", headers={"WWW-Authenticate": challenge})
    return OAUTH_ERRORS.response(refusal)
