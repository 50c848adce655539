"""The chooser's form for "Tài khoản được cấp"."""

from django import forms


class IssuedAccountForm(forms.Form):
    """Log in with an account the national portal issued: its CMND/CCCD and password."""

    username = forms.CharField(
        label="Tên đăng nhập (số CMND/CCCD)",
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "numeric"}),
        error_messages={"required": "Vui lòng nhập tên đăng nhập."},
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Vui lòng nhập mật khẩu."},
    )
