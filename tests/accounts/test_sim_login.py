"""The "Sim ký số" login: operator stubbed with responses, real certificates from a test CA."""

import base64
import json
from datetime import timedelta

import pytest
import requests
import responses
import time_machine
from django.utils import timezone

from accounts.models import AuditEntry
from accounts.signature_login import CHALLENGE_SESSION_KEY

from . import pki
from .conftest import NGA_CMND, SIGNING_URL
from .factories import UserFactory

START = "/dang-nhap/sim-ky-so/"
WAIT = "/dang-nhap/sim-ky-so/cho-xac-nhan/"
STATUS = "/dang-nhap/sim-ky-so/trang-thai/"
FINISH = "/dang-nhap/sim-ky-so/hoan-tat/"
REQUEST_URL = SIGNING_URL + "/req-1"
PHONE = "0912345678"


@pytest.fixture
def ca():
    return pki.OwnCa()


@pytest.fixture
def http(settings, ca):
    """Stub the operator and the CA over HTTP; the CA publishes its root and CRL."""
    settings.MOBILE_OPERATOR = {
        **settings.MOBILE_OPERATOR,
        "BASE_URL": SIGNING_URL.rsplit("signing-requests", 1)[0],
        "API_KEY": "dvcm_test_portal_key",
    }
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        pki.publish(mock, ca)
        yield mock


def _answer(status="pending", **extra):
    return {
        "id": "req-1",
        "status": status,
        "confirmation_code": "K7QM",
        "expires_at": (timezone.now() + timedelta(minutes=2)).isoformat(),
        "pin_tries_left": 3,
        **extra,
    }


def _start(client, http, phone=PHONE, next_url="/ho-so/"):
    http.post(SIGNING_URL, json=_answer(), status=201)
    response = client.post(START, {"phone_number": phone, "next": next_url})
    call = next(c for c in http.calls if c.request.url == SIGNING_URL)
    challenge = base64.b64decode(json.loads(call.request.body)["data_to_sign"])
    return response, challenge


def _phone_signs(http, holder, challenge):
    http.upsert(
        "GET",
        REQUEST_URL,
        json=_answer(
            "approved",
            signature=base64.b64encode(holder.sign(challenge)).decode(),
            certificate=holder.pem,
        ),
    )


def _phone_answers(http, status, **extra):
    http.upsert("GET", REQUEST_URL, json=_answer(status, **extra))


def test_sim_login_waits_for_the_phone_then_logs_in_and_lands_on_the_cccd_screen(
    client, nga, ca, http
):
    response, challenge = _start(client, http, phone="091 234 5678")
    assert response["Location"] == WAIT
    page = client.get(WAIT).content.decode()
    assert "K7QM" in page
    assert "091*****78" in page
    http.get(REQUEST_URL, json=_answer())
    assert client.get(STATUS).json() == {"status": "pending", "message": ""}

    _phone_signs(http, ca.issue(uid=f"CMND:{NGA_CMND}"), challenge)
    assert client.get(STATUS).json()["status"] == "approved"
    done = client.post(FINISH)

    assert done["Location"] == "/tai-khoan/cap-nhat-cccd/?next=%2Fho-so%2F"
    assert int(client.session["_auth_user_id"]) == nga.pk
    assert nga.audit_entries.filter(action=AuditEntry.Action.SIM_LOGIN).count() == 1


def test_operator_receives_the_phone_and_a_fresh_challenge_of_the_session(client, nga, http):
    _, challenge = _start(client, http)

    body = json.loads(http.calls[-1].request.body)
    assert body["phone_number"] == PHONE
    assert body["display_text"] == "Đăng nhập Cổng Dịch vụ công Quốc gia"
    assert challenge.decode() == client.session[CHALLENGE_SESSION_KEY]["sim"]["value"]


def test_a_linked_account_lands_on_the_requested_page(client, db, ca, http):
    account = UserFactory(username="012345678", cccd_number="001085004321")
    _, challenge = _start(client, http)

    _phone_signs(http, ca.issue(uid="CCCD:001085004321", name="Nguyễn Văn An"), challenge)

    assert client.post(FINISH)["Location"] == "/ho-so/"
    assert int(client.session["_auth_user_id"]) == account.pk


def test_refusal_on_the_phone_ends_the_login_with_its_message(client, nga, http):
    _start(client, http)
    _phone_answers(http, "refused")

    answer = client.get(STATUS).json()

    assert answer["status"] == "refused"
    assert "Bạn đã từ chối yêu cầu ký số" in answer["message"]
    assert "sim" not in client.session.get(CHALLENGE_SESSION_KEY, {})
    assert client.post(FINISH).status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_wrong_pin_keeps_waiting_and_says_how_many_tries_are_left(client, nga, http):
    _start(client, http)
    _phone_answers(http, "pending", pin_tries_left=2)

    answer = client.get(STATUS).json()

    assert answer == {
        "status": "pending",
        "message": "Mã PIN vừa nhập trên điện thoại không đúng. Còn 2 lần thử.",
    }


def test_three_wrong_pins_end_the_login_with_the_sim_locked_message(client, nga, http):
    _start(client, http)
    _phone_answers(http, "pin_locked", pin_tries_left=0)

    answer = client.get(STATUS).json()

    assert answer["status"] == "pin_locked"
    assert "nhập sai 3 lần" in answer["message"]


def test_no_answer_within_two_minutes_is_a_timeout(client, nga, http):
    _start(client, http)
    http.get(REQUEST_URL, json=_answer())

    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        answer = client.get(STATUS).json()

    assert answer["status"] == "timeout"
    assert "Đã quá 2 phút" in answer["message"]
    assert client.post(FINISH).status_code == 400


def test_operator_saying_expired_is_a_timeout_too(client, nga, http):
    _start(client, http)
    _phone_answers(http, "expired")

    assert client.get(STATUS).json()["status"] == "timeout"


def test_an_approval_after_the_two_minutes_does_not_log_in(client, nga, ca, http):
    _, challenge = _start(client, http)
    _phone_signs(http, ca.issue(), challenge)

    with time_machine.travel(timezone.now() + timedelta(seconds=121)):
        response = client.post(FINISH)

    assert response.status_code == 400
    assert "hết hạn" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_challenge_is_used_once(client, nga, ca, http):
    _, challenge = _start(client, http)
    _phone_signs(http, ca.issue(), challenge)
    client.post(FINISH)
    client.post("/dang-xuat/")

    again = client.post(FINISH)

    assert again.status_code == 400
    assert "_auth_user_id" not in client.session


def test_a_signature_over_another_challenge_is_refused(client, nga, ca, http):
    _start(client, http)
    _phone_signs(http, ca.issue(), b"DVCQG-DANG-NHAP|sim|other|1")

    response = client.post(FINISH)

    assert response.status_code == 400
    assert "Chữ ký số không hợp lệ" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_revoked_sim_certificate_is_refused(client, nga, ca, http):
    holder = ca.issue()
    ca.revoke(holder)
    http.upsert("GET", pki.CRL_URL, body=ca.crl_der())
    _, challenge = _start(client, http)
    _phone_signs(http, holder, challenge)

    response = client.post(FINISH)

    assert response.status_code == 403
    assert "thu hồi" in response.content.decode()


def test_a_certificate_of_no_account_is_refused(client, db, ca, http):
    _, challenge = _start(client, http)
    _phone_signs(http, ca.issue(uid="CMND:999999999"), challenge)

    response = client.post(FINISH)

    assert response.status_code == 403
    assert "chưa gắn với tài khoản nào" in response.content.decode()


def test_unknown_number_gets_its_own_message_and_keeps_no_challenge(client, db, http):
    http.post(SIGNING_URL, json={"error": "unknown_subscriber", "message": "x"}, status=404)

    response = client.post(START, {"phone_number": "0999000111"})

    assert response.status_code == 400
    assert "Số điện thoại 099*****11 chưa đăng ký dịch vụ Sim ký số" in response.content.decode()
    assert "sim" not in client.session.get(CHALLENGE_SESSION_KEY, {})


def test_a_locked_sim_gets_its_own_message(client, db, http):
    http.post(SIGNING_URL, json={"error": "sim_locked", "message": "x"}, status=423)

    response = client.post(START, {"phone_number": PHONE})

    assert "Chức năng ký số của Sim đã bị khoá" in response.content.decode()


def test_operator_down_gets_its_own_message(client, db, http):
    http.post(SIGNING_URL, json={"error": "unavailable", "message": "x"}, status=503)

    response = client.post(START, {"phone_number": PHONE})

    assert response.status_code == 503
    assert "đang gián đoạn" in response.content.decode()
    assert "sim" not in client.session.get(CHALLENGE_SESSION_KEY, {})


def test_operator_too_slow_gets_its_own_message(client, db, http):
    http.post(SIGNING_URL, body=requests.Timeout())

    response = client.post(START, {"phone_number": PHONE})

    assert response.status_code == 503
    assert "phản hồi quá chậm" in response.content.decode()


def test_operator_unreachable_while_waiting_keeps_waiting(client, nga, http):
    _start(client, http)
    http.get(REQUEST_URL, body=requests.ConnectionError())

    answer = client.get(STATUS).json()

    assert answer["status"] == "pending"
    assert "chưa liên lạc được với nhà mạng" in answer["message"]


def test_malformed_phone_number_is_refused_before_calling_the_operator(client, db, http):
    response = client.post(START, {"phone_number": "12ab"})

    assert response.status_code == 400
    assert "Số điện thoại gồm 10 hoặc 11 chữ số" in response.content.decode()
    assert not [c for c in http.calls if c.request.url == SIGNING_URL]


def test_waiting_page_without_a_request_offers_to_start(client, db):
    page = client.get(WAIT).content.decode()

    assert "Không có yêu cầu đăng nhập bằng Sim ký số nào đang chờ" in page
    assert client.get(STATUS).json()["status"] == "no_request"


def test_login_page_sim_tab_holds_the_phone_form(client, db):
    page = client.get("/dang-nhap/?next=/ho-so/").content.decode()

    assert 'data-testid="sim-login-form"' in page
    assert 'action="/dang-nhap/sim-ky-so/"' in page
    assert "Sim ký số chưa được mô phỏng" not in page


def test_extended_page_explains_the_sim_login_with_the_registered_phone(client, nga):
    client.force_login(nga)
    session = client.session
    session["accounts.cccd_prompt_skipped"] = True
    session.save()

    page = client.get("/tai-khoan/thong-tin-mo-rong/").content.decode()

    assert 'data-testid="login-method-sim"' in page
    assert "(số đã đăng ký: 0912345678)" in page
    assert "chưa được mô phỏng" not in page


def test_too_many_requests_to_one_number_get_their_own_message(client, db, http):
    http.post(SIGNING_URL, json={"error": "too_many_requests", "message": "x"}, status=429)

    response = client.post(START, {"phone_number": PHONE})

    assert response.status_code == 400
    assert "Đã có nhiều yêu cầu ký số gửi tới số điện thoại này" in response.content.decode()
