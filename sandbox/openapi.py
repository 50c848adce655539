"""The OpenAPI 3.1 document of the sandbox API, written by hand to match api.py."""

from copy import deepcopy
from typing import Any

from api_kit.openapi import bearer_challenge, error_response

from .persona_data import ORGANISATIONS, PERSONAS

_ERROR_MESSAGES = {
    "unauthorized": (
        "Thiếu tiêu đề Authorization hoặc mã truy cập hộp cát không đúng.",
        "Thiếu mã truy cập hộp cát (Authorization: Bearer …) hoặc mã không đúng. Mã được in "
        "khi chạy make run và hiển thị tại /sandbox/.",
    ),
    "not_found": (
        "Không có không gian làm việc mang mã này.",
        "Không có không gian làm việc mang mã này (có thể đã bị xoá hoặc đã hết hạn).",
    ),
}


def _error(code: str) -> dict[str, Any]:
    description, message = _ERROR_MESSAGES[code]
    headers = bearer_challenge("sandbox") if code == "unauthorized" else None
    return error_response(code, description, message, headers=headers)


_INVALID = error_response(
    "invalid_request",
    "Nội dung không phải JSON, hoặc có trường sai; lý do theo từng trường.",
    "Yêu cầu không hợp lệ: vui lòng kiểm tra các trường được nêu.",
    example_fields={"days": ["Số ngày trước khi hết hạn là số nguyên từ 1 đến 365."]},
)

_NULLABLE_STRING = {"type": ["string", "null"]}
_DATE_TIME = {"type": "string", "format": "date-time"}

_SCHEMAS = {
    "WorkspaceRequest": {
        "type": "object",
        "description": "Tuỳ chọn; có thể gửi nội dung rỗng.",
        "properties": {
            "name": {"type": "string", "maxLength": 100, "description": "Tên lớp hoặc phiên chạy."},
            "days": {
                "type": "integer",
                "minimum": 1,
                "maximum": 365,
                "description": "Số ngày trước khi hết hạn (mặc định 7); hết hạn thì bị xoá.",
            },
        },
        "example": {"name": "CI pipeline #1234", "days": 1},
    },
    "Class": {
        "type": "object",
        "required": ["id", "name", "seats", "created_at", "expires_at", "url"],
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "seats": {"type": "integer", "minimum": 1},
            "created_at": _DATE_TIME,
            "expires_at": _DATE_TIME,
            "url": {"type": "string", "description": "Bảng theo dõi của giảng viên."},
        },
    },
    "Seat": {
        "type": "object",
        "required": ["id", "seat", "code", "url", "expires_at", "personas"],
        "properties": {
            "id": {"type": "string", "description": "Dùng cho DELETE /workspaces/{id}."},
            "seat": {"type": "integer", "minimum": 1},
            "code": {"type": "string", "pattern": "^[A-Z2-9]{8}$"},
            "url": {"type": "string", "description": "Thẻ chỗ ngồi (trang in được, có mã QR)."},
            "expires_at": _DATE_TIME,
            "personas": {"type": "array", "items": {"$ref": "#/components/schemas/Persona"}},
            "organisations": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/Organisation"},
            },
        },
    },
    "Organisation": {
        "type": "object",
        "description": "Như một phần tử `type: organisation` của `python manage.py personas "
        "--json`, với mã số thuế của chỗ ngồi này (chữ số kiểm tra hợp lệ). Người đại diện và "
        "người được ủy quyền được nêu bằng khoá persona.",
        "required": [
            "key",
            "role",
            "name",
            "tax_code",
            "enterprise_code",
            "kind",
            "status",
            "representatives",
            "eid",
            "national",
            "provincial",
        ],
        "properties": {
            "key": {"type": "string", "enum": [org.key for org in ORGANISATIONS]},
            "role": {"type": "string"},
            "name": {"type": "string"},
            "short_name": {"type": "string"},
            "tax_code": {"type": "string", "pattern": "^[0-9]{10}$"},
            "enterprise_code": {"type": "string", "pattern": "^[0-9]{10}$"},
            "kind": {"type": "string"},
            "status": {"type": "string", "enum": ["active", "suspended", "dissolved"]},
            "representatives": {"type": "array", "items": {"type": "object"}},
            "eid": {"type": ["object", "null"]},
            "national": {"type": ["object", "null"]},
            "provincial": {"type": ["object", "null"]},
        },
    },
    "Persona": {
        "type": "object",
        "description": "Như một phần tử của `python manage.py personas --json`, với số của chỗ "
        "ngồi này.",
        "required": [
            "key",
            "role",
            "full_name",
            "password",
            "username",
            "cmnd_number",
            "cccd_number",
            "birth_date",
            "has_portal_account",
            "linked",
            "active",
            "is_official",
            "official_roles",
            "totp_secret",
            "dossiers",
            "vneid",
            "usb_token",
            "sim",
            "provincial",
        ],
        "properties": {
            "key": {"type": "string", "enum": [persona.key for persona in PERSONAS]},
            "role": {"type": "string"},
            "full_name": {"type": "string"},
            "password": _NULLABLE_STRING,
            "username": _NULLABLE_STRING,
            "cmnd_number": _NULLABLE_STRING,
            "cccd_number": {"type": "string", "pattern": "^[0-9]{12}$"},
            "birth_date": {"type": "string", "format": "date"},
            "has_portal_account": {"type": "boolean"},
            "linked": {"type": "boolean"},
            "active": {"type": "boolean"},
            "is_official": {"type": "boolean"},
            "official_roles": {"type": "array", "items": {"type": "string"}},
            "totp_secret": _NULLABLE_STRING,
            "dossiers": {"type": "integer", "minimum": 0},
            "vneid": {"type": ["object", "null"]},
            "usb_token": {"type": ["object", "null"]},
            "sim": {"type": ["object", "null"]},
            "provincial": {
                "oneOf": [{"$ref": "#/components/schemas/ProvincialAccount"}, {"type": "null"}]
            },
        },
    },
    "ProvincialAccount": {
        "type": "object",
        "description": "Tài khoản của persona trên Cổng DVC tỉnh Quảng Nam (mô phỏng) lúc này; "
        "`password` là null với tài khoản do lần đăng nhập VNeID tạo ra.",
        "required": [
            "username",
            "password",
            "full_name",
            "has_cccd",
            "dossiers",
            "inherited",
            "created_by_vneid",
        ],
        "properties": {
            "username": {"type": "string"},
            "password": _NULLABLE_STRING,
            "full_name": {"type": "string"},
            "has_cccd": {"type": "boolean"},
            "dossiers": {"type": "integer", "minimum": 0},
            "inherited": {"type": "boolean"},
            "created_by_vneid": {"type": "boolean"},
        },
        "additionalProperties": False,
    },
    "ClassResponse": {
        "type": "object",
        "required": ["class", "seats"],
        "properties": {
            "class": {"$ref": "#/components/schemas/Class"},
            "seats": {
                "type": "array",
                "minItems": 1,
                "maxItems": 1,
                "items": {"$ref": "#/components/schemas/Seat"},
            },
        },
    },
}

_DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "API hộp cát DVC Sandbox: không gian làm việc",
        "version": "1.0.0",
        "description": "Mỗi pipeline CI (hoặc mỗi học viên) nhận một bản sao mới, riêng của mọi "
        "persona: số CCCD/CMND, số điện thoại, tài khoản Cổng và VNeID, hồ sơ, USB ký số và Sim "
        "ký số riêng. Cùng JSON với `python manage.py create_class --json`, một chỗ ngồi.",
    },
    "servers": [{"url": "/sandbox/api/v1"}],
    "security": [{"sandboxToken": []}],
    "paths": {
        "/workspaces": {
            "post": {
                "operationId": "createWorkspace",
                "summary": "Tạo một không gian làm việc (một chỗ ngồi) mới.",
                "requestBody": {
                    "required": False,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/WorkspaceRequest"}
                        }
                    },
                },
                "responses": {
                    "201": {
                        "description": "Đã tạo; danh sách persona có số riêng của chỗ ngồi.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/ClassResponse"}
                            }
                        },
                    },
                    "400": _INVALID,
                    "401": _error("unauthorized"),
                },
            }
        },
        "/workspaces/{id}": {
            "parameters": [
                {
                    "name": "id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                    "description": "`id` của chỗ ngồi trong câu trả lời của POST.",
                }
            ],
            "delete": {
                "operationId": "deleteWorkspace",
                "summary": "Xoá một không gian làm việc cùng mọi dữ liệu trong đó.",
                "description": "Các persona của nó không còn đăng nhập được ở đâu nữa.",
                "responses": {
                    "200": {
                        "description": "Đã xoá.",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["deleted"],
                                    "properties": {"deleted": {"type": "string"}},
                                }
                            }
                        },
                    },
                    "401": _error("unauthorized"),
                    "404": _error("not_found"),
                },
            },
        },
    },
    "components": {
        "securitySchemes": {
            "sandboxToken": {
                "type": "http",
                "scheme": "bearer",
                "description": "Mã truy cập hộp cát: `make run` in ra, /sandbox/ hiển thị.",
            }
        },
        "schemas": _SCHEMAS,
    },
}


def openapi_document() -> dict[str, Any]:
    """Return the OpenAPI document (a fresh copy the caller may change)."""
    return deepcopy(_DOCUMENT)
