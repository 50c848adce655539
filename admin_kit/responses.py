"""The JSON answer every organisation's API gives: Vietnamese as written, kept by nobody."""

from django.http import JsonResponse


def json_response(body, *, status=200, headers=None, cache="no-store"):
    """Return body as JSON (UTF-8, not \\u-escaped) with this Cache-Control and headers."""
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # Answers carry personal data, passwords of seats or tokens: by default no cache keeps them.
    response["Cache-Control"] = cache
    for name, value in (headers or {}).items():
        response[name] = value
    return response
