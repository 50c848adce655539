"""The admin login: password and a TOTP code, both required, throttled like the portal's."""

import time

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from sandbox.personas import PASSWORD, PERSONAS_BY_KEY, ensure_personas, totp_key_hex

pytestmark = pytest.mark.django_db

LOGIN_URL = reverse("admin:login")
LAN = PERSONAS_BY_KEY["lan"]


@pytest.fixture
def lan(db):
    ensure_personas()
    return LAN


def code_now(offset_steps=0):
    key = bytes.fromhex(totp_key_hex(LAN.totp_secret))
    return f"{totp(key, t0=0, step=30, drift=offset_steps):06d}"


def log_in(client, *, password=PASSWORD, token=None, username=None):
    data = {
        "username": username or LAN.account["username"],
        "password": password,
        "otp_token": token if token is not None else code_now(),
        "next": "/admin/",
    }
    return client.post(f"{LOGIN_URL}?next=/admin/", data)


def test_the_admin_asks_anonymous_visitors_to_log_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


def test_the_login_page_is_vietnamese_and_marked_as_a_sandbox(client):
    page = client.get(LOGIN_URL).content.decode()
    assert "Cổng Dịch vụ công Quốc gia" in page
    assert "MÔI TRƯỜNG THỬ NGHIỆM" in page
    assert "Mã xác thực" in page


def test_password_and_the_current_code_open_the_admin(client, lan):
    response = log_in(client)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    index = client.get("/admin/").content.decode()
    assert "Đỗ Thị Lan" in index or "Quản trị định danh" in index


def test_a_password_without_a_code_is_refused(client, lan):
    response = log_in(client, token="")
    assert response.status_code == 200
    assert "Vui lòng nhập mã xác thực" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_wrong_code_is_refused(client, lan):
    wrong = f"{(int(code_now()) + 1) % 1_000_000:06d}"
    response = log_in(client, token=wrong)
    assert response.status_code == 200
    assert "Mã xác thực không đúng" in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_a_used_code_cannot_be_replayed(lan):
    first, second = Client(), Client()
    token = code_now()
    assert log_in(first, token=token).status_code == 302
    assert log_in(second, token=token).status_code == 200


def test_a_wrong_password_with_the_right_code_is_refused(client, lan):
    response = log_in(client, password="sai-mat-khau")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_a_password_session_without_the_second_factor_is_not_an_admin_session(client, lan):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username=LAN.account["username"]))
    assert client.get("/admin/").status_code == 302


def test_a_citizen_cannot_log_in_to_the_admin(client, lan):
    nga = PERSONAS_BY_KEY["nga"]
    response = log_in(client, username=nga.account["username"], token="123456")
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


def test_five_wrong_codes_lock_the_admin_login_even_with_the_right_code(client, lan):
    wrong = f"{(int(code_now()) + 1) % 1_000_000:06d}"
    for _ in range(5):
        log_in(client, token=wrong)
    response = log_in(client)
    assert response.status_code == 429
    page = response.content.decode()
    assert "tạm thời bị khoá" in page
    assert "MÔI TRƯỜNG THỬ NGHIỆM" in page
    assert 'name="otp_token"' in page
    assert client.get("/admin/").status_code == 302


def test_five_wrong_passwords_lock_the_admin_login(client, lan):
    for _ in range(5):
        log_in(client, password="sai-mat-khau")
    assert log_in(client).status_code == 429


def test_the_lock_lifts_after_the_cooloff(client, lan):
    for _ in range(5):
        log_in(client, password="sai-mat-khau")
    with time_machine.travel(time.time() + 16 * 60, tick=False):
        assert log_in(client, token=code_now()).status_code == 302


def test_personas_json_gives_the_official_her_totp_secret_and_role(lan, capsys):
    import json

    from django.core.management import call_command

    call_command("personas", "--json")
    states = {state["key"]: state for state in json.loads(capsys.readouterr().out)}
    assert states["lan"]["totp_secret"] == LAN.totp_secret
    assert states["lan"]["official_roles"] == ["Cán bộ quản lý tài khoản"]
    assert states["nga"]["totp_secret"] is None
