"""Over real HTTP: VNeID → the national login service → the provincial portal, all three real.

A browser (`requests.Session`) presses "Đăng nhập" on the provincial portal, chooses VNeID at
the national login service, types An's VNeID password, and lands back on the province with
his old provincial account inherited by SoDinhDanh. Every organisation reaches the next one
over HTTP on the live server, with the addresses and credentials of its own settings.
"""

import re
from dataclasses import asdict
from datetime import date

import pytest
import requests

from identity.national_login import services as national_login
from provincial_portal.models import AuditEvent, ProvincialAccount, ProvincialSession
from provincial_portal.services import client_registration
from tests.citizen_registry.factories import CitizenFactory
from tests.personas import AN_CCCD, VNEID_PASSWORD
from vneid.services import ensure_client as ensure_vneid_client
from vneid.services import ensure_vneid_account

from .factories import AN_SEED, seed_nga_and_an

TIMEOUT = 15
SERVICE_ID, SERVICE_SECRET = "xacthuc-test", "xacthuc-test-secret"
PORTAL_ID, PORTAL_SECRET = "qnam-portal-test", "qnam-portal-test-secret"


@pytest.fixture
def three_tiers(live_server, settings):
    base = live_server.url
    settings.PROVINCIAL_PORTAL = {
        "NATIONAL_LOGIN_ISSUER": f"{base}/xacthuc",
        "CLIENT_ID": PORTAL_ID,
        "CLIENT_SECRET": PORTAL_SECRET,
        "TIMEOUT_SECONDS": TIMEOUT,
    }
    settings.NATIONAL_LOGIN = {
        **settings.NATIONAL_LOGIN,
        "VNEID_ISSUER": f"{base}/vneid",
        "VNEID_CLIENT_ID": SERVICE_ID,
        "VNEID_CLIENT_SECRET": SERVICE_SECRET,
        "VNEID_TIMEOUT_SECONDS": TIMEOUT,
        "BACKCHANNEL_TIMEOUT_SECONDS": TIMEOUT,
    }
    ensure_vneid_client(
        client_id=SERVICE_ID,
        client_secret=SERVICE_SECRET,
        name="Hệ thống xác thực (thử nghiệm)",
        redirect_uris=[f"{base}/xacthuc/vneid/callback"],
        post_logout_redirect_uris=[f"{base}/xacthuc/oauth2/logout/vneid"],
    )
    national_login.ensure_client(**asdict(client_registration([base])))
    citizen = CitizenFactory(
        cccd_number=AN_CCCD,
        full_name="Nguyễn Văn An",
        birth_date=date(1985, 7, 2),
        gender="male",
    )
    ensure_vneid_account(citizen, password=VNEID_PASSWORD, level=2)
    seed_nga_and_an()
    return base


def form_fields(html, *, containing=""):
    """Return the hidden fields of the page's first POST form (holding `containing`)."""
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S)
    form = next(form for form in forms if containing in form)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def test_a_citizen_logs_in_at_the_province_through_vneid_and_inherits_by_sodinhdanh(three_tiers):
    base = three_tiers
    with requests.Session() as browser:
        # Province → service → VNeID (silently: no VNeID login yet) → service's chooser.
        chooser = browser.get(f"{base}/quang-nam/dang-nhap/", timeout=TIMEOUT)
        assert chooser.status_code == 200, chooser.text[:500]
        assert "/xacthuc/authenticationendpoint/login" in chooser.url
        assert "CÔNG DÂN – Tài khoản Định danh điện tử (VNeID)" in chooser.text
        # "CÔNG DÂN – VNeID" → VNeID's login page.
        vneid_page = browser.post(
            chooser.url,
            data={**form_fields(chooser.text, containing='value="vneid"'), "method": "vneid"},
            timeout=TIMEOUT,
        )
        assert vneid_page.status_code == 200, vneid_page.text[:500]
        assert "/vneid/authorize" in vneid_page.url
        # The password at VNeID → service → province.
        landed = browser.post(
            vneid_page.url,
            data={
                **form_fields(vneid_page.text, containing='name="password"'),
                "personal_id_number": AN_CCCD,
                "password": VNEID_PASSWORD,
            },
            timeout=TIMEOUT,
        )
        assert landed.status_code == 200, landed.text[:1000]
        assert landed.url == f"{base}/quang-nam/tai-khoan/"
        assert "Tài khoản cũ của Ông/Bà trên Cổng DVC tỉnh đã được kế thừa" in landed.text
        dossiers = browser.get(f"{base}/quang-nam/ho-so/", timeout=TIMEOUT)
        assert "000.00.QNA.H47-230901-0012" in dossiers.text
        # The province's cookie, not the national portal's Django login.
        assert browser.cookies.get("qnam_session", path="/quang-nam/")
        assert browser.get(f"{base}/", timeout=TIMEOUT).text.count('href="/dang-nhap/"') >= 1

        an = ProvincialAccount.objects.get(username=AN_SEED.username)
        assert an.national_sub and an.inherited_at is not None
        session = ProvincialSession.objects.get(account=an)
        assert session.sid and session.ended_at is None
        assert AuditEvent.objects.filter(kind=AuditEvent.Kind.INHERITED, account=an).exists()

        # Logout at the province: its session ends, the service's end-session brings it home.
        csrf = browser.cookies.get("dvc_csrftoken")
        home = browser.post(
            f"{base}/quang-nam/dang-xuat/",
            data={"csrfmiddlewaretoken": csrf},
            headers={"Referer": f"{base}/quang-nam/"},
            timeout=TIMEOUT,
        )
        assert home.status_code == 200, home.text[:500]
        hops = [response.url.split("?")[0].removeprefix(base) for response in home.history]
        assert hops[0] == "/quang-nam/dang-xuat/" and "/xacthuc/oauth2/logout" in hops, hops
        assert home.url.split("?")[0] == f"{base}/quang-nam/", home.url
        session.refresh_from_db()
        assert session.ended_at is not None
        assert browser.get(f"{base}/quang-nam/ho-so/", allow_redirects=False).status_code == 302


@pytest.fixture
def sandbox(live_server, transactional_db, settings):
    """Every organisation on the live server, registered and seeded as `make run` does."""
    from sandbox.personas import ensure_personas, register_portal

    base = live_server.url
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": f"{base}/registry/api/v1/"}
    settings.VNEID = {**settings.VNEID, "ISSUER": f"{base}/vneid", "TIMEOUT_SECONDS": TIMEOUT}
    settings.NATIONAL_LOGIN = {
        **settings.NATIONAL_LOGIN,
        "VNEID_ISSUER": f"{base}/vneid",
        "VNEID_TIMEOUT_SECONDS": TIMEOUT,
        "BACKCHANNEL_TIMEOUT_SECONDS": TIMEOUT,
    }
    settings.PROVINCIAL_PORTAL = {
        **settings.PROVINCIAL_PORTAL,
        "NATIONAL_LOGIN_ISSUER": f"{base}/xacthuc",
        "TIMEOUT_SECONDS": TIMEOUT,
    }
    register_portal(base_urls=[base])
    ensure_personas()
    seed_nga_and_an()
    return base


def test_single_sign_on_from_the_national_portal_and_single_logout_back(sandbox):
    base = sandbox
    with requests.Session() as browser:
        # An logs in at the national portal with VNeID.
        vneid_page = browser.get(f"{base}/dang-nhap/vneid/?next=/ho-so/", timeout=TIMEOUT)
        assert "/vneid/authorize" in vneid_page.url, vneid_page.url
        national = browser.post(
            vneid_page.url,
            data={
                **form_fields(vneid_page.text, containing='name="password"'),
                "personal_id_number": AN_CCCD,
                "password": VNEID_PASSWORD,
            },
            timeout=TIMEOUT,
        )
        assert national.url == f"{base}/ho-so/", national.url

        # "Đăng nhập" at the province: in without typing anything.
        province = browser.get(f"{base}/quang-nam/dang-nhap/", timeout=TIMEOUT)
        assert province.status_code == 200, province.text[:500]
        assert province.url == f"{base}/quang-nam/tai-khoan/", province.url
        assert "đã được kế thừa" in province.text
        an = ProvincialAccount.objects.get(username=AN_SEED.username)
        session = ProvincialSession.objects.get(account=an)

        # Logging out of the national portal ends the provincial session too.
        browser.post(
            f"{base}/dang-xuat/",
            data={"csrfmiddlewaretoken": browser.cookies.get("dvc_csrftoken")},
            timeout=TIMEOUT,
        )
        session.refresh_from_db()
        assert session.ended_at is not None
        assert session.ended_reason == "backchannel_logout"
        assert AuditEvent.objects.filter(
            kind=AuditEvent.Kind.BACKCHANNEL_LOGOUT, account=an
        ).exists()
        assert browser.get(f"{base}/quang-nam/ho-so/", allow_redirects=False).status_code == 302


@pytest.mark.parametrize(("mode", "latency_ms"), [("outage", 0), ("error", 0), ("latency", 2500)])
def test_the_services_fault_switch_makes_the_province_say_so_and_save_nothing(
    three_tiers, settings, mode, latency_ms
):
    from identity.national_login.faults import set_fault

    settings.PROVINCIAL_PORTAL = {**settings.PROVINCIAL_PORTAL, "TIMEOUT_SECONDS": 1}
    set_fault(mode, latency_ms)
    with requests.Session() as browser:
        response = browser.get(f"{three_tiers}/quang-nam/dang-nhap/", timeout=TIMEOUT)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Hệ thống xác thực của Cổng Dịch vụ công Quốc gia đang gián đoạn" in response.text
    assert not ProvincialSession.objects.exists()
    assert not ProvincialAccount.objects.filter(inherited_at__isnull=False).exists()
