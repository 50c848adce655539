"""Pages of the provincial portal of Quảng Nam, and its logout receivers."""

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from idnumbers.numbers import mask_number
from oidc_kit.backchannel import backchannel_logout_view
from oidc_kit.logout_token import (
    LogoutClaims,
)

from . import citizens, flow, hops, organisations, sessions
from .conf import provincial_settings
from .forms import InheritForm, OrganisationLoginForm
from .models import AuditEvent, LoginFlow, ProvincialAccount
from .national_login import (
    CitizenAttributes,
    CompletedLogin,
    NationalLoginClient,
    NationalLoginError,
    NationalLoginTimeout,
    OrganisationAttributes,
    is_service_issuer,
    issuer_origin,
)
from .services import organisation_legacy_login_allowed

logger = logging.getLogger(__name__)

# How long a citizen is asked to wait before trying again when the national service is down.
RETRY_AFTER_SECONDS = 30

INHERITED_NOTICE = (
    "Tài khoản cũ của Ông/Bà trên Cổng DVC tỉnh đã được kế thừa: từ nay Ông/Bà đăng nhập bằng "
    "tài khoản định danh điện tử, các hồ sơ đã nộp trước đây vẫn nằm trong mục “Hồ sơ của tôi”."
)
NEW_ACCOUNT_NOTICE = (
    "Cổng DVC tỉnh đã tạo cho Ông/Bà một tài khoản mới, chưa có hồ sơ nào, từ thông tin định "
    "danh điện tử. "
)
NO_OLD_ACCOUNT = "Ông/Bà chưa có tài khoản trên Cổng DVC tỉnh trước đây."
SKIPPED_OLD_ACCOUNT = (
    "Ông/Bà đã bỏ qua việc kế thừa tài khoản cũ: các hồ sơ của tài khoản cũ không hiển thị ở đây. "
    "Muốn kế thừa về sau, vui lòng liên hệ bộ phận Hỗ trợ của Cổng DVC tỉnh."
)

TAKEN_OVER_NOTICE = (
    "Tài khoản tổ chức do Cổng DVC tỉnh cấp trước đây đã được kế thừa: từ nay tổ chức đăng nhập "
    "bằng tài khoản định danh điện tử tổ chức (VNeID), các hồ sơ đã nộp vẫn nằm trong mục "
    "“Hồ sơ của tổ chức”."
)
NEW_ORGANISATION_NOTICE = (
    "Cổng DVC tỉnh đã tạo tài khoản mới cho tổ chức, chưa có hồ sơ nào, từ thông tin định danh "
    "điện tử của tổ chức. Cổng chưa có tài khoản tổ chức nào mang mã số thuế này trước đây."
)

SERVICES = (
    ("Đăng ký khai sinh", "Tư pháp — Hộ tịch", "Toàn trình"),
    ("Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", "Một phần"),
    ("Chứng thực bản sao từ bản chính", "Tư pháp — Chứng thực", "Một phần"),
    ("Đăng ký thành lập hộ kinh doanh", "Kế hoạch và Đầu tư", "Toàn trình"),
    ("Cấp đổi giấy chứng nhận quyền sử dụng đất", "Tài nguyên và Môi trường", "Một phần"),
    ("Đăng ký thường trú", "Công an tỉnh", "Toàn trình"),
)


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render a provincial page with the header's account and the login's one-time notice."""
    session = sessions.current(request)
    notice, level = sessions.take_notice(session)
    base = {
        "province_account": session.account if session else None,
        "notice": notice,
        "notice_level": level,
    }
    return render(request, f"provincial_portal/{template}", {**base, **context}, status=status)


def error_page(
    request: HttpRequest, kind: str, *, status: int, message: str = "", detail: str = ""
) -> HttpResponse:
    """Render one kind of failed login; a fault of the service answers 503 with Retry-After."""
    response = page(
        request,
        f"errors/{kind}.html",
        {"kind": kind, "message": message, "detail": detail},
        status=status,
    )
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def service_failure(request: HttpRequest, error: NationalLoginError) -> HttpResponse:
    """The national login service failed: say so as the system's fault, save nothing."""
    logger.warning("national login failed: %r", error)
    kind = "timeout" if isinstance(error, NationalLoginTimeout) else "unavailable"
    return error_page(request, kind, status=503)


def login_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Send a visitor without a provincial session to the login, then back here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if sessions.current(request) is None:
            url = reverse("provincial_portal:login")
            return HttpResponseRedirect(f"{url}?{urlencode({'next': request.path})}")
        return view(request, *args, **kwargs)

    return wrapper


def callback_uri(request: HttpRequest) -> str:
    """Return the redirect_uri registered at the national login service."""
    configured: str = provincial_settings.REDIRECT_URI
    return configured or request.build_absolute_uri(reverse("provincial_portal:callback"))


def post_logout_uri(request: HttpRequest) -> str:
    """Return where the national login service sends the browser after its logout."""
    configured: str = provincial_settings.POST_LOGOUT_REDIRECT_URI
    return configured or request.build_absolute_uri(reverse("provincial_portal:home"))


def provincial_next(request: HttpRequest, raw: str) -> str:
    """Return raw when it is a path of the provincial portal, else its home page."""
    home = reverse("provincial_portal:home")
    parts = urlsplit(raw)
    if raw and not parts.scheme and not parts.netloc and raw.startswith(home) and "\\" not in raw:
        return raw
    return home


@never_cache
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return page(request, "home.html", {"services": SERVICES})


@never_cache
@require_GET
@login_required
def dossiers(request: HttpRequest) -> HttpResponse:
    account = sessions.current_account(request)
    assert account is not None
    return page(
        request,
        "dossiers.html",
        {"dossiers": list(account.dossiers.all()), "account": account},
    )


@never_cache
@require_GET
@login_required
def account(request: HttpRequest) -> HttpResponse:
    account = sessions.current_account(request)
    assert account is not None
    if account.is_organisation:
        return HttpResponseRedirect(reverse("provincial_portal:organisation"))
    context = {
        "account": account,
        "masked_cmnd": mask_number(account.cmnd_number) if account.cmnd_number else "",
        "masked_cccd": mask_number(account.cccd_number) if account.cccd_number else "",
        "dossier_count": account.dossiers.count(),
    }
    return page(request, "account.html", context)


@never_cache
@require_GET
@login_required
def organisation(request: HttpRequest) -> HttpResponse:
    """ "Thông tin tổ chức": the organisation's account, and who is acting for it."""
    session = sessions.current(request)
    assert session is not None
    account = session.account
    if not account.is_organisation:
        return HttpResponseRedirect(reverse("provincial_portal:account"))
    context = {
        "account": account,
        "session": session,
        "masked_tax_code": mask_number(account.tax_code),
        "kind_label": organisations.KIND_LABELS.get(
            account.organisation_kind, account.organisation_kind
        ),
        "masked_representative": mask_number(account.representative_number)
        if account.representative_number
        else "",
        "dossier_count": account.dossiers.count(),
    }
    return page(request, "organisation.html", context)


@method_decorator([never_cache, sensitive_post_parameters("password")], name="dispatch")
class OrganisationLoginView(View):
    """ "Tài khoản tổ chức do tỉnh cấp": tax code, password and captcha, until the cut-off.

    After the cut-off the page explains it and leads to VNeID; a POST is refused server-side
    whatever it carries, before the form (captcha included) is even read.
    """

    http_method_names = ["get", "post"]

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(OrganisationLoginForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if not organisation_legacy_login_allowed():
            refusal = organisations.legacy_login_closed(request.POST.get("tax_code", ""))
            return self.show(
                None, status=refusal.status, refusal=refusal.message, code=refusal.code
            )
        form = OrganisationLoginForm(request.POST)
        if not form.is_valid():
            return self.show(form, status=400)
        try:
            account = organisations.log_in_with_password(
                tax_code=form.cleaned_data["tax_code"],
                password=form.cleaned_data["password"],
                address=request.META.get("REMOTE_ADDR"),
            )
        except organisations.OrganisationRefused as refusal:
            # A new captcha for the next try: the one typed was consumed.
            return self.show(
                OrganisationLoginForm(initial={"tax_code": form.cleaned_data["tax_code"]}),
                status=refusal.status,
                refusal=refusal.message,
                code=refusal.code,
            )
        response = HttpResponseRedirect(reverse("provincial_portal:organisation"))
        # No national session: the service's logouts have no sid to end it by, and the logout
        # does not visit the service.
        sessions.open_session(request, response, account=account, sid="", id_token="")
        return response

    def show(
        self,
        form: OrganisationLoginForm | None,
        *,
        status: int = 200,
        refusal: str = "",
        code: str = "",
    ) -> HttpResponse:
        allowed = organisation_legacy_login_allowed()
        context = {
            "form": form if allowed else None,
            "allowed": allowed,
            "refusal": refusal,
            "refusal_code": code,
        }
        return page(self.request, "organisation_login.html", context, status=status)


@method_decorator(never_cache, name="dispatch")
@method_decorator(hops.records_hop("dang-nhap"), name="dispatch")
class StartLoginView(View):
    """ "Đăng nhập": start the code flow at the national login service."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        response = HttpResponseRedirect("/")
        login = flow.begin(request, response, redirect_uri=callback_uri(request))
        hops.note_flow(login.key_hash[:16])
        login.next_url = provincial_next(request, request.GET.get("next", ""))
        login.save(update_fields=["next_url"])
        try:
            with NationalLoginClient() as service:
                response["Location"] = service.authorization_url(
                    redirect_uri=login.redirect_uri,
                    state=login.state,
                    nonce=login.nonce,
                    code_verifier=login.code_verifier,
                )
        except NationalLoginError as error:
            login.delete()
            failure = service_failure(request, error)
            flow.forget_cookie(failure)
            return failure
        return response


@method_decorator(never_cache, name="dispatch")
@method_decorator(hops.records_hop("callback"), name="dispatch")
class CallbackView(View):
    """Where the national login service sends the browser back with a code (or an error)."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            login = flow.take_for_callback(request, request.GET.get("state", ""))
        except (flow.FlowExpired, flow.StateMismatch) as problem:
            logger.warning("provincial callback refused: %s", type(problem).__name__)
            response = error_page(request, "expired", status=400)
            flow.forget_cookie(response)
            return response
        iss = request.GET.get("iss")
        if iss is not None and not is_service_issuer(iss):
            # RFC 9207: an answer naming another issuer may be a mix-up attack; nothing is sent.
            logger.warning("provincial callback from another issuer: possible mix-up")
            response = error_page(request, "expired", status=400)
            flow.finish(login, response)
            return response
        error = request.GET.get("error", "")
        if error:
            return self.refused(request, login, error)
        try:
            with NationalLoginClient() as service:
                completed = service.complete_login(
                    code=request.GET.get("code", ""),
                    redirect_uri=login.redirect_uri,
                    code_verifier=login.code_verifier,
                    nonce=login.nonce,
                )
        except NationalLoginError as failure:
            response = service_failure(request, failure)
            flow.finish(login, response)
            return response
        return resolve(request, login, completed)

    def refused(self, request: HttpRequest, login: LoginFlow, error: str) -> HttpResponse:
        if error == "access_denied":
            response = error_page(
                request,
                "denied",
                status=403,
                detail=request.GET.get("error_description", "")[:300],
            )
        else:
            logger.warning("national login answered error %r", error[:40])
            response = error_page(request, "unavailable", status=503)
        flow.finish(login, response)
        return response


def resolve(request: HttpRequest, login: LoginFlow, completed: CompletedLogin) -> HttpResponse:
    """Log in, inherit, or ask the citizen about an old account."""
    attributes = completed.attributes
    if isinstance(attributes, OrganisationAttributes):
        # Never a citizen's path: no SoDinhDanh, no CMND offer, no citizen account.
        return resolve_organisation(request, login, attributes, id_token=completed.id_token)
    decision = citizens.decide(attributes)
    if decision.outcome == citizens.ASK:
        flow.offer(login, attributes=attributes, id_token=completed.id_token)
        return HttpResponseRedirect(reverse("provincial_portal:inherit"))
    assert decision.account is not None
    notice = INHERITED_NOTICE if decision.outcome == citizens.INHERITED else ""
    return log_in(
        request, login, decision.account, attributes, id_token=completed.id_token, notice=notice
    )


def resolve_organisation(
    request: HttpRequest, login: LoginFlow, attributes: OrganisationAttributes, *, id_token: str
) -> HttpResponse:
    """Log the organisation in, taking over its legacy account or making a new one."""
    try:
        decision = organisations.decide(attributes)
    except organisations.OrganisationRefused as refusal:
        response = error_page(
            request,
            "organisation_refused",
            status=refusal.status,
            message=refusal.message,
            detail=refusal.code,
        )
        flow.finish(login, response)
        return response
    notice, level = "", "success"
    if decision.outcome == organisations.TAKEN_OVER:
        notice = TAKEN_OVER_NOTICE
    elif decision.outcome == organisations.CREATED:
        notice, level = NEW_ORGANISATION_NOTICE, "info"
    return log_in(
        request,
        login,
        decision.account,
        attributes,
        id_token=id_token,
        notice=notice,
        notice_level=level,
    )


def log_in(
    request: HttpRequest,
    login: LoginFlow,
    account: ProvincialAccount,
    attributes: CitizenAttributes | OrganisationAttributes,
    *,
    id_token: str,
    notice: str,
    notice_level: str = "success",
) -> HttpResponse:
    """Open the provincial session and go where the login was started for."""
    if not account.is_active:
        response = error_page(request, "locked", status=403)
        flow.finish(login, response)
        return response
    hops.note_account(account)
    acting: dict[str, str] = {}
    if isinstance(attributes, OrganisationAttributes):
        organisations.record_login(account, attributes)
        acting = {
            "acting_name": attributes.acting_name,
            "acting_number_masked": mask_number(attributes.acting_number),
            "acting_role": attributes.role_label,
        }
    else:
        citizens.record_login(account, attributes)
    target = login.next_url or reverse("provincial_portal:home")
    if notice:
        # The outcome of a first login is shown on the account page, where it is explained.
        page_name = "organisation" if account.is_organisation else "account"
        target = reverse(f"provincial_portal:{page_name}")
    response = HttpResponseRedirect(target)
    sessions.open_session(
        request,
        response,
        account=account,
        sid=attributes.sid,
        id_token=id_token,
        notice=notice,
        notice_level=notice_level,
        **acting,
    )
    flow.finish(login, response)
    return response


@method_decorator(
    [never_cache, sensitive_post_parameters("password"), hops.records_hop("ke-thua")],
    name="dispatch",
)
class InheritView(View):
    """Ask whether the citizen had an account holding only a CMND; inherit it or make a new one."""

    http_method_names = ["get", "post"]

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            self.login, self.attributes = flow.pending_offer(request)
        except flow.FlowExpired:
            response = error_page(request, "expired", status=400)
            flow.forget_cookie(response)
            return response
        return super().dispatch(request, *args, **kwargs)  # type: ignore[return-value]

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.show(InheritForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        action = request.POST.get("action")
        if action == "new":
            return self.new_account(SKIPPED_OLD_ACCOUNT)
        if action == "none":
            return self.new_account(NO_OLD_ACCOUNT)
        form = InheritForm(request.POST)
        if not form.is_valid():
            return self.show(form, status=400)
        try:
            account = citizens.inherit_by_password(
                self.attributes,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
                address=request.META.get("REMOTE_ADDR"),
            )
        except citizens.LinkRefused as refusal:
            form.add_error(None, refusal.message)
            return self.show(form, status=400)
        return log_in(
            request,
            self.login,
            account,
            self.attributes,
            id_token=self.login.id_token,
            notice=INHERITED_NOTICE,
        )

    def new_account(self, why: str) -> HttpResponse:
        try:
            account = citizens.create_from_vneid(self.attributes, why=why)
        except citizens.LinkRefused as refusal:
            return self.show(InheritForm(), status=409, refusal=refusal.message)
        return log_in(
            self.request,
            self.login,
            account,
            self.attributes,
            id_token=self.login.id_token,
            notice=NEW_ACCOUNT_NOTICE + why,
            notice_level="info",
        )

    def show(self, form: InheritForm, *, status: int = 200, refusal: str = "") -> HttpResponse:
        context = {
            "form": form,
            "full_name": self.attributes.full_name,
            "masked_number": mask_number(self.attributes.personal_id_number)
            if self.attributes.personal_id_number
            else "",
            "refusal": refusal,
        }
        return page(self.request, "inherit.html", context, status=status)


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """End the provincial session, then the national login service's (RP-initiated)."""
    session = sessions.current(request)
    if session is None:
        response: HttpResponse = HttpResponseRedirect(reverse("provincial_portal:home"))
        sessions.forget_cookie(response)
        return response
    sessions.end(session, reason=sessions.ENDED_BY_LOGOUT)
    AuditEvent.of(AuditEvent.Kind.LOGOUT, session.account, "người dùng bấm “Đăng xuất”")
    if not session.id_token:
        # A legacy organisation login never went through the national login service.
        response = HttpResponseRedirect(reverse("provincial_portal:home"))
        sessions.forget_cookie(response)
        return response
    try:
        with NationalLoginClient() as service:
            url = service.end_session_url(
                id_token=session.id_token, post_logout_redirect_uri=post_logout_uri(request)
            )
    except NationalLoginError as error:
        logger.warning("national logout skipped: %r", error)
        request._provincial_session = None  # type: ignore[attr-defined]
        response = page(request, "logged_out.html", {"service_down": True})
    else:
        response = HttpResponseRedirect(url)
    sessions.forget_cookie(response)
    return response


@never_cache
@require_GET
def frontchannel_logout(request: HttpRequest) -> HttpResponse:
    """Front-channel logout (OpenID Connect Front-Channel Logout 1.0), framed by the service."""
    sid = request.GET.get("sid", "")
    if not is_service_issuer(request.GET.get("iss", "")) or not sid:
        response: HttpResponse = JsonResponse(
            {
                "error": "invalid_request",
                "error_description": "iss and sid of the service required",
            },
            status=400,
        )
    else:
        sessions.end_sessions_of_sid(
            sid,
            reason=sessions.ENDED_BY_FRONTCHANNEL,
            kind=AuditEvent.Kind.FRONTCHANNEL_LOGOUT,
            detail="Hệ thống xác thực yêu cầu đăng xuất (front-channel)",
        )
        response = render(request, "provincial_portal/frontchannel.html")
    frameable_by_service(request, response)
    return response


def frameable_by_service(request: HttpRequest, response: HttpResponse) -> None:
    """Let the national login service, and only it, frame this response."""
    origin = issuer_origin()
    response._csp_replace = {"frame-ancestors": [origin]}  # type: ignore[attr-defined]
    if origin == f"{request.scheme}://{request.get_host()}":
        response["X-Frame-Options"] = "SAMEORIGIN"
    else:
        # X-Frame-Options cannot name another origin; frame-ancestors does, and wins.
        response.xframe_options_exempt = True


def verify_logout_token_of_service(token: str) -> LogoutClaims:
    """Check a logout token against the national login service's published keys."""
    with NationalLoginClient() as service:
        return service.verify_logout_token(token)


def end_sessions_of_logout(claims: LogoutClaims) -> int:
    """End the provincial sessions of the service's session the logout token names."""
    return sessions.end_sessions_of_sid(
        claims.sid,
        reason=sessions.ENDED_BY_BACKCHANNEL,
        kind=AuditEvent.Kind.BACKCHANNEL_LOGOUT,
        detail="Hệ thống xác thực báo phiên đăng nhập chung đã kết thúc (back-channel)",
    )


backchannel_logout = backchannel_logout_view(
    verify=verify_logout_token_of_service, end_sessions=end_sessions_of_logout
)
