"""Failed-login throttling with the portal's policy: 5 failures lock for 15 minutes.

Counted separately by personal ID number and by client address, like the portal's django-axes
configuration (AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]). VNeID accounts are not
Django users, so axes cannot count them; this small table does.
"""

from datetime import timedelta

from django.utils import timezone

from .models import LoginFailure

FAILURE_LIMIT = 5
COOLOFF = timedelta(minutes=15)
LOCKOUT_MESSAGE = (
    f"Bạn đã đăng nhập sai quá {FAILURE_LIMIT} lần. Để bảo vệ tài khoản, việc đăng nhập VNeID "
    f"tạm thời bị khoá trong {int(COOLOFF.total_seconds() // 60)} phút. Vui lòng thử lại sau."
)


def client_ip(request):
    """Return the address failures are counted against."""
    # REMOTE_ADDR only: a forwarded-for header is set by the client and would dodge the limit.
    return request.META.get("REMOTE_ADDR") or None


def _recent():
    return LoginFailure.objects.filter(created_at__gt=timezone.now() - COOLOFF)


def _over_limit(*, personal_id_number, ip_address):
    recent = _recent()
    if recent.filter(personal_id_number=personal_id_number).count() > FAILURE_LIMIT:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() > FAILURE_LIMIT


def admit_attempt(*, personal_id_number, ip_address):
    """Count an attempt as failed before its password is checked; return it, or None if locked."""
    # Committed (autocommit: callers hold no transaction) before counting, so every attempt
    # sees at least all those committed before it: the sixth concurrent attempt counts six
    # however the requests interleave, and at most FAILURE_LIMIT passwords are ever checked.
    # Counting first let every parallel request through, and so would counting inside the
    # inserting transaction: PostgreSQL would not show it the others' uncommitted rows.
    attempt = LoginFailure.objects.create(
        personal_id_number=personal_id_number, ip_address=ip_address
    )
    if _over_limit(personal_id_number=personal_id_number, ip_address=ip_address):
        # A refused attempt was never checked, so it does not extend the lock.
        withdraw_attempt(attempt)
        return None
    return attempt


def withdraw_attempt(attempt):
    """Stop counting an admitted attempt that turned out not to be a wrong password."""
    LoginFailure.objects.filter(pk=attempt.pk).delete()


def reset_failures(*, personal_id_number):
    """Forget the failures of a number after its owner logged in."""
    LoginFailure.objects.filter(personal_id_number=personal_id_number).delete()
