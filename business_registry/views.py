"""The business registry's JSON API, as docs/business-registry-api.md describes it."""

import logging
from typing import Any

from django.db.models import F, Prefetch
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from api_kit.registry_api import RegistryApi, clean_text, max_length, storable
from api_kit.server import (
    ApiError,
    BodyRefusals,
    ErrorFormat,
)
from idnumbers.names import names_match
from idnumbers.numbers import cccd_problems, mask_number, normalize_number
from idnumbers.tax_codes import normalize_tax_code, tax_code_problem

from . import rate_limit
from .models import ApiClient, Enterprise, FaultInjection, LegalRepresentative, LookupLog
from .openapi import openapi_document
from .purposes import PURPOSE_NOTE_MAX_LENGTH, PURPOSES

logger = logging.getLogger("business_registry.api")

# What an endpoint answers for a valid call: (body, result for the log, enterprise concerned).
Answer = tuple[dict[str, Any], str, Enterprise | None]


PURPOSE_NOTE_MAX_LENGTH = min(PURPOSE_NOTE_MAX_LENGTH, max_length(LookupLog, "purpose_note"))
REQUESTED_BY_MAX_LENGTH = max_length(LookupLog, "requested_by")
NAME_MAX_LENGTH = max_length(Enterprise, "name")
CODE_MAX_LENGTH = max_length(Enterprise, "enterprise_code")
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


def _log_masked_code(data: object) -> str:
    value = data.get("enterprise_code") if isinstance(data, dict) else None
    if not isinstance(value, str):
        return ""
    # Capped at the column's width; whatever was sent, only a masked form is ever stored.
    return mask_number(storable(normalize_tax_code(value))[:CODE_MAX_LENGTH])


REGISTRY_API = RegistryApi(
    errors=REGISTRY_ERRORS,
    body_refusals=BODY_REFUSALS,
    client_model=ApiClient,
    fault_model=FaultInjection,
    log_model=LookupLog,
    limiter=rate_limit.limiter,
    registry_name=REGISTRY_NAME,
    realm="business-registry",
    forbidden_message="Hệ thống của bạn không được cấp quyền tra cứu hồ sơ doanh nghiệp.",
    masked_field="masked_code",
    subject_field="enterprise",
    mask=_log_masked_code,
    logger=logger,
    purpose_note_length=PURPOSE_NOTE_MAX_LENGTH,
)
# The registry's fault and key check, as its tests call it.
_client_and_fault = REGISTRY_API.client_and_fault


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
    if note is not None and (not clean_text(note) or len(note) > PURPOSE_NOTE_MAX_LENGTH):
        errors["purpose_note"] = [
            f"Ghi chú mục đích phải là chuỗi ký tự dài tối đa {PURPOSE_NOTE_MAX_LENGTH} ký tự, "
            "không chứa ký tự điều khiển NUL."
        ]
    requested_by = data.get("requested_by")
    if requested_by is not None and (
        not clean_text(requested_by) or len(requested_by) > REQUESTED_BY_MAX_LENGTH
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


@REGISTRY_API.endpoint("lookup", needs_read_records=True)
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


@REGISTRY_API.endpoint("verify")
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
