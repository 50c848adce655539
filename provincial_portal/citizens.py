"""What a completed national login means for the province's accounts (the letter's point).

Citizens inherit the data of their earlier accounts: an account already tied to the national
subject logs in; a legacy account holding the citizen's CCCD is inherited at once; an account
holding only a CMND is inherited when the citizen proves it with its username and password and
it names the same person; otherwise the citizen gets a new, empty account. Each change is one
transaction with its audit row.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from idnumbers.names import names_match
from idnumbers.numbers import mask_number

from .models import AuditEvent, PasswordFailure, ProvincialAccount
from .national_login import CitizenAttributes

# Throttling the password of an old account: per account, and per address (a class or an
# office shares one address), as the national portal's login does.
FAILURES_PER_ACCOUNT = 5
FAILURES_PER_ADDRESS = 20
LOCK_MINUTES = 15

LOGIN = "login"
INHERITED = "inherited"
ASK = "ask"

WRONG_CREDENTIALS = (
    "Tên đăng nhập hoặc mật khẩu của tài khoản cũ không đúng. Vui lòng nhập đúng tên đăng nhập "
    "và mật khẩu Ông/Bà đã dùng trên Cổng Dịch vụ công tỉnh trước đây."
)
ACCOUNT_LOCKED = (
    "Tài khoản cũ này đã bị tạm khoá 15 phút do nhập sai mật khẩu quá 5 lần. Vui lòng thử lại "
    "sau, hoặc chọn “Tôi không có tài khoản cũ” để tiếp tục với tài khoản mới."
)
ADDRESS_LOCKED = (
    "Có quá nhiều lần nhập sai mật khẩu từ địa chỉ mạng này. Vui lòng thử lại sau 15 phút."
)
INACTIVE = (
    "Tài khoản cũ này đã bị khoá. Vui lòng liên hệ bộ phận Hỗ trợ của Cổng Dịch vụ công tỉnh "
    "Quảng Nam để được mở khoá."
)
ALREADY_INHERITED = (
    "Tài khoản cũ này đã được kế thừa bởi một tài khoản định danh điện tử khác, nên không thể "
    "kế thừa lần nữa. Nếu đó không phải là Ông/Bà, vui lòng liên hệ bộ phận Hỗ trợ."
)
HOLDS_OTHER_CCCD = (
    "Tài khoản cũ này đã cập nhật một số CCCD khác với số định danh của Ông/Bà, nên không thể "
    "kế thừa. Vui lòng liên hệ bộ phận Hỗ trợ của Cổng Dịch vụ công tỉnh."
)
NOT_THE_SAME_PERSON = (
    "Họ tên hoặc ngày sinh của tài khoản cũ không khớp với thông tin định danh của Ông/Bà, nên "
    "không thể kế thừa. Nếu thông tin tài khoản cũ bị sai, vui lòng liên hệ bộ phận Hỗ trợ để "
    "được điều chỉnh."
)


@dataclass(frozen=True)
class Decision:
    """The outcome of a completed national login: log in, inherited, or ask the citizen."""

    outcome: str
    account: ProvincialAccount | None = None


class LinkRefused(Exception):
    """The old account cannot be inherited; `message` says why, in Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def decide(attributes: CitizenAttributes) -> Decision:
    """Log in the account of this national subject, inherit the one holding its CCCD, or ask."""
    with transaction.atomic():
        account = (
            ProvincialAccount.objects.select_for_update()
            .filter(national_sub=attributes.sub, account_type=ProvincialAccount.AccountType.CITIZEN)
            .first()
        )
        if account is not None:
            return Decision(LOGIN, account)
        number = attributes.personal_id_number
        account = (
            ProvincialAccount.objects.select_for_update().filter(cccd_number=number).first()
            if number
            else None
        )
        if account is None:
            return Decision(ASK)
        if account.national_sub:
            # The CCCD is the proof of identity the service vouched for; the citizen came with
            # another national account (VNeID after an issued account, say): follow it.
            AuditEvent.of(
                AuditEvent.Kind.LOGIN,
                account,
                f"tài khoản được gắn với sub mới của Hệ thống xác thực ({attributes.login_idp})",
            )
            account.national_sub = attributes.sub
            account.save(update_fields=["national_sub"])
            return Decision(LOGIN, account)
        _inherit(account, attributes, how="khớp số định danh cá nhân (SoDinhDanh)")
        return Decision(INHERITED, account)


def record_login(account: ProvincialAccount, attributes: CitizenAttributes) -> None:
    """Note the login on the account and in the audit trail."""
    ProvincialAccount.objects.filter(pk=account.pk).update(last_login_at=timezone.now())
    AuditEvent.of(
        AuditEvent.Kind.LOGIN,
        account,
        f"qua Hệ thống xác thực, {attributes.login_idp or 'không rõ nguồn'}, "
        f"{attributes.acr or 'không rõ mức'}",
    )


def inherit_by_password(
    attributes: CitizenAttributes, *, username: str, password: str, address: str | None
) -> ProvincialAccount:
    """Inherit the old account named by username when its password and owner check out.

    Raises LinkRefused with the reason; a wrong password is counted (and stays counted).
    """
    now = timezone.now()
    window = now - timedelta(minutes=LOCK_MINUTES)
    if (
        address
        and PasswordFailure.objects.filter(address=address, created_at__gte=window).count()
        >= FAILURES_PER_ADDRESS
    ):
        raise LinkRefused(ADDRESS_LOCKED)
    # Failures older than the window count for nothing any more.
    PasswordFailure.objects.filter(created_at__lt=window).delete()
    # An organisation's account (its login name is the tax code) is never a citizen's to inherit.
    account = ProvincialAccount.objects.filter(
        username=username.strip(), account_type=ProvincialAccount.AccountType.CITIZEN
    ).first()
    if account is None:
        PasswordFailure.objects.create(account=None, address=address)
        raise LinkRefused(WRONG_CREDENTIALS)
    failures = PasswordFailure.objects.filter(account=account, created_at__gte=window)
    if failures.count() >= FAILURES_PER_ACCOUNT:
        _refused(account, "tài khoản đang tạm khoá do nhập sai mật khẩu")
        raise LinkRefused(ACCOUNT_LOCKED)
    if not account.check_password(password):
        PasswordFailure.objects.create(account=account, address=address)
        locked = failures.count() >= FAILURES_PER_ACCOUNT
        _refused(account, "sai mật khẩu" + (", tài khoản bị tạm khoá 15 phút" if locked else ""))
        raise LinkRefused(ACCOUNT_LOCKED if locked else WRONG_CREDENTIALS)
    if not account.is_active:
        _refused(account, "tài khoản đã bị khoá")
        raise LinkRefused(INACTIVE)
    if account.national_sub:
        _refused(account, "tài khoản đã được kế thừa trước đó")
        raise LinkRefused(ALREADY_INHERITED)
    number = attributes.personal_id_number
    if account.cccd_number and account.cccd_number != number:
        _refused(account, "tài khoản giữ số CCCD khác số định danh")
        raise LinkRefused(HOLDS_OTHER_CCCD)
    if not names_match(account.full_name, attributes.full_name) or (
        account.birth_date != attributes.birth_date
    ):
        _refused(account, "họ tên hoặc ngày sinh không khớp thông tin định danh")
        raise LinkRefused(NOT_THE_SAME_PERSON)
    with transaction.atomic():
        locked_row = ProvincialAccount.objects.select_for_update().get(pk=account.pk)
        if locked_row.national_sub:
            raise LinkRefused(ALREADY_INHERITED)
        if (
            ProvincialAccount.objects.filter(
                Q(national_sub=attributes.sub) | (Q(cccd_number=number) & ~Q(cccd_number=""))
            )
            .exclude(pk=account.pk)
            .exists()
        ):
            # Another account got this citizen meanwhile (a second tab): keep one.
            raise LinkRefused(ALREADY_INHERITED)
        _inherit(locked_row, attributes, how="xác minh bằng tên đăng nhập và mật khẩu cũ")
        PasswordFailure.objects.filter(account=account).delete()
    return locked_row


def create_from_vneid(attributes: CitizenAttributes, *, why: str) -> ProvincialAccount:
    """Create the citizen's new, empty account (or return the one a second tab just made)."""
    username = "vneid-" + hashlib.sha256(attributes.sub.encode()).hexdigest()[:12]
    try:
        with transaction.atomic():
            account = ProvincialAccount(
                username=username,
                full_name=attributes.full_name,
                birth_date=attributes.birth_date,
                cccd_number=attributes.personal_id_number,
                national_sub=attributes.sub,
                origin=ProvincialAccount.Origin.VNEID,
            )
            account.set_password(None)
            account.save()
            AuditEvent.of(AuditEvent.Kind.ACCOUNT_CREATED, account, why)
    except IntegrityError:
        existing = ProvincialAccount.objects.filter(national_sub=attributes.sub).first()
        if existing is None:
            raise LinkRefused(ALREADY_INHERITED) from None
        return existing
    return account


def _inherit(account: ProvincialAccount, attributes: CitizenAttributes, *, how: str) -> None:
    changes: dict[str, list[str]] = {"national_sub": ["", "(đã gắn)"]}
    if attributes.personal_id_number and not account.cccd_number:
        account.cccd_number = attributes.personal_id_number
        changes["cccd_number"] = ["", mask_number(attributes.personal_id_number)]
    account.national_sub = attributes.sub
    account.inherited_at = timezone.now()
    account.save(update_fields=["national_sub", "cccd_number", "inherited_at"])
    AuditEvent.of(AuditEvent.Kind.INHERITED, account, how, changes=changes)


def _refused(account: ProvincialAccount, why: str) -> None:
    AuditEvent.of(AuditEvent.Kind.LINK_REFUSED, account, why)
