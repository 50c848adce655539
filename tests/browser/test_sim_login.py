"""Sim ký số in a real browser: the portal page and the simulated phone, side by side."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from mobile_operator.models import SigningRequest
from tests.personas import AN_PHONE, AN_SIM_PIN, NGA_PHONE, NGA_SIM_PIN

from .conftest import Screens

pytestmark = pytest.mark.browser


@pytest.fixture
def phone(chromium, sandbox_server, request):
    """The citizen's simulated phone: a second browser context, as a second device."""
    context = chromium.new_context(locale="vi-VN", viewport={"width": 420, "height": 860})
    context.set_default_timeout(15_000)
    handset = context.new_page()
    handset.base_url = sandbox_server.url
    handset.screens = Screens(handset, f"{request.node.name}-phone")
    yield handset
    context.close()


def open_phone(handset, number):
    handset.goto(f"{handset.base_url}/nha-mang/dien-thoai/")
    handset.get_by_label("Số điện thoại").fill(number)
    handset.get_by_role("button", name="Mở điện thoại").click()
    expect(handset.get_by_test_id("phone-number")).to_have_text(number)


def start_sim_login(page, number, *, next_path="/ho-so/"):
    page.goto(f"{page.base_url}/dang-nhap/?next={next_path}")
    page.get_by_role("tab", name="Sim ký số").click()
    page.get_by_test_id("sim-phone-number").fill(number)
    expect(page.get_by_test_id("sim-login-form")).to_be_visible()
    page.screens.shot("sim-tab")
    page.get_by_test_id("sim-login-submit").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap/sim-ky-so/cho-xac-nhan/$"))
    code = page.get_by_test_id("sim-confirmation-code").inner_text().strip()
    page.screens.shot("waiting")
    return code


def test_an_approves_on_his_phone_and_lands_on_his_dossiers(page, phone):
    open_phone(phone, AN_PHONE)
    expect(phone.get_by_test_id("phone-no-request")).to_be_visible()
    code = start_sim_login(page, AN_PHONE)

    # The phone page shows the new request by itself, as a phone shows a notification.
    expect(phone.get_by_test_id("phone-confirmation-code")).to_have_text(code)
    phone.screens.shot("signing-request")
    phone.get_by_test_id("phone-pin").fill(AN_SIM_PIN)
    phone.get_by_test_id("phone-approve").click()
    expect(phone.get_by_test_id("phone-message")).to_contain_text("Đã ký xác nhận")

    expect(page).to_have_url(f"{page.base_url}/ho-so/")
    expect(page.get_by_test_id("header-user")).to_contain_text("Nguyễn Văn An")
    page.screens.shot("logged-in")


def test_nga_is_sent_to_the_cccd_screen_after_a_sim_login(page, phone):
    start_sim_login(page, NGA_PHONE)
    open_phone(phone, NGA_PHONE)
    phone.get_by_test_id("phone-pin").fill(NGA_SIM_PIN)
    phone.get_by_test_id("phone-approve").click()

    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next=%2Fho-so%2F"))


def test_a_refusal_on_the_phone_is_shown_on_the_portal_page(page, phone):
    start_sim_login(page, NGA_PHONE)
    open_phone(phone, NGA_PHONE)
    phone.get_by_test_id("phone-refuse").click()

    expect(page.get_by_test_id("sim-login-message")).to_contain_text("Bạn đã từ chối yêu cầu ký số")
    expect(page.get_by_test_id("sim-login-again")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Đăng nhập")).to_be_visible()
    page.screens.shot("refused")


def test_a_wrong_pin_is_counted_on_the_portal_page_and_three_lock_the_sim(page, phone):
    start_sim_login(page, NGA_PHONE)
    open_phone(phone, NGA_PHONE)
    phone.get_by_test_id("phone-pin").fill("000000")
    phone.get_by_test_id("phone-approve").click()
    expect(phone.get_by_test_id("phone-pin-error")).to_contain_text("Bạn còn 2 lần thử")
    expect(page.get_by_test_id("sim-login-note")).to_contain_text("Còn 2 lần thử")

    for _ in range(2):
        phone.get_by_test_id("phone-pin").fill("000000")
        phone.get_by_test_id("phone-approve").click()

    expect(phone.get_by_test_id("phone-message")).to_contain_text("đã bị khoá")
    expect(page.get_by_test_id("sim-login-message")).to_contain_text("nhập sai 3 lần")
    page.screens.shot("sim-locked")


def test_no_answer_within_two_minutes_times_out(page, phone):
    start_sim_login(page, NGA_PHONE)
    assert SigningRequest.objects.filter(status="pending").count() == 1

    # The live server runs in this process: moving the clock moves the portal's and the
    # operator's clocks together.
    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=5), tick=True):
        expect(page.get_by_test_id("sim-login-message")).to_contain_text("Đã quá 2 phút")
        page.screens.shot("timeout")
        open_phone(phone, NGA_PHONE)
        expect(phone.get_by_test_id("phone-no-request")).to_be_visible()


def test_operator_down_is_said_on_the_login_page(page):
    from mobile_operator.faults import Mode, set_fault

    set_fault(Mode.OUTAGE)
    page.goto(f"{page.base_url}/dang-nhap/")
    page.get_by_role("tab", name="Sim ký số").click()
    page.get_by_test_id("sim-phone-number").fill(NGA_PHONE)
    page.get_by_test_id("sim-login-submit").click()

    expect(page.get_by_test_id("sim-login-problem")).to_contain_text("đang gián đoạn")
    page.screens.shot("operator-down")
