"""State changes of the portal's e-services, each in one transaction."""

import secrets
import uuid
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import AuditEntry, User
from admin_kit.audit import required_reason

from .models import Dossier

CRIMINAL_RECORD_PROCEDURE = ("1.001233", "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam")


class DuplicateSubmission(Exception):
    """The same form was submitted twice; carries the dossier the first submit filed."""

    def __init__(self, dossier: Dossier) -> None:
        super().__init__(dossier.code)
        self.dossier = dossier


def _new_dossier_code(now: datetime) -> str:
    return f"G22.{now:%y%m%d}.{secrets.randbelow(10**6):06d}"


def _filed_with(*, owner: User, submission_token: uuid.UUID) -> Dossier | None:
    return Dossier.objects.filter(owner=owner, submission_token=submission_token).first()


def file_dossier(
    *,
    owner: User,
    procedure: tuple[str, str],
    details: dict[str, Any],
    submission_token: uuid.UUID,
) -> Dossier:
    """File a dossier for a procedure once per owner and submission token."""
    existing = _filed_with(owner=owner, submission_token=submission_token)
    if existing is not None:
        raise DuplicateSubmission(existing)
    procedure_code, procedure_name = procedure
    now = timezone.localtime()
    for _ in range(5):
        try:
            with transaction.atomic():
                return Dossier.objects.create(
                    code=_new_dossier_code(now),
                    procedure_code=procedure_code,
                    procedure_name=procedure_name,
                    owner=owner,
                    details=details,
                    submission_token=submission_token,
                )
        except IntegrityError:
            # Either a concurrent double submit won the token, or the random code collided.
            existing = _filed_with(owner=owner, submission_token=submission_token)
            if existing is not None:
                raise DuplicateSubmission(existing) from None
    raise RuntimeError("could not allocate a unique dossier code")


@transaction.atomic
def set_dossier_status(*, dossier: Dossier, status: str, actor: User, reason: str) -> Dossier:
    """Move a dossier to status for an official, with the reason in the owner's audit trail.

    The completion date follows the status. Nothing is written when the status stays the same;
    a blank reason raises ReasonRequired before anything is written.
    """
    reason = required_reason(reason)
    locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
    before = locked.status
    if before == status:
        return locked
    locked.status = status
    if status == Dossier.Status.COMPLETED:
        locked.completed_at = locked.completed_at or timezone.now()
    else:
        locked.completed_at = None
    locked.save(update_fields=["status", "completed_at", "updated_at"])
    AuditEntry.record(
        account_id=locked.owner_id,
        actor=actor,
        actor_kind=AuditEntry.ActorKind.OFFICIAL,
        action=AuditEntry.Action.DOSSIER_STATUS_CHANGED,
        changes={"dossier": locked.code, "status": [before, status]},
        reason=reason,
    )
    return locked


# Seeding and removing dossiers, for the sandbox's personas and workspaces.
# Changes join the caller's transaction without a savepoint, as a class resets or removes
# hundreds of personas in one.


def dossier_codes_taken(codes: Collection[str]) -> set[str]:
    """Return which of codes a dossier already carries."""
    return set(Dossier.objects.filter(code__in=codes).values_list("code", flat=True))


def create_dossiers(dossiers: Iterable[Dossier]) -> list[Dossier]:
    """Save unsaved dossiers whose codes nobody holds yet, in one INSERT."""
    return Dossier.objects.bulk_create(dossiers)


@transaction.atomic(savepoint=False)
def replace_dossiers(*, owner: Any, dossiers: Iterable[Dossier]) -> list[Dossier]:
    """Make owner's dossiers exactly these unsaved ones."""
    Dossier.objects.filter(owner=owner).delete()
    return create_dossiers(dossiers)


def delete_dossiers_of(owners: Any) -> None:
    """Delete every dossier of these accounts (a queryset or a list)."""
    Dossier.objects.filter(owner__in=owners).delete()
