"""Record each request VNeID answers on a login's way (authorize, login, token, userinfo).

A view wrapped by `records_hop` measures itself; the code that learns whose request it is
calls `note_account`. The entry lands in VNeID's own audit events, so that a sandbox timeline
can show what a login did on the wire without VNeID knowing anything about the sandbox.
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

from .models import AuditEvent, OidcClient, VneidAccount

View = Callable[..., HttpResponseBase]


@dataclass
class _Hop:
    account: VneidAccount | None = None
    # Who asked: the national portal's login, or another service (the national login service).
    client: OidcClient | None = None


_current_hop: ContextVar[_Hop | None] = ContextVar("vneid_current_hop", default=None)


def note_account(account: VneidAccount | None) -> None:
    """Say whose request the view being recorded is answering."""
    hop = _current_hop.get()
    if hop is not None and account is not None:
        hop.account = account


def note_client(client: OidcClient | None) -> None:
    """Say which registered service sent the request the view being recorded is answering."""
    hop = _current_hop.get()
    if hop is not None and client is not None:
        hop.client = client


def flow_digest(request: HttpRequest) -> str:
    """Return the digest of an authorization request's client and state, or ""."""
    client_id = request.GET.get("client_id", "")
    state = request.GET.get("state", "")
    if not client_id or not state:
        return ""
    return hash_secret(f"{client_id}\x00{state}")[:16]


def records_hop(endpoint: str, *, login_endpoint: str | None = None) -> Callable[[View], View]:
    """Record every answer of the wrapped view as an audit event (POSTs as `login_endpoint`)."""

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
            name = login_endpoint if login_endpoint and request.method == "POST" else endpoint
            flow = flow_digest(request) if login_endpoint else ""
            if hop.account is None and not flow:
                # Nobody to attribute the request to, and no later login to tie it to.
                return response
            AuditEvent.record(
                kind=AuditEvent.Kind.REQUEST_ANSWERED,
                account=hop.account,
                client=hop.client,
                endpoint=name,
                status_code=response.status_code,
                duration_ms=duration_ms,
                flow=flow,
            )
            if hop.account is not None and flow:
                # The login page was answered before anyone logged in: it was this account.
                AuditEvent.objects.filter(
                    kind=AuditEvent.Kind.REQUEST_ANSWERED, flow=flow, account__isnull=True
                ).update(account=hop.account)
            return response

        return wrapper

    return decorator
