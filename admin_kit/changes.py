"""Audit entries' changes, {field: [before, after]}, as officials read them."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

EMPTY = "(trống)"


def format_changes(
    changes: Mapping[str, Sequence[Any]] | None, labels: Mapping[str, str] | None = None
) -> str:
    """Return changes as "field: before → after" lines, fields named by labels where given."""
    if not changes:
        return "—"
    labels = labels or {}
    return format_html_join(
        mark_safe("<br>"),
        "{}: {} → {}",
        (
            (labels.get(field, field), shown(values[0]), shown(values[1]))
            for field, values in changes.items()
        ),
    )


def shown(value: object) -> str:
    """Return one recorded value as text: lists joined, nothing as "(trống)"."""
    if value in (None, ""):
        return EMPTY
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or EMPTY
    return str(value)


class ShownChangesMixin:
    """An audit admin's `shown_changes` column: each change as "field: before → after"."""

    @admin.display(description="thay đổi (trường: trước → sau)")
    def shown_changes(self, event: Any) -> str:
        if not event.changes:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            "{}: {} → {}",
            (
                (field, before if before not in (None, "") else EMPTY, after)
                for field, (before, after) in event.changes.items()
            ),
        )
