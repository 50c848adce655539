"""OperatorClient: the exact HTTP calls to the mobile operator and its typed errors."""

import base64
import json
import logging

import pytest
import requests

from accounts.operator_client import (
    OperatorBadResponse,
    OperatorClient,
    OperatorTimeout,
    OperatorUnavailable,
    SimLocked,
    TooManyRequests,
    UnknownSubscriber,
)

from .conftest import SIGNING_URL, SMS_URL


def _signing_answer(**overrides):
    return {
        "id": "req-1",
        "status": "pending",
        "confirmation_code": "K7QM",
        "expires_at": "2026-11-30T10:02:00+00:00",
        "pin_tries_left": 3,
        **overrides,
    }


def test_send_sms_posts_number_and_text_with_key_and_timeout(operator):
    operator.post(SMS_URL, json={"id": 1, "status": "delivered"}, status=202)

    OperatorClient().send_sms(phone_number="0912345678", text="Mã OTP: 123456")

    (call,) = operator.calls
    assert json.loads(call.request.body) == {"phone_number": "0912345678", "text": "Mã OTP: 123456"}
    assert call.request.headers["Authorization"] == "Bearer dvcm_test_portal_key"
    assert call.request.req_kwargs["timeout"] == 2


def test_request_signature_sends_the_data_in_base64_and_reads_the_code(operator):
    operator.post(SIGNING_URL, json=_signing_answer(), status=201)

    status = OperatorClient().request_signature(
        phone_number="0912345678", data=b"\x00challenge", display_text="Đăng nhập"
    )

    body = json.loads(operator.calls[0].request.body)
    assert base64.b64decode(body["data_to_sign"]) == b"\x00challenge"
    assert body["phone_number"] == "0912345678"
    assert (status.request_id, status.status, status.confirmation_code) == (
        "req-1",
        "pending",
        "K7QM",
    )


def test_signing_status_returns_signature_and_certificate_once_approved(operator):
    operator.get(
        SIGNING_URL + "/req-1",
        json=_signing_answer(
            status="approved",
            signature=base64.b64encode(b"sig").decode(),
            certificate="-----BEGIN CERTIFICATE-----\n",
        ),
    )

    status = OperatorClient().signing_status("req-1")

    assert status.signature == b"sig"
    assert status.certificate_pem.startswith("-----BEGIN CERTIFICATE-----")


def test_signing_status_quotes_the_request_id_into_the_path(operator):
    operator.get(SIGNING_URL + "/a%2Fb", json=_signing_answer(id="a/b"))

    assert OperatorClient().signing_status("a/b").request_id == "a/b"


@pytest.mark.parametrize(
    ("status", "error", "kind"),
    [
        (404, "unknown_subscriber", UnknownSubscriber),
        (423, "sim_locked", SimLocked),
        (429, "too_many_requests", TooManyRequests),
        (400, "invalid_request", OperatorBadResponse),
        (503, "unavailable", OperatorUnavailable),
        (500, "internal_error", OperatorUnavailable),
    ],
)
def test_refusals_become_typed_errors(operator, status, error, kind):
    operator.post(SIGNING_URL, json={"error": error, "message": "x"}, status=status)

    with pytest.raises(kind) as raised:
        OperatorClient().request_signature(phone_number="0912345678", data=b"x", display_text="d")

    assert raised.value.status == status


def test_timeout_is_its_own_error(operator):
    operator.post(SMS_URL, body=requests.Timeout())

    with pytest.raises(OperatorTimeout):
        OperatorClient().send_sms(phone_number="0912345678", text="x")


def test_unreachable_operator_is_unavailable(operator):
    operator.post(SMS_URL, body=requests.ConnectionError())

    with pytest.raises(OperatorUnavailable):
        OperatorClient().send_sms(phone_number="0912345678", text="x")


def test_answer_off_the_contract_is_a_bad_response(operator):
    operator.get(SIGNING_URL + "/req-1", json={"id": "req-1"})

    with pytest.raises(OperatorBadResponse):
        OperatorClient().signing_status("req-1")


def test_log_masks_the_phone_number(operator, caplog):
    operator.post(SMS_URL, json={"id": 1, "status": "delivered"}, status=202)

    with caplog.at_level(logging.INFO, logger="accounts.operator_client"):
        OperatorClient().send_sms(phone_number="0912345678", text="x")

    assert "0912345678" not in caplog.text
    assert "091*****78" in caplog.text
