"""The service's JSON error format: OAuth's `error` and `error_description` (RFC 6749 5.2)."""

from api_kit.server import ErrorFormat

OAUTH_ERRORS = ErrorFormat(
    message_key="error_description",
    method_code="invalid_request",
    method_message="Use {methods}.",
    method_separator=" or ",
    site_codes={
        400: "invalid_request",
        403: "access_denied",
        404: "not_found",
        500: "server_error",
    },
)
