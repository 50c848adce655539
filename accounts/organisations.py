"""Organisation accounts on the national portal: VNeID organisation logins and the takeover.

Nghị định 69/2024/NĐ-CP: organisation accounts the portal issued (tax code + password) stay
valid until 30/6/2025; from 01/7/2025 only the organisation's VNeID e-ID works. The first VNeID
login as the organisation inherits the legacy account matched by its tax code ("kế thừa tài
khoản tổ chức"), but only when the person acting is a legal representative or an authorised
person with the `full` scope; anyone else is refused, nothing changes, and the refusal is
audited. Later logins find the account by the e-ID's `sub`, whoever acts. Each change and its
audit rows are written in one transaction; the unique `vneid_sub` and tax code make two first
logins at the same moment end in one account.

Refusals follow `accounts.signature_login`: one exception per refusal with a stable `code`,
an HTTP `status` and the Vietnamese `message`; views only catch and show them.
"""

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from admin_kit.audit import apply_changes, recorded_value
from idnumbers.numbers import mask_number

from .models import AccountType, AuditEntry, OrganisationKind, OrganisationProfile, User

logger = logging.getLogger(__name__)

LEGAL_REPRESENTATIVE = "legal_representative"
AUTHORISED_PERSON = "authorised_person"
FULL_SCOPE = "full"
ROLE_LABELS = {
    LEGAL_REPRESENTATIVE: "Người đại diện theo pháp luật",
    AUTHORISED_PERSON: "Người được ủy quyền",
}
SCOPE_LABELS = {
    FULL_SCOPE: "toàn quyền",
    "dossiers": "nộp và theo dõi hồ sơ dịch vụ công",
}

# Set in the session after a VNeID organisation login: who acts (role, scope, masked number).
ORGANISATION_ACTING_SESSION_KEY = "accounts.organisation_acting"

LOGGED_IN = "logged_in"
INHERITED = "inherited"
CREATED = "created"

# The profile's fields VNeID vouches for; refreshed from it at every organisation login.
VOUCHED_FIELDS = (
    "enterprise_code",
    "kind",
    "name",
    "short_name",
    "foreign_name",
    "established_on",
    "head_office_address",
    "legal_representative_name",
    "legal_representative_cccd",
)


class OrganisationLoginRefused(Exception):
    """A refused VNeID organisation login: a stable code, an HTTP status, the Vietnamese text."""

    code = "refused"
    status = 403
    message = "Cổng không đăng nhập được tài khoản của tổ chức."

    def __init__(self, message: str = "") -> None:
        super().__init__(message or self.message)
        if message:
            self.message = message


class TakeoverRefused(OrganisationLoginRefused):
    """The person may act for the organisation but not inherit its legacy account."""

    code = "takeover_refused"
    status = 403


class OrganisationLocked(OrganisationLoginRefused):
    code = "organisation_locked"
    status = 403
    message = (
        "Tài khoản của tổ chức trên Cổng đã bị khoá, nên Cổng không đăng nhập. Người đại diện "
        "theo pháp luật vui lòng liên hệ bộ phận Hỗ trợ của Cổng Dịch vụ công Quốc gia để được "
        "mở khoá."
    )


class TaxCodeClaimed(OrganisationLoginRefused):
    """The legacy account of this tax code was already inherited by another VNeID e-ID."""

    code = "tax_code_claimed"
    status = 409
    message = (
        "Tài khoản tổ chức có mã số thuế này trên Cổng đã được kế thừa bởi một tài khoản định "
        "danh điện tử tổ chức khác, nên Cổng không đăng nhập và không thay đổi gì. Vui lòng liên "
        "hệ bộ phận Hỗ trợ của Cổng (mục “Hỗ trợ”), cung cấp giấy chứng nhận đăng ký doanh "
        "nghiệp, để được kiểm tra."
    )


@dataclass(frozen=True)
class OrganisationData:
    """What VNeID vouched for about the organisation (its e-ID's attributes)."""

    tax_code: str
    enterprise_code: str
    kind: str
    name: str
    short_name: str = ""
    foreign_name: str = ""
    established_on: date | None = None
    head_office_address: str = ""
    legal_representative_name: str = ""
    legal_representative_cccd: str = ""

    def profile_values(self) -> dict[str, Any]:
        kind = self.kind if self.kind in OrganisationKind.values else ""
        return {
            "enterprise_code": self.enterprise_code or self.tax_code,
            "kind": kind,
            "name": self.name,
            "short_name": self.short_name,
            "foreign_name": self.foreign_name,
            "established_on": self.established_on,
            "head_office_address": self.head_office_address,
            "legal_representative_name": self.legal_representative_name,
            "legal_representative_cccd": self.legal_representative_cccd,
        }


@dataclass(frozen=True)
class ActingPerson:
    """The person acting for the organisation: `act.sub`, their role and, if authorised, scope."""

    number: str
    role: str
    scope: str = ""

    @property
    def may_take_over(self) -> bool:
        if self.role == LEGAL_REPRESENTATIVE:
            return True
        return self.role == AUTHORISED_PERSON and self.scope == FULL_SCOPE

    def describe(self) -> str:
        """The person for audit rows and pages: role, scope, masked number (never in full)."""
        label = ROLE_LABELS.get(self.role, self.role)
        if self.role == AUTHORISED_PERSON and self.scope:
            label += f" ({SCOPE_LABELS.get(self.scope, self.scope)})"
        return f"{label}, số định danh {mask_number(self.number)}"


@dataclass(frozen=True)
class OrganisationLogin:
    """The account an organisation login goes to, and whether it was found, inherited or new."""

    account: User
    outcome: str


def describe_session_acting(acting: dict[str, Any]) -> str:
    """The person acting, as the session keeps it after a VNeID organisation login."""
    label = ROLE_LABELS.get(str(acting.get("role", "")), "")
    scope = str(acting.get("scope") or "")
    if label and acting.get("role") == AUTHORISED_PERSON and scope:
        label += f" ({SCOPE_LABELS.get(scope, scope)})"
    number = str(acting.get("masked_number") or "")
    return f"{label}, số định danh {number}" if label else ""


def takeover_refusal_message(organisation_name: str) -> str:
    """The page's text when someone who may not inherit the legacy account tries."""
    return (
        f"Tài khoản của {organisation_name} trên Cổng (tài khoản tổ chức cũ, đăng nhập bằng mã "
        "số thuế) chưa được kế thừa sang tài khoản định danh điện tử của tổ chức. Chỉ người đại "
        "diện theo pháp luật của tổ chức, hoặc người được tổ chức ủy quyền toàn quyền, mới được "
        "kế thừa tài khoản này; bạn đăng nhập với phạm vi ủy quyền khác, nên Cổng không đăng nhập "
        "và không thay đổi gì. Vui lòng đề nghị người đại diện theo pháp luật đăng nhập bằng VNeID "
        "với tư cách tổ chức một lần để kế thừa tài khoản (hoặc ủy quyền toàn quyền cho bạn trên "
        "ứng dụng VNeID); sau đó bạn đăng nhập được với phạm vi ủy quyền của mình."
    )


def log_in_organisation(
    *, vneid_sub: str, data: OrganisationData, acting: ActingPerson, level_reason: str = ""
) -> OrganisationLogin:
    """Find, inherit or create the organisation's account for a VNeID organisation login.

    Raises an OrganisationLoginRefused; a refused takeover is audited before it is raised.
    Two first logins at the same moment: the loser of the unique constraint finds the winner's
    account by its `sub` and logs into it.
    """
    try:
        return _log_in_organisation(vneid_sub, data, acting, level_reason)
    except IntegrityError:
        logger.info("organisation login raced another for the same e-ID; retrying once")
        return _log_in_organisation(vneid_sub, data, acting, level_reason)


def _log_in_organisation(
    vneid_sub: str, data: OrganisationData, acting: ActingPerson, level_reason: str
) -> OrganisationLogin:
    refusal: OrganisationLoginRefused | None = None
    with transaction.atomic():
        profile = (
            OrganisationProfile.objects.select_for_update()
            .select_related("account")
            .filter(vneid_sub=vneid_sub)
            .first()
        )
        if profile is None:
            profile = (
                OrganisationProfile.objects.select_for_update()
                .select_related("account")
                .filter(tax_code=data.tax_code)
                .first()
            )
        if profile is None:
            return OrganisationLogin(
                _create(vneid_sub, data, acting, level_reason), outcome=CREATED
            )
        account = profile.account
        if not account.is_active:
            raise OrganisationLocked()
        if profile.vneid_sub == vneid_sub:
            _refresh_and_audit_login(profile, data, acting, level_reason)
            return OrganisationLogin(account, outcome=LOGGED_IN)
        if profile.vneid_sub:
            _audit_refusal(profile, acting, reason="mã số thuế đã được kế thừa bởi e-ID khác")
            refusal = TaxCodeClaimed()
        elif not acting.may_take_over:
            _audit_refusal(profile, acting, reason="không phải người được kế thừa")
            refusal = TakeoverRefused(takeover_refusal_message(profile.name))
        else:
            _inherit(profile, vneid_sub, data, acting, level_reason)
            return OrganisationLogin(account, outcome=INHERITED)
    # Raised after the transaction committed, so that the refusal's audit row stays.
    raise refusal


def _inherit(
    profile: OrganisationProfile,
    vneid_sub: str,
    data: OrganisationData,
    acting: ActingPerson,
    level_reason: str,
) -> None:
    now = timezone.now()
    changes = _apply(profile, data)
    changes["vneid_sub"] = ["", vneid_sub]
    changes["inherited_by_number"] = ["", mask_number(acting.number)]
    profile.vneid_sub = vneid_sub
    profile.inherited_at = now
    profile.inherited_by_number = acting.number
    profile.save()
    account = profile.account
    AuditEntry.record(
        account=account,
        actor=account,
        action=AuditEntry.Action.ORGANISATION_TAKEOVER,
        changes=changes,
        reason=(
            f"{acting.describe()} kế thừa tài khoản tổ chức khi đăng nhập bằng VNeID với tư cách "
            f"tổ chức, lúc {timezone.localtime(now):%d/%m/%Y %H:%M}"
        ),
    )
    _audit_login(account, acting, level_reason)
    logger.info(
        "organisation account %s inherited by %s (%s)",
        account.pk,
        mask_number(acting.number),
        acting.role,
    )


def _refresh_and_audit_login(
    profile: OrganisationProfile, data: OrganisationData, acting: ActingPerson, level_reason: str
) -> None:
    changes = _apply(profile, data)
    if changes:
        profile.save(update_fields=list(changes))
    _audit_login(profile.account, acting, level_reason, changes=changes)


def _apply(profile: OrganisationProfile, data: OrganisationData) -> dict[str, list[Any]]:
    """Copy what VNeID vouched for onto the profile; an attribute VNeID left out stays."""
    return apply_changes(profile, data.profile_values(), shown=_shown, keep_when_empty=True)


def _shown(field: str, value: Any) -> Any:
    return mask_number(value) if field == "legal_representative_cccd" else recorded_value(value)


def _create(
    vneid_sub: str, data: OrganisationData, acting: ActingPerson, level_reason: str
) -> User:
    account = User(username=data.tax_code, account_type=AccountType.ORGANISATION)
    # Reached through VNeID only: no password exists that could be guessed.
    account.set_unusable_password()
    account.save()
    OrganisationProfile.objects.create(
        account=account, tax_code=data.tax_code, vneid_sub=vneid_sub, **data.profile_values()
    )
    AuditEntry.record(
        account=account,
        actor=account,
        action=AuditEntry.Action.ORGANISATION_ACCOUNT_CREATED,
        changes={"tax_code": ["", mask_number(data.tax_code)]},
        reason=f"{acting.describe()} đăng nhập bằng VNeID với tư cách tổ chức lần đầu",
    )
    _audit_login(account, acting, level_reason)
    logger.info("organisation account %s created from VNeID", account.pk)
    return account


def _audit_login(
    account: User,
    acting: ActingPerson,
    level_reason: str,
    *,
    changes: dict[str, list[Any]] | None = None,
) -> None:
    reason = f"{acting.describe()} đăng nhập thay mặt tổ chức"
    if level_reason:
        reason += f"; {level_reason}"
    AuditEntry.record(
        account=account,
        actor=account,
        action=AuditEntry.Action.ORGANISATION_VNEID_LOGIN,
        changes=changes or {},
        reason=reason,
    )


def _audit_refusal(profile: OrganisationProfile, acting: ActingPerson, *, reason: str) -> None:
    # Not attributed to the account: the person refused is not (yet) the one it belongs to.
    AuditEntry.record(
        account=profile.account,
        actor=None,
        action=AuditEntry.Action.ORGANISATION_TAKEOVER_REFUSED,
        reason=f"{acting.describe()}: {reason}",
    )
    logger.info(
        "organisation account %s: takeover by %s refused (%s)",
        profile.account_id,
        mask_number(acting.number),
        reason,
    )
