"""Organisations at the province (Nghị định 69/2024): legacy accounts and VNeID logins.

Until 30/6/2025 an organisation logged in with the account the province issued it: its tax code
(mã số thuế), a password and a captcha. From 01/7/2025 only the organisation's VNeID e-ID works,
through the national login service; the province's run-time switch
(`services.organisation_legacy_login_allowed`) says which side of the cut-off the sandbox is on.

An organisation login from the national login service (`LoaiTaiKhoan` "2"):
1. the account already tied to the organisation's `sub` logs in;
2. else the legacy organisation account holding the same tax code is taken over, with its
   dossiers, but only by a legal representative or a person authorised with full scope; anyone
   else is refused, audited, and nothing changes;
3. else the organisation gets a new, empty account.
Each change is one transaction with its audit row; the person acting is named by their masked
number only.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from idnumbers.numbers import mask_number
from idnumbers.tax_codes import normalize_tax_code

from .citizens import FAILURES_PER_ACCOUNT, FAILURES_PER_ADDRESS, LOCK_MINUTES
from .models import AuditEvent, PasswordFailure, ProvincialAccount
from .national_login import OrganisationAttributes
from .services import organisation_legacy_login_allowed

ORGANISATION = ProvincialAccount.AccountType.ORGANISATION

# The business registry's kinds (LoaiHinhToChuc), as the "Thông tin tổ chức" page names them.
KIND_LABELS = {
    "llc_single": "Công ty TNHH một thành viên",
    "llc_multi": "Công ty TNHH hai thành viên trở lên",
    "joint_stock": "Công ty cổ phần",
    "partnership": "Công ty hợp danh",
    "private_enterprise": "Doanh nghiệp tư nhân",
    "household_business": "Hộ kinh doanh",
    "branch": "Chi nhánh",
}

LOGIN = "login"
TAKEN_OVER = "taken_over"
CREATED = "created"


class OrganisationRefused(Exception):
    """A refused organisation login: a stable code, the Vietnamese sentence, an HTTP status."""

    code = "refused"
    status = 400
    message = "Tổ chức chưa đăng nhập được vào Cổng Dịch vụ công tỉnh."

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)


class LegacyLoginClosed(OrganisationRefused):
    code = "legacy_login_closed"
    status = 403
    message = (
        "Từ ngày 01/7/2025, tài khoản tổ chức do Cổng Dịch vụ công tỉnh cấp không còn được dùng "
        "để đăng nhập (Nghị định 69/2024/NĐ-CP). Tổ chức vui lòng đăng nhập bằng tài khoản định "
        "danh điện tử của tổ chức (VNeID) qua Hệ thống xác thực của Cổng Dịch vụ công Quốc gia: "
        "ở lần đăng nhập đầu tiên, tài khoản cũ cùng các hồ sơ đã nộp được kế thừa."
    )


class WrongCredentials(OrganisationRefused):
    code = "wrong_credentials"
    message = (
        "Mã số thuế hoặc mật khẩu không đúng. Vui lòng nhập đúng mã số thuế và mật khẩu của tài "
        "khoản tổ chức do Cổng Dịch vụ công tỉnh cấp."
    )


class AccountLocked(OrganisationRefused):
    code = "account_locked"
    status = 429
    message = (
        "Tài khoản tổ chức này đã bị tạm khoá 15 phút do nhập sai mật khẩu quá 5 lần. Vui lòng "
        "thử lại sau 15 phút, hoặc đăng nhập bằng tài khoản định danh điện tử của tổ chức (VNeID)."
    )


class AddressLocked(OrganisationRefused):
    code = "address_locked"
    status = 429
    message = (
        "Có quá nhiều lần nhập sai mật khẩu từ địa chỉ mạng này. Vui lòng thử lại sau 15 phút."
    )


class AccountInactive(OrganisationRefused):
    code = "account_inactive"
    status = 403
    message = (
        "Tài khoản tổ chức này đã bị khoá. Vui lòng liên hệ bộ phận Hỗ trợ của Cổng Dịch vụ công "
        "tỉnh Quảng Nam để được mở khoá."
    )


class AlreadyInherited(OrganisationRefused):
    code = "already_inherited"
    status = 403
    message = (
        "Tài khoản tổ chức này đã được kế thừa bởi tài khoản định danh điện tử của tổ chức, nên "
        "không còn đăng nhập bằng mã số thuế và mật khẩu. Vui lòng đăng nhập bằng VNeID (tài "
        "khoản định danh điện tử tổ chức): các hồ sơ của tổ chức vẫn còn nguyên."
    )


class TakeoverRefused(OrganisationRefused):
    code = "takeover_refused"
    status = 403
    message = (
        "Cổng Dịch vụ công tỉnh đã có tài khoản tổ chức mang mã số thuế này, nhưng chỉ người đại "
        "diện theo pháp luật hoặc người được ủy quyền toàn quyền mới được kế thừa tài khoản đó. "
        "Ông/Bà đang đăng nhập với quyền nộp và theo dõi hồ sơ, nên tài khoản không thay đổi. "
        "Vui lòng đề nghị người đại diện theo pháp luật của tổ chức đăng nhập một lần để kế thừa "
        "tài khoản, hoặc ủy quyền toàn quyền cho Ông/Bà trên ứng dụng VNeID."
    )


class AlreadyTakenOver(OrganisationRefused):
    code = "already_taken_over"
    status = 409
    message = (
        "Tài khoản tổ chức mang mã số thuế này vừa được kế thừa trong một lần đăng nhập khác. "
        "Vui lòng đăng nhập lại."
    )


@dataclass(frozen=True)
class Decision:
    """The outcome of an organisation's national login: log in, taken over, or created."""

    outcome: str
    account: ProvincialAccount


# Legacy login (mã số thuế + mật khẩu) ---------------------------------------------------------


def log_in_with_password(*, tax_code: str, password: str, address: str | None) -> ProvincialAccount:
    """Return the legacy organisation account these credentials open, or raise a refusal.

    The cut-off comes first: after it no password is even tried (no oracle, no count). A wrong
    password is counted per account and per address, as the citizens' inheritance does.
    """
    if not organisation_legacy_login_allowed():
        raise legacy_login_closed(tax_code)
    account = ProvincialAccount.objects.filter(tax_code=tax_code, account_type=ORGANISATION).first()
    now = timezone.now()
    window = now - timedelta(minutes=LOCK_MINUTES)
    if (
        address
        and PasswordFailure.objects.filter(address=address, created_at__gte=window).count()
        >= FAILURES_PER_ADDRESS
    ):
        raise AddressLocked()
    # Failures older than the window count for nothing any more.
    PasswordFailure.objects.filter(created_at__lt=window).delete()
    if account is None:
        PasswordFailure.objects.create(account=None, address=address)
        raise WrongCredentials()
    failures = PasswordFailure.objects.filter(account=account, created_at__gte=window)
    if failures.count() >= FAILURES_PER_ACCOUNT:
        _refused(account, "tài khoản tổ chức đang tạm khoá do nhập sai mật khẩu")
        raise AccountLocked()
    if not account.check_password(password):
        PasswordFailure.objects.create(account=account, address=address)
        locked = failures.count() >= FAILURES_PER_ACCOUNT
        _refused(account, "sai mật khẩu" + (", tài khoản bị tạm khoá 15 phút" if locked else ""))
        raise AccountLocked() if locked else WrongCredentials()
    if not account.is_active:
        _refused(account, "tài khoản tổ chức đã bị khoá")
        raise AccountInactive()
    if account.national_sub:
        _refused(account, "tài khoản tổ chức đã được kế thừa bằng VNeID")
        raise AlreadyInherited()
    PasswordFailure.objects.filter(account=account).delete()
    ProvincialAccount.objects.filter(pk=account.pk).update(last_login_at=timezone.now())
    AuditEvent.of(AuditEvent.Kind.LEGACY_ORG_LOGIN, account, "mã số thuế, mật khẩu và mã xác thực")
    return account


def legacy_login_closed(typed_tax_code: str) -> LegacyLoginClosed:
    """Audit a legacy organisation login tried after the cut-off; return its refusal.

    The typed tax code only names the account in the audit trail: no password is tried.
    """
    tax_code = normalize_tax_code(typed_tax_code)[:13]
    account = (
        ProvincialAccount.objects.filter(tax_code=tax_code, account_type=ORGANISATION).first()
        if tax_code
        else None
    )
    _refused(account, "đăng nhập bằng tài khoản tổ chức cũ sau mốc 01/7/2025")
    return LegacyLoginClosed()


# VNeID organisation logins ---------------------------------------------------------------------


def decide(attributes: OrganisationAttributes) -> Decision:
    """Log in, take over or create the organisation's account; raise TakeoverRefused.

    A refusal is audited after the transaction rolled back: nothing but the audit row is kept.
    """
    try:
        return _decide(attributes)
    except TakeoverRefused as refusal:
        account = ProvincialAccount.objects.filter(
            tax_code=attributes.tax_code, account_type=ORGANISATION
        ).first()
        AuditEvent.of(
            AuditEvent.Kind.TAKEOVER_REFUSED,
            account,
            f"{_who(attributes)}: chỉ người đại diện theo pháp luật hoặc người được ủy quyền "
            "toàn quyền được kế thừa",
        )
        raise refusal


def _decide(attributes: OrganisationAttributes) -> Decision:
    with transaction.atomic():
        account = (
            ProvincialAccount.objects.select_for_update()
            .filter(national_sub=attributes.sub, account_type=ORGANISATION)
            .first()
        )
        if account is not None:
            return Decision(LOGIN, account)
        account = (
            ProvincialAccount.objects.select_for_update()
            .filter(tax_code=attributes.tax_code)
            .first()
        )
        if account is not None:
            if account.national_sub == attributes.sub:
                # Taken over by a parallel login of the same organisation a moment ago.
                return Decision(LOGIN, account)
            if account.account_type != ORGANISATION:
                # Tax codes are only ever set on organisation accounts; never merge a citizen.
                raise AlreadyTakenOver("tax code on a citizen's account")
            if not attributes.may_take_over:
                raise TakeoverRefused()
            _take_over(account, attributes)
            return Decision(TAKEN_OVER, account)
    return Decision(CREATED, _create(attributes))


def _take_over(account: ProvincialAccount, attributes: OrganisationAttributes) -> None:
    masked = mask_number(attributes.acting_number)
    previous_sub = account.national_sub
    changes: dict[str, list[str]] = {
        "national_sub": ["(đã gắn)" if previous_sub else "", "(đã gắn)"],
        "inherited_by_number": [account.inherited_by_number, masked],
    }
    account.national_sub = attributes.sub
    account.inherited_at = timezone.now()
    account.inherited_by_number = masked
    _fill_blank_profile(account, attributes)
    account.save()
    how = (
        "gắn với định danh điện tử tổ chức mới (sub mới của Hệ thống xác thực)"
        if previous_sub
        else "khớp mã số thuế (MaSoThue)"
    )
    AuditEvent.of(
        AuditEvent.Kind.ORGANISATION_TAKEOVER,
        account,
        f"{_who(attributes)}, {how}",
        changes=changes,
    )


def _fill_blank_profile(account: ProvincialAccount, attributes: OrganisationAttributes) -> None:
    """Complete what the province never recorded from the e-ID; what it has stays its own."""
    for field, value in (
        ("short_name", attributes.short_name),
        ("foreign_name", attributes.foreign_name),
        ("organisation_kind", attributes.kind),
        ("established_on", attributes.established_on),
        ("head_office_address", attributes.head_office_address),
        ("representative_name", attributes.representative_name),
        ("representative_number", attributes.representative_number),
    ):
        if value and not getattr(account, field):
            setattr(account, field, value)


def _create(attributes: OrganisationAttributes) -> ProvincialAccount:
    username = "vneid-" + hashlib.sha256(attributes.sub.encode()).hexdigest()[:12]
    try:
        with transaction.atomic():
            account = ProvincialAccount(
                username=username,
                full_name=attributes.name,
                account_type=ORGANISATION,
                tax_code=attributes.tax_code,
                national_sub=attributes.sub,
                origin=ProvincialAccount.Origin.VNEID,
            )
            _fill_blank_profile(account, attributes)
            account.set_password(None)
            account.save()
            AuditEvent.of(
                AuditEvent.Kind.ACCOUNT_CREATED,
                account,
                f"tài khoản tổ chức mới từ VNeID, {_who(attributes)}",
            )
    except IntegrityError:
        # A second tab (or another representative) made it a moment ago: use that one.
        existing = ProvincialAccount.objects.filter(
            national_sub=attributes.sub, account_type=ORGANISATION
        ).first()
        if existing is None:
            raise AlreadyTakenOver("tax code taken meanwhile") from None
        return existing
    return account


def record_login(account: ProvincialAccount, attributes: OrganisationAttributes) -> None:
    """Note the organisation's login on the account and in the audit trail."""
    ProvincialAccount.objects.filter(pk=account.pk).update(last_login_at=timezone.now())
    AuditEvent.of(
        AuditEvent.Kind.ORGANISATION_LOGIN,
        account,
        f"{_who(attributes)}, qua Hệ thống xác thực, {attributes.login_idp or 'không rõ nguồn'}, "
        f"{attributes.acr or 'không rõ mức'}",
    )


def _who(attributes: OrganisationAttributes) -> str:
    return f"{attributes.role_label} {mask_number(attributes.acting_number)}"


def _refused(account: ProvincialAccount | None, why: str) -> None:
    AuditEvent.of(AuditEvent.Kind.LEGACY_ORG_REFUSED, account, why)
