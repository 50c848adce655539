"""The old account's username and password, typed to inherit it; the organisation login."""

from typing import Any

import captcha.conf.settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.utils import timezone

from idnumbers.tax_codes import normalize_tax_code, tax_code_problem


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


class ProvinceCaptchaInput(CaptchaTextInput):
    """The captcha: answer box, image and a refresh button (django-simple-captcha)."""

    template_name = "provincial_portal/widgets/captcha.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widgets[1].attrs.update(
            {"placeholder": "Mã xác thực", "class": "form-control", "autocomplete": "off"}
        )

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Named for its type: django-simple-captcha has no type information.
        context: dict[str, Any] = super().get_context(name, value, attrs)
        context["refresh_url"] = self.refresh_url()
        return context


class ProvinceCaptchaField(CaptchaField):
    """A captcha field whose challenge is consumed once, even by parallel requests.

    The library reads the challenge, then deletes it: parallel requests all read it before any
    delete, and all pass. Here one statement deletes it only when the answer is right, and only
    the request whose delete removed the row passes (as the national portal does).
    """

    def clean(self, value: Any) -> Any:
        forms.MultiValueField.clean(self, value)
        key, answer = value[0], (value[1] or "").strip().lower()
        CaptchaStore.remove_expired()
        if captcha_settings.CAPTCHA_TEST_MODE and answer == "passed":
            CaptchaStore.objects.filter(hashkey=key).delete()
            return value
        consumed, _ = CaptchaStore.objects.filter(
            hashkey=key, response=answer, expiration__gt=timezone.now()
        ).delete()
        if consumed != 1:
            # A wrong answer burns the challenge too, so it cannot be guessed at repeatedly.
            CaptchaStore.objects.filter(hashkey=key).delete()
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class OrganisationLoginForm(forms.Form):
    """ "Tài khoản tổ chức do tỉnh cấp": mã số thuế, mật khẩu, mã xác thực."""

    tax_code = forms.CharField(
        label="Mã số thuế",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "inputmode": "numeric", "autocapitalize": "none"}
        ),
        error_messages={"required": "Vui lòng nhập mã số thuế của tổ chức."},
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        max_length=128,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Vui lòng nhập mật khẩu."},
    )
    captcha = ProvinceCaptchaField(
        label="Nhập mã xác thực",
        widget=ProvinceCaptchaInput(),
        error_messages={
            "required": "Vui lòng nhập mã xác thực.",
            "invalid": "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới.",
        },
    )

    def clean_tax_code(self) -> str:
        value = normalize_tax_code(self.cleaned_data["tax_code"])
        problem = tax_code_problem(value)
        if problem is not None:
            raise forms.ValidationError(problem, code="tax_code")
        return value
