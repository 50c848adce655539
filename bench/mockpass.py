"""MockPass's full OpenID Connect login, timed beside the VNeID round trip in the same run.

MockPass (`@opengovsg/mockpass` on npm, Singpass's simulator) is installed into
bench/mockpass/ by `npm ci` and its exported app listens on 127.0.0.1 only. One login: authorize
(302 with a code) → token exchange with a private_key_jwt client assertion (ES512) → the ID
token decrypted (ECDH-ES+A256KW, A256CBC-HS512) and its signature and claims checked (ES256,
iss, aud, nonce), with the test relying party's keys that ship in the package.
"""

import json
import secrets
import shutil
import statistics
import subprocess
import time
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import requests
from joserfc import jwe, jws, jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

from .servers import free_port

FOLDER = Path(__file__).resolve().parent / "mockpass"
PACKAGE = FOLDER / "node_modules" / "@opengovsg" / "mockpass"
RP_KEYS = PACKAGE / "static" / "certs" / "oidc-v2-rp-secret.json"
CLIENT_ID = "dvc-sandbox-bench"
REDIRECT_URI = "http://127.0.0.1/bench/mockpass-callback"
STARTUP_SECONDS = 30
TIMEOUT_SECONDS = 10
WARM_UP = 10


class Unavailable(Exception):
    """MockPass cannot run here; the message says why (shown in the table instead of a time)."""


def install():
    """Install MockPass from the committed lock file unless it is there; raise Unavailable."""
    if PACKAGE.exists():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        raise Unavailable("Node.js and npm are not installed")
    result = subprocess.run(  # noqa: S603 - a fixed command in the project's folder
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=FOLDER,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise Unavailable(f"npm ci failed: {result.stderr.strip()[-300:]}")


class MockPass:
    """MockPass's app on a free port of 127.0.0.1; a context manager that stops it."""

    def __init__(self):
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/singpass/v2"
        self.process = None

    def __enter__(self):
        install()
        self.process = subprocess.Popen(  # noqa: S603 - fixed arguments
            [shutil.which("node"), "server.js", str(self.port)],
            cwd=FOLDER,
            # Its request log is of no use here and would fill a pipe nobody reads.
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={"PATH": "/usr/bin:/bin", "SHOW_LOGIN_PAGE": "false"},
        )
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                requests.get(self.discovery_url, timeout=1).raise_for_status()
                return self
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise Unavailable("MockPass did not start")

    def __exit__(self, *exc_info):
        self.stop()

    @property
    def discovery_url(self):
        return f"{self.issuer}/.well-known/openid-configuration"

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


class MockPassRelyingParty:
    """A relying party of MockPass: its HTTP session, discovery, and its own and MockPass's keys."""

    def __init__(self, mockpass):
        self.http = requests.Session()
        self.metadata = self.http.get(mockpass.discovery_url, timeout=TIMEOUT_SECONDS).json()
        self.issuer = self.metadata["issuer"]
        jwks = self.http.get(self.metadata["jwks_uri"], timeout=TIMEOUT_SECONDS).json()
        self.provider_keys = KeySet.import_key_set(jwks)
        own = json.loads(RP_KEYS.read_text())
        self.own_keys = KeySet.import_key_set(own)
        self.signing_key = next(key for key in self.own_keys if key.get("use") == "sig")
        self.decryption_key = next(key for key in self.own_keys if key.get("use") == "enc")

    def _client_assertion(self):
        now = int(time.time())
        claims = {
            "iss": CLIENT_ID,
            "sub": CLIENT_ID,
            "aud": self.issuer,
            "iat": now,
            "exp": now + 120,
            "jti": str(uuid.uuid4()),
        }
        header = {"alg": "ES512", "typ": "JWT", "kid": self.signing_key.kid}
        return jwt.encode(header, claims, self.signing_key, algorithms=["ES512"])

    def flow(self):
        """Run one authorize → token → ID token round trip; return the validated claims."""
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        response = self.http.get(
            self.metadata["authorization_endpoint"],
            params={
                "response_type": "code",
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "scope": "openid",
                "state": state,
                "nonce": nonce,
            },
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
        )
        answer = parse_qs(urlsplit(response.headers.get("Location", "")).query)
        if response.status_code != 302 or answer.get("state") != [state]:
            raise RuntimeError(f"MockPass authorize answered {response.status_code}")
        response = self.http.post(
            self.metadata["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": answer["code"][0],
                "client_id": CLIENT_ID,
                "redirect_uri": REDIRECT_URI,
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": self._client_assertion(),
            },
            timeout=TIMEOUT_SECONDS,
        )
        if response.status_code != 200:
            raise RuntimeError(f"MockPass token answered {response.status_code}: {response.text}")
        encrypted = jwe.decrypt_compact(
            response.json()["id_token"],
            self.decryption_key,
            algorithms=["ECDH-ES+A256KW", "A256CBC-HS512"],
        )
        signed = jws.deserialize_compact(
            encrypted.plaintext, self.provider_keys, algorithms=["ES256"]
        )
        claims = json.loads(signed.payload)
        JWTClaimsRegistry(
            iss={"essential": True, "value": self.issuer},
            aud={"essential": True, "value": CLIENT_ID},
            nonce={"essential": True, "value": nonce},
            sub={"essential": True},
        ).validate(claims)
        return claims


def measure(*, flows):
    """Return the median and p95 of MockPass's full login over `flows` sequential logins."""
    with MockPass() as mockpass:
        party = MockPassRelyingParty(mockpass)
        for _ in range(WARM_UP):
            party.flow()
        elapsed = []
        for _ in range(flows):
            started = time.perf_counter()
            party.flow()
            elapsed.append((time.perf_counter() - started) * 1000)
    return {
        "flows": flows,
        "median": statistics.median(elapsed),
        "p95": statistics.quantiles(elapsed, n=100)[94],
    }
