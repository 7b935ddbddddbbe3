"""A local HTTP server for the fetcher's tests: nothing they fetch comes from the internet.

Each route is a path and a function of the request handler that answers it; `serve` yields
the server's base URL and the fetcher allowed to reach it (INTAKE_FETCH_ALLOW_HOSTS), for as
long as the test runs. Slow routes wait on `released`, set when the test ends, so no thread
outlives it by more than a moment.
"""

import contextlib
import ssl
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.test import override_settings

released = threading.Event()


def answer(status: int = 200, body: bytes = b"", content_type: str | None = "text/html; charset=utf-8", **headers):
    """A route that answers `status` with `body` and headers (underscores in names become dashes)."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        if content_type:
            handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        handler.wfile.write(body)

    return route


def redirect(location: str, status: int = 302):
    return answer(status, b"", content_type=None, Location=location)


class _Handler(BaseHTTPRequestHandler):
    routes: dict[str, Callable] = {}
    seen: list[dict[str, str]] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        self.seen.append({"path": self.path, **{k.lower(): v for k, v in self.headers.items()}})
        route = self.routes.get(self.path)
        if route is None:
            answer(404, b"not here")(self)
        else:
            route(self)

    def log_message(self, format, *args):  # the test's output is not the server's log
        pass


@contextlib.contextmanager
def serve(routes: dict[str, Callable], *, tls: ssl.SSLContext | None = None):
    """(base URL, list of the requests' headers) while a server answers `routes` on 127.0.0.1
    (over TLS with the `tls` context's certificate, if given)."""
    handler = type("Handler", (_Handler,), {"routes": routes, "seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    released.clear()
    thread.start()
    try:
        with override_settings(INTAKE_FETCH_ALLOW_HOSTS=[f"127.0.0.1:{port}"]):
            yield f"{'https' if tls else 'http'}://127.0.0.1:{port}", handler.seen
    finally:
        released.set()
        server.shutdown()
        server.server_close()
