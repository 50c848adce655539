"""Tax code rules (mã số thuế, also the enterprise code since the Law on Enterprises 2014).

A tax code is 10 digits whose tenth is a check digit over the first nine, or 13 digits for a
dependent unit such as a branch: the parent's 10-digit code followed by 001-999. The check digit
uses the General Department of Taxation's weights; when the computation gives 10, no code with
those nine digits is ever issued.
"""

import unicodedata

from idnumbers.numbers import is_ascii_digits, mask_number

TAX_CODE_LENGTH = 10
BRANCH_TAX_CODE_LENGTH = 13
CHECK_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

FORMAT_MESSAGE = (
    "Mã số thuế gồm 10 chữ số, hoặc 13 chữ số đối với chi nhánh, đơn vị phụ thuộc. "
    "Vui lòng kiểm tra lại."
)
CHECK_DIGIT_MESSAGE = (
    "Mã số thuế không hợp lệ: chữ số kiểm tra (chữ số thứ 10) không đúng. "
    "Vui lòng kiểm tra lại từng chữ số trên giấy chứng nhận đăng ký doanh nghiệp."
)
NEVER_ISSUED_MESSAGE = (
    "Mã số thuế không hợp lệ: không có mã số thuế nào được cấp với 9 chữ số đầu này. "
    "Vui lòng kiểm tra lại từng chữ số trên giấy chứng nhận đăng ký doanh nghiệp."
)
BRANCH_SUFFIX_MESSAGE = (
    "Mã số thuế của chi nhánh gồm mã số thuế 10 chữ số của doanh nghiệp và 3 chữ số "
    "từ 001 đến 999. Vui lòng kiểm tra lại."
)

# Masking is the same as for personal numbers: the first four and the last two digits stay.
mask_tax_code = mask_number


def normalize_tax_code(raw: str | None) -> str:
    """Return a typed tax code without spaces, dots or the dash printed before a branch suffix.

    NFKC turns full-width digits into ASCII ones, as for CCCD numbers.
    """
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if not ch.isspace() and ch not in ".-")


def check_digit(nine_digits: str) -> int | None:
    """Return the check digit for nine ASCII digits, or None when no code can carry them."""
    if len(nine_digits) != TAX_CODE_LENGTH - 1 or not is_ascii_digits(nine_digits):
        return None
    total = sum(int(d) * w for d, w in zip(nine_digits, CHECK_WEIGHTS, strict=True))
    c = 10 - (total % 11)
    # c == 11 would need total % 11 == -1: impossible. c == 10 (remainder 0) is never issued.
    return None if c == 10 else c


def with_check_digit(nine_digits: str) -> str | None:
    """Return the 10-digit tax code for nine digits, or None when no check digit fits them."""
    digit = check_digit(nine_digits)
    return None if digit is None else f"{nine_digits}{digit}"


def _ten_digit_problem(value: str) -> str | None:
    nine = value[: TAX_CODE_LENGTH - 1]
    digit = check_digit(nine)
    if digit is None:
        return NEVER_ISSUED_MESSAGE
    if int(value[TAX_CODE_LENGTH - 1]) != digit:
        return CHECK_DIGIT_MESSAGE
    return None


def tax_code_problem(value: str) -> str | None:
    """Return None for a valid tax code, else the Vietnamese sentence saying what is wrong.

    The value is taken as stored (see `normalize_tax_code` for typed input).
    """
    if not is_ascii_digits(value) or len(value) not in (TAX_CODE_LENGTH, BRANCH_TAX_CODE_LENGTH):
        return FORMAT_MESSAGE
    problem = _ten_digit_problem(value[:TAX_CODE_LENGTH])
    if problem is not None:
        return problem
    if len(value) == BRANCH_TAX_CODE_LENGTH and value[TAX_CODE_LENGTH:] == "000":
        return BRANCH_SUFFIX_MESSAGE
    return None


def is_valid_tax_code(value: str) -> bool:
    """Tell whether a stored or normalised value is a valid 10- or 13-digit tax code."""
    return tax_code_problem(value) is None


def is_branch_tax_code(value: str) -> bool:
    """Tell whether a valid tax code is a dependent unit's (13 digits)."""
    return len(value) == BRANCH_TAX_CODE_LENGTH
