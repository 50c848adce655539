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
