"""``opedexport serve``: an HTTP service and an editor's page over the same readers and exporters.

Needs the optional extra ``serve`` (``pip install 'opedexport[serve]'``: Starlette, uvicorn,
python-multipart). See :mod:`opedexport.serve.app` for the API and :func:`run` for the server.
"""

from __future__ import annotations

import json
import socket
import sys
import time
from types import FrameType
from typing import Any

from .app import (
    DEFAULT_CACHE_MB,
    DEFAULT_MAX_BYTES,
    DEFAULT_QUEUE,
    DEFAULT_TIME_LIMIT,
    DEFAULT_UPLOAD_TIMEOUT,
    ServeConfig,
    create_app,
)

__all__ = [
    "DEFAULT_CACHE_MB",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_QUEUE",
    "DEFAULT_TIME_LIMIT",
    "DEFAULT_UPLOAD_TIMEOUT",
    "MAX_CONNECTIONS",
    "ServeConfig",
    "create_app",
    "run",
]

#: Connections and requests served at once; beyond, uvicorn answers 503. Each may hold an upload
#: of up to 256 KiB in memory while it is read, so this bounds that memory (to 64 MiB).
MAX_CONNECTIONS = 256


def run(config: ServeConfig, *, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve until SIGTERM or SIGINT; returns the exit status.

    The first signal drains: new requests are answered 503 (``Retry-After``), accepted jobs
    finish (for at most the time limit and 30 s more), then the server and its workers stop.
    A second signal stops at once.
    Once listening, one JSON line ``{"event": "listening", "host": …, "port": …}`` goes to
    standard error (``port`` is the real one when 0 was asked for).
    """
    import uvicorn

    app = create_app(config)
    service = app.service
    pool = service.pool
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        print(f"opedexport: error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    sock.listen(128)
    sock.set_inheritable(True)

    class Server(uvicorn.Server):
        """uvicorn, except that a signal drains the pool before the server stops."""

        draining = False
        drain_until = 0.0

        def handle_exit(self, sig: int, frame: FrameType | None) -> None:
            if self.draining:
                self.force_exit = True
                self.should_exit = True
                return
            self.draining = True
            # a slow client must not hold the server up for ever: past this, stop anyway
            self.drain_until = time.monotonic() + (config.time_limit or DEFAULT_TIME_LIMIT) + 30
            pool.draining = True

        async def on_tick(self, counter: int) -> bool:
            if self.draining and ((pool.active == 0 and service.inflight == 0) or time.monotonic() > self.drain_until):
                return True
            return bool(await super().on_tick(counter))

    uv_config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=30,
        server_header=False,
        # connections and requests at once: each may hold an upload of up to 256 KiB in memory
        # while it is read (answered 503 beyond this, by uvicorn)
        limit_concurrency=MAX_CONNECTIONS,
    )
    server = Server(uv_config)
    bound: Any = sock.getsockname()
    print(json.dumps({"event": "listening", "host": bound[0], "port": bound[1]}), file=sys.stderr, flush=True)
    server.run(sockets=[sock])
    return 0
