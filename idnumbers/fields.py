"""Form fields for the numbers people type, shared by every organisation's forms."""

from django import forms

from .phones import normalize_phone


class PhoneNumberField(forms.CharField):
    """A Vietnamese phone number as people type it, cleaned to its national form (0…)."""

    def __init__(self, *, placeholder, required_message, **kwargs):
        attrs = {"placeholder": placeholder, "inputmode": "tel", "autocomplete": "tel"}
        super().__init__(
            label="Số điện thoại",
            max_length=20,
            widget=forms.TextInput(attrs=attrs),
            error_messages={"required": required_message},
            **kwargs,
        )

    def clean(self, value):
        phone = normalize_phone(super().clean(value))
        if not phone:
            raise forms.ValidationError(
                "Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 (hoặc +84).",
                code="phone_format",
            )
        return phone
