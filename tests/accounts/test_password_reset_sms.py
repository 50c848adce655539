"""Forgot password by SMS: code to the registered phone, 5 minutes, 3 tries, single use."""

import json
import re
from datetime import timedelta

import pytest
import requests
import time_machine
from django.conf import settings
from django.utils import timezone

from accounts.models import AuditEntry, PasswordResetCode

from .conftest import NGA_CMND, SMS_URL
from .factories import UserFactory

START = "/quen-mat-khau/"
CODE = "/quen-mat-khau/nhap-ma/"
NEW = "/quen-mat-khau/mat-khau-moi/"
NEW_PASSWORD = "Moi-Mat-Khau-2026"


def _ask(client, username):
    return client.post(START, {"username": username, "captcha_0": "k", "captcha_1": "PASSED"})


def _sent_code(operator):
    text = json.loads(operator.calls[-1].request.body)["text"]
    return re.search(r"\b(\d{6})\b", text).group(1)


def _delivered(operator):
    operator.post(SMS_URL, json={"id": 1, "status": "delivered"}, status=202)


@pytest.fixture
def asked(client, nga, operator):
    """Nga asked for a code; return it as her phone received it."""
    _delivered(operator)
    response = _ask(client, NGA_CMND)
    assert response["Location"] == CODE
    return _sent_code(operator)


def test_code_goes_by_sms_to_the_registered_phone_and_sets_a_new_password(client, nga, asked):
    page = client.get(CODE).content.decode()
    assert "091*****78" in page
    assert "0912345678" not in page

    response = client.post(CODE, {"code": asked})
    assert response["Location"] == NEW
    done = client.post(NEW, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done["Location"] == "/quen-mat-khau/hoan-tat/"
    nga.refresh_from_db()
    assert nga.check_password(NEW_PASSWORD)
    entry = nga.audit_entries.get(action=AuditEntry.Action.PASSWORD_RESET)
    assert "SMS" in entry.reason


def test_sms_reaches_the_operator_at_the_national_number(nga, operator, client):
    _delivered(operator)

    _ask(client, NGA_CMND)

    body = json.loads(operator.calls[0].request.body)
    assert body["phone_number"] == "0912345678"
    assert "5 phút" in body["text"]


def test_only_a_hash_of_the_code_is_stored(client, asked):
    reset = PasswordResetCode.objects.get()

    assert asked not in reset.code_hash
    assert len(reset.code_hash) == 64


def test_wrong_code_says_how_many_tries_are_left(client, asked):
    wrong = "000000" if asked != "000000" else "111111"

    response = client.post(CODE, {"code": wrong})

    assert "Mã OTP không đúng. Bạn còn 2 lần thử." in response.content.decode()


def test_three_wrong_codes_cancel_the_code_even_for_the_right_one_after(client, nga, asked):
    wrong = "000000" if asked != "000000" else "111111"
    for _ in range(2):
        client.post(CODE, {"code": wrong})
    third = client.post(CODE, {"code": wrong}).content.decode()
    assert "Bạn đã nhập sai mã OTP 3 lần" in third

    response = client.post(CODE, {"code": asked})

    assert "Bạn đã nhập sai mã OTP 3 lần" in response.content.decode()
    assert client.get(NEW)["Location"] == START


def test_code_expires_after_five_minutes(client, asked):
    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=1)):
        response = client.post(CODE, {"code": asked})

    assert "Mã OTP đã hết hạn" in response.content.decode()
    assert client.get(NEW)["Location"] == START


def test_code_is_single_use(client, nga, asked):
    client.post(CODE, {"code": asked})
    client.post(NEW, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.post(CODE, {"code": asked})

    assert response.status_code == 302
    assert response["Location"] == START
    assert client.get(NEW)["Location"] == START


def test_new_password_follows_the_password_rules(client, nga, asked):
    client.post(CODE, {"code": asked})

    response = client.post(NEW, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    nga.refresh_from_db()
    assert not nga.check_password("12345678")


def test_malformed_code_is_refused_without_using_a_try(client, asked):
    response = client.post(CODE, {"code": "12ab"})

    assert "Mã OTP gồm đúng 6 chữ số." in response.content.decode()
    assert PasswordResetCode.objects.get().failed_attempts == 0


def test_a_new_request_replaces_the_previous_code(client, nga, operator):
    _delivered(operator)
    _delivered(operator)
    _ask(client, NGA_CMND)
    first = _sent_code(operator)
    _ask(client, NGA_CMND)
    second = _sent_code(operator)

    if first != second:
        assert "Mã OTP không đúng" in client.post(CODE, {"code": first}).content.decode()
    assert client.post(CODE, {"code": second})["Location"] == NEW


def test_unknown_login_name_gets_the_same_pages_and_no_sms(client, db, operator):
    response = _ask(client, "999999999")

    assert response["Location"] == CODE
    page = client.get(CODE).content.decode()
    assert re.search(r"<strong>0\d\d\*{5}\d\d</strong>", page)
    assert len(operator.calls) == 0
    wrong = client.post(CODE, {"code": "123456"}).content.decode()
    assert "Mã OTP không đúng. Bạn còn 2 lần thử." in wrong


def test_unknown_login_name_shows_the_same_masked_phone_each_time(client, db, operator):
    _ask(client, "999999999")
    first = client.get(CODE).content.decode()
    _ask(client, "999999999")
    second = client.get(CODE).content.decode()

    mask = re.compile(r"<strong>(0\d\d\*{5}\d\d)</strong>")
    assert mask.search(first).group(1) == mask.search(second).group(1)


def test_locked_account_gets_no_sms(client, db, operator):
    locked = UserFactory(locked=True, phone="0934555666")

    assert _ask(client, locked.username)["Location"] == CODE
    assert len(operator.calls) == 0


def test_operator_down_keeps_nothing_and_says_to_retry_or_use_email(client, nga, operator):
    operator.post(SMS_URL, json={"error": "unavailable", "message": "x"}, status=503)

    response = _ask(client, NGA_CMND)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Hiện chưa gửi được tin nhắn SMS" in page
    assert "/quen-mat-khau/email/" in page
    assert PasswordResetCode.objects.count() == 0


def test_operator_timeout_says_the_same(client, nga, operator):
    operator.post(SMS_URL, body=requests.Timeout())

    response = _ask(client, NGA_CMND)

    assert "Hiện chưa gửi được tin nhắn SMS" in response.content.decode()


def test_requests_are_throttled_per_login_name(client, nga, operator):
    for _ in range(3):
        _delivered(operator)
        _ask(client, NGA_CMND)

    response = _ask(client, NGA_CMND)

    assert "Bạn đã yêu cầu quá nhiều mã OTP" in response.content.decode()
    assert len(operator.calls) == 3


def test_code_page_without_a_request_goes_back_to_the_start(client, db):
    assert client.get(CODE)["Location"] == START


def test_sms_reset_lifts_the_login_lock(client, nga, asked):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/dang-nhap/",
            {"username": NGA_CMND, "password": "sai", "captcha_0": "k", "captcha_1": "PASSED"},
        )
    client.post(CODE, {"code": asked})
    client.post(NEW, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.post(
        "/dang-nhap/",
        {"username": NGA_CMND, "password": NEW_PASSWORD, "captcha_0": "k", "captcha_1": "PASSED"},
    )

    assert response.status_code == 302


def test_captcha_is_required(client, nga, operator):
    response = client.post(START, {"username": NGA_CMND, "captcha_0": "k", "captcha_1": "sai"})

    assert response.status_code == 200
    assert len(operator.calls) == 0


def test_password_reset_page_offers_the_email_way(client, db):
    page = client.get(START).content.decode()

    assert 'name="username"' in page
    assert ">Nhập mã xác thực</label>" in page
    assert 'href="/quen-mat-khau/email/"' in page
