"""What every client of another organisation's HTTP API shares: base URL, timeout, session."""

from typing import Self

import requests

from admin_kit.conf import OrganisationSettings


class ApiError(Exception):
    """Another organisation's API did not give a usable answer (its HTTP status, error code)."""

    def __init__(self, message: str, *, status: int | None = None, error_code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.error_code = error_code


class PooledSession:
    """A client holding a pooled `requests` session, closed by `close()` or a `with` block."""

    session: requests.Session

    def close(self) -> None:
        """Release the pooled connections."""
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


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
        self.timeout: float = timeout if timeout is not None else self.settings.TIMEOUT_SECONDS
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
