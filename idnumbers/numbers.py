"""CCCD / CMND number rules: normalisation, structure, masking."""

import csv
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

MALE = "male"
FEMALE = "female"

# A CMND has 9 digits, or 12 for the later ones; a CCCD has 12.
CMND_LENGTHS = (9, 12)
CCCD_LENGTH = 12

# Digit 4 of a CCCD: the century of birth and the gender, even digits for men.
_CENTURY_BASE_BY_DIGIT = {0: 1900, 2: 2000, 4: 2100, 6: 2200, 8: 2300}


CMND_FORMAT_MESSAGE = "Số CMND gồm 9 hoặc 12 chữ số."


@dataclass(frozen=True)
class NumberProblem:
    """One thing wrong with a number: a machine code and the Vietnamese sentence for people."""

    code: str
    message: str


@cache
def province_codes() -> dict[str, str]:
    """Return {code: province name} from the published list of CCCD province codes."""
    path = Path(__file__).with_name("province_codes.csv")
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["province"] for row in csv.DictReader(handle)}


def normalize_number(raw: str | None) -> str:
    """Return the digits of a typed number: NFKC (full-width digits), spaces and dots removed."""
    text = unicodedata.normalize("NFKC", raw or "")
    return "".join(ch for ch in text if not ch.isspace() and ch != ".")


def is_ascii_digits(text: str) -> bool:
    """Tell whether text is only the digits 0-9 (no other script's digits, no line break)."""
    return bool(text) and text.isascii() and text.isdigit()


def is_cmnd_format(number: str) -> bool:
    """Tell whether a normalised, stored or claimed number is 9 or 12 ASCII digits, as a CMND.

    A CCCD, 12 digits, passes too: this is also the shape of any login number.
    """
    return is_ascii_digits(number) and len(number) in CMND_LENGTHS


def is_cccd_format(number: str) -> bool:
    """Tell whether a normalised, stored or claimed number is 12 ASCII digits, as a CCCD."""
    return is_ascii_digits(number) and len(number) == CCCD_LENGTH


# A holder's number by the kind of paper it is on, as certificates name it ("CMND:…", "CCCD:…").
ID_KIND_FORMATS: dict[str, Callable[[str], bool]] = {
    "CMND": is_cmnd_format,
    "CCCD": is_cccd_format,
}


def id_number_fits(id_kind: str, id_number: str | None) -> bool:
    """Tell whether a holder's number has the shape of its kind (CMND or CCCD), ASCII digits."""
    fits = ID_KIND_FORMATS.get(id_kind)
    return fits is not None and fits(id_number or "")


def century_gender_digit(birth_year: int, gender: str) -> int:
    """Return digit 4 of a CCCD for a birth year and gender."""
    base = (birth_year // 100) * 100
    for digit, century in _CENTURY_BASE_BY_DIGIT.items():
        if century == base:
            return digit + (1 if gender == FEMALE else 0)
    raise ValueError(f"no CCCD century digit for the year {birth_year}")


def decode_birth(cccd: str) -> tuple[int, str]:
    """Return (birth year, gender) encoded in digits 4–6 of a structurally valid CCCD."""
    digit = int(cccd[3])
    century = _CENTURY_BASE_BY_DIGIT[digit - digit % 2]
    gender = FEMALE if digit % 2 else MALE
    return century + int(cccd[4:6]), gender


def cccd_problems(
    number: str, *, birth_date: date | None = None, gender: str | None = None
) -> list[NumberProblem]:
    """Return what is wrong with a normalised CCCD number, checked part by part.

    Birth date and gender are checked against digits 4–6 only when they are known.
    """
    if not number:
        return [NumberProblem("required", "Vui lòng nhập số CCCD.")]
    if not is_ascii_digits(number):
        return [NumberProblem("not_digits", "Số CCCD chỉ gồm các chữ số.")]
    if len(number) != CCCD_LENGTH:
        return [
            NumberProblem(
                "length", f"Số CCCD phải gồm đúng 12 chữ số (bạn đã nhập {len(number)} chữ số)."
            )
        ]
    problems = []
    if number[:3] not in province_codes():
        problems.append(
            NumberProblem(
                "province",
                f"3 chữ số đầu ({number[:3]}) không phải mã tỉnh, thành phố nơi đăng ký khai sinh.",
            )
        )
    year, encoded_gender = decode_birth(number)
    if birth_date is not None and year != birth_date.year:
        problems.append(
            NumberProblem(
                "birth_year",
                f"Chữ số thứ 4–6 ({number[3:6]}) không khớp với năm sinh {birth_date.year} "
                "của tài khoản.",
            )
        )
    if gender in (MALE, FEMALE) and encoded_gender != gender:
        label = "nữ" if gender == FEMALE else "nam"
        problems.append(
            NumberProblem(
                "gender",
                f"Chữ số thứ 4 ({number[3]}) không khớp với giới tính {label} của tài khoản.",
            )
        )
    return problems


def cmnd_problems(number: str) -> list[NumberProblem]:
    """Return what is wrong with a normalised CMND number (9 or 12 digits)."""
    if not number:
        return [NumberProblem("required", "Vui lòng nhập số CMND.")]
    if not is_cmnd_format(number):
        return [NumberProblem("format", CMND_FORMAT_MESSAGE)]
    return []


def is_valid_cccd(number: str) -> bool:
    """Return whether a normalised number has the structure of a CCCD."""
    return not cccd_problems(number)


def make_cccd(province_code: str, birth_date: date, gender: str, serial: int) -> str:
    """Compose a CCCD from its parts; serial is the 6-digit random tail."""
    digit = century_gender_digit(birth_date.year, gender)
    return f"{province_code}{digit}{birth_date.year % 100:02d}{serial:06d}"


def mask_digits(value: str | None, *, keep_first: int, keep_last: int) -> str:
    """Star the middle of a number, keeping its first and last digits; all of a short one."""
    if not value:
        return ""
    if len(value) <= keep_first + keep_last:
        return "*" * len(value)
    hidden = len(value) - keep_first - keep_last
    return value[:keep_first] + "*" * hidden + value[len(value) - keep_last :]


def mask_number(number: str | None) -> str:
    """Mask a CCCD/CMND for logs and lists: keep the first 4 and last 2 digits."""
    return mask_digits(number, keep_first=4, keep_last=2)
