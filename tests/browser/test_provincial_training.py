"""The provincial tier in the training tools, in a real browser at 1280 and 360 px, with axe:
the console's provincial column and national-login fault switch, a seat card, and guided mode on
the provincial portal."""

import pytest
from playwright.sync_api import expect

from sandbox.workspaces import create_class, workspace_personas
from tests.personas import NGA_PROVINCIAL_USERNAME, PROVINCIAL_PASSWORD

pytestmark = pytest.mark.browser


def test_the_console_shows_the_provincial_tier_and_switches_the_national_login_service(page):
    page.goto(f"{page.base_url}/sandbox/")
    nga = page.get_by_test_id("provincial-nga")
    expect(nga).to_contain_text(NGA_PROVINCIAL_USERNAME)
    expect(nga).to_contain_text(PROVINCIAL_PASSWORD)
    expect(nga).to_contain_text("đề nghị liên kết")
    expect(page.get_by_test_id("provincial-hoa")).to_contain_text("tạo tài khoản mới")
    page.screens.shot("console")

    page.locator("#id_xacthuc-mode").select_option("outage")
    page.locator("form[action='/sandbox/faults/xacthuc/']").get_by_role(
        "button", name="Áp dụng"
    ).click()
    expect(page.get_by_test_id("xacthuc-fault")).to_have_text("Ngừng hoạt động (503)")
    page.screens.shot("national-login-down")
    page.locator("#id_xacthuc-mode").select_option("none")
    page.locator("form[action='/sandbox/faults/xacthuc/']").get_by_role(
        "button", name="Áp dụng"
    ).click()
    expect(page.get_by_test_id("xacthuc-fault")).to_have_text("Hoạt động bình thường")

    page.get_by_test_id("provincial-portal-link").click()
    expect(page.get_by_test_id("qnam-header")).to_be_visible()


def test_a_seat_card_prints_the_seats_provincial_account(page):
    training_class = create_class(name="Lớp in thẻ", seats=1)
    workspace = training_class.workspaces.get()
    nga = next(copy for copy in workspace_personas(workspace) if copy.key == "nga")

    page.goto(f"{page.base_url}/sandbox/cho-ngoi/{workspace.code}/")

    card = page.get_by_test_id("provincial-nga")
    expect(card).to_contain_text(nga.provincial.username)
    expect(card).to_contain_text(PROVINCIAL_PASSWORD)
    expect(page.get_by_test_id("provincial-an")).to_contain_text("tự kế thừa")
    page.screens.shot("seat-card")


def test_guided_mode_on_the_provincial_portal(page):
    page.goto(f"{page.base_url}/quang-nam/")
    page.get_by_role("button", name="Hướng dẫn: tắt").click()
    panel = page.get_by_test_id("guide-panel")
    expect(panel).to_contain_text("Đăng nhập Cổng DVC tỉnh bằng VNeID")
    expect(panel).to_contain_text("Bước 1: Mở Cổng DVC tỉnh và chọn Đăng nhập")
    page.screens.shot("province-guided")
