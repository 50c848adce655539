"""The one compare-then-audit helper and the audit model every organisation's log shares."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from idnumbers.numbers import mask_number

REASON_REQUIRED_MESSAGE = "Vui lòng nhập lý do thay đổi."


class ReasonRequired(ValueError):
    """An official's change without a reason."""

    code = "reason_required"
    message = REASON_REQUIRED_MESSAGE

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


def required_reason(reason: str) -> str:
    """Return the reason stripped; raise ReasonRequired when nothing is left."""
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason


def recorded_value(value: Any) -> Any:
    """Return a value as an audit entry stores it: dates as ISO text, the rest as they are."""
    return value.isoformat() if isinstance(value, date) else value


NUMBER_FIELDS = frozenset({"cccd_number", "cmnd_number"})


def masked_value(field: str, value: Any) -> Any:
    """Return a value as an audit entry stores it, with CCCD and CMND numbers masked."""
    return mask_number(value) if field in NUMBER_FIELDS else recorded_value(value)


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


def refuse_unknown_fields(values: Mapping[str, Any], allowed: Sequence[str]) -> None:
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


def copy_changed(target: Any, source: Any, changes: Mapping[str, Any]) -> None:
    """Copy the changed fields from the saved row back onto the caller's instance."""
    for field in changes:
        setattr(target, field, getattr(source, field))


# A row without an actor is the system's, which needs no reason.
NO_ACTOR = Q(actor__isnull=True)


def official_reason_check(
    name: str = "%(app_label)s_%(class)s_official_reason", *, unofficial: Q | None = NO_ACTOR
) -> models.CheckConstraint:
    """Return the check that an official's row says why; unofficial=None: every row does."""
    says_why = ~Q(reason="")
    condition = says_why if unofficial is None else unofficial | says_why
    return models.CheckConstraint(condition=condition, name=name)


def actor_field(verbose_name: str = "người thực hiện", *, null: bool = True) -> models.ForeignKey:
    """Return an audit row's actor: a portal user, by reference only (none imports its code)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=verbose_name,
    )


class AuditRecord(models.Model):
    """What every audit table holds: who, the changes, the reason and when, newest first."""

    actor = actor_field()
    # {"field": [before, after], ...}; numbers masked, secrets never stored.
    changes = models.JSONField("thay đổi", default=dict, blank=True)
    reason = models.TextField("lý do", blank=True, default="")
    created_at = models.DateTimeField("thời điểm", default=timezone.now, db_index=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-id"]
        # An official's change always says why (official_row says who is one).
        constraints = [official_reason_check()]

    @classmethod
    def official_row(cls, values: Mapping[str, Any]) -> bool:
        """Tell whether a row with these values is an official's, which must give a reason."""
        return values.get("actor") is not None

    @classmethod
    def checked(cls, values: Mapping[str, Any]) -> dict[str, Any]:
        """Return a row's values with its official's reason stripped, or raise ReasonRequired."""
        values = dict(values)
        if cls.official_row(values):
            values["reason"] = required_reason(values.get("reason", ""))
        return values

    @classmethod
    def record(cls, **values: Any) -> Self:
        """Write one audit row; an official's row without a reason raises ReasonRequired."""
        return cls._default_manager.create(**cls.checked(values))

    @classmethod
    def record_many(cls, rows: Iterable[Mapping[str, Any]]) -> list[Self]:
        """Write many rows in one INSERT (class creation, seeding), each checked as record()."""
        return cls._default_manager.bulk_create([cls(**cls.checked(values)) for values in rows])
