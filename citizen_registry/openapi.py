"""The OpenAPI 3.1 document of the registry API, written by hand to match views.py."""

from copy import deepcopy
from typing import Any

from api_kit.openapi import bearer_challenge, error_response

from .models import RECORD_FIELDS
from .purposes import PURPOSE_NOTE_MAX_LENGTH, PURPOSES

_NUMBER_PATTERN = r"^[0-9]{12}$"

_ERRORS = {
    "unauthorized": (
        "Thiếu tiêu đề Authorization, khoá không đúng hoặc đã bị vô hiệu hoá.",
        "Thiếu khoá API, khoá không đúng hoặc đã bị vô hiệu hoá.",
    ),
    "forbidden": (
        "Khoá hợp lệ nhưng hệ thống không được cấp quyền tra cứu hồ sơ (can_read_records).",
        "Hệ thống của bạn không được cấp quyền tra cứu hồ sơ công dân.",
    ),
    "not_found": (
        "Không có công dân nào mang số định danh này.",
        "Không tìm thấy công dân có số định danh này.",
    ),
    "internal_error": (
        'Sự cố giả lập "error" đang bật (hộp cát).',
        "CSDL Quốc gia về Dân cư gặp lỗi khi xử lý yêu cầu, vui lòng thử lại sau.",
    ),
    "unavailable": (
        'Sự cố giả lập "outage" đang bật (hộp cát).',
        "CSDL Quốc gia về Dân cư tạm ngừng hoạt động, vui lòng thử lại sau.",
    ),
    "rate_limited": (
        "Quá số lời gọi cho phép trong phút hiện tại, theo khoá hoặc theo địa chỉ gọi "
        "(mặc định 60 lời gọi mỗi phút cho mỗi khoá và cho mỗi địa chỉ; một khoá có thể được "
        "cấp giới hạn riêng). Gọi lại sau số giây ghi trong tiêu đề Retry-After.",
        "Hệ thống của bạn đã gọi quá số lần cho phép trong một phút; vui lòng thử lại sau 42 giây.",
    ),
}
_ERROR_RESPONSES = {
    "401": "unauthorized",
    "403": "forbidden",
    "404": "not_found",
    "500": "internal_error",
    "503": "unavailable",
    "429": "rate_limited",
}


def _error_response(code: str) -> dict[str, Any]:
    description, message = _ERRORS[code]
    headers = None
    if code == "unauthorized":
        headers = bearer_challenge("registry")
    if code == "rate_limited":
        headers = {
            "Retry-After": {
                "description": "Số giây đến khi phút đếm hiện tại kết thúc (1–60).",
                "required": True,
                "schema": {"type": "string", "pattern": "^[0-9]+$"},
            }
        }
    return error_response(code, description, message, headers=headers)


def _invalid_request_response() -> dict[str, Any]:
    return error_response(
        "invalid_request",
        "Nội dung không phải JSON, hoặc có trường sai; lý do theo từng trường.",
        "Yêu cầu không hợp lệ: vui lòng kiểm tra các trường được nêu.",
        example_fields={
            "cccd_number": ["Số CCCD phải gồm đúng 12 chữ số (bạn đã nhập 11 chữ số)."]
        },
    )


_CCCD_NUMBER = {
    "type": "string",
    "description": "Số định danh cá nhân (CCCD), 12 chữ số. Chữ số toàn khổ được chấp nhận; "
    "dấu cách và dấu chấm được bỏ qua. 3 chữ số đầu là mã tỉnh nơi đăng ký khai sinh.",
    "examples": ["001190012345"],
}
_PURPOSE = {
    "type": "string",
    "enum": list(PURPOSES),
    "description": "Mã mục đích tra cứu trong danh sách công bố, ghi vào nhật ký: "
    + "; ".join(f"`{code}`: {label}" for code, label in PURPOSES.items())
    + ".",
}
_PURPOSE_NOTE = {
    "type": ["string", "null"],
    "maxLength": PURPOSE_NOTE_MAX_LENGTH,
    "description": "Ghi chú tự do về mục đích (tuỳ chọn), ghi vào nhật ký.",
}
_REQUESTED_BY = {
    "type": "string",
    "maxLength": 150,
    "description": "Người hoặc tài khoản mà hệ thống gọi thay mặt, ghi vào nhật ký.",
}
_FIELD_RESULT = {"type": "string", "enum": ["match", "mismatch"]}
_FIELDS_NOTE = (
    " Bắt buộc với khoá chỉ được so khớp (không có can_read_records); với khoá được tra cứu "
    "hồ sơ, chỉ so khớp khi có giá trị."
)
_STATUS = {"type": "string", "enum": ["alive", "deceased", "card_revoked"]}

_SCHEMAS = {
    "VerifyRequest": {
        "type": "object",
        "required": ["cccd_number", "purpose"],
        "properties": {
            "cccd_number": _CCCD_NUMBER,
            "cmnd_number": {
                "type": ["string", "null"],
                "description": "Số CMND cũ (9 hoặc 12 chữ số); chỉ so khớp khi có giá trị.",
            },
            "full_name": {
                "type": ["string", "null"],
                "maxLength": 150,
                "description": "So khớp theo NFC, gộp khoảng trắng, không phân biệt hoa "
                'thường; dấu có phân biệt ("Nga" ≠ "Ngà").' + _FIELDS_NOTE,
            },
            "birth_date": {
                "type": ["string", "null"],
                "format": "date",
                "description": "YYYY-MM-DD." + _FIELDS_NOTE,
            },
            "purpose": _PURPOSE,
            "purpose_note": _PURPOSE_NOTE,
            "requested_by": _REQUESTED_BY,
        },
        "example": {
            "cccd_number": "036190012345",
            "cmnd_number": "164438056",
            "full_name": "Tô Thị Nga",
            "birth_date": "1990-05-01",
            "purpose": "cccd_linking",
            "purpose_note": "Liên kết số CCCD với tài khoản Cổng DVCQG",
            "requested_by": "portal-account:42",
        },
    },
    "VerifyResponse": {
        "description": "Khoá được tra cứu hồ sơ (can_read_records) nhận kết quả từng trường "
        "(VerifyFieldsResponse); khoá chỉ được so khớp nhận một kết quả chung "
        "(VerifyOverallResponse), không bao giờ biết trường nào sai.",
        "oneOf": [
            {"$ref": "#/components/schemas/VerifyFieldsResponse"},
            {"$ref": "#/components/schemas/VerifyOverallResponse"},
        ],
    },
    "VerifyOverallResponse": {
        "type": "object",
        "required": ["match", "citizen_status", "unknown_number"],
        "additionalProperties": False,
        "properties": {
            "match": {
                "type": "boolean",
                "description": "true chỉ khi có công dân mang số này và mọi trường gửi đến "
                "đều khớp.",
            },
            "citizen_status": {
                "type": ["string", "null"],
                "enum": ["alive", "deceased", "card_revoked", None],
                "description": "Tình trạng của công dân, chỉ khi match là true; null khi "
                "không khớp.",
            },
            "unknown_number": {
                "type": ["string", "null"],
                "enum": ["cccd_number", "cmnd_number", None],
                "description": "Số giấy tờ mà CSDL không có: cccd_number khi không công dân "
                "nào mang số CCCD này, cmnd_number khi không công dân nào mang số CMND đã "
                "gửi; null khi cả hai đều có.",
            },
        },
        "example": {"match": False, "citizen_status": None, "unknown_number": None},
    },
    "VerifyFieldsResponse": {
        "type": "object",
        "required": ["match", "citizen_status", "fields"],
        "additionalProperties": False,
        "properties": {
            "match": {
                "type": "boolean",
                "description": "true chỉ khi có công dân mang số này và mọi trường được so "
                "đều khớp.",
            },
            "citizen_status": {
                "type": ["string", "null"],
                "enum": ["alive", "deceased", "card_revoked", None],
                "description": "null khi không có công dân mang số này.",
            },
            "fields": {
                "type": "object",
                "required": ["cccd_number"],
                "additionalProperties": False,
                "description": "Chỉ có các trường đã gửi; khi cccd_number là not_found thì "
                "không có trường nào khác.",
                "properties": {
                    "cccd_number": {"type": "string", "enum": ["match", "not_found"]},
                    "cmnd_number": _FIELD_RESULT,
                    "full_name": _FIELD_RESULT,
                    "birth_date": _FIELD_RESULT,
                },
            },
        },
        "example": {
            "match": False,
            "citizen_status": "alive",
            "fields": {
                "cccd_number": "match",
                "cmnd_number": "match",
                "full_name": "mismatch",
                "birth_date": "match",
            },
        },
    },
    "LookupRequest": {
        "type": "object",
        "required": ["cccd_number", "purpose"],
        "properties": {
            "cccd_number": _CCCD_NUMBER,
            "purpose": _PURPOSE,
            "purpose_note": _PURPOSE_NOTE,
            "requested_by": _REQUESTED_BY,
        },
    },
    "Citizen": {
        "type": "object",
        "additionalProperties": False,
        "required": list(RECORD_FIELDS),
        "properties": {
            "cccd_number": {"type": "string", "pattern": _NUMBER_PATTERN},
            "cmnd_number": {
                "type": "string",
                "pattern": r"^([0-9]{9}|[0-9]{12})?$",
                "description": "Chuỗi rỗng khi công dân chưa từng có CMND.",
            },
            "full_name": {"type": "string"},
            "birth_date": {"type": "string", "format": "date"},
            "gender": {"type": "string", "enum": ["male", "female"]},
            "place_of_birth": {"type": "string"},
            "place_of_origin": {"type": "string"},
            "permanent_address": {"type": "string"},
            "ethnicity": {"type": "string"},
            "nationality": {"type": "string"},
            "card_issue_date": {"type": ["string", "null"], "format": "date"},
            "status": _STATUS,
        },
    },
    "LookupResponse": {
        "type": "object",
        "required": ["citizen"],
        "additionalProperties": False,
        "properties": {"citizen": {"$ref": "#/components/schemas/Citizen"}},
    },
}


def _json_content(schema_name: str) -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}


def _json_body(schema_name: str) -> dict[str, Any]:
    return {"required": True, "content": _json_content(schema_name)}


def _ok(description: str, schema_name: str) -> dict[str, Any]:
    return {"description": description, "content": _json_content(schema_name)}


def _refusals(*statuses: str) -> dict[str, Any]:
    responses: dict[str, Any] = {"400": {"$ref": "#/components/responses/InvalidRequest"}}
    for status in statuses:
        responses[status] = {"$ref": f"#/components/responses/{_ERROR_RESPONSES[status]}"}
    return responses


_DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "CSDL Quốc gia về Dân cư — API v1 (hộp cát)",
        "version": "1.0.0",
        "description": (
            "API giả lập của Cơ sở dữ liệu Quốc gia về Dân cư cho các hệ thống kết nối. "
            "Số CCCD/CMND chỉ đi trong nội dung yêu cầu, không bao giờ trong URL. Mọi lời gọi "
            "(kể cả bị từ chối) được ghi nhật ký với số đã che. Các sự cố giả lập (độ trễ, "
            "lỗi 500, ngừng hoạt động 503) áp dụng cho verify và lookup, trước cả bước kiểm tra "
            "khoá. Phương thức khác POST trên hai đường dẫn này nhận 405 với tiêu đề "
            '`Allow: POST`. Mọi lỗi trả về JSON `{"error": mã ổn định, "message": thông '
            "báo tiếng Việt}` (400 thêm `fields`). Giới hạn lời gọi: mặc định 60 lời gọi mỗi "
            "phút cho mỗi khoá và 60 cho mỗi địa chỉ IP (kể cả lời gọi không có khoá); vượt "
            "quá nhận 429 với tiêu đề `Retry-After`. Lời gọi không có khoá hợp lệ nhận 401 và "
            "chỉ được ghi vào nhật ký hệ thống, không vào bảng nhật ký tra cứu."
        ),
    },
    "servers": [{"url": "/registry/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": {
        "/citizens/verify": {
            "post": {
                "operationId": "verifyCitizen",
                "summary": "So khớp thông tin của một công dân",
                "description": "Khoá chỉ được so khớp phải gửi họ tên và ngày sinh cùng số "
                "CCCD và chỉ nhận một kết quả chung; khoá được tra cứu hồ sơ nhận kết quả "
                "từng trường và chỉ so khớp cmnd_number, full_name, birth_date khi chúng có "
                "giá trị (không thiếu, không null, không rỗng).",
                "requestBody": _json_body("VerifyRequest"),
                "responses": {
                    "200": _ok(
                        "Kết quả so khớp, chung hoặc từng trường tuỳ quyền của khoá (kể cả "
                        "khi không tìm thấy số CCCD).",
                        "VerifyResponse",
                    ),
                    **_refusals("401", "429", "500", "503"),
                },
            }
        },
        "/citizens/lookup": {
            "post": {
                "operationId": "lookupCitizen",
                "summary": "Tra cứu hồ sơ của một công dân",
                "description": "Cần khoá có quyền can_read_records.",
                "requestBody": _json_body("LookupRequest"),
                "responses": {
                    "200": _ok("Hồ sơ công dân.", "LookupResponse"),
                    **_refusals("401", "403", "404", "429", "500", "503"),
                },
            }
        },
        "/openapi.json": {
            "get": {
                "operationId": "getOpenApiDocument",
                "summary": "Tài liệu OpenAPI này",
                "security": [],
                "responses": {
                    "200": {
                        "description": "Tài liệu OpenAPI 3.1.",
                        "content": {"application/json": {"schema": {"type": "object"}}},
                    }
                },
            }
        },
    },
    "components": {
        "securitySchemes": {
            "bearerAuth": {
                "type": "http",
                "scheme": "bearer",
                "description": "Khoá API cấp cho từng hệ thống kết nối (quản trị hoặc lệnh "
                "`manage.py create_registry_api_key`); chỉ hiển thị một lần.",
            }
        },
        "schemas": _SCHEMAS,
        "responses": {
            "InvalidRequest": _invalid_request_response(),
            **{code: _error_response(code) for code in _ERRORS},
        },
    },
}


def openapi_document() -> dict[str, Any]:
    """Return a copy of the OpenAPI document, safe for the caller to change."""
    return deepcopy(_DOCUMENT)
