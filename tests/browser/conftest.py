"""Real headless Chromium (Debian's, driven by Playwright) against a live server."""

import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from sandbox.personas import ensure_personas, register_portal
from tests.browser.accessibility import RECORD, Watch, install_action_hooks


@pytest.fixture
def sandbox_server(live_server, transactional_db, settings):
    """The live server with the portal pointed at its own registry API, personas seeded."""
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": f"{live_server.url}/registry/api/v1/"}
    settings.VNEID = {**settings.VNEID, "ISSUER": f"{live_server.url}/vneid"}
    settings.MOBILE_OPERATOR = {
        **settings.MOBILE_OPERATOR,
        "BASE_URL": f"{live_server.url}/nha-mang/api/v1/",
    }
    settings.CA = {**settings.CA, "BASE_URL": f"{live_server.url}/ca/"}
    register_portal(base_urls=[live_server.url])
    ensure_personas()
    return live_server


ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


class Screens:
    """Save a numbered screenshot of each screen a test passes through, checked by axe first."""

    def __init__(self, page, test_name, watch=None):
        self.page = page
        self.watch = watch
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def shot(self, name):
        self.count += 1
        if self.watch is not None:
            self.watch.check(state=name)
        path = self.folder / f"{self.count:02d}-{name}.png"
        # Finish CSS transitions (tab fades) at once, so each shot shows the settled screen.
        self.page.screenshot(path=str(path), full_page=True, animations="disabled")
        return path


VIEWPORTS = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 360, "height": 740}}


@pytest.fixture(scope="session", autouse=True)
def accessibility_record():
    """Write what axe checked in the whole run to test-artifacts/accessibility/."""
    yield RECORD
    RECORD.write()


@pytest.fixture(params=list(VIEWPORTS))
def page(chromium, sandbox_server, request, monkeypatch):
    """A page at desktop and at phone width; every document it shows must pass axe and reflow."""
    viewport = VIEWPORTS[request.param]
    # Reduced motion: axe then reads a tab pane's final colours, not a frame of its fade-in.
    context = chromium.new_context(locale="vi-VN", viewport=viewport, reduced_motion="reduce")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = sandbox_server.url
    page.accessibility = Watch(page, request.node.name, viewport["width"])
    install_action_hooks(monkeypatch, [page.accessibility])
    page.screens = Screens(page, request.node.name, page.accessibility)
    page.csp_violations = watch_csp_violations(page)
    yield page
    page.accessibility.check_pending()
    context.close()
    assert page.csp_violations == [], "Chromium reported Content-Security-Policy violations"
    assert page.accessibility.failures == [], "axe or the 320 px reflow check found problems:\n" + (
        "\n".join(page.accessibility.failures)
    )


def watch_csp_violations(page):
    """Collect the Content-Security-Policy violations Chromium reports on its console."""
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text:
            violations.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return violations


def press_logout(page):
    """Open the header's user menu ("👤 name ▾") and press "Đăng xuất" in it."""
    page.get_by_test_id("header-user").click()
    page.get_by_test_id("user-menu").get_by_role("button", name="Đăng xuất").click()


def open_main_menu(page):
    """On a phone the main menu folds behind "Danh mục": open it (a no-op on a desktop)."""
    toggle = page.get_by_test_id("menu-toggle")
    if toggle.is_visible():
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
