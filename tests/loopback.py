"""One loopback HTTP listener for the tests that prove nothing is fetched (or only what is allowed).

``/chart.png`` is an image, ``/moved`` a 302 to it; anything else is a 404. The listener
counts connections and records request paths; it binds 127.0.0.1 on a free port only.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CHART = Path(__file__).resolve().parent / "data" / "images" / "chart.png"


class Listener(http.server.ThreadingHTTPServer):
    """A loopback HTTP server that counts connections and records request paths."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.connections = 0
        self.paths: list[str] = []

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def verify_request(self, request: Any, client_address: Any) -> bool:
        self.connections += 1
        return True


class _Handler(http.server.BaseHTTPRequestHandler):
    server: Listener

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        if self.path == "/chart.png":
            data = CHART.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/chart.png")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_error(404)

    def log_message(self, *args: Any) -> None:
        pass


@contextlib.contextmanager
def listening() -> Iterator[Listener]:
    """A running :class:`Listener`, shut down on exit."""
    server = Listener()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
