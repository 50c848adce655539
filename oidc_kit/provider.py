"""Pieces every OpenID provider of the sandbox answers the same way (VNeID, the national login).

The authorization response's `iss` (RFC 9207), the bearer token of a userinfo request
(RFC 6750 2.1 and 2.2) and the bearer error answer (RFC 6750 3). Each provider keeps its own
models, keys and issuer; only these rules live here.
"""

from urllib.parse import parse_qsl, urlsplit

from authlib.common.urls import add_params_to_uri
from django.http import HttpRequest, HttpResponse, JsonResponse

from api_kit.server import ApiError, bearer_key, json_response

from .errors import OAUTH_ERRORS


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
