"""What every client of another organisation's JSON API shares: base URL, bearer key, timeout."""

from typing import Self

import requests

from admin_kit.conf import OrganisationSettings


class BearerApiClient:
    """A pooled session that sends the portal's bearer key; subclasses name their settings."""

    settings: OrganisationSettings

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url: str = base_url or self.settings.BASE_URL
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        self.timeout: float = timeout if timeout is not None else self.settings.TIMEOUT_SECONDS
        self.session = session or requests.Session()
        self.session.headers.update(
            {
                "Authorization": f"Bearer {api_key or self.settings.API_KEY}",
                "Accept": "application/json",
            }
        )

    def close(self) -> None:
        """Release the pooled connections."""
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
