"""Form fields for the numbers people type, shared by every organisation's forms."""

from typing import Any

from django import forms

from .numbers import CMND_FORMAT_MESSAGE, is_cmnd_format, normalize_number
from .phones import normalize_phone


class PhoneNumberField(forms.CharField):
    """A Vietnamese phone number as people type it, cleaned to its national form (0…)."""

    def __init__(self, *, placeholder: str, required_message: str, **kwargs: Any) -> None:
        attrs = {"placeholder": placeholder, "inputmode": "tel", "autocomplete": "tel"}
        super().__init__(
            label="Số điện thoại",
            max_length=20,
            widget=forms.TextInput(attrs=attrs),
            error_messages={"required": required_message},
            **kwargs,
        )

    def clean(self, value: Any) -> str:
        phone: str = normalize_phone(super().clean(value))
        if not phone:
            raise forms.ValidationError(
                "Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 (hoặc +84).",
                code="phone_format",
            )
        return phone


class TypedNumberField(forms.CharField):
    """A CCCD or CMND as people type it (spaces, dots, full-width digits), cleaned to digits.

    The length limit applies to what was typed; the structure is checked on the digits.
    """

    def __init__(self, *, max_length: int = 24, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)

    def clean(self, value: Any) -> str:
        typed: str | None = super().clean(value)
        return normalize_number(typed)


class CccdNumberField(TypedNumberField):
    """A typed CCCD; cccd_problems checks its parts where birth date and gender are known."""


class CmndNumberField(TypedNumberField):
    """A typed CMND: 9 or 12 digits once normalised, or empty when not required."""

    default_error_messages = {"invalid_cmnd": CMND_FORMAT_MESSAGE}

    def clean(self, value: Any) -> str:
        number = super().clean(value)
        if number and not is_cmnd_format(number):
            raise forms.ValidationError(self.error_messages["invalid_cmnd"], code="invalid_cmnd")
        return number


def allow_typed_numbers(form: forms.BaseForm) -> None:
    """Let a form's CCCD and CMND fields take what people type; they clean it to digits."""
    for name, field_class in (("cccd_number", CccdNumberField), ("cmnd_number", CmndNumberField)):
        field = form.fields.get(name)
        if field is not None:
            form.fields[name] = field_class(label=field.label, required=field.required)
