"""Guide steps 1–4 with the keyboard alone, every focused control showing a visible focus ring."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from sandbox.personas import PASSWORD, VNEID_PASSWORD

pytestmark = pytest.mark.browser

NGA_CMND = "164438056"
NGA_CCCD = "037190612345"
SERVICE_PATH = "/dich-vu-cong/cap-phieu-ly-lich-tu-phap/"
MAX_TABS = 60
User = get_user_model()

# The focused element's indicator: an outline at least 2 px wide whose colour contrasts ≥ 3:1 with
# the background it is drawn on (WCAG 2.2 SC 1.4.11 / 2.4.7), as Chromium computes the styles.
FOCUS_INDICATOR = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return {ok: false, why: "nothing focused"};
    const rgb = (text) => {
        const m = text.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
        return {r, g, b, a};
    };
    const luminance = ({r, g, b}) => {
        const lin = (c) => (c /= 255) <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
    };
    const background = (node) => {
        for (let n = node; n; n = n.parentElement) {
            const colour = rgb(getComputedStyle(n).backgroundColor);
            if (colour && colour.a > 0.5) return colour;
        }
        return {r: 255, g: 255, b: 255, a: 1};
    };
    const style = getComputedStyle(el);
    const name = el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + " " +
        (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 40);
    const width = parseFloat(style.outlineWidth);
    if (style.outlineStyle === "none" || width < 2) {
        const outline = `${style.outlineStyle} ${style.outlineWidth}`;
        return {ok: false, why: `${name}: no outline (${outline})`};
    }
    const ring = rgb(style.outlineColor);
    // An outline with an offset is drawn on the parent's background, not the element's own.
    const offset = parseFloat(style.outlineOffset) > 0;
    const behind = offset ? background(el.parentElement) : background(el);
    const [hi, lo] = [luminance(ring), luminance(behind)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    return {ok: ratio >= 3, why: `${name}: focus ring contrast ${ratio.toFixed(2)}:1`, ratio};
}"""


def assert_focus_visible(page):
    indicator = page.evaluate(FOCUS_INDICATOR)
    assert indicator["ok"], indicator["why"]


def press(page, key):
    """Press a key; whatever gets the focus must show it (on the next page, if it navigates)."""
    page.keyboard.press(key)
    for _ in range(5):
        try:
            page.wait_for_load_state()
            # One evaluation: a page that is leaving (a form just submitted) may drop its focus
            # between two, which is not a missing focus ring.
            indicator = page.evaluate(FOCUS_INDICATOR)
            if indicator["why"] != "nothing focused":
                assert indicator["ok"], indicator["why"]
            return
        except PlaywrightError as error:
            if "context was destroyed" not in str(error):
                raise


def tab_to(page, locator, *, backwards=False):
    """Press Tab (or Shift+Tab) until locator has the focus, checking each stop's focus ring."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        press(page, key)
        if locator.evaluate("(el) => el === document.activeElement"):
            return
    raise AssertionError(f"{MAX_TABS} × {key} never reached {locator}")


def test_citizen_walks_steps_1_to_4_with_the_keyboard_alone(page):
    page.goto(f"{page.base_url}{SERVICE_PATH}")
    expect(page).to_have_url(re.compile(r"/dang-nhap/\?next="))

    # The login form focuses "Tên đăng nhập"; back up to the skip link, the page's first stop,
    # which jumps past the header and menu.
    expect(page.get_by_label("Tên đăng nhập")).to_be_focused()
    tab_to(page, page.get_by_test_id("skip-link"), backwards=True)
    press(page, "Enter")
    expect(page).to_have_url(re.compile(r"#main$"))

    # Step 1: the login tabs answer the arrow keys.
    password_tab = page.get_by_role("tab", name="CMT/CCCD")
    tab_to(page, password_tab)
    press(page, "ArrowRight")
    expect(page.get_by_role("tab", name="USB ký số")).to_be_focused()
    expect(page.get_by_role("tab", name="USB ký số")).to_have_attribute("aria-selected", "true")
    press(page, "ArrowLeft")
    expect(password_tab).to_have_attribute("aria-selected", "true")
    page.screens.shot("login-tabs-by-keyboard")

    # A submit with nothing filled in: focus goes to the error summary, whose links reach fields.
    form = page.get_by_test_id("login-form")
    tab_to(page, form.get_by_role("button", name="Đăng nhập"))
    press(page, "Enter")
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()
    assert_focus_visible(page)
    page.screens.shot("login-error-summary")
    username = page.get_by_label("Tên đăng nhập")
    expect(username).to_have_attribute("aria-invalid", "true")
    error_id = username.get_attribute("aria-describedby").split()[0]
    expect(page.locator(f"#{error_id}")).to_be_visible()
    tab_to(page, summary.get_by_role("link").first)
    press(page, "Enter")
    expect(username).to_be_focused()

    page.keyboard.type(NGA_CMND)
    press(page, "Tab")
    # The citizen's form: the "Tổ chức" tab has a password and a captcha of its own.
    form = page.get_by_test_id("login-form")
    expect(form.get_by_label("Mật khẩu")).to_be_focused()
    page.keyboard.type(PASSWORD)
    tab_to(page, form.get_by_label("Nhập mã xác thực"))
    page.keyboard.type("PASSED")
    press(page, "Enter")

    # Steps 2 and 3: the CCCD screen, "Bỏ qua" before "Cập nhật" as on screen; Enter updates.
    expect(page).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="))
    cccd = page.get_by_placeholder("Nhập số cccd")
    tab_to(page, cccd)
    tab_to(page, page.get_by_role("button", name="Bỏ qua"))
    press(page, "Tab")
    expect(page.get_by_role("button", name="Cập nhật", exact=True)).to_be_focused()
    tab_to(page, cccd, backwards=True)
    page.keyboard.type("0371")
    press(page, "Enter")
    expect(page.get_by_test_id("error-summary")).to_be_focused()
    expect(cccd).to_have_attribute("aria-invalid", "true")
    page.screens.shot("cccd-error-summary")
    tab_to(page, cccd)
    page.keyboard.press("Control+A")
    page.keyboard.type(NGA_CCCD)
    press(page, "Enter")
    expect(page).to_have_url(f"{page.base_url}{SERVICE_PATH}")
    assert User.objects.get(username=NGA_CMND).cccd_number == NGA_CCCD

    # Log out from the user menu, by keyboard.
    tab_to(page, page.get_by_test_id("header-user"), backwards=True)
    press(page, "Enter")
    tab_to(page, page.get_by_role("button", name="Đăng xuất"))
    press(page, "Enter")
    expect(page.get_by_role("banner").get_by_role("link", name="Đăng nhập")).to_be_visible()

    # Step 4: "Đăng nhập bằng VNeID" and the VNeID login, by keyboard.
    page.goto(f"{page.base_url}/dang-nhap/?next={SERVICE_PATH}")
    tab_to(page, page.get_by_test_id("login-vneid"))
    press(page, "Enter")
    expect(page).to_have_url(re.compile(r"/vneid/authorize\?"))
    expect(page.get_by_label("Số định danh cá nhân")).to_be_focused()
    page.keyboard.type(NGA_CCCD)
    press(page, "Tab")
    page.keyboard.type(VNEID_PASSWORD)
    press(page, "Enter")
    expect(page).to_have_url(f"{page.base_url}{SERVICE_PATH}", timeout=15_000)
    expect(page.get_by_test_id("header-user")).to_contain_text("Tô Thị Nga")
    page.screens.shot("logged-in-with-vneid")
