"""``opedexport serve``: an HTTP service and an editor's page over the same readers and exporters.

Needs the optional extra ``serve`` (``pip install 'opedexport[serve]'``: Starlette, uvicorn,
python-multipart). See :mod:`opedexport.serve.app` for the API and :func:`run` for the server.
"""

from __future__ import annotations

import asyncio
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


def _protocol(header_timeout: float | None) -> type[asyncio.Protocol]:
    """uvicorn's HTTP/1.1 protocol, except that a request's headers must arrive within
    ``header_timeout`` seconds of the connection (or of the previous answer on it); past that the
    connection is closed. uvicorn itself waits for them for ever: a client sending its headers a byte
    at a time would hold a connection (of the :data:`MAX_CONNECTIONS`) as long as it liked.
    """
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class Protocol(H11Protocol):
        _late: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            if self._late is not None:
                self._late.cancel()
                self._late = None
            super().connection_lost(exc)

        def _arm(self) -> None:
            if header_timeout is None or self.transport.is_closing():
                return
            if self._late is not None:
                self._late.cancel()
            self._late = self.loop.call_later(header_timeout, self._headers_late)

        def _headers_late(self) -> None:
            self._late = None
            if self.cycle is not None and not self.cycle.response_complete:
                return  # a request is being received or answered: the upload's own deadline applies
            if not self.transport.is_closing():
                self.transport.close()

    return Protocol


def run(config: ServeConfig, *, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Serve until SIGTERM or SIGINT; returns the exit status.

    The first signal drains: new requests are answered 503 (``Retry-After``), accepted jobs
    finish (for at most the time limit and 30 s more), then the server and its workers stop.
    A second signal stops at once.
    A request's headers must arrive within ``config.upload_timeout`` of the connection (or of the
    previous answer on it), else the connection is closed; its body within that time again, else 408.
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
        # the headers within the upload timeout (uvicorn has no limit of its own), the body within it again
        http=_protocol(config.upload_timeout),
    )
    server = Server(uv_config)
    bound: Any = sock.getsockname()
    print(json.dumps({"event": "listening", "host": bound[0], "port": bound[1]}), file=sys.stderr, flush=True)
    server.run(sockets=[sock])
    return 0
