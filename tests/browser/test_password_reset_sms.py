"""Forgot password by SMS in a real browser: the code on the simulated phone, wrong, expired."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from tests.personas import NGA_CMND, NGA_PHONE

from .conftest import Screens

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Mat-Khau-Moi-2026"


@pytest.fixture
def phone(chromium, sandbox_server, request):
    """Nga's simulated phone, in its own browser context."""
    context = chromium.new_context(locale="vi-VN", viewport={"width": 420, "height": 860})
    context.set_default_timeout(15_000)
    handset = context.new_page()
    handset.base_url = sandbox_server.url
    handset.screens = Screens(handset, f"{request.node.name}-phone")
    handset.goto(f"{sandbox_server.url}/nha-mang/dien-thoai/")
    handset.get_by_label("Số điện thoại").fill(NGA_PHONE)
    handset.get_by_role("button", name="Mở điện thoại").click()
    yield handset
    context.close()


def ask_for_a_code(page):
    page.goto(f"{page.base_url}/dang-nhap/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    expect(page.get_by_role("heading", name="Quên mật khẩu")).to_be_visible()
    form = page.get_by_test_id("password-reset-sms-form")
    form.get_by_label("Tên đăng nhập").fill(NGA_CMND)
    form.get_by_label("Nhập mã xác thực").fill("PASSED")
    page.screens.shot("forgot-password")
    form.get_by_role("button", name="Gửi mã OTP").click()
    expect(page).to_have_url(f"{page.base_url}/quen-mat-khau/nhap-ma/")
    expect(page.get_by_test_id("otp-sent-to")).to_contain_text("091*****78")


def code_on_the_phone(handset, count):
    """Return the newest code once the phone shows count SMS (it refreshes by itself)."""
    expect(handset.get_by_test_id("phone-sms")).to_have_count(count)
    text = handset.get_by_test_id("phone-sms").first.inner_text()
    return re.search(r"\b(\d{6})\b", text).group(1)


def enter(page, code):
    page.get_by_label("Mã OTP").fill(code)
    page.get_by_role("button", name="Xác nhận").click()


def test_nga_resets_her_password_with_the_sms_code_after_a_wrong_and_an_expired_one(page, phone):
    ask_for_a_code(page)
    first = code_on_the_phone(phone, 1)
    phone.screens.shot("sms")

    enter(page, "000000" if first != "000000" else "111111")
    expect(page.get_by_test_id("form-error")).to_contain_text(
        "Mã OTP không đúng. Bạn còn 2 lần thử."
    )
    page.screens.shot("wrong-code")

    with time_machine.travel(timezone.now() + timedelta(minutes=5, seconds=5), tick=True):
        enter(page, first)
        expect(page.get_by_test_id("form-error")).to_contain_text("Mã OTP đã hết hạn")
        page.screens.shot("expired-code")

        page.get_by_test_id("otp-new-code").click()
        ask_for_a_code(page)
        second = code_on_the_phone(phone, 2)
        enter(page, second)
        expect(page).to_have_url(f"{page.base_url}/quen-mat-khau/mat-khau-moi/")
        page.locator("input[name=new_password1]").fill(NEW_PASSWORD)
        page.locator("input[name=new_password2]").fill(NEW_PASSWORD)
        page.screens.shot("new-password")
        page.get_by_role("button", name="Đặt mật khẩu mới").click()
        expect(page.get_by_role("heading", name="Đã đặt mật khẩu mới")).to_be_visible()

        page.get_by_role("link", name="Đăng nhập").last.click()
        form = page.get_by_test_id("login-form")
        form.get_by_label("Tên đăng nhập").fill(NGA_CMND)
        form.get_by_label("Mật khẩu").fill(NEW_PASSWORD)
        form.get_by_label("Nhập mã xác thực").fill("PASSED")
        form.get_by_role("button", name="Đăng nhập").click()
        expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/"))


def test_the_sms_shows_in_the_sandbox_outbox(page, phone):
    ask_for_a_code(page)
    code = code_on_the_phone(phone, 1)

    page.goto(f"{page.base_url}/sandbox/")

    expect(page.get_by_test_id("sms-outbox")).to_contain_text(code)
    page.screens.shot("console-sms")
