"""State changes of the population database: records, API clients and their keys.

Officials' changes carry a reason and write one RecordChange in the same transaction.
"""

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from admin_kit.audit import ReasonRequired as ReasonRequired
from admin_kit.audit import masked_value, save_audited
from api_kit.consumers import ConsumerKeys
from idnumbers.numbers import mask_number

from .models import RECORD_FIELDS, ApiClient, Citizen, LookupLog, RecordChange

KEY_PREFIX = "dvcr_"
# The official making a change: the portal's User, which this organisation must not import.
Actor = Any
# {field: [before, after]} of one change.
Changes = dict[str, list[Any]]


# Keys of the consuming systems: made, rotated and made to match as at every registry.
consumer_keys = ConsumerKeys(ApiClient, prefix=KEY_PREFIX, record_change=RecordChange)
generate_api_key = consumer_keys.generate_api_key
set_key = consumer_keys.set_key
create_api_client = consumer_keys.create_api_client
issue_new_key = consumer_keys.issue_new_key
ensure_api_client = consumer_keys.ensure_api_client
register_api_client = consumer_keys.register_api_client
change_api_client = consumer_keys.change_api_client
issue_new_key_by_official = consumer_keys.issue_new_key_by_official


# What an official may correct on a citizen record: all but its key (the CCCD) and its status,
# which changes through its own audited actions.
CORRECTABLE_FIELDS = tuple(name for name in RECORD_FIELDS if name not in ("cccd_number", "status"))


def _save_audited(
    *,
    instance: Citizen | ApiClient,
    values: Mapping[str, Any],
    allowed: Sequence[str],
    actor: Actor,
    reason: str,
    action: str,
    subject: str,
) -> Changes:
    """Save an official's change of allowed fields with one audit entry; return the changes."""

    def write_entry(locked: Citizen | ApiClient, changes: Changes, reason: str) -> None:
        RecordChange.record(
            actor=actor, action=action, changes=changes, reason=reason, **{subject: locked}
        )

    changes: Changes = save_audited(
        instance,
        values,
        allowed=allowed,
        reason=reason,
        write_entry=write_entry,
        shown=masked_value,
    )
    return changes


@transaction.atomic
def correct_citizen(
    *, citizen: Citizen, values: Mapping[str, Any], actor: Actor, reason: str
) -> Changes:
    """Save an official's correction of a citizen record with one audit entry; return changes."""
    return _save_audited(
        instance=citizen,
        values=values,
        allowed=CORRECTABLE_FIELDS,
        actor=actor,
        reason=reason,
        action=RecordChange.Action.RECORD_CORRECTED,
        subject="citizen",
    )


@transaction.atomic
def add_citizen(*, citizen: Citizen, actor: Actor, reason: str) -> Citizen:
    """Save a citizen record an official added, audited as a correction that sets its CCCD."""
    citizen.save()
    RecordChange.record(
        actor=actor,
        action=RecordChange.Action.RECORD_CORRECTED,
        citizen=citizen,
        changes={"cccd_number": [None, mask_number(citizen.cccd_number)]},
        reason=reason,
    )
    return citizen


@transaction.atomic
def set_citizen_status(*, citizen: Citizen, status: str, actor: Actor, reason: str) -> Changes:
    """Mark a citizen deceased, their card revoked, or alive again; return the changes."""
    return _save_audited(
        instance=citizen,
        values={"status": Citizen.Status(status).value},
        allowed=("status",),
        actor=actor,
        reason=reason,
        action=RecordChange.Action.STATUS_CHANGED,
        subject="citizen",
    )


# Seeding and removing records by their numbers, for the sandbox's personas and workspaces.
# Changes join the caller's transaction without a savepoint, as a class resets or removes
# hundreds of personas in one.


def holds_record(cccd_number: str) -> bool:
    """Return whether the registry holds a record under this CCCD."""
    return Citizen.objects.filter(cccd_number=cccd_number).exists()


def numbers_taken(numbers: Collection[str]) -> set[str]:
    """Return which of numbers a record holds as its CCCD or its CMND."""
    taken = set(
        Citizen.objects.filter(cccd_number__in=numbers).values_list("cccd_number", flat=True)
    )
    taken.update(
        Citizen.objects.filter(cmnd_number__in=numbers).values_list("cmnd_number", flat=True)
    )
    return taken


def restore_record(values: Mapping[str, Any]) -> Citizen:
    """Make the record under values' CCCD hold exactly these values, alive; return it."""
    citizen, _ = Citizen.objects.update_or_create(
        cccd_number=values["cccd_number"], defaults={**values, "status": Citizen.Status.ALIVE}
    )
    return citizen


def create_records(rows: Iterable[Mapping[str, Any]]) -> list[Citizen]:
    """Record living citizens whose CCCDs the registry does not hold yet, in one INSERT."""
    return Citizen.objects.bulk_create(Citizen(**row, status=Citizen.Status.ALIVE) for row in rows)


def lookups_by(
    requesters: Collection[str], *, since: datetime, endpoints: Collection[str]
) -> QuerySet[LookupLog]:
    """Return the logged API calls these requesters made since then to these endpoints."""
    return LookupLog.objects.filter(
        requested_by__in=requesters, created_at__gte=since, endpoint__in=endpoints
    )


@transaction.atomic(savepoint=False)
def delete_by_numbers(cccd_numbers: Collection[str], *, actors: Actor) -> None:
    """Delete the records of these CCCDs with their history, and the changes actors made.

    The accounts VNeID keeps for these citizens must be gone first.
    """
    citizens = Citizen.objects.filter(cccd_number__in=cccd_numbers)
    # Audit rows protect what they point at; they go with the records they describe.
    RecordChange.objects.filter(citizen__in=citizens).delete()
    RecordChange.objects.filter(actor__in=actors).delete()
    citizens.delete()
