"""Over real HTTP on the live server: a seat's copy of An logs in at the provincial portal
through the national login service and VNeID; the trainer's dashboard and the seat's timeline
then show what each of the three organisations recorded."""

import re

import pytest
import requests
from django.urls import reverse

from sandbox.personas import VNEID_PASSWORD, ensure_personas, register_portal
from sandbox.progress import PROVINCIAL_LOGIN_LABEL, seat_timeline
from sandbox.workspaces import create_class, workspace_personas

TIMEOUT = 15


@pytest.fixture
def tiers(live_server, transactional_db, settings):
    """Every tier pointed at the live server, registered as `seed_sandbox` registers them."""
    base = live_server.url
    settings.VNEID = {**settings.VNEID, "ISSUER": f"{base}/vneid"}
    settings.PROVINCIAL_PORTAL = {
        **settings.PROVINCIAL_PORTAL,
        "NATIONAL_LOGIN_ISSUER": f"{base}/xacthuc",
        "TIMEOUT_SECONDS": TIMEOUT,
    }
    settings.NATIONAL_LOGIN = {
        **settings.NATIONAL_LOGIN,
        "VNEID_ISSUER": f"{base}/vneid",
        "VNEID_TIMEOUT_SECONDS": TIMEOUT,
    }
    register_portal(base_urls=[base])
    ensure_personas()
    return base


def _hidden_fields(html, *, containing):
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", html, flags=re.S)
    form = next(form for form in forms if containing in form)
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))


def _log_in_at_the_province(base, number):
    with requests.Session() as browser:
        chooser = browser.get(f"{base}/quang-nam/dang-nhap/", timeout=TIMEOUT)
        assert "/xacthuc/authenticationendpoint/login" in chooser.url, chooser.text[:500]
        vneid_page = browser.post(
            chooser.url,
            data={**_hidden_fields(chooser.text, containing='value="vneid"'), "method": "vneid"},
            timeout=TIMEOUT,
        )
        assert "/vneid/authorize" in vneid_page.url, vneid_page.text[:500]
        landed = browser.post(
            vneid_page.url,
            data={
                **_hidden_fields(vneid_page.text, containing='name="password"'),
                "personal_id_number": number,
                "password": VNEID_PASSWORD,
            },
            timeout=TIMEOUT,
        )
        assert landed.url == f"{base}/quang-nam/tai-khoan/", landed.text[:1000]
        # And out again: province → service → VNeID → service → province.
        home = browser.post(
            f"{base}/quang-nam/dang-xuat/",
            data={"csrfmiddlewaretoken": browser.cookies.get("dvc_csrftoken")},
            headers={"Referer": f"{base}/quang-nam/"},
            timeout=TIMEOUT,
        )
        assert home.url.split("?")[0] == f"{base}/quang-nam/", home.url
        return landed


def test_a_seats_provincial_login_reaches_the_dashboard_and_the_three_tier_timeline(tiers, client):
    training_class = create_class(name="Lớp ba tầng", seats=2)
    first, second = training_class.workspaces.all()
    an = next(copy for copy in workspace_personas(first) if copy.key == "an")

    landed = _log_in_at_the_province(tiers, an.citizen["cccd_number"])

    assert "đã được kế thừa" in landed.text
    progress = client.get(reverse("sandbox:class_progress", args=[training_class.pk])).json()
    seats = {seat["seat"]: seat for seat in progress["seats"]}
    assert seats[first.seat]["step_label"].endswith(PROVINCIAL_LOGIN_LABEL)
    assert seats[second.seat]["provincial_login_at"] is None

    routes = {(hop.route, hop.endpoint) for hop in seat_timeline(first)}
    assert ("Hệ thống xác thực → Cổng tỉnh", "/quang-nam/dang-nhap/callback/") in routes
    assert ("Cổng tỉnh → Hệ thống xác thực", "/xacthuc/oauth2/token") in routes
    assert ("Cổng tỉnh → Hệ thống xác thực", "/xacthuc/oauth2/userinfo") in routes
    assert ("VNeID → Hệ thống xác thực", "/xacthuc/vneid/callback") in routes
    assert ("VNeID: đăng nhập", "/vneid/authorize (POST)") in routes
    service = "Hệ thống xác thực — Văn phòng Chính phủ (mô phỏng)"
    assert (f"{service} → VNeID", "/vneid/token") in routes
    assert (
        "Hệ thống xác thực: gửi lựa chọn đăng nhập",
        "/xacthuc/authenticationendpoint/login (POST)",
    ) in routes
    assert ("Cổng tỉnh → Hệ thống xác thực: đăng xuất", "/xacthuc/oauth2/logout") in routes
    assert not any(route.startswith("Cổng DVCQG") for route, _ in routes)
    assert seat_timeline(second) == []
    page = client.get(reverse("sandbox:seat_timeline", args=[first.code])).content.decode()
    assert an.citizen["cccd_number"] not in page
