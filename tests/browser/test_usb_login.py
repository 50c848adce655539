"""Guide step 1's "USB ký số" tab in a real browser: the plugin, the PIN, the CA's checks."""

import re

import pytest
from playwright.sync_api import expect

from certificate_authority import services as ca
from certificate_authority.models import UsbToken
from tests.personas import NGA_CMND, NGA_USB_PIN

pytestmark = pytest.mark.browser

SERVICE_PATH = "/dich-vu-cong/cap-phieu-ly-lich-tu-phap/"


def expect_usb_tab_shown(page):
    """Wait for the USB tab's fade-in, so what it says is on screen."""
    expect(page.locator("#pane-usb")).to_have_class(re.compile(r"\bshow\b"))
    expect(page.get_by_test_id("usb-login")).to_be_visible()


def open_plugin(page):
    """Ask for the e-service, choose the USB tab, press "Đăng nhập": the plugin opens."""
    page.goto(f"{page.base_url}{SERVICE_PATH}")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))
    page.get_by_role("tab", name="USB ký số").click()
    expect_usb_tab_shown(page)
    usb = page.get_by_test_id("usb-login")
    page.screens.shot("usb-tab")
    usb.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_test_id("signing-plugin")).to_be_visible()
    expect(page.get_by_test_id("plugin-challenge")).to_contain_text("DVCQG-DANG-NHAP|usb|")


def sign(page, pin, holder="Tô Thị Nga"):
    page.get_by_test_id("plugin-token").filter(has_text=holder).get_by_role("radio").check()
    page.get_by_label("Mã PIN của thiết bị").fill(pin)
    page.get_by_role("button", name="Ký số").click()


def test_nga_logs_in_with_her_usb_token_and_gets_the_cccd_screen(page):
    open_plugin(page)
    page.screens.shot("plugin")
    sign(page, NGA_USB_PIN)
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="))
    expect(page.get_by_label("Chứng minh nhân dân*")).to_have_value(NGA_CMND)
    expect(page.get_by_test_id("header-user")).to_contain_text("Tô Thị Nga")
    page.screens.shot("cccd-screen")
    page.get_by_role("button", name="Bỏ qua").click()
    expect(page).to_have_url(f"{page.base_url}{SERVICE_PATH}")


def test_three_wrong_pins_lock_the_token_and_the_portal_says_so(page):
    open_plugin(page)
    sign(page, "000000")
    expect(page.get_by_test_id("plugin-error")).to_contain_text("Bạn còn 2 lần thử")
    page.screens.shot("wrong-pin-1")
    sign(page, "111111")
    expect(page.get_by_test_id("plugin-error")).to_contain_text("Bạn còn 1 lần thử")
    sign(page, "222222")
    expect(page.get_by_test_id("plugin-locked")).to_contain_text(
        "đã bị khoá do nhập sai mã PIN quá 3 lần"
    )
    page.screens.shot("token-locked")
    page.get_by_test_id("plugin-back").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next=.*#usb-ky-so$"))
    expect(page.get_by_role("alert")).to_contain_text("nhập sai mã PIN quá 3 lần")
    expect_usb_tab_shown(page)
    expect(page.get_by_role("banner").get_by_role("link", name="Đăng nhập")).to_be_visible()
    page.screens.shot("login-after-lock")

    # The token stays locked: the plugin no longer offers it, even with the right PIN.
    page.get_by_test_id("usb-login").get_by_role("button", name="Đăng nhập").click()
    nga_token = page.get_by_test_id("plugin-token").filter(has_text="Tô Thị Nga")
    expect(nga_token.get_by_test_id("token-locked")).to_be_visible()
    expect(nga_token.get_by_role("radio")).to_be_disabled()


def test_a_revoked_certificate_does_not_log_in(page):
    token = UsbToken.objects.get(certificate__id_number=NGA_CMND)
    ca.revoke_certificate(certificate=token.certificate, revocation_reason="key_compromise")
    open_plugin(page)
    sign(page, NGA_USB_PIN)
    expect(page).to_have_url(re.compile(r"/dang-nhap/.*#usb-ky-so$"))
    expect(page.get_by_role("alert")).to_contain_text("Chứng thư số đã bị thu hồi")
    expect_usb_tab_shown(page)
    expect(page.get_by_role("banner").get_by_role("link", name="Đăng nhập")).to_be_visible()
    page.screens.shot("revoked")


def test_the_console_shows_a_locked_token_and_a_reset_unlocks_it(page):
    token = UsbToken.objects.get(certificate__id_number=NGA_CMND)
    UsbToken.objects.filter(pk=token.pk).update(failed_pin_attempts=3)
    page.goto(f"{page.base_url}/sandbox/")
    row = page.locator('[data-usb-token="nga"]')
    expect(row).to_contain_text("thiết bị bị khoá")
    expect(row).to_contain_text(NGA_USB_PIN)
    expect(row).to_contain_text(token.certificate.serial_number)
    page.screens.shot("console-locked")
    page.locator('[data-persona="nga"]').get_by_role("button", name="Đặt lại").click()
    expect(page.locator('[data-usb-token="nga"]')).not_to_contain_text("thiết bị bị khoá")
    open_plugin(page)
    sign(page, NGA_USB_PIN)
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="))
