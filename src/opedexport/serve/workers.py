"""Warm worker processes for the HTTP service, fed one job at a time over a pipe.

Each worker imports the exporters, loads the themes and renders a tiny article
in every format once, then answers jobs (``export`` or ``inspect`` of one
uploaded file) until it is told to stop. A job that overruns its time limit is
stopped inside the worker (:func:`opedexport.limits.time_limit`); a worker that
still does not answer is killed and replaced. Workers ignore SIGINT and SIGTERM
(the server decides when they stop) and die with the server (``PR_SET_PDEATHSIG``),
so none is ever left behind.
"""

from __future__ import annotations

import asyncio
import concurrent.futures as cf
import contextlib
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._processes import die_with_parent

__all__ = ["Busy", "Draining", "Job", "WorkerCrashed", "WorkerPool", "WorkerTimeout"]

#: Seconds a worker may overrun the job's own time limit before it is killed and replaced.
GRACE = 5.0
_WARM_TEXT = "# Warm\n\nBy A. Writer\n\nOne paragraph, to load fonts, hyphenation and templates.\n"


class Busy(Exception):
    """The queue is full: the caller should retry later."""


class Draining(Exception):
    """The server is shutting down and takes no new jobs."""


class WorkerTimeout(Exception):
    """The worker did not answer within the time limit and was replaced."""


class WorkerCrashed(Exception):
    """The worker died while running the job and was replaced."""


@dataclass(frozen=True, slots=True)
class Job:
    """One request's work, sent to a worker (small and picklable: the upload stays on disk)."""

    op: str
    """``export`` or ``inspect``."""
    path: str
    """The upload, alone in its private folder."""
    name: str
    """The file name as the client gave it (cleaned), for messages."""
    reader: str | None = None
    formats: tuple[str, ...] = ()
    theme: str = "default"
    """A built-in theme name, or a folder inside ``theme_within``."""
    theme_within: str | None = None
    theme_id: str = ""
    """What identifies the theme's files now (a worker reloads a theme whose identity changed)."""
    lang: str | None = None
    options: tuple[tuple[str, Any], ...] = ()
    time_limit: float | None = 60.0
    max_bytes: int = 10 * 1024 * 1024


# --------------------------------------------------------------------------- the worker side


#: (name, within) → (identity, the loaded theme): one version of each theme, the latest asked for.
_THEMES: dict[tuple[str, str | None], tuple[str, Any]] = {}


def _theme(name: str, within: str | None, identity: str = "") -> Any:
    from ..theme import Theme

    key = (name, within)
    held = _THEMES.get(key)
    if held is None or held[0] != identity:
        if held is not None:
            _forget_theme_files()
        held = (identity, Theme.load(name, within=within) if within else Theme.load(name))
        _THEMES[key] = held
    return held[1]


def _forget_theme_files() -> None:
    """Drop what this process remembers of theme files read before (their files changed since).

    ``theme.toml`` files are parsed once per process, stylesheets kept per token set, and the PDF's
    parsed stylesheets and font configuration (which holds every ``@font-face`` loaded, by path)
    kept per process, which is right for files that do not change; an operator's theme edited
    while the service runs is a new identity, and must be read again (a font file replaced at the
    same path included), or the answers kept under its new key would be old.
    """
    import sys

    from .. import theme
    from ..exporters import _html

    theme._read_toml.cache_clear()
    _html._CSS_CACHE.clear()
    pdf = sys.modules.get("opedexport.exporters.pdf")
    if pdf is not None:
        pdf._release_font_config()


def _warm(themes: list[tuple[str, str | None, str]]) -> None:
    """Import every exporter, load the themes, and render a tiny article in each format."""
    from ..api import export_bytes, read
    from ..registry import registry

    default: tuple[str, str | None, str] = ("default", None, "")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, within, identity in themes:
            with contextlib.suppress(Exception):
                _theme(name, within, identity)
                if (name, within) == ("default", None):
                    default = (name, within, identity)
        try:
            article = read(text=_WARM_TEXT, format="markdown", lang="en")
        except Exception:  # pragma: no cover - the built-in reader always reads this
            return
        for fmt in registry.exporters.names():
            with contextlib.suppress(Exception):
                export_bytes(article, fmt, _theme(*default))


def _clean(text: str, folder: str) -> str:
    """``text`` without the private folder's path (the client knows its file by its own name)."""
    return text.replace(folder + os.sep, "").replace(folder, "")


def _error(status: int, exc: BaseException, job: Job) -> dict[str, Any]:
    from ..errors import OpedexportError

    folder = str(Path(job.path).parent)
    if isinstance(exc, OpedexportError):
        message, line = exc.message, exc.line
    else:
        message, line = f"internal error: {type(exc).__name__}: {exc}", None
    return {"ok": False, "status": status, "error": _clean(message, folder), "line": line, "file": job.name}


def run(job: Job) -> dict[str, Any]:
    """Do ``job`` in this process; never raises. Returns the answer as a dict (see :class:`WorkerPool`)."""
    from .. import limits
    from ..api import export_bytes, read_result
    from ..errors import LimitError, OpedexportError
    from ..registry import registry
    from ..serialize import article_to_dict

    folder = str(Path(job.path).parent)
    started = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with limits.time_limit(job.time_limit, what="the request", path=job.name):
                report = read_result(job.path, job.reader, lang=job.lang, max_bytes=job.max_bytes)
                answer: dict[str, Any] = {"ok": True}
                if job.op == "inspect":
                    answer["json"] = {
                        "file": job.name,
                        "article": article_to_dict(report.article),
                        "removed": [{"line": r.line, "rule": r.rule, "text": r.text} for r in report.removed],
                        "notes": list(report.notes),
                    }
                else:
                    theme = _theme(job.theme, job.theme_within, job.theme_id)
                    files = []
                    for fmt in job.formats:
                        accepted = set(registry.exporter(fmt).options)
                        opts = {k: v for k, v in job.options if k in accepted}
                        data = export_bytes(report.article, fmt, theme, time_limit=None, **opts)
                        assert isinstance(data, bytes)
                        files.append((fmt, data))
                    answer["files"] = files
        except LimitError as exc:
            timed_out = job.time_limit is not None and time.monotonic() - started >= job.time_limit * 0.95
            answer = _error(504 if timed_out else 413, exc, job)
        except OpedexportError as exc:
            answer = _error(400, exc, job)
        except Exception as exc:
            answer = _error(500, exc, job)
    answer["warnings"] = [_clean(str(w.message), folder) for w in caught]
    if answer["ok"] and job.op == "inspect":
        answer["json"]["warnings"] = answer["warnings"]
    return answer


def _main(conn: multiprocessing.connection.Connection, themes: list[tuple[str, str | None, str]], parent: int) -> None:
    """A worker process: warm up, say ready, then answer jobs until ``None`` or the pipe closes."""
    die_with_parent(parent, exit_code=0)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    _warm(themes)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(run(job))


# --------------------------------------------------------------------------- the server side


@dataclass(eq=False)
class _Worker:
    process: Any
    conn: multiprocessing.connection.Connection
    jobs: int = 0

    def call(self, job: Job) -> dict[str, Any]:
        self.conn.send(job)
        answer: dict[str, Any] = self.conn.recv()
        return answer

    def stop(self, timeout: float = 5.0) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(None)
        self.process.join(timeout)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(OSError):
            self.conn.close()


@dataclass(eq=False)
class WorkerPool:
    """``workers`` warm processes and a bounded queue of jobs waiting for one of them.

    :param queue: how many jobs may wait for a free worker; past that :meth:`submit` raises :class:`Busy`.
    :param themes: the themes each worker loads when it starts, as ``(name, within, identity)``.
    :param max_jobs: a worker is replaced after this many jobs, so memory stays flat.
    """

    workers: int
    queue: int
    themes: list[tuple[str, str | None, str]] = field(default_factory=list)
    max_jobs: int = 500
    _idle: asyncio.Queue[_Worker] = field(init=False)
    _all: set[_Worker] = field(init=False, default_factory=set)
    _waiting: int = field(init=False, default=0)
    active: int = field(init=False, default=0)
    """Jobs accepted and not yet answered (waiting or running)."""
    draining: bool = field(init=False, default=False)
    jobs: int = field(init=False, default=0)
    """Jobs handed to a worker so far (each is one read, and the exports asked for)."""
    _threads: cf.ThreadPoolExecutor = field(init=False)
    _ready: int = field(init=False, default=0)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)
    _loop: asyncio.AbstractEventLoop = field(init=False)

    @property
    def ready(self) -> bool:
        """Whether every worker has started and warmed up (at least once)."""
        return self._ready >= self.workers

    async def start(self) -> None:
        """Start the workers in the background; :attr:`ready` turns true once all are warm."""
        self._loop = asyncio.get_running_loop()
        self._idle = asyncio.Queue()
        self._threads = cf.ThreadPoolExecutor(max_workers=2 * self.workers + 2, thread_name_prefix="opedexport-pool")
        for _ in range(self.workers):
            self._threads.submit(self._spawn)

    def _spawn(self) -> None:
        """Start one worker and, once it is warm, put it in the idle queue (runs in a thread)."""
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_main, args=(child, self.themes, os.getpid()), name="opedexport-serve-worker", daemon=True
        )
        process.start()
        child.close()
        worker = _Worker(process, parent)
        with self._lock:
            self._all.add(worker)
        try:
            parent.recv()  # ("ready", pid)
        except (EOFError, OSError):
            with self._lock:
                self._all.discard(worker)
            worker.kill()
            if not self.draining:
                time.sleep(1)
                self._spawn()
            return
        with self._lock:
            self._ready += 1
        self._loop.call_soon_threadsafe(self._idle.put_nowait, worker)

    def _replace(self, worker: _Worker, *, kill: bool) -> None:
        with self._lock:
            self._all.discard(worker)
        if kill:
            worker.kill()
        else:
            worker.stop()
        if not self.draining:
            self._spawn()

    async def submit(self, job: Job) -> dict[str, Any]:
        """Run ``job`` on a free worker and return its answer.

        :raises Draining: when the server is shutting down.
        :raises Busy: when ``queue`` jobs already wait for a worker.
        :raises WorkerTimeout: when the worker overran the time limit by :data:`GRACE` (it is replaced).
        :raises WorkerCrashed: when the worker died (it is replaced).
        """
        if self.draining:
            raise Draining
        if self._idle.empty() and self._waiting >= self.queue:
            raise Busy
        self.active += 1
        try:
            self._waiting += 1
            try:
                worker = await self._idle.get()
            finally:
                self._waiting -= 1
            limit = None if not job.time_limit else job.time_limit + GRACE
            self.jobs += 1
            try:
                answer = await asyncio.wait_for(self._loop.run_in_executor(self._threads, worker.call, job), limit)
            except TimeoutError:
                self._threads.submit(self._replace, worker, kill=True)
                raise WorkerTimeout from None
            except (EOFError, OSError, ValueError):
                self._threads.submit(self._replace, worker, kill=True)
                raise WorkerCrashed from None
            worker.jobs += 1
            if worker.jobs >= self.max_jobs:
                self._threads.submit(self._replace, worker, kill=False)
            else:
                self._idle.put_nowait(worker)
            return answer
        finally:
            self.active -= 1

    def pids(self) -> list[int]:
        """The process ids of the current workers."""
        with self._lock:
            return sorted(w.process.pid for w in self._all if w.process.pid)

    async def close(self) -> None:
        """Refuse new jobs, wait for the accepted ones, then stop every worker and wait for it."""
        self.draining = True
        while self.active:
            await asyncio.sleep(0.05)
        with self._lock:
            workers = list(self._all)
            self._all.clear()

        def stop_all() -> None:
            for worker in workers:
                worker.stop()

        await self._loop.run_in_executor(None, stop_all)
        self._threads.shutdown(wait=False, cancel_futures=True)
