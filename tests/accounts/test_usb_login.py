"""The "USB ký số" login end to end through the test client: portal, plugin, CA over HTTP."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses
import time_machine
from cryptography.hazmat.primitives import serialization
from django.contrib.auth import SESSION_KEY
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts import login_policy
from accounts.models import AuditEntry
from certificate_authority import services as ca
from tests.personas import AN_CCCD, AN_USERNAME, NGA_CMND

from .factories import UserFactory
from .pki import CRL_URL, ROOT_URL

pytestmark = pytest.mark.django_db

PIN = "123456"
START = reverse("accounts:usb_login_start")
VERIFY = reverse("accounts:usb_login_verify")
PLUGIN = reverse("sandbox:signing_plugin")


@pytest.fixture
def ca_http():
    """Answer the portal's CA requests with the sandbox CA's own root and CRL."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback("GET", ROOT_URL, callback=lambda request: (200, {}, ca.root_pem()))
        mock.add_callback(
            "GET",
            CRL_URL,
            callback=lambda request: (
                200,
                {},
                ca.current_crl().public_bytes(serialization.Encoding.DER),
            ),
        )
        yield mock


@pytest.fixture
def nga():
    return UserFactory(username=NGA_CMND, full_name="Tô Thị Nga")


def _token(holder_name="Tô Thị Nga", id_kind="CMND", id_number=NGA_CMND, **kwargs):
    certificate = ca.issue_certificate(
        holder_name=holder_name, id_kind=id_kind, id_number=id_number, kind="usb_token", **kwargs
    )
    return ca.create_usb_token(certificate=certificate, pin=PIN)


def _start(client, next_url=""):
    response = client.post(START, {"next": next_url} if next_url else {})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response["Location"]).query)
    assert response["Location"].startswith(PLUGIN)
    return query["challenge"][0], query["return_url"][0]


def _fields(page):
    """Return the hidden fields the plugin's auto-posting form carries back to the portal."""
    html = page.content.decode()
    return {
        name: unescape(value)
        for name, value in re.findall(r'name="(\w+)" value="([^"]*)"', html)
        if name in ("challenge", "certificate", "signature", "error")
    }


def _sign(client, token, pin=PIN, next_url=""):
    challenge, return_url = _start(client, next_url)
    page = client.post(
        PLUGIN,
        {
            "challenge": challenge,
            "return_url": return_url,
            "token": token.pk,
            "pin": pin,
            "action": "sign",
        },
    )
    return page, return_url


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _logged_in(client):
    return SESSION_KEY in client.session


def test_the_usb_tab_offers_the_login(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'action="{START}"' in page
    assert "chưa được mô phỏng" not in page.split('id="pane-usb"')[1].split('id="pane-sim"')[0]


def test_start_issues_a_challenge_and_sends_the_citizen_to_the_plugin(client):
    challenge, return_url = _start(client)
    assert challenge.startswith("DVCQG-DANG-NHAP|usb|")
    assert return_url == "http://testserver" + VERIFY
    assert client.session["signature_login.challenges"]["usb"]["value"] == challenge


def test_the_right_pin_logs_nga_in_and_sends_her_to_the_cccd_screen(client, ca_http, nga):
    token = _token()
    page, _ = _sign(client, token, next_url="/ho-so/")
    assert page.status_code == 200
    key_before = client.session.session_key
    response = client.post(VERIFY, _fields(page))
    assert response.status_code == 302
    assert response["Location"] == "/tai-khoan/cap-nhat-cccd/?next=%2Fho-so%2F"
    assert client.session[SESSION_KEY] == str(nga.pk)
    assert client.session.session_key != key_before
    entry = nga.audit_entries.get(action=AuditEntry.Action.USB_LOGIN)
    assert token.certificate.serial_number in entry.reason


def test_an_account_with_a_cccd_lands_on_the_requested_page(client, ca_http):
    an = UserFactory(username=AN_USERNAME, cccd_number=AN_CCCD)
    token = _token(holder_name="Nguyễn Văn An", id_kind="CCCD", id_number=AN_CCCD)
    page, _ = _sign(client, token, next_url="/ho-so/")
    response = client.post(VERIFY, _fields(page))
    assert response["Location"] == "/ho-so/"
    assert client.session[SESSION_KEY] == str(an.pk)


def test_a_replayed_signature_logs_no_one_in(client, ca_http, nga):
    page, _ = _sign(client, _token())
    fields = _fields(page)
    client.post(VERIFY, fields)
    client.post(reverse("portal:logout"))
    response = client.post(VERIFY, fields)
    assert response["Location"].endswith("#usb-ky-so")
    assert any("đã được sử dụng" in message for message in _messages(response))
    assert not _logged_in(client)


def test_an_expired_challenge_logs_no_one_in(client, ca_http, nga):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        page, _ = _sign(client, _token())
        clock.shift(timedelta(seconds=121))
        response = client.post(VERIFY, _fields(page))
    assert any("đã hết hạn" in message for message in _messages(response))
    assert not _logged_in(client)


def test_a_revoked_certificate_logs_no_one_in(client, ca_http, nga):
    token = _token()
    ca.revoke_certificate(certificate=token.certificate, revocation_reason="key_compromise")
    page, _ = _sign(client, token)
    response = client.post(VERIFY, _fields(page))
    assert any("đã bị thu hồi" in message for message in _messages(response))
    assert not _logged_in(client)
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.USB_LOGIN).exists()


def test_an_expired_certificate_logs_no_one_in(client, ca_http, nga):
    with time_machine.travel(timezone.now() - timedelta(days=40), tick=False):
        token = _token(valid_days=30)
    page, _ = _sign(client, token)
    response = client.post(VERIFY, _fields(page))
    assert any("đã hết hạn" in message for message in _messages(response))
    assert not _logged_in(client)


def test_a_tampered_signature_logs_no_one_in(client, ca_http, nga):
    page, _ = _sign(client, _token())
    fields = _fields(page)
    fields["signature"] = fields["signature"][:-8] + "AAAAAAA="
    response = client.post(VERIFY, fields)
    assert any("Chữ ký số không hợp lệ" in message for message in _messages(response))
    assert not _logged_in(client)


def test_a_certificate_of_no_account_logs_no_one_in(client, ca_http):
    token = _token(holder_name="Lê Thị Hoa", id_kind="CCCD", id_number="048195020233")
    page, _ = _sign(client, token)
    response = client.post(VERIFY, _fields(page))
    assert any("chưa gắn với tài khoản nào" in message for message in _messages(response))
    assert not _logged_in(client)


def test_a_locked_account_is_not_logged_in(client, ca_http):
    UserFactory(username="031234567", is_active=False)
    token = _token(holder_name="Hoàng Văn Dũng", id_number="031234567")
    page, _ = _sign(client, token)
    response = client.post(VERIFY, _fields(page))
    assert any("đã bị khoá" in message for message in _messages(response))
    assert not _logged_in(client)


def test_an_unreachable_ca_logs_no_one_in(client, nga):
    token = _token()
    with responses.RequestsMock() as mock:
        mock.get(ROOT_URL, body=requests.ConnectionError("down"))
        page, _ = _sign(client, token)
        response = client.post(VERIFY, _fields(page))
    assert any("Chưa kết nối được tới tổ chức" in message for message in _messages(response))
    assert not _logged_in(client)


def test_a_wrong_pin_asks_again_and_three_lock_the_token(client, nga):
    token = _token()
    challenge, return_url = _start(client)
    data = {"challenge": challenge, "return_url": return_url, "token": token.pk, "pin": "000000"}
    first = client.post(PLUGIN, data).content.decode()
    assert "Bạn còn 2 lần thử" in first
    assert "Bạn còn 1 lần thử" in client.post(PLUGIN, data).content.decode()
    locked = client.post(PLUGIN, data)
    assert locked.status_code == 403
    assert "đã bị khoá do nhập sai mã PIN quá 3 lần" in locked.content.decode()
    right = client.post(PLUGIN, {**data, "pin": PIN})
    assert right.status_code == 403
    response = client.post(VERIFY, {"challenge": challenge, "error": "token_locked"})
    assert any("nhập sai mã PIN quá 3 lần" in message for message in _messages(response))
    assert not _logged_in(client)


def test_cancelling_in_the_plugin_returns_to_the_login_page(client, nga):
    challenge, return_url = _start(client, "/ho-so/")
    page = client.post(
        PLUGIN, {"challenge": challenge, "return_url": return_url, "action": "cancel"}
    )
    response = client.post(VERIFY, _fields(page))
    assert response["Location"] == "/dang-nhap/?next=%2Fho-so%2F#usb-ky-so"
    assert any("Bạn đã huỷ ký số" in message for message in _messages(response))
    assert not _logged_in(client)


def test_the_plugin_answers_only_the_site_that_asked(client):
    response = client.get(PLUGIN, {"challenge": "x", "return_url": "https://evil.example/steal"})
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()


def test_the_plugin_lists_the_plugged_in_tokens_with_masked_numbers(client):
    _token()
    page = client.get(PLUGIN).content.decode()
    assert "Tô Thị Nga" in page
    assert "CMND:1644***56" in page
    assert NGA_CMND not in page


def test_a_verify_post_without_a_challenge_logs_no_one_in(client, nga):
    response = client.post(VERIFY, {"certificate": "x", "signature": "eA=="})
    assert any("đã được sử dụng" in message for message in _messages(response))
    assert not _logged_in(client)


def test_vneid_only_refuses_a_signed_challenge_posted_after_the_switch(client, ca_http, nga):
    token = _token()
    page, _ = _sign(client, token)
    login_policy.set_policy(policy="vneid_only", changed_by="test")
    response = client.post(VERIFY, _fields(page))
    assert response["Location"] == reverse("accounts:login")
    assert not _logged_in(client)
    assert "USB ký số hoặc Sim ký số" in _messages(response)[0]
    assert not nga.audit_entries.filter(action=AuditEntry.Action.USB_LOGIN).exists()


def test_vneid_only_issues_no_usb_challenge(client, db):
    login_policy.set_policy(policy="vneid_only", changed_by="test")
    response = client.post(START)
    assert response["Location"] == reverse("accounts:login")
    assert "signature_login.challenges" not in client.session
