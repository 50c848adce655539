"""The login page's own scripts in real Chromium: the password eye and QR auto-continue."""

from urllib.parse import parse_qs, urlsplit

import pytest

from .flows import NGA_CCCD, PASSWORD, REDIRECT_URI, authorize_params, authorize_url

pytestmark = pytest.mark.browser


def _new_page(chromium):
    context = chromium.new_context(locale="vi-VN")
    context.set_default_timeout(15_000)
    return context, context.new_page()


def _collecting_the_login(response):
    return response.request.method == "POST" and "/vneid/authorize" in response.url


def test_eye_button_shows_and_hides_the_password(chromium, live_server, nga, rp, pkce):
    context, page = _new_page(chromium)
    page.goto(live_server.url + authorize_url(authorize_params(rp, pkce)))
    password = page.get_by_label("Mật khẩu", exact=True)

    page.get_by_test_id("vneid-toggle-password").click()
    shown = password.get_attribute("type")
    page.get_by_test_id("vneid-toggle-password").click()

    assert (shown, password.get_attribute("type")) == ("text", "password")
    context.close()


def test_waiting_page_continues_by_itself_after_approval_in_the_app(
    chromium, live_server, nga, rp, pkce
):
    browser_context, browser = _new_page(chromium)
    phone_context, phone = _new_page(chromium)
    browser.goto(live_server.url + authorize_url(authorize_params(rp, pkce)))
    qr_link = browser.get_by_test_id("vneid-qr-link").input_value()

    phone.goto(qr_link)
    phone.get_by_label("Số định danh cá nhân").fill(NGA_CCCD)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    # The relying party is fictional (its host does not resolve): watch the redirect to it.
    with browser.expect_response(_collecting_the_login) as collected:
        phone.get_by_test_id("vneid-app-approve").click()

    location = collected.value.headers["location"]
    assert location.startswith(REDIRECT_URI + "?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["state-123"]
    assert query["code"][0]
    browser_context.close()
    phone_context.close()


def test_refusal_in_the_app_is_shown_on_the_waiting_page(chromium, live_server, nga, rp, pkce):
    browser_context, browser = _new_page(chromium)
    phone_context, phone = _new_page(chromium)
    browser.goto(live_server.url + authorize_url(authorize_params(rp, pkce)))
    qr_link = browser.get_by_test_id("vneid-qr-link").input_value()

    phone.goto(qr_link)
    phone.get_by_label("Số định danh cá nhân").fill(NGA_CCCD)
    phone.get_by_label("Mật khẩu").fill(PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.get_by_test_id("vneid-app-refuse").click()

    message = browser.get_by_test_id("vneid-qr-message")
    message.wait_for(state="visible")
    assert "từ chối" in message.inner_text()
    browser_context.close()
    phone_context.close()
