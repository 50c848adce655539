"""The error pages in a real browser: the portal's look, Vietnamese, with a way on."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_a_missing_page_offers_the_home_page_and_help(page):
    response = page.goto(f"{page.base_url}/khong-co-trang-nay/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy trang")).to_be_visible()
    expect(page.get_by_text("CỔNG DỊCH VỤ CÔNG QUỐC GIA")).to_be_visible()
    page.screens.shot("404")
    # The status code stands centred above the heading, at every width.
    code, heading = (
        page.locator(selector).bounding_box()
        for selector in (".error-code", "[data-testid=error-page] h1")
    )
    assert abs((code["x"] + code["width"] / 2) - (heading["x"] + heading["width"] / 2)) < 2
    page.get_by_test_id("error-page").get_by_role("link", name="Hỗ trợ").click()
    expect(page).to_have_url(re.compile(r"/ho-tro/$"))
    expect(page.get_by_role("heading", name="Hỗ trợ", exact=True)).to_be_visible()
