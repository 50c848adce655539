"""The sandbox's fault switch for the service: slow, failing or down, as portals see it."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from api_kit.server import ApiError
from fault_switch import switch
from fault_switch.switch import Mode
from oidc_kit.errors import OAUTH_ERRORS

from .models import ServiceFault

View = Callable[..., HttpResponseBase]

PAGE_MESSAGES: dict[str, str] = {
    Mode.ERROR: (
        "Hệ thống xác thực gặp lỗi khi xử lý yêu cầu. Đây là lỗi của hệ thống, không phải của "
        "bạn. Vui lòng thử lại sau ít phút."
    ),
    Mode.OUTAGE: "Hệ thống xác thực đang tạm ngừng hoạt động. Vui lòng thử lại sau.",
}
API_ERRORS: dict[str, tuple[int, str]] = {
    Mode.ERROR: (500, "server_error"),
    Mode.OUTAGE: (503, "temporarily_unavailable"),
}


def current_fault() -> ServiceFault:
    """Return the fault in force: the single ServiceFault row, or an unsaved "none" one."""
    fault = ServiceFault.objects.order_by("pk").first()
    return fault or ServiceFault(mode=Mode.NONE)


def set_fault(mode: str, latency_ms: int = 0) -> ServiceFault:
    """Switch the service into mode (a Mode value); return the row."""
    return switch.set_fault(ServiceFault, mode, latency_ms)


def _answer_for(
    fault: ServiceFault, request: HttpRequest, *, page: bool
) -> HttpResponseBase | None:
    if fault.mode == Mode.LATENCY:
        switch.delay(fault.latency_ms)
        return None
    if fault.mode not in API_ERRORS:
        return None
    status, error = API_ERRORS[fault.mode]
    if page:
        context = {"message": PAGE_MESSAGES[fault.mode], "error": error}
        return render(request, "national_login/error.html", context, status=status)
    return OAUTH_ERRORS.response(ApiError(status, error, PAGE_MESSAGES[fault.mode]))


def honours_fault(*, page: bool = False) -> Callable[[View], View]:
    """Let the sandbox's fault switch slow down or refuse this endpoint."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            answer = _answer_for(current_fault(), request, page=page)
            return answer if answer is not None else view(request, *args, **kwargs)

        return wrapper

    return decorator
