"""End to end over HTTP: a real server runs VNeID and the service; VNeID is reached over HTTP.

A `requests.Session` is the citizen's browser. A citizen logged in at VNeID through the
national portal gets a code for another portal from the service without typing or choosing;
a citizen without a VNeID login chooses VNeID on the chooser and types the password at VNeID;
the service's logout ends its login and VNeID's, and comes back to the portal.
"""

import base64
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from identity.national_login import services
from identity.national_login.models import LoginSession as ServiceLogin
from sandbox.personas import VNEID_PASSWORD, ensure_personas, register_portal
from tests.personas import AN_CCCD
from vneid.models import LoginSession as VneidLogin

PORTAL_ID = "live-portal-test"
PORTAL_SECRET = "live-portal-test-secret"
PORTAL_CALLBACK = "https://portal.example/callback"
PORTAL_HOME = "https://portal.example/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def server(live_server, transactional_db, settings):
    settings.VNEID = {**settings.VNEID, "ISSUER": f"{live_server.url}/vneid"}
    settings.NATIONAL_LOGIN = {
        **settings.NATIONAL_LOGIN,
        "VNEID_ISSUER": f"{live_server.url}/vneid",
    }
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": f"{live_server.url}/registry/api/v1/"}
    register_portal(base_urls=[live_server.url])
    ensure_personas()
    services.ensure_client(
        client_id=PORTAL_ID,
        client_secret=PORTAL_SECRET,
        name="Cổng thử nghiệm",
        redirect_uris=[PORTAL_CALLBACK],
        post_logout_redirect_uris=[PORTAL_HOME],
    )
    return live_server.url


def _walk(browser, url, base):
    """Follow redirects inside the server; return the last response (a page or a way out)."""
    response = browser.get(url, allow_redirects=False)
    hops = 1
    while response.status_code == 302:
        location = response.headers["Location"]
        if location.startswith("/"):
            location = base + location
        if not location.startswith(base):
            break
        response = browser.get(location, allow_redirects=False)
        hops += 1
    response.hops = hops
    return response


def _authorize_url(base, nonce):
    params = {
        "response_type": "code",
        "client_id": PORTAL_ID,
        "redirect_uri": PORTAL_CALLBACK,
        "scope": "openid",
        "state": "s-1",
        "nonce": nonce,
        "acr_values": "LoA2",
    }
    return f"{base}/xacthuc/oauth2/authorize?{urlencode(params)}"


def _type_vneid_password(browser, page):
    form = page.text.split('data-testid="vneid-login-form"', 1)[1]
    return browser.post(
        page.url,
        {
            "csrfmiddlewaretoken": CSRF.search(form).group(1),
            "personal_id_number": AN_CCCD,
            "password": VNEID_PASSWORD,
        },
        headers={"Referer": page.url},
        allow_redirects=False,
    )


def _code_and_tokens(base, response):
    location = response.headers["Location"]
    assert location.startswith(PORTAL_CALLBACK), location
    code = parse_qs(urlsplit(location).query)["code"][0]
    basic = base64.b64encode(f"{PORTAL_ID}:{PORTAL_SECRET}".encode()).decode()
    tokens = requests.post(
        f"{base}/xacthuc/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": PORTAL_CALLBACK},
        headers={"Authorization": f"Basic {basic}"},
        timeout=10,
    ).json()
    info = requests.get(
        f"{base}/xacthuc/oauth2/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).json()
    return tokens, info


def test_a_citizen_logged_in_at_vneid_is_in_without_typing_then_logs_out_everywhere(server):
    base = server
    browser = requests.Session()
    # An logs in on the national portal with VNeID: VNeID now has his login.
    page = browser.get(f"{base}/dang-nhap/vneid/?next=/ho-so/")
    landed = _type_vneid_password(browser, page)
    assert landed.status_code == 302
    # Another portal sends him to the service: no page, straight back with a code.
    answer = _walk(browser, _authorize_url(base, "n-1"), base)
    assert answer.status_code == 302
    # The service, VNeID (already logged in), the service's callback: then out to the portal.
    assert answer.hops == 3
    tokens, info = _code_and_tokens(base, answer)
    assert info["SoDinhDanh"] == AN_CCCD
    assert info["loginIdp"] == "BCA"
    service_login = ServiceLogin.objects.get()
    vneid_login = VneidLogin.objects.get(ended_at__isnull=True)
    assert service_login.vneid_sid == vneid_login.sid, "VNeID's sid, for its back-channel logout"
    # The portal's logout: the service, then VNeID for real, then back to the portal.
    params = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": PORTAL_HOME}
    out = _walk(browser, f"{base}/xacthuc/oauth2/logout?{urlencode(params)}", base)
    assert out.status_code == 302
    assert out.headers["Location"] == PORTAL_HOME
    service_login.refresh_from_db()
    vneid_login.refresh_from_db()
    assert service_login.ended_at is not None
    assert vneid_login.ended_at is not None


def test_a_citizen_without_a_vneid_login_chooses_vneid_and_types_the_password(server):
    base = server
    browser = requests.Session()
    chooser = _walk(browser, _authorize_url(base, "n-2"), base)
    assert chooser.status_code == 200
    assert "TÀI KHOẢN ĐƯỢC CẤP" in chooser.text
    form = chooser.text.split('data-testid="xacthuc-vneid-form"', 1)[1]
    key = re.search(r'name="sessionDataKey" value="([^"]+)"', form).group(1)
    chosen = browser.post(
        chooser.url,
        {
            "csrfmiddlewaretoken": CSRF.search(form).group(1),
            "sessionDataKey": key,
            "method": "vneid",
        },
        headers={"Referer": chooser.url},
        allow_redirects=False,
    )
    vneid_page = _walk(browser, chosen.headers["Location"], base)
    assert "/vneid/authorize" in vneid_page.url
    back = _type_vneid_password(browser, vneid_page)
    answer = _walk(browser, back.headers["Location"], base)
    _, info = _code_and_tokens(base, answer)
    assert info["HoVaTen"]
    # The next portal request is answered by the service's own login.
    again = browser.get(_authorize_url(base, "n-3"), allow_redirects=False)
    assert again.headers["Location"].startswith(PORTAL_CALLBACK)


def test_ending_the_vneid_login_ends_the_services_login_by_back_channel(server):
    base = server
    browser = requests.Session()
    page = browser.get(f"{base}/dang-nhap/vneid/?next=/ho-so/")
    _type_vneid_password(browser, page)
    answer = _walk(browser, _authorize_url(base, "n-4"), base)
    _code_and_tokens(base, answer)
    service_login = ServiceLogin.objects.get()
    # The citizen logs out at VNeID itself (no hint: VNeID asks to confirm).
    confirm = browser.get(f"{base}/vneid/logout")
    form = confirm.text.split('data-testid="vneid-logout-form"', 1)[1]
    browser.post(
        confirm.url,
        {"csrfmiddlewaretoken": CSRF.search(form).group(1), "confirm": "yes"},
        headers={"Referer": confirm.url},
        allow_redirects=False,
    )
    service_login.refresh_from_db()
    assert service_login.ended_at is not None, "VNeID's logout token reached the service"
    # The next portal request finds no login at the service, nor at VNeID: the chooser.
    again = _walk(browser, _authorize_url(base, "n-5"), base)
    assert again.status_code == 200
    assert "TÀI KHOẢN ĐƯỢC CẤP" in again.text
