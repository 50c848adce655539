"""How an API's OpenAPI document describes its refusals in the kit's `error`/`message` format."""

from collections.abc import Mapping
from typing import Any

Json = dict[str, Any]


def error_response(
    code: str,
    description: str,
    example: str,
    *,
    example_fields: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, Json] | None = None,
) -> Json:
    """Return the OpenAPI response of a refusal with code; with fields when given an example."""
    properties: Json = {
        "error": {"type": "string", "const": code},
        "message": {"type": "string", "description": "Thông báo tiếng Việt cho con người."},
    }
    body: Json = {"error": code, "message": example}
    if example_fields is not None:
        properties["fields"] = {
            "type": "object",
            "description": "Tên trường → các lý do (tiếng Việt). Rỗng khi nội dung không đọc được.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        }
        body["fields"] = dict(example_fields)
    schema = {
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
    }
    response: Json = {
        "description": description,
        "content": {"application/json": {"schema": schema, "example": body}},
    }
    if headers:
        response["headers"] = dict(headers)
    return response


def bearer_challenge(realm: str) -> Json:
    """Return the OpenAPI header of a 401's `WWW-Authenticate: Bearer realm="…"`."""
    challenge = f'Bearer realm="{realm}"'
    return {
        "WWW-Authenticate": {
            "description": f"Luôn là `{challenge}`.",
            "schema": {"type": "string", "const": challenge},
        }
    }
