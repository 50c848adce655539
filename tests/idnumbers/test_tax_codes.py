"""Tax code rules: check digit, codes never issued, branches, shape."""

import pytest

from idnumbers.tax_codes import (
    BRANCH_SUFFIX_MESSAGE,
    CHECK_DIGIT_MESSAGE,
    FORMAT_MESSAGE,
    NEVER_ISSUED_MESSAGE,
    check_digit,
    is_branch_tax_code,
    is_valid_tax_code,
    mask_tax_code,
    normalize_tax_code,
    tax_code_problem,
    with_check_digit,
)

# Published tax codes of well-known companies (Viettel, Vinamilk, FPT, Vietcombank).
KNOWN_VALID = ["0100109106", "0300588569", "0101248141", "0100112437"]


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_published_codes_are_valid(code: str) -> None:
    assert tax_code_problem(code) is None
    assert is_valid_tax_code(code)
    assert with_check_digit(code[:9]) == code


@pytest.mark.parametrize("code", KNOWN_VALID)
def test_every_other_tenth_digit_is_refused_as_a_wrong_check_digit(code: str) -> None:
    for digit in "0123456789":
        if digit == code[9]:
            continue
        wrong = code[:9] + digit
        assert tax_code_problem(wrong) == CHECK_DIGIT_MESSAGE
        assert not is_valid_tax_code(wrong)


def test_weights_give_the_documented_check_digit() -> None:
    # 0·31 + 1·29 + 0·23 + 0·19 + 1·17 + 0·13 + 9·7 + 1·5 + 0·3 = 114; 114 % 11 = 4; 10 - 4 = 6.
    assert check_digit("010010910") == 6


def test_nine_digits_whose_remainder_is_zero_are_never_issued() -> None:
    # A weighted sum with remainder 0 makes c == 10, which no issued code carries.
    assert check_digit("000000000") is None
    assert with_check_digit("000000000") is None
    for last in "0123456789":
        assert tax_code_problem("000000000" + last) == NEVER_ISSUED_MESSAGE
    # 1·5 + 2·3 = 11: remainder 0 again, with digits that are not all zeros.
    assert with_check_digit("000000012") is None
    assert tax_code_problem("0000000125") == NEVER_ISSUED_MESSAGE


def test_about_one_in_eleven_prefixes_has_no_check_digit() -> None:
    missing = sum(1 for i in range(11_000) if with_check_digit(f"{i:09d}") is None)
    assert 900 <= missing <= 1100


def test_branch_codes_are_a_valid_parent_and_001_to_999() -> None:
    assert tax_code_problem("0100109106001") is None
    assert tax_code_problem("0100109106999") is None
    assert is_branch_tax_code("0100109106001")
    assert not is_branch_tax_code("0100109106")
    assert tax_code_problem("0100109106000") == BRANCH_SUFFIX_MESSAGE
    assert tax_code_problem("0100109107001") == CHECK_DIGIT_MESSAGE


@pytest.mark.parametrize(
    "value",
    [
        "",
        "010010910",
        "01001091060",
        "010010910600",
        "01001091060012",
        "01001O9106",
        "0100109106-001",
        "0100 109106",
        "０１００１０９１０６",
        "٠١٠٠١٠٩١٠٦",
        "0100109106\n",
    ],
)
def test_anything_but_10_or_13_ascii_digits_is_a_format_problem(value: str) -> None:
    assert tax_code_problem(value) == FORMAT_MESSAGE


def test_with_check_digit_refuses_anything_but_nine_digits() -> None:
    assert with_check_digit("01001091") is None
    assert with_check_digit("01001091x") is None


def test_normalize_accepts_what_people_type() -> None:
    assert normalize_tax_code(" 0100.109.106-001 ") == "0100109106001"
    assert normalize_tax_code("０１００１０９１０６") == "0100109106"
    assert normalize_tax_code(None) == ""


def test_masking_keeps_first_four_and_last_two() -> None:
    masked = mask_tax_code("0100109106")
    assert masked.startswith("0100") and masked.endswith("06")
    assert "0109" not in masked
