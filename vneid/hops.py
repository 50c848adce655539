"""Record each request VNeID answers on a login's way (authorize, login, token, userinfo).

A view wrapped by `records_hop` measures itself; the code that learns whose request it is
calls `note_account`. The entry lands in VNeID's own audit events, so that a sandbox timeline
can show what a login did on the wire without VNeID knowing anything about the sandbox.
"""

from collections.abc import Callable

from django.http import HttpRequest

from oidc_kit import hops
from oidc_kit.hops import HopRecorder, View

from .models import AuditEvent, OidcClient, VneidAccount

HOPS = HopRecorder("vneid_current_hop", AuditEvent, "account")


def note_account(account: VneidAccount | None) -> None:
    """Say whose request the view being recorded is answering."""
    HOPS.note_person(account)


def note_client(client: OidcClient | None) -> None:
    """Say which registered service sent the request the view being recorded is answering."""
    # Who asked: the national portal's login, or another service (the national login service).
    HOPS.note("client", client)


def flow_digest(request: HttpRequest) -> str:
    """Return the digest of an authorization request's client and state, or ""."""
    return hops.flow_digest(request.GET.get("client_id", ""), request.GET.get("state", ""))


def records_hop(endpoint: str, *, login_endpoint: str | None = None) -> Callable[[View], View]:
    """Record every answer of the wrapped view as an audit event (POSTs as `login_endpoint`)."""
    # Only the login page ties its requests to the login that follows.
    flow_of = flow_digest if login_endpoint else None
    return HOPS.records(endpoint, post_endpoint=login_endpoint, flow_of=flow_of)
