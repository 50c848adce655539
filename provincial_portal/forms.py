"""The old account's username and password, typed to inherit it."""

from django import forms


class InheritForm(forms.Form):
    """Username and password of the account the province issued before (only a CMND on it)."""

    username = forms.CharField(
        label="Tên đăng nhập tài khoản cũ",
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        error_messages={"required": "Vui lòng nhập tên đăng nhập của tài khoản cũ."},
    )
    password = forms.CharField(
        label="Mật khẩu tài khoản cũ",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Vui lòng nhập mật khẩu của tài khoản cũ."},
    )
