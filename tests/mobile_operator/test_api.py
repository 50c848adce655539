import base64
from datetime import timedelta

import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.utils import timezone

from mobile_operator import faults, services
from mobile_operator.conf import network_settings
from mobile_operator.models import SigningRequest, SmsMessage

from .conftest import PHONE, PIN

CHALLENGE = b"dvcqg-login:0123456789abcdef"


def _request_signature(api, phone=PHONE, data=CHALLENGE):
    return api.post(
        "signing-requests",
        {
            "phone_number": phone,
            "data_to_sign": base64.b64encode(data).decode(),
            "display_text": "Đăng nhập Cổng Dịch vụ công Quốc gia",
        },
    )


def test_signing_request_answers_a_confirmation_code_and_waits(api, sim):
    response = _request_signature(api)

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "pending"
    assert len(body["confirmation_code"]) == services.CONFIRMATION_LENGTH
    assert "signature" not in body
    assert api.get(f"signing-requests/{body['id']}").json()["status"] == "pending"


def test_approved_request_returns_a_signature_that_the_certificate_verifies(api, sim):
    public_id = _request_signature(api).json()["id"]

    decision = services.approve(phone_number=PHONE, public_id=public_id, pin=PIN)

    assert decision.outcome == "approved"
    body = api.get(f"signing-requests/{public_id}").json()
    assert body["status"] == "approved"
    certificate = x509.load_pem_x509_certificate(body["certificate"].encode())
    certificate.public_key().verify(
        base64.b64decode(body["signature"]), CHALLENGE, ec.ECDSA(hashes.SHA256())
    )


def test_refused_request_says_so_and_carries_no_signature(api, sim):
    public_id = _request_signature(api).json()["id"]

    services.refuse(phone_number=PHONE, public_id=public_id)

    body = api.get(f"signing-requests/{public_id}").json()
    assert body["status"] == "refused"
    assert "signature" not in body


def test_request_expires_after_its_lifetime(api, sim, settings):
    public_id = _request_signature(api).json()["id"]

    with time_machine.travel(
        timezone.now() + timedelta(seconds=network_settings.SIGNING_SECONDS + 1)
    ):
        body = api.get(f"signing-requests/{public_id}").json()

    assert body["status"] == "expired"


def test_three_wrong_pins_lock_the_sim_and_end_its_pending_requests(api, sim):
    public_id = _request_signature(api).json()["id"]

    first = services.approve(phone_number=PHONE, public_id=public_id, pin="000000")
    second = services.approve(phone_number=PHONE, public_id=public_id, pin="111111")
    assert (first.outcome, first.tries_left) == ("wrong_pin", 2)
    assert (second.outcome, second.tries_left) == ("wrong_pin", 1)
    assert api.get(f"signing-requests/{public_id}").json()["pin_tries_left"] == 1
    third = services.approve(phone_number=PHONE, public_id=public_id, pin="222222")

    assert third.outcome == "pin_locked"
    assert api.get(f"signing-requests/{public_id}").json()["status"] == "pin_locked"
    sim.refresh_from_db()
    assert sim.is_locked
    again = _request_signature(api)
    assert again.status_code == 423
    assert again.json()["error"] == "sim_locked"


def test_right_pin_after_a_wrong_one_signs_and_restores_the_tries(api, sim):
    public_id = _request_signature(api).json()["id"]
    services.approve(phone_number=PHONE, public_id=public_id, pin="000000")

    decision = services.approve(phone_number=PHONE, public_id=public_id, pin=PIN)

    assert decision.outcome == "approved"
    sim.refresh_from_db()
    assert sim.pin_failures == 0


def test_unknown_number_is_refused_with_its_own_error(api, sim):
    response = _request_signature(api, phone="0999000111")

    assert response.status_code == 404
    assert response.json()["error"] == "unknown_subscriber"
    assert SigningRequest.objects.count() == 0


def test_malformed_request_lists_each_bad_field(api, sim):
    response = api.post(
        "signing-requests", {"phone_number": "12", "data_to_sign": "%%%", "display_text": ""}
    )

    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"phone_number", "data_to_sign", "display_text"}


def test_non_json_body_is_a_json_400(api, sim):
    response = api.post("sms", "not json")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


def test_api_refuses_a_missing_or_wrong_key(api, sim):
    assert _request_signature(api).status_code == 201
    response = api.post("sms", {"phone_number": PHONE, "text": "x"}, key="dvcm_wrong")

    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


def test_another_client_cannot_read_the_portal_request(api, sim):
    public_id = _request_signature(api).json()["id"]
    services.ensure_api_client(name="Ngân hàng", raw_key="dvcm_other_bank_key")

    response = api.get(f"signing-requests/{public_id}", key="dvcm_other_bank_key")

    assert response.status_code == 404


def test_wrong_method_is_a_json_405(api, sim):
    response = api.get("sms")

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_sms_is_filed_for_the_phone_number(api, sim):
    response = api.post("sms", {"phone_number": "+84 912 345 678", "text": "Mã OTP: 123456"})

    assert response.status_code == 202
    message = SmsMessage.objects.get()
    assert message.phone_number == PHONE
    assert message.sender == "Cổng Dịch vụ công Quốc gia"


def test_fault_switch_takes_the_api_down(api, sim):
    faults.set_fault(faults.Mode.OUTAGE)

    response = _request_signature(api)

    assert response.status_code == 503
    assert response.json()["error"] == "unavailable"
    assert SigningRequest.objects.count() == 0


def test_fault_switch_can_make_the_api_fail(api, sim):
    faults.set_fault(faults.Mode.ERROR)

    assert api.post("sms", {"phone_number": PHONE, "text": "x"}).status_code == 500


def test_a_fourth_request_within_the_lifetime_is_refused_as_too_many(api, sim, settings):
    for _ in range(services.MAX_REQUESTS_PER_LIFETIME):
        assert _request_signature(api).status_code == 201

    refused = _request_signature(api)

    assert refused.status_code == 429
    assert refused.json()["error"] == "too_many_requests"
    later = timezone.now() + timedelta(seconds=network_settings.SIGNING_SECONDS + 1)
    with time_machine.travel(later):
        assert _request_signature(api).status_code == 201
