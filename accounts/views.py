"""Pages of the legacy login, the CCCD screen and the account area; thin, state in services."""

import logging
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.formats import date_format
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView, TemplateView

from admin_kit.redirects import local_url
from idnumbers.numbers import mask_number

from . import login_flow, login_policy, organisations, password_reset_sms, services
from .forms import (
    ORGANISATION_INVALID_LOGIN_MESSAGE,
    CccdForm,
    ContactForm,
    LoginForm,
    OrganisationLoginForm,
    OtpForm,
    PortalPasswordResetForm,
    PortalSetPasswordForm,
    SmsResetRequestForm,
)
from .middleware import CCCD_PROMPT_SKIPPED, cccd_not_required, cccd_prompt_url
from .mixins import AccountAreaMixin, AuthenticatedHttpRequest, CitizenAccountOnlyMixin
from .models import AuditEntry, OrganisationProfile, PasswordResetCode, User
from .operator_client import OperatorError
from .organisations import ORGANISATION_ACTING_SESSION_KEY
from .registry_client import RegistryError, RegistryNotFound
from .throttling import PortalAxesHandler

logger = logging.getLogger(__name__)

REGISTRY_UNREACHABLE_MESSAGE = (
    "Hiện chưa kết nối được tới Cơ sở dữ liệu Quốc gia về Dân cư. Thông tin của bạn chưa được "
    "cập nhật; vui lòng thử lại sau ít phút."
)
VNEID_ONLY_REFUSAL_MESSAGE = (
    "Từ ngày 01/7/2024, tài khoản định danh điện tử VNeID là tài khoản duy nhất để đăng nhập "
    "Cổng Dịch vụ công Quốc gia; Cổng không còn đăng nhập bằng số CMT/CCCD và mật khẩu. Vui lòng "
    "chọn “Đăng nhập bằng VNeID”."
)
ORGANISATION_CUTOFF_MESSAGE = (
    "Từ ngày 01/7/2025, theo Nghị định số 69/2024/NĐ-CP, tài khoản tổ chức do Cổng cấp trước đây "
    "(đăng nhập bằng mã số thuế và mật khẩu) không còn được sử dụng; Cổng không kiểm tra mật khẩu "
    "này. Vui lòng chọn “Đăng nhập bằng VNeID (tổ chức)”: người đại diện theo pháp luật hoặc người "
    "được tổ chức ủy quyền toàn quyền đăng nhập bằng tài khoản VNeID của mình và chọn tài khoản "
    "của tổ chức; Cổng kế thừa tài khoản cũ cùng các hồ sơ đã nộp."
)
# ?tab=to-chuc opens the login page on the "Tổ chức" tab (links from the guide and the help page).
ORGANISATION_TAB = "to-chuc"
PASSWORD_RESET_CONTEXT = {"crumbs": ["Quên mật khẩu"]}
SMS_RESET_SESSION_KEY = "accounts.password_reset_sms"
SMS_UNAVAILABLE_MESSAGE = (
    "Hiện chưa gửi được tin nhắn SMS chứa mã OTP do hệ thống của nhà mạng không phản hồi. "
    "Vui lòng thử lại sau ít phút, hoặc nhận liên kết đặt lại mật khẩu qua email."
)
EMPTY_VALUE = "Chưa có thông tin"


def lockout(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """Answer a login refused by django-axes: the login page, the reason, HTTP 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    organisation = request.path == reverse("accounts:organisation_login")
    if PortalAxesHandler().address_locked(request, credentials):
        message = (
            "Có quá nhiều lần đăng nhập sai từ mạng bạn đang dùng. Để bảo vệ các tài khoản, việc "
            f"đăng nhập từ mạng này tạm thời bị khoá trong {minutes} phút. Vui lòng thử lại "
            "sau, hoặc báo người quản lý mạng (giảng viên của lớp)."
        )
    elif organisation:
        message = (
            f"Tài khoản tổ chức này đã bị đăng nhập sai quá {settings.AXES_FAILURE_LIMIT} lần. Để "
            f"bảo vệ tài khoản, việc đăng nhập bằng mã số thuế tạm thời bị khoá trong {minutes} "
            "phút. Vui lòng thử lại sau, hoặc đăng nhập bằng VNeID với tư cách tổ chức."
        )
    else:
        message = (
            f"Bạn đã đăng nhập sai quá {settings.AXES_FAILURE_LIMIT} lần. Để bảo vệ tài khoản, "
            f"việc đăng nhập tạm thời bị khoá trong {minutes} phút. Vui lòng thử lại sau, hoặc "
            "chọn “Quên mật khẩu?” để đặt lại mật khẩu."
        )
    if request.path.startswith(reverse("admin:index")):
        # The officials' login locks the same way, and says so on its own page.
        site = admin.site
        context = {
            **site.each_context(request),
            "title": "Đăng nhập",
            # The fallbacks are AdminSite.login's own, for a site that sets neither.
            "form": (site.login_form or AdminAuthenticationForm)(request),
            "next": _safe_next(request),
            "lockout_message": message,
        }
        template = site.login_template or "admin/login.html"
        return render(request, template, context, status=429)
    context = {
        "form": LoginForm(request),
        "organisation_form": OrganisationLoginForm(request),
        "active_tab": "organisation" if organisation else "password",
        "next": _safe_next(request),
        "lockout_message": message,
    }
    return render(request, "accounts/login.html", context, status=429)


@method_decorator(cccd_not_required, name="dispatch")
class PortalLoginView(auth_views.LoginView):
    """Log in with CMND/CCCD and password; accounts without a CCCD go to the CCCD screen."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not login_policy.current().allows_legacy_logins:
            # Refused before the form runs: no password is checked and no failure counted.
            return self.render_to_response(
                self.get_context_data(
                    form=self.get_form_class()(request),
                    policy_refusal=VNEID_ONLY_REFUSAL_MESSAGE,
                ),
                status=403,
            )
        return super().post(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.setdefault("organisation_form", OrganisationLoginForm(self.request))
        opens_organisation = self.request.GET.get("tab") == ORGANISATION_TAB
        context.setdefault("active_tab", "organisation" if opens_organisation else "password")
        return context

    # django-stubs gives this hook a request parameter that Django's RedirectURLMixin lacks.
    def get_redirect_url(self) -> str:  # type: ignore[override]
        url = super().get_redirect_url()
        # A next pointing back at the login page would make Django raise on a logged-in visit.
        if url and urlsplit(url).path == self.request.path:
            return ""
        return url

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        url = login_flow.finish_login(
            self.request,
            account=form.get_user(),
            method=login_flow.PASSWORD,
            next_url=self.get_redirect_url(),
        )
        return HttpResponseRedirect(url)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        if form.has_error("__all__", "invalid_login"):
            account = services.account_for_login_name(form.cleaned_data.get("username", ""))
            if account is not None:
                services.record_sign_in_step(
                    account=account,
                    action=AuditEntry.Action.LOGIN_FAILED,
                    shown_message=str(form.error_messages["invalid_login"]),
                )
        return super().form_invalid(form)


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class OrganisationLoginView(View):
    """The "Tổ chức" tab's form: an organisation's legacy account (tax code, password, captcha).

    Posted to its own address so that the citizen's form and this one never mix; shown on the
    login page. Under vneid_only_all it is refused before the form runs, whatever is posted.
    """

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return redirect(f"{reverse('accounts:login')}?tab={ORGANISATION_TAB}")

    def post(self, request: HttpRequest) -> HttpResponse:
        next_url = _safe_next(request)
        if not login_policy.current().allows_legacy_organisation_logins:
            # No password checked and no failure counted: the cut-off is the answer.
            return self.render_page(
                OrganisationLoginForm(request),
                next_url,
                status=403,
                organisation_policy_refusal=ORGANISATION_CUTOFF_MESSAGE,
            )
        form = OrganisationLoginForm(request, data=request.POST)
        if form.is_valid():
            url = login_flow.finish_login(
                request,
                account=form.get_user(),
                method=login_flow.ORGANISATION_PASSWORD,
                next_url=next_url,
            )
            return HttpResponseRedirect(url)
        if form.has_error("__all__", "invalid_login"):
            account = User.objects.by_tax_code(form.cleaned_data.get("tax_code", "")).first()
            if account is not None:
                services.record_sign_in_step(
                    account=account,
                    action=AuditEntry.Action.LOGIN_FAILED,
                    shown_message=ORGANISATION_INVALID_LOGIN_MESSAGE,
                )
        return self.render_page(form, next_url)

    def render_page(
        self, form: OrganisationLoginForm, next_url: str, *, status: int = 200, **extra: Any
    ) -> HttpResponse:
        context = {
            "form": LoginForm(self.request),
            "organisation_form": form,
            "active_tab": "organisation",
            "next": next_url,
            **extra,
        }
        return render(self.request, "accounts/login.html", context, status=status)


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class SmsPasswordResetView(FormView):
    """ "Quên mật khẩu?": send a one-time code by SMS to the account's registered phone."""

    extra_context = PASSWORD_RESET_CONTEXT
    form_class = SmsResetRequestForm
    template_name = "accounts/password_reset_sms_form.html"

    def form_valid(self, form: SmsResetRequestForm) -> HttpResponse:
        try:
            reset = password_reset_sms.request_code(login_name=form.cleaned_data["username"])
        except password_reset_sms.ResetProblem as problem:
            form.add_error(None, ValidationError(problem.message, code=problem.code))
            return self.form_invalid(form)
        except OperatorError as error:
            logger.warning("password reset SMS: operator error %r", error)
            form.add_error(None, ValidationError(SMS_UNAVAILABLE_MESSAGE, code="sms_unavailable"))
            return self.form_invalid(form)
        self.request.session[SMS_RESET_SESSION_KEY] = reset.pk
        return redirect("accounts:password_reset_code")


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class SmsCodeView(FormView):
    """Type the code received by SMS: 5 minutes, 3 tries, single use."""

    extra_context = PASSWORD_RESET_CONTEXT
    form_class = OtpForm
    template_name = "accounts/password_reset_sms_code.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        reset_id = request.session.get(SMS_RESET_SESSION_KEY)
        reset = None if reset_id is None else PasswordResetCode.objects.filter(pk=reset_id).first()
        if reset is None:
            return redirect("accounts:password_reset")
        self.reset = reset
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        lifetime = int(password_reset_sms.CODE_LIFETIME.total_seconds() // 60)
        return super().get_context_data(
            masked_phone=self.reset.masked_phone, lifetime_minutes=lifetime, **kwargs
        )

    def form_valid(self, form: OtpForm) -> HttpResponse:
        result = password_reset_sms.verify_code(
            reset_id=self.reset.pk, code=form.cleaned_data["code"]
        )
        if result.problem is not None:
            form.add_error(None, ValidationError(result.problem.message, code=result.problem.code))
            return self.form_invalid(form)
        return redirect("accounts:password_reset_new")


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class SmsNewPasswordView(FormView):
    """Choose the new password once the SMS code was right."""

    extra_context = PASSWORD_RESET_CONTEXT
    form_class = PortalSetPasswordForm
    template_name = "accounts/password_reset_sms_new.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        reset_id = request.session.get(SMS_RESET_SESSION_KEY)
        reset = None if reset_id is None else password_reset_sms.verified_reset(reset_id)
        if reset is None:
            messages.error(
                request,
                "Phiên đặt lại mật khẩu không còn hiệu lực. Vui lòng yêu cầu mã OTP mới.",
            )
            return redirect("accounts:password_reset")
        self.reset = reset
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "user": self.reset.account}

    def form_valid(self, form: PortalSetPasswordForm) -> HttpResponse:
        account = password_reset_sms.set_new_password(
            reset_id=self.reset.pk, new_password=form.cleaned_data["new_password1"]
        )
        self.request.session.pop(SMS_RESET_SESSION_KEY, None)
        if account is None:
            return redirect("accounts:password_reset")
        return redirect("accounts:password_reset_complete")


@method_decorator(cccd_not_required, name="dispatch")
class PortalPasswordResetView(auth_views.PasswordResetView):
    """The second way: mail a reset link to the e-mail on file of the named account."""

    extra_context = PASSWORD_RESET_CONTEXT
    form_class = PortalPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(cccd_not_required, name="dispatch")
class PortalPasswordResetDoneView(auth_views.PasswordResetDoneView):
    """Say the link is on its way, without telling whether the account exists."""

    extra_context = PASSWORD_RESET_CONTEXT
    template_name = "accounts/password_reset_done.html"


@method_decorator(cccd_not_required, name="dispatch")
class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Choose the new password from the mailed link."""

    extra_context = PASSWORD_RESET_CONTEXT
    form_class = PortalSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@method_decorator(cccd_not_required, name="dispatch")
class PortalPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    """Confirm the new password and point to the login page."""

    extra_context = PASSWORD_RESET_CONTEXT
    template_name = "accounts/password_reset_complete.html"


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class CccdUpdateView(LoginRequiredMixin, CitizenAccountOnlyMixin, FormView):
    """The CCCD screen of guide steps 2–3: "Bỏ qua" or "Cập nhật", then continue to next."""

    form_class = CccdForm
    template_name = "accounts/update_cccd.html"
    request: AuthenticatedHttpRequest

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if self.request.user.cccd_number:
            return HttpResponseRedirect(self.next_url())
        services.record_sign_in_step(
            account=self.request.user, action=AuditEntry.Action.CCCD_PROMPT_SHOWN
        )
        return super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "skip":
            request.session[CCCD_PROMPT_SKIPPED] = True
            services.record_sign_in_step(
                account=self.request.user, action=AuditEntry.Action.CCCD_PROMPT_SKIPPED
            )
            return HttpResponseRedirect(self.next_url())
        if self.request.user.cccd_number:
            # A second click after the first one already linked the number.
            return HttpResponseRedirect(self.next_url())
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "account": self.request.user, "request": self.request}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next=self.next_url(), crumbs=["Cập nhật số CCCD"], **kwargs)

    def form_valid(self, form: CccdForm) -> HttpResponse:
        try:
            services.link_cccd(
                account=self.request.user,
                cccd_number=form.cleaned_data["cccd_number"],
                actor=self.request.user,
            )
        except services.AccountServiceError as error:
            form.add_error(None, ValidationError(error.message, code=error.code))
            return self.form_invalid(form)
        except RegistryError as error:
            logger.warning(
                "CCCD link for account %s: registry error %r", self.request.user.pk, error
            )
            form.add_error(None, REGISTRY_UNREACHABLE_MESSAGE)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "Cập nhật số CCCD thành công. Thông tin định danh của tài khoản đã được cập nhật từ "
            "Cơ sở dữ liệu Quốc gia về Dân cư.",
        )
        return HttpResponseRedirect(self.next_url())

    def next_url(self) -> str:
        """Return the validated next URL, never this screen itself."""
        url = _safe_next(self.request)
        if not url or urlsplit(url).path == self.request.path:
            return reverse(settings.LOGIN_REDIRECT_URL)
        return url


class AccountHomeView(AccountAreaMixin, TemplateView):
    """ "Thông tin cá nhân" in the header menu: the account area's overview and its pages."""

    template_name = "accounts/account_home.html"
    account_menu = "account"


class IdentityView(AccountAreaMixin, CitizenAccountOnlyMixin, TemplateView):
    """ "Thông tin định danh": the identity data and where each part comes from."""

    template_name = "accounts/identity.html"
    account_menu = "identity"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        account = self.request.user
        cmnd = account.legacy_cmnd
        birth_date = date_format(account.birth_date, "d/m/Y") if account.birth_date else ""
        # (key, label as in the guide, value, editable here): the registry's rows are refreshed
        # from it, only the contact rows are edited by the citizen.
        rows = [
            ("full_name", "Họ tên", account.full_name, False),
            ("cmnd_9", "Số CMT (9 số)", cmnd if len(cmnd) == 9 else "", False),
            (
                "number_12",
                "Số CMT/CCCD (12 số)",
                account.cccd_number or (cmnd if len(cmnd) == 12 else ""),
                False,
            ),
            ("birth_date", "Ngày sinh", birth_date, False),
            ("phone", "Số điện thoại", account.phone, True),
            ("gender", "Giới tính", account.get_gender_display(), False),
            ("place_of_birth", "Nơi sinh", account.place_of_birth, False),
            ("email", "Email", account.email, True),
            ("place_of_origin", "Quê Quán", account.place_of_origin, False),
        ]
        context["rows"] = [
            {"key": key, "label": label, "value": value or EMPTY_VALUE, "editable": editable}
            for key, label, value, editable in rows
        ]
        return context


class IdentityRefreshView(LoginRequiredMixin, CitizenAccountOnlyMixin, View):
    """ "Cập nhật từ CSDL Quốc gia về Dân cư": refresh from the registry, or link a CCCD first."""

    http_method_names = ["post"]

    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        identity_url = reverse("accounts:identity")
        if not request.user.cccd_number:
            return redirect(cccd_prompt_url(identity_url))
        try:
            result = services.refresh_identity(account=request.user, actor=request.user)
        except RegistryNotFound:
            messages.error(
                request,
                "Cơ sở dữ liệu Quốc gia về Dân cư không có thông tin của số CCCD đã liên kết với "
                "tài khoản. Vui lòng liên hệ bộ phận Hỗ trợ của Cổng.",
            )
        except services.AccountServiceError as error:
            messages.error(request, error.message)
        except RegistryError as error:
            logger.warning(
                "identity refresh for account %s: registry error %r", request.user.pk, error
            )
            messages.error(request, REGISTRY_UNREACHABLE_MESSAGE)
        else:
            if result.changes:
                messages.success(
                    request,
                    "Đã cập nhật thông tin định danh từ Cơ sở dữ liệu Quốc gia về Dân cư.",
                )
            else:
                messages.info(
                    request,
                    "Thông tin định danh của bạn đã trùng khớp với Cơ sở dữ liệu Quốc gia về Dân "
                    "cư; không có thay đổi.",
                )
        return redirect(identity_url)


class ContactUpdateView(AccountAreaMixin, CitizenAccountOnlyMixin, FormView):
    """ "Sửa": change phone and e-mail; the registry's data is not editable here."""

    form_class = ContactForm
    template_name = "accounts/contact_form.html"
    account_menu = "identity"
    crumbs = ("Thông tin tài khoản", "Sửa thông tin liên hệ")
    request: AuthenticatedHttpRequest

    def get_initial(self) -> dict[str, Any]:
        return {"phone": self.request.user.phone, "email": self.request.user.email}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "account": self.request.user, "request": self.request}

    def form_valid(self, form: ContactForm) -> HttpResponse:
        changes = services.change_contact(
            account=self.request.user,
            phone=form.cleaned_data["phone"],
            email=form.cleaned_data["email"],
            actor=self.request.user,
        )
        if changes:
            messages.success(self.request, "Đã cập nhật thông tin liên hệ.")
        else:
            messages.info(self.request, "Thông tin liên hệ không thay đổi.")
        return redirect("accounts:identity")


class ExtendedInfoView(AccountAreaMixin, CitizenAccountOnlyMixin, TemplateView):
    """ "Thông tin mở rộng": account history, CCCD link state and the ways to log in."""

    template_name = "accounts/extended.html"
    account_menu = "extended"
    request: AuthenticatedHttpRequest

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["audit_entries"] = self.request.user.audit_entries.all()[:10]
        return context


class OrganisationInfoView(AccountAreaMixin, TemplateView):
    """ "Thông tin tổ chức": an organisation account's data, shown in full to the account.

    The tax code is the organisation's own data and its login name, so it is shown in full to
    its logged-in account; the representatives' personal numbers stay masked. A citizen's
    account has no such page and goes to its own overview.
    """

    template_name = "accounts/organisation.html"
    account_menu = "organisation"
    crumbs = ("Thông tin tài khoản", "Thông tin tổ chức")
    request: AuthenticatedHttpRequest

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated and not getattr(request.user, "is_organisation", False):
            return redirect("accounts:account")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        profile = OrganisationProfile.objects.filter(account=self.request.user).first()
        context["profile"] = profile
        rows: list[tuple[str, str, str]] = []
        if profile is not None:
            established = (
                date_format(profile.established_on, "d/m/Y") if profile.established_on else ""
            )
            rows = [
                ("name", "Tên tổ chức", profile.name),
                ("short_name", "Tên viết tắt", profile.short_name),
                ("foreign_name", "Tên tiếng nước ngoài", profile.foreign_name),
                ("tax_code", "Mã số thuế", profile.tax_code),
                ("enterprise_code", "Mã số doanh nghiệp", profile.enterprise_code),
                ("kind", "Loại hình", profile.get_kind_display()),
                ("established_on", "Ngày thành lập", established),
                ("head_office_address", "Địa chỉ trụ sở chính", profile.head_office_address),
                (
                    "legal_representative_name",
                    "Người đại diện theo pháp luật",
                    profile.legal_representative_name,
                ),
                (
                    "legal_representative_cccd",
                    "Số định danh người đại diện",
                    mask_number(profile.legal_representative_cccd)
                    if profile.legal_representative_cccd
                    else "",
                ),
            ]
        context["rows"] = [
            {"key": key, "label": label, "value": value or EMPTY_VALUE}
            for key, label, value in rows
        ]
        acting = self.request.session.get(ORGANISATION_ACTING_SESSION_KEY)
        if isinstance(acting, dict):
            context["acting"] = organisations.describe_session_acting(acting)
        if profile is not None and profile.inherited_by_number:
            context["inherited_by"] = mask_number(profile.inherited_by_number)
        # The takeover and who logged in on the organisation's behalf, as on "Thông tin mở rộng".
        context["audit_entries"] = self.request.user.audit_entries.all()[:10]
        return context


def _safe_next(request: HttpRequest) -> str:
    """Return the request's next URL if it stays on this site, else an empty string."""
    return local_url(request, request.POST.get("next", request.GET.get("next", "")))
