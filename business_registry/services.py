"""State changes of the business registry: enterprises, representatives, API clients, keys.

Officials' changes carry a reason and write one RecordChange in the same transaction. The
sandbox seeds and removes enterprises through `seed_enterprise` and `delete_enterprises`.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from admin_kit.audit import ReasonRequired as ReasonRequired
from admin_kit.audit import masked_value, required_reason, save_audited
from api_kit.consumers import ConsumerKeys
from idnumbers.numbers import mask_number
from idnumbers.tax_codes import tax_code_problem

from .models import ApiClient, Enterprise, LegalRepresentative, LookupLog, RecordChange

KEY_PREFIX = "dvcb_"
# The official making a change: the portal's User, which this organisation must not import.
Actor = Any
# {field: [before, after]} of one change.
Changes = dict[str, list[Any]]


@dataclass(frozen=True)
class RepresentativeSeed:
    """A legal representative as the sandbox seeds it; until None: the current one."""

    cccd_number: str
    full_name: str
    position: str
    since: date
    until: date | None = None


@dataclass(frozen=True)
class EnterpriseSeed:
    """An enterprise as the sandbox seeds it, with all its representatives."""

    enterprise_code: str
    kind: str
    name: str
    short_name: str
    foreign_name: str
    established_on: date
    head_office_address: str
    status: str
    representatives: tuple[RepresentativeSeed, ...]


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


# What an official may correct on an enterprise: all but its code (the key) and its status,
# which changes through its own audited actions.
CORRECTABLE_FIELDS = (
    "kind",
    "name",
    "short_name",
    "foreign_name",
    "established_on",
    "head_office_address",
)


def _shown(field: str, value: Any) -> Any:
    if field == "enterprise_code":
        return mask_number(value)
    return masked_value(field, value)


def _save_audited(
    *,
    instance: Enterprise | ApiClient,
    values: Mapping[str, Any],
    allowed: Sequence[str],
    actor: Actor,
    reason: str,
    action: str,
    subject: str,
) -> Changes:
    """Save an official's change of allowed fields with one audit entry; return the changes."""

    def write_entry(locked: Enterprise | ApiClient, changes: Changes, reason: str) -> None:
        RecordChange.record(
            actor=actor, action=action, changes=changes, reason=reason, **{subject: locked}
        )

    changes: Changes = save_audited(
        instance, values, allowed=allowed, reason=reason, write_entry=write_entry, shown=_shown
    )
    return changes


@transaction.atomic
def correct_enterprise(
    *, enterprise: Enterprise, values: Mapping[str, Any], actor: Actor, reason: str
) -> Changes:
    """Save an official's correction of an enterprise with one audit entry; return changes."""
    return _save_audited(
        instance=enterprise,
        values=values,
        allowed=CORRECTABLE_FIELDS,
        actor=actor,
        reason=reason,
        action=RecordChange.Action.ENTERPRISE_CORRECTED,
        subject="enterprise",
    )


@transaction.atomic
def add_enterprise(*, enterprise: Enterprise, actor: Actor, reason: str) -> Enterprise:
    """Save an enterprise an official added, audited with its masked code."""
    reason = required_reason(reason)
    problem = tax_code_problem(enterprise.enterprise_code)
    if problem is not None:
        raise ValueError(problem)
    enterprise.save()
    RecordChange.record(
        actor=actor,
        action=RecordChange.Action.ENTERPRISE_ADDED,
        enterprise=enterprise,
        changes={
            "enterprise_code": [None, mask_number(enterprise.enterprise_code)],
            "name": [None, enterprise.name],
        },
        reason=reason,
    )
    return enterprise


@transaction.atomic
def set_enterprise_status(
    *, enterprise: Enterprise, status: str, actor: Actor, reason: str
) -> Changes:
    """Record an enterprise active, suspended or dissolved; return the changes."""
    return _save_audited(
        instance=enterprise,
        values={"status": Enterprise.Status(status).value},
        allowed=("status",),
        actor=actor,
        reason=reason,
        action=RecordChange.Action.STATUS_CHANGED,
        subject="enterprise",
    )


@transaction.atomic
def end_representation(
    *, representative: LegalRepresentative, until: date, actor: Actor, reason: str
) -> Changes:
    """Record that a legal representative stopped representing the enterprise on until."""
    reason = required_reason(reason)
    locked = LegalRepresentative.objects.select_for_update().get(pk=representative.pk)
    if locked.until is not None:
        return {}
    locked.until = until
    locked.save(update_fields=["until"])
    representative.until = until
    changes = {
        "representative": [
            f"{locked.full_name} ({mask_number(locked.cccd_number)})",
            f"đến ngày {until.isoformat()}",
        ]
    }
    RecordChange.record(
        actor=actor,
        action=RecordChange.Action.REPRESENTATIVES_CHANGED,
        enterprise=locked.enterprise,
        changes=changes,
        reason=reason,
    )
    return changes


@transaction.atomic
def add_representative(
    *, representative: LegalRepresentative, actor: Actor, reason: str
) -> LegalRepresentative:
    """Save a new legal representative an official recorded, audited with a masked number."""
    reason = required_reason(reason)
    representative.save()
    RecordChange.record(
        actor=actor,
        action=RecordChange.Action.REPRESENTATIVES_CHANGED,
        enterprise=representative.enterprise,
        changes={
            "representative": [
                None,
                f"{representative.full_name} ({mask_number(representative.cccd_number)})",
            ]
        },
        reason=reason,
    )
    return representative


# Seeding and removing enterprises by their codes, for the sandbox's personas and workspaces.
# Changes join the caller's transaction without a savepoint, as a class resets many at once.


def seed_enterprise(seed: EnterpriseSeed) -> Enterprise:
    """Make the enterprise under seed's code hold exactly seed's values and representatives.

    Idempotent by code: a second call updates the row and replaces its representatives. A
    seed with an invalid code, kind or status raises ValueError before anything is written.
    """
    problem = tax_code_problem(seed.enterprise_code)
    if problem is not None:
        raise ValueError(f"Seed with an invalid enterprise code: {problem}")
    # Checked before the transaction: a refusal inside it would break the caller's.
    kind = Enterprise.Kind(seed.kind).value
    status = Enterprise.Status(seed.status).value
    return _write_seed(seed, kind=kind, status=status)


@transaction.atomic(savepoint=False)
def _write_seed(seed: EnterpriseSeed, *, kind: str, status: str) -> Enterprise:
    enterprise, _ = Enterprise.objects.update_or_create(
        enterprise_code=seed.enterprise_code,
        defaults={
            "kind": kind,
            "name": seed.name,
            "short_name": seed.short_name,
            "foreign_name": seed.foreign_name,
            "established_on": seed.established_on,
            "head_office_address": seed.head_office_address,
            "status": status,
        },
    )
    enterprise.representatives.all().delete()
    LegalRepresentative.objects.bulk_create(
        LegalRepresentative(
            enterprise=enterprise,
            cccd_number=representative.cccd_number,
            full_name=representative.full_name,
            position=representative.position,
            since=representative.since,
            until=representative.until,
        )
        for representative in seed.representatives
    )
    return enterprise


@transaction.atomic(savepoint=False)
def delete_enterprises(codes: Iterable[str]) -> int:
    """Delete the enterprises under these codes with their representatives and history.

    Return how many enterprises were deleted. The lookup log keeps its lines (their
    enterprise becomes empty): who asked what stays on record.
    """
    enterprises = Enterprise.objects.filter(enterprise_code__in=list(codes))
    # Audit rows protect what they point at; they go with the records they describe.
    RecordChange.objects.filter(enterprise__in=enterprises).delete()
    LookupLog.objects.filter(enterprise__in=enterprises).update(enterprise=None)
    count = enterprises.count()
    enterprises.delete()
    return count
