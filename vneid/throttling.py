"""Failed-login throttling: 5 failures lock a number, 20 lock an address, for 15 minutes.

Counted separately by personal ID number and by client address, like the portal's django-axes
configuration (AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]). VNeID accounts are not
Django users, so axes cannot count them; this small table does. An address gets more failures
than a number: a class or an office behind one address shares it, and forty trainees typing
at once must not lock each other out.
"""

from datetime import timedelta

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from .conf import provider_settings
from .models import LoginFailure

FAILURE_LIMIT = 5
COOLOFF = timedelta(minutes=15)
_COOLOFF_MINUTES = int(COOLOFF.total_seconds() // 60)
LOCKOUT_MESSAGE = (
    f"Bạn đã đăng nhập sai quá {FAILURE_LIMIT} lần. Để bảo vệ tài khoản, việc đăng nhập VNeID "
    f"tạm thời bị khoá trong {_COOLOFF_MINUTES} phút. Vui lòng thử lại sau."
)
ADDRESS_LOCKOUT_MESSAGE = (
    "Có quá nhiều lần đăng nhập sai từ mạng bạn đang dùng. Để bảo vệ các tài khoản, việc đăng "
    f"nhập VNeID từ mạng này tạm thời bị khoá trong {_COOLOFF_MINUTES} phút. Vui lòng thử lại "
    "sau, hoặc báo người quản lý mạng (giảng viên của lớp)."
)


def address_failure_limit() -> int:
    limit: int = provider_settings.FAILURES_PER_ADDRESS
    return limit


def client_ip(request: HttpRequest) -> str | None:
    """Return the address failures are counted against."""
    # REMOTE_ADDR only: a forwarded-for header is set by the client and would dodge the limit.
    return request.META.get("REMOTE_ADDR") or None


def _recent() -> QuerySet[LoginFailure]:
    return LoginFailure.objects.filter(created_at__gt=timezone.now() - COOLOFF)


def _lockout(*, personal_id_number: str, ip_address: str | None) -> str | None:
    """Return the message of the lock this attempt runs into, or None."""
    recent = _recent()
    if recent.filter(personal_id_number=personal_id_number).count() > FAILURE_LIMIT:
        return LOCKOUT_MESSAGE
    # Only passwords found wrong count against the address: attempts still being checked are
    # most likely a class logging in at once, and each of them is held by its number's limit.
    if ip_address and (
        recent.filter(ip_address=ip_address, checked=True).count() >= address_failure_limit()
    ):
        return ADDRESS_LOCKOUT_MESSAGE
    return None


def admit_attempt(
    *, personal_id_number: str, ip_address: str | None
) -> tuple[LoginFailure, None] | tuple[None, str]:
    """Count an attempt as failed before its password is checked.

    Return (attempt, None) to go on and check it, or (None, message) when a lock refuses it.
    """
    # Committed (autocommit: callers hold no transaction) before counting, so every attempt
    # sees at least all those committed before it: the sixth concurrent attempt on a number
    # counts six however the requests interleave, and at most FAILURE_LIMIT passwords of a
    # number are ever checked. Counting first let every parallel request through, and so would
    # counting inside the inserting transaction: PostgreSQL would not show it the others'
    # uncommitted rows.
    attempt = LoginFailure.objects.create(
        personal_id_number=personal_id_number, ip_address=ip_address
    )
    message = _lockout(personal_id_number=personal_id_number, ip_address=ip_address)
    if message is not None:
        # A refused attempt was never checked, so it does not extend the lock.
        withdraw_attempt(attempt)
        return None, message
    return attempt, None


def confirm_failure(attempt: LoginFailure) -> None:
    """Record that an admitted attempt's password was wrong: it now counts for its address too."""
    LoginFailure.objects.filter(pk=attempt.pk).update(checked=True)


def withdraw_attempt(attempt: LoginFailure) -> None:
    """Stop counting an admitted attempt that turned out not to be a wrong password."""
    LoginFailure.objects.filter(pk=attempt.pk).delete()


def reset_failures(*, personal_id_number: str) -> None:
    """Forget the failures of a number after its owner logged in."""
    LoginFailure.objects.filter(personal_id_number=personal_id_number).delete()
