"""What every client of another organisation's HTTP API shares: session, timeout, errors.

One transport loop (`PooledSession._send`) sends a request with the timeout and turns the
failures into the client's own error types, in the manner of Sentry's `BaseApiClient`.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import requests

from admin_kit.conf import OrganisationSettings


class ApiCallError(Exception):
    """Another organisation's API did not give a usable answer (its HTTP status, error code)."""

    def __init__(self, message: str, *, status: int | None = None, error_code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code


@dataclass
class Call:
    """One call in progress: what a client's log line says about it once it is over."""

    method: str
    name: str
    # "ok", "timeout", "unreachable", the API's error code, "http_<status>", or "error".
    outcome: str = "error"
    status: int | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def elapsed_ms(self) -> float:
        """Return the milliseconds since the call started."""
        return (time.monotonic() - self.started) * 1000


class PooledSession:
    """A client holding a pooled `requests` session, closed by `close()` or a `with` block.

    Subclasses name their error types: a timeout, a host down or a server error, and an
    answer off the contract; `refusal_kind` picks a finer one from the API's error code.
    """

    session: requests.Session
    timeout: float
    timeout_error: ClassVar[type[ApiCallError]]
    unavailable_error: ClassVar[type[ApiCallError]]
    bad_response_error: ClassVar[type[ApiCallError]]

    def close(self) -> None:
        """Release the pooled connections."""
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def refusal_kind(self, status: int, error_code: str) -> type[ApiCallError]:
        """Return the error type of a refusal that is not a server error."""
        return self.bad_response_error

    def _send(self, call: Call, url: str, **kwargs: Any) -> requests.Response:
        """Send call's request with the timeout; raise the client's error if none came back."""
        try:
            response = self.session.request(call.method, url, timeout=self.timeout, **kwargs)
        except requests.Timeout as error:
            call.outcome = "timeout"
            raise self.timeout_error(f"no answer from {call.name} in {self.timeout}s") from error
        except requests.RequestException as error:
            call.outcome = "unreachable"
            message = f"cannot reach {call.name}: {type(error).__name__}"
            raise self.unavailable_error(message) from error
        call.status = response.status_code
        return response

    def _refusal(self, call: Call, status: int, body: Any) -> ApiCallError:
        """Return the error for an answer other than the one expected."""
        error_code = str(body.get("error") or "") if isinstance(body, dict) else ""
        call.outcome = error_code or f"http_{status}"
        if status >= 500:
            kind = self.unavailable_error
            message = f"{call.name} answered {status}"
        else:
            kind = self.refusal_kind(status, error_code)
            message = f"{call.name} answered {status} {error_code}".strip()
        return kind(message, status=status, error_code=error_code)

    def _call_json(
        self,
        method: str,
        url: str,
        *,
        name: str,
        expect: int = 200,
        log: Callable[[Call], None] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """Return the JSON object answered with status expect, or raise the client's error."""
        call = Call(method, name)
        try:
            response = self._send(call, url, **kwargs)
            try:
                body = response.json()
            except ValueError:
                body = None
            if response.status_code == expect and isinstance(body, dict):
                call.outcome = "ok"
                return body
            raise self._refusal(call, response.status_code, body)
        finally:
            if log is not None:
                log(call)

    def _call_bytes(self, method: str, url: str, *, name: str) -> bytes:
        """Return the content of a 200 answer, or raise the client's error."""
        call = Call(method, name)
        response = self._send(call, url)
        if response.status_code != 200:
            raise self._refusal(call, response.status_code, None)
        call.outcome = "ok"
        return response.content


class ApiClient(PooledSession):
    """A client of the API at its settings' BASE_URL, with its TIMEOUT_SECONDS."""

    settings: OrganisationSettings

    def __init__(
        self,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url: str = base_url or self.settings.BASE_URL
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        self.timeout = timeout if timeout is not None else self.settings.TIMEOUT_SECONDS
        self.session = session or requests.Session()


class BearerApiClient(ApiClient):
    """An API client that sends the portal's bearer key (its settings' API_KEY) and wants JSON."""

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
    ) -> None:
        super().__init__(base_url=base_url, timeout=timeout, session=session)
        self.session.headers.update(
            {
                "Authorization": f"Bearer {api_key or self.settings.API_KEY}",
                "Accept": "application/json",
            }
        )
