"""'Tài khoản được cấp': an account the national portal issued, checked through `accounts`.

The Government Office runs both the national portal and the national login service, so the
service reads the portal's accounts in-process (the layers contract allows identity → accounts)
instead of over HTTP. The password goes through Django's `authenticate`, so django-axes counts
and locks wrong guesses per account and per address exactly as on the portal's own login.
"""

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest

from accounts import login_policy
from accounts.models import User
from accounts.throttling import PortalAxesHandler
from idnumbers.numbers import is_ascii_digits, normalize_number

from .models import Idp
from .services import Person

VNEID_ONLY_MESSAGE = (
    "Từ ngày 01/7/2024, tài khoản định danh điện tử VNeID là tài khoản duy nhất để đăng nhập "
    "Cổng Dịch vụ công Quốc gia và Cổng Dịch vụ công của các bộ, ngành, địa phương. Đăng nhập "
    "bằng tài khoản được cấp không còn được sử dụng; vui lòng chọn “Tài khoản Định danh điện tử "
    "(VNeID)”."
)
INVALID_MESSAGE = "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại."
ORGANISATION_ACCOUNT_MESSAGE = (
    "Mã số thuế là tên đăng nhập của tài khoản tổ chức, còn mục này chỉ dành cho tài khoản được "
    "cấp của cá nhân (số CMND/CCCD). Tổ chức vui lòng chọn “TỔ CHỨC – Tài khoản định danh điện tử "
    "tổ chức (VNeID)”, hoặc đăng nhập tài khoản tổ chức ngay trên cổng dịch vụ công nếu cổng còn "
    "cho phép."
)
# A tax code has 10 digits (13 for a branch); a person's CMND 9 or 12, a CCCD 12.
TAX_CODE_LENGTHS = (10, 13)
INACTIVE_MESSAGE = (
    "Tài khoản được cấp này đã bị khoá. Vui lòng liên hệ bộ phận Hỗ trợ của Cổng Dịch vụ công "
    "Quốc gia để được mở khoá."
)


class IssuedLoginRefused(Exception):
    """An issued-account login that must not succeed; `status` is the page's HTTP status."""

    def __init__(self, message: str, *, status: int = 200) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def allowed() -> bool:
    """Whether the login policy in force still lets issued accounts log in."""
    return not login_policy.current().vneid_only


def _lockout_message(request: HttpRequest, username: str) -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    if PortalAxesHandler().address_locked(request, {"username": username}):
        return (
            "Có quá nhiều lần đăng nhập sai từ mạng bạn đang dùng. Việc đăng nhập từ mạng này "
            f"tạm thời bị khoá trong {minutes} phút. Vui lòng thử lại sau."
        )
    return (
        f"Bạn đã đăng nhập sai quá {settings.AXES_FAILURE_LIMIT} lần. Để bảo vệ tài khoản, việc "
        f"đăng nhập tạm thời bị khoá trong {minutes} phút. Vui lòng thử lại sau."
    )


def authenticate_issued(request: HttpRequest, *, username: str, password: str) -> Person:
    """Return the person behind an issued account's name and password, or raise the refusal."""
    if not allowed():
        raise IssuedLoginRefused(VNEID_ONLY_MESSAGE, status=403)
    typed = normalize_number(username)
    if is_ascii_digits(typed) and len(typed) in TAX_CODE_LENGTHS:
        # Told by its shape alone, before any password is checked or failure counted: no
        # person's account is named by a tax code, so nothing is revealed about accounts.
        raise IssuedLoginRefused(ORGANISATION_ACCOUNT_MESSAGE)
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        # Answered here, on the service's own page, not by the portal's lockout page that
        # AxesMiddleware would put in its place.
        request.axes_locked_out = False  # type: ignore[attr-defined]
        raise IssuedLoginRefused(_lockout_message(request, username), status=429)
    if not isinstance(user, User):
        raise IssuedLoginRefused(INVALID_MESSAGE)
    if not user.is_active:
        raise IssuedLoginRefused(INACTIVE_MESSAGE)
    if getattr(user, "account_type", "citizen") == "organisation":
        # A portal's legacy organisation account (issue 17) is no person: passed on as a citizen
        # its tax code would become a CMND number. Organisations log in with their e-ID here.
        raise IssuedLoginRefused(ORGANISATION_ACCOUNT_MESSAGE)
    return Person(
        idp=Idp.ISSUED,
        idp_subject=str(user.pk),
        personal_id_number=user.cccd_number,
        cmnd_number=user.cmnd_number or ("" if user.cccd_number else user.username),
        full_name=user.full_name,
        birth_date=user.birth_date,
        level=1,
    )
