"""Fixtures shared by every test package."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from that
# thread (fixtures, assertions) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
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


def verify_admin_session(client, user):
    """Log user in on the test client with a confirmed TOTP device, as the admin requires."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin_client, verified by a second factor like every admin login."""
    return verify_admin_session(client, admin_user)


@pytest.fixture(autouse=True)
def _fresh_django_cache():
    """Start every test with an empty cache (the portal caches VNeID's discovery and keys)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# Tests get a Redis database of their own (the machine's Redis on 127.0.0.1:6379) and a key
# prefix per test, so parallel runs and other users of the server never see each other's keys.
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/9")


def redis_available(url=TEST_REDIS_URL):
    """Return whether the Redis at url answers PING, failing the test in CI if it does not."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"no Redis at {url}: .ci/run starts it")
        return False


@pytest.fixture
def redis_cache(settings):
    """Point Django's cache at the test Redis under a fresh key prefix; skip without Redis."""
    import secrets

    if not redis_available():
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": TEST_REDIS_URL,
            "KEY_PREFIX": f"test-{secrets.token_hex(6)}",
        }
    }
    from django.core.cache import cache

    yield cache
    cache.clear()
