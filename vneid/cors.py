"""Cross-origin access to the endpoints a browser application calls directly (CORS)."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase

View = Callable[..., HttpResponseBase]

# Preflights are cached by the browser for this long.
PREFLIGHT_MAX_AGE_SECONDS = 86400


def allow_any_origin(*methods: str) -> Callable[[View], View]:
    """Let scripts of any origin call the view; answer the OPTIONS preflight for methods.

    No credentials are involved: clients authenticate with their secret or a bearer token,
    never with a cookie, so `*` exposes nothing a server-side client could not read.
    """

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method == "OPTIONS":
                response: HttpResponseBase = HttpResponse(status=204)
                response["Access-Control-Allow-Methods"] = ", ".join((*methods, "OPTIONS"))
                response["Access-Control-Allow-Headers"] = "Authorization, Content-Type"
                response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
                response["Allow"] = response["Access-Control-Allow-Methods"]
            else:
                response = view(request, *args, **kwargs)
            response["Access-Control-Allow-Origin"] = "*"
            # Browser code must read the challenge of a 401 to know why it was refused.
            response["Access-Control-Expose-Headers"] = "WWW-Authenticate"
            return response

        return wrapper

    return decorator
