"""VNeID's one way to reach the business registration database: its HTTP API.

docs/business-registry-api.md describes the API. VNeID is a consuming system like any other:
it holds its own bearer key (VNEID_PROVIDER's BUSINESS_REGISTRY_API_KEY), says why it asks
(`purpose`) and for whom (`requested_by`), and never puts a code in a URL.
"""

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin

import requests

from api_kit.client import ApiCallError, Call, PooledSession
from idnumbers.tax_codes import mask_tax_code

from .conf import provider_settings

logger = logging.getLogger(__name__)

# The registry's published purposes VNeID calls it for (docs/business-registry-api.md).
PURPOSE_REGISTRATION = "organisation_eid_registration"
PURPOSE_REFRESH = "organisation_eid_refresh"
PURPOSE_LOGIN = "organisation_login"


class BusinessRegistryError(ApiCallError):
    """The business registry did not give a usable answer."""


class BusinessRegistryTimeout(BusinessRegistryError):
    """The business registry did not answer within the timeout."""


class BusinessRegistryUnavailable(BusinessRegistryError):
    """The business registry could not be reached, answered a server error or is down (503)."""


class BusinessRegistryBadResponse(BusinessRegistryError):
    """The business registry refused the request or answered something off the contract."""


class EnterpriseNotFound(BusinessRegistryError):
    """The business registry has no enterprise under the requested code."""


@dataclass(frozen=True)
class RegisteredRepresentative:
    """A legal representative as the registry lists them; until None: the current one."""

    cccd_number: str
    full_name: str
    position: str
    since: date
    until: date | None

    @property
    def current(self) -> bool:
        return self.until is None


@dataclass(frozen=True)
class EnterpriseRecord:
    """An enterprise's record as the lookup endpoint returns it."""

    enterprise_code: str
    tax_code: str
    kind: str
    name: str
    short_name: str
    foreign_name: str
    established_on: date
    head_office_address: str
    status: str
    representatives: tuple[RegisteredRepresentative, ...]

    @property
    def current_representatives(self) -> tuple[RegisteredRepresentative, ...]:
        return tuple(r for r in self.representatives if r.current)

    def representative(self, cccd_number: str) -> RegisteredRepresentative | None:
        """Return the person's entry, a current one before a former one, or None."""
        rows = [r for r in self.representatives if r.cccd_number == cccd_number]
        rows.sort(key=lambda r: not r.current)
        return rows[0] if rows else None


def _date(value: Any) -> date:
    if not isinstance(value, str):
        raise ValueError("a date must be a string")
    return date.fromisoformat(value)


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string")
    return value


def _representative(data: Any) -> RegisteredRepresentative:
    until = data.get("until")
    return RegisteredRepresentative(
        cccd_number=str(data["cccd_number"]),
        full_name=str(data["full_name"]),
        position=_text(data, "position"),
        since=_date(data["since"]),
        until=_date(until) if until is not None else None,
    )


def enterprise_record(data: Any) -> EnterpriseRecord:
    """Read the lookup answer's `enterprise` object; raise KeyError/TypeError/ValueError."""
    code = data["enterprise_code"]
    if not isinstance(code, str) or not isinstance(data["name"], str):
        raise ValueError("the code and the name must be strings")
    representatives = data["representatives"]
    if not isinstance(representatives, list):
        raise ValueError("representatives must be a list")
    return EnterpriseRecord(
        enterprise_code=code,
        tax_code=_text(data, "tax_code") or code,
        kind=str(data["kind"]),
        name=data["name"],
        short_name=_text(data, "short_name"),
        foreign_name=_text(data, "foreign_name"),
        established_on=_date(data["established_on"]),
        head_office_address=_text(data, "head_office_address"),
        status=str(data["status"]),
        representatives=tuple(_representative(item) for item in representatives),
    )


class BusinessRegistryClient(PooledSession):
    """Call the business registry's v1 API with VNeID's key, a timeout and typed errors."""

    timeout_error = BusinessRegistryTimeout
    unavailable_error = BusinessRegistryUnavailable
    bad_response_error = BusinessRegistryBadResponse

    def __init__(
        self,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | None = None,
        session: requests.Session | None = None,
    ) -> None:
        # VNeID's settings name the keys after the registry (one settings object for VNeID),
        # so this client reads them itself instead of BearerApiClient's BASE_URL/API_KEY.
        self.base_url: str = base_url or provider_settings.BUSINESS_REGISTRY_URL
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        self.timeout = (
            timeout if timeout is not None else provider_settings.BUSINESS_REGISTRY_TIMEOUT_SECONDS
        )
        self.session = session or requests.Session()
        key = api_key if api_key is not None else provider_settings.BUSINESS_REGISTRY_API_KEY
        self.session.headers.update(
            {"Authorization": f"Bearer {key}", "Accept": "application/json"}
        )

    def refusal_kind(self, status: int, error_code: str) -> type[ApiCallError]:
        """Return EnterpriseNotFound for an unknown code, BusinessRegistryBadResponse otherwise."""
        if status == 404 and error_code == "not_found":
            return EnterpriseNotFound
        return BusinessRegistryBadResponse

    def lookup(self, *, enterprise_code: str, purpose: str, requested_by: str) -> EnterpriseRecord:
        """Return the registry's record of an enterprise with its representatives."""
        payload = {
            "enterprise_code": enterprise_code,
            "purpose": purpose,
            "requested_by": requested_by,
        }
        body = self._post("enterprises/lookup", payload)
        try:
            return enterprise_record(body["enterprise"])
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BusinessRegistryBadResponse("lookup answer is off the contract") from error

    def _post(self, endpoint: str, payload: dict[str, str]) -> dict[str, Any]:
        def log(call: Call) -> None:
            # The registry logs the call too; this line is VNeID's side of the trail.
            logger.info(
                "business registry %s for %s (%s): code %s -> %s, status %s, %d ms",
                endpoint,
                payload.get("requested_by", ""),
                payload.get("purpose", ""),
                mask_tax_code(payload.get("enterprise_code", "")),
                call.outcome,
                call.status,
                call.elapsed_ms,
            )

        url = urljoin(self.base_url, endpoint)
        return self._call_json("POST", url, name=endpoint, json=payload, log=log)


def lookup_enterprise(*, enterprise_code: str, purpose: str, requested_by: str) -> EnterpriseRecord:
    """Return the registry's record of an enterprise; raise a BusinessRegistryError subclass.

    EnterpriseNotFound: no such enterprise; BusinessRegistryTimeout / BusinessRegistryUnavailable:
    a system fault (say so, never blame the person); BusinessRegistryBadResponse: refused or
    off the contract (a wrong key, an invalid code VNeID should have caught first).
    """
    with BusinessRegistryClient() as client:
        return client.lookup(
            enterprise_code=enterprise_code, purpose=purpose, requested_by=requested_by
        )
