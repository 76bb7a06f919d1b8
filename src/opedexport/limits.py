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

#: Once the time is up, the interrupt is repeated this often until the block has ended.
_REPEAT = 0.25


class _TimeUp(BaseException):
    """Raised by the timer.

    A BaseException, so ``except Exception`` in a library (WeasyPrint guards fonts
    and URLs that way) cannot swallow it.
    """


def _importing(frame: FrameType | None) -> bool:
    """Whether ``frame`` is inside an import (cutting one short would leave a half-made module)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib._bootstrap"):
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def time_limit(seconds: float | None, *, what: str, path: str | Path | None = None) -> Iterator[None]:
    """Raise :class:`LimitError` from this block once ``seconds`` of wall-clock time have passed.

    A real-time interval timer interrupts pure-Python work such as WeasyPrint's
    layout; if something swallows the interrupt, it comes again every quarter
    second until the block ends, and while a module is being imported it waits
    (an import cut short would leave a half-made module behind).
    It applies only in a process's main thread (the CLI, a process-pool worker);
    elsewhere, for example in a thread pool, the block runs unbounded.
    """
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    armed = [True]

    def expire(signum: int, frame: FrameType | None) -> None:
        if armed[0] and not _importing(frame):
            raise _TimeUp

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        try:
            yield
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except _TimeUp:
        raise LimitError(f"{what} took longer than {seconds:g} s and was stopped", path=path) from None
