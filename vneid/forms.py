"""The VNeID login form: personal ID number and password."""

from django import forms

from idnumbers.numbers import is_cccd_format, normalize_number


class LoginForm(forms.Form):
    personal_id_number = forms.CharField(
        label="Số định danh cá nhân",
        max_length=32,
        error_messages={"required": "Vui lòng nhập số định danh cá nhân."},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "inputmode": "numeric", "autofocus": True}
        ),
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        error_messages={"required": "Vui lòng nhập mật khẩu."},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def clean_personal_id_number(self) -> str:
        number = normalize_number(self.cleaned_data["personal_id_number"])
        if not is_cccd_format(number):
            raise forms.ValidationError(
                "Số định danh cá nhân gồm đúng 12 chữ số.", code="personal_id_number"
            )
        return number
