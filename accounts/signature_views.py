"""Pages of "USB ký số": send the citizen to the signing plugin, then check what it signed."""

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from . import login_flow, login_policy, signature_login
from .middleware import cccd_not_required
from .signature_login import SignatureLoginError

P = ParamSpec("P")

USB_TAB_ANCHOR = "#usb-ky-so"
DEVICE_MESSAGES = {
    "cancelled": (
        messages.INFO,
        "Bạn đã huỷ ký số trên thiết bị USB ký số nên chưa đăng nhập. Bạn có thể đăng nhập lại "
        "bằng USB ký số hoặc bằng cách khác.",
    ),
    "token_locked": (
        messages.ERROR,
        "Thiết bị USB ký số đã bị khoá do nhập sai mã PIN quá 3 lần, nên chưa đăng nhập được. "
        "Vui lòng liên hệ nhà cung cấp dịch vụ chứng thực chữ ký số để mở khoá thiết bị, hoặc "
        "đăng nhập bằng cách khác.",
    ),
}
DEVICE_FAILED_MESSAGE = (
    "Phần mềm ký số trên máy tính không ký được yêu cầu đăng nhập. Vui lòng kiểm tra thiết bị USB "
    "ký số đã được cắm vào máy và thử lại."
)


def login_url(next_url: str = "") -> str:
    """Return the login page with the USB tab open, keeping next."""
    url = reverse("accounts:login")
    if next_url:
        url = f"{url}?{urlencode({'next': next_url})}"
    return url + USB_TAB_ANCHOR


SIGNATURE_LOGINS_CLOSED_MESSAGE = (
    "Từ ngày 01/7/2024, tài khoản định danh điện tử VNeID là tài khoản duy nhất để đăng nhập "
    "Cổng Dịch vụ công Quốc gia; Cổng không còn đăng nhập bằng USB ký số hoặc Sim ký số. Vui "
    "lòng chọn “Đăng nhập bằng VNeID”."
)


def signature_logins_open(
    view: Callable[Concatenate[HttpRequest, P], HttpResponseBase],
) -> Callable[Concatenate[HttpRequest, P], HttpResponseBase]:
    """Send a USB or SIM login step back to the login page while VNeID is the only account.

    Hiding the tabs is not enough: a bookmarked or scripted request must not log in either.
    """

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
        if not login_policy.current().allows_legacy_logins:
            messages.error(request, SIGNATURE_LOGINS_CLOSED_MESSAGE)
            return HttpResponseRedirect(reverse("accounts:login"))
        return view(request, *args, **kwargs)

    return guarded


@method_decorator([cccd_not_required, never_cache, signature_logins_open], name="dispatch")
class UsbLoginStartView(View):
    """ "Đăng nhập" on the USB tab: issue a challenge and hand it to the signing plugin."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseRedirect:
        challenge = signature_login.issue_challenge(
            request, method="usb", next_url=request.POST.get("next", "")
        )
        query = urlencode(
            {
                "challenge": challenge,
                "return_url": request.build_absolute_uri(reverse("accounts:usb_login_verify")),
            }
        )
        return HttpResponseRedirect(f"{settings.SIGNING_PLUGIN_URL}?{query}")


# The plugin posts here from outside the portal's pages, so it cannot carry the CSRF token;
# the single-use challenge in this session, signed by the certificate's key, does that job.
@method_decorator(
    [cccd_not_required, never_cache, csrf_exempt, signature_logins_open], name="dispatch"
)
class UsbLoginVerifyView(View):
    """Where the plugin returns the signature: verify it, find the account, log in."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponseRedirect:
        data = request.POST
        try:
            pending = signature_login.take_challenge(
                request, method="usb", presented=data.get("challenge", "")
            )
        except SignatureLoginError as error:
            return self.refuse(error)
        device_error = data.get("error", "")
        if device_error:
            level, message = DEVICE_MESSAGES.get(
                device_error, (messages.ERROR, DEVICE_FAILED_MESSAGE)
            )
            messages.add_message(request, level, message)
            return HttpResponseRedirect(login_url(pending.next_url))
        try:
            identity = signature_login.verify_signed_challenge(
                challenge=pending.value,
                certificate_pem=data.get("certificate", ""),
                signature=signature_login.decode_signature(data.get("signature", "")),
            )
            account = signature_login.find_account(identity)
        except SignatureLoginError as error:
            return self.refuse(error, next_url=pending.next_url)
        url = login_flow.finish_login(
            request,
            account=account,
            method=login_flow.USB_TOKEN,
            next_url=pending.next_url,
            audit_reason=signature_login.login_reason(identity, method=login_flow.USB_TOKEN),
        )
        return HttpResponseRedirect(url)

    def refuse(self, error: SignatureLoginError, next_url: str = "") -> HttpResponseRedirect:
        signature_login.log_refusal("usb", error)
        messages.error(self.request, error.message)
        return HttpResponseRedirect(login_url(next_url))
