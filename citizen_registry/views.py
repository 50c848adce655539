"""The population database's JSON API, as docs/registry-api.md describes it."""

import logging
import re
from datetime import date
from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_safe

from api_kit.registry_api import RegistryApi, clean_text, max_length, storable
from api_kit.server import (
    ApiError,
    BodyRefusals,
    ErrorFormat,
)
from idnumbers.names import names_match
from idnumbers.numbers import cccd_problems, cmnd_problems, mask_number, normalize_number

from . import rate_limit
from .models import RECORD_FIELDS, ApiClient, Citizen, FaultInjection, LookupLog
from .openapi import openapi_document
from .purposes import PURPOSE_NOTE_MAX_LENGTH, PURPOSES

logger = logging.getLogger("citizen_registry.api")

M = TypeVar("M", bound=Model)
# What an endpoint answers for a valid call: (body, result for the log, citizen concerned).
Answer = tuple[dict[str, Any], str, Citizen | None]


PURPOSE_NOTE_MAX_LENGTH = min(PURPOSE_NOTE_MAX_LENGTH, max_length(LookupLog, "purpose_note"))
REQUESTED_BY_MAX_LENGTH = max_length(LookupLog, "requested_by")
FULL_NAME_MAX_LENGTH = max_length(Citizen, "full_name")
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


def _one(queryset: QuerySet[M]) -> M | None:
    """Return the only row of a lookup by a unique key, or None (no ORDER BY, no count)."""
    rows = list(queryset[:1])
    return rows[0] if rows else None


def _log_masked_number(data: object) -> str:
    value = data.get("cccd_number") if isinstance(data, dict) else None
    if not isinstance(value, str):
        return ""
    # Capped at the column's width; whatever was sent, only a masked form is ever stored.
    return mask_number(storable(normalize_number(value))[:12])


REGISTRY_API = RegistryApi(
    errors=REGISTRY_ERRORS,
    body_refusals=BODY_REFUSALS,
    client_model=ApiClient,
    fault_model=FaultInjection,
    log_model=LookupLog,
    limiter=rate_limit.limiter,
    registry_name="CSDL Quốc gia về Dân cư",
    realm="registry",
    forbidden_message="Hệ thống của bạn không được cấp quyền tra cứu hồ sơ công dân.",
    masked_field="masked_number",
    subject_field="citizen",
    mask=_log_masked_number,
    logger=logger,
    purpose_note_length=PURPOSE_NOTE_MAX_LENGTH,
)
# The registry's fault and key check, as its tests call it.
_client_and_fault = REGISTRY_API.client_and_fault


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


def _unknown_number(citizen: Citizen | None, cmnd_number: str | None) -> str | None:
    """Name the document number the registry does not know, if any."""
    if citizen is None:
        return "cccd_number"
    known = cmnd_number is None or cmnd_number == citizen.cmnd_number
    if not known and not Citizen.objects.filter(cmnd_number=cmnd_number).exists():
        return "cmnd_number"
    return None


@REGISTRY_API.endpoint("verify")
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


@REGISTRY_API.endpoint("lookup", needs_read_records=True)
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
