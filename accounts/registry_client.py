"""The portal's one way to reach the population database: its HTTP API (docs/registry-api.md)."""

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urljoin

from api_kit.client import ApiCallError, BearerApiClient, Call
from idnumbers.numbers import mask_number

from .conf import registry_settings

logger = logging.getLogger(__name__)


class RegistryError(ApiCallError):
    """The population database did not give a usable answer."""


class RegistryTimeout(RegistryError):
    """The population database did not answer within the timeout."""


class RegistryUnavailable(RegistryError):
    """The population database could not be reached or answered with a server error."""


class RegistryBadResponse(RegistryError):
    """The population database refused the request or answered something off the contract."""


class RegistryNotFound(RegistryError):
    """The population database has no citizen with the requested number."""


@dataclass(frozen=True)
class Verification:
    """The answer of the verify endpoint: overall match and a verdict per compared field."""

    # Per-field verdicts come only to a key that may read records; a verify-only key is told
    # just the document number the registry does not know, if any.

    match: bool
    citizen_status: str | None
    fields: dict[str, str]
    unknown_number: str | None = None

    def reason(self) -> str:
        """Return the precise refusal reason: the fields that did not match, no values."""
        parts = [
            f"{name}: {verdict}" for name, verdict in self.fields.items() if verdict != "match"
        ]
        if self.unknown_number:
            parts.append(f"{self.unknown_number}: not_found")
        if self.citizen_status not in (None, "alive"):
            parts.append(f"citizen_status: {self.citizen_status}")
        return ", ".join(parts) or "match: false"


@dataclass(frozen=True)
class CitizenRecord:
    """A citizen's record as the lookup endpoint returns it."""

    cccd_number: str
    cmnd_number: str
    full_name: str
    birth_date: date
    gender: str
    place_of_birth: str
    place_of_origin: str
    permanent_address: str
    ethnicity: str
    nationality: str
    card_issue_date: date | None
    status: str


class RegistryClient(BearerApiClient):
    """Call the population database's v1 API with the portal's key, a timeout and typed errors.

    Every call carries the purpose and the account it is made for (`requested_by`), which the
    registry logs; numbers travel only in request bodies.
    """

    settings = registry_settings
    timeout_error = RegistryTimeout
    unavailable_error = RegistryUnavailable
    bad_response_error = RegistryBadResponse

    def verify(
        self,
        *,
        cccd_number: str,
        purpose: str,
        requested_by: str,
        cmnd_number: str | None = None,
        full_name: str | None = None,
        birth_date: date | None = None,
    ) -> Verification:
        """Compare an account's attributes with the registry record of a CCCD."""
        payload: dict[str, str] = {
            "cccd_number": cccd_number,
            "purpose": purpose,
            "requested_by": requested_by,
        }
        if cmnd_number:
            payload["cmnd_number"] = cmnd_number
        if full_name:
            payload["full_name"] = full_name
        if birth_date:
            payload["birth_date"] = birth_date.isoformat()
        body = self._post("citizens/verify", payload)
        try:
            # "fields" comes only to a key that may read records, like the portal's; any
            # other key gets "unknown_number" instead. An answer with neither is off contract.
            overall = "fields" not in body
            return Verification(
                match=body["match"] is True,
                citizen_status=body.get("citizen_status"),
                fields={} if overall else dict(body["fields"]),
                unknown_number=body["unknown_number"] if overall else None,
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RegistryBadResponse("verify answer is off the contract") from error

    def lookup(self, *, cccd_number: str, purpose: str, requested_by: str) -> CitizenRecord:
        """Return the registry record of a CCCD."""
        payload = {"cccd_number": cccd_number, "purpose": purpose, "requested_by": requested_by}
        body = self._post("citizens/lookup", payload)
        try:
            citizen = body["citizen"]
            issued = citizen.get("card_issue_date")
            return CitizenRecord(
                cccd_number=citizen["cccd_number"],
                cmnd_number=citizen.get("cmnd_number") or "",
                full_name=citizen["full_name"],
                birth_date=date.fromisoformat(citizen["birth_date"]),
                gender=citizen.get("gender") or "",
                place_of_birth=citizen.get("place_of_birth") or "",
                place_of_origin=citizen.get("place_of_origin") or "",
                permanent_address=citizen.get("permanent_address") or "",
                ethnicity=citizen.get("ethnicity") or "",
                nationality=citizen.get("nationality") or "",
                card_issue_date=date.fromisoformat(issued) if issued else None,
                status=citizen.get("status") or "",
            )
        except (KeyError, TypeError, ValueError) as error:
            raise RegistryBadResponse("lookup answer is off the contract") from error

    def refusal_kind(self, status: int, error_code: str) -> type[ApiCallError]:
        """Return RegistryNotFound for an unknown citizen, RegistryBadResponse otherwise."""
        if status == 404 and error_code == "not_found":
            return RegistryNotFound
        return RegistryBadResponse

    def _post(self, endpoint: str, payload: dict[str, str]) -> dict[str, Any]:
        def log(call: Call) -> None:
            # The registry logs the call too; this line is the portal's side of the trail.
            logger.info(
                "registry %s for %s (%s): cccd %s -> %s, status %s, %d ms",
                endpoint,
                payload.get("requested_by", ""),
                payload.get("purpose", ""),
                mask_number(payload.get("cccd_number", "")),
                call.outcome,
                call.status,
                call.elapsed_ms,
            )

        url = urljoin(self.base_url, endpoint)
        return self._call_json("POST", url, name=endpoint, json=payload, log=log)
