"""Which request parameter values the provider can safely look up, store or echo back."""

import re

from django.http import QueryDict

# RFC 6749 Appendix A: client_id, response_type and redirect_uri are printable ASCII. Authlib
# echoes some of them in error descriptions, which it refuses to build with `"` or `\`.
_ECHOABLE = re.compile(r"[\x20\x21\x23-\x5b\x5d-\x7e]*")
# Text columns refuse NUL on PostgreSQL; other control characters have no place in a protocol
# parameter either.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

ECHOED_AUTHORIZE_PARAMETERS = ("client_id", "redirect_uri", "response_type")
# The widest column a stored parameter goes into (AuthorizationCode.nonce).
MAX_STORED_LENGTH = 255


def is_echoable(value: str) -> bool:
    """Return whether value may appear in an OAuth error description."""
    return _ECHOABLE.fullmatch(value) is not None


def has_control_characters(value: str) -> bool:
    """Return whether value contains a control character such as NUL or a line break."""
    return _CONTROL.search(value) is not None


def is_storable(value: str) -> bool:
    """Return whether value fits the provider's text columns on every database."""
    return len(value) <= MAX_STORED_LENGTH and "\x00" not in value


def unechoable_authorize_parameter(params: QueryDict) -> str | None:
    """Return the name of a parameter that makes the request unanswerable safely, or None."""
    for name in ECHOED_AUTHORIZE_PARAMETERS:
        if any(not is_echoable(value) for value in params.getlist(name)):
            return name
    return None
