"""Guided mode "Đăng nhập Cổng DVC tỉnh bằng VNeID" on the provincial portal's, the national
login service's and VNeID's screens, drawn by the portal's context processor and included by
each organisation's base template (none of them imports the sandbox or the portal)."""

import base64
import hashlib
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from identity.national_login.services import ensure_client as ensure_national_client
from identity.relying_party.conf import vneid_settings
from portal.guide import GUIDE_COOKIE, PROVINCIAL_GUIDE
from vneid.services import ensure_client as ensure_vneid_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def loopback():
    """A browser on the loopback host: Authlib refuses plain http anywhere else."""
    return Client(HTTP_HOST="localhost")


# Registered addresses must be HTTPS (the providers refuse others outside localhost).
PROVINCE_CALLBACK = "https://dichvucong.quangnam.example/quang-nam/dang-nhap/callback/"
SERVICE_CALLBACK = "https://xacthuc.example/xacthuc/vneid/callback"
PORTAL_CALLBACK = "https://dichvucong.example/dang-nhap/vneid/callback/"


def _guided(client):
    client.cookies[GUIDE_COOKIE] = "1"
    return client


def _panel(response):
    """Return (guide name shown, step number) of the page's panel, or None."""
    html = response.content.decode()
    if 'data-testid="guide-panel"' not in html:
        return None
    step = int(html.split('data-guide-step="', 1)[1][0])
    return (PROVINCIAL_GUIDE if f"“{PROVINCIAL_GUIDE}”" in html else "national", step)


def test_the_provincial_home_offers_the_toggle_and_shows_no_panel_until_it_is_on(client):
    response = client.get(reverse("provincial_portal:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="guide-toggle"' in html and "Hướng dẫn: tắt" in html
    assert _panel(response) is None


def test_the_toggle_on_the_province_comes_back_to_the_provincial_page(client):
    home = reverse("provincial_portal:home")
    response = client.post(reverse("portal:toggle_guide"), {"on": "1", "next": home})
    assert response["Location"] == home
    page = client.get(home)
    assert _panel(page) == (PROVINCIAL_GUIDE, 1)
    assert "Bước 1: Mở Cổng DVC tỉnh và chọn Đăng nhập" in page.content.decode()
    assert "bước 1/4" in page.content.decode()
    assert '/static/css/guide.css"' in page.content.decode()


def test_the_province_after_a_login_and_its_link_offer_are_step_four(client):
    _guided(client)
    client.cookies["qnam_session"] = "any"
    assert _panel(client.get(reverse("provincial_portal:home"))) == (PROVINCIAL_GUIDE, 4)
    # The offer without a login under way is a page of its own (it says the login expired).
    offer = client.get(reverse("provincial_portal:inherit"))
    assert _panel(offer) == (PROVINCIAL_GUIDE, 4)
    assert "Nhập mật khẩu tài khoản tỉnh cũ" in offer.content.decode()


def _national_login_chooser(client):
    ensure_national_client(
        client_id="qnam-portal-test",
        client_secret="qnam-portal-test-secret",
        name="Cổng DVC tỉnh Quảng Nam",
        redirect_uris=[PROVINCE_CALLBACK],
    )
    query = {
        "response_type": "code",
        "client_id": "qnam-portal-test",
        "redirect_uri": PROVINCE_CALLBACK,
        "scope": "openid",
        "state": "state-guide",
        "nonce": "nonce-guide",
        # Straight to the chooser: no silent attempt at VNeID first.
        "prompt": "login",
    }
    response = client.get(f"{reverse('national_login:authorize')}?{urlencode(query)}")
    assert response.status_code == 302, response.content
    return client.get(response["Location"])


def test_the_national_login_services_chooser_is_step_two(loopback):
    chooser = _national_login_chooser(_guided(loopback))
    assert chooser.status_code == 200
    assert _panel(chooser) == (PROVINCIAL_GUIDE, 2)
    html = chooser.content.decode()
    assert "Bước 2: Chọn VNeID tại Hệ thống xác thực" in html
    assert '/static/css/guide.css"' in html


def test_the_national_login_service_shows_no_panel_when_guided_mode_is_off(loopback):
    assert _panel(_national_login_chooser(loopback)) is None


def _vneid_login_page(client, client_id, redirect_uri):
    verifier = "v" * 50
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid",
        "state": "s",
        "nonce": "n",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    return client.get(f"{reverse('vneid:authorize')}?{urlencode(query)}")


def test_vneids_login_screen_is_step_three_when_the_national_login_service_asks(loopback):
    ensure_vneid_client(
        client_id="xacthuc-test",
        client_secret="xacthuc-test-secret",
        name="Hệ thống xác thực",
        redirect_uris=[SERVICE_CALLBACK],
    )
    page = _vneid_login_page(_guided(loopback), "xacthuc-test", SERVICE_CALLBACK)
    assert page.status_code == 200
    assert _panel(page) == (PROVINCIAL_GUIDE, 3)


def test_vneids_login_screen_stays_step_four_of_the_national_guide_for_the_portal(loopback):
    ensure_vneid_client(
        client_id=vneid_settings.CLIENT_ID,
        client_secret=vneid_settings.CLIENT_SECRET,
        name="Cổng Dịch vụ công Quốc gia",
        redirect_uris=[PORTAL_CALLBACK],
    )
    page = _vneid_login_page(_guided(loopback), vneid_settings.CLIENT_ID, PORTAL_CALLBACK)
    assert page.status_code == 200
    assert _panel(page) == ("national", 4)
