"""Record each request a service answers on a login's way, for the trainer's timeline.

A view wrapped by `HopRecorder.records` measures itself; the code that learns whose request it
is calls `note_person`, and the code that knows which login it belongs to calls `note_flow`.
Requests answered before anyone was known (a login page, a redirect to the provider) carry the
login's digest and are attributed to the person once the same flow's login succeeds. The entry
lands in the service's own audit events: no service knows anything of the sandbox.
"""

import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase

from api_kit.keys import hash_secret

from .models import AnsweredRequestRecord

View = Callable[..., HttpResponseBase]
REQUEST_ANSWERED = "request_answered"


def flow_digest(client_id: str, state: str) -> str:
    """Return the digest of an authorization request's client and state, or ""."""
    if not client_id or not state:
        return ""
    return hash_secret(f"{client_id}\x00{state}")[:16]


@dataclass
class Hop:
    """What the view being recorded learnt: whose request, which login, what else to record."""

    person: Any = None
    flow: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class HopRecorder:
    """Records answers as `audit_event` rows whose person is the `person_field` foreign key."""

    def __init__(
        self, name: str, audit_event: type[AnsweredRequestRecord], person_field: str
    ) -> None:
        self._current: ContextVar[Hop | None] = ContextVar(name, default=None)
        self.audit_event = audit_event
        self.person_field = person_field

    def note_person(self, person: Any) -> None:
        """Say whose request the view being recorded is answering."""
        hop = self._current.get()
        if hop is not None and person is not None:
            hop.person = person

    def note_flow(self, flow: str) -> None:
        """Say which login the request being recorded belongs to."""
        hop = self._current.get()
        if hop is not None and flow:
            hop.flow = flow

    def note(self, name: str, value: Any) -> None:
        """Record value as the field name of the request being recorded (unless None)."""
        hop = self._current.get()
        if hop is not None and value is not None:
            hop.extra[name] = value

    def records(
        self,
        endpoint: str,
        *,
        post_endpoint: str | None = None,
        flow_of: Callable[[HttpRequest], str] | None = None,
    ) -> Callable[[View], View]:
        """Record every answer of the wrapped view (POSTs as `post_endpoint`).

        flow_of(request), when given, is the login the request belongs to until `note_flow`
        says otherwise.
        """

        def decorator(view: View) -> View:
            @wraps(view)
            def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
                hop = Hop(flow=flow_of(request) if flow_of else "")
                token = self._current.set(hop)
                started = time.monotonic()
                try:
                    response = view(request, *args, **kwargs)
                finally:
                    self._current.reset(token)
                duration_ms = round((time.monotonic() - started) * 1000)
                name = post_endpoint if post_endpoint and request.method == "POST" else endpoint
                if hop.person is None and not hop.flow:
                    # Nobody to attribute the request to, and no later login to tie it to.
                    return response
                self.audit_event.record(
                    kind=REQUEST_ANSWERED,
                    **{self.person_field: hop.person},
                    **hop.extra,
                    endpoint=name,
                    status_code=response.status_code,
                    duration_ms=duration_ms,
                    flow=hop.flow,
                )
                if hop.person is not None and hop.flow:
                    # Answered before anyone was known: it was this person's login.
                    unattributed: dict[str, Any] = {
                        "kind": REQUEST_ANSWERED,
                        "flow": hop.flow,
                        f"{self.person_field}__isnull": True,
                    }
                    self.audit_event._default_manager.filter(**unattributed).update(
                        **{self.person_field: hop.person}
                    )
                return response

            return wrapper

        return decorator
