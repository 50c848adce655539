"""State changes of portal accounts, each with its audit row in the same transaction.

Calls to the population database happen before the transaction opens, so no row stays locked
while the portal waits on the network.
"""

import logging
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from admin_kit.audit import ReasonRequired as ReasonRequired
from admin_kit.audit import (
    apply_changes,
    copy_changed,
    masked_value,
    refuse_unknown_fields,
    required_reason,
)
from idnumbers.names import display_name
from idnumbers.numbers import cccd_problems, mask_number, normalize_number

from .models import AuditEntry, Gender, User
from .registry_client import CitizenRecord, RegistryBadResponse, RegistryClient, RegistryNotFound
from .roles import ensure_default_roles
from .throttling import account_failures

logger = logging.getLogger(__name__)

# {field: [before, after]} of one change, as the audit entries record it.
Changes = dict[str, list[Any]]

PURPOSE_LINK = "Liên kết số CCCD với tài khoản Cổng DVCQG"
PURPOSE_REFRESH = "Cập nhật thông tin định danh của tài khoản Cổng DVCQG"
# Codes from the registry's published purpose list (its OpenAPI document).
REGISTRY_PURPOSE_LINK = "cccd_linking"
REGISTRY_PURPOSE_REFRESH = "identity_refresh"

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

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class InvalidCccd(AccountServiceError):
    code = "invalid_cccd"
    message = "Số CCCD không hợp lệ."

    def __init__(self, problems: Sequence[Any]) -> None:
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


@dataclass(frozen=True)
class IdentityRefresh:
    """The outcome of a refresh: the saved account and the {field: [before, after]} changes."""

    account: User
    changes: Changes


def link_cccd(
    *,
    account: User,
    cccd_number: str,
    actor: User | None = None,
    client: RegistryClient | None = None,
) -> User:
    """Link a CCCD to an account after the registry confirms it; return the saved account.

    Local rules first, then "one CCCD, one account", then the registry (verify, then lookup);
    on a match the CCCD is saved with the identity data of the record. A repeated submit of the
    number already linked is a no-op.
    """
    number = normalize_number(cccd_number)
    try:
        if check_cccd_link(
            number, account=account, birth_date=account.birth_date, gender=account.gender
        ):
            return account
    except CccdAlreadyLinked:
        _record_refusal(account=account, actor=actor, number=number, reason="already_linked")
        raise

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
        with one_account_per_cccd():
            return save_cccd_link(account=account, record=record, actor=actor)
    except CccdAlreadyLinked:
        _record_refusal(
            account=account, actor=actor, number=number, reason="already_linked (constraint)"
        )
        raise


def check_cccd_link(
    number: str,
    *,
    account: User | None,
    birth_date: date | None = None,
    gender: str | None = None,
    vouched: bool = False,
    replaces: bool = False,
) -> bool:
    """Refuse a CCCD that cannot become the account's; return whether it already is.

    The rules every way of setting a CCCD shares, in this order: the number's structure
    against the birth date and gender (unless an authority vouched for it, as VNeID does); an
    account links one CCCD (an official's correction `replaces` it); one CCCD, one account.
    `account` is the account as stored, None for one about to be created. Raises InvalidCccd,
    AccountAlreadyHasCccd or CccdAlreadyLinked. Run the write in `one_account_per_cccd`.
    """
    if not vouched:
        problems = cccd_problems(number, birth_date=birth_date, gender=gender)
        if problems:
            raise InvalidCccd(problems)
    current = account.cccd_number if account is not None else ""
    if current == number:
        return True
    if current and not replaces:
        raise AccountAlreadyHasCccd()
    if User.objects.number_taken(number, other_than=account):
        raise CccdAlreadyLinked()
    return False


@contextmanager
def one_account_per_cccd() -> Iterator[None]:
    """Run a write that sets a CCCD; another account taking it meanwhile is CccdAlreadyLinked.

    The unique constraint decides the race that `check_cccd_link` cannot see. A savepoint, so
    that the caller's transaction stays usable (to audit the refusal, say).
    """
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise CccdAlreadyLinked() from None


@dataclass(frozen=True)
class ConfirmedIdentity:
    """Identity data an authority vouched for, in a registry record's shape (VNeID's claims)."""

    cccd_number: str
    full_name: str
    birth_date: date | None
    gender: str
    cmnd_number: str = ""
    place_of_birth: str = ""
    place_of_origin: str = ""


@transaction.atomic
def save_cccd_link(
    *,
    account: User,
    record: CitizenRecord | ConfirmedIdentity,
    actor: User | None = None,
    reason: str = PURPOSE_LINK,
) -> User:
    """Link the CCCD of a record already matched to the account and copy its identity data.

    The one place a CCCD gets linked: the CCCD screen and the identity page (after the registry
    matched it), the VNeID login (VNeID vouches for it) and the sandbox's personas. `record` is
    a registry CitizenRecord or a ConfirmedIdentity. Audited as a link plus an identity refresh;
    a repeated link of the same number is a no-op. Raises AccountAlreadyHasCccd, and
    IntegrityError if another account took the number meanwhile.
    """
    number = record.cccd_number
    locked: User = User.objects.select_for_update().get(pk=account.pk)
    if locked.cccd_number == number:
        # A double submit: the first request already linked this number.
        return locked
    if locked.cccd_number:
        raise AccountAlreadyHasCccd()
    locked.cccd_number = number
    identity_changes = apply_confirmed_identity(locked, record)
    locked.identity_refreshed_at = timezone.now()
    locked.save()
    link_changes = {"cccd_number": ["", mask_number(number)]}
    if "cmnd_number" in identity_changes:
        link_changes["cmnd_number"] = identity_changes.pop("cmnd_number")
    kind = AuditEntry.actor_kind_of(account=locked, actor=actor)
    AuditEntry.record(
        account=locked,
        actor=actor,
        actor_kind=kind,
        action=AuditEntry.Action.CCCD_LINKED,
        changes=link_changes,
        reason=reason,
    )
    AuditEntry.record(
        account=locked,
        actor=actor,
        actor_kind=kind,
        action=AuditEntry.Action.IDENTITY_REFRESHED,
        changes=identity_changes,
        reason=reason,
    )
    logger.info("CCCD %s linked to account %s", mask_number(number), locked.pk)
    return locked


def refresh_identity(
    *, account: User, actor: User | None = None, client: RegistryClient | None = None
) -> IdentityRefresh:
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
def change_contact(*, account: User, phone: str, email: str, actor: User | None = None) -> Changes:
    """Save the account's phone and email; return the {field: [before, after]} changes."""
    locked: User = User.objects.select_for_update().get(pk=account.pk)
    changes = apply_changes(locked, {"phone": phone, "email": email})
    if changes:
        locked.save(update_fields=list(changes))
        AuditEntry.record(
            account=locked,
            actor=actor,
            action=AuditEntry.Action.CONTACT_CHANGED,
            changes=changes,
        )
    return changes


EMAIL_RESET_REASON = "Đặt lại mật khẩu bằng liên kết gửi tới email của tài khoản."


@transaction.atomic
def reset_password(*, account: User, new_password: str, reason: str = EMAIL_RESET_REASON) -> User:
    """Set a new password after a proven reset, lifting a login lock, and audit it."""
    account.set_password(new_password)
    account.save(update_fields=["password"])
    # Whoever proved they own the mailbox or the phone should not wait out a guesser's lock.
    account_failures(account).delete()
    AuditEntry.record(
        account=account,
        actor=account,
        actor_kind=AuditEntry.ActorKind.CITIZEN,
        action=AuditEntry.Action.PASSWORD_RESET,
        reason=reason,
    )
    return account


@transaction.atomic
def correct_account(
    *, account: User, values: Mapping[str, Any], actor: User, reason: str
) -> Changes:
    """Save an official's correction of an account with its reason; return the changes.

    One audit entry covers the whole correction; a CCCD that was empty and is now set makes it
    a link. The CCCD rules and "one CCCD, one account" hold here as everywhere.
    """
    reason = required_reason(reason)
    refuse_unknown_fields(values, CORRECTABLE_FIELDS)
    locked: User = User.objects.select_for_update().get(pk=account.pk)
    number = values.get("cccd_number", locked.cccd_number)
    if number and number != locked.cccd_number:
        check_cccd_link(
            number,
            account=locked,
            birth_date=values.get("birth_date", locked.birth_date),
            gender=values.get("gender", locked.gender),
            replaces=True,
        )
    changes = apply_changes(locked, values, shown=masked_value)
    if not changes:
        return changes
    linked = "cccd_number" in changes and changes["cccd_number"][0] == ""
    with one_account_per_cccd():
        locked.save(update_fields=list(changes))
    AuditEntry.record(
        account=locked,
        actor=actor,
        actor_kind=AuditEntry.ActorKind.OFFICIAL,
        action=AuditEntry.Action.CCCD_LINKED if linked else AuditEntry.Action.IDENTITY_CORRECTED,
        changes=changes,
        reason=reason,
    )
    copy_changed(account, locked, changes)
    return changes


@transaction.atomic
def unlink_cccd(*, account: User, actor: User, reason: str) -> Changes:
    """Remove the CCCD linked to an account (linked by mistake); return the changes."""
    reason = required_reason(reason)
    locked: User = User.objects.select_for_update().get(pk=account.pk)
    if not locked.cccd_number:
        raise CccdNotLinked()
    changes = {"cccd_number": [mask_number(locked.cccd_number), ""]}
    locked.cccd_number = ""
    locked.save(update_fields=["cccd_number"])
    AuditEntry.record(
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
def unlock_login(*, account: User, actor: User, reason: str) -> int:
    """Clear the failed logins that lock an account's login; return how many there were."""
    reason = required_reason(reason)
    attempts = account_failures(account)
    failures: int = sum(attempt.failures_since_start for attempt in attempts)
    if not failures:
        return 0
    attempts.delete()
    AuditEntry.record(
        account=account,
        actor=actor,
        actor_kind=AuditEntry.ActorKind.OFFICIAL,
        action=AuditEntry.Action.LOGIN_UNLOCKED,
        changes={"failed_logins": [failures, 0]},
        reason=reason,
    )
    return failures


@transaction.atomic
def record_roles_change(
    *,
    account: User,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    actor: User,
    reason: str,
) -> Changes:
    """Audit a change of an account's staff flag and roles ({name: value} before and after)."""
    reason = required_reason(reason)
    changes = {key: [before[key], after[key]] for key in after if before.get(key) != after[key]}
    if changes:
        AuditEntry.record(
            account=account,
            actor=actor,
            actor_kind=AuditEntry.ActorKind.OFFICIAL,
            action=AuditEntry.Action.ROLES_CHANGED,
            changes=changes,
            reason=reason,
        )
    return changes


@transaction.atomic
def record_csv_export(*, count: int, actor: User, reason: str) -> AuditEntry:
    """Audit an export of the account list: who, how many rows, and why."""
    return AuditEntry.record(
        account=None,
        actor=actor,
        actor_kind=AuditEntry.ActorKind.OFFICIAL,
        action=AuditEntry.Action.CSV_EXPORTED,
        changes={"exported_accounts": [None, count]},
        reason=required_reason(reason),
    )


@transaction.atomic
def _save_refresh(*, account: User, record: CitizenRecord, actor: User | None) -> IdentityRefresh:
    locked: User = User.objects.select_for_update().get(pk=account.pk)
    if locked.cccd_number != record.cccd_number:
        raise CccdNotLinked("Số CCCD của tài khoản vừa thay đổi; vui lòng thử lại.")
    changes = apply_confirmed_identity(locked, record)
    locked.identity_refreshed_at = timezone.now()
    locked.save()
    AuditEntry.record(
        account=locked,
        actor=actor,
        action=AuditEntry.Action.IDENTITY_REFRESHED,
        changes=changes,
        reason=PURPOSE_REFRESH,
    )
    return IdentityRefresh(account=locked, changes=changes)


def apply_confirmed_identity(account: User, record: CitizenRecord | ConfirmedIdentity) -> Changes:
    """Copy a record's identity data onto the account (not saved); return what changed."""
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
    # An empty value (a claim VNeID left out, say) never erases what the account has.
    return apply_changes(account, values, shown=masked_value, keep_when_empty=True)


@transaction.atomic
def _record_refusal(*, account: User, actor: User | None, number: str, reason: str) -> None:
    # The person sees one generic sentence; the precise reason stays in the log and audit.
    logger.info(
        "CCCD link refused for account %s, cccd %s: %s", account.pk, mask_number(number), reason
    )
    AuditEntry.record(
        account=account,
        actor=actor,
        action=AuditEntry.Action.CCCD_LINK_REFUSED,
        reason=f"CCCD {mask_number(number)}: {reason}",
    )


def _registry(client: RegistryClient | None) -> AbstractContextManager[RegistryClient]:
    """Use the given client as is, or a new one that is closed after use."""
    return nullcontext(client) if client is not None else RegistryClient()


def _requested_by(account: User) -> str:
    return f"portal-account:{account.pk}"


def record_sign_in_step(*, account: User, action: str, shown_message: str = "") -> None:
    """Audit a step of the guide the person took on their own (login, CCCD screen, skip).

    A refusal keeps, as its reason, the message the person was shown.
    """
    AuditEntry.record(
        account=account,
        actor=account,
        actor_kind=AuditEntry.ActorKind.CITIZEN,
        action=action,
        reason=shown_message,
    )


def account_for_login_name(login_name: str) -> User | None:
    """Return the account a login name (CMND or CCCD) belongs to, or None."""
    if not login_name:
        return None
    account: User | None = User.objects.by_login_number(login_name).first()
    return account


# Seeding and removing accounts by their numbers, for the sandbox's personas and workspaces.
# Changes join the caller's transaction without a savepoint, as a class resets or removes
# hundreds of personas in one.
TOTP_DEVICE_NAME = "Ứng dụng xác thực"


def accounts_named(usernames: Collection[str]) -> QuerySet[User]:
    """Return the accounts registered under these usernames."""
    accounts: QuerySet[User] = User.objects.filter(username__in=usernames)
    return accounts


def account_named(username: str) -> User | None:
    """Return the account registered under username, or None."""
    account: User | None = User.objects.filter(username=username).first()
    return account


def numbers_taken(*, numbers: Collection[str], phones: Collection[str]) -> set[str]:
    """Return which numbers an account holds as username or CCCD, and which phones it holds."""
    taken = set(User.objects.filter(username__in=numbers).values_list("username", flat=True))
    taken.update(User.objects.filter(cccd_number__in=numbers).values_list("cccd_number", flat=True))
    taken.update(User.objects.filter(phone__in=phones).values_list("phone", flat=True))
    return taken


def has_confirmed_totp(username: str) -> bool:
    """Return whether the account called username has a confirmed TOTP device."""
    exists: bool = TOTPDevice.objects.filter(user__username=username, confirmed=True).exists()
    return exists


@transaction.atomic(savepoint=False)
def restore_account(*, values: Mapping[str, Any], password_hash: str) -> User:
    """Make the account hold values and password, logins unlocked, identity never refreshed.

    Its CCCD stays only when it is the one in values; linking one is save_cccd_link's job, so
    the caller links through it and the link leaves the audit rows a real one does.
    """
    data = dict(values)
    username = data.pop("username")
    cccd_number = data.pop("cccd_number")
    account: User
    account, _ = User.objects.update_or_create(
        username=username, defaults={**data, "identity_refreshed_at": None}
    )
    account.password = password_hash
    if account.cccd_number != cccd_number:
        account.cccd_number = ""
    account.save(update_fields=["password", "cccd_number"])
    AccessAttempt.objects.filter(username=username).delete()
    return account


def create_accounts(rows: Iterable[Mapping[str, Any]], *, password_hash: str) -> list[User]:
    """Create accounts nobody holds yet, unlinked and with one password, in one INSERT."""
    accounts: list[User] = User.objects.bulk_create(
        User(**{**row, "cccd_number": ""}, password=password_hash) for row in rows
    )
    return accounts


def _roles(names: Collection[str]) -> QuerySet[Group]:
    """Return the groups called names."""
    # A flushed test database loses the groups its migration created: make them again.
    if Group.objects.filter(name__in=names).count() != len(set(names)):
        ensure_default_roles()
    return Group.objects.filter(name__in=names)


def _totp_device(account: User, totp_key: str) -> Any:
    return TOTPDevice(user=account, name=TOTP_DEVICE_NAME, key=totp_key, confirmed=True)


@transaction.atomic(savepoint=False)
def restore_official(*, account: User, roles: Collection[str], totp_key: str | None) -> None:
    """Give an official exactly these roles (if any) and one confirmed TOTP device (if a key)."""
    if roles:
        account.groups.set(_roles(roles))
    if totp_key:
        TOTPDevice.objects.filter(user=account).delete()
        _totp_device(account, totp_key).save()


@transaction.atomic(savepoint=False)
def create_officials(officials: Sequence[tuple[User, Collection[str], str | None]]) -> None:
    """Give each new (account, roles, TOTP key or None) its roles and device, in two INSERTs."""
    memberships = User.groups.through
    roles = {group.name: group for group in _roles([r for _, names, _ in officials for r in names])}
    memberships.objects.bulk_create(
        memberships(user=account, group=roles[name])
        for account, names, _ in officials
        for name in names
    )
    TOTPDevice.objects.bulk_create(
        _totp_device(account, totp_key) for account, _, totp_key in officials if totp_key
    )


def audit_trail(
    account_ids: Collection[int], *, since: datetime
) -> QuerySet[AuditEntry, tuple[int, str, str, datetime]]:
    """Return (account id, action, actor kind, when) of these accounts' entries, oldest first."""
    return (
        AuditEntry.objects.filter(account_id__in=account_ids, created_at__gte=since)
        .order_by("created_at", "id")
        .values_list("account_id", "action", "actor_kind", "created_at")
    )


@transaction.atomic(savepoint=False)
def delete_by_usernames(usernames: Collection[str]) -> None:
    """Delete these accounts with their audit trail, the entries they wrote and login attempts.

    Rows other organisations keep about them (dossiers, officials' changes) go first.
    """
    accounts = accounts_named(usernames)
    # Audit rows protect what they point at; they go with the accounts they describe.
    AuditEntry.objects.filter(account__in=accounts).delete()
    AuditEntry.objects.filter(actor__in=accounts).delete()
    AccessAttempt.objects.filter(username__in=usernames).delete()
    accounts.delete()
