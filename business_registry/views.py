"""The business registry's JSON API, as docs/business-registry-api.md describes it."""

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db.models import F, Field, Model, Prefetch, Subquery
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
from idnumbers.numbers import cccd_problems, mask_number, normalize_number
from idnumbers.tax_codes import normalize_tax_code, tax_code_problem

from . import faults, rate_limit
from .models import ApiClient, Enterprise, FaultInjection, LegalRepresentative, LookupLog
from .openapi import openapi_document
from .purposes import PURPOSE_NOTE_MAX_LENGTH, PURPOSES

logger = logging.getLogger("business_registry.api")

# What an endpoint answers for a valid call: (body, result for the log, enterprise concerned).
Answer = tuple[dict[str, Any], str, Enterprise | None]
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
NAME_MAX_LENGTH = _max_length(Enterprise, "name")
CODE_MAX_LENGTH = _max_length(Enterprise, "enterprise_code")
RESULT_MAX_LENGTH = _max_length(LookupLog, "result")
REGISTRY_NAME = "CSDL quốc gia về đăng ký doanh nghiệp"

REGISTRY_ERRORS = ErrorFormat(
    method_message="Phương thức không được hỗ trợ; hãy gửi yêu cầu {methods}."
)
BODY_REFUSALS = BodyRefusals(
    not_json="Nội dung yêu cầu phải là JSON hợp lệ, mã hoá UTF-8.",
    not_object="Nội dung yêu cầu phải là một đối tượng JSON.",
    with_fields=True,
)
NOT_FOUND_MESSAGE = (
    "Không tìm thấy doanh nghiệp, hộ kinh doanh có mã số này trong CSDL quốc gia về đăng ký "
    "doanh nghiệp."
)


def _invalid(fields: dict[str, list[str]]) -> ApiError:
    message = "Yêu cầu không hợp lệ: vui lòng kiểm tra các trường được nêu."
    return ApiError(400, "invalid_request", message, fields=fields)


def _not_found() -> ApiError:
    return ApiError(404, "not_found", NOT_FOUND_MESSAGE)


def _bearer_digest(request: HttpRequest) -> str | None:
    key = bearer_key(request)
    return hash_secret(key) if key else None


def _client_and_fault(digest: str | None) -> tuple[ApiClient | None, str, int]:
    """Return (client or None, fault mode, latency in ms); one query for a known key."""
    # The fault row rides along as two subqueries, as at the population registry.
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
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _clean_text(value: object) -> bool:
    return isinstance(value, str) and "\x00" not in value and _storable(value) == value


def _log_text(data: object, name: str, max_length: int) -> str:
    value = data.get(name) if isinstance(data, dict) else None
    return _storable(value)[:max_length] if isinstance(value, str) else ""


def _log_masked_code(data: object) -> str:
    value = data.get("enterprise_code") if isinstance(data, dict) else None
    if not isinstance(value, str):
        return ""
    # Capped at the column's width; whatever was sent, only a masked form is ever stored.
    return mask_number(_storable(normalize_tax_code(value))[:CODE_MAX_LENGTH])


def _code_field(data: dict[str, Any], errors: dict[str, list[str]]) -> str:
    value = data.get("enterprise_code")
    if value is None or (isinstance(value, str) and not value.strip()):
        errors["enterprise_code"] = ["Vui lòng nhập mã số doanh nghiệp (mã số thuế)."]
        return ""
    if not isinstance(value, str):
        errors["enterprise_code"] = [
            "Mã số doanh nghiệp phải được gửi dưới dạng chuỗi (trong dấu ngoặc kép) để giữ "
            "các số 0 ở đầu."
        ]
        return ""
    code = normalize_tax_code(value)
    problem = tax_code_problem(code)
    if problem is not None:
        errors["enterprise_code"] = [problem]
    return code


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


def _name_field(data: dict[str, Any], errors: dict[str, list[str]]) -> str | None:
    value = data.get("name")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        errors["name"] = ["Tên doanh nghiệp phải là chuỗi ký tự."]
        return None
    if len(value) > NAME_MAX_LENGTH:
        errors["name"] = [f"Tên doanh nghiệp dài tối đa {NAME_MAX_LENGTH} ký tự."]
        return None
    return value


def _representative_field(data: dict[str, Any], errors: dict[str, list[str]]) -> str | None:
    value = data.get("representative_cccd")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not isinstance(value, str):
        errors["representative_cccd"] = [
            "Số CCCD phải được gửi dưới dạng chuỗi (trong dấu ngoặc kép) để giữ các số 0 ở đầu."
        ]
        return None
    number = normalize_number(value)
    problems = cccd_problems(number)
    if problems:
        errors["representative_cccd"] = [problem.message for problem in problems]
        return None
    return number


def _find_enterprise(code: str) -> Enterprise | None:
    """Return the enterprise under code with its representatives (two queries), or None."""
    # Current representatives (no end date) first, on PostgreSQL as on SQLite.
    representatives = LegalRepresentative.objects.order_by(
        F("until").asc(nulls_first=True), "since", "id"
    )
    rows = list(
        Enterprise.objects.filter(enterprise_code=code).prefetch_related(
            Prefetch("representatives", queryset=representatives)
        )[:1]
    )
    return rows[0] if rows else None


def _refuse_for_fault(mode: str, latency_ms: int) -> None:
    if mode == faults.Mode.LATENCY:
        faults.wait_for_latency(latency_ms)
    elif mode == faults.Mode.ERROR:
        raise ApiError(
            500,
            "internal_error",
            f"{REGISTRY_NAME} gặp lỗi khi xử lý yêu cầu, vui lòng thử lại sau.",
        )
    elif mode == faults.Mode.OUTAGE:
        raise ApiError(
            503, "unavailable", f"{REGISTRY_NAME} tạm ngừng hoạt động, vui lòng thử lại sau."
        )


def _unauthorized() -> ApiError:
    return ApiError(
        401,
        "unauthorized",
        "Thiếu khoá API, khoá không đúng hoặc đã bị vô hiệu hoá.",
        headers={"WWW-Authenticate": 'Bearer realm="business-registry"'},
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
) -> tuple[dict[str, Any], str, int, dict[str, str], Enterprise | None]:
    """Return (body, result, status, headers, enterprise) for a call by a valid key."""
    try:
        if needs_read_records and not client.can_read_records:
            raise ApiError(
                403,
                "forbidden",
                "Hệ thống của bạn không được cấp quyền tra cứu hồ sơ doanh nghiệp.",
            )
        if body_error is not None:
            raise body_error
        # _read_body gives either a body or the refusal raised just above.
        assert data is not None
        body, result, enterprise = answer(data, client)
    except ApiError as refusal:
        return REGISTRY_ERRORS.body(refusal), refusal.code, refusal.status, refusal.headers, None
    return body, result, 200, {}, enterprise


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
                headers, enterprise = refusal.headers, None
            else:
                # Read only for a known caller: an anonymous body is never parsed or stored.
                data, body_error = _read_body(request)
                body, result, status, headers, enterprise = _answer(
                    client, data, body_error, answer, needs_read_records
                )

            masked = _log_masked_code(data)
            purpose = _log_text(data, "purpose", PURPOSE_MAX_LENGTH)
            purpose_note = _log_text(data, "purpose_note", PURPOSE_NOTE_MAX_LENGTH)
            requested_by = _log_text(data, "requested_by", REQUESTED_BY_MAX_LENGTH)
            LookupLog.objects.create(
                client=client,
                enterprise=enterprise,
                endpoint=endpoint,
                masked_code=masked,
                purpose=purpose,
                purpose_note=purpose_note,
                requested_by=requested_by,
                result=result[:RESULT_MAX_LENGTH],
                status_code=status,
                duration_ms=round((time.monotonic() - started) * 1000),
            )
            logger.log(
                logging.INFO if status in (200, 404) else logging.WARNING,
                "%s status=%s result=%s client=%s code=%s purpose=%r requested_by=%r",
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


def representative_record(representative: LegalRepresentative) -> dict[str, Any]:
    """Return the JSON of one legal representative as the lookup endpoint sends it."""
    return {
        "cccd_number": representative.cccd_number,
        "full_name": representative.full_name,
        "position": representative.position,
        "since": representative.since.isoformat(),
        "until": representative.until.isoformat() if representative.until else None,
    }


def enterprise_record(enterprise: Enterprise) -> dict[str, Any]:
    """Return the JSON record of an enterprise as the lookup endpoint sends it."""
    return {
        "enterprise_code": enterprise.enterprise_code,
        "tax_code": enterprise.tax_code,
        "kind": enterprise.kind,
        "name": enterprise.name,
        "short_name": enterprise.short_name,
        "foreign_name": enterprise.foreign_name,
        "established_on": enterprise.established_on.isoformat(),
        "head_office_address": enterprise.head_office_address,
        "status": enterprise.status,
        "representatives": [representative_record(r) for r in enterprise.representatives.all()],
    }


@api_endpoint("lookup", needs_read_records=True)
def lookup(data: dict[str, Any], client: ApiClient) -> Answer:
    """Return the enterprise's full record as (body, result, enterprise)."""
    errors: dict[str, list[str]] = {}
    code = _code_field(data, errors)
    _context_fields(data, errors)
    if errors:
        raise _invalid(errors)
    enterprise = _find_enterprise(code)
    if enterprise is None:
        raise _not_found()
    return {"enterprise": enterprise_record(enterprise)}, "found", enterprise


def _representative_verdict(enterprise: Enterprise, number: str | None) -> str | None:
    if number is None:
        return None
    rows = [r for r in enterprise.representatives.all() if r.cccd_number == number]
    if any(r.current for r in rows):
        return "current"
    return "former" if rows else "none"


@api_endpoint("verify")
def verify(data: dict[str, Any], client: ApiClient) -> Answer:
    """Compare a name and a representative with the record; return (body, result, enterprise)."""
    errors: dict[str, list[str]] = {}
    code = _code_field(data, errors)
    name = _name_field(data, errors)
    number = _representative_field(data, errors)
    _context_fields(data, errors)
    if name is None and number is None and not {"name", "representative_cccd"} & set(errors):
        errors["name"] = [
            "Vui lòng gửi tên doanh nghiệp (name), số CCCD người đại diện "
            "(representative_cccd), hoặc cả hai để so khớp."
        ]
    if errors:
        raise _invalid(errors)
    enterprise = _find_enterprise(code)
    if enterprise is None:
        raise _not_found()
    fields: dict[str, str] = {}
    if name is not None:
        fields["name"] = "match" if names_match(name, enterprise.name) else "mismatch"
    verdict = _representative_verdict(enterprise, number)
    if verdict is not None:
        fields["representative"] = verdict
    match = fields.get("name", "match") == "match" and fields.get("representative") in (
        None,
        "current",
    )
    # The log keeps the precise reason; the caller is told it too, field by field.
    # "mismatch:name", "mismatch:representative_former", or both, comma-separated.
    wrong = [
        key if value == "mismatch" else f"{key}_{value}"
        for key, value in fields.items()
        if value not in ("match", "current")
    ]
    result = "mismatch:" + ",".join(wrong) if wrong else "match"
    body = {"match": match, "status": enterprise.status, "fields": fields}
    return body, result, enterprise


@require_safe
def openapi(request: HttpRequest) -> JsonResponse:
    """Serve the OpenAPI document of this API; no key needed."""
    return JsonResponse(openapi_document(), json_dumps_params={"ensure_ascii": False})
