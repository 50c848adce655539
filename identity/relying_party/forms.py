"""The password that proves a VNeID citizen owns the legacy account offered for linking."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest

from accounts.models import User

INACTIVE_MESSAGE = (
    "Tài khoản của bạn đã bị khoá. Vui lòng liên hệ bộ phận Hỗ trợ của Cổng Dịch vụ công Quốc "
    "gia để được mở khoá."
)


class LinkPasswordForm(forms.Form):
    """Check the password of the one account offered for linking, throttled like the login."""

    password = forms.CharField(
        label="Mật khẩu của tài khoản cũ",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"placeholder": "Nhập mật khẩu", "autocomplete": "current-password"}
        ),
        error_messages={"required": "Vui lòng nhập mật khẩu của tài khoản cũ."},
    )

    error_messages = {
        "invalid_password": (
            "Mật khẩu không đúng. Vui lòng nhập mật khẩu bạn vẫn dùng để đăng nhập tài khoản cũ "
            "bằng số CMT/CCCD, hoặc chọn “Quên mật khẩu?” trên trang đăng nhập để đặt lại."
        ),
        "inactive": INACTIVE_MESSAGE,
    }

    def __init__(self, *args: Any, request: HttpRequest, account: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.account = account

    def clean(self) -> dict[str, Any]:
        password = self.cleaned_data.get("password")
        if not password:
            return self.cleaned_data
        # Through authenticate() so django-axes counts failures for this account's username
        # together with those of the password login, and locks both after the same limit.
        user = authenticate(self.request, username=self.account.username, password=password)
        if user is None or user.pk != self.account.pk:
            raise forms.ValidationError(
                self.error_messages["invalid_password"], code="invalid_password"
            )
        if not user.is_active:
            raise forms.ValidationError(self.error_messages["inactive"], code="inactive")
        return self.cleaned_data
