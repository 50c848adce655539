"""The operator's JSON API for service providers: signing requests and SMS (bearer key)."""

import base64
import binascii
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.http import HttpRequest, JsonResponse
from django.http.response import HttpResponseBase

from api_kit.server import (
    ApiError,
    BodyRefusals,
    ErrorFormat,
    View,
    api_view,
    json_response,
    read_json,
)
from fault_switch.switch import delay
from idnumbers.phones import normalize_phone

from . import faults, services
from .models import ApiClient, SigningRequest

logger = logging.getLogger("mobile_operator.api")

# The stubs type any field's max_length as optional; this CharField always has one.
DISPLAY_TEXT_MAX = cast(int, SigningRequest._meta.get_field("display_text").max_length)
DATA_MAX_BYTES = 1024
SMS_MAX_LENGTH = 480

# Keyed by the stored mode's string, as the fault row holds it.
FAULT_ANSWERS: dict[str, tuple[int, str, str]] = {
    faults.Mode.ERROR: (500, "internal_error", "Hệ thống ký số của nhà mạng gặp lỗi."),
    faults.Mode.OUTAGE: (503, "unavailable", "Hệ thống của nhà mạng tạm ngừng hoạt động."),
}
SIGNING_PROBLEMS = {
    "unknown_subscriber": (
        404,
        "Số điện thoại chưa đăng ký dịch vụ Sim ký số (hoặc không phải thuê bao của nhà mạng).",
    ),
    "too_many_requests": (
        429,
        "Đã có quá nhiều yêu cầu ký số gửi tới thuê bao này; vui lòng thử lại sau ít phút.",
    ),
    "sim_locked": (
        423,
        "Chức năng ký số của Sim đã bị khoá do nhập sai mã PIN quá số lần cho phép.",
    ),
}


OPERATOR_ERRORS = ErrorFormat()
BODY_REFUSALS = BodyRefusals(
    not_json="Nội dung yêu cầu phải là JSON hợp lệ.",
    not_object="Nội dung yêu cầu phải là một đối tượng JSON.",
)


def _refuse_for_fault() -> None:
    fault = faults.current_fault()
    if fault.mode == faults.Mode.LATENCY:
        delay(fault.latency_ms)
    elif fault.mode in FAULT_ANSWERS:
        raise ApiError(*FAULT_ANSWERS[fault.mode])


def _client(request: HttpRequest) -> ApiClient:
    client = ApiClient.authenticate(request, ApiClient.objects.filter(is_active=True))
    if client is None:
        raise ApiError(401, "unauthorized", "Thiếu khoá API hợp lệ (Authorization: Bearer …).")
    return client


def bearer_view(method: str) -> Callable[[View], View]:
    """Accept method only, honour the fault switch, authenticate the caller, answer JSON."""

    def decorator(view: View) -> View:
        @api_view(OPERATOR_ERRORS, method)
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            _refuse_for_fault()
            return view(request, _client(request), *args, **kwargs)

        return wrapper

    return decorator


def _invalid(fields: dict[str, list[str]]) -> ApiError:
    message = "Yêu cầu không hợp lệ: xem các trường được nêu."
    return ApiError(400, "invalid_request", message, fields=fields)


def _phone(data: dict[str, Any], errors: dict[str, list[str]]) -> str:
    value = data.get("phone_number")
    phone = normalize_phone(value) if isinstance(value, str) else ""
    if not phone:
        errors["phone_number"] = ["Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0."]
    return phone


def _text(data: dict[str, Any], name: str, max_length: int, errors: dict[str, list[str]]) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value.strip():
        errors[name] = ["Trường này là bắt buộc."]
    elif len(value) > max_length:
        errors[name] = [f"Dài tối đa {max_length} ký tự."]
    return value if isinstance(value, str) else ""


def _data_to_sign(data: dict[str, Any], errors: dict[str, list[str]]) -> bytes:
    value = data.get("data_to_sign")
    try:
        raw = base64.b64decode(value, validate=True) if isinstance(value, str) else b""
    except (binascii.Error, ValueError):
        raw = b""
    if not raw or len(raw) > DATA_MAX_BYTES:
        errors["data_to_sign"] = [f"Dữ liệu cần ký: base64 của 1 đến {DATA_MAX_BYTES} byte."]
    return raw


def _signing_body(signing_request: SigningRequest) -> dict[str, Any]:
    state = signing_request.state()
    body: dict[str, Any] = {
        "id": signing_request.public_id,
        "status": state,
        "confirmation_code": signing_request.confirmation_code,
        "expires_at": signing_request.expires_at.isoformat(),
        "pin_tries_left": services.pin_tries_left(signing_request.sim),
    }
    if state == SigningRequest.Status.APPROVED:
        body["signature"] = base64.b64encode(bytes(signing_request.signature)).decode()
        body["certificate"] = signing_request.sim.certificate_pem
    return body


@bearer_view("POST")
def create_signing_request(request: HttpRequest, client: ApiClient) -> JsonResponse:
    data = read_json(request, BODY_REFUSALS)
    errors: dict[str, list[str]] = {}
    phone = _phone(data, errors)
    raw = _data_to_sign(data, errors)
    display_text = _text(data, "display_text", DISPLAY_TEXT_MAX, errors)
    if errors:
        raise _invalid(errors)
    try:
        signing_request = services.create_signing_request(
            client=client, phone_number=phone, data_to_sign=raw, display_text=display_text
        )
    except services.SigningProblem as problem:
        status, message = SIGNING_PROBLEMS[problem.code]
        raise ApiError(status, problem.code, message) from None
    return json_response(_signing_body(signing_request), status=201)


@bearer_view("GET")
def signing_request_status(request: HttpRequest, client: ApiClient, public_id: str) -> JsonResponse:
    signing_request = (
        SigningRequest.objects.select_related("sim")
        .filter(public_id=public_id, client=client)
        .first()
    )
    if signing_request is None:
        raise ApiError(404, "not_found", "Không có yêu cầu ký số này.")
    return json_response(_signing_body(signing_request))


@bearer_view("POST")
def send_sms(request: HttpRequest, client: ApiClient) -> JsonResponse:
    data = read_json(request, BODY_REFUSALS)
    errors: dict[str, list[str]] = {}
    phone = _phone(data, errors)
    text = _text(data, "text", SMS_MAX_LENGTH, errors)
    if errors:
        raise _invalid(errors)
    message = services.deliver_sms(client=client, phone_number=phone, text=text)
    return json_response({"id": message.pk, "status": "delivered"}, status=202)
