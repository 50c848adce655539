"""The sandbox API: workspaces for CI pipelines (POST / DELETE), behind a bearer token."""

import hashlib
import json
from functools import wraps

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from accounts.middleware import cccd_not_required
from admin_kit.responses import json_response

from .models import ApiToken, Workspace
from .openapi import openapi_document
from .workspaces import WorkspaceError, class_state, create_class, delete_workspace

REALM = 'Bearer realm="sandbox"'
NAME_MAX_LENGTH = 100
MAX_DAYS = 365


def hash_token(raw_token):
    """Return the stored form of a sandbox API token (SHA-256, hex): tokens are long and random."""
    return hashlib.sha256(raw_token.encode()).hexdigest()


@transaction.atomic
def ensure_api_token(*, name, raw_token):
    """Make the database accept this token under this name (idempotent), storing its hash."""
    ApiToken.objects.update_or_create(name=name, defaults={"token_hash": hash_token(raw_token)})


def _error(status, error, message, headers=None, **extra):
    return json_response(
        {"error": error, "message": message, **extra}, status=status, headers=headers
    )


def _authorized(request):
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return False
    return ApiToken.objects.filter(token_hash=hash_token(token)).exists()


def api_view(*methods):
    """Answer a sandbox API call: JSON errors for a closed sandbox, a wrong method or token."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not settings.SANDBOX_ENABLED:
                return _error(404, "not_found", "Môi trường thử nghiệm không bật trên máy này.")
            if request.method not in methods:
                return _error(
                    405,
                    "method_not_allowed",
                    f"Địa chỉ này chỉ nhận {', '.join(methods)}.",
                    headers={"Allow": ", ".join(methods)},
                )
            if not _authorized(request):
                return _error(
                    401,
                    "unauthorized",
                    "Thiếu mã truy cập hộp cát (Authorization: Bearer …) hoặc mã không đúng. "
                    "Mã được in khi chạy make run và hiển thị tại /sandbox/.",
                    headers={"WWW-Authenticate": REALM},
                )
            return view(request, *args, **kwargs)

        return cccd_not_required(csrf_exempt(wrapper))

    return decorator


def _invalid(fields):
    return _error(
        400,
        "invalid_request",
        "Yêu cầu không hợp lệ: vui lòng kiểm tra các trường được nêu.",
        fields=fields,
    )


class InvalidRequest(Exception):
    def __init__(self, fields):
        super().__init__(fields)
        self.fields = fields


def _read_request(request):
    """Return (name, days) from the optional JSON body; raise InvalidRequest for bad fields."""
    if not request.body.strip():
        return "", None
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        raise InvalidRequest({}) from None
    if not isinstance(data, dict):
        raise InvalidRequest({})
    fields = {}
    name = data.get("name", "")
    if not isinstance(name, str) or len(name) > NAME_MAX_LENGTH:
        fields["name"] = [f"Tên là một chuỗi tối đa {NAME_MAX_LENGTH} ký tự."]
    days = data.get("days")
    if days is not None and (
        not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS
    ):
        fields["days"] = [f"Số ngày trước khi hết hạn là số nguyên từ 1 đến {MAX_DAYS}."]
    if fields:
        raise InvalidRequest(fields)
    return name, days


@api_view("POST")
def workspaces(request):
    try:
        name, days = _read_request(request)
        training_class = create_class(name=name or "Phiên chạy tự động", seats=1, days=days)
    except InvalidRequest as error:
        return _invalid(error.fields)
    except WorkspaceError as error:
        return _invalid({error.code: [error.message]})
    # Seat answers carry the personas' passwords and PINs: json_response keeps them uncached.
    return json_response(class_state(training_class), status=201)


@api_view("DELETE")
def workspace(request, code):
    found = Workspace.objects.filter(code=code).first()
    if found is None:
        return _error(
            404,
            "not_found",
            "Không có không gian làm việc mang mã này (có thể đã bị xoá hoặc đã hết hạn).",
        )
    delete_workspace(found)
    return json_response({"deleted": code})


@cccd_not_required
def openapi(request):
    """Serve the OpenAPI document of the sandbox API."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
