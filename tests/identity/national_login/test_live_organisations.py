"""End to end over HTTP: a representative logs in for an organisation through the service.

A real server runs VNeID (with an organisation e-ID seeded) and the service; a `requests.Session`
is the representative's browser; two portals are stub clients that exchange their codes and
read userinfo over HTTP. The representative chooses "TỔ CHỨC" on the service's chooser, logs in
at VNeID, chooses the organisation on VNeID's "Chọn tài khoản đăng nhập", and both portals
receive the organisation as `sub`, the representative in `act`, `LoaiTaiKhoan` "2" and the tax
code.
"""

import base64
import json
import re
from datetime import date
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from identity.national_login import services
from identity.national_login.models import LoginSession as ServiceLogin
from identity.national_login.models import Subject
from sandbox.personas import VNEID_PASSWORD, ensure_personas, register_portal
from tests.personas import AN_CCCD

PORTAL_ID = "live-org-portal-test"
PORTAL_SECRET = "live-org-portal-test-secret"
PORTAL_CALLBACK = "https://portal.example/callback"
PORTAL_HOME = "https://portal.example/"
OTHER_ID = "live-org-ministry-test"
OTHER_SECRET = "live-org-ministry-test-secret"
OTHER_CALLBACK = "https://ministry.example/callback"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TAX_CODE = "0401234566"
ORG_NAME = "Công ty TNHH Thử Nghiệm Đầu Cuối"


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
    services.ensure_client(
        client_id=OTHER_ID,
        client_secret=OTHER_SECRET,
        name="Cổng Bộ thử nghiệm",
        redirect_uris=[OTHER_CALLBACK],
        attribute_profile="oidc",
    )
    return live_server.url


@pytest.fixture
def organisation(server):
    """An e-ID whose sole legal representative, confirmed, is An (level 2)."""
    from vneid.models import VneidAccount
    from vneid.organisations import RepresentativeSeat, seed_organisation

    an = VneidAccount.objects.get(citizen__cccd_number=AN_CCCD)
    return seed_organisation(
        enterprise_code=TAX_CODE,
        kind="llc_single",
        name=ORG_NAME,
        short_name="THU NGHIEM",
        established_on=date(2018, 6, 1),
        head_office_address="1 Lê Lợi, Tam Kỳ, Quảng Nam",
        registered_by=an,
        representatives=[RepresentativeSeat(cccd_number=AN_CCCD, full_name=an.citizen.full_name)],
    )


def _walk(browser, url, base):
    """Follow redirects inside the server; return the last response (a page or a way out)."""
    response = browser.get(url, allow_redirects=False)
    while response.status_code == 302:
        location = response.headers["Location"]
        if location.startswith("/"):
            location = base + location
        if not location.startswith(base):
            break
        response = browser.get(location, allow_redirects=False)
    return response


def _authorize_url(base, client_id, redirect_uri, nonce):
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "scope": "openid",
        "state": f"state-{nonce}",
        "nonce": nonce,
        "acr_values": "LoA2",
    }
    return f"{base}/xacthuc/oauth2/authorize?{urlencode(params)}"


def _post_form(browser, page, marker, data):
    """Submit the form after `marker` on page (with its CSRF token); return the response."""
    form = page.text.split(marker, 1)[1]
    return browser.post(
        page.url,
        {"csrfmiddlewaretoken": CSRF.search(form).group(1), **data},
        headers={"Referer": page.url},
        allow_redirects=False,
    )


def _tokens_and_info(base, response, *, client_id, secret, redirect_uri):
    location = response.headers["Location"]
    assert location.startswith(redirect_uri), location
    code = parse_qs(urlsplit(location).query)["code"][0]
    basic = base64.b64encode(f"{client_id}:{secret}".encode()).decode()
    tokens = requests.post(
        f"{base}/xacthuc/oauth2/token",
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri},
        headers={"Authorization": f"Basic {basic}"},
        timeout=10,
    ).json()
    info = requests.get(
        f"{base}/xacthuc/oauth2/userinfo",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
        timeout=10,
    ).json()
    return tokens, info


def _id_token_claims(id_token):
    # The signature is checked by the unit tests; here: what the portal reads from it.
    payload = id_token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_a_representative_logs_in_for_the_organisation_and_two_portals_receive_it(
    server, organisation
):
    base = server
    browser = requests.Session()
    chooser = _walk(browser, _authorize_url(base, PORTAL_ID, PORTAL_CALLBACK, "n-org-1"), base)
    assert chooser.status_code == 200
    assert "TỔ CHỨC – Tài khoản định danh điện tử tổ chức (VNeID)" in chooser.text
    form = chooser.text.split('data-testid="xacthuc-organisation-form"', 1)[1]
    key = re.search(r'name="sessionDataKey" value="([^"]+)"', form).group(1)
    chosen = _post_form(
        browser,
        chooser,
        'data-testid="xacthuc-organisation-form"',
        {"sessionDataKey": key, "method": "organisation"},
    )
    asked = parse_qs(urlsplit(chosen.headers["Location"]).query)
    assert "vneid_organisation" in asked["scope"][0].split()
    assert asked["prompt"] == ["select_account"]
    vneid_page = _walk(browser, chosen.headers["Location"], base)
    assert "/vneid/authorize" in vneid_page.url
    logged_in = _post_form(
        browser,
        vneid_page,
        'data-testid="vneid-login-form"',
        {"personal_id_number": AN_CCCD, "password": VNEID_PASSWORD},
    )
    # VNeID asks which account: the person's own, or the organisation An represents.
    choice_page = (
        _walk(browser, logged_in.headers["Location"], base)
        if logged_in.status_code == 302
        else logged_in
    )
    assert choice_page.status_code == 200, choice_page.text[:2000]
    assert "Chọn tài khoản đăng nhập" in choice_page.text
    assert organisation.sub in choice_page.text
    picked = _post_form(
        browser,
        choice_page,
        'data-testid="vneid-account-form"',
        {"account_choice": organisation.sub},
    )
    answer = _walk(browser, picked.headers["Location"], base)
    tokens, info = _tokens_and_info(
        base, answer, client_id=PORTAL_ID, secret=PORTAL_SECRET, redirect_uri=PORTAL_CALLBACK
    )
    subject = Subject.objects.get(kind="organisation")
    assert info["sub"] == subject.sub
    assert info["LoaiTaiKhoan"] == "2"
    assert info["act"] == {"sub": AN_CCCD}
    assert info["MaSoThue"] == TAX_CODE
    assert info["TenToChuc"] == ORG_NAME
    assert info["VaiTro"] == "NguoiDaiDienTheoPhapLuat"
    assert info["HoVaTenNguoiThucHien"]
    assert "SoDinhDanh" not in info
    assert _id_token_claims(tokens["id_token"])["act"] == {"sub": AN_CCCD}
    assert ServiceLogin.objects.get(ended_at__isnull=True).act_number == AN_CCCD
    # A second portal (oidc profile) is answered by the service's organisation login at once.
    again = browser.get(
        _authorize_url(base, OTHER_ID, OTHER_CALLBACK, "n-org-2"), allow_redirects=False
    )
    _, other = _tokens_and_info(
        base, again, client_id=OTHER_ID, secret=OTHER_SECRET, redirect_uri=OTHER_CALLBACK
    )
    assert other["sub"] == subject.sub
    assert other["account_type"] == "organisation"
    assert other["act"] == {"sub": AN_CCCD}
    assert other["tax_code"] == TAX_CODE


def test_ending_the_vneid_login_ends_the_services_organisation_login(server, organisation):
    """Single logout reaches organisation logins too: VNeID's logout token names its own login
    (`sid`) and may name the person (`sub`), not the organisation the service knows."""
    base = server
    browser = requests.Session()
    _log_in_for_the_organisation(base, browser, organisation, "n-org-3")
    service_login = ServiceLogin.objects.get(ended_at__isnull=True)
    assert service_login.act_number == AN_CCCD
    # An logs out at VNeID itself (no hint: VNeID asks to confirm).
    confirm = browser.get(f"{base}/vneid/logout")
    _post_form(browser, confirm, 'data-testid="vneid-logout-form"', {"confirm": "yes"})
    service_login.refresh_from_db()
    assert service_login.ended_at is not None, "VNeID's logout token reached the service"


def _log_in_for_the_organisation(base, browser, organisation, nonce):
    """The chooser's organisation option, VNeID's form and account chooser; return the
    portal's tokens and userinfo."""
    chooser = _walk(browser, _authorize_url(base, PORTAL_ID, PORTAL_CALLBACK, nonce), base)
    form = chooser.text.split('data-testid="xacthuc-organisation-form"', 1)[1]
    key = re.search(r'name="sessionDataKey" value="([^"]+)"', form).group(1)
    chosen = _post_form(
        browser,
        chooser,
        'data-testid="xacthuc-organisation-form"',
        {"sessionDataKey": key, "method": "organisation"},
    )
    vneid_page = _walk(browser, chosen.headers["Location"], base)
    logged_in = _post_form(
        browser,
        vneid_page,
        'data-testid="vneid-login-form"',
        {"personal_id_number": AN_CCCD, "password": VNEID_PASSWORD},
    )
    choice_page = (
        logged_in
        if logged_in.status_code == 200
        else _walk(browser, logged_in.headers["Location"], base)
    )
    picked = _post_form(
        browser,
        choice_page,
        'data-testid="vneid-account-form"',
        {"account_choice": organisation.sub},
    )
    return _tokens_and_info(
        base,
        _walk(browser, picked.headers["Location"], base),
        client_id=PORTAL_ID,
        secret=PORTAL_SECRET,
        redirect_uri=PORTAL_CALLBACK,
    )


def test_the_portals_logout_of_an_organisation_login_ends_it_at_the_service_and_vneid(
    server, organisation
):
    from vneid.models import LoginSession as VneidLogin

    base = server
    browser = requests.Session()
    tokens, _ = _log_in_for_the_organisation(base, browser, organisation, "n-org-4")
    service_login = ServiceLogin.objects.get(ended_at__isnull=True)
    vneid_login = VneidLogin.objects.get(ended_at__isnull=True)
    params = {"id_token_hint": tokens["id_token"], "post_logout_redirect_uri": PORTAL_HOME}
    out = _walk(browser, f"{base}/xacthuc/oauth2/logout?{urlencode(params)}", base)
    assert out.status_code == 302, out.text[:2000]
    assert out.headers["Location"] == PORTAL_HOME
    service_login.refresh_from_db()
    vneid_login.refresh_from_db()
    assert service_login.ended_at is not None
    assert vneid_login.ended_at is not None
