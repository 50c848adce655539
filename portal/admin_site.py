"""The officials' admin site: Vietnamese, marked as a sandbox, password plus TOTP to log in."""

from typing import Any

from django import forms
from django.contrib.auth.signals import user_login_failed
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

SITE_NAME = "Cổng Dịch vụ công Quốc gia"
SANDBOX_MARKER = "MÔI TRƯỜNG THỬ NGHIỆM"


class OfficialLoginForm(OTPAdminAuthenticationForm):
    """Password and the 6-digit code of the official's authenticator app, on one screen."""

    otp_token = forms.CharField(
        label="Mã xác thực (6 chữ số từ ứng dụng xác thực)",
        required=False,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 6}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.otp_error_messages: dict[str, str] = {
            **self.otp_error_messages,
            "token_required": "Vui lòng nhập mã xác thực từ ứng dụng xác thực.",
            "invalid_token": "Mã xác thực không đúng hoặc đã hết hạn.",
            "device_required": "Tài khoản chưa được cấp thiết bị xác thực hai lớp.",
            "n_failed_attempts": (
                "Nhập sai mã xác thực quá nhiều lần; vui lòng chờ ít phút rồi thử lại."
            ),
            "verification_not_allowed": "Chưa thể xác thực mã lúc này; vui lòng thử lại sau.",
        }

    def _chosen_device(self, user: Any) -> Any:
        # Officials have one authenticator app; pick it instead of asking which device to use.
        device = super()._chosen_device(user)
        if device is None:
            device = TOTPDevice.objects.devices_for_user(user, confirmed=True).first()
        return device

    def clean(self) -> Any:
        try:
            return super().clean()
        except forms.ValidationError:
            if self.user_cache is not None:
                # A right password with a wrong code counts towards django-axes' lockout too,
                # so the code cannot be guessed faster than a password.
                user_login_failed.send(
                    sender=__name__,
                    credentials={"username": self.cleaned_data.get("username")},
                    request=self.request,
                )
            raise


class PortalAdminSite(OTPAdminSite):
    """The admin of the portal, the registry and VNeID, for officials verified by TOTP."""

    site_header = f"{SITE_NAME} — Quản trị ({SANDBOX_MARKER})"
    site_title = f"{SITE_NAME} — Quản trị"
    index_title = "Quản trị định danh"
    login_form = OfficialLoginForm
    login_template = "admin/login_otp.html"

    def __init__(self, name: str = "admin") -> None:
        # OTPAdminSite would name itself "otpadmin"; the URLs keep the "admin" namespace.
        super().__init__(name)
