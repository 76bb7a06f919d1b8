"""Child processes that do not outlive the process that started them (the batch pool, the split build,
the HTTP service's workers).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys

__all__ = ["GC_THRESHOLDS", "die_with_parent", "relax_gc"]

#: The collector's thresholds in a process of our own: a young-generation collection every 10,000
#: allocations rather than 700. Laying out a page allocates hundreds of thousands of objects that live
#: until the document is written, so the default thresholds collect again and again for nothing (a
#: tenth of a batch worker's time, most of it in full collections scanning every imported module).
GC_THRESHOLDS = (10_000, 10, 10)


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


def relax_gc() -> None:
    """For a process of our own (a batch worker, the ``opedexport`` program), never a caller's: move
    what is alive now (the imported modules) out of the collector's sight with :func:`gc.freeze`, and
    collect less often (:data:`GC_THRESHOLDS`). Garbage in cycles is still collected, only in fewer,
    larger rounds; memory stays bounded by the same full collections, a little later.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
