"""A small HTTP load balancer for tests: forwards each request to the server a rule picks."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

# Connection-level headers belong to one hop and are not forwarded (RFC 9110 §7.6.1).
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
}
TIMEOUT_SECONDS = 30


class LoadBalancer:
    """Listen on a free 127.0.0.1 port; `route(method, path)` names the backend of a request.

    Every request keeps its Host header, as behind a real load balancer, so the servers see
    one public address. `served` records (method, path, backend name) in arrival order.
    """

    def __init__(self, backends, route):
        self.backends = backends
        self.route = route
        self.served = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._server.shutdown()
        self._server.server_close()

    def backends_of(self, method, prefix):
        """Return the backends that served method requests whose path starts with prefix."""
        with self._lock:
            return [
                name for m, path, name in self.served if m == method and path.startswith(prefix)
            ]

    def _forward(self, handler):
        name = self.route(handler.command, handler.path)
        with self._lock:
            self.served.append((handler.command, handler.path, name))
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in HOP_BY_HOP}
        # Bodies pass through byte for byte: no compression to undo on the way back.
        headers["Accept-Encoding"] = "identity"
        answer = requests.request(
            handler.command,
            self.backends[name] + handler.path,
            headers=headers,
            data=body,
            allow_redirects=False,
            timeout=TIMEOUT_SECONDS,
        )
        handler.send_response(answer.status_code)
        for key, value in answer.raw.headers.items():
            if key.lower() not in HOP_BY_HOP:
                handler.send_header(key, value)
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.send_header("Connection", "close")
        handler.end_headers()
        handler.wfile.write(answer.content)

    def _handler(self):
        balancer = self

        class Handler(BaseHTTPRequestHandler):
            def _any(self):
                balancer._forward(self)

            do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_OPTIONS = _any

            def log_message(self, format, *args):
                pass

        return Handler
