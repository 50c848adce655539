"""Real headless Chromium (Debian's, driven by Playwright) against a live server."""

import os
import re
import shutil
from pathlib import Path

import pytest

from citizen_registry.services import ensure_api_client
from sandbox.personas import ensure_personas

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _browser_required():
    return bool(os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"))


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM}: install Debian's package 'chromium'"
        if _browser_required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def sandbox_server(live_server, transactional_db, settings):
    """The live server with the portal pointed at its own registry API, personas seeded."""
    settings.REGISTRY_BASE_URL = f"{live_server.url}/registry/api/v1/"
    ensure_api_client(
        name="Cổng Dịch vụ công Quốc gia", raw_key=settings.REGISTRY_API_KEY, can_read_records=True
    )
    ensure_personas()
    return live_server


class Screens:
    """Save a numbered screenshot of each screen a test passes through."""

    def __init__(self, page, test_name):
        self.page = page
        self.folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", test_name)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.count = 0

    def shot(self, name):
        self.count += 1
        path = self.folder / f"{self.count:02d}-{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def page(chromium, sandbox_server, request):
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.base_url = sandbox_server.url
    page.screens = Screens(page, request.node.name)
    yield page
    context.close()
