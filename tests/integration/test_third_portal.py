"""A third portal, written with mozilla-django-oidc and configured only from
docs/national-login.md, logs citizens in through the national login service over real HTTP:
third portal → service (chooser) → VNeID → service → third portal."""

import re
from datetime import date
from pathlib import Path

import pytest
import requests

from tests.personas import AN_CCCD, KHOA_CCCD, VNEID_PASSWORD

from .conftest import register_third_portal
from .walk import (
    Browser,
    choose_account,
    choose_organisation,
    choose_vneid,
    is_chooser,
    link,
    vneid_login,
)

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "national-login.md"


@pytest.fixture
def browser(request):
    walker = Browser()
    # Closed at the end: a kept-alive connection would outlive the live server's thread.
    request.addfinalizer(walker.close)
    return walker


def log_in_at_third_portal(browser, portals, cccd, *, acr=""):
    """Press the third portal's login link and walk the chooser and VNeID's form."""
    query = f"?acr={acr}" if acr else ""
    page = browser.get(f"{portals.third.base_url}/oidc/authenticate/{query}")
    if is_chooser(page):
        page = choose_vneid(browser, page)
    if "/vneid/authorize" in page.url:
        page = vneid_login(browser, page, cccd, VNEID_PASSWORD)
    return page


def third_portal_me(browser, portals):
    return browser.request("GET", f"{portals.third.base_url}/me.json").json()


def test_documented_endpoints_are_the_ones_discovery_announces(portals):
    metadata = requests.get(f"{portals.issuer}/.well-known/openid-configuration", timeout=10).json()
    document = DOCUMENT.read_text()
    assert metadata["issuer"] == portals.issuer
    for key, path in (
        ("authorization_endpoint", "/oauth2/authorize"),
        ("token_endpoint", "/oauth2/token"),
        ("userinfo_endpoint", "/oauth2/userinfo"),
        ("jwks_uri", "/oauth2/jwks"),
        ("end_session_endpoint", "/oauth2/logout"),
    ):
        assert metadata[key] == portals.issuer + path
        assert f"`/xacthuc{path}`" in document
    assert metadata["backchannel_logout_supported"] is True


def test_third_portal_logs_an_in_through_vneid_and_reads_the_dvcqg_attributes(portals, browser):
    home = log_in_at_third_portal(browser, portals, AN_CCCD)

    assert home.url == f"{portals.third.base_url}/"
    assert "Xin chào Nguyễn Văn An" in home.text
    me = third_portal_me(browser, portals)
    userinfo = me["userinfo"]
    assert me["acr"] == "LoA2"
    assert me["sid"]
    assert userinfo["LoaiTaiKhoan"] == "1"
    assert userinfo["HoVaTen"] == "Nguyễn Văn An"
    assert userinfo["SoDinhDanh"] == AN_CCCD
    assert re.fullmatch(r"\d{8}", userinfo["NgayThangNamSinh"])
    assert userinfo["loginIdp"] == "BCA"
    assert userinfo["TechID"]
    assert userinfo["userProfileUri"].startswith(portals.base_url)
    assert userinfo["logoutUri"] == f"{portals.issuer}/oauth2/logout"
    # The walk crossed the three tiers: the third portal, the service and VNeID.
    paths = browser.paths_since(0)
    assert "/oidc/authenticate/" in paths
    assert "/xacthuc/oauth2/authorize" in paths
    assert "/vneid/authorize" in paths
    assert "/xacthuc/vneid/callback" in paths
    assert "/oidc/callback/" in paths


def test_third_portal_with_the_oidc_profile_reads_standard_claims(portals, browser):
    register_third_portal(portals.third, attribute_profile="oidc")

    log_in_at_third_portal(browser, portals, AN_CCCD)

    userinfo = third_portal_me(browser, portals)["userinfo"]
    assert userinfo["name"] == "Nguyễn Văn An"
    assert userinfo["personal_id_number"] == AN_CCCD
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", userinfo["birthdate"])
    assert userinfo["acr"] == "LoA2"
    assert "HoVaTen" not in userinfo


def test_third_portal_asking_loa2_for_a_level_1_citizen_gets_access_denied(portals, browser):
    refusal = log_in_at_third_portal(browser, portals, KHOA_CCCD, acr="LoA2")

    # The service explains the level at its own page, with a button back to the portal.
    assert refusal.url.startswith(f"{portals.issuer}/"), refusal.url
    assert "mức 2" in refusal.text
    failed = browser.get(link(refusal, "xacthuc-level-back"))
    assert failed.url.startswith(f"{portals.third.base_url}/dang-nhap-that-bai/")
    assert '<code id="error">access_denied</code>' in failed.text
    assert third_portal_me(browser, portals) == {"logged_in": False}


def test_a_second_login_at_the_third_portal_needs_no_typing(portals, browser):
    log_in_at_third_portal(browser, portals, AN_CCCD)
    # The third portal forgets the citizen (its cookie expires); the service does not.
    browser.forget_cookie("third_portal_session")
    start = len(browser.visited)

    home = browser.get(f"{portals.third.base_url}/oidc/authenticate/")

    # Single sign-on: the service's session answers at once, no chooser and no VNeID form.
    assert home.url == f"{portals.third.base_url}/"
    assert third_portal_me(browser, portals)["logged_in"] is True
    assert "/xacthuc/authenticationendpoint/login" not in browser.paths_since(start)


def test_third_portal_logs_a_representative_in_for_the_organisation(portals, browser):
    from vneid.models import VneidAccount
    from vneid.organisations import RepresentativeSeat, seed_organisation

    an = VneidAccount.objects.get(citizen__cccd_number=AN_CCCD)
    organisation = seed_organisation(
        enterprise_code="0401234566",
        kind="llc_single",
        name="Công ty TNHH Cổng Thứ Ba",
        established_on=date(2019, 9, 2),
        head_office_address="2 Hùng Vương, Tam Kỳ, Quảng Nam",
        registered_by=an,
        representatives=[RepresentativeSeat(cccd_number=AN_CCCD, full_name=an.citizen.full_name)],
    )
    page = browser.get(f"{portals.third.base_url}/oidc/authenticate/")
    page = vneid_login(browser, choose_organisation(browser, page), AN_CCCD, VNEID_PASSWORD)
    home = choose_account(browser, page, organisation.sub)

    # mozilla-django-oidc knows nothing of organisations: one more account, keyed by `sub`.
    assert home.url == f"{portals.third.base_url}/"
    assert "Xin chào Công ty TNHH Cổng Thứ Ba" in home.text
    userinfo = third_portal_me(browser, portals)["userinfo"]
    assert userinfo["LoaiTaiKhoan"] == "2"
    assert userinfo["act"] == {"sub": AN_CCCD}
    assert userinfo["MaSoThue"] == "0401234566"
    assert userinfo["VaiTro"] == "NguoiDaiDienTheoPhapLuat"
    assert "SoDinhDanh" not in userinfo
