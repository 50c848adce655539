"""On a 360×740 phone the header folds into a menu button and each page's content shows at once."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAGES = ("/", "/dang-nhap/", "/thong-tin-va-dich-vu/", "/ho-tro/")


def test_header_menu_folds_on_a_phone_and_content_starts_on_the_first_screen(page):
    toggle = page.get_by_test_id("menu-toggle")
    menu = page.locator("#portal-menu")
    for path in PAGES:
        page.goto(f"{page.base_url}{path}")
        heading = page.locator("main h1").first
        top = heading.evaluate("(el) => el.getBoundingClientRect().top")
        assert top < page.viewport_size["height"] / 2, f"{path}: content starts at {top}px"
        if page.viewport_size["width"] >= 768:
            expect(toggle).to_be_hidden()
            expect(menu.get_by_role("link", name="Hỗ trợ")).to_be_visible()
            continue
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(menu.get_by_role("link", name="Hỗ trợ")).to_be_hidden()

    if page.viewport_size["width"] >= 768:
        return
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(menu.get_by_role("link", name="Hỗ trợ")).to_be_visible()
    page.screens.shot("phone-menu-open")
    menu.get_by_role("link", name="Hỗ trợ").click()
    expect(page.locator("main h1").first).to_be_visible()
