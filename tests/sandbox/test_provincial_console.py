"""The provincial tier on the sandbox console and the printed seat cards, and the console's
fault switch for the national login service."""

import re

import pytest
from django.urls import reverse

from citizen_registry.faults import current_fault as registry_fault
from identity.national_login import services as national_login
from provincial_portal.models import ProvincialAccount
from sandbox.personas import ensure_personas, reset_persona
from sandbox.workspaces import create_class, workspace_personas
from tests.personas import (
    AN_PROVINCIAL_USERNAME,
    HOA_CCCD,
    NGA_PROVINCIAL_USERNAME,
    PROVINCIAL_PASSWORD,
)
from vneid import faults as vneid_faults

pytestmark = pytest.mark.django_db


def _cell(html, key):
    """Return the text of the persona's "Cổng DVC tỉnh" cell or card entry."""
    match = re.search(rf'data-testid="provincial-{key}">(.*?)</(td|dd)>', html, re.S)
    assert match, key
    return match.group(1)


def test_the_console_has_a_provincial_column_and_links_to_the_provincial_portal(client):
    ensure_personas()
    html = client.get(reverse("sandbox:console")).content.decode()

    assert "<th>Cổng DVC tỉnh</th>" in html
    assert 'href="/quang-nam/" data-testid="provincial-portal-link"' in html
    nga = _cell(html, "nga")
    assert f"<code>{NGA_PROVINCIAL_USERNAME}</code>" in nga
    assert f"<code>{PROVINCIAL_PASSWORD}</code>" in nga
    assert "chỉ có số CMND" in nga and "đề nghị liên kết" in nga and "2 hồ sơ" in nga
    an = _cell(html, "an")
    assert f"<code>{AN_PROVINCIAL_USERNAME}</code>" in an
    assert "đã có số CCCD" in an and "tự kế thừa" in an and "1 hồ sơ" in an
    hoa = _cell(html, "hoa")
    assert "<code>" not in hoa and "tạo tài khoản mới" in hoa
    # Dũng has no VNeID account: the province cannot be reached through VNeID.
    assert "chưa có tài khoản VNeID" in _cell(html, "dung")


def test_the_console_shows_the_state_the_province_holds_now(client):
    ensure_personas()
    ProvincialAccount.objects.create(
        username="hoa-vneid",
        full_name="Lê Thị Hoa",
        birth_date="1995-01-09",
        cccd_number=HOA_CCCD,
        origin=ProvincialAccount.Origin.VNEID,
    )
    hoa = _cell(client.get(reverse("sandbox:console")).content.decode(), "hoa")
    # A new account has no password to publish: it is reached through VNeID only.
    assert "<code>hoa-vneid</code>" in hoa and PROVINCIAL_PASSWORD not in hoa
    assert "tài khoản tỉnh mới" in hoa

    reset_persona("hoa")

    assert "tạo tài khoản mới" in _cell(
        client.get(reverse("sandbox:console")).content.decode(), "hoa"
    )


def test_a_seat_card_prints_the_seats_own_provincial_credentials_and_what_to_expect(
    client, settings
):
    ensure_personas()
    training_class = create_class(name="Lớp thẻ", seats=2)
    first, second = training_class.workspaces.all()
    nga = next(copy for copy in workspace_personas(first) if copy.key == "nga")
    other = next(copy for copy in workspace_personas(second) if copy.key == "nga")

    html = client.get(reverse("sandbox:seat_card", args=[first.code])).content.decode()

    card = _cell(html, "nga")
    assert f"tài khoản <code>{nga.provincial.username}</code>" in card
    assert f"mật khẩu <code>{PROVINCIAL_PASSWORD}</code>" in card
    assert "đề nghị liên kết" in card
    assert "tạo tài khoản mới" in _cell(html, "hoa")
    assert f'href="{settings.SANDBOX_BASE_URL}/quang-nam/"' in html
    assert other.provincial.username not in html
    assert f"<code>{NGA_PROVINCIAL_USERNAME}</code>" not in card


def test_the_console_switches_the_national_login_services_fault_alone(client):
    page = client.get(reverse("sandbox:console")).content.decode()
    assert 'data-testid="xacthuc-fault"' in page
    assert 'action="/sandbox/faults/xacthuc/"' in page

    for mode, shown in [
        ("latency", "Chậm (thêm độ trễ)"),
        ("error", "Trả lỗi 500"),
        ("outage", "Ngừng hoạt động (503)"),
        ("none", "Hoạt động bình thường"),
    ]:
        response = client.post(
            "/sandbox/faults/xacthuc/",
            {"xacthuc-mode": mode, "xacthuc-latency_ms": "300"},
            follow=True,
        )
        html = response.content.decode()
        assert f"Hệ thống xác thực (Văn phòng Chính phủ): {shown}." in html
        assert re.search(rf'data-testid="xacthuc-fault">{re.escape(shown)}<', html)
        assert national_login.current_fault().mode == mode
    assert vneid_faults.current_fault().mode == "none"
    assert registry_fault().mode == "none"


def test_the_national_login_service_down_answers_its_pages_with_the_systems_fault(client):
    client.post("/sandbox/faults/xacthuc/", {"xacthuc-mode": "outage"})
    response = client.get(reverse("national_login:chooser"))
    assert response.status_code == 503
    assert "Hệ thống xác thực đang tạm ngừng hoạt động" in response.content.decode()


def test_the_console_refuses_a_bad_national_login_fault(client):
    response = client.post("/sandbox/faults/xacthuc/", {"xacthuc-mode": "fire"}, follow=True)
    assert "Cấu hình sự cố không hợp lệ" in response.content.decode()
    assert national_login.current_fault().mode == "none"
