"""The screens of guide step 3 in a real browser: the user menu, the account area and the
identity page's "Cập nhật từ CSDL Quốc gia về Dân cư"."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from sandbox.personas import PASSWORD
from tests.personas import NGA_CCCD, NGA_CMND

from .conftest import open_main_menu, press_logout

pytestmark = pytest.mark.browser

IDENTITY_PATH = "/tai-khoan/thong-tin-dinh-danh/"
User = get_user_model()


def log_in_and_skip_the_cccd_screen(page):
    """Guide steps 1–2 for Nga, then "Bỏ qua", as a citizen who links later."""
    page.goto(f"{page.base_url}/dang-nhap/")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Tên đăng nhập").fill(NGA_CMND)
    form.get_by_label("Mật khẩu").fill(PASSWORD)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="))
    page.get_by_role("button", name="Bỏ qua").click()
    expect(page).to_have_url(f"{page.base_url}/")


def test_nga_goes_from_the_user_menu_to_the_identity_page_and_links_her_cccd(page):
    log_in_and_skip_the_cccd_screen(page)
    open_main_menu(page)
    expect(page.get_by_role("navigation").get_by_role("link", name="Trang chủ")).to_be_visible()

    toggle = page.get_by_test_id("header-user")
    expect(toggle).to_have_text("Tô Thị Nga")
    menu = page.get_by_test_id("user-menu")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(menu.get_by_role("link", name="Thông tin cá nhân")).to_be_visible()
    expect(menu.get_by_role("button", name="Đăng xuất")).to_be_visible()
    page.screens.shot("user-menu")
    menu.get_by_role("link", name="Thông tin cá nhân").click()

    expect(page).to_have_url(f"{page.base_url}/tai-khoan/")
    expect(page.get_by_role("heading", name="Thông tin tài khoản")).to_be_visible()
    expect(page.get_by_test_id("account-name")).to_have_text("Tô Thị Nga")
    expect(page.get_by_test_id("completed-count")).to_have_text("2")
    expect(page.get_by_test_id("in-progress-count")).to_have_text("1")
    account_menu = page.get_by_role("navigation", name="Menu tài khoản")
    for entry in ("Thông tin định danh", "Thông tin mở rộng", "Hồ sơ của tôi"):
        expect(account_menu.get_by_role("link", name=entry)).to_be_visible()
    page.screens.shot("account-overview")
    account_menu.get_by_role("link", name="Thông tin định danh").click()

    expect(page).to_have_url(f"{page.base_url}{IDENTITY_PATH}")
    breadcrumb = page.get_by_role("navigation", name="breadcrumb")
    expect(breadcrumb).to_have_text(re.compile(r"Trang chủ\s*/?\s*Thông tin tài khoản"))
    rows = page.get_by_test_id("identity-rows")
    for label in (
        "Họ tên",
        "Số CMT (9 số)",
        "Số CMT/CCCD (12 số)",
        "Ngày sinh",
        "Số điện thoại",
        "Giới tính",
        "Nơi sinh",
        "Email",
        "Quê Quán",
    ):
        expect(rows.get_by_role("rowheader", name=label, exact=True)).to_be_visible()
    expect(rows.locator(".edit-mark")).to_have_count(9)
    expect(rows.locator("[data-row=cmnd_9] td").first).to_have_text(NGA_CMND)
    page.screens.shot("identity-page")

    page.get_by_role("button", name="Cập nhật từ CSDL Quốc gia về Dân cư", exact=True).click()

    # Not linked yet: the CCCD screen of step 2, which then returns to the identity page.
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="))
    page.get_by_placeholder("Nhập số cccd").fill(NGA_CCCD)
    page.screens.shot("cccd-screen")
    page.get_by_role("button", name="Cập nhật").click()

    expect(page).to_have_url(f"{page.base_url}{IDENTITY_PATH}")
    expect(page.get_by_role("alert").filter(has_text="Cập nhật số CCCD thành công")).to_be_visible()
    expect(rows.locator("[data-row=number_12] td").first).to_have_text(NGA_CCCD)
    page.screens.shot("identity-linked")
    assert User.objects.get(username=NGA_CMND).cccd_number == NGA_CCCD

    # A registry row's edit mark refreshes from the registry, like the button above.
    rows.get_by_role("button", name="Cập nhật Quê Quán từ CSDL Quốc gia về Dân cư").click()
    expect(page.get_by_role("alert").filter(has_text="không có thay đổi")).to_be_visible()
    # A contact row's edit mark opens that field in the contact form.
    page.get_by_test_id("edit-mark-email").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/thong-tin-dinh-danh/sua/#id_email$"))
    expect(page.get_by_label("Email")).to_be_visible()
    page.screens.shot("contact-form")

    press_logout(page)
    expect(page.get_by_test_id("header-user")).to_have_count(0)
    expect(page.get_by_role("banner").get_by_role("link", name="Đăng nhập")).to_be_visible()
