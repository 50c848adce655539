"""The simulated signing plugin on the citizen's computer, and the personas' PKCS#12 files."""

import base64
from typing import Any

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from admin_kit.redirects import local_url
from certificate_authority import services as ca
from certificate_authority.models import UsbToken
from idnumbers.numbers import mask_number

from .models import Workspace, WorkspacePersona
from .personas import PERSONAS_BY_KEY
from .usb_tokens import PKCS12_PASSWORD, persona_token
from .views import sandbox_only
from .workspaces import SEAT_SESSION_KEY, workspace_personas

MAX_CHALLENGE_LENGTH = 200
PIN_FORMAT_MESSAGE = "Mã PIN gồm đúng 6 chữ số."
NO_TOKEN_MESSAGE = "Vui lòng chọn thiết bị USB ký số để ký."
BAD_REQUEST_MESSAGE = (
    "Yêu cầu ký không hợp lệ: thiếu nội dung cần ký hoặc địa chỉ trả kết quả không thuộc trang "
    "web đã gửi yêu cầu. Vui lòng quay lại trang web và bấm đăng nhập lại."
)


@sandbox_only
@never_cache
def plugin(request: HttpRequest) -> HttpResponse:
    """List the plugged-in tokens, ask the PIN, sign the site's challenge and send it back."""
    data = request.POST if request.method == "POST" else request.GET
    challenge = data.get("challenge", "")
    return_url = data.get("return_url", "")
    if not challenge and not return_url and request.method == "GET":
        return _plugin_page(request, challenge="", return_url="")
    if not _valid_request(request, challenge, return_url):
        return _plugin_page(
            request, challenge="", return_url="", error=BAD_REQUEST_MESSAGE, status=400
        )
    if request.method != "POST":
        return _plugin_page(request, challenge=challenge, return_url=return_url)
    if data.get("action") == "cancel":
        return _send_back(request, return_url, {"challenge": challenge, "error": "cancelled"})
    token_pk = _int(data.get("token"))
    # No token chosen (or not a number): none, as filter(pk=None) found before.
    token = None if token_pk is None else plugged_in_tokens(request).filter(pk=token_pk).first()
    pin = data.get("pin", "").strip()
    if token is None:
        return _plugin_page(
            request, challenge=challenge, return_url=return_url, error=NO_TOKEN_MESSAGE
        )
    if not (len(pin) == 6 and pin.isascii() and pin.isdigit()):
        return _plugin_page(
            request,
            challenge=challenge,
            return_url=return_url,
            error=PIN_FORMAT_MESSAGE,
            chosen=token,
        )
    try:
        signature = ca.sign_with_usb_token(token=token, pin=pin, data=challenge.encode("utf-8"))
    except ca.TokenLocked as locked:
        return render(
            request,
            "sandbox/plugin_locked.html",
            {"message": locked.message, "return_url": return_url, "challenge": challenge},
            status=403,
        )
    except ca.WrongPin as wrong:
        return _plugin_page(
            request, challenge=challenge, return_url=return_url, error=wrong.message, chosen=token
        )
    fields = {
        "challenge": challenge,
        "certificate": token.certificate.certificate_pem,
        "signature": base64.b64encode(signature).decode("ascii"),
    }
    return _send_back(request, return_url, fields)


@sandbox_only
def persona_pkcs12(request: HttpRequest, key: str) -> HttpResponse:
    """Download a persona's certificate, key and the CA root as PKCS#12 (password shown)."""
    persona = PERSONAS_BY_KEY.get(key)
    code = request.GET.get("cho-ngoi")
    if code is not None:
        # A workspace's copy: its own certificate, found by the seat's public code.
        workspace = Workspace.objects.filter(code=code).first()
        copies = workspace_personas(workspace) if workspace else []
        persona = next((copy for copy in copies if copy.key == key), None)
    token = persona_token(persona) if persona else None
    if token is None:
        raise Http404
    bundle = ca.export_pkcs12(
        certificate=token.certificate,
        password=PKCS12_PASSWORD,
        reason="Tải tệp PKCS#12 của persona từ Bàn điều khiển thử nghiệm",
    )
    response = HttpResponse(bundle, content_type="application/x-pkcs12")
    response["Content-Disposition"] = f'attachment; filename="{key}-usb-ky-so.p12"'
    return response


def _valid_request(request: HttpRequest, challenge: str, return_url: str) -> bool:
    if not challenge or len(challenge) > MAX_CHALLENGE_LENGTH:
        return False
    # The plugin answers only the site that asked: a return address on another host is refused.
    return bool(local_url(request, return_url))


def plugged_in_tokens(request: HttpRequest) -> QuerySet[UsbToken]:
    """Return the tokens this browser's computer holds: its seat's, else the shipped personas'."""
    # A trainee at a seat sees only that seat's tokens, never another seat's copies.
    tokens = UsbToken.objects.select_related("certificate").order_by("pk")
    code = request.session.get(SEAT_SESSION_KEY)
    workspace_numbers = WorkspacePersona.objects.all()
    if code:
        seat_numbers = workspace_numbers.filter(workspace__code=code)
        return tokens.filter(
            Q(certificate__id_number__in=seat_numbers.values("cccd_number"))
            | Q(certificate__id_number__in=seat_numbers.exclude(username="").values("username"))
        )
    return tokens.exclude(
        certificate__id_number__in=workspace_numbers.values("cccd_number")
    ).exclude(certificate__id_number__in=workspace_numbers.values("username"))


def _plugin_page(
    request: HttpRequest,
    *,
    challenge: str,
    return_url: str,
    error: str = "",
    chosen: UsbToken | None = None,
    status: int = 200,
) -> HttpResponse:
    tokens = [
        {
            "token": token,
            "subject": f"{token.certificate.id_kind}:{mask_number(token.certificate.id_number)}",
            "expired": token.certificate.is_expired(),
        }
        for token in plugged_in_tokens(request)
    ]
    context = {
        "tokens": tokens,
        "challenge": challenge,
        "return_url": return_url,
        "error": error,
        "chosen": chosen,
    }
    return render(request, "sandbox/plugin.html", context, status=status)


def _send_back(request: HttpRequest, return_url: str, fields: dict[str, Any]) -> HttpResponse:
    return render(
        request, "sandbox/plugin_return.html", {"return_url": return_url, "fields": fields}
    )


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        return None
