"""Single sign-on at the provincial portal, and a back-channel logout that reaches three portals.

(a) A citizen already logged in at VNeID (its session cookie, nothing else) presses "Đăng nhập"
on the provincial portal, without a browser: province → national login service → its chooser
(the VNeID button) → VNeID (a session: straight back with a code) → the service's callback
(token at VNeID) → the province's callback (token and userinfo at the service) → the province's
account page. Timed whole, compared with MockPass's full login measured in the same run; its
round trips counted: the browser's requests here, the servers' calls to each other from the
access log of a server that serves only that one login (every organisation is on it).

(b) The service's end-session call when its session holds four clients: the benchmark's own
client calls it (RP-initiated, `id_token_hint`), and the service sends logout tokens to the
three others' back-channel receivers: the provincial portal's (on the sandbox server) and two
outside portals (the third portal of the integration tests, mozilla-django-oidc, each in its
own gunicorn, checking the token with the service's JWKS). Timed from the request to the
service's redirect onward to VNeID; afterwards the three portals are checked to have logged out.
"""

import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import requests

from .servers import ROOT, STARTUP_SECONDS, free_port

TIMEOUT_SECONDS = 10
WARM_UP = 5
PROVINCE_LOGIN = "/quang-nam/dang-nhap/"
PROVINCE_ACCOUNT = "/quang-nam/tai-khoan/"
CHOOSER = "/xacthuc/authenticationendpoint/login"
INITIATOR_ID = "bench-initiator"
INITIATOR_CALLBACK = "http://127.0.0.1/bench/xacthuc-callback"
OUTSIDE_PORTALS = 2
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.S | re.I)
ATTR = re.compile(r'(?P<name>[\w-]+)="(?P<value>[^"]*)"')
CONTROL = re.compile(r"<(?:input|button)\b(?P<attrs>[^>]*)>", re.I)
REDIRECTS = (301, 302, 303, 307, 308)


@dataclass
class OutsidePortal:
    """An outside portal's client at the service, and where its gunicorn will listen."""

    client_id: str
    client_secret: str
    port: int = field(default_factory=free_port)

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.port}"


@dataclass
class SsoFixtures:
    vneid_cookie: str
    citizen_name: str
    initiator_secret: str
    outside: list


def prepare(base_urls):
    """Register the sandbox's clients for these servers, a citizen logged in at VNeID, the
    benchmark's own client and the outside portals' clients (Django already set up)."""
    from django.db import connections
    from django.test import RequestFactory

    from citizen_registry.models import Citizen
    from identity.national_login.services import ensure_client
    from provincial_portal.services import ProvincialAccountSeed, seed_accounts
    from sandbox.personas import register_portal
    from vneid.login_state import start_login
    from vneid.services import ensure_vneid_account

    # The national portal and the service at VNeID, the province at the service.
    register_portal(base_urls=base_urls)
    citizen = Citizen.objects.order_by("-id").first()
    account = ensure_vneid_account(citizen, password=secrets.token_urlsafe(16), level=2)
    # A returning citizen of the province: an account that holds the CCCD, found at once.
    seed_accounts(
        [
            ProvincialAccountSeed(
                username=f"bench-{citizen.cccd_number}",
                password=secrets.token_urlsafe(16),
                full_name=citizen.full_name,
                birth_date=citizen.birth_date,
                cccd_number=citizen.cccd_number,
            )
        ]
    )
    login = start_login(RequestFactory().get("/", HTTP_HOST="127.0.0.1"), account=account)
    initiator_secret = secrets.token_urlsafe(24)
    ensure_client(
        client_id=INITIATOR_ID,
        client_secret=initiator_secret,
        name="Đo hiệu năng: cổng khởi đầu đăng xuất",
        redirect_uris=[INITIATOR_CALLBACK],
        post_logout_redirect_uris=[INITIATOR_CALLBACK],
    )
    outside = []
    for number in range(1, OUTSIDE_PORTALS + 1):
        portal = OutsidePortal(f"bench-outside-portal-{number}", secrets.token_urlsafe(24))
        ensure_client(
            client_id=portal.client_id,
            client_secret=portal.client_secret,
            name=f"Đo hiệu năng: cổng bên ngoài {number}",
            redirect_uris=[f"{portal.base_url}/oidc/callback/"],
            post_logout_redirect_uris=[f"{portal.base_url}/"],
            backchannel_logout_uri=f"{portal.base_url}/backchannel-logout",
        )
        outside.append(portal)
    connections.close_all()
    return SsoFixtures(login.cookie_value, citizen.full_name, initiator_secret, outside)


class ThirdPortalServer:
    """The integration tests' third portal (tests/integration/third_portal/) on gunicorn."""

    def __init__(self, portal, issuer, workdir):
        self.portal = portal
        self.workdir = Path(workdir)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.integration.third_portal.settings",
            "PYTHONPATH": str(ROOT),
            "THIRD_PORTAL_DB": str(self.workdir / f"{portal.client_id}.sqlite3"),
            "NATIONAL_LOGIN_ISSUER": issuer,
            "THIRD_PORTAL_CLIENT_ID": portal.client_id,
            "THIRD_PORTAL_CLIENT_SECRET": portal.client_secret,
        }
        self.process = None

    def __enter__(self):
        subprocess.run(
            [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
            capture_output=True,
        )
        log = self.workdir / f"{self.portal.client_id}.log"
        with open(log, "wb") as output:
            self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "tests.integration.third_portal.wsgi",
                    "--log-level",
                    "warning",
                    "-w",
                    "1",
                    "-k",
                    "gthread",
                    "--threads",
                    "4",
                    "-b",
                    f"127.0.0.1:{self.portal.port}",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                requests.get(self.portal.base_url + "/", timeout=1).raise_for_status()
                return self
            except requests.RequestException:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"the outside portal did not start:\n{log.read_text()[-2000:]}")

    def __exit__(self, *exc_info):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=15)


def _attrs(text):
    return {m["name"].lower(): unescape(m["value"]) for m in ATTR.finditer(text)}


class Citizen:
    """The citizen's browser: a cookie jar with VNeID's cookie, following redirects one by one."""

    def __init__(self, base_url, fixtures):
        self.base_url = base_url
        self.http = requests.Session()
        self.http.cookies.set("vneid_session", fixtures.vneid_cookie)
        self.requests = []

    def close(self):
        self.http.close()

    def send(self, method, url, **kwargs):
        started = time.perf_counter()
        response = self.http.request(
            method, url, allow_redirects=False, timeout=TIMEOUT_SECONDS, **kwargs
        )
        elapsed = (time.perf_counter() - started) * 1000
        self.requests.append((method, urlsplit(url).path, response.status_code, elapsed))
        return response

    def follow(self, response):
        while response.status_code in REDIRECTS:
            response = self.send("GET", urljoin(response.url, response.headers["Location"]))
        return response

    def press_vneid(self, chooser):
        """On the service's chooser, press the VNeID button (the citizen types nothing)."""
        for match in FORM.finditer(chooser.text):
            form, body = _attrs(match["attrs"]), match["body"]
            controls = [_attrs(c["attrs"]) for c in CONTROL.finditer(body)]
            data = {c["name"]: c.get("value", "") for c in controls if c.get("type") == "hidden"}
            for control in controls:
                if "vneid" in control.get("value", "").lower() and control.get("name"):
                    data[control["name"]] = control["value"]
                    action = urljoin(chooser.url, form.get("action") or chooser.url)
                    return self.follow(self.send("POST", action, data=data))
        links = re.findall(r'<a\b[^>]*href="([^"]*vneid[^"]*)"', chooser.text, re.I)
        if not links:
            raise RuntimeError("the service's chooser shows no VNeID button")
        return self.follow(self.send("GET", urljoin(chooser.url, unescape(links[0]))))

    def log_in_at_province(self):
        """Press "Đăng nhập" on the provincial portal; return the page the login lands on."""
        page = self.follow(self.send("GET", self.base_url + PROVINCE_LOGIN))
        if urlsplit(page.url).path == CHOOSER:
            page = self.press_vneid(page)
        return page

    def account_page(self):
        """Return the province's account page, checking that the citizen is logged in there."""
        account = self.send("GET", self.base_url + PROVINCE_ACCOUNT)
        if account.status_code != 200:
            raise RuntimeError(f"the province's account page answers {account.status_code}")
        return account

    def log_in_at_outside_portal(self, portal):
        page = self.follow(self.send("GET", f"{portal.base_url}/oidc/authenticate/"))
        if not self.send("GET", f"{portal.base_url}/me.json").json()["logged_in"]:
            raise RuntimeError(f"the outside portal did not log in: {page.url}")

    def initiator_id_token(self, fixtures):
        """Log the benchmark's own client in (the service's session answers at once)."""
        state, nonce = secrets.token_urlsafe(12), secrets.token_urlsafe(12)
        response = self.send(
            "GET",
            f"{self.base_url}/xacthuc/oauth2/authorize",
            params={
                "response_type": "code",
                "client_id": INITIATOR_ID,
                "redirect_uri": INITIATOR_CALLBACK,
                "scope": "openid",
                "state": state,
                "nonce": nonce,
            },
        )
        # Without a login at the service yet: through VNeID (silently) and back, to the code.
        while response.status_code in REDIRECTS and not response.headers["Location"].startswith(
            INITIATOR_CALLBACK
        ):
            response = self.send("GET", urljoin(response.url, response.headers["Location"]))
        answer = parse_qs(urlsplit(response.headers.get("Location", "")).query)
        if answer.get("state") != [state] or "code" not in answer:
            raise RuntimeError(f"the service's authorize answered {response.status_code}")
        token = self.send(
            "POST",
            f"{self.base_url}/xacthuc/oauth2/token",
            data={
                "grant_type": "authorization_code",
                "code": answer["code"][0],
                "redirect_uri": INITIATOR_CALLBACK,
            },
            auth=(INITIATOR_ID, fixtures.initiator_secret),
        )
        token.raise_for_status()
        return token.json()["id_token"]

    def end_session_url(self, id_token):
        query = {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": INITIATOR_CALLBACK,
            "client_id": INITIATOR_ID,
            "state": "bench",
        }
        return f"{self.base_url}/xacthuc/oauth2/logout?{urlencode(query)}"


def _sso_once(base_url, fixtures):
    citizen = Citizen(base_url, fixtures)
    try:
        started = time.perf_counter()
        citizen.log_in_at_province()
        elapsed = (time.perf_counter() - started) * 1000
        login_requests = list(citizen.requests)
        # Checked after the clock stopped: the login itself ends on the page it lands on.
        if fixtures.citizen_name not in citizen.account_page().text:
            raise RuntimeError("the province's account page does not name the citizen")
    finally:
        citizen.close()
    return elapsed, login_requests, citizen.requests


def _lines(path):
    return Path(path).read_text(errors="replace").splitlines() if Path(path).exists() else []


def count_round_trips(base_url, fixtures, access_log):
    """Return the browser's requests and the servers' calls to each other in one login.

    The server at base_url serves nothing else while this runs and writes `access_log`: every
    request in it that the browser did not make is one organisation calling another.
    """
    # Warm every worker's caches (discovery and keys are kept per process) as a running server's
    # are: the count is that of a login in steady state.
    for _ in range(WARM_UP * 2):
        _sso_once(base_url, fixtures)
    # gunicorn writes a request's line after its answer: let the warm-up's last lines land.
    time.sleep(0.5)
    before = _lines(access_log)
    _, login_requests, browser_requests = _sso_once(base_url, fixtures)
    time.sleep(0.5)
    logged = _lines(access_log)[len(before) :]
    browser_paths = [path for _method, path, _status, _ms in login_requests]
    # gunicorn's access log line holds the request line: "GET /path?query HTTP/1.1".
    remaining = []
    for line in logged:
        request_line = re.search(r'"(\w+) (\S+) HTTP', line)
        if request_line:
            remaining.append((request_line[1], urlsplit(request_line[2]).path))
    for method, path, _status, _ms in browser_requests:
        if (method, path) in remaining:
            remaining.remove((method, path))
    return {
        "browser": browser_paths,
        "server_calls": [f"{method} {path}" for method, path in remaining],
    }


def measure_sso(base_url, fixtures, *, flows):
    """Time `flows` single sign-on logins at the province, one after another."""
    for _ in range(WARM_UP):
        _sso_once(base_url, fixtures)
    elapsed, hops = [], {}
    for _ in range(flows):
        total, requests_made, _ = _sso_once(base_url, fixtures)
        elapsed.append(total)
        for index, (method, path, _status, ms) in enumerate(requests_made):
            hops.setdefault((index, method, path), []).append(ms)
    return {
        "flows": flows,
        "median": statistics.median(elapsed),
        "p95": statistics.quantiles(elapsed, n=100)[94],
        # Where the time goes: each of the browser's requests, median, in order.
        "hops": [
            (f"{method} {path}", statistics.median(times))
            for (_index, method, path), times in sorted(hops.items())
        ],
    }


def _logout_once(base_url, fixtures):
    citizen = Citizen(base_url, fixtures)
    try:
        citizen.log_in_at_province()
        citizen.account_page()
        for portal in fixtures.outside:
            citizen.log_in_at_outside_portal(portal)
        id_token = citizen.initiator_id_token(fixtures)
        url = citizen.end_session_url(id_token)
        started = time.perf_counter()
        response = citizen.send("GET", url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code not in REDIRECTS:
            raise RuntimeError(f"the service's end session answered {response.status_code}")
        still_in = [
            portal.client_id
            for portal in fixtures.outside
            if citizen.send("GET", f"{portal.base_url}/me.json").json()["logged_in"]
        ]
        if citizen.send("GET", base_url + PROVINCE_ACCOUNT).status_code == 200:
            still_in.append("provincial portal")
        if still_in:
            raise RuntimeError(f"the back-channel logout did not reach {', '.join(still_in)}")
    finally:
        citizen.close()
    return elapsed


def _lone_logout_once(base_url, fixtures):
    """Time the same end session when the benchmark's client is the session's only one."""
    citizen = Citizen(base_url, fixtures)
    try:
        url = citizen.end_session_url(citizen.initiator_id_token(fixtures))
        started = time.perf_counter()
        response = citizen.send("GET", url)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code not in REDIRECTS:
            raise RuntimeError(f"the service's end session answered {response.status_code}")
    finally:
        citizen.close()
    return elapsed


def measure_logout(base_url, fixtures, *, logouts, workdir):
    """Time the service's end session reaching three portals' back-channel receivers."""
    issuer = f"{base_url}/xacthuc"
    servers = [ThirdPortalServer(portal, issuer, workdir) for portal in fixtures.outside]
    for server in servers:
        server.__enter__()
    try:
        for _ in range(WARM_UP):
            _logout_once(base_url, fixtures)
            _lone_logout_once(base_url, fixtures)
        # Alternating, so that drift in the machine's speed hits both alike.
        elapsed, alone = [], []
        for _ in range(logouts):
            elapsed.append(_logout_once(base_url, fixtures))
            alone.append(_lone_logout_once(base_url, fixtures))
    finally:
        for server in servers:
            server.__exit__()
    return {
        "logouts": logouts,
        "receivers": 1 + len(fixtures.outside),
        "median": statistics.median(elapsed),
        "p95": statistics.quantiles(elapsed, n=100)[94],
        "alone_median": statistics.median(alone),
        "alone_p95": statistics.quantiles(alone, n=100)[94],
    }
