"""CCCD/CMND rules: normalisation, structure part by part, century digit, masking."""

from datetime import date

import pytest

from idnumbers.numbers import (
    FEMALE,
    MALE,
    cccd_problems,
    century_gender_digit,
    cmnd_problems,
    decode_birth,
    id_number_fits,
    is_cccd_format,
    is_cmnd_format,
    is_valid_cccd,
    make_cccd,
    mask_number,
    normalize_number,
    province_codes,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("００１１９００１２３４５", "001190012345"),
        ("001 190 012 345", "001190012345"),
        ("001.190.012.345", "001190012345"),
        ("\t001190\u00a0012345\n", "001190012345"),
        ("164.438.056", "164438056"),
        ("", ""),
        (None, ""),
    ],
    ids=["full-width", "spaces", "dots", "tabs-nbsp-newline", "cmnd-dots", "empty", "none"],
)
def test_normalize_number_accepts_full_width_digits_and_drops_spaces_and_dots(typed, expected):
    assert normalize_number(typed) == expected


def test_normalize_number_keeps_leading_zeros_and_other_characters():
    assert normalize_number("0011-90") == "0011-90"


def _codes(number, **known):
    return [problem.code for problem in cccd_problems(number, **known)]


def test_a_well_formed_cccd_has_no_problem():
    assert cccd_problems("001190012345") == []
    assert is_valid_cccd("001190012345")


def test_an_empty_cccd_is_required():
    assert _codes("") == ["required"]


@pytest.mark.parametrize("number", ["00119001234a", "001-90012345", "٠٠١١٩٠٠١٢٣٤٥"])
def test_a_cccd_with_anything_but_ascii_digits_is_not_digits(number):
    assert _codes(number) == ["not_digits"]


@pytest.mark.parametrize("number", ["00119001234", "0011900123456"])
def test_a_cccd_of_the_wrong_length_says_how_many_digits_were_typed(number):
    (problem,) = cccd_problems(number)
    assert problem.code == "length"
    assert f"bạn đã nhập {len(number)} chữ số" in problem.message


def test_an_unknown_province_code_is_reported_with_the_code():
    (problem,) = cccd_problems("999190012345")
    assert problem.code == "province"
    assert "(999)" in problem.message


def test_a_birth_year_other_than_digits_4_to_6_is_reported():
    assert _codes("001190012345", birth_date=date(1991, 5, 1)) == ["birth_year"]


def test_a_gender_other_than_digit_4_is_reported():
    (problem,) = cccd_problems("001190012345", gender=MALE)
    assert problem.code == "gender"
    assert "(1)" in problem.message and "nam" in problem.message


def test_every_wrong_part_is_reported_together():
    assert _codes("999190012345", birth_date=date(2001, 1, 1), gender=MALE) == [
        "province",
        "birth_year",
        "gender",
    ]


def test_birth_date_and_gender_are_only_checked_when_known():
    assert _codes("001190012345", birth_date=None, gender="") == []
    assert _codes("001190012345", birth_date=date(1990, 12, 31), gender=FEMALE) == []


@pytest.mark.parametrize(
    ("year", "gender", "digit"),
    [
        (1900, MALE, 0),
        (1999, FEMALE, 1),
        (2000, MALE, 2),
        (2099, FEMALE, 3),
        (2100, MALE, 4),
        (2250, FEMALE, 7),
        (2399, MALE, 8),
    ],
)
def test_digit_4_encodes_century_and_gender_even_for_men(year, gender, digit):
    assert century_gender_digit(year, gender) == digit
    number = make_cccd("001", date(year, 1, 1), gender, 1)
    assert number[3] == str(digit)
    assert decode_birth(number) == (year, gender)


@pytest.mark.parametrize("year", [1899, 2400])
def test_years_outside_the_encoded_centuries_have_no_digit(year):
    with pytest.raises(ValueError):
        century_gender_digit(year, MALE)


def test_make_cccd_pads_every_part_with_leading_zeros():
    assert make_cccd("001", date(2005, 7, 9), FEMALE, 42) == "001305000042"
    assert is_valid_cccd(make_cccd("096", date(1968, 1, 1), MALE, 999_999))


@pytest.mark.parametrize(
    ("number", "codes"),
    [
        ("164438056", []),
        ("001190012345", []),
        ("", ["required"]),
        ("1644380560", ["format"]),
        ("16443805a", ["format"]),
    ],
)
def test_cmnd_numbers_have_9_or_12_digits(number, codes):
    assert [problem.code for problem in cmnd_problems(number)] == codes


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("001190012345", "0011******45"),
        ("079012345612", "0790******12"),
        ("164438056", "1644***56"),
        ("123456", "******"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_masking_keeps_the_first_four_and_last_two_digits(number, masked):
    assert mask_number(number) == masked


def test_province_codes_are_the_63_published_three_digit_codes():
    codes = province_codes()
    assert len(codes) == 63
    assert all(len(code) == 3 and code.isdigit() for code in codes)
    assert (codes["001"], codes["079"], codes["036"]) == ("Hà Nội", "Hồ Chí Minh", "Nam Định")


# A stored or claimed number is checked raw: only ASCII digits, nothing after them.
@pytest.mark.parametrize(
    ("number", "cmnd", "cccd"),
    [
        ("164438056", True, False),
        ("037190612345", True, True),
        ("037190612345\n", False, False),
        ("164438056\n", False, False),
        ("０３７１９０６１２３４５", False, False),
        ("٠٣٧١٩٠٦١٢٣٤٥", False, False),
        ("۰۳۷۱۹۰۶۱۲۳۴۵", False, False),
        ("16443805", False, False),
        ("0371906123456", False, False),
        ("037 190 612 345", False, False),
        ("", False, False),
    ],
    ids=[
        "cmnd-9",
        "cccd-12",
        "cccd-trailing-newline",
        "cmnd-trailing-newline",
        "full-width",
        "arabic-indic",
        "extended-arabic-indic",
        "8-digits",
        "13-digits",
        "spaces",
        "empty",
    ],
)
def test_the_format_predicates_accept_ascii_digits_of_the_right_length_only(number, cmnd, cccd):
    assert is_cmnd_format(number) is cmnd
    assert is_cccd_format(number) is cccd


def test_typed_full_width_digits_pass_once_normalised_and_arabic_indic_never():
    assert is_cccd_format(normalize_number("０３７ １９０.６１２ ３４５"))
    assert is_cmnd_format(normalize_number("１６４.４３８.０５６"))
    assert not is_cccd_format(normalize_number("٠٣٧١٩٠٦١٢٣٤٥"))
    assert not is_cmnd_format(normalize_number("٠٣٧١٩٠٦١٢"))


@pytest.mark.parametrize("number", ["164438056\n", "٠٣٧١٩٠٦١٢", "16443805"])
def test_cmnd_problems_refuse_what_the_format_refuses(number):
    assert [problem.code for problem in cmnd_problems(number)] == ["format"]


def test_cccd_problems_refuse_arabic_indic_digits_as_not_digits():
    assert [problem.code for problem in cccd_problems("٠٣٧١٩٠٦١٢٣٤٥")] == ["not_digits"]


@pytest.mark.parametrize(
    ("kind", "number", "fits"),
    [
        ("CMND", "164438056", True),
        ("CMND", "037190612345", True),
        ("CCCD", "037190612345", True),
        ("CCCD", "164438056", False),
        ("CCCD", "037190612345\n", False),
        ("CCCD", "٠٣٧١٩٠٦١٢٣٤٥", False),
        ("HC", "037190612345", False),
        ("CMND", None, False),
    ],
)
def test_a_holders_number_fits_its_kind_of_paper(kind, number, fits):
    assert id_number_fits(kind, number) is fits
