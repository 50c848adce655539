from django import forms

from idnumbers.phones import normalize_phone


class PhoneNumberForm(forms.Form):
    """Pick the phone the simulated handset stands for."""

    phone_number = forms.CharField(
        label="Số điện thoại",
        max_length=20,
        widget=forms.TextInput(
            attrs={"placeholder": "Ví dụ: 0912345678", "inputmode": "tel", "autocomplete": "tel"}
        ),
        error_messages={"required": "Vui lòng nhập số điện thoại."},
    )

    def clean_phone_number(self):
        phone = normalize_phone(self.cleaned_data["phone_number"])
        if not phone:
            raise forms.ValidationError(
                "Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 (hoặc +84).",
                code="phone_format",
            )
        return phone


class PinForm(forms.Form):
    """The SIM PIN typed to approve a signing request."""

    pin = forms.CharField(
        label="Mã PIN",
        max_length=8,
        strip=True,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Vui lòng nhập mã PIN của Sim ký số."},
    )
