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


def is_throttled(*, personal_id_number, ip_address):
    """Return whether logins for this number or from this address are locked for now."""
    recent = _recent()
    if recent.filter(personal_id_number=personal_id_number).count() >= FAILURE_LIMIT:
        return True
    return bool(ip_address) and recent.filter(ip_address=ip_address).count() >= FAILURE_LIMIT


def record_failure(*, personal_id_number, ip_address):
    """Count one failed login."""
    LoginFailure.objects.create(personal_id_number=personal_id_number, ip_address=ip_address)


def reset_failures(*, personal_id_number):
    """Forget the failures of a number after its owner logged in."""
    LoginFailure.objects.filter(personal_id_number=personal_id_number).delete()
