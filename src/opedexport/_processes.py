"""Child processes that do not outlive the process that started them (the batch pool, the split build,
the HTTP service's workers).
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import sys

__all__ = ["GC_THRESHOLDS", "die_with_parent", "relax_gc", "skip_final_collection"]

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


def skip_final_collection() -> None:
    """For a process of our own that is about to exit (the ``opedexport`` program): freeze what is
    alive, so the interpreter's shutdown does not trace it all in its last full collections.

    After a PDF that tracing was most of the exit: about 60 ms of a one-article build, with
    WeasyPrint's modules and the laid-out document alive. Shutdown is otherwise unchanged: ``atexit``
    handlers run, standard streams are flushed and modules are torn down; only garbage in reference
    cycles is left to the operating system, as at any exit. Every file we write is closed explicitly
    before this point.
    """
    gc.freeze()
