"""Pages of "Đăng nhập bằng VNeID": thin shims over `protocol`, `state` and `login`."""

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from accounts import login_flow
from accounts.middleware import cccd_not_required
from accounts.models import User
from accounts.organisations import ORGANISATION_ACTING_SESSION_KEY
from accounts.services import AccountServiceError
from admin_kit.redirects import local_url
from idnumbers.numbers import mask_number

from . import login, protocol, services, single_logout, state
from .client import InvalidIdToken, VneidError, VneidTimeout, VneidUnavailable
from .forms import INACTIVE_MESSAGE, LinkPasswordForm
from .login import CREATED, INHERITED, OFFER_LINK, REFUSED, decide_login
from .protocol import CompletedLogin

logger = logging.getLogger(__name__)

CANCELLED_MESSAGE = (
    "Bạn đã huỷ đăng nhập bằng VNeID. Bạn có thể đăng nhập lại bằng VNeID hoặc bằng số CMT/CCCD "
    "và mật khẩu."
)
SUPPORT_HINT = (
    "Nếu bạn từng có tài khoản trên Cổng (đăng ký bằng số CMND) và muốn kế thừa các hồ sơ đã nộp "
    "trước đây, hãy liên hệ bộ phận Hỗ trợ của Cổng (mục “Hỗ trợ”), cung cấp số CMND đã dùng để "
    "đăng ký, để được kiểm tra và liên kết dữ liệu cũ vào tài khoản này."
)
LATER_LINK_HINT = (
    "Nếu về sau muốn kế thừa các hồ sơ của tài khoản cũ, hãy liên hệ bộ phận Hỗ trợ của Cổng "
    "(mục “Hỗ trợ”) để được kiểm tra và liên kết dữ liệu cũ vào tài khoản này."
)


@dataclass(frozen=True)
class ErrorKind:
    """One kind of failed VNeID login: its page's status, and whether to offer a retry.

    The page's prose is in the template `relying_party/errors/<kind>.html`; `message`, when
    given, replaces its first paragraph.
    """

    status: int
    retry: bool = True
    message: str = ""


ERROR_KINDS = {
    "expired": ErrorKind(400),
    "state_mismatch": ErrorKind(400),
    "issuer_mismatch": ErrorKind(400),
    "unavailable": ErrorKind(503),
    "timeout": ErrorKind(503),
    "invalid_token": ErrorKind(400),
    "provider_error": ErrorKind(502),
    "level": ErrorKind(403),
    "level_unknown": ErrorKind(502),
    "locked": ErrorKind(403, retry=False, message=INACTIVE_MESSAGE),
    "link_refused": ErrorKind(409, retry=False),
    "takeover_refused": ErrorKind(403, retry=False),
    "organisation_locked": ErrorKind(403, retry=False),
    "tax_code_claimed": ErrorKind(409, retry=False),
}


def error_page(
    request: HttpRequest,
    kind: str,
    *,
    next_url: str = "",
    message: str = "",
    organisation: bool = False,
) -> HttpResponse:
    """Render the Vietnamese page for one kind of failed VNeID login."""
    error = ERROR_KINDS[kind]
    context = {
        "kind": kind,
        "retry": error.retry,
        "message": message or error.message,
        "start_url": _start_url(next_url, prompt="login" if kind == "level" else ""),
        "login_url": _login_url(next_url, organisation=organisation),
        "crumbs": ["Đăng nhập bằng VNeID"],
    }
    return render(request, f"relying_party/errors/{kind}.html", context, status=error.status)


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class VneidStartView(View):
    """The VNeID button: start the code flow (state, nonce, PKCE) and go to VNeID."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = local_url(request, request.GET.get("next", ""))
        # Only "login" is honoured: it lets a citizen switch to another VNeID account.
        prompt = "login" if request.GET.get("prompt") == "login" else ""
        try:
            url = state.begin_login(request, next_url=next_url, prompt=prompt)
        except VneidError as error:
            return _vneid_failure(request, error, next_url=next_url)
        return HttpResponseRedirect(url)


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class VneidOrganisationStartView(View):
    """ "Đăng nhập bằng VNeID (tổ chức)": ask for `vneid_organisation`, let the person choose.

    The person logs in at VNeID with their own account and chooses the organisation they act
    for (`prompt=select_account`); choosing "Cá nhân" there is an ordinary citizen login.
    """

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        next_url = local_url(request, request.GET.get("next", ""))
        try:
            url = state.begin_login(request, next_url=next_url, organisation=True)
        except VneidError as error:
            return _vneid_failure(request, error, next_url=next_url)
        return HttpResponseRedirect(url)


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class VneidCallbackView(View):
    """Where VNeID sends the browser back: check state, get the tokens, find the account."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            pending = state.take_pending_login(request)
        except state.FlowExpired:
            return error_page(request, "expired")
        except state.StateMismatch as mismatch:
            logger.warning("VNeID callback with a state that does not match the session")
            return error_page(request, "state_mismatch", next_url=mismatch.next_url)
        next_url = pending.get("next", "")
        try:
            protocol.check_issuer(request.GET.get("iss"))
        except protocol.IssuerMismatch:
            logger.warning("VNeID callback from another issuer than VNeID: possible mix-up")
            return error_page(request, "issuer_mismatch", next_url=next_url)
        except VneidError as error:
            return _vneid_failure(request, error, next_url=next_url)
        answer_error = request.GET.get("error")
        if answer_error == "access_denied":
            messages.info(request, CANCELLED_MESSAGE)
            return redirect(_login_url(next_url))
        if answer_error:
            logger.warning("VNeID answered the authorization request with error %r", answer_error)
            return error_page(request, "provider_error", next_url=next_url)
        try:
            completed = protocol.complete_login(code=request.GET.get("code", ""), pending=pending)
        except VneidError as error:
            return _vneid_failure(request, error, next_url=next_url)
        return resolve_account(request, completed)


def resolve_account(request: HttpRequest, completed: CompletedLogin) -> HttpResponse:
    """Show the decision on a completed VNeID login (identity.relying_party.login)."""
    decision = decide_login(request, completed)
    if decision.outcome == REFUSED:
        return error_page(
            request,
            decision.refusal,
            next_url=decision.next_url,
            message=decision.message,
            organisation=decision.organisation,
        )
    if decision.outcome == OFFER_LINK:
        return redirect("vneid_login:link")
    # A decision to log in or a new account always names the account.
    assert decision.account is not None
    if decision.organisation:
        return _log_in_organisation(request, decision.outcome, decision.account, completed)
    if decision.outcome == CREATED:
        messages.success(
            request,
            "Đã tạo tài khoản trên Cổng Dịch vụ công Quốc gia từ thông tin tài khoản VNeID của "
            "bạn. " + SUPPORT_HINT,
        )
    return _log_in(
        request, decision.account, completed.identity, completed.id_token, completed.next_url
    )


def _log_in_organisation(
    request: HttpRequest, outcome: str, account: User, completed: CompletedLogin
) -> HttpResponse:
    claims = completed.organisation
    assert claims is not None
    if outcome == INHERITED:
        messages.success(
            request,
            f"Đã kế thừa tài khoản tổ chức cũ của {claims.name} trên Cổng: từ nay tổ chức đăng "
            "nhập bằng tài khoản định danh điện tử của tổ chức (VNeID); các hồ sơ đã nộp trước "
            "đây vẫn nằm trong tài khoản.",
        )
    elif outcome == CREATED:
        messages.success(
            request,
            f"Đã tạo tài khoản tổ chức trên Cổng Dịch vụ công Quốc gia cho {claims.name} từ "
            "thông tin định danh điện tử của tổ chức (VNeID).",
        )
    response = _log_in(
        request,
        account,
        completed.identity,
        completed.id_token,
        completed.next_url,
        method=login_flow.ORGANISATION_VNEID,
    )
    # After the login, which may flush the session: who acts, for the organisation's pages.
    request.session[ORGANISATION_ACTING_SESSION_KEY] = {
        "role": claims.role,
        "scope": claims.authorisation_scope,
        "masked_number": mask_number(claims.acting_number),
    }
    return response


@method_decorator(
    [cccd_not_required, never_cache, sensitive_post_parameters("password")], name="dispatch"
)
class VneidLinkView(FormView):
    """The guide's warning: link the legacy account by its password, or continue without it."""

    form_class = LinkPasswordForm
    template_name = "relying_party/link.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            offer, self.account = login.pending_link(request)
        except state.FlowExpired:
            return error_page(request, "expired")
        self.identity, self.id_token, self.next_url = offer.identity, offer.id_token, offer.next_url
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.POST.get("action") == "new":
            return self.continue_with_new_account()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request, "account": self.account}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            legacy_username=self.account.username,
            masked_number=mask_number(self.identity.personal_id_number),
            crumbs=["Đăng nhập bằng VNeID", "Liên kết tài khoản"],
            **kwargs,
        )

    def form_valid(self, form: LinkPasswordForm) -> HttpResponse:
        try:
            account = services.link_with_vneid(account=self.account, identity=self.identity)
        except AccountServiceError as refusal:
            state.drop_pending_link(self.request)
            return error_page(self.request, "link_refused", message=refusal.message)
        state.drop_pending_link(self.request)
        messages.success(
            self.request,
            "Đã liên kết tài khoản cũ với tài khoản VNeID của bạn. Thông tin định danh đã được "
            "cập nhật và các hồ sơ đã nộp trước đây vẫn nằm trong tài khoản.",
        )
        return _log_in(self.request, account, self.identity, self.id_token, self.next_url)

    def form_invalid(self, form: LinkPasswordForm) -> HttpResponse:
        if form.has_error("__all__", "invalid_password"):
            # django-axes marks the request when the account's failures reached the limit.
            locked = getattr(self.request, "axes_locked_out", False)
            services.record_link_refused(
                account=self.account,
                identity=self.identity,
                reason="locked out after too many failures" if locked else "wrong password",
            )
        return super().form_invalid(form)

    def continue_with_new_account(self) -> HttpResponse:
        try:
            account = services.create_account_from_vneid(
                identity=self.identity, declined_account=self.account
            )
        except AccountServiceError as refusal:
            state.drop_pending_link(self.request)
            return error_page(self.request, "link_refused", message=refusal.message)
        state.drop_pending_link(self.request)
        messages.warning(
            self.request,
            "Đã tạo tài khoản mới từ thông tin VNeID. Các hồ sơ và thông tin của tài khoản cũ "
            f"{self.account.username} không hiển thị trong tài khoản này. " + LATER_LINK_HINT,
        )
        return _log_in(self.request, account, self.identity, self.id_token, self.next_url)


def _log_in(
    request: HttpRequest,
    account: User,
    identity: protocol.VneidIdentity,
    id_token: str,
    next_url: str,
    *,
    method: str = login_flow.VNEID,
) -> HttpResponse:
    # The VNeID services wrote the login's audit row with the account change it made (refresh,
    # link or new account), in the same transaction.
    url = login_flow.finish_login(
        request, account=account, method=method, next_url=next_url, audit_reason=None
    )
    # After the login: it flushes the session when another account was logged in, and gives
    # the session the key VNeID's logout token will reach it by.
    state.remember_vneid_session(request, id_token)
    single_logout.remember(request, account=account, identity=identity)
    return HttpResponseRedirect(url)


def _vneid_failure(request: HttpRequest, error: VneidError, *, next_url: str) -> HttpResponse:
    logger.warning("VNeID login failed: %r", error)
    if isinstance(error, VneidTimeout):
        kind = "timeout"
    elif isinstance(error, VneidUnavailable):
        kind = "unavailable"
    elif isinstance(error, InvalidIdToken):
        kind = "invalid_token"
    else:
        kind = "provider_error"
    return error_page(request, kind, next_url=next_url)


def _start_url(next_url: str, *, prompt: str = "") -> str:
    params = {key: value for key, value in (("next", next_url), ("prompt", prompt)) if value}
    url = reverse("vneid_login:start")
    return f"{url}?{urlencode(params)}" if params else url


def _login_url(next_url: str, *, organisation: bool = False) -> str:
    params = {key: value for key, value in (("next", next_url),) if value}
    if organisation:
        params["tab"] = "to-chuc"
    url = reverse("accounts:login")
    return f"{url}?{urlencode(params)}" if params else url
