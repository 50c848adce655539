"""The portal's one way to reach the mobile operator: its signing and SMS API over HTTP."""

import base64
import binascii
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote, urljoin

from api_kit.client import ApiCallError, BearerApiClient, Call
from idnumbers.phones import mask_phone

from .conf import operator_settings

logger = logging.getLogger(__name__)


class OperatorError(ApiCallError):
    """The mobile operator did not give a usable answer."""


class OperatorTimeout(OperatorError):
    """The operator did not answer within the timeout (slow)."""


class OperatorUnavailable(OperatorError):
    """The operator could not be reached or answered with a server error (down)."""


class OperatorBadResponse(OperatorError):
    """The operator refused the request or answered something off its contract."""


class UnknownSubscriber(OperatorError):
    """The number has no signing SIM at the operator."""


class SimLocked(OperatorError):
    """The SIM's signing is locked after too many wrong PINs."""


class TooManyRequests(OperatorError):
    """The number already has as many signing requests as the operator allows for now."""


# The operator's error codes that stand for a refusal of their own.
OPERATOR_REFUSALS: dict[str, type[OperatorError]] = {
    "unknown_subscriber": UnknownSubscriber,
    "sim_locked": SimLocked,
    "too_many_requests": TooManyRequests,
}


@dataclass(frozen=True)
class SigningStatus:
    """A signing request as the operator reports it; signature and certificate once approved."""

    request_id: str
    status: str
    confirmation_code: str
    expires_at: datetime
    pin_tries_left: int
    signature: bytes = b""
    certificate_pem: str = ""


class OperatorClient(BearerApiClient):
    """Call the operator's v1 API with the portal's key, a timeout and typed errors."""

    settings = operator_settings
    timeout_error = OperatorTimeout
    unavailable_error = OperatorUnavailable
    bad_response_error = OperatorBadResponse

    def request_signature(
        self, *, phone_number: str, data: bytes, display_text: str
    ) -> SigningStatus:
        """Ask the subscriber of phone_number to sign data on their phone; return its status."""
        payload = {
            "phone_number": phone_number,
            "data_to_sign": base64.b64encode(data).decode(),
            "display_text": display_text,
        }
        body = self._call("POST", "signing-requests", phone_number, json=payload, expect=201)
        return self._signing_status(body)

    def signing_status(self, request_id: str) -> SigningStatus:
        """Return where a signing request stands."""
        body = self._call("GET", f"signing-requests/{quote(request_id, safe='')}", "")
        return self._signing_status(body)

    def send_sms(self, *, phone_number: str, text: str) -> None:
        """Have the operator deliver a text message to phone_number."""
        self._call(
            "POST",
            "sms",
            phone_number,
            json={"phone_number": phone_number, "text": text},
            expect=202,
        )

    @staticmethod
    def _signing_status(body: dict[str, Any]) -> SigningStatus:
        try:
            return SigningStatus(
                request_id=str(body["id"]),
                status=str(body["status"]),
                confirmation_code=str(body["confirmation_code"]),
                expires_at=datetime.fromisoformat(body["expires_at"]),
                pin_tries_left=int(body.get("pin_tries_left", 0)),
                signature=base64.b64decode(body.get("signature", ""), validate=True),
                certificate_pem=str(body.get("certificate", "")),
            )
        except (KeyError, TypeError, ValueError, binascii.Error) as error:
            raise OperatorBadResponse("signing answer is off the contract") from error

    def refusal_kind(self, status: int, error_code: str) -> type[ApiCallError]:
        """Return the error type the operator's error code names, OperatorBadResponse if none."""
        return OPERATOR_REFUSALS.get(error_code, OperatorBadResponse)

    def _call(
        self,
        method: str,
        endpoint: str,
        phone_number: str,
        *,
        json: dict[str, Any] | None = None,
        expect: int = 200,
    ) -> dict[str, Any]:
        def log(call: Call) -> None:
            logger.info(
                "operator %s %s for %s -> %s, status %s, %d ms",
                method,
                endpoint.split("/")[0],
                mask_phone(phone_number),
                call.outcome,
                call.status,
                call.elapsed_ms,
            )

        url = urljoin(self.base_url, endpoint)
        return self._call_json(method, url, name=endpoint, expect=expect, json=json, log=log)
