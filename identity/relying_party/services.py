"""Account changes a VNeID login makes, each with its audit row in the same transaction."""

import logging

from django.db import transaction
from django.utils import timezone

from accounts.login_flow import VNEID, record_login
from accounts.models import AuditEntry, User
from accounts.services import (
    Changes,
    ConfirmedIdentity,
    apply_confirmed_identity,
    check_cccd_link,
    one_account_per_cccd,
    save_cccd_link,
)
from idnumbers.numbers import mask_number

from .protocol import VneidIdentity

logger = logging.getLogger(__name__)

REASON_LINK = "Liên kết tài khoản khi đăng nhập bằng VNeID (xác nhận bằng mật khẩu tài khoản cũ)"


REASON_REFRESH = "Cập nhật thông tin định danh khi đăng nhập bằng VNeID"


@transaction.atomic
def record_vneid_login(*, account: User, identity: VneidIdentity) -> None:
    """Audit a login with VNeID into a linked account, copying identity data VNeID changed.

    An official's correction in the population database reaches the account this way too.
    """
    changes = apply_confirmed_identity(account, _confirmed(identity))
    if changes:
        account.save(update_fields=list(changes))
        _audit(
            account,
            AuditEntry.Action.IDENTITY_REFRESHED,
            by_citizen=False,
            changes=changes,
            reason=REASON_REFRESH,
        )
    record_login(account=account, method=VNEID, reason=_level_reason(identity))


def link_with_vneid(*, account: User, identity: VneidIdentity) -> User:
    """Link a legacy account to the citizen's CCCD and refresh its identity from VNeID."""
    check_cccd_link(identity.personal_id_number, account=account, vouched=True)
    with one_account_per_cccd():
        account = save_cccd_link(
            account=account, record=_confirmed(identity), actor=account, reason=REASON_LINK
        )
        record_login(account=account, method=VNEID, reason=_level_reason(identity))
    return account


@transaction.atomic
def record_link_refused(*, account: User, identity: VneidIdentity, reason: str) -> None:
    """Audit a refused attempt to link a legacy account during a VNeID login."""
    logger.info(
        "VNeID link refused for account %s, cccd %s: %s",
        account.pk,
        mask_number(identity.personal_id_number),
        reason,
    )
    _audit(
        account,
        AuditEntry.Action.VNEID_LINK_REFUSED,
        by_citizen=False,
        reason=f"CCCD {mask_number(identity.personal_id_number)}: {reason}",
    )


def create_account_from_vneid(
    *, identity: VneidIdentity, declined_account: User | None = None
) -> User:
    """Create a new, empty account from the VNeID identity; it has no password."""
    check_cccd_link(identity.personal_id_number, account=None, vouched=True)
    with one_account_per_cccd():
        return _create(identity=identity, declined_account=declined_account)


@transaction.atomic
def _create(*, identity: VneidIdentity, declined_account: User | None) -> User:
    account = User(
        username=identity.personal_id_number,
        cccd_number=identity.personal_id_number,
        cmnd_number=identity.old_cmnd_number,
        identity_refreshed_at=timezone.now(),
    )
    apply_confirmed_identity(account, _confirmed(identity))
    # The account is reached through VNeID only: no password exists that could be guessed.
    account.set_unusable_password()
    account.save()
    reason = _level_reason(identity)
    if declined_account is not None:
        reason += (
            f"; người dùng chọn không liên kết với tài khoản cũ "
            f"{mask_number(declined_account.username)}"
        )
    changes = {"cccd_number": ["", mask_number(identity.personal_id_number)]}
    _audit(account, AuditEntry.Action.VNEID_ACCOUNT_CREATED, changes=changes, reason=reason)
    logger.info(
        "account %s created from VNeID for cccd %s",
        account.pk,
        mask_number(identity.personal_id_number),
    )
    return account


def _confirmed(identity: VneidIdentity) -> ConfirmedIdentity:
    """Return what VNeID vouched for about the citizen, in the shape the linking service takes."""
    return ConfirmedIdentity(
        cccd_number=identity.personal_id_number,
        full_name=identity.full_name,
        birth_date=identity.birth_date,
        gender=identity.gender,
        cmnd_number=identity.old_cmnd_number,
    )


def _audit(
    account: User,
    action: str,
    *,
    by_citizen: bool = True,
    changes: Changes | None = None,
    reason: str = "",
) -> None:
    # A refused link attempt is not attributed to the account: its owner may not be the one typing.
    actor = account if by_citizen else None
    AuditEntry.record(
        account=account,
        actor=actor,
        action=action,
        changes=changes or {},
        reason=reason,
    )


def level_reason(identity: VneidIdentity) -> str:
    """The audit reason of a VNeID login: the account's level."""
    return _level_reason(identity)


def _level_reason(identity: VneidIdentity) -> str:
    return f"Tài khoản định danh điện tử VNeID mức {identity.level}"
