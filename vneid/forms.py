"""The VNeID login form: personal ID number and password."""

from typing import Any

from django import forms

from idnumbers.numbers import is_cccd_format, normalize_number

from .models import OrganisationAuthorisation
from .organisations import KINDS


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


# --- The app's organisation screens (Định danh tổ chức) ------------------------------------

PASSCODE_REQUIRED = "Vui lòng nhập mật khẩu (passcode) để xác nhận."


class AppForm(forms.Form):
    """A form of the app's screens: Bootstrap classes, and each invalid field marked for AT."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs.setdefault("class", css)

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
            attrs["aria-invalid"] = "true"
            attrs["aria-describedby"] = f"{self[name].auto_id}_error"


def _passcode_field() -> forms.CharField:
    # The sandbox has no separate 6-digit passcode: it is the account's password.
    return forms.CharField(
        label="Mật khẩu (passcode)",
        strip=False,
        error_messages={"required": PASSCODE_REQUIRED},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Trong môi trường mô phỏng, passcode là mật khẩu đăng nhập VNeID của bạn.",
    )


class OrganisationRegistrationForm(AppForm):
    passcode = _passcode_field()
    kind = forms.ChoiceField(
        label="Loại hình tổ chức",
        choices=[("", "— Chọn loại hình —"), *KINDS.items()],
        error_messages={
            "required": "Vui lòng chọn loại hình tổ chức.",
            "invalid_choice": "Vui lòng chọn loại hình tổ chức trong danh sách.",
        },
    )
    name = forms.CharField(
        label="Tên tổ chức (tiếng Việt)",
        max_length=255,
        error_messages={"required": "Vui lòng nhập tên tổ chức như trên giấy chứng nhận."},
    )
    enterprise_code = forms.CharField(
        label="Mã số doanh nghiệp / mã số thuế",
        max_length=20,
        error_messages={"required": "Vui lòng nhập mã số doanh nghiệp (10 hoặc 13 chữ số)."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class ConfirmationForm(AppForm):
    organisation = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**63 - 1)
    passcode = _passcode_field()


class AuthorisationForm(AppForm):
    grantee_number = forms.CharField(
        label="Số định danh cá nhân của người được ủy quyền",
        max_length=32,
        error_messages={"required": "Vui lòng nhập số định danh cá nhân (12 chữ số)."},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    scope = forms.ChoiceField(
        label="Phạm vi ủy quyền",
        choices=OrganisationAuthorisation.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Vui lòng chọn phạm vi ủy quyền.",
            "invalid_choice": "Vui lòng chọn phạm vi ủy quyền trong danh sách.",
        },
    )
    valid_until = forms.DateField(
        label="Hiệu lực đến hết ngày",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={
            "required": "Vui lòng chọn ngày hết hạn ủy quyền.",
            "invalid": "Ngày hết hạn không hợp lệ; vui lòng nhập theo dạng ngày/tháng/năm.",
        },
    )
