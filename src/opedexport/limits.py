"""Bounds that keep a pipeline from hanging: a wall-clock limit on one export."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from .errors import LimitError

__all__ = ["DEFAULT_TIME_LIMIT", "time_limit"]

#: Seconds one export may take before it is stopped (``None`` or 0 turns the limit off).
DEFAULT_TIME_LIMIT: float = 300.0


@contextlib.contextmanager
def time_limit(seconds: float | None, *, what: str, path: str | Path | None = None) -> Iterator[None]:
    """Raise :class:`LimitError` in this block once ``seconds`` of wall-clock time have passed.

    Uses a real-time interval timer, so it interrupts pure-Python work such as
    WeasyPrint's layout. It applies only in a process's main thread (the CLI,
    a process-pool worker); elsewhere, for example in a thread pool, the block
    runs unbounded.
    """
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise LimitError(f"{what} took longer than {seconds:g} s and was stopped", path=path)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
