"""Importing WeasyPrint without its library search starting a compiler for every name it tries.

WeasyPrint 70 loads Pango, HarfBuzz and fontconfig with cffi's ``dlopen``, trying several names
per library (``libpango-1.0-0``, ``pango-1.0-0``, ``pango-1.0``, …) and an optional library
(``harfbuzz-vector``) under six names that are usually all missing. For each name that is not a
loadable file, cffi asks :func:`ctypes.util.find_library`, which on Linux runs ``ldconfig -p``
and, when that finds nothing, ``gcc`` and then ``ld``: about 11 ms a name where a compiler is
installed, some 0.2 s of every process that makes a PDF (WeasyPrint issue #1125).

:func:`import_weasyprint` imports WeasyPrint while ``find_library`` answers from one reading of
the linker cache, which is the first step of the standard lookup and the one that finds every
library a distribution installs. Names that are not in the cache cost nothing. Should the import
fail that way (a library that only the compiler's search path knows of), it is done again with
the standard lookup, so the result never differs from a plain ``import weasyprint``; only the time
does. The standard function is put back as soon as the import is over.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import importlib
import io
import os
import re
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from types import ModuleType

__all__ = ["cached_find_library", "import_weasyprint", "linker_cache_listing"]

_LOCK = threading.Lock()

#: ``ldconfig -p`` names each library's ABI; this is the one this interpreter loads (as in :mod:`ctypes.util`).
_ABI_TYPES = {
    "x86_64-64": "libc6,x86-64",
    "ppc64-64": "libc6,64bit",
    "sparc64-64": "libc6,64bit",
    "s390x-64": "libc6,64bit",
    "ia64-64": "libc6,IA-64",
}


def linker_cache_listing() -> bytes | None:
    """The output of ``/sbin/ldconfig -p`` (the dynamic linker's cache), or ``None`` off glibc Linux."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        done = subprocess.run(
            ["/sbin/ldconfig", "-p"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={"LC_ALL": "C", "LANG": "C"},
            check=False,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 and done.stdout else None


def cached_find_library(listing: bytes) -> Callable[[str], str | None]:
    """A ``find_library`` that answers from ``listing`` (see :func:`linker_cache_listing`).

    It gives what :func:`ctypes.util.find_library` gives from its ``ldconfig`` step: the soname of
    the first library called ``lib<name>.…`` for this interpreter's ABI, or ``None``.
    """
    machine = os.uname().machine + ("-32" if struct.calcsize("l") == 4 else "-64")
    abi = re.escape(_ABI_TYPES.get(machine, "libc6"))

    def find_library(name: str) -> str | None:
        pattern = r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), abi)  # noqa: UP031 - as ctypes writes it
        found = re.search(os.fsencode(pattern), listing)
        return os.fsdecode(found.group(1)) if found else None

    return find_library


def _forget_weasyprint() -> None:
    for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
        del sys.modules[name]


def import_weasyprint() -> ModuleType:
    """Import WeasyPrint (once per process) with the fast library lookup described above; return it."""
    module = sys.modules.get("weasyprint")
    if module is not None and hasattr(module, "HTML"):
        return module
    with _LOCK:
        module = sys.modules.get("weasyprint")
        if module is not None and hasattr(module, "HTML"):
            return module
        listing = linker_cache_listing()
        if listing is not None:
            standard = ctypes.util.find_library
            ctypes.util.find_library = cached_find_library(listing)  # type: ignore[assignment]
            # WeasyPrint prints advice before it gives up on a library; it is not news if the
            # standard lookup below then finds it.
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    return importlib.import_module("weasyprint")
            except OSError:
                _forget_weasyprint()
            finally:
                ctypes.util.find_library = standard
        return importlib.import_module("weasyprint")
