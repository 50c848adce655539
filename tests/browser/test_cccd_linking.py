"""Guide steps 1–3 in a real browser: log in, the CCCD check, link or skip, failures."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from citizen_registry.faults import set_fault
from sandbox.personas import PASSWORD
from tests.personas import NGA_CCCD, NGA_CMND

from .conftest import press_logout

pytestmark = pytest.mark.browser

SERVICE_PATH = "/dich-vu-cong/cap-phieu-ly-lich-tu-phap/"
User = get_user_model()


def log_in(page, username, *, next_path=SERVICE_PATH):
    page.goto(f"{page.base_url}{next_path}")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.screens.shot("login")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Tên đăng nhập").fill(username)
    form.get_by_label("Mật khẩu").fill(PASSWORD)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()


def expect_cccd_screen(page):
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="))
    expect(page.get_by_label("Chứng minh nhân dân*")).to_have_value(NGA_CMND)
    expect(page.get_by_label("Chứng minh nhân dân*")).to_have_attribute("readonly", "")
    expect(page.get_by_placeholder("Nhập số cccd")).to_be_visible()
    expect(page.get_by_test_id("cccd-note")).to_contain_text(
        "Tài khoản của bạn chưa cập nhật số CCCD, vui lòng nhập thông tin để cập nhật số CCCD "
        "từ Cơ sở dữ liệu Quốc gia về Dân cư"
    )


def log_out(page):
    press_logout(page)
    expect(page.get_by_role("banner").get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_nga_links_her_cccd_and_lands_on_the_eservice_she_asked_for(page):
    log_in(page, NGA_CMND)
    expect_cccd_screen(page)
    page.screens.shot("cccd-screen")
    page.get_by_placeholder("Nhập số cccd").fill("037 190 612 345")
    page.get_by_role("button", name="Cập nhật").click()

    expect(page).to_have_url(f"{page.base_url}{SERVICE_PATH}")
    expect(page.get_by_test_id("service-title")).to_have_text(
        "Cấp phiếu lý lịch tư pháp cho công dân Việt Nam"
    )
    expect(page.get_by_test_id("header-user")).to_contain_text("Tô Thị Nga")
    page.screens.shot("eservice-logged-in")
    nga = User.objects.get(username=NGA_CMND)
    assert nga.cccd_number == NGA_CCCD
    assert nga.place_of_birth == "Xã Ninh Hải, Huyện Hoa Lư, Tỉnh Ninh Bình"


def test_skip_continues_the_prompt_returns_at_next_login_and_identity_page_links(page):
    log_in(page, NGA_CMND)
    expect_cccd_screen(page)
    page.get_by_role("button", name="Bỏ qua").click()
    expect(page).to_have_url(f"{page.base_url}{SERVICE_PATH}")
    page.screens.shot("skipped-to-eservice")
    page.goto(f"{page.base_url}/ho-so/")
    expect(page.get_by_test_id("dossiers")).to_contain_text("G22.240520.000103")
    log_out(page)

    log_in(page, NGA_CMND)
    expect_cccd_screen(page)
    page.get_by_role("button", name="Bỏ qua").click()
    page.goto(f"{page.base_url}/tai-khoan/thong-tin-dinh-danh/")
    page.screens.shot("identity-before")
    page.get_by_test_id("identity-refresh").click()
    expect_cccd_screen(page)
    page.get_by_placeholder("Nhập số cccd").fill(NGA_CCCD)
    page.get_by_role("button", name="Cập nhật").click()

    expect(page).to_have_url(f"{page.base_url}/tai-khoan/thong-tin-dinh-danh/")
    expect(page.locator("body")).to_contain_text(NGA_CCCD)
    page.screens.shot("identity-linked")
    assert User.objects.get(username=NGA_CMND).cccd_number == NGA_CCCD


def test_mismatch_shows_one_generic_message_and_links_nothing(page):
    log_in(page, "023456789")
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/"))
    page.get_by_placeholder("Nhập số cccd").fill("079078088012")
    page.get_by_role("button", name="Cập nhật").click()

    expect(page.locator(".alert-danger")).to_contain_text(
        "không khớp với Cơ sở dữ liệu Quốc gia về Dân cư"
    )
    expect(page.get_by_placeholder("Nhập số cccd")).to_have_value("079078088012")
    page.screens.shot("mismatch")
    assert User.objects.get(username="023456789").cccd_number == ""


def test_registry_outage_explains_keeps_the_number_and_saves_nothing(page):
    set_fault("outage")
    log_in(page, NGA_CMND)
    expect_cccd_screen(page)
    page.get_by_placeholder("Nhập số cccd").fill(NGA_CCCD)
    page.get_by_role("button", name="Cập nhật").click()

    expect(page.locator(".alert-danger")).to_contain_text("Cơ sở dữ liệu Quốc gia về Dân cư")
    expect(page.get_by_placeholder("Nhập số cccd")).to_have_value(NGA_CCCD)
    page.screens.shot("registry-outage")
    nga = User.objects.get(username=NGA_CMND)
    assert nga.cccd_number == ""
    assert nga.audit_entries.filter(action="cccd_linked").count() == 0
