"""State changes of the portal's e-services, each in one transaction."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Dossier

CRIMINAL_RECORD_PROCEDURE = ("1.001233", "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam")


class DuplicateSubmission(Exception):
    """The same form was submitted twice; carries the dossier the first submit filed."""

    def __init__(self, dossier):
        super().__init__(dossier.code)
        self.dossier = dossier


def _new_dossier_code(now):
    return f"G22.{now:%y%m%d}.{secrets.randbelow(10**6):06d}"


def _filed_with(*, owner, submission_token):
    return Dossier.objects.filter(owner=owner, submission_token=submission_token).first()


def file_dossier(*, owner, procedure, details, submission_token):
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


def set_dossier_status(*, dossier, status):
    """Move a dossier to status, keeping its completion date in step with it."""
    dossier.status = status
    if status == Dossier.Status.COMPLETED:
        dossier.completed_at = dossier.completed_at or timezone.now()
    else:
        dossier.completed_at = None
    dossier.save(update_fields=["status", "completed_at", "updated_at"])
    return dossier
