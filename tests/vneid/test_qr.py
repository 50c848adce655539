"""QR login: the browser's QR approved in the simulated app; expired, refused and used QRs."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from joserfc import jwt

from vneid.keys import published_key_set
from vneid.login_state import APP_COOKIE_NAME, COOKIE_NAME
from vneid.qr import MESSAGES

from .flows import (
    NGA_CCCD,
    PASSWORD,
    authorize_params,
    authorize_url,
    exchange,
    redirect_query,
)


@pytest.fixture
def phone(db):
    """The citizen's phone running the simulated VNeID app: a device of its own."""
    return Client(HTTP_HOST="localhost", REMOTE_ADDR="10.0.0.2")


def _shown_qr(browser, params):
    page = browser.get(authorize_url(params)).content.decode()
    link = re.search(r'value="([^"]+)"[^>]*data-testid="vneid-qr-link"', page).group(1)
    ticket = re.search(r'data-ticket="([^"]+)"', page).group(1)
    return page, link, ticket


def _phone_logs_in(phone, link):
    response = phone.post(link, {"personal_id_number": NGA_CCCD, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _status(browser, ticket):
    return browser.post(reverse("vneid:qr_status"), {"ticket": ticket}).json()


def _collect(browser, params, ticket):
    return browser.post(authorize_url(params), {"qr_ticket": ticket})


def test_login_page_shows_an_svg_qr_linking_to_the_app(client, nga, rp, pkce):
    page, link, ticket = _shown_qr(client, authorize_params(rp, pkce))

    assert "<svg" in page
    assert link.startswith("http://localhost/vneid/app/scan/")
    assert ticket not in link


def test_qr_approved_in_the_app_logs_the_browser_in(client, phone, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    _, link, ticket = _shown_qr(client, params)
    assert _status(client, ticket)["status"] == "pending"

    _phone_logs_in(phone, link)
    confirm = phone.get(link).content.decode()
    assert "Cổng Dịch vụ công Quốc gia" in confirm
    assert "Xác nhận" in confirm and "Từ chối" in confirm
    assert "Đã xác nhận đăng nhập" in phone.post(link, {"decision": "approve"}).content.decode()
    assert _status(client, ticket)["status"] == "approved"

    response = _collect(client, params, ticket)

    code = redirect_query(response)["code"]
    assert response.cookies[COOKIE_NAME].value
    id_token = exchange(client, rp, code, pkce.verifier).json()["id_token"]
    claims = jwt.decode(id_token, published_key_set(), algorithms=["RS256"]).claims
    assert claims["sub"] == nga.sub
    assert claims["amr"] == ["qr"]


def test_app_login_does_not_log_the_browser_in(client, phone, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    _, link, _ = _shown_qr(client, params)

    response = _phone_logs_in(phone, link)

    assert response.cookies[APP_COOKIE_NAME]["path"] == "/vneid/app/"
    assert COOKIE_NAME not in response.cookies


def test_pasted_link_opens_the_confirmation(client, phone, nga, rp, pkce):
    _, link, _ = _shown_qr(client, authorize_params(rp, pkce))
    _phone_logs_in(phone, reverse("vneid:app_home"))

    response = phone.post(reverse("vneid:app_home"), {"qr_link": link})

    assert response.status_code == 302
    assert response["Location"] == link.removeprefix("http://localhost")


def test_pasted_foreign_link_is_explained(phone, nga):
    _phone_logs_in(phone, reverse("vneid:app_home"))

    response = phone.post(reverse("vneid:app_home"), {"qr_link": "https://evil.example/x"})

    assert MESSAGES["invalid"] in response.content.decode()


def test_refused_qr_tells_the_browser_and_cannot_be_collected(client, phone, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    _, link, ticket = _shown_qr(client, params)
    _phone_logs_in(phone, link)
    phone.post(link, {"decision": "refuse"})

    assert _status(client, ticket) == {"status": "refused", "message": MESSAGES["refused"]}
    response = _collect(client, params, ticket)
    assert response.status_code == 200
    assert MESSAGES["refused"] in response.content.decode()


def test_expired_qr_is_refused_on_both_sides(client, phone, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    _, link, ticket = _shown_qr(client, params)
    _phone_logs_in(phone, reverse("vneid:app_home"))

    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=1)):
        scanned = phone.get(link).content.decode()
        status = _status(client, ticket)

    assert MESSAGES["expired"] in scanned
    assert status["status"] == "expired"


def test_approved_but_uncollected_qr_expires(client, phone, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    _, link, ticket = _shown_qr(client, params)
    _phone_logs_in(phone, link)
    phone.post(link, {"decision": "approve"})

    with time_machine.travel(timezone.now() + timedelta(minutes=3)):
        response = _collect(client, params, ticket)

    assert MESSAGES["expired"] in response.content.decode()


def test_used_qr_cannot_be_scanned_or_collected_again(client, phone, nga, rp, pkce):
    params = authorize_params(rp, pkce)
    _, link, ticket = _shown_qr(client, params)
    _phone_logs_in(phone, link)
    phone.post(link, {"decision": "approve"})
    redirect_query(_collect(client, params, ticket))

    again = _collect(Client(HTTP_HOST="localhost"), authorize_params(rp, pkce, nonce="n2"), ticket)

    assert MESSAGES["used"] in again.content.decode()
    assert MESSAGES["used"] in phone.get(link).content.decode()


def test_qr_cannot_be_collected_for_another_service(client, phone, nga, rp, other_rp, pkce):
    _, link, ticket = _shown_qr(client, authorize_params(rp, pkce))
    _phone_logs_in(phone, link)
    phone.post(link, {"decision": "approve"})

    response = _collect(client, authorize_params(other_rp, pkce), ticket)

    assert MESSAGES["other_service"] in response.content.decode()


def test_unknown_qr_link_is_explained_in_the_app(phone, nga):
    _phone_logs_in(phone, reverse("vneid:app_home"))

    response = phone.get(reverse("vneid:app_scan", args=["no-such-token"]))

    assert MESSAGES["invalid"] in response.content.decode()


def test_app_logout_ends_the_app_login(phone, nga):
    _phone_logs_in(phone, reverse("vneid:app_home"))

    response = phone.post(reverse("vneid:app_logout"))

    assert response.cookies[APP_COOKIE_NAME].value == ""
    assert "Đăng nhập ứng dụng VNeID" in phone.get(reverse("vneid:app_home")).content.decode()
