"""State changes of portal accounts, each with its audit row in the same transaction.

Calls to the population database happen before the transaction opens, so no row stays locked
while the portal waits on the network.
"""

import logging
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from idnumbers.names import display_name
from idnumbers.numbers import cccd_problems, mask_number, normalize_number

from .models import AuditEntry, Gender
from .registry_client import RegistryBadResponse, RegistryClient, RegistryNotFound
from .throttling import account_failures

logger = logging.getLogger(__name__)

User = get_user_model()

PURPOSE_LINK = "Liên kết số CCCD với tài khoản Cổng DVCQG"
PURPOSE_REFRESH = "Cập nhật thông tin định danh của tài khoản Cổng DVCQG"
# Codes from the registry's published purpose list (its OpenAPI document).
REGISTRY_PURPOSE_LINK = "cccd_linking"
REGISTRY_PURPOSE_REFRESH = "identity_refresh"

NUMBER_FIELDS = frozenset({"cccd_number", "cmnd_number"})
# What an official may correct on an account (identity data, its CCCD link, contact data).
CORRECTABLE_FIELDS = (
    "full_name",
    "birth_date",
    "gender",
    "place_of_birth",
    "place_of_origin",
    "cmnd_number",
    "cccd_number",
    "phone",
    "email",
)


class AccountServiceError(Exception):
    """A refused account change, with a stable code and the sentence shown to the person."""

    code = "refused"
    message = "Không thực hiện được thao tác."

    def __init__(self, message=None):
        super().__init__(message or self.message)
        if message:
            self.message = message


class InvalidCccd(AccountServiceError):
    code = "invalid_cccd"
    message = "Số CCCD không hợp lệ."

    def __init__(self, problems):
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = problems


class CccdAlreadyLinked(AccountServiceError):
    code = "already_linked"
    message = (
        "Số CCCD này đã được liên kết với một tài khoản khác trên Cổng Dịch vụ công Quốc gia. "
        "Mỗi số CCCD chỉ liên kết được với một tài khoản. Nếu bạn không tạo tài khoản đó, "
        "vui lòng liên hệ bộ phận Hỗ trợ của Cổng."
    )


class AccountAlreadyHasCccd(AccountServiceError):
    code = "account_has_cccd"
    message = "Tài khoản của bạn đã được cập nhật số CCCD trước đó."


class IdentityMismatch(AccountServiceError):
    code = "mismatch"
    message = (
        "Thông tin không khớp với Cơ sở dữ liệu Quốc gia về Dân cư. Vui lòng kiểm tra lại số "
        "CCCD đã nhập. Nếu số CCCD đúng, họ tên, ngày sinh hoặc số CMND của tài khoản có thể khác "
        "với thông tin trong Cơ sở dữ liệu: hãy liên hệ bộ phận Hỗ trợ của Cổng hoặc cơ quan "
        "Công an nơi cư trú để được kiểm tra, điều chỉnh."
    )


class CccdNotLinked(AccountServiceError):
    code = "no_cccd"
    message = "Tài khoản chưa cập nhật số CCCD."


class ReasonRequired(AccountServiceError):
    code = "reason_required"
    message = "Vui lòng nhập lý do thay đổi."


@dataclass(frozen=True)
class IdentityRefresh:
    """The outcome of a refresh: the saved account and the {field: [before, after]} changes."""

    account: object
    changes: dict


def link_cccd(*, account, cccd_number, actor=None, client=None):
    """Link a CCCD to an account after the registry confirms it; return the saved account.

    Local rules first, then "one CCCD, one account", then the registry (verify, then lookup);
    on a match the CCCD is saved with the identity data of the record. A repeated submit of the
    number already linked is a no-op.
    """
    number = normalize_number(cccd_number)
    problems = cccd_problems(number, birth_date=account.birth_date, gender=account.gender)
    if problems:
        raise InvalidCccd(problems)
    if account.cccd_number:
        if account.cccd_number == number:
            return account
        raise AccountAlreadyHasCccd()
    if _number_taken(number, account=account):
        _record_refusal(account=account, actor=actor, number=number, reason="already_linked")
        raise CccdAlreadyLinked()

    requested_by = _requested_by(account)
    with _registry(client) as registry:
        verification = registry.verify(
            cccd_number=number,
            cmnd_number=account.legacy_cmnd,
            full_name=account.full_name,
            birth_date=account.birth_date,
            purpose=REGISTRY_PURPOSE_LINK,
            requested_by=requested_by,
        )
        if not verification.match or verification.citizen_status != "alive":
            reason = verification.reason()
            _record_refusal(account=account, actor=actor, number=number, reason=reason)
            raise IdentityMismatch()
        try:
            record = registry.lookup(
                cccd_number=number, purpose=REGISTRY_PURPOSE_LINK, requested_by=requested_by
            )
        except RegistryNotFound:
            reason = "lookup: not_found"
            _record_refusal(account=account, actor=actor, number=number, reason=reason)
            raise IdentityMismatch() from None
    if record.cccd_number != number:
        raise RegistryBadResponse("lookup returned another citizen's record")

    try:
        return _save_link(account=account, number=number, record=record, actor=actor)
    except IntegrityError:
        # Another account linked the same number between our check and our write.
        _record_refusal(
            account=account, actor=actor, number=number, reason="already_linked (constraint)"
        )
        raise CccdAlreadyLinked() from None


def link_matched_record(*, account, record, actor=None):
    """Link the CCCD of a registry record already matched to the account, audited as link_cccd."""
    return _save_link(account=account, number=record.cccd_number, record=record, actor=actor)


def refresh_identity(*, account, actor=None, client=None):
    """Copy the registry record of the account's linked CCCD into the account."""
    if not account.cccd_number:
        raise CccdNotLinked()
    with _registry(client) as registry:
        record = registry.lookup(
            cccd_number=account.cccd_number,
            purpose=REGISTRY_PURPOSE_REFRESH,
            requested_by=_requested_by(account),
        )
    if record.cccd_number != account.cccd_number:
        raise RegistryBadResponse("lookup returned another citizen's record")
    return _save_refresh(account=account, record=record, actor=actor)


@transaction.atomic
def change_contact(*, account, phone, email, actor=None):
    """Save the account's phone and email; return the {field: [before, after]} changes."""
    locked = User.objects.select_for_update().get(pk=account.pk)
    changes = {}
    for field, value in (("phone", phone), ("email", email)):
        before = getattr(locked, field)
        if before != value:
            changes[field] = [before, value]
            setattr(locked, field, value)
    if changes:
        locked.save(update_fields=list(changes))
        AuditEntry.objects.create(
            account=locked,
            actor=actor,
            actor_kind=_actor_kind(account=locked, actor=actor),
            action=AuditEntry.Action.CONTACT_CHANGED,
            changes=changes,
        )
    return changes


EMAIL_RESET_REASON = "Đặt lại mật khẩu bằng liên kết gửi tới email của tài khoản."


@transaction.atomic
def reset_password(*, account, new_password, reason=EMAIL_RESET_REASON):
    """Set a new password after a proven reset, lifting a login lock, and audit it."""
    account.set_password(new_password)
    account.save(update_fields=["password"])
    # Whoever proved they own the mailbox or the phone should not wait out a guesser's lock.
    account_failures(account).delete()
    AuditEntry.objects.create(
        account=account,
        actor=account,
        actor_kind=AuditEntry.ActorKind.CITIZEN,
        action=AuditEntry.Action.PASSWORD_RESET,
        reason=reason,
    )
    return account


@transaction.atomic
def correct_account(*, account, values, actor, reason):
    """Save an official's correction of an account with its reason; return the changes.

    One audit entry covers the whole correction; a CCCD that was empty and is now set makes it
    a link. The CCCD rules and "one CCCD, one account" hold here as everywhere.
    """
    reason = _required_reason(reason)
    unknown = set(values) - set(CORRECTABLE_FIELDS)
    if unknown:
        raise ValueError(f"Not correctable by an official: {', '.join(sorted(unknown))}.")
    locked = User.objects.select_for_update().get(pk=account.pk)
    changes = {}
    for field, value in values.items():
        before = getattr(locked, field)
        if before == value:
            continue
        changes[field] = [_audit_value(field, before), _audit_value(field, value)]
        setattr(locked, field, value)
    if not changes:
        return changes
    if "cccd_number" in changes and locked.cccd_number:
        problems = cccd_problems(
            locked.cccd_number, birth_date=locked.birth_date, gender=locked.gender
        )
        if problems:
            raise InvalidCccd(problems)
        if _number_taken(locked.cccd_number, account=locked):
            raise CccdAlreadyLinked()
    linked = "cccd_number" in changes and changes["cccd_number"][0] == ""
    try:
        # A savepoint, so that a constraint violation leaves the caller's transaction usable.
        with transaction.atomic():
            locked.save(update_fields=list(changes))
    except IntegrityError:
        raise CccdAlreadyLinked() from None
    AuditEntry.objects.create(
        account=locked,
        actor=actor,
        actor_kind=AuditEntry.ActorKind.OFFICIAL,
        action=AuditEntry.Action.CCCD_LINKED if linked else AuditEntry.Action.IDENTITY_CORRECTED,
        changes=changes,
        reason=reason,
    )
    for field in changes:
        setattr(account, field, getattr(locked, field))
    return changes


@transaction.atomic
def unlink_cccd(*, account, actor, reason):
    """Remove the CCCD linked to an account (linked by mistake); return the changes."""
    reason = _required_reason(reason)
    locked = User.objects.select_for_update().get(pk=account.pk)
    if not locked.cccd_number:
        raise CccdNotLinked()
    changes = {"cccd_number": [mask_number(locked.cccd_number), ""]}
    locked.cccd_number = ""
    locked.save(update_fields=["cccd_number"])
    AuditEntry.objects.create(
        account=locked,
        actor=actor,
        actor_kind=AuditEntry.ActorKind.OFFICIAL,
        action=AuditEntry.Action.CCCD_UNLINKED,
        changes=changes,
        reason=reason,
    )
    account.cccd_number = ""
    return changes


@transaction.atomic
def unlock_login(*, account, actor, reason):
    """Clear the failed logins that lock an account's login; return how many there were."""
    reason = _required_reason(reason)
    attempts = account_failures(account)
    failures = sum(attempt.failures_since_start for attempt in attempts)
    if not failures:
        return 0
    attempts.delete()
    AuditEntry.objects.create(
        account=account,
        actor=actor,
        actor_kind=AuditEntry.ActorKind.OFFICIAL,
        action=AuditEntry.Action.LOGIN_UNLOCKED,
        changes={"failed_logins": [failures, 0]},
        reason=reason,
    )
    return failures


@transaction.atomic
def record_roles_change(*, account, before, after, actor, reason):
    """Audit a change of an account's staff flag and roles ({name: value} before and after)."""
    reason = _required_reason(reason)
    changes = {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}
    if changes:
        AuditEntry.objects.create(
            account=account,
            actor=actor,
            actor_kind=AuditEntry.ActorKind.OFFICIAL,
            action=AuditEntry.Action.ROLES_CHANGED,
            changes=changes,
            reason=reason,
        )
    return changes


@transaction.atomic
def record_csv_export(*, count, actor, reason):
    """Audit an export of the account list: who, how many rows, and why."""
    return AuditEntry.objects.create(
        account=None,
        actor=actor,
        actor_kind=AuditEntry.ActorKind.OFFICIAL,
        action=AuditEntry.Action.CSV_EXPORTED,
        changes={"exported_accounts": [None, count]},
        reason=_required_reason(reason),
    )


def _required_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    return reason


@transaction.atomic
def _save_link(*, account, number, record, actor):
    locked = User.objects.select_for_update().get(pk=account.pk)
    if locked.cccd_number == number:
        # A double submit: the first request already linked this number.
        return locked
    if locked.cccd_number:
        raise AccountAlreadyHasCccd()
    locked.cccd_number = number
    identity_changes = _apply_record(locked, record)
    locked.identity_refreshed_at = timezone.now()
    locked.save()
    link_changes = {"cccd_number": ["", mask_number(number)]}
    if "cmnd_number" in identity_changes:
        link_changes["cmnd_number"] = identity_changes.pop("cmnd_number")
    kind = _actor_kind(account=locked, actor=actor)
    AuditEntry.objects.create(
        account=locked,
        actor=actor,
        actor_kind=kind,
        action=AuditEntry.Action.CCCD_LINKED,
        changes=link_changes,
        reason=PURPOSE_LINK,
    )
    AuditEntry.objects.create(
        account=locked,
        actor=actor,
        actor_kind=kind,
        action=AuditEntry.Action.IDENTITY_REFRESHED,
        changes=identity_changes,
        reason=PURPOSE_LINK,
    )
    logger.info("CCCD %s linked to account %s", mask_number(number), locked.pk)
    return locked


@transaction.atomic
def _save_refresh(*, account, record, actor):
    locked = User.objects.select_for_update().get(pk=account.pk)
    if locked.cccd_number != record.cccd_number:
        raise CccdNotLinked("Số CCCD của tài khoản vừa thay đổi; vui lòng thử lại.")
    changes = _apply_record(locked, record)
    locked.identity_refreshed_at = timezone.now()
    locked.save()
    AuditEntry.objects.create(
        account=locked,
        actor=actor,
        actor_kind=_actor_kind(account=locked, actor=actor),
        action=AuditEntry.Action.IDENTITY_REFRESHED,
        changes=changes,
        reason=PURPOSE_REFRESH,
    )
    return IdentityRefresh(account=locked, changes=changes)


def _apply_record(account, record):
    """Copy a registry record's identity data onto the account; return what changed."""
    values = {
        "full_name": display_name(record.full_name),
        "birth_date": record.birth_date,
        "gender": record.gender if record.gender in Gender.values else "",
        "place_of_birth": record.place_of_birth,
        "place_of_origin": record.place_of_origin,
    }
    # The old CMND is kept as registered; the registry only fills it in when it is missing.
    if not account.cmnd_number:
        values["cmnd_number"] = record.cmnd_number
    changes = {}
    for field, value in values.items():
        before = getattr(account, field)
        # An empty registry value never erases what the account has.
        if value in ("", None) or before == value:
            continue
        changes[field] = [_audit_value(field, before), _audit_value(field, value)]
        setattr(account, field, value)
    return changes


def _audit_value(field, value):
    if field in NUMBER_FIELDS:
        return mask_number(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _number_taken(number, *, account):
    """Return whether another account uses the number as its CCCD or its username."""
    return (
        User.objects.filter(Q(cccd_number=number) | Q(username=number))
        .exclude(pk=account.pk)
        .exists()
    )


@transaction.atomic
def _record_refusal(*, account, actor, number, reason):
    # The person sees one generic sentence; the precise reason stays in the log and audit.
    logger.info(
        "CCCD link refused for account %s, cccd %s: %s", account.pk, mask_number(number), reason
    )
    AuditEntry.objects.create(
        account=account,
        actor=actor,
        actor_kind=_actor_kind(account=account, actor=actor),
        action=AuditEntry.Action.CCCD_LINK_REFUSED,
        reason=f"CCCD {mask_number(number)}: {reason}",
    )


def _registry(client):
    """Use the given client as is, or a new one that is closed after use."""
    return nullcontext(client) if client is not None else RegistryClient()


def _requested_by(account):
    return f"portal-account:{account.pk}"


def _actor_kind(*, account, actor):
    if actor is None:
        return AuditEntry.ActorKind.SYSTEM
    if actor.pk == account.pk:
        return AuditEntry.ActorKind.CITIZEN
    return AuditEntry.ActorKind.OFFICIAL


def record_sign_in_step(*, account, action, shown_message=""):
    """Audit a step of the guide the person took on their own (login, CCCD screen, skip).

    A refusal keeps, as its reason, the message the person was shown.
    """
    AuditEntry.objects.create(
        account=account,
        actor=account,
        actor_kind=AuditEntry.ActorKind.CITIZEN,
        action=action,
        reason=shown_message,
    )


def account_for_login_name(login_name):
    """Return the account a login name (CMND or CCCD) belongs to, or None."""
    if not login_name:
        return None
    return (
        User.objects.filter(Q(username=login_name) | Q(cccd_number=login_name))
        .order_by("pk")
        .first()
    )
