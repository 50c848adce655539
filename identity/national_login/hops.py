"""Record each request the service answers on a login's way, for the trainer's timeline.

A view wrapped by `records_hop` measures itself; the code that learns whose request it is calls
`note_subject`, and the code that knows which login it belongs to calls `note_flow`. Requests
answered before anyone was known (the chooser, the redirect to VNeID) are attributed to the
person once the same flow's login succeeds.
"""

from collections.abc import Callable

from oidc_kit.hops import HopRecorder, View, flow_digest

from .models import AuditEvent, Subject

__all__ = ["flow_digest"]

HOPS = HopRecorder("national_login_current_hop", AuditEvent, "subject")
note_flow = HOPS.note_flow


def note_subject(subject: Subject | None) -> None:
    """Say whose request the view being recorded is answering."""
    HOPS.note_person(subject)


def records_hop(endpoint: str, *, post_endpoint: str | None = None) -> Callable[[View], View]:
    """Record every answer of the wrapped view as an audit event (POSTs as `post_endpoint`)."""
    return HOPS.records(endpoint, post_endpoint=post_endpoint)
