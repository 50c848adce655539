from django import forms

from idnumbers.fields import PhoneNumberField


class PhoneNumberForm(forms.Form):
    """Pick the phone the simulated handset stands for."""

    phone_number = PhoneNumberField(
        placeholder="Ví dụ: 0912345678", required_message="Vui lòng nhập số điện thoại."
    )


class PinForm(forms.Form):
    """The SIM PIN typed to approve a signing request."""

    pin = forms.CharField(
        label="Mã PIN",
        max_length=8,
        strip=True,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Vui lòng nhập mã PIN của Sim ký số."},
    )
