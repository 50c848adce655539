"""Full names compare under NFC, collapsed whitespace and casefold, diacritics counting."""

import unicodedata

import pytest

from idnumbers.names import display_name, initials, names_match, normalize_name


def test_nfd_and_nfc_spellings_are_the_same_name():
    decomposed = unicodedata.normalize("NFD", "Tô Thị Nga")
    assert decomposed != "Tô Thị Nga"
    assert names_match(decomposed, "Tô Thị Nga")


def test_extra_and_unusual_whitespace_does_not_matter():
    assert names_match("  Tô   Thị\tNga\n", "Tô Thị Nga")
    assert names_match("Tô\u00a0Thị Nga", "Tô Thị Nga")


@pytest.mark.parametrize("typed", ["TÔ THỊ NGA", "tô thị nga", "Tô thị nga"])
def test_case_does_not_matter(typed):
    assert names_match(typed, "Tô Thị Nga")


def test_d_with_stroke_casefolds_like_any_letter():
    assert names_match("ĐỖ VĂN ĐỨC", "Đỗ Văn Đức")


@pytest.mark.parametrize(
    ("left", "right"),
    [("Tô Thị Nga", "Tô Thị Ngà"), ("Tô Thị Nga", "To Thi Nga"), ("Lê Văn Hùng", "Lê Văn Hưng")],
)
def test_diacritics_count(left, right):
    assert not names_match(left, right)


def test_missing_names_only_match_each_other():
    assert names_match(None, "")
    assert not names_match(None, "Tô Thị Nga")


def test_normalize_name_gives_the_comparison_key():
    assert normalize_name(" TÔ  Thị Nga ") == "tô thị nga"


def test_display_name_keeps_case_but_composes_and_collapses():
    assert display_name(unicodedata.normalize("NFD", "  Tô  Thị Nga ")) == "Tô Thị Nga"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Tô Thị Nga", "TN"), ("nguyễn văn an", "NA"), ("Hương", "H"), ("", "?"), (None, "?")],
)
def test_initials_are_the_first_and_last_words(name, expected):
    assert initials(name) == expected
