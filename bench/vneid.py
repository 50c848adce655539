"""The round trip of a relying party whose citizen already has a VNeID session.

authorize (302 with a code) → token exchange → ID token validated (signature, iss, aud, exp,
nonce), against the provider on gunicorn; the baseline is a plain GET of the discovery document.
"""

import base64
import hashlib
import secrets
import statistics
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry

SCOPE = "openid profile vneid_identity"
REDIRECT_URI = "http://127.0.0.1/bench/callback"
TIMEOUT_SECONDS = 10
WARM_UP = 10


@dataclass
class VneidFixtures:
    client_id: str
    client_secret: str
    cookie: str


def prepare():
    """Register a client and start a VNeID login for one citizen (Django already set up)."""
    from django.db import connections
    from django.test import RequestFactory

    from citizen_registry.models import Citizen
    from vneid.login_state import COOKIE_NAME, start_login
    from vneid.services import create_client, ensure_vneid_account

    client, secret = create_client(name="Đo hiệu năng", redirect_uris=[REDIRECT_URI])
    citizen = Citizen.objects.order_by("id").first()
    account = ensure_vneid_account(citizen, password=secrets.token_urlsafe(16), level=2)
    login = start_login(RequestFactory().get("/", HTTP_HOST="127.0.0.1"), account=account)
    if login.cookie_name != COOKIE_NAME:
        raise RuntimeError(f"the provider's login cookie is {login.cookie_name}, not {COOKIE_NAME}")
    connections.close_all()
    return VneidFixtures(client.client_id, secret, login.cookie_value)


class RelyingParty:
    """What a relying party keeps between flows: its HTTP session, discovery and keys."""

    def __init__(self, base_url, fixtures):
        self.http = requests.Session()
        self.http.cookies.set("vneid_session", fixtures.cookie)
        self.fixtures = fixtures
        self.discovery_url = f"{base_url}/vneid/.well-known/openid-configuration"
        self.metadata = self.http.get(self.discovery_url, timeout=TIMEOUT_SECONDS).json()
        jwks = self.http.get(self.metadata["jwks_uri"], timeout=TIMEOUT_SECONDS).json()
        self.keys = KeySet.import_key_set(jwks)

    def get_discovery(self):
        response = self.http.get(self.discovery_url, timeout=TIMEOUT_SECONDS)
        response.raise_for_status()

    def flow(self, scope=SCOPE):
        """Run one authorize → token → validation round trip; return the validated claims."""
        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        response = self.http.get(
            self.metadata["authorization_endpoint"],
            params={
                "response_type": "code",
                "client_id": self.fixtures.client_id,
                "redirect_uri": REDIRECT_URI,
                "scope": scope,
                "state": state,
                "nonce": nonce,
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
        )
        location = response.headers.get("Location", "")
        answer = parse_qs(urlsplit(location).query)
        if response.status_code != 302 or answer.get("state") != [state]:
            raise RuntimeError(f"authorize answered {response.status_code} {location[:200]}")
        response = self.http.post(
            self.metadata["token_endpoint"],
            data={
                "grant_type": "authorization_code",
                "code": answer["code"][0],
                "redirect_uri": REDIRECT_URI,
                "code_verifier": verifier,
            },
            auth=(self.fixtures.client_id, self.fixtures.client_secret),
            timeout=TIMEOUT_SECONDS,
        )
        if response.status_code != 200:
            raise RuntimeError(f"token answered {response.status_code}: {response.text[:200]}")
        token = jwt.decode(response.json()["id_token"], self.keys, algorithms=["RS256"])
        JWTClaimsRegistry(
            iss={"essential": True, "value": self.metadata["issuer"]},
            aud={"essential": True, "value": self.fixtures.client_id},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
        return token.claims


def _timings(call, count):
    elapsed = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        elapsed.append((time.perf_counter() - started) * 1000)
    return elapsed


def _concurrent_rate(make_call, total, workers):
    """Return calls per second with `workers` clients sharing `total` calls."""
    calls = [make_call() for _ in range(workers)]
    per_worker = total // workers

    def run(call):
        for _ in range(per_worker):
            call()

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(run, calls))
    return per_worker * workers / (time.perf_counter() - started)


def measure(base_url, fixtures, *, flows, concurrent_flows, workers=4):
    """Return sequential and concurrent figures of the flow and of the discovery baseline."""
    party = RelyingParty(base_url, fixtures)
    for _ in range(WARM_UP):
        party.flow()
        party.get_discovery()
    flow_ms, discovery_ms = [], []
    for _ in range(flows):
        flow_ms += _timings(party.flow, 1)
        discovery_ms += _timings(party.get_discovery, 1)
    return {
        "flows": flows,
        "flow_median": statistics.median(flow_ms),
        "flow_p95": statistics.quantiles(flow_ms, n=100)[94],
        "discovery_median": statistics.median(discovery_ms),
        "discovery_p95": statistics.quantiles(discovery_ms, n=100)[94],
        "workers": workers,
        "flow_rate": _concurrent_rate(
            lambda: RelyingParty(base_url, fixtures).flow, concurrent_flows, workers
        ),
        "discovery_rate": _concurrent_rate(
            lambda: RelyingParty(base_url, fixtures).get_discovery, concurrent_flows, workers
        ),
    }
