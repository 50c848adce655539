"""Two gunicorn servers over one PostgreSQL and one Redis: a login may hop between them.

A load balancer in front routes each request by a rule of the test, so a login starts on
server A and finishes on server B, as it does when a real balancer spreads requests.
"""

import re
import secrets
from dataclasses import dataclass

import pytest
from captcha.models import CaptchaStore
from django.contrib.auth import get_user_model
from django.db import connection
from playwright.sync_api import expect

from bench.servers import Gunicorn
from sandbox.personas import PASSWORD, VNEID_PASSWORD, ensure_personas, register_portal
from tests.conftest import TEST_REDIS_URL, redis_available

from .load_balancer import LoadBalancer

pytestmark = pytest.mark.browser

NGA_CMND = "164438056"
NGA_CCCD = "037190612345"
AN_CCCD = "001085004321"
DOSSIERS_PATH = "/ho-so/"
# Each step crosses the balancer and two servers (and VNeID's polling): generous waits.
WAIT_MS = 60_000
# The portal's keys at its own registry, VNeID and operator: the same on both servers.
KEYS = {
    "REGISTRY_API_KEY": "dvcr_two_servers_portal_key",
    "MOBILE_OPERATOR_API_KEY": "dvcm_two_servers_portal_key",
    "VNEID_CLIENT_ID": "dvcqg-portal-two-servers",
    "VNEID_CLIENT_SECRET": "dvcqg-portal-two-servers-secret",
}


@dataclass
class Deployment:
    balancer: LoadBalancer
    url: str


def _database_url():
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def _always_a(method, path):
    return "A"


@pytest.fixture
def deployment(transactional_db, settings, tmp_path, chromium):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL shared by both servers: DATABASE_URL=postgres://…")
    if not redis_available():
        pytest.skip(f"needs Redis shared by both servers at {TEST_REDIS_URL}")
    import redis

    prefix = f"two-servers-{secrets.token_hex(6)}"
    servers = {name: Gunicorn(_database_url(), tmp_path / f"{name}.log") for name in "AB"}
    balancer = LoadBalancer({name: s.base_url for name, s in servers.items()}, _always_a)
    public = balancer.url
    env = {
        **KEYS,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "REDIS_URL": TEST_REDIS_URL,
        "CACHE_KEY_PREFIX": prefix,
        "CAPTCHA_TEST_MODE": "0",
        # Every organisation is reached at the balancer's public address, like browsers do.
        "REGISTRY_BASE_URL": f"{public}/registry/api/v1/",
        "VNEID_ISSUER": f"{public}/vneid",
        "MOBILE_OPERATOR_BASE_URL": f"{public}/nha-mang/api/v1/",
        "CA_BASE_URL": f"{public}/ca/",
    }
    for server in servers.values():
        server.env.update(env)
    # The test process registers the portal at its registry, VNeID and operator with these keys.
    settings.REGISTRY = {**settings.REGISTRY, "API_KEY": KEYS["REGISTRY_API_KEY"]}
    settings.MOBILE_OPERATOR = {
        **settings.MOBILE_OPERATOR,
        "API_KEY": KEYS["MOBILE_OPERATOR_API_KEY"],
    }
    settings.VNEID = {
        **settings.VNEID,
        "CLIENT_ID": KEYS["VNEID_CLIENT_ID"],
        "CLIENT_SECRET": KEYS["VNEID_CLIENT_SECRET"],
    }
    # The personas' passwords must be hashed with a hasher the servers know (not the tests' MD5).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    register_portal(base_urls=[public])
    ensure_personas()
    with balancer, servers["A"], servers["B"]:
        yield Deployment(balancer, public)
    store = redis.Redis.from_url(TEST_REDIS_URL)
    for key in store.scan_iter(match=f"{prefix}:*"):
        store.delete(key)


@pytest.fixture
def browser(chromium):
    context = chromium.new_context(locale="vi-VN")
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def test_password_login_on_a_and_cccd_link_on_b_share_session_and_captcha(deployment, browser):
    def route(method, path):
        if path.startswith("/dang-nhap/"):
            return "B" if method == "POST" else "A"
        if path.startswith("/tai-khoan/cap-nhat-cccd/"):
            return "A" if method == "POST" else "B"
        return "B" if path.startswith("/registry/") else "A"

    deployment.balancer.route = route
    browser.goto(f"{deployment.url}/dang-nhap/?next={DOSSIERS_PATH}")
    form = browser.get_by_test_id("login-form")
    hashkey = form.locator("input[name=captcha_0]").input_value()
    # The captcha drawn by A is checked by B: its answer lives in the shared database.
    answer = CaptchaStore.objects.get(hashkey=hashkey).response
    form.get_by_label("Tên đăng nhập").fill(NGA_CMND)
    form.get_by_label("Mật khẩu").fill(PASSWORD)
    form.get_by_label("Nhập mã xác thực").fill(answer)
    form.get_by_role("button", name="Đăng nhập").click()

    expect(browser).to_have_url(re.compile(r"/tai-khoan/cap-nhat-cccd/\?next="), timeout=WAIT_MS)
    browser.get_by_placeholder("Nhập số cccd").fill(NGA_CCCD)
    browser.get_by_role("button", name="Cập nhật").click()

    expect(browser).to_have_url(f"{deployment.url}{DOSSIERS_PATH}", timeout=WAIT_MS)
    expect(browser.get_by_test_id("header-user")).to_contain_text("Tô Thị Nga", timeout=WAIT_MS)
    assert get_user_model().objects.get(username=NGA_CMND).cccd_number == NGA_CCCD
    balancer = deployment.balancer
    assert balancer.backends_of("GET", "/dang-nhap/") == ["A"]
    assert balancer.backends_of("POST", "/dang-nhap/") == ["B"]
    assert balancer.backends_of("GET", "/tai-khoan/cap-nhat-cccd/") == ["B"]
    assert balancer.backends_of("POST", "/tai-khoan/cap-nhat-cccd/") == ["A"]
    assert set(balancer.backends_of("POST", "/registry/")) == {"B"}
    assert balancer.backends_of("GET", DOSSIERS_PATH) == ["A"]


def _log_in_at_vneid(page, number):
    form = page.get_by_test_id("vneid-login-form")
    form.get_by_label("Số định danh cá nhân").fill(number)
    form.get_by_label("Mật khẩu", exact=True).fill(VNEID_PASSWORD)
    form.get_by_role("button", name="Đăng nhập").click()


def test_vneid_code_flow_authorizes_on_a_and_exchanges_the_code_on_b(deployment, browser):
    def route(method, path):
        on_b = path.startswith(("/vneid/token", "/dang-nhap/vneid/callback/"))
        return "B" if on_b else "A"

    deployment.balancer.route = route
    browser.goto(f"{deployment.url}/dang-nhap/?next={DOSSIERS_PATH}")
    browser.get_by_test_id("login-vneid").click()
    expect(browser).to_have_url(re.compile(r"/vneid/authorize\?"), timeout=WAIT_MS)
    _log_in_at_vneid(browser, AN_CCCD)

    expect(browser).to_have_url(f"{deployment.url}{DOSSIERS_PATH}", timeout=WAIT_MS)
    expect(browser.get_by_test_id("header-user")).to_contain_text("Nguyễn Văn An", timeout=WAIT_MS)
    balancer = deployment.balancer
    assert set(balancer.backends_of("GET", "/vneid/authorize")) == {"A"}
    assert balancer.backends_of("POST", "/vneid/authorize") == ["A"]
    assert balancer.backends_of("GET", "/dang-nhap/vneid/callback/") == ["B"]
    assert balancer.backends_of("POST", "/vneid/token") == ["B"]


def test_qr_approved_on_b_while_the_waiting_page_polls_a(deployment, browser, chromium):
    def route(method, path):
        return "B" if path.startswith("/vneid/app/") else "A"

    deployment.balancer.route = route
    browser.goto(f"{deployment.url}/dang-nhap/?next={DOSSIERS_PATH}")
    browser.get_by_test_id("login-vneid").click()
    qr_link = browser.get_by_test_id("vneid-qr-link").input_value()

    phone_context = chromium.new_context(locale="vi-VN")
    phone_context.set_default_timeout(WAIT_MS)
    phone = phone_context.new_page()
    phone.goto(qr_link)
    phone.get_by_label("Số định danh cá nhân").fill(AN_CCCD)
    phone.get_by_label("Mật khẩu").fill(VNEID_PASSWORD)
    phone.get_by_role("button", name="Đăng nhập").click()
    phone.get_by_test_id("vneid-app-approve").click()

    expect(browser).to_have_url(f"{deployment.url}{DOSSIERS_PATH}", timeout=WAIT_MS)
    expect(browser.get_by_test_id("header-user")).to_contain_text("Nguyễn Văn An", timeout=WAIT_MS)
    phone_context.close()
    balancer = deployment.balancer
    assert set(balancer.backends_of("POST", "/vneid/qr/status")) == {"A"}
    assert set(balancer.backends_of("POST", "/vneid/app/")) == {"B"}
