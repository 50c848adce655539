"""The OpenAPI 3.1 document of the business registry API, written by hand to match views.py."""

from copy import deepcopy
from typing import Any

from api_kit.openapi import bearer_challenge, error_response

from .models import Enterprise
from .purposes import PURPOSE_NOTE_MAX_LENGTH, PURPOSES

_REGISTRY = "CSDL quốc gia về đăng ký doanh nghiệp"
_ERRORS = {
    "unauthorized": (
        "Thiếu tiêu đề Authorization, khoá không đúng hoặc đã bị vô hiệu hoá.",
        "Thiếu khoá API, khoá không đúng hoặc đã bị vô hiệu hoá.",
    ),
    "forbidden": (
        "Khoá hợp lệ nhưng hệ thống không được cấp quyền tra cứu hồ sơ (can_read_records).",
        "Hệ thống của bạn không được cấp quyền tra cứu hồ sơ doanh nghiệp.",
    ),
    "not_found": (
        "Không có doanh nghiệp, hộ kinh doanh nào mang mã số này (mã số hợp lệ nhưng chưa "
        "được cấp trong CSDL).",
        f"Không tìm thấy doanh nghiệp, hộ kinh doanh có mã số này trong {_REGISTRY}.",
    ),
    "internal_error": (
        'Sự cố giả lập "error" đang bật (hộp cát).',
        f"{_REGISTRY} gặp lỗi khi xử lý yêu cầu, vui lòng thử lại sau.",
    ),
    "unavailable": (
        'Sự cố giả lập "outage" đang bật (hộp cát).',
        f"{_REGISTRY} tạm ngừng hoạt động, vui lòng thử lại sau.",
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
        headers = bearer_challenge("business-registry")
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
            "enterprise_code": [
                "Mã số thuế không hợp lệ: chữ số kiểm tra (chữ số thứ 10) không đúng. "
                "Vui lòng kiểm tra lại từng chữ số trên giấy chứng nhận đăng ký doanh nghiệp."
            ]
        },
    )


_CODE = {
    "type": "string",
    "description": "Mã số doanh nghiệp, đồng thời là mã số thuế: 10 chữ số, chữ số thứ 10 là "
    "chữ số kiểm tra; chi nhánh, đơn vị phụ thuộc: 13 chữ số (mã của doanh nghiệp và 3 chữ số "
    "001–999). Dấu cách, dấu chấm, dấu gạch ngang và chữ số toàn khổ được chấp nhận.",
    "examples": ["0100109106", "0100109106-001"],
}
_CODE_OUT = {"type": "string", "pattern": r"^([0-9]{10}|[0-9]{13})$"}
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
_STATUS = {
    "type": "string",
    "enum": list(Enterprise.Status.values),
    "description": "; ".join(f"`{value}`: {label}" for value, label in Enterprise.Status.choices),
}
_KIND = {
    "type": "string",
    "enum": list(Enterprise.Kind.values),
    "description": "; ".join(f"`{value}`: {label}" for value, label in Enterprise.Kind.choices),
}

_SCHEMAS = {
    "LookupRequest": {
        "type": "object",
        "required": ["enterprise_code", "purpose"],
        "properties": {
            "enterprise_code": _CODE,
            "purpose": _PURPOSE,
            "purpose_note": _PURPOSE_NOTE,
            "requested_by": _REQUESTED_BY,
        },
        "example": {
            "enterprise_code": "0100109106",
            "purpose": "organisation_eid_registration",
            "requested_by": "vneid-account:42",
        },
    },
    "VerifyRequest": {
        "type": "object",
        "required": ["enterprise_code", "purpose"],
        "properties": {
            "enterprise_code": _CODE,
            "name": {
                "type": ["string", "null"],
                "maxLength": 255,
                "description": "Tên doanh nghiệp; so khớp theo NFC, gộp khoảng trắng, không "
                "phân biệt hoa thường, có phân biệt dấu. Cần name, representative_cccd hoặc cả "
                "hai.",
            },
            "representative_cccd": {
                "type": ["string", "null"],
                "description": "Số CCCD (12 chữ số) của người được cho là người đại diện theo "
                "pháp luật.",
            },
            "purpose": _PURPOSE,
            "purpose_note": _PURPOSE_NOTE,
            "requested_by": _REQUESTED_BY,
        },
        "example": {
            "enterprise_code": "0100109106",
            "name": "Công ty TNHH Hội An Xanh",
            "representative_cccd": "049190012345",
            "purpose": "organisation_eid_registration",
            "requested_by": "vneid-account:42",
        },
    },
    "Representative": {
        "type": "object",
        "additionalProperties": False,
        "required": ["cccd_number", "full_name", "position", "since", "until"],
        "properties": {
            "cccd_number": {"type": "string", "pattern": r"^[0-9]{12}$"},
            "full_name": {"type": "string"},
            "position": {"type": "string"},
            "since": {"type": "string", "format": "date"},
            "until": {
                "type": ["string", "null"],
                "format": "date",
                "description": "null: đang là người đại diện; có ngày: người đại diện trước đây.",
            },
        },
    },
    "Enterprise": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "enterprise_code",
            "tax_code",
            "kind",
            "name",
            "short_name",
            "foreign_name",
            "established_on",
            "head_office_address",
            "status",
            "representatives",
        ],
        "properties": {
            "enterprise_code": _CODE_OUT,
            "tax_code": {**_CODE_OUT, "description": "Bằng enterprise_code."},
            "kind": _KIND,
            "name": {"type": "string"},
            "short_name": {"type": "string"},
            "foreign_name": {"type": "string"},
            "established_on": {"type": "string", "format": "date"},
            "head_office_address": {"type": "string"},
            "status": _STATUS,
            "representatives": {
                "type": "array",
                "description": "Người đại diện hiện tại trước (until là null), rồi người "
                "đại diện trước đây.",
                "items": {"$ref": "#/components/schemas/Representative"},
            },
        },
    },
    "LookupResponse": {
        "type": "object",
        "required": ["enterprise"],
        "additionalProperties": False,
        "properties": {"enterprise": {"$ref": "#/components/schemas/Enterprise"}},
    },
    "VerifyResponse": {
        "type": "object",
        "required": ["match", "status", "fields"],
        "additionalProperties": False,
        "properties": {
            "match": {
                "type": "boolean",
                "description": "true khi tên (nếu gửi) khớp và người gửi số CCCD (nếu gửi) "
                "đang là người đại diện. Tình trạng doanh nghiệp không tính vào match: xem "
                "status.",
            },
            "status": _STATUS,
            "fields": {
                "type": "object",
                "additionalProperties": False,
                "description": "Chỉ có các trường đã gửi.",
                "properties": {
                    "name": {"type": "string", "enum": ["match", "mismatch"]},
                    "representative": {
                        "type": "string",
                        "enum": ["current", "former", "none"],
                        "description": "`current`: đang là người đại diện; `former`: đã từng, "
                        "nay đã thay đổi người đại diện; `none`: không phải người đại diện.",
                    },
                },
            },
        },
        "example": {
            "match": False,
            "status": "active",
            "fields": {"name": "match", "representative": "former"},
        },
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
        "title": f"{_REGISTRY} — API v1 (hộp cát)",
        "version": "1.0.0",
        "description": (
            "API giả lập của Cơ sở dữ liệu quốc gia về đăng ký doanh nghiệp cho các hệ thống "
            "kết nối (VNeID khi đăng ký định danh điện tử tổ chức). Mã số doanh nghiệp chỉ đi "
            "trong nội dung yêu cầu, không bao giờ trong URL. Mọi lời gọi có khoá hợp lệ (kể cả "
            "bị từ chối) được ghi nhật ký với mã đã che, hệ thống gọi, requested_by và purpose. "
            "Mã sai chữ số kiểm tra nhận 400 (không tra CSDL); mã hợp lệ chưa được cấp nhận 404. "
            "Các sự cố giả lập (độ trễ, lỗi 500, ngừng hoạt động 503) áp dụng cho verify và "
            "lookup, trước cả bước kiểm tra khoá. Phương thức khác POST nhận 405 với tiêu đề "
            '`Allow: POST`. Mọi lỗi trả về JSON `{"error": mã ổn định, "message": thông '
            "báo tiếng Việt}` (400 thêm `fields`). Giới hạn lời gọi: mặc định 60 lời gọi mỗi "
            "phút cho mỗi khoá và 60 cho mỗi địa chỉ IP; vượt quá nhận 429 với tiêu đề "
            "`Retry-After`."
        ),
    },
    "servers": [{"url": "/business-registry/api/v1"}],
    "security": [{"bearerAuth": []}],
    "paths": {
        "/enterprises/verify": {
            "post": {
                "operationId": "verifyEnterprise",
                "summary": "So khớp tên doanh nghiệp và người đại diện theo pháp luật",
                "description": "Mọi khoá hợp lệ đều được gọi; nhận kết quả từng trường đã gửi.",
                "requestBody": _json_body("VerifyRequest"),
                "responses": {
                    "200": _ok("Kết quả so khớp từng trường và tình trạng.", "VerifyResponse"),
                    **_refusals("401", "404", "429", "500", "503"),
                },
            }
        },
        "/enterprises/lookup": {
            "post": {
                "operationId": "lookupEnterprise",
                "summary": "Tra cứu hồ sơ của một doanh nghiệp, hộ kinh doanh",
                "description": "Cần khoá có quyền can_read_records.",
                "requestBody": _json_body("LookupRequest"),
                "responses": {
                    "200": _ok("Hồ sơ doanh nghiệp và người đại diện.", "LookupResponse"),
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
                "`manage.py create_business_registry_api_key`); chỉ hiển thị một lần.",
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
