"""The population database's JSON API, as docs/registry-api.md describes it."""

import logging
import re
import time
from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.db.models import Field, Model, QuerySet, Subquery
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from api_kit.keys import hash_secret
from api_kit.server import (
    ApiError,
    BodyRefusals,
    ErrorFormat,
    View,
    api_view,
    bearer_key,
    json_response,
    read_json,
)
from idnumbers.names import names_match
from idnumbers.numbers import cccd_problems, cmnd_problems, mask_number, normalize_number

from . import faults, rate_limit
from .models import RECORD_FIELDS, ApiClient, Citizen, FaultInjection, LookupLog
from .openapi import openapi_document
from .purposes import PURPOSE_NOTE_MAX_LENGTH, PURPOSES

logger = logging.getLogger("citizen_registry.api")

M = TypeVar("M", bound=Model)
# What an endpoint answers for a valid call: (body, result for the log, citizen concerned).
Answer = tuple[dict[str, Any], str, Citizen | None]
AnswerFunction = Callable[[dict[str, Any], ApiClient], Answer]


def _max_length(model: type[Model], name: str) -> int:
    """Return the max_length of model's text field name."""
    field = model._meta.get_field(name)
    # Read at import: a field without a length (or a relation) fails here, not on a call.
    assert isinstance(field, Field) and field.max_length is not None
    return field.max_length


PURPOSE_MAX_LENGTH = _max_length(LookupLog, "purpose")
PURPOSE_NOTE_MAX_LENGTH = min(PURPOSE_NOTE_MAX_LENGTH, _max_length(LookupLog, "purpose_note"))
REQUESTED_BY_MAX_LENGTH = _max_length(LookupLog, "requested_by")
FULL_NAME_MAX_LENGTH = _max_length(Citizen, "full_name")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The short names that a mismatch result in the log lists, so the precise reason is kept.
_MISMATCH_LOG_NAMES = {"cmnd_number": "cmnd", "full_name": "name", "birth_date": "birth"}


REGISTRY_ERRORS = ErrorFormat(
    method_message="Phương thức không được hỗ trợ; hãy gửi yêu cầu {methods}."
)
BODY_REFUSALS = BodyRefusals(
    not_json="Nội dung yêu cầu phải là JSON hợp lệ, mã hoá UTF-8.",
    not_object="Nội dung yêu cầu phải là một đối tượng JSON.",
    with_fields=True,
)


def _invalid(
    fields: dict[str, list[str]],
    message: str = "Yêu cầu không hợp lệ: vui lòng kiểm tra các trường được nêu.",
) -> ApiError:
    return ApiError(400, "invalid_request", message, fields=fields)


def _bearer_digest(request: HttpRequest) -> str | None:
    key = bearer_key(request)
    return hash_secret(key) if key else None


def _one(queryset: QuerySet[M]) -> M | None:
    """Return the only row of a lookup by a unique key, or None (no ORDER BY, no count)."""
    rows = list(queryset[:1])
    return rows[0] if rows else None


def _client_and_fault(digest: str | None) -> tuple[ApiClient | None, str, int]:
    """Return (client or None, fault mode, latency in ms); one query for a known key."""
    # The fault row rides along as two subqueries: a known caller, the common case, costs
    # one query; an unknown key or none asks for the fault alone.
    fault = FaultInjection.objects.order_by("pk")
    client = None
    if digest:
        client = ApiClient.holding(
            digest,
            ApiClient.objects.annotate(
                fault_mode=Subquery(fault.values("mode")[:1]),
                fault_latency_ms=Subquery(fault.values("latency_ms")[:1]),
            ),
        )
    if client is not None:
        # The two annotations above ride on the instance; the model does not declare them.
        annotated: Any = client
        return client, annotated.fault_mode or faults.Mode.NONE, annotated.fault_latency_ms or 0
    mode, latency_ms = fault.values_list("mode", "latency_ms").first() or (None, 0)
    return None, mode or faults.Mode.NONE, latency_ms or 0


def _read_body(request: HttpRequest) -> tuple[dict[str, Any] | None, ApiError | None]:
    """Return (the JSON object sent, or None; the ApiError to answer if it is unusable)."""
    try:
        return read_json(request, BODY_REFUSALS), None
    except ApiError as refusal:
        return None, refusal


def _storable(text: str) -> str:
    """Return text without what a database column cannot hold (NUL, lone surrogates)."""
    # PostgreSQL refuses NUL in text and psycopg cannot encode a lone surrogate: either
    # would turn a logged refusal into a 500.
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _clean_text(value: object) -> bool:
    return isinstance(value, str) and "\x00" not in value and _storable(value) == value


def _log_text(data: object, name: str, max_length: int) -> str:
    value = data.get(name) if isinstance(data, dict) else None
    return _storable(value)[:max_length] if isinstance(value, str) else ""


def _log_masked_number(data: object) -> str:
    value = data.get("cccd_number") if isinstance(data, dict) else None
    if not isinstance(value, str):
        return ""
    # Capped at the column's width; whatever was sent, only a masked form is ever stored.
    return mask_number(_storable(normalize_number(value))[:12])


def _present(data: dict[str, Any], name: str) -> bool:
    value = data.get(name)
    return not (value is None or (isinstance(value, str) and not value.strip()))


def _cccd_field(data: dict[str, Any], errors: dict[str, list[str]]) -> str:
    value = data.get("cccd_number")
    if value is not None and not isinstance(value, str):
        errors["cccd_number"] = [
            "Số CCCD phải được gửi dưới dạng chuỗi (trong dấu ngoặc kép) để giữ các số 0 ở đầu."
        ]
        return ""
    number = normalize_number(value)
    problems = cccd_problems(number)
    if problems:
        errors["cccd_number"] = [problem.message for problem in problems]
    return number


def _context_fields(data: dict[str, Any], errors: dict[str, list[str]]) -> None:
    purpose = data.get("purpose")
    if not isinstance(purpose, str) or not purpose.strip():
        errors["purpose"] = ["Vui lòng nêu mục đích tra cứu (trường purpose)."]
    elif purpose not in PURPOSES:
        errors["purpose"] = [
            "Mục đích tra cứu phải là một mã trong danh sách công bố: "
            f"{', '.join(PURPOSES)}. Ghi chú thêm, nếu cần, đặt trong trường purpose_note."
        ]
    note = data.get("purpose_note")
    if note is not None and (not _clean_text(note) or len(note) > PURPOSE_NOTE_MAX_LENGTH):
        errors["purpose_note"] = [
            f"Ghi chú mục đích phải là chuỗi ký tự dài tối đa {PURPOSE_NOTE_MAX_LENGTH} ký tự, "
            "không chứa ký tự điều khiển NUL."
        ]
    requested_by = data.get("requested_by")
    if requested_by is not None and (
        not _clean_text(requested_by) or len(requested_by) > REQUESTED_BY_MAX_LENGTH
    ):
        errors["requested_by"] = [
            f"Người yêu cầu phải là chuỗi ký tự dài tối đa {REQUESTED_BY_MAX_LENGTH} ký tự, "
            "không chứa ký tự điều khiển NUL."
        ]


def _optional_cmnd(data: dict[str, Any], errors: dict[str, list[str]]) -> str | None:
    if not _present(data, "cmnd_number"):
        return None
    value = data["cmnd_number"]
    if not isinstance(value, str):
        errors["cmnd_number"] = ["Số CMND phải được gửi dưới dạng chuỗi (trong dấu ngoặc kép)."]
        return None
    number = normalize_number(value)
    problems = cmnd_problems(number)
    if problems:
        errors["cmnd_number"] = [problem.message for problem in problems]
    return number


def _optional_full_name(data: dict[str, Any], errors: dict[str, list[str]]) -> str | None:
    if not _present(data, "full_name"):
        return None
    value = data["full_name"]
    if not isinstance(value, str):
        # The call is refused for the error: no name is compared.
        errors["full_name"] = ["Họ tên phải là chuỗi ký tự."]
        return None
    if len(value) > FULL_NAME_MAX_LENGTH:
        errors["full_name"] = [f"Họ tên dài tối đa {FULL_NAME_MAX_LENGTH} ký tự."]
    return value


def _optional_birth_date(data: dict[str, Any], errors: dict[str, list[str]]) -> date | None:
    if not _present(data, "birth_date"):
        return None
    value = data["birth_date"]
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        errors["birth_date"] = ["Ngày sinh phải có dạng YYYY-MM-DD, ví dụ 1990-05-01."]
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors["birth_date"] = [f"Ngày sinh {value} không phải là một ngày có thật."]
        return None


def _find_citizen(number: str) -> Citizen | None:
    return _one(Citizen.objects.filter(cccd_number=number))


def _refuse_for_fault(mode: str, latency_ms: int) -> None:
    if mode == faults.Mode.LATENCY:
        faults.wait_for_latency(latency_ms)
    elif mode == faults.Mode.ERROR:
        raise ApiError(
            500,
            "internal_error",
            "CSDL Quốc gia về Dân cư gặp lỗi khi xử lý yêu cầu, vui lòng thử lại sau.",
        )
    elif mode == faults.Mode.OUTAGE:
        raise ApiError(
            503, "unavailable", "CSDL Quốc gia về Dân cư tạm ngừng hoạt động, vui lòng thử lại sau."
        )


def _unauthorized() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        "Thiếu khoá API, khoá không đúng hoặc đã bị vô hiệu hoá.",
        headers={"WWW-Authenticate": 'Bearer realm="registry"'},
    )


def _rate_limited(seconds: int) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        f"Hệ thống của bạn đã gọi quá số lần cho phép trong một phút; vui lòng thử lại sau "
        f"{seconds} giây.",
        headers={"Retry-After": str(seconds)},
    )


def _log_anonymous(request: HttpRequest, endpoint: str, refusal: ApiError) -> JsonResponse:
    # Without a valid key nobody is accountable for the call: a log line records it, a table
    # row would let anyone fill the lookup log.
    logger.warning(
        "%s status=%s result=%s client=- address=%s",
        endpoint,
        refusal.status,
        refusal.code,
        request.META.get("REMOTE_ADDR", "-"),
    )
    return REGISTRY_ERRORS.response(refusal)


def _answer(
    client: ApiClient,
    data: dict[str, Any] | None,
    body_error: ApiError | None,
    answer: AnswerFunction,
    needs_read_records: bool,
) -> tuple[dict[str, Any], str, int, dict[str, str], Citizen | None]:
    """Return (body, result, status, headers, citizen) for a call by a valid key."""
    try:
        if needs_read_records and not client.can_read_records:
            raise ApiError(
                403,
                "forbidden",
                "Hệ thống của bạn không được cấp quyền tra cứu hồ sơ công dân.",
            )
        if body_error is not None:
            raise body_error
        # _read_body gives either a body or the refusal raised just above.
        assert data is not None
        body, result, citizen = answer(data, client)
    except ApiError as refusal:
        return REGISTRY_ERRORS.body(refusal), refusal.code, refusal.status, refusal.headers, None
    return body, result, 200, {}, citizen


def api_endpoint(
    endpoint: str, *, needs_read_records: bool = False
) -> Callable[[AnswerFunction], View]:
    """Wrap an answer function with the API's method, fault, limit, auth, body checks and log."""

    def decorator(answer: AnswerFunction) -> View:
        @api_view(REGISTRY_ERRORS)
        @wraps(answer)
        def view(request: HttpRequest) -> JsonResponse:
            started = time.monotonic()
            client, fault_mode, latency_ms = _client_and_fault(_bearer_digest(request))
            if client is not None and not client.is_active:
                client = None
            try:
                if request.method != "POST":
                    raise REGISTRY_ERRORS.method_not_allowed(["POST"])
                _refuse_for_fault(fault_mode, latency_ms)
                wait = rate_limit.seconds_refused(client, request.META.get("REMOTE_ADDR"))
                if wait is not None:
                    raise _rate_limited(wait)
                if client is None:
                    raise _unauthorized()
            except ApiError as refusal:
                if client is None:
                    return _log_anonymous(request, endpoint, refusal)
                data = _read_body(request)[0] if request.method == "POST" else None
                body, result, status = REGISTRY_ERRORS.body(refusal), refusal.code, refusal.status
                headers, citizen = refusal.headers, None
            else:
                # Read only for a known caller: an anonymous body is never parsed or stored.
                data, body_error = _read_body(request)
                body, result, status, headers, citizen = _answer(
                    client, data, body_error, answer, needs_read_records
                )

            masked = _log_masked_number(data)
            purpose = _log_text(data, "purpose", PURPOSE_MAX_LENGTH)
            purpose_note = _log_text(data, "purpose_note", PURPOSE_NOTE_MAX_LENGTH)
            requested_by = _log_text(data, "requested_by", REQUESTED_BY_MAX_LENGTH)
            LookupLog.objects.create(
                client=client,
                citizen=citizen,
                endpoint=endpoint,
                masked_number=masked,
                purpose=purpose,
                purpose_note=purpose_note,
                requested_by=requested_by,
                result=result,
                status_code=status,
                duration_ms=round((time.monotonic() - started) * 1000),
            )
            logger.log(
                logging.INFO if status in (200, 404) else logging.WARNING,
                "%s status=%s result=%s client=%s number=%s purpose=%r requested_by=%r",
                endpoint,
                status,
                result,
                client.name,
                masked or "-",
                purpose,
                requested_by,
            )
            return json_response(body, status=status, headers=headers)

        return view

    return decorator


def _unknown_number(citizen: Citizen | None, cmnd_number: str | None) -> str | None:
    """Name the document number the registry does not know, if any."""
    if citizen is None:
        return "cccd_number"
    known = cmnd_number is None or cmnd_number == citizen.cmnd_number
    if not known and not Citizen.objects.filter(cmnd_number=cmnd_number).exists():
        return "cmnd_number"
    return None


@api_endpoint("verify")
def verify(data: dict[str, Any], client: ApiClient) -> Answer:
    """Compare the attributes sent with the citizen's record; return (body, result, citizen)."""
    errors: dict[str, list[str]] = {}
    number = _cccd_field(data, errors)
    cmnd_number = _optional_cmnd(data, errors)
    full_name = _optional_full_name(data, errors)
    birth_date = _optional_birth_date(data, errors)
    _context_fields(data, errors)
    if not client.can_read_records:
        # With one attribute per call, an overall answer is a per-field verdict again.
        for name, value in (("full_name", full_name), ("birth_date", birth_date)):
            if value is None and name not in errors:
                errors[name] = [
                    "Khoá chỉ được so khớp phải gửi đủ họ tên và ngày sinh cùng số CCCD."
                ]
    if errors:
        raise _invalid(errors)

    citizen = _find_citizen(number)
    body: dict[str, Any]
    if citizen is None:
        if not client.can_read_records:
            body = {"match": False, "citizen_status": None, "unknown_number": "cccd_number"}
            return body, "not_found", None
        body = {"match": False, "citizen_status": None, "fields": {"cccd_number": "not_found"}}
        return body, "not_found", None

    compared = {"cccd_number": True}
    if cmnd_number is not None:
        compared["cmnd_number"] = cmnd_number == citizen.cmnd_number
    if full_name is not None:
        compared["full_name"] = names_match(full_name, citizen.full_name)
    if birth_date is not None:
        compared["birth_date"] = birth_date == citizen.birth_date
    mismatched = [_MISMATCH_LOG_NAMES[name] for name, same in compared.items() if not same]
    # The log keeps the precise reason whatever the caller is told.
    result = "mismatch:" + ",".join(mismatched) if mismatched else "match"
    if not client.can_read_records:
        # A key that may only verify learns one verdict, never which attribute was wrong.
        body = {
            "match": not mismatched,
            "citizen_status": None if mismatched else citizen.status,
            "unknown_number": _unknown_number(citizen, cmnd_number),
        }
        return body, result, citizen
    body = {
        "match": not mismatched,
        "citizen_status": citizen.status,
        "fields": {name: "match" if same else "mismatch" for name, same in compared.items()},
    }
    return body, result, citizen


def citizen_record(citizen: Citizen) -> dict[str, Any]:
    """Return the JSON record of a citizen as the lookup endpoint sends it."""
    record = {name: getattr(citizen, name) for name in RECORD_FIELDS}
    for name in ("birth_date", "card_issue_date"):
        record[name] = record[name].isoformat() if record[name] else None
    return record


@api_endpoint("lookup", needs_read_records=True)
def lookup(data: dict[str, Any], client: ApiClient) -> Answer:
    """Return the citizen's full record as (body, result, citizen)."""
    errors: dict[str, list[str]] = {}
    number = _cccd_field(data, errors)
    _context_fields(data, errors)
    if errors:
        raise _invalid(errors)
    citizen = _find_citizen(number)
    if citizen is None:
        raise ApiError(404, "not_found", "Không tìm thấy công dân có số định danh này.")
    return {"citizen": citizen_record(citizen)}, "found", citizen


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    """Serve the OpenAPI document of this API; no key needed."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
