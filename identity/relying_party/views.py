"""Pages of "Đăng nhập bằng VNeID": thin shims over `flows` and `services`."""

import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView

from accounts.middleware import cccd_not_required
from accounts.services import AccountServiceError
from admin_kit.redirects import local_url
from idnumbers.numbers import mask_number

from . import flows, services
from .client import InvalidIdToken, VneidError, VneidTimeout, VneidUnavailable
from .forms import INACTIVE_MESSAGE, LinkPasswordForm
from .login import CREATED, OFFER_LINK, REFUSED, decide_login

logger = logging.getLogger(__name__)

# The portal's own backend: the session then survives `get_user` like a password login's.
LOGIN_BACKEND = "accounts.backends.CmndOrCccdBackend"

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
class ErrorPage:
    title: str
    paragraphs: tuple
    status: int
    steps: tuple = ()
    retry: bool = True


ERROR_PAGES = {
    "expired": ErrorPage(
        "Phiên đăng nhập bằng VNeID đã hết hạn",
        (
            "Yêu cầu đăng nhập này đã được sử dụng hoặc đã quá 10 phút, nên Cổng không thể tiếp "
            "tục. Tài khoản của bạn vẫn an toàn.",
            "Vui lòng bấm “Đăng nhập lại bằng VNeID” để bắt đầu lại.",
        ),
        400,
    ),
    "state_mismatch": ErrorPage(
        "Không xác nhận được yêu cầu đăng nhập",
        (
            "Kết quả đăng nhập VNeID gửi về không khớp với yêu cầu đăng nhập đã bắt đầu trên trình "
            "duyệt này (có thể bạn đã mở nhiều cửa sổ đăng nhập, hoặc đường dẫn không do Cổng tạo "
            "ra). Để bảo vệ tài khoản, Cổng không đăng nhập.",
            "Vui lòng bấm “Đăng nhập lại bằng VNeID” để bắt đầu lại trong một cửa sổ.",
        ),
        400,
    ),
    "issuer_mismatch": ErrorPage(
        "Không xác nhận được nơi gửi kết quả đăng nhập",
        (
            "Kết quả đăng nhập gửi về Cổng không do hệ thống VNeID mà Cổng đã gửi yêu cầu tới "
            "cấp (hoặc không cho biết nơi cấp). Để bảo vệ tài khoản của bạn, Cổng không đăng "
            "nhập.",
            "Vui lòng bấm “Đăng nhập lại bằng VNeID” để bắt đầu lại. Nếu lỗi vẫn lặp lại, hãy "
            "liên hệ bộ phận Hỗ trợ của Cổng.",
        ),
        400,
    ),
    "unavailable": ErrorPage(
        "Chưa kết nối được tới VNeID",
        (
            "Hệ thống định danh điện tử VNeID hiện không phản hồi, nên chưa thể đăng nhập bằng "
            "VNeID.",
            "Vui lòng thử lại sau ít phút, hoặc đăng nhập bằng số CMT/CCCD và mật khẩu.",
        ),
        503,
    ),
    "timeout": ErrorPage(
        "VNeID phản hồi quá chậm",
        (
            "Hệ thống định danh điện tử VNeID không trả lời kịp thời gian chờ, nên Cổng chưa "
            "hoàn tất được việc đăng nhập.",
            "Vui lòng thử lại sau ít phút, hoặc đăng nhập bằng số CMT/CCCD và mật khẩu.",
        ),
        503,
    ),
    "invalid_token": ErrorPage(
        "Không xác thực được kết quả đăng nhập từ VNeID",
        (
            "Thông tin đăng nhập nhận được không hợp lệ (chữ ký, thời hạn, nơi cấp hoặc mã xác "
            "nhận không đúng), nên Cổng không đăng nhập.",
            "Vui lòng đăng nhập lại bằng VNeID. Nếu lỗi vẫn lặp lại, hãy liên hệ bộ phận Hỗ trợ "
            "của Cổng.",
        ),
        400,
    ),
    "provider_error": ErrorPage(
        "VNeID chưa hoàn tất yêu cầu đăng nhập",
        (
            "Hệ thống định danh điện tử VNeID đã trả lời bằng một lỗi, nên Cổng chưa đăng nhập "
            "được cho bạn.",
            "Vui lòng đăng nhập lại bằng VNeID. Nếu lỗi vẫn lặp lại, hãy đăng nhập bằng số "
            "CMT/CCCD và mật khẩu, hoặc liên hệ bộ phận Hỗ trợ của Cổng.",
        ),
        502,
    ),
    "level": ErrorPage(
        "Cổng yêu cầu tài khoản định danh điện tử mức 2",
        (
            "Bạn đã đăng nhập VNeID bằng tài khoản định danh điện tử mức 1. Để thực hiện thủ tục "
            "hành chính trên Cổng Dịch vụ công Quốc gia, bạn cần tài khoản định danh điện tử "
            "mức 2 (đã được xác thực trực tiếp). Bạn chưa được đăng nhập vào Cổng.",
            "Cách nâng cấp lên mức 2:",
        ),
        403,
        steps=(
            "Mang thẻ Căn cước công dân (CCCD) gắn chip tới cơ quan Công an cấp xã/phường nơi cư "
            "trú (hoặc nơi làm thủ tục cấp CCCD) để đăng ký tài khoản định danh điện tử mức 2.",
            "Hoặc mở ứng dụng VNeID, chọn yêu cầu nâng cấp tài khoản lên mức 2 và làm theo hướng "
            "dẫn; sau đó mang thẻ CCCD tới cơ quan Công an để được xác thực trực tiếp.",
            "Khi tài khoản đã được duyệt lên mức 2, hãy quay lại đây và đăng nhập bằng VNeID.",
        ),
    ),
    "level_unknown": ErrorPage(
        "Chưa xác định được mức tài khoản định danh điện tử",
        (
            "VNeID không cho Cổng biết tài khoản định danh điện tử của bạn là mức 1 hay mức 2, "
            "nên Cổng chưa thể đăng nhập cho bạn. Tài khoản của bạn không bị thay đổi.",
            "Vui lòng đăng nhập lại bằng VNeID sau ít phút. Nếu lỗi vẫn lặp lại, hãy đăng nhập "
            "bằng số CMT/CCCD và mật khẩu, hoặc liên hệ bộ phận Hỗ trợ của Cổng.",
        ),
        502,
    ),
    "locked": ErrorPage(
        "Tài khoản đã bị khoá",
        (INACTIVE_MESSAGE,),
        403,
        retry=False,
    ),
    "link_refused": ErrorPage(
        "Không liên kết được tài khoản",
        ("Số CCCD này đã được liên kết với một tài khoản khác trên Cổng.",),
        409,
        retry=False,
    ),
}


def error_page(request, kind, *, next_url="", message=""):
    """Render the Vietnamese page for one kind of failed VNeID login."""
    page = ERROR_PAGES[kind]
    paragraphs = (message, *page.paragraphs[1:]) if message else page.paragraphs
    context = {
        "kind": kind,
        "page": page,
        "paragraphs": paragraphs,
        "start_url": _start_url(next_url, prompt="login" if kind == "level" else ""),
        "login_url": _login_url(next_url),
        "crumbs": ["Đăng nhập bằng VNeID"],
    }
    return render(request, "relying_party/error.html", context, status=page.status)


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class VneidStartView(View):
    """The VNeID button: start the code flow (state, nonce, PKCE) and go to VNeID."""

    http_method_names = ["get"]

    def get(self, request):
        next_url = local_url(request, request.GET.get("next", ""))
        # Only "login" is honoured: it lets a citizen switch to another VNeID account.
        prompt = "login" if request.GET.get("prompt") == "login" else ""
        try:
            url = flows.begin_login(request, next_url=next_url, prompt=prompt)
        except VneidError as error:
            return _vneid_failure(request, error, next_url=next_url)
        return HttpResponseRedirect(url)


@method_decorator([cccd_not_required, never_cache], name="dispatch")
class VneidCallbackView(View):
    """Where VNeID sends the browser back: check state, get the tokens, find the account."""

    http_method_names = ["get"]

    def get(self, request):
        try:
            pending = flows.take_pending_login(request)
        except flows.FlowExpired:
            return error_page(request, "expired")
        except flows.StateMismatch as mismatch:
            logger.warning("VNeID callback with a state that does not match the session")
            return error_page(request, "state_mismatch", next_url=mismatch.next_url)
        next_url = pending.get("next", "")
        try:
            flows.check_issuer(request)
        except flows.IssuerMismatch:
            logger.warning("VNeID callback from another issuer than VNeID: possible mix-up")
            return error_page(request, "issuer_mismatch", next_url=next_url)
        except VneidError as error:
            return _vneid_failure(request, error, next_url=next_url)
        error = request.GET.get("error")
        if error == "access_denied":
            messages.info(request, CANCELLED_MESSAGE)
            return redirect(_login_url(next_url))
        if error:
            logger.warning("VNeID answered the authorization request with error %r", error)
            return error_page(request, "provider_error", next_url=next_url)
        try:
            completed = flows.complete_login(request, pending)
        except VneidError as error:
            return _vneid_failure(request, error, next_url=next_url)
        return resolve_account(request, completed)


def resolve_account(request, completed):
    """Show the decision on a completed VNeID login (identity.relying_party.login)."""
    decision = decide_login(request, completed)
    if decision.outcome == REFUSED:
        return error_page(
            request, decision.refusal, next_url=decision.next_url, message=decision.message
        )
    if decision.outcome == OFFER_LINK:
        return redirect("vneid_login:link")
    if decision.outcome == CREATED:
        messages.success(
            request,
            "Đã tạo tài khoản trên Cổng Dịch vụ công Quốc gia từ thông tin tài khoản VNeID của "
            "bạn. " + SUPPORT_HINT,
        )
    return _log_in(request, decision.account, completed.id_token, completed.next_url)


@method_decorator(
    [cccd_not_required, never_cache, sensitive_post_parameters("password")], name="dispatch"
)
class VneidLinkView(FormView):
    """The guide's warning: link the legacy account by its password, or continue without it."""

    form_class = LinkPasswordForm
    template_name = "relying_party/link.html"

    def dispatch(self, request, *args, **kwargs):
        try:
            self.identity, self.account, self.id_token, self.next_url = flows.pending_link(request)
        except flows.FlowExpired:
            return error_page(request, "expired")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "new":
            return self.continue_with_new_account()
        return super().post(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request, "account": self.account}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            legacy_username=self.account.username,
            masked_number=mask_number(self.identity.personal_id_number),
            crumbs=["Đăng nhập bằng VNeID", "Liên kết tài khoản"],
            **kwargs,
        )

    def form_valid(self, form):
        try:
            account = services.link_with_vneid(account=self.account, identity=self.identity)
        except AccountServiceError as refusal:
            flows.drop_pending_link(self.request)
            return error_page(self.request, "link_refused", message=refusal.message)
        flows.drop_pending_link(self.request)
        messages.success(
            self.request,
            "Đã liên kết tài khoản cũ với tài khoản VNeID của bạn. Thông tin định danh đã được "
            "cập nhật và các hồ sơ đã nộp trước đây vẫn nằm trong tài khoản.",
        )
        return _log_in(self.request, account, self.id_token, self.next_url)

    def form_invalid(self, form):
        if form.has_error("__all__", "invalid_password"):
            # django-axes marks the request when the account's failures reached the limit.
            locked = getattr(self.request, "axes_locked_out", False)
            services.record_link_refused(
                account=self.account,
                identity=self.identity,
                reason="locked out after too many failures" if locked else "wrong password",
            )
        return super().form_invalid(form)

    def continue_with_new_account(self):
        try:
            account = services.create_account_from_vneid(
                identity=self.identity, declined_account=self.account
            )
        except AccountServiceError as refusal:
            flows.drop_pending_link(self.request)
            return error_page(self.request, "link_refused", message=refusal.message)
        flows.drop_pending_link(self.request)
        messages.warning(
            self.request,
            "Đã tạo tài khoản mới từ thông tin VNeID. Các hồ sơ và thông tin của tài khoản cũ "
            f"{self.account.username} không hiển thị trong tài khoản này. " + LATER_LINK_HINT,
        )
        return _log_in(self.request, account, self.id_token, self.next_url)


def _log_in(request, account, id_token, next_url):
    login(request, account, backend=LOGIN_BACKEND)
    # After login(): it flushes the session when another account was logged in.
    flows.remember_vneid_session(request, id_token)
    return HttpResponseRedirect(flows.next_or_default(next_url))


def _vneid_failure(request, error, *, next_url):
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


def _start_url(next_url, *, prompt=""):
    params = {key: value for key, value in (("next", next_url), ("prompt", prompt)) if value}
    url = reverse("vneid_login:start")
    return f"{url}?{urlencode(params)}" if params else url


def _login_url(next_url):
    url = reverse("accounts:login")
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url
