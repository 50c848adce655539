"""The three portals of the single sign-on and single logout tests, over real HTTP.

The sandbox (VNeID, the national login service, the national and the provincial portals) is
pytest-django's live server; the third portal is a site of its own (`third_portal/`), started
here in its own process with its own database, and registered at the service like any outside
client.
"""

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
THIRD_PORTAL_CLIENT_ID = "bo-thu-nghiem-test"
THIRD_PORTAL_CLIENT_SECRET = "bo-thu-nghiem-test-secret"
STARTUP_SECONDS = 60
TIMEOUT = 15


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class ThirdPortal:
    """The running third portal: its address and the client it is at the service."""

    base_url: str
    client_id: str
    client_secret: str

    @property
    def redirect_uri(self) -> str:
        return f"{self.base_url}/oidc/callback/"

    @property
    def backchannel_logout_uri(self) -> str:
        return f"{self.base_url}/backchannel-logout"

    @property
    def post_logout_redirect_uri(self) -> str:
        return f"{self.base_url}/"


@pytest.fixture(scope="session")
def third_portal(live_server, tmp_path_factory) -> Iterator[ThirdPortal]:
    """Serve the third portal with gunicorn on 127.0.0.1, pointed at the live server's service."""
    folder = tmp_path_factory.mktemp("third-portal")
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.integration.third_portal.settings",
        "PYTHONPATH": str(ROOT),
        "THIRD_PORTAL_DB": str(folder / "db.sqlite3"),
        # The document's issuer: the live server's /xacthuc.
        "NATIONAL_LOGIN_ISSUER": f"{live_server.url}/xacthuc",
        "THIRD_PORTAL_CLIENT_ID": THIRD_PORTAL_CLIENT_ID,
        "THIRD_PORTAL_CLIENT_SECRET": THIRD_PORTAL_CLIENT_SECRET,
    }
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    log = (folder / "gunicorn.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "tests.integration.third_portal.wsgi",
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            "4",
            "-b",
            f"127.0.0.1:{port}",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            if requests.get(base_url + "/", timeout=1).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail("the third portal did not start:\n" + (folder / "gunicorn.log").read_text())
        time.sleep(0.2)
    try:
        yield ThirdPortal(base_url, THIRD_PORTAL_CLIENT_ID, THIRD_PORTAL_CLIENT_SECRET)
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()
        # Its log, for the report of a failed test (pytest shows what a fixture prints).
        print("third portal's log:\n" + (folder / "gunicorn.log").read_text()[-5000:])


@dataclass(frozen=True)
class Portals:
    """The live sandbox, with every organisation pointed at itself, and the third portal."""

    base_url: str
    third: ThirdPortal

    @property
    def issuer(self) -> str:
        return f"{self.base_url}/xacthuc"


def register_third_portal(third: ThirdPortal, *, attribute_profile: str = "dvcqg") -> None:
    """Register the third portal at the service as any outside portal is: its own client."""
    from identity.national_login.services import ensure_client

    ensure_client(
        client_id=third.client_id,
        client_secret=third.client_secret,
        name="Cổng dịch vụ công Bộ Thử nghiệm",
        redirect_uris=[third.redirect_uri],
        post_logout_redirect_uris=[third.post_logout_redirect_uri],
        backchannel_logout_uri=third.backchannel_logout_uri,
        attribute_profile=attribute_profile,
    )


def register_the_tiers(base: str) -> None:
    """Register every tier's client as `make run` does: the national portal and the national
    login service at VNeID, the provincial portal at the service, each with its logout URIs."""
    from django.conf import settings

    from sandbox.personas import register_portal
    from vneid.services import ensure_client

    register_portal(base_urls=[base])
    # The service hears VNeID's logouts at its back-channel receiver (not yet seeded by
    # register_national_login, which names it a TODO until VNeID's clients take the URI).
    service = settings.NATIONAL_LOGIN
    ensure_client(
        client_id=service["VNEID_CLIENT_ID"],
        client_secret=service["VNEID_CLIENT_SECRET"],
        name="Hệ thống xác thực — Văn phòng Chính phủ (mô phỏng)",
        redirect_uris=[f"{base}/xacthuc/vneid/callback"],
        post_logout_redirect_uris=[f"{base}/xacthuc/oauth2/logout/vneid"],
        backchannel_logout_uri=f"{base}/xacthuc/oauth2/backchannel-logout",
    )


@pytest.fixture
def portals(live_server, transactional_db, settings, third_portal) -> Portals:
    """The live server as `make run` serves it: every organisation calls the others on it."""
    from sandbox.personas import ensure_personas

    base = live_server.url
    settings.REGISTRY = {**settings.REGISTRY, "BASE_URL": f"{base}/registry/api/v1/"}
    settings.VNEID = {**settings.VNEID, "ISSUER": f"{base}/vneid"}
    settings.NATIONAL_LOGIN = {**settings.NATIONAL_LOGIN, "VNEID_ISSUER": f"{base}/vneid"}
    settings.PROVINCIAL_PORTAL = {
        **settings.PROVINCIAL_PORTAL,
        "NATIONAL_LOGIN_ISSUER": f"{base}/xacthuc",
    }
    register_the_tiers(base)
    # The personas with their provincial states (An's account there already holds his CCCD).
    ensure_personas()
    register_third_portal(third_portal)
    return Portals(base, third_portal)
