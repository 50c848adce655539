"""Record each request the service answers on a login's way, for the trainer's timeline.

A view wrapped by `records_hop` measures itself; the code that learns whose request it is calls
`note_subject`, and the code that knows which login it belongs to calls `note_flow`. Requests
answered before anyone was known (the chooser, the redirect to VNeID) are attributed to the
person once the same flow's login succeeds.
"""

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from api_kit.keys import hash_secret

from .models import AuditEvent, Subject

View = Callable[..., HttpResponseBase]


@dataclass
class _Hop:
    subject: Subject | None = None
    flow: str = ""


_current_hop: ContextVar[_Hop | None] = ContextVar("national_login_current_hop", default=None)


def note_subject(subject: Subject | None) -> None:
    """Say whose request the view being recorded is answering."""
    hop = _current_hop.get()
    if hop is not None and subject is not None:
        hop.subject = subject


def note_flow(flow: str) -> None:
    """Say which portal's authorization request the view being recorded serves."""
    hop = _current_hop.get()
    if hop is not None and flow:
        hop.flow = flow


def flow_digest(client_id: str, state: str) -> str:
    """Return the digest of an authorization request's client and state, or ""."""
    if not client_id or not state:
        return ""
    return hash_secret(f"{client_id}\x00{state}")[:16]


def records_hop(endpoint: str, *, post_endpoint: str | None = None) -> Callable[[View], View]:
    """Record every answer of the wrapped view as an audit event (POSTs as `post_endpoint`)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            hop = _Hop()
            token = _current_hop.set(hop)
            started = time.monotonic()
            try:
                response = view(request, *args, **kwargs)
            finally:
                _current_hop.reset(token)
            duration_ms = round((time.monotonic() - started) * 1000)
            name = post_endpoint if post_endpoint and request.method == "POST" else endpoint
            if hop.subject is None and not hop.flow:
                return response
            AuditEvent.record(
                kind=AuditEvent.Kind.REQUEST_ANSWERED,
                subject=hop.subject,
                endpoint=name,
                status_code=response.status_code,
                duration_ms=duration_ms,
                flow=hop.flow,
            )
            if hop.subject is not None and hop.flow:
                AuditEvent.objects.filter(
                    kind=AuditEvent.Kind.REQUEST_ANSWERED, flow=hop.flow, subject__isnull=True
                ).update(subject=hop.subject)
            return response

        return wrapper

    return decorator
