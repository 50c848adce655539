"""Record each request the provincial portal answers on a login's way (as `vneid/hops.py`).

A view wrapped by `records_hop` measures itself; the code that learns whose request it is
calls `note_account`. Requests answered before the account was known (the login start) carry
the login's digest and get the account when the same login ends.
"""

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from . import flow
from .models import AuditEvent, ProvincialAccount

View = Callable[..., HttpResponseBase]


@dataclass
class _Hop:
    account: ProvincialAccount | None = None
    flow: str = ""


_current_hop: ContextVar[_Hop | None] = ContextVar("provincial_current_hop", default=None)


def note_account(account: ProvincialAccount | None) -> None:
    """Say whose request the view being recorded is answering."""
    hop = _current_hop.get()
    if hop is not None and account is not None:
        hop.account = account


def note_flow(digest: str) -> None:
    """Say which login the request belongs to (when its cookie is only being set)."""
    hop = _current_hop.get()
    if hop is not None and digest:
        hop.flow = digest


def records_hop(endpoint: str) -> Callable[[View], View]:
    """Record every answer of the wrapped view as an audit event of the provincial portal."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            hop = _Hop(flow=flow.digest(request))
            token = _current_hop.set(hop)
            started = time.monotonic()
            try:
                response = view(request, *args, **kwargs)
            finally:
                _current_hop.reset(token)
            if hop.account is None and not hop.flow:
                return response
            AuditEvent.record(
                kind=AuditEvent.Kind.REQUEST_ANSWERED,
                account=hop.account,
                endpoint=endpoint,
                status_code=response.status_code,
                duration_ms=round((time.monotonic() - started) * 1000),
                flow=hop.flow,
            )
            if hop.account is not None and hop.flow:
                AuditEvent.objects.filter(
                    kind=AuditEvent.Kind.REQUEST_ANSWERED, flow=hop.flow, account__isnull=True
                ).update(account=hop.account)
            return response

        return wrapper

    return decorator
