"""Forms of the legacy login, the CCCD screen, contact data and password reset."""

from collections.abc import Iterator
from typing import Any

import captcha.conf.settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.http import HttpRequest
from django.utils import timezone

from idnumbers.fields import PhoneNumberField
from idnumbers.numbers import cccd_problems, is_cmnd_format, normalize_number
from idnumbers.phones import normalize_phone
from idnumbers.tax_codes import normalize_tax_code, tax_code_problem

from . import services
from .models import AccountType, User

USERNAME_FORMAT_MESSAGE = (
    "Tên đăng nhập là số CMT (9 hoặc 12 chữ số) hoặc số CCCD (12 chữ số) của bạn."
)


class PortalCaptchaInput(CaptchaTextInput):
    """The captcha as the guide shows it: answer box, image and a refresh button."""

    template_name = "accounts/widgets/captcha.html"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.widgets[1].attrs["placeholder"] = "Mã xác thực"

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        # Named for its type: django-simple-captcha has no type information.
        context: dict[str, Any] = super().get_context(name, value, attrs)
        context["refresh_url"] = self.refresh_url()
        # A second form on the page (the "Tổ chức" tab, prefix "org") gets its own test ids.
        context["testid_prefix"] = name.rpartition("captcha")[0]
        return context


class PortalCaptchaField(CaptchaField):
    """A captcha field whose challenge is consumed once, even by parallel requests."""

    def clean(self, value: Any) -> Any:
        # The library reads the challenge, then deletes it: parallel requests all read it
        # before any delete, and all pass. Here one statement deletes it only when the answer
        # is right, and only the request whose delete removed the row passes.
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


def portal_captcha_field() -> PortalCaptchaField:
    """Return the "Nhập mã xác thực" field shared by the login and password reset forms."""
    return PortalCaptchaField(
        label="Nhập mã xác thực",
        widget=PortalCaptchaInput(),
        error_messages={
            "required": "Vui lòng nhập mã xác thực.",
            "invalid": "Mã xác thực không đúng hoặc đã hết hạn. Vui lòng nhập mã mới.",
        },
    )


def clean_username_number(raw: str) -> str:
    """Return a typed CMND/CCCD as digits, or raise the format error."""
    number = normalize_number(raw)
    if not is_cmnd_format(number):
        raise forms.ValidationError(USERNAME_FORMAT_MESSAGE, code="username_format")
    return number


class LoginForm(AuthenticationForm):
    """Log in with CMND/CCCD, password and captcha (guide step 1, tab "CMT/CCCD")."""

    username = forms.CharField(
        label="Tên đăng nhập",
        widget=forms.TextInput(
            attrs={
                "placeholder": "Nhập CMT/CCCD",
                "autofocus": True,
                "autocomplete": "username",
                "inputmode": "numeric",
            }
        ),
        error_messages={"required": "Vui lòng nhập tên đăng nhập (số CMT/CCCD)."},
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"placeholder": "Nhập mật khẩu", "autocomplete": "current-password"}
        ),
        error_messages={"required": "Vui lòng nhập mật khẩu."},
    )
    captcha = portal_captcha_field()

    error_messages = {
        "invalid_login": "Tên đăng nhập hoặc mật khẩu không đúng. Vui lòng kiểm tra lại.",
        "inactive": (
            "Tài khoản của bạn đã bị khoá. Vui lòng liên hệ bộ phận Hỗ trợ của Cổng Dịch vụ "
            "công Quốc gia để được mở khoá."
        ),
    }

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(request, *args, **kwargs)
        username = self.fields["username"]
        # Declared above as a CharField; the form's fields mapping only knows Field.
        assert isinstance(username, forms.CharField)
        # Room for spaces and dots between digit groups, removed by normalisation.
        username.max_length = 24
        username.widget.attrs["maxlength"] = 24

    def clean_username(self) -> str:
        return clean_username_number(self.cleaned_data["username"])

    def clean(self) -> dict[str, Any]:
        # Without a solved captcha the password is not even tried: no oracle, no axes count.
        if self.has_error("captcha") or self.has_error("username"):
            return self.cleaned_data
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username and password:
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


ORGANISATION_INVALID_LOGIN_MESSAGE = (
    "Mã số thuế hoặc mật khẩu không đúng. Vui lòng kiểm tra lại mã số thuế của tổ chức và mật "
    "khẩu tài khoản tổ chức đã đăng ký trên Cổng."
)
ORGANISATION_INACTIVE_MESSAGE = (
    "Tài khoản của tổ chức đã bị khoá. Người đại diện theo pháp luật vui lòng liên hệ bộ phận "
    "Hỗ trợ của Cổng Dịch vụ công Quốc gia để được mở khoá."
)


class OrganisationLoginForm(forms.Form):
    """The "Tổ chức" tab: an organisation's legacy account, tax code + password + captcha.

    Prefixed "org" so that its fields never share a name or an id with the citizen's form on
    the same page. It asks only the organisation backend: a citizen's CMND/CCCD never logs in
    here, and the citizen's form never logs an organisation in.
    """

    prefix = "org"

    tax_code = forms.CharField(
        label="Mã số thuế",
        max_length=24,
        widget=forms.TextInput(
            attrs={
                "placeholder": "Nhập mã số thuế của tổ chức",
                "autocomplete": "username",
                "inputmode": "numeric",
                "maxlength": 24,
            }
        ),
        error_messages={"required": "Vui lòng nhập mã số thuế của tổ chức."},
    )
    password = forms.CharField(
        label="Mật khẩu",
        strip=False,
        widget=forms.PasswordInput(
            attrs={"placeholder": "Nhập mật khẩu", "autocomplete": "current-password"}
        ),
        error_messages={"required": "Vui lòng nhập mật khẩu."},
    )
    captcha = portal_captcha_field()

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user_cache: User | None = None

    def clean_tax_code(self) -> str:
        tax_code = normalize_tax_code(self.cleaned_data["tax_code"])
        problem = tax_code_problem(tax_code)
        if problem:
            raise forms.ValidationError(problem, code="tax_code")
        return tax_code

    def clean(self) -> dict[str, Any]:
        # As the citizen's form: without a solved captcha and a valid tax code the password is
        # not even tried, so no oracle and no axes count.
        if self.has_error("captcha") or self.has_error("tax_code"):
            return self.cleaned_data
        tax_code = self.cleaned_data.get("tax_code")
        password = self.cleaned_data.get("password")
        if tax_code and password:
            self.user_cache = authenticate(
                self.request,
                username=tax_code,
                password=password,
                account_type=AccountType.ORGANISATION,
            )
            if self.user_cache is None:
                raise forms.ValidationError(
                    ORGANISATION_INVALID_LOGIN_MESSAGE, code="invalid_login"
                )
            if not self.user_cache.is_active:
                raise forms.ValidationError(ORGANISATION_INACTIVE_MESSAGE, code="inactive")
        return self.cleaned_data

    def get_user(self) -> User:
        assert self.user_cache is not None
        return self.user_cache


class CccdForm(forms.Form):
    """The "Số CCCD *" field of the CCCD screen, checked part by part against the account."""

    cccd_number = forms.CharField(
        label="Số CCCD *",
        max_length=32,
        widget=forms.TextInput(
            attrs={"placeholder": "Nhập số cccd", "inputmode": "numeric", "autocomplete": "off"}
        ),
        error_messages={
            "required": "Vui lòng nhập số CCCD.",
            "max_length": "Số CCCD phải gồm đúng 12 chữ số.",
        },
    )

    def __init__(self, *args: Any, account: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.request = request

    def clean_cccd_number(self) -> str:
        number = normalize_number(self.cleaned_data["cccd_number"])
        problems = cccd_problems(
            number, birth_date=self.account.birth_date, gender=self.account.gender
        )
        if problems:
            raise forms.ValidationError(
                [forms.ValidationError(problem.message, code=problem.code) for problem in problems]
            )
        return number


class ContactForm(forms.Form):
    """The contact data a citizen may change: phone and e-mail."""

    phone = forms.CharField(
        label="Số điện thoại",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text="Ví dụ: 0912345678 hoặc +84912345678.",
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Địa chỉ email không hợp lệ."},
    )

    def clean_phone(self) -> str:
        typed = self.cleaned_data["phone"]
        phone = normalize_phone(typed)
        if typed.strip() and not phone:
            raise forms.ValidationError(
                "Số điện thoại gồm 10 hoặc 11 chữ số, bắt đầu bằng 0 (hoặc +84).",
                code="phone_format",
            )
        return phone

    current_password = forms.CharField(
        label="Mật khẩu hiện tại",
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Chỉ cần nhập khi đổi email: email được dùng để đặt lại mật khẩu.",
    )

    def __init__(self, *args: Any, account: User, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account
        self.request = request
        if not account.has_usable_password():
            # Accounts made at a VNeID login have no portal password to confirm with.
            del self.fields["current_password"]

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        return email.strip().lower()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        email_changes = "email" in cleaned and cleaned["email"] != self.account.email
        # The mailbox can reset the password, so taking over a session must not be enough to
        # point it elsewhere.
        needs_password = email_changes and "current_password" in self.fields
        # Through authenticate(), so django-axes counts wrong guesses here like at the login.
        if needs_password and not authenticate(
            self.request, username=self.account.username, password=cleaned.get("current_password")
        ):
            self.add_error(
                "current_password",
                forms.ValidationError(
                    "Mật khẩu hiện tại không đúng. Vui lòng nhập đúng mật khẩu để đổi email.",
                    code="wrong_password",
                ),
            )
        return cleaned


class PortalPasswordResetForm(PasswordResetForm):
    """Ask for a reset link with the username and the e-mail address on file."""

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=24,
        widget=forms.TextInput(attrs={"placeholder": "Nhập CMT/CCCD", "inputmode": "numeric"}),
        error_messages={"required": "Vui lòng nhập tên đăng nhập (số CMT/CCCD)."},
    )
    email = forms.EmailField(
        label="Email",
        max_length=254,
        widget=forms.EmailInput(attrs={"placeholder": "Email đã đăng ký", "autocomplete": "email"}),
        error_messages={
            "required": "Vui lòng nhập email đã đăng ký.",
            "invalid": "Địa chỉ email không hợp lệ.",
        },
    )
    captcha = portal_captcha_field()

    field_order = ["username", "email", "captcha"]

    def clean_username(self) -> str:
        return clean_username_number(self.cleaned_data["username"])

    def get_users(self, email: str) -> Iterator[User]:
        """Return the active account with this username (or linked CCCD) and this e-mail."""
        number = self.cleaned_data["username"]
        accounts = User._default_manager.by_login_number(number).filter(
            email__iexact=email, is_active=True
        )
        return (account for account in accounts if account.has_usable_password())


class PortalSetPasswordForm(SetPasswordForm):
    """Choose a new password from the e-mailed link; the change is audited."""

    # SetPasswordForm is generic in the stubs only: the subscript fails at run time.
    user: User

    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = "Mật khẩu mới"
        self.fields["new_password2"].label = "Nhập lại mật khẩu mới"

    def save(self, commit: bool = True) -> User:
        password = self.cleaned_data["new_password1"]
        if not commit:
            self.user.set_password(password)
            return self.user
        return services.reset_password(account=self.user, new_password=password)


class SmsResetRequestForm(forms.Form):
    """ "Quên mật khẩu?": the login name and the captcha; the code goes to the phone on file."""

    username = forms.CharField(
        label="Tên đăng nhập",
        max_length=24,
        widget=forms.TextInput(
            attrs={"placeholder": "Nhập CMT/CCCD", "inputmode": "numeric", "autofocus": True}
        ),
        error_messages={"required": "Vui lòng nhập tên đăng nhập (số CMT/CCCD)."},
    )
    captcha = portal_captcha_field()

    def clean_username(self) -> str:
        return clean_username_number(self.cleaned_data["username"])


class OtpForm(forms.Form):
    """The 6-digit one-time code received by SMS."""

    code = forms.CharField(
        label="Mã OTP",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "placeholder": "Nhập mã gồm 6 chữ số",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "autofocus": True,
            }
        ),
        error_messages={"required": "Vui lòng nhập mã OTP đã nhận qua tin nhắn SMS."},
    )

    def clean_code(self) -> str:
        code = normalize_number(self.cleaned_data["code"])
        if not (code.isascii() and code.isdigit() and len(code) == 6):
            raise forms.ValidationError("Mã OTP gồm đúng 6 chữ số.", code="otp_format")
        return code


class SimLoginForm(forms.Form):
    """ "Sim ký số": the phone number whose SIM signs the login."""

    phone_number = PhoneNumberField(
        placeholder="Nhập số điện thoại của Sim ký số",
        required_message="Vui lòng nhập số điện thoại của Sim ký số.",
    )
