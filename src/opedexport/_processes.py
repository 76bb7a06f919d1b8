"""Child processes that do not outlive the process that started them (the batch pool, the split build,
the HTTP service's workers).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

__all__ = ["die_with_parent"]


def die_with_parent(parent: int, *, exit_code: int = 1) -> None:
    """Have the kernel kill this process when its parent ends (Linux ``PR_SET_PDEATHSIG``), and end
    now, with ``exit_code``, if ``parent`` already has (it may have ended before the request was made).

    The signal follows the parent *thread* that forked: the caller forks from a thread that lives as
    long as the child should (the thread that waits for the split build's child, the single-threaded
    fork server, the service's pool).
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # 1 is PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(exit_code)
