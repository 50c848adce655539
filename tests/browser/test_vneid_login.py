"""Guide step 4 in a real browser: "Đăng nhập bằng VNeID" by password and by QR, account
resolution (linked, legacy account to link, VNeID-only), refusals, cancel and logout."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from accounts.models import AuditEntry
from sandbox.personas import PASSWORD, VNEID_PASSWORD
from tests.personas import HOA_CCCD, KHOA_CCCD, NGA_CCCD, NGA_CMND
from vneid.keys import active_signing_key, rotate_signing_key, unpublish_signing_key

from .conftest import press_logout

pytestmark = pytest.mark.browser

NGA_DOSSIERS = ("G22.230410.000101", "G22.231102.000102", "G22.240520.000103")
DOSSIERS_PATH = "/ho-so/"
PHONE = {"width": 390, "height": 844}
User = get_user_model()


def link_cccd_in_step_3(page):
    """Guide steps 1–3: Nga logs in with her old CMND, links her CCCD, then logs out."""
    page.goto(f"{page.base_url}/dang-nhap/?next={DOSSIERS_PATH}")
    form = page.get_by_test_id("login-form")
    form.get_by_label("Tên đăng nhập").fill(NGA_CMND)
    form.get_by_label("Mật khẩu").fill(PASSWORD)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    form.get_by_role("button", name="Đăng nhập").click()
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="))
    page.get_by_placeholder("Nhập số cccd").fill(NGA_CCCD)
    page.screens.shot("step3-cccd-screen")
    page.get_by_role("button", name="Cập nhật").click()
    expect(page).to_have_url(f"{page.base_url}{DOSSIERS_PATH}")
    assert User.objects.get(username=NGA_CMND).cccd_number == NGA_CCCD
    log_out(page)


def log_out(page):
    press_logout(page)
    expect(page.get_by_role("banner").get_by_role("link", name="Đăng nhập")).to_be_visible()


def click_vneid_button(page, *, next_path=DOSSIERS_PATH):
    """From the portal's login page, press the VNeID button."""
    page.goto(f"{page.base_url}/dang-nhap/?next={next_path}")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    page.screens.shot("portal-login")
    page.get_by_test_id("login-vneid").click()


def expect_vneid_login_page(page):
    expect(page).to_have_url(re.compile(r"/vneid/authorize\?"))
    body = page.locator("body")
    for text in (
        "BỘ CÔNG AN",
        "Trung tâm dữ liệu Quốc gia về dân cư",
        "Số định danh cá nhân",
        "Hoặc quét mã QR bằng ứng dụng VNeID để đăng nhập.",
    ):
        expect(body).to_contain_text(text)
    expect(page.get_by_role("heading", name="Đăng nhập VNeID")).to_be_visible()
    expect(page.get_by_label("Số định danh cá nhân")).to_be_visible()
    expect(page.get_by_label("Mật khẩu", exact=True)).to_be_visible()
    expect(page.get_by_test_id("vneid-qr").locator("svg")).to_be_visible()
    page.screens.shot("vneid-login")


def log_in_at_vneid(page, number, *, password=VNEID_PASSWORD):
    expect_vneid_login_page(page)
    form = page.get_by_test_id("vneid-login-form")
    form.get_by_label("Số định danh cá nhân").fill(number)
    form.get_by_label("Mật khẩu", exact=True).fill(password)
    form.get_by_role("button", name="Đăng nhập").click()


def expect_logged_in_as(page, full_name):
    expect(page.get_by_test_id("header-user")).to_contain_text(full_name)


def expect_not_logged_in(page):
    expect(page.get_by_test_id("header-user")).to_have_count(0)
    expect(page.get_by_role("banner").get_by_role("link", name="Đăng nhập")).to_be_visible()


def expect_dossiers(page, codes, *, timeout=None):
    expect(page).to_have_url(f"{page.base_url}{DOSSIERS_PATH}", timeout=timeout)
    table = page.get_by_test_id("dossiers")
    for code in codes:
        expect(table).to_contain_text(code)


def reach_link_offer(page):
    """An unlinked Nga logs in with VNeID and is offered to link her legacy account."""
    click_vneid_button(page)
    log_in_at_vneid(page, NGA_CCCD)
    expect(page).to_have_url(f"{page.base_url}/dang-nhap/vneid/lien-ket/")
    offer = page.get_by_test_id("vneid-link")
    expect(offer.get_by_test_id("legacy-username")).to_have_text(NGA_CMND)
    expect(offer.get_by_test_id("vneid-link-warning")).to_contain_text(
        "các hồ sơ đã nộp trước đây sẽ không hiển thị"
    )
    expect_not_logged_in(page)
    page.screens.shot("link-offer")
    return offer


def test_linked_nga_logs_in_with_vneid_password_and_gets_her_old_dossiers(page):
    link_cccd_in_step_3(page)

    click_vneid_button(page)
    log_in_at_vneid(page, NGA_CCCD)

    expect_dossiers(page, NGA_DOSSIERS)
    expect_logged_in_as(page, "Tô Thị Nga")
    page.screens.shot("dossiers-logged-in")
    nga = User.objects.get(username=NGA_CMND)
    assert nga.audit_entries.filter(action=AuditEntry.Action.VNEID_LOGIN).count() == 1
    # No second account was made for her.
    assert not User.objects.filter(username=NGA_CCCD).exists()


def test_linked_nga_logs_in_by_qr_with_the_phone_app(page, chromium):
    link_cccd_in_step_3(page)
    click_vneid_button(page)
    expect_vneid_login_page(page)
    qr_box = page.get_by_test_id("vneid-qr")
    qr_box.locator("summary").click()
    qr_link = qr_box.get_by_test_id("vneid-qr-link").input_value()
    assert re.fullmatch(rf"{re.escape(page.base_url)}/vneid/app/scan/\S+", qr_link)
    page.screens.shot("vneid-login-qr-link")

    phone_context = chromium.new_context(
        locale="vi-VN", viewport=PHONE, is_mobile=True, has_touch=True
    )
    phone_context.set_default_timeout(15_000)
    try:
        phone = phone_context.new_page()
        phone.goto(f"{page.base_url}/vneid/app/")
        expect(phone.get_by_role("heading", name="Đăng nhập ứng dụng VNeID")).to_be_visible()
        phone.get_by_label("Số định danh cá nhân").fill(NGA_CCCD)
        phone.get_by_label("Mật khẩu").fill(VNEID_PASSWORD)
        # The phone's screens go into this test's numbered series too.
        page.screens.page = phone
        page.screens.shot("app-login")
        phone.get_by_role("button", name="Đăng nhập").click()
        expect(phone.get_by_role("heading", name="Quét mã QR")).to_be_visible()
        expect(phone.get_by_test_id("vneid-app-account")).to_contain_text("Tô Thị Nga")
        page.screens.shot("app-scan")

        phone.goto(qr_link)
        expect(phone.get_by_role("heading", name="Xác nhận đăng nhập")).to_be_visible()
        expect(phone.get_by_test_id("vneid-app-client")).to_have_text("Cổng Dịch vụ công Quốc gia")
        page.screens.shot("app-confirm")
        phone.get_by_test_id("vneid-app-approve").click()
        expect(phone.get_by_test_id("vneid-app-done")).to_contain_text("Đã xác nhận đăng nhập")
        page.screens.shot("app-approved")
    finally:
        page.screens.page = page
        phone_context.close()

    # The waiting login page continues by itself (it polls every 1.5 s): allow a few polls.
    expect_dossiers(page, NGA_DOSSIERS, timeout=15_000)
    expect_logged_in_as(page, "Tô Thị Nga")
    page.screens.shot("dossiers-logged-in")


def test_unlinked_nga_links_her_legacy_account_with_its_password(page):
    offer = reach_link_offer(page)

    offer.get_by_label("Mật khẩu của tài khoản cũ").fill(PASSWORD)
    offer.get_by_role("button", name="Liên kết và đăng nhập").click()

    expect_dossiers(page, NGA_DOSSIERS)
    expect_logged_in_as(page, "Tô Thị Nga")
    expect(page.get_by_role("alert").filter(has_text="Đã liên kết tài khoản cũ")).to_be_visible()
    page.screens.shot("linked-dossiers")
    nga = User.objects.get(username=NGA_CMND)
    assert nga.cccd_number == NGA_CCCD
    assert nga.audit_entries.filter(action=AuditEntry.Action.CCCD_LINKED).count() == 1
    assert not User.objects.filter(username=NGA_CCCD).exists()


def test_wrong_password_on_the_link_page_shows_an_error_and_links_nothing(page):
    offer = reach_link_offer(page)

    offer.get_by_label("Mật khẩu của tài khoản cũ").fill("not-her-password")
    offer.get_by_role("button", name="Liên kết và đăng nhập").click()

    expect(page).to_have_url(f"{page.base_url}/dang-nhap/vneid/lien-ket/")
    expect(page.get_by_test_id("form-error")).to_contain_text("Mật khẩu không đúng")
    expect(page.get_by_role("button", name="Liên kết và đăng nhập")).to_be_visible()
    expect_not_logged_in(page)
    page.screens.shot("wrong-password")
    nga = User.objects.get(username=NGA_CMND)
    assert nga.cccd_number == ""
    assert nga.audit_entries.filter(action=AuditEntry.Action.CCCD_LINKED).count() == 0
    assert nga.audit_entries.filter(action=AuditEntry.Action.VNEID_LINK_REFUSED).count() == 1
    assert not User.objects.filter(username=NGA_CCCD).exists()


def test_unlinked_nga_continues_with_a_new_empty_account(page):
    offer = reach_link_offer(page)

    offer.get_by_role("button", name="Tiếp tục với tài khoản mới, không có hồ sơ cũ").click()

    expect(page).to_have_url(f"{page.base_url}{DOSSIERS_PATH}")
    expect_logged_in_as(page, "Tô Thị Nga")
    warning = page.locator(".alert-warning").filter(has_text="Đã tạo tài khoản mới")
    expect(warning).to_contain_text(f"tài khoản cũ {NGA_CMND} không hiển thị")
    expect(page.get_by_text("Bạn chưa có hồ sơ nào")).to_be_visible()
    expect(page.get_by_test_id("dossiers")).to_have_count(0)
    page.screens.shot("new-empty-account")
    new_account = User.objects.get(cccd_number=NGA_CCCD)
    assert new_account.username == NGA_CCCD
    assert new_account.dossiers.count() == 0
    old = User.objects.get(username=NGA_CMND)
    assert old.cccd_number == ""
    assert old.check_password(PASSWORD)
    assert sorted(old.dossiers.values_list("code", flat=True)) == list(NGA_DOSSIERS)


def test_vneid_only_citizen_gets_a_new_account_and_the_later_link_hint(page):
    assert not User.objects.filter(cccd_number=HOA_CCCD).exists()
    click_vneid_button(page)
    log_in_at_vneid(page, HOA_CCCD)

    expect(page).to_have_url(f"{page.base_url}{DOSSIERS_PATH}")
    expect_logged_in_as(page, "Lê Thị Hoa")
    notice = page.locator(".alert-success").filter(has_text="Đã tạo tài khoản")
    expect(notice).to_contain_text("liên kết dữ liệu cũ vào tài khoản này")
    expect(page.get_by_text("Bạn chưa có hồ sơ nào")).to_be_visible()
    page.screens.shot("new-account")
    hoa = User.objects.get(cccd_number=HOA_CCCD)
    assert hoa.full_name == "Lê Thị Hoa"
    assert hoa.audit_entries.filter(action=AuditEntry.Action.VNEID_ACCOUNT_CREATED).count() == 1


def test_level_1_citizen_is_refused_with_how_to_upgrade(page):
    click_vneid_button(page)
    log_in_at_vneid(page, KHOA_CCCD)

    refusal = page.get_by_test_id("vneid-error")
    expect(refusal).to_have_attribute("data-kind", "level")
    expect(refusal.get_by_role("heading")).to_have_text(
        "Cổng yêu cầu tài khoản định danh điện tử mức 2"
    )
    expect(refusal).to_contain_text("Bạn chưa được đăng nhập vào Cổng")
    expect(refusal.get_by_test_id("vneid-level-steps")).to_contain_text("Công an")
    expect(refusal.get_by_test_id("vneid-level-steps").locator("li")).to_have_count(3)
    expect_not_logged_in(page)
    page.screens.shot("level-refused")

    page.goto(f"{page.base_url}{DOSSIERS_PATH}")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    page.screens.shot("still-logged-out")
    khoa = User.objects.get(username=KHOA_CCCD)
    assert khoa.audit_entries.filter(action=AuditEntry.Action.VNEID_LOGIN).count() == 0


def test_cancel_at_vneid_returns_to_the_login_page_with_a_message(page):
    click_vneid_button(page)
    expect_vneid_login_page(page)

    page.get_by_test_id("vneid-cancel").click()

    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=%2Fho-so%2F$"))
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    expect(
        page.get_by_role("alert").filter(has_text="Bạn đã huỷ đăng nhập bằng VNeID")
    ).to_be_visible()
    expect_not_logged_in(page)
    page.screens.shot("cancelled")


def test_portal_logout_ends_the_vneid_session_too(page):
    link_cccd_in_step_3(page)
    click_vneid_button(page)
    log_in_at_vneid(page, NGA_CCCD)
    expect_dossiers(page, NGA_DOSSIERS)

    # Control: with only the portal session gone, VNeID's live session signs her in silently.
    page.context.clear_cookies(name="dvc_sessionid")
    click_vneid_button(page)
    expect_dossiers(page, NGA_DOSSIERS)
    expect_logged_in_as(page, "Tô Thị Nga")
    page.screens.shot("silent-sso-while-vneid-session-lives")

    press_logout(page)
    expect(page).to_have_url(f"{page.base_url}/")
    expect_not_logged_in(page)
    page.screens.shot("logged-out")

    click_vneid_button(page)
    expect_vneid_login_page(page)
    expect(page.get_by_label("Mật khẩu", exact=True)).to_have_value("")


def test_logout_ends_on_the_portal_even_when_vneid_would_refuse_the_id_token_hint(page):
    link_cccd_in_step_3(page)
    click_vneid_button(page)
    log_in_at_vneid(page, NGA_CCCD)
    expect_dossiers(page, NGA_DOSSIERS)
    # VNeID rotates its key and withdraws the old one: her ID token no longer verifies there.
    retired = active_signing_key().kid
    rotate_signing_key()
    unpublish_signing_key(kid=retired)

    press_logout(page)

    expect(page.get_by_role("heading", name="Đăng xuất khỏi VNeID?")).to_be_visible()
    page.screens.shot("vneid-asks-without-a-hint")
    page.get_by_test_id("vneid-logout-form").get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(f"{page.base_url}/")
    expect(page.locator("body")).to_contain_text("Bạn đã đăng xuất khỏi Cổng Dịch vụ công Quốc gia")
    expect_not_logged_in(page)
    page.screens.shot("logged-out-on-the-portal")
    click_vneid_button(page)
    expect_vneid_login_page(page)


def test_vneid_outage_switched_in_the_console_gets_a_clear_page(page):
    page.goto(f"{page.base_url}/sandbox/")
    vneid_form = page.locator("form[action='/sandbox/faults/vneid/']")
    vneid_form.get_by_label("Tình trạng").select_option("outage")
    vneid_form.get_by_role("button", name="Áp dụng").click()
    expect(page.get_by_test_id("vneid-fault")).to_have_text("Ngừng hoạt động (503)")
    page.screens.shot("console-vneid-outage")

    click_vneid_button(page)

    expect(page.get_by_role("heading", name="Chưa kết nối được tới VNeID")).to_be_visible()
    expect(page.locator("body")).to_contain_text("đăng nhập bằng số CMT/CCCD và mật khẩu")
    expect_not_logged_in(page)
    page.screens.shot("vneid-unavailable")
