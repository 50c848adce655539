"""Delivering logout tokens over real HTTP, and a client's receiver refusing bad ones."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest
from django.test import RequestFactory

from oidc_kit.backchannel import (
    LogoutDelivery,
    backchannel_logout_view,
    deliver_all,
    frontchannel_logout_url,
)
from oidc_kit.logout_token import KeysUnavailable, LogoutClaims, LogoutTokenInvalid


class _Receiver(BaseHTTPRequestHandler):
    status = 200
    delay = 0.0
    received: list[str]

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        body = parse_qs(self.rfile.read(length).decode())
        time.sleep(self.delay)
        self.received.append(body["logout_token"][0])
        self.send_response(self.status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def receiver():
    """Start a real HTTP client endpoint; return a factory taking its status and delay."""
    servers = []

    def start(status=200, delay=0.0):
        handler = type("Handler", (_Receiver,), {"status": status, "delay": delay, "received": []})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/logout", handler.received

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _closed_port_uri():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    port = server.server_port
    server.server_close()
    return f"http://127.0.0.1:{port}/logout"


def test_every_client_gets_its_token_and_one_down_costs_the_others_nothing(receiver):
    first_uri, first = receiver()
    second_uri, second = receiver()
    refusing_uri, _ = receiver(status=400)
    deliveries = [
        LogoutDelivery("first", first_uri, "token-1"),
        LogoutDelivery("down", _closed_port_uri(), "token-2"),
        LogoutDelivery("second", second_uri, "token-3"),
        LogoutDelivery("refusing", refusing_uri, "token-4"),
    ]

    outcomes = deliver_all(deliveries, timeout=2)

    assert [outcome.delivery.client_id for outcome in outcomes] == [
        "first",
        "down",
        "second",
        "refusing",
    ]
    assert [outcome.delivered for outcome in outcomes] == [True, False, True, False]
    assert first == ["token-1"] and second == ["token-3"]
    assert outcomes[1].status_code is None and outcomes[1].error
    assert outcomes[3].status_code == 400 and outcomes[3].error == "HTTP 400"


def test_deliveries_go_out_in_parallel_and_a_slow_client_is_cut_at_the_timeout(receiver):
    slow_uris = [receiver(delay=0.3)[0] for _ in range(3)]
    hanging_uri, _ = receiver(delay=3)
    deliveries = [LogoutDelivery(f"c{i}", uri, "t") for i, uri in enumerate(slow_uris)]
    deliveries.append(LogoutDelivery("hanging", hanging_uri, "t"))

    started = time.monotonic()
    outcomes = deliver_all(deliveries, timeout=0.6)
    elapsed = time.monotonic() - started

    assert [outcome.delivered for outcome in outcomes] == [True, True, True, False]
    assert outcomes[3].error == "timeout"
    # Sequential delivery would take 0.9 s for the three slow ones plus the timeout.
    assert elapsed < 1.4


def test_nothing_to_deliver_sends_nothing():
    assert deliver_all([], timeout=1) == []


def test_the_frontchannel_url_carries_issuer_and_session():
    assert (
        frontchannel_logout_url("http://portal.test/fc?x=1", issuer="http://op.test/x", sid="s 1")
        == "http://portal.test/fc?x=1&iss=http%3A%2F%2Fop.test%2Fx&sid=s+1"
    )


CLAIMS = LogoutClaims(iss="http://op.test", sid="sid-1", sub="sub-1", jti="jti-1")


def _view(ended, *, error=None):
    def verify(token):
        if error is not None:
            raise error
        assert token == "the-token"
        return CLAIMS

    def end_sessions(claims):
        ended.append(claims.sid)
        return 1

    return backchannel_logout_view(verify=verify, end_sessions=end_sessions)


def test_the_receiver_ends_the_sessions_of_a_valid_token_once():
    ended = []
    view = _view(ended)
    request = RequestFactory().post("/bcl", {"logout_token": "the-token"})

    response = view(request)
    replay = view(RequestFactory().post("/bcl", {"logout_token": "the-token"}))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert ended == ["sid-1"]
    assert replay.status_code == 400
    assert json.loads(replay.content)["error"] == "invalid_request"


def test_the_receiver_refuses_a_bad_token_as_json():
    ended = []
    view = _view(ended, error=LogoutTokenInvalid("bad_aud", "not for this client"))

    response = view(RequestFactory().post("/bcl", {"logout_token": "the-token"}))

    assert response.status_code == 400
    assert json.loads(response.content) == {
        "error": "invalid_request",
        "error_description": "not for this client",
    }
    assert ended == []


def test_the_receiver_refuses_a_missing_token_and_a_get():
    ended = []
    view = _view(ended)
    missing = view(RequestFactory().post("/bcl", {}))
    get = view(RequestFactory().get("/bcl", {"logout_token": "the-token"}))
    assert missing.status_code == 400 and json.loads(missing.content)["error"] == "invalid_request"
    assert get.status_code == 405 and get["Allow"] == "POST"
    assert ended == []


def test_without_the_providers_keys_the_receiver_asks_for_a_retry():
    view = _view([], error=KeysUnavailable())
    response = view(RequestFactory().post("/bcl", {"logout_token": "the-token"}))
    assert response.status_code == 503
    assert response["Retry-After"]


def test_a_failure_while_ending_sessions_leaves_the_token_usable_for_the_retry():
    calls = []

    def end_sessions(claims):
        calls.append(claims.sid)
        if len(calls) == 1:
            raise RuntimeError("database went away")
        return 1

    view = backchannel_logout_view(verify=lambda token: CLAIMS, end_sessions=end_sessions)
    with pytest.raises(RuntimeError):
        view(RequestFactory().post("/bcl", {"logout_token": "t"}))
    assert view(RequestFactory().post("/bcl", {"logout_token": "t"})).status_code == 200
