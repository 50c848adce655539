"""A logout on one portal ends the others: the national portal (a client of VNeID), the
provincial portal and the third portal (clients of the national login service), over real HTTP.

Each test logs An in on all three (VNeID's password typed once, then single sign-on), logs out
on one of them, and checks that the two others no longer know him and that a new login at the
service asks again (its session and VNeID's ended too).
"""

import pytest

from tests.personas import AN_CCCD, VNEID_PASSWORD

from .walk import Browser, choose_vneid, forms, is_chooser, vneid_login

NATIONAL_ACCOUNT_PAGE = "/tai-khoan/"
PROVINCIAL_ACCOUNT_PAGE = "/quang-nam/tai-khoan/"


@pytest.fixture
def browser(request):
    walker = Browser()
    request.addfinalizer(walker.close)
    return walker


def through_the_chooser(browser, page):
    """Pass the service's chooser (the VNeID button) when it shows; a session skips it."""
    return choose_vneid(browser, page) if is_chooser(page) else page


def logged_in_at_national_portal(browser, portals):
    response = browser.request("GET", portals.base_url + NATIONAL_ACCOUNT_PAGE)
    return response.status_code == 200


def logged_in_at_provincial_portal(browser, portals):
    response = browser.request("GET", portals.base_url + PROVINCIAL_ACCOUNT_PAGE)
    return response.status_code == 200


def logged_in_at_third_portal(browser, portals):
    return browser.request("GET", f"{portals.third.base_url}/me.json").json()["logged_in"]


def logged_in_everywhere(browser, portals):
    return (
        logged_in_at_national_portal(browser, portals),
        logged_in_at_provincial_portal(browser, portals),
        logged_in_at_third_portal(browser, portals),
    )


def log_in_on_three_portals(browser, portals):
    """An types his VNeID password once, on the national portal; the two others need nothing."""
    page = browser.get(portals.base_url + "/dang-nhap/vneid/")
    vneid_login(browser, page, AN_CCCD, VNEID_PASSWORD)
    typed_once = len(browser.visited)

    page = through_the_chooser(browser, browser.get(portals.base_url + "/quang-nam/dang-nhap/"))
    page = through_the_chooser(browser, browser.get(f"{portals.third.base_url}/oidc/authenticate/"))

    assert not any(f for f in forms(page) if "personal_id_number" in f.fields)
    assert all(
        "/vneid/authorize" not in url or status == 302
        for _, url, status in browser.visited[typed_once:]
    )
    assert logged_in_everywhere(browser, portals) == (True, True, True)


def press_logout(browser, page):
    """Press the page's logout button (a form whose action says đăng xuất / logout).

    The header's menu and the page may both hold one; they post to the same place.
    """
    form = next(f for f in forms(page) if "dang-xuat" in f.action or "logout" in f.action)
    return browser.submit(form)


def service_asks_again(browser, portals):
    """A new login at the third portal shows the chooser, and VNeID's form after it."""
    page = browser.get(f"{portals.third.base_url}/oidc/authenticate/")
    if not is_chooser(page):
        return False
    page = choose_vneid(browser, page)
    return any("personal_id_number" in f.fields for f in forms(page))


def test_logout_at_the_provincial_portal_ends_the_national_and_the_third_portal(portals, browser):
    log_in_on_three_portals(browser, portals)

    page = browser.get(portals.base_url + "/quang-nam/")
    end = press_logout(browser, page)

    assert end.url.startswith(portals.base_url + "/quang-nam/")
    assert logged_in_everywhere(browser, portals) == (False, False, False)
    assert service_asks_again(browser, portals)


def test_logout_at_the_national_portal_ends_the_provincial_and_the_third_portal(portals, browser):
    log_in_on_three_portals(browser, portals)

    page = browser.get(portals.base_url + "/dang-xuat/")
    end = press_logout(browser, page)

    assert end.url.startswith(portals.base_url + "/")
    assert "/xacthuc/" not in end.url
    assert logged_in_everywhere(browser, portals) == (False, False, False)
    assert service_asks_again(browser, portals)


def test_logout_at_the_third_portal_ends_the_national_and_the_provincial_portal(portals, browser):
    log_in_on_three_portals(browser, portals)

    page = browser.get(f"{portals.third.base_url}/")
    end = press_logout(browser, page)

    # The third portal sent the browser to the `logoutUri` attribute, and got it back.
    assert f"{portals.issuer}/oauth2/logout" in [url.split("?")[0] for _, url, _ in browser.visited]
    assert end.url == f"{portals.third.base_url}/?state=third-portal-logout"
    assert logged_in_everywhere(browser, portals) == (False, False, False)
    assert service_asks_again(browser, portals)


def test_a_portal_that_is_down_does_not_keep_the_others_logged_in(portals, browser):
    from identity.national_login.models import LogoutDeliveryRecord
    from identity.national_login.services import ensure_client

    from .conftest import _free_port

    # A fourth portal whose server is down: it got a code in An's login, so it is told too.
    down = f"http://127.0.0.1:{_free_port()}"
    ensure_client(
        client_id="cong-dang-bao-tri-test",
        client_secret="cong-dang-bao-tri-test-secret",
        name="Cổng đang bảo trì",
        redirect_uris=[f"{down}/callback"],
        backchannel_logout_uri=f"{down}/backchannel-logout",
    )
    log_in_on_three_portals(browser, portals)
    code = browser.request(
        "GET",
        f"{portals.issuer}/oauth2/authorize",
        params={
            "response_type": "code",
            "client_id": "cong-dang-bao-tri-test",
            "redirect_uri": f"{down}/callback",
            "scope": "openid",
            "state": "s",
        },
    )
    assert code.headers["Location"].startswith(f"{down}/callback?code=")

    end = press_logout(browser, browser.get(portals.base_url + "/quang-nam/"))

    assert end.url.startswith(portals.base_url + "/quang-nam/")
    assert logged_in_everywhere(browser, portals) == (False, False, False)
    # The failure is kept for `retry_logout_deliveries`, and only that portal's.
    (failed,) = LogoutDeliveryRecord.objects.all()
    assert failed.client_id == "cong-dang-bao-tri-test"
    assert failed.delivered_at is None
