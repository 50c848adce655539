"""Each PORTAL_LOGIN_POLICY end to end in a real browser, switched in the sandbox console."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import AuditEntry
from sandbox.personas import PASSWORD, VNEID_PASSWORD
from tests.personas import AN_USERNAME, NGA_CCCD, NGA_CMND

pytestmark = pytest.mark.browser

NGA_DOSSIERS = ("G22.230410.000101", "G22.231102.000102", "G22.240520.000103")
DOSSIERS_PATH = "/ho-so/"
User = get_user_model()


def switch_policy(page, value, label):
    page.goto(f"{page.base_url}/sandbox/")
    form = page.get_by_test_id("login-policy-form")
    form.get_by_label("Chính sách đăng nhập").select_option(value)
    form.get_by_role("button", name="Áp dụng").click()
    expect(page.get_by_test_id("login-policy")).to_have_text(label)
    page.screens.shot(f"console-{value}")


def open_login_page(page):
    page.goto(f"{page.base_url}/dang-nhap/?next={DOSSIERS_PATH}")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()


def log_in_with_password(page, username):
    form = page.get_by_test_id("login-form")
    form.get_by_label("Tên đăng nhập").fill(username)
    form.get_by_label("Mật khẩu").fill(PASSWORD)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()


def test_legacy_policy_logs_in_by_password_without_a_banner(page):
    switch_policy(page, "legacy", "Trước 2024: mọi cách đăng nhập, không nhắc liên kết")
    open_login_page(page)
    expect(page.get_by_test_id("policy-banner")).to_have_count(0)
    expect(page.get_by_test_id("login-separator")).to_have_text("– Hoặc đăng nhập bằng –")
    expect(page.get_by_test_id("login-vneid").get_by_test_id("vneid-mark")).to_be_visible()
    page.screens.shot("login-legacy")

    log_in_with_password(page, AN_USERNAME)

    expect(page).to_have_url(f"{page.base_url}{DOSSIERS_PATH}")
    expect(page.get_by_test_id("header-user")).to_contain_text("Nguyễn Văn An")
    page.screens.shot("logged-in")


def test_transition_policy_shows_the_link_banner_and_logs_in_by_password(page):
    switch_policy(
        page, "transition", "Giai đoạn chuyển đổi: mọi cách đăng nhập, nhắc liên kết CCCD"
    )
    open_login_page(page)
    banner = page.get_by_test_id("policy-banner")
    expect(banner).to_contain_text("Nghị định số 59/2022/NĐ-CP")
    expect(banner).to_contain_text("hãy đăng nhập và cập nhật số CCCD")
    page.screens.shot("login-transition")

    log_in_with_password(page, NGA_CMND)

    # Nga has no CCCD yet: guide step 2 asks for it, as before.
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="))
    expect(page.get_by_test_id("header-user")).to_contain_text("Tô Thị Nga")
    page.screens.shot("cccd-screen")


def test_vneid_only_policy_explains_every_tab_and_nga_brings_her_old_dossiers(page):
    switch_policy(page, "vneid_only", "Từ 01/7/2024: VNeID là tài khoản duy nhất")
    open_login_page(page)
    expect(page.get_by_test_id("login-form")).to_have_count(0)
    for tab, pane, method in (
        ("CMT/CCCD", "password", "số CMT/CCCD và mật khẩu"),
        ("USB ký số", "usb", "chứng thư số trên USB ký số"),
        ("Sim ký số", "sim", "Sim ký số"),
    ):
        page.get_by_role("tab", name=tab).click()
        explanation = page.get_by_test_id(f"vneid-only-{pane}")
        expect(explanation).to_be_visible()
        expect(explanation).to_contain_text("Từ ngày 01/7/2024, VNeID là tài khoản duy nhất")
        expect(explanation).to_contain_text(f"Cổng không còn đăng nhập bằng {method}.")
        expect(explanation.get_by_role("link", name="Đăng nhập bằng VNeID")).to_be_visible()
        page.screens.shot(f"login-vneid-only-{pane}")

    # From the SIM tab, as a citizen who came for her signing SIM would.
    page.get_by_test_id("vneid-only-sim").get_by_role("link", name="Đăng nhập bằng VNeID").click()
    expect(page.get_by_role("heading", name="Đăng nhập VNeID")).to_be_visible()
    form = page.get_by_test_id("vneid-login-form")
    form.get_by_label("Số định danh cá nhân").fill(NGA_CCCD)
    form.get_by_label("Mật khẩu", exact=True).fill(VNEID_PASSWORD)
    page.screens.shot("vneid-login")
    form.get_by_role("button", name="Đăng nhập").click()

    # Her legacy account never linked its CCCD: the link offer, proved by the old password.
    expect(page).to_have_url(f"{page.base_url}/dang-nhap/vneid/lien-ket/")
    offer = page.get_by_test_id("vneid-link")
    expect(offer.get_by_test_id("legacy-username")).to_have_text(NGA_CMND)
    page.screens.shot("link-offer")
    offer.get_by_label("Mật khẩu của tài khoản cũ").fill(PASSWORD)
    offer.get_by_role("button", name="Liên kết và đăng nhập").click()

    expect(page).to_have_url(f"{page.base_url}{DOSSIERS_PATH}")
    table = page.get_by_test_id("dossiers")
    for code in NGA_DOSSIERS:
        expect(table).to_contain_text(code)
    expect(page.get_by_test_id("header-user")).to_contain_text("Tô Thị Nga")
    page.screens.shot("old-dossiers")
    nga = User.objects.get(username=NGA_CMND)
    assert nga.cccd_number == NGA_CCCD
    assert nga.audit_entries.filter(action=AuditEntry.Action.CCCD_LINKED).count() == 1
