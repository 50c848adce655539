"""A provider's sandbox fault switch: slow, failing or down, as its relying parties see it.

Each provider keeps its switch in its own FaultSwitch row and says the outage in its own words on
its own error page; `FaultGate` holds the rules, given those.
"""

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render

from api_kit.server import ApiError
from fault_switch import switch
from fault_switch.models import FaultSwitch
from fault_switch.switch import Mode

from .errors import OAUTH_ERRORS

View = Callable[..., HttpResponseBase]
Switch = TypeVar("Switch", bound=FaultSwitch)

# RFC 6749 error codes a server-to-server caller gets instead of the page.
API_ERRORS: dict[str, tuple[int, str]] = {
    Mode.ERROR: (500, "server_error"),
    Mode.OUTAGE: (503, "temporarily_unavailable"),
}


class FaultGate(Generic[Switch]):
    """The switch kept in `model`; pages say `page_messages` through `template`."""

    def __init__(
        self,
        model: type[Switch],
        *,
        page_messages: Mapping[str, str],
        template: str,
        page_context: Callable[[HttpRequest], Mapping[str, Any]] | None = None,
        find: Callable[[], Switch | None] | None = None,
    ) -> None:
        self.model = model
        self.page_messages = page_messages
        self.template = template
        # What else the error page shows (VNeID's: the way back to the service that sent you).
        self.page_context = page_context
        self.find = find or self._first

    def _first(self) -> Switch | None:
        return self.model._default_manager.order_by("pk").first()

    def current(self) -> Switch:
        """Return the fault in force: the single switch row, or an unsaved "none" one."""
        return self.find() or self.model(mode=Mode.NONE)

    def set(self, mode: str, latency_ms: int = 0) -> Switch:
        """Switch the provider into mode (a Mode value); return the row."""
        return switch.set_fault(self.model, mode, latency_ms)

    def answer_for(
        self, fault: Switch, request: HttpRequest, *, page: bool
    ) -> HttpResponseBase | None:
        """Return the answer the fault gives instead of the view's, or None to let it answer."""
        if fault.mode == Mode.LATENCY:
            switch.delay(fault.latency_ms)
            return None
        if fault.mode not in API_ERRORS:
            return None
        status, error = API_ERRORS[fault.mode]
        message = self.page_messages[fault.mode]
        if page:
            context: dict[str, Any] = {"message": message, "error": error}
            if self.page_context is not None:
                context.update(self.page_context(request))
            return render(request, self.template, context, status=status)
        return OAUTH_ERRORS.response(ApiError(status, error, message))

    def honours_fault(self, *, page: bool = False) -> Callable[[View], View]:
        """Let the sandbox's fault switch slow down or refuse this endpoint."""

        def decorator(view: View) -> View:
            @wraps(view)
            def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
                answer = self.answer_for(self.current(), request, page=page)
                return answer if answer is not None else view(request, *args, **kwargs)

            return wrapper

        return decorator
