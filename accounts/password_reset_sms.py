"""Forgot password by SMS: a 6-digit one-time code to the account's registered phone.

| step      | what the citizen does                   | what is checked                          |
|-----------|-----------------------------------------|------------------------------------------|
| request   | login name (CMT/CCCD) and captcha       | throttled per login name; SMS sent       |
| verify    | types the code                          | 5 minutes, 3 tries, single use           |
| new pass  | types the new password twice            | Django's password validators             |

Unknown login names, accounts without a phone and locked accounts go through the same steps
with a code nobody receives, so the pages never tell whether an account exists.
"""

import hmac
import logging
import secrets
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from idnumbers.phones import mask_phone, normalize_phone

from . import services
from .models import PasswordResetCode, User
from .operator_client import OperatorClient

logger = logging.getLogger(__name__)

CODE_LIFETIME = timedelta(minutes=5)
MAX_ATTEMPTS = 3
# After the code is right, the new password must be chosen within this time.
NEW_PASSWORD_WINDOW = timedelta(minutes=10)
# Codes per login name per window: enough to retry, too few to flood a phone with SMS.
MAX_CODES_PER_WINDOW = 3
THROTTLE_WINDOW = timedelta(minutes=15)
SMS_REASON = "Đặt lại mật khẩu bằng mã OTP gửi qua SMS tới số điện thoại của tài khoản."

MESSAGES = {
    "wrong": "Mã OTP không đúng. Bạn còn {left} lần thử.",
    "exhausted": ("Bạn đã nhập sai mã OTP {limit} lần. Mã này đã bị huỷ; vui lòng yêu cầu mã mới."),
    "expired": "Mã OTP đã hết hạn (mã chỉ có hiệu lực 5 phút). Vui lòng yêu cầu mã mới.",
    "used": "Mã OTP này đã được sử dụng. Vui lòng yêu cầu mã mới nếu cần.",
    "throttled": (
        "Bạn đã yêu cầu quá nhiều mã OTP cho tên đăng nhập này. Vui lòng thử lại sau "
        "15 phút, hoặc nhận liên kết đặt lại mật khẩu qua email."
    ),
}


class ResetProblem(Exception):
    """A step that cannot go on; `code` is a key of MESSAGES."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code = code
        self.message = MESSAGES[code].format(limit=MAX_ATTEMPTS, **values)


@dataclass(frozen=True)
class Verification:
    """The answer to a typed code: the reset row when right, else the problem."""

    reset: PasswordResetCode | None
    problem: ResetProblem | None


def _digest(purpose: str, value: str) -> str:
    return salted_hmac(
        f"accounts.password_reset_sms.{purpose}", value, algorithm="sha256"
    ).hexdigest()


def _account_for(login_name: str) -> User | None:
    account: User | None = User.objects.by_login_number(login_name).filter(is_active=True).first()
    if account is None or not account.has_usable_password():
        return None
    return account


# Prefixes of Vietnamese mobile networks, so a decoy looks like any registered number.
_MOBILE_PREFIXES = (
    "032", "033", "034", "035", "036", "037", "038", "039", "070", "076", "077", "078", "079",
    "081", "082", "083", "084", "085", "086", "088", "089", "090", "091", "093", "094", "096",
    "097", "098",
)  # fmt: skip


def _decoy_phone(name_hash: str) -> str:
    """Return a stable, plausible masked mobile number for a name with no phone to show."""
    value = int(name_hash[:12], 16)
    prefix = _MOBILE_PREFIXES[value % len(_MOBILE_PREFIXES)]
    return mask_phone(f"{prefix}{value % 10_000_000:07d}")


def new_code() -> str:
    """Return a fresh 6-digit one-time code."""
    return f"{secrets.randbelow(10**6):06d}"


def sms_text(code: str) -> str:
    """Return the SMS carrying code."""
    return (
        f"Mã OTP đặt lại mật khẩu trên Cổng Dịch vụ công Quốc gia là {code}. Mã có hiệu lực "
        "5 phút và chỉ dùng một lần. Tuyệt đối không cung cấp mã này cho bất kỳ ai."
    )


def request_code(*, login_name: str, client: OperatorClient | None = None) -> PasswordResetCode:
    """Send a code to the registered phone of login_name's account; return the reset row.

    Raises ResetProblem("throttled"), or an OperatorError when the SMS could not be sent, in
    which case nothing is kept.
    """
    now = timezone.now()
    name_hash = _digest("login_name", login_name)
    recent = PasswordResetCode.objects.filter(
        login_name_hash=name_hash, created_at__gte=now - THROTTLE_WINDOW
    )
    if recent.count() >= MAX_CODES_PER_WINDOW:
        raise ResetProblem("throttled")
    account = _account_for(login_name)
    phone = normalize_phone(account.phone) if account else ""
    code = new_code()
    if phone:
        # Sent before anything is written, and outside a transaction: no row is kept for an
        # SMS that never left, and no lock is held while the operator answers.
        with _client(client) as operator:
            operator.send_sms(phone_number=phone, text=sms_text(code))
    with transaction.atomic():
        # A newer code replaces any earlier one still open for the same name.
        PasswordResetCode.objects.filter(login_name_hash=name_hash, closed_at__isnull=True).update(
            closed_at=now
        )
        reset = PasswordResetCode.objects.create(
            account=account if phone else None,
            login_name_hash=name_hash,
            masked_phone=mask_phone(phone) if phone else _decoy_phone(name_hash),
            code_hash=_digest("code", code),
            created_at=now,
            expires_at=now + CODE_LIFETIME,
        )
    if phone and account is not None:
        logger.info("password reset code %s sent to account %s", reset.pk, account.pk)
    return reset


def _client(client: OperatorClient | None) -> AbstractContextManager[OperatorClient]:
    return nullcontext(client) if client is not None else OperatorClient()


@transaction.atomic
def verify_code(*, reset_id: int, code: str | None) -> Verification:
    """Check a typed code against the open reset; count a wrong one (kept, not rolled back)."""
    reset = PasswordResetCode.objects.select_for_update().filter(pk=reset_id).first()
    if reset is None or reset.closed_at is not None or reset.verified_at is not None:
        return Verification(None, ResetProblem("used"))
    if timezone.now() >= reset.expires_at:
        return Verification(None, ResetProblem("expired"))
    if reset.failed_attempts >= MAX_ATTEMPTS:
        return Verification(None, ResetProblem("exhausted"))
    right = hmac.compare_digest(reset.code_hash, _digest("code", code or ""))
    if right and reset.account_id is not None:
        reset.verified_at = timezone.now()
        reset.save(update_fields=["verified_at"])
        return Verification(reset, None)
    reset.failed_attempts += 1
    reset.save(update_fields=["failed_attempts"])
    left = MAX_ATTEMPTS - reset.failed_attempts
    if left <= 0:
        return Verification(None, ResetProblem("exhausted"))
    return Verification(None, ResetProblem("wrong", left=left))


def verified_reset(reset_id: int) -> PasswordResetCode | None:
    """Return the reset whose code was right moments ago and is not finished yet, or None."""
    reset = (
        PasswordResetCode.objects.select_related("account")
        .filter(pk=reset_id, verified_at__isnull=False, closed_at__isnull=True)
        .first()
    )
    # The filter above already set verified_at; only a known account's code can be verified.
    if reset is None or reset.verified_at is None:
        return None
    if timezone.now() >= reset.verified_at + NEW_PASSWORD_WINDOW:
        return None
    if reset.account is None or not reset.account.is_active:
        return None
    return reset


@transaction.atomic
def set_new_password(*, reset_id: int, new_password: str) -> User | None:
    """Save the new password of a verified reset once; return the account or None."""
    reset = PasswordResetCode.objects.select_for_update().filter(pk=reset_id).first()
    if reset is None or verified_reset(reset.pk) is None or reset.account is None:
        return None
    reset.closed_at = timezone.now()
    reset.save(update_fields=["closed_at"])
    return services.reset_password(
        account=reset.account, new_password=new_password, reason=SMS_REASON
    )
