"""The one compare-then-audit helper and the audit model every organisation's log shares."""

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import models
from django.utils import timezone

REASON_REQUIRED_MESSAGE = "Vui lòng nhập lý do thay đổi."


class ReasonRequired(ValueError):
    """An official's change without a reason."""

    code = "reason_required"
    message = REASON_REQUIRED_MESSAGE

    def __init__(self, message=None):
        super().__init__(message or self.message)


def required_reason(reason: str) -> str:
    """Return the reason stripped; raise ReasonRequired when nothing is left."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason


def recorded_value(value):
    """Return a value as an audit entry stores it: dates as ISO text, the rest as they are."""
    return value.isoformat() if isinstance(value, date) else value


def apply_changes(
    instance: Any,
    values: Mapping[str, Any],
    *,
    shown: Callable[[str, Any], Any] | None = None,
    keep_when_empty: bool = False,
) -> dict[str, list[Any]]:
    """Set the values that differ on instance; return their {field: [before, after]}.

    shown(field, value) turns a value into what the entry records (masking numbers); by
    default dates become ISO text. keep_when_empty: an empty new value never erases one.
    """
    shown = shown or (lambda field, value: recorded_value(value))
    changes = {}
    for field, value in values.items():
        before = getattr(instance, field)
        if before == value or (keep_when_empty and value in ("", None)):
            continue
        changes[field] = [shown(field, before), shown(field, value)]
        setattr(instance, field, value)
    return changes


def refuse_unknown_fields(values, allowed):
    """Raise ValueError when values name a field an official may not change (a code error)."""
    unknown = set(values) - set(allowed)
    if unknown:
        raise ValueError(f"Not changeable by an official: {', '.join(sorted(unknown))}.")


def save_audited(
    instance: Any,
    values: Mapping[str, Any],
    *,
    allowed: Sequence[str],
    reason: str,
    write_entry: Callable[[Any, dict[str, list[Any]], str], None],
    shown: Callable[[str, Any], Any] | None = None,
) -> dict[str, list[Any]]:
    """Save an official's change of allowed fields with one audit entry; return the changes.

    Call inside a transaction: the row is locked, compared, saved, and write_entry(locked,
    changes, reason) writes the entry; nothing is written when nothing changed.
    """
    reason = required_reason(reason)
    refuse_unknown_fields(values, allowed)
    locked = type(instance).objects.select_for_update().get(pk=instance.pk)
    changes = apply_changes(locked, values, shown=shown)
    if changes:
        locked.save(update_fields=list(changes))
        write_entry(locked, changes, reason)
        copy_changed(instance, locked, changes)
    return changes


def copy_changed(target, source, changes):
    """Copy the changed fields from the saved row back onto the caller's instance."""
    for field in changes:
        setattr(target, field, getattr(source, field))


class AuditRecord(models.Model):
    """What every audit table holds: the changes, the reason and when, newest first."""

    # {"field": [before, after], ...}; numbers masked, secrets never stored.
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    reason = models.TextField("lý do", blank=True, default="")
    created_at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
