"""Chromium enforces the Content-Security-Policy and the pages work under it, unviolated."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_chromium_blocks_an_injected_inline_script_and_reports_it(page):
    page.goto(f"{page.base_url}/")

    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injectedRan = true";
                document.body.appendChild(script);
            }"""
        )

    assert page.evaluate("() => window.injectedRan === undefined")
    assert any("script-src" in violation for violation in page.csp_violations)
    # Seen, so the watcher works; the fixture asserts the other tests see none.
    page.csp_violations.clear()


def test_portal_pages_and_the_captcha_refresh_work_under_the_policy(page):
    for path in ("/", "/thong-tin-va-dich-vu/", "/ho-tro/", "/quen-mat-khau/", "/sandbox/"):
        page.goto(f"{page.base_url}{path}")
    page.goto(f"{page.base_url}/dang-nhap/")
    image = page.get_by_test_id("captcha-image")
    before = image.get_attribute("src")

    page.get_by_test_id("captcha-refresh").click()

    expect(image).not_to_have_attribute("src", before)
    page.screens.shot("login-after-captcha-refresh")


def test_vneid_login_page_scripts_work_under_the_policy(page):
    page.goto(f"{page.base_url}/dang-nhap/")
    page.get_by_test_id("login-vneid").click()
    expect(page).to_have_url(re.compile(r"/vneid/authorize"))
    password = page.locator('input[autocomplete="current-password"]')

    page.get_by_test_id("vneid-toggle-password").click()
    with page.expect_response(re.compile(r"/vneid/qr/status")) as polled:
        pass

    expect(password).to_have_attribute("type", "text")
    assert polled.value.ok
    page.screens.shot("vneid-login")
    page.goto(f"{page.base_url}/vneid/app/")
    expect(page.get_by_test_id("vneid-app")).to_be_visible()
    page.screens.shot("vneid-app")


def test_admin_login_page_works_under_the_policy(page):
    page.goto(f"{page.base_url}/admin/login/")

    expect(page.get_by_test_id("sandbox-marker")).to_have_css("font-weight", "700")
    page.screens.shot("admin-login")
