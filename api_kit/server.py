"""The side of an organisation's JSON API that answers: refusals, error formats, bodies, views.

Each organisation writes its refusals in its own format (`ErrorFormat`) and registers it for
the paths of its URLs where programs, not people, call (`register_json_errors`); the site's
400/403/404/500 handlers ask `site_error_response` before showing a page.
"""

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.urls import get_resolver
from django.views.decorators.csrf import csrf_exempt

View = Callable[..., HttpResponseBase]

# What a program is told by the site's own handlers: about the request it made, not a page.
SITE_MESSAGES = {
    400: "Yêu cầu không hợp lệ; vui lòng kiểm tra định dạng yêu cầu rồi gửi lại.",
    403: "Yêu cầu bị từ chối: không có quyền thực hiện thao tác này.",
    404: "Không có đường dẫn này; vui lòng xem tài liệu của dịch vụ (OpenAPI, discovery).",
    500: "Hệ thống gặp lỗi khi xử lý yêu cầu, dữ liệu chưa được lưu; vui lòng thử lại sau.",
}
SITE_CODES = {
    400: "invalid_request",
    403: "forbidden",
    404: "not_found",
    500: "internal_error",
}


def json_response(
    body: Mapping[str, Any],
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    cache: str = "no-store",
) -> JsonResponse:
    """Return body as JSON (UTF-8, not \\u-escaped) with this Cache-Control and headers."""
    response = JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    # Answers carry personal data, passwords of seats or tokens: by default no cache keeps them.
    response["Cache-Control"] = cache
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ApiError(Exception):
    """A refusal with its HTTP status, stable error code, Vietnamese message, fields, headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = dict(headers or {})


@dataclass(frozen=True)
class ErrorFormat:
    """How one organisation's API writes a refusal: `error`, its message key, `fields`."""

    # "message" in the organisations' own APIs, "error_description" in OAuth's.
    message_key: str = "message"
    method_code: str = "method_not_allowed"
    # The 405 message; {methods} lists the methods accepted, joined by method_separator.
    method_message: str = "Chỉ nhận {methods}."
    method_separator: str = ", "
    # The code the site's 400/403/404/500 handlers answer with, by status.
    site_codes: Mapping[int, str] = field(default_factory=lambda: dict(SITE_CODES))

    def body(self, error: ApiError) -> dict[str, Any]:
        """Return the JSON body of a refusal."""
        body: dict[str, Any] = {"error": error.code, self.message_key: error.message}
        if error.fields is not None:
            body["fields"] = error.fields
        return body

    def response(self, error: ApiError) -> JsonResponse:
        """Return the JSON answer of a refusal."""
        return json_response(self.body(error), status=error.status, headers=error.headers)

    def method_not_allowed(self, methods: Sequence[str]) -> ApiError:
        """Return the refusal of a method other than methods."""
        listed = self.method_separator.join(methods)
        message = self.method_message.format(methods=listed)
        return ApiError(405, self.method_code, message, headers={"Allow": ", ".join(methods)})

    def site_error(self, status: int) -> JsonResponse:
        """Return the answer of the site's handler for status, in this format."""
        return self.response(ApiError(status, self.site_codes[status], SITE_MESSAGES[status]))


# Per URL namespace: the paths under its mount point that answer JSON, and their format.
_JSON_ERRORS: dict[str, tuple[tuple[str, ...], ErrorFormat]] = {}


def register_json_errors(namespace: str, paths: Sequence[str], errors: ErrorFormat) -> None:
    """Have the site's error handlers answer in errors' format under these paths of namespace."""
    _JSON_ERRORS[namespace] = (tuple(paths), errors)


def site_error_response(path: str, status: int) -> JsonResponse | None:
    """Return the site's error answer for path in its organisation's JSON format, if it has one."""
    # Where config/urls.py mounts each namespace: the organisations do not know their prefix.
    mounts = get_resolver().namespace_dict
    for namespace, (paths, errors) in _JSON_ERRORS.items():
        if namespace in mounts:
            # The resolver keeps each prefix as a regular expression ("business\\-registry/"):
            # unescape it, or a prefix with a hyphen never matches a path.
            root = "/" + re.sub(r"\\(.)", r"\1", mounts[namespace][0])
            if path.startswith(tuple(root + prefix for prefix in paths)):
                return errors.site_error(status)
    return None


@dataclass(frozen=True)
class BodyRefusals:
    """What an API says when a request body is not a JSON object it can read."""

    not_json: str
    not_object: str
    too_large: str = "Nội dung yêu cầu quá lớn; hãy chỉ gửi các trường cần thiết."
    too_deep: str = "Nội dung yêu cầu lồng nhau quá sâu; hãy gửi một đối tượng JSON."
    # Whether the refusal carries an empty `fields`, as the API's other invalid answers do.
    with_fields: bool = False

    def refusal(self, message: str) -> ApiError:
        """Return the 400 refusal carrying message."""
        return ApiError(400, "invalid_request", message, fields={} if self.with_fields else None)


def read_json(
    request: HttpRequest,
    refusals: BodyRefusals,
    *,
    max_bytes: int | None = None,
    allow_empty: bool = False,
) -> dict[str, Any]:
    """Return the JSON object of the request body, or raise the API's 400 refusal.

    The body is refused above max_bytes, and always above DATA_UPLOAD_MAX_MEMORY_SIZE;
    allow_empty reads an empty body as an empty object.
    """
    try:
        raw = request.body
    except RequestDataTooBig:
        raise refusals.refusal(refusals.too_large) from None
    if max_bytes is not None and len(raw) > max_bytes:
        raise refusals.refusal(refusals.too_large)
    if allow_empty and not raw.strip():
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise refusals.refusal(refusals.not_json) from None
    except RecursionError:
        # Thousands of nested brackets exhaust the parser's stack before any field is read.
        raise refusals.refusal(refusals.too_deep) from None
    if not isinstance(data, dict):
        raise refusals.refusal(refusals.not_object)
    return data


def bearer_key(request: HttpRequest) -> str | None:
    """Return the key of an `Authorization: Bearer …` header, or None."""
    header: str = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, key = header.partition(" ")
    key = key.strip()
    if scheme.lower() != "bearer" or not key:
        return None
    return key


def api_view(
    errors: ErrorFormat, *methods: str, exempt_csrf: bool = True
) -> Callable[[View], View]:
    """Accept only methods (any if none), and answer an ApiError the view raises in errors."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            try:
                if methods and request.method not in methods:
                    raise errors.method_not_allowed(methods)
                return view(request, *args, **kwargs)
            except ApiError as refusal:
                return errors.response(refusal)

        # Programs call these endpoints with a key, not with a session's CSRF token.
        return csrf_exempt(wrapper) if exempt_csrf else wrapper

    return decorator
