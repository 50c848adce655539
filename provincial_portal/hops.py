"""Record each request the provincial portal answers on a login's way (as `vneid/hops.py`).

A view wrapped by `records_hop` measures itself; the code that learns whose request it is
calls `note_account`. Requests answered before the account was known (the login start) carry
the login's digest and get the account when the same login ends.
"""

from collections.abc import Callable

from oidc_kit.hops import HopRecorder, View

from . import flow
from .models import AuditEvent, ProvincialAccount

HOPS = HopRecorder("provincial_current_hop", AuditEvent, "account")


def note_account(account: ProvincialAccount | None) -> None:
    """Say whose request the view being recorded is answering."""
    HOPS.note_person(account)


def note_flow(digest: str) -> None:
    """Say which login the request belongs to (when its cookie is only being set)."""
    HOPS.note_flow(digest)


def records_hop(endpoint: str) -> Callable[[View], View]:
    """Record every answer of the wrapped view as an audit event of the provincial portal."""
    return HOPS.records(endpoint, flow_of=flow.digest)
