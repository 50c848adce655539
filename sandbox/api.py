"""The sandbox API: workspaces for CI pipelines (POST / DELETE), behind a bearer token."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

from accounts.middleware import cccd_not_required
from api_kit import server
from api_kit.keys import hash_secret

from .models import ApiToken, Workspace
from .openapi import openapi_document
from .workspaces import WorkspaceError, class_state, create_class, delete_workspace

REALM = 'Bearer realm="sandbox"'
NAME_MAX_LENGTH = 100
MAX_DAYS = 365
INVALID_MESSAGE = "Yêu cầu không hợp lệ: vui lòng kiểm tra các trường được nêu."
SANDBOX_ERRORS = server.ErrorFormat(method_message="Địa chỉ này chỉ nhận {methods}.")
# A body that is not a JSON object is told, like any other invalid request, to check its fields.
BODY_REFUSALS = server.BodyRefusals(
    not_json=INVALID_MESSAGE,
    not_object=INVALID_MESSAGE,
    too_large=INVALID_MESSAGE,
    too_deep=INVALID_MESSAGE,
    with_fields=True,
)


@transaction.atomic
def ensure_api_token(*, name: str, raw_token: str) -> None:
    """Make the database accept this token under this name (idempotent), storing its hash."""
    ApiToken.objects.update_or_create(name=name, defaults={"token_hash": hash_secret(raw_token)})


def sandbox_api(*methods: str) -> Callable[[server.View], server.View]:
    """Answer a sandbox API call: JSON errors for a closed sandbox, a wrong method or token."""

    def decorator(view: server.View) -> server.View:
        @server.api_view(SANDBOX_ERRORS)
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not settings.SANDBOX_ENABLED:
                raise server.ApiError(
                    404, "not_found", "Môi trường thử nghiệm không bật trên máy này."
                )
            if request.method not in methods:
                raise SANDBOX_ERRORS.method_not_allowed(methods)
            if ApiToken.authenticate(request) is None:
                raise server.ApiError(
                    401,
                    "unauthorized",
                    "Thiếu mã truy cập hộp cát (Authorization: Bearer …) hoặc mã không đúng. "
                    "Mã được in khi chạy make run và hiển thị tại /sandbox/.",
                    headers={"WWW-Authenticate": REALM},
                )
            return view(request, *args, **kwargs)

        exempt: server.View = cccd_not_required(wrapper)
        return exempt

    return decorator


def _invalid(fields: dict[str, list[str]]) -> server.ApiError:
    return server.ApiError(400, "invalid_request", INVALID_MESSAGE, fields=fields)


def _read_request(request: HttpRequest) -> tuple[str, int | None]:
    """Return (name, days) from the optional JSON body; raise ApiError for bad fields."""
    data = server.read_json(request, BODY_REFUSALS, allow_empty=True)
    fields: dict[str, list[str]] = {}
    name = data.get("name", "")
    if not isinstance(name, str) or len(name) > NAME_MAX_LENGTH:
        fields["name"] = [f"Tên là một chuỗi tối đa {NAME_MAX_LENGTH} ký tự."]
    days = data.get("days")
    if days is not None and (
        not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS
    ):
        fields["days"] = [f"Số ngày trước khi hết hạn là số nguyên từ 1 đến {MAX_DAYS}."]
    if fields:
        raise _invalid(fields)
    return name, days


@sandbox_api("POST")
def workspaces(request: HttpRequest) -> HttpResponseBase:
    name, days = _read_request(request)
    try:
        training_class = create_class(name=name or "Phiên chạy tự động", seats=1, days=days)
    except WorkspaceError as error:
        raise _invalid({error.code: [error.message]}) from None
    # Seat answers carry the personas' passwords and PINs: json_response keeps them uncached.
    return server.json_response(class_state(training_class), status=201)


@sandbox_api("DELETE")
def workspace(request: HttpRequest, code: str) -> HttpResponseBase:
    found = Workspace.objects.filter(code=code).first()
    if found is None:
        raise server.ApiError(
            404,
            "not_found",
            "Không có không gian làm việc mang mã này (có thể đã bị xoá hoặc đã hết hạn).",
        )
    delete_workspace(found)
    return server.json_response({"deleted": code})


@cccd_not_required
def openapi(request: HttpRequest) -> JsonResponse:
    """Serve the OpenAPI document of the sandbox API."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
