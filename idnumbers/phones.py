"""Vietnamese phone numbers: the typed forms people use, and masking for screens and logs."""

import re

from .numbers import mask_digits, normalize_number

_SEPARATORS = re.compile(r"[\s.\-()]")
_NATIONAL = re.compile(r"0\d{9,10}")


def normalize_phone(raw: str | None) -> str:
    """Return a typed phone number in its national form (0…), or "" if it is not one."""
    phone = _SEPARATORS.sub("", normalize_number(raw))
    if phone.startswith("+84"):
        phone = "0" + phone[3:]
    elif phone.startswith("84") and len(phone) in (11, 12):
        phone = "0" + phone[2:]
    if phone.isascii() and _NATIONAL.fullmatch(phone):
        return phone
    return ""


def mask_phone(phone: str | None) -> str:
    """Mask a phone number for screens and logs: keep the first 3 and last 2 digits."""
    return mask_digits(phone, keep_first=3, keep_last=2)
