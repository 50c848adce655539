"""Audit changes as officials read them: labelled fields, before → after, nothing as "(trống)"."""

import pytest

from admin_kit.changes import format_changes, shown


@pytest.mark.parametrize("changes", [None, {}])
def test_no_changes_show_a_dash(changes):
    assert format_changes(changes) == "—"


def test_each_field_is_a_line_named_by_its_label_or_else_its_own_name():
    html = format_changes(
        {"birth_date": ["1990-03-15", "1990-03-16"], "kid": ["a", "b"]},
        {"birth_date": "ngày sinh"},
    )
    assert html == "ngày sinh: 1990-03-15 → 1990-03-16<br>kid: a → b"


def test_values_are_escaped_but_the_line_breaks_are_not():
    html = format_changes({"name": ["<b>", "a & b"]})
    assert html == "name: &lt;b&gt; → a &amp; b"
    assert "<br>" in format_changes({"a": [1, 2], "b": [3, 4]})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, "(trống)"),
        ("", "(trống)"),
        ([], "(trống)"),
        (["kiểm tra", "quản trị"], "kiểm tra, quản trị"),
        (False, "False"),
        (0, "0"),
        ("0912000000", "0912000000"),
    ],
)
def test_a_value_is_shown_as_text_and_nothing_as_empty(value, expected):
    assert shown(value) == expected


def test_nothing_before_or_after_reads_as_empty():
    assert format_changes({"email": [None, ""]}) == "email: (trống) → (trống)"
