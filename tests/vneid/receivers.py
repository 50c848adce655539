"""A real HTTP server standing in for clients' back-channel logout endpoints.

Each path behaves as configured (status, delay, or waiting for its peers at a barrier) and
records the logout tokens it was sent, so tests see exactly what went over the wire.
"""

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

# What the stand-in client shows a browser: a small page that passes the accessibility checks.
PAGE = (
    '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Cổng thử nghiệm</title>'
    "</head><body><main><h1>Cổng thử nghiệm</h1><p>Xong.</p></main></body></html>"
)


@dataclass
class Behaviour:
    status: int = 200
    delay: float = 0.0
    barrier: threading.Barrier | None = None


@dataclass
class Receiver:
    base_url: str
    behaviours: dict[str, Behaviour] = field(default_factory=dict)
    received: list[tuple[str, str]] = field(default_factory=list)
    # GETs: a browser's visits (a front-channel iframe, a redirect back), path with query.
    visits: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def uri(self, path, **behaviour):
        self.behaviours[path] = Behaviour(**behaviour)
        return f"{self.base_url}{path}"

    def tokens(self, path):
        with self.lock:
            return [token for where, token in self.received if where == path]


def start_receiver():
    """Start the server on a free port; return (receiver, server)."""
    receiver = Receiver(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode())
            behaviour = receiver.behaviours.get(self.path, Behaviour(status=404))
            with receiver.lock:
                receiver.received.append((self.path, form.get("logout_token", [""])[0]))
            status = behaviour.status
            if behaviour.barrier is not None:
                try:
                    # Passes only if every peer's request is in flight at the same time.
                    behaviour.barrier.wait()
                except threading.BrokenBarrierError:
                    status = 500
            time.sleep(behaviour.delay)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # The caller gave up waiting (its timeout).

        def do_GET(self):
            with receiver.lock:
                receiver.visits.append(self.path)
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server


def closed_port_url(path="/backchannel-logout"):
    """Return a URL on a local port nobody listens on: the client is down."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"
