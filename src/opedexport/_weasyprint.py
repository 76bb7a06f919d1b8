"""Importing WeasyPrint, and, for the command line only, a faster way to do it.

This is the one module that knows WeasyPrint's version-specific loading. :func:`import_weasyprint`
is a plain import: the library changes nothing of the process it runs in.

WeasyPrint 70 loads Pango, HarfBuzz and fontconfig with cffi's ``dlopen``, trying several names
per library (``libpango-1.0-0``, ``pango-1.0-0``, ``pango-1.0``, …) and an optional library
(``harfbuzz-vector``) under six names that are usually all missing. For each name that is not a
loadable file, cffi asks :func:`ctypes.util.find_library`, which on Linux runs ``ldconfig -p``
and, when that finds nothing, ``gcc`` and then ``ld``: about 11 ms a name where a compiler is
installed, some 0.2 s of every process that makes a PDF (WeasyPrint issue #1125).

A program that owns its process (the ``opedexport`` command) may call :func:`enable_fast_import`
before WeasyPrint is imported. The import is then done while ``find_library`` answers from one
reading of the linker cache, which is the first step of the standard lookup and the one that finds
every library a distribution installs, with WeasyPrint's advice on standard output held back.
Both are process-wide (another thread would see them), which is why a library must not do it.
Should the import fail that way (a library that only the compiler's search path knows of), it is
done again with the standard lookup, so the result never differs from a plain ``import weasyprint``;
only the time does. The standard function is put back as soon as the import is over. It is used
only with the WeasyPrint version it was measured with (:data:`FAST_IMPORT_VERSIONS`).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.metadata
import io
import os
import re
import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from types import ModuleType

__all__ = [
    "FAST_IMPORT_VERSIONS",
    "cached_find_library",
    "enable_fast_import",
    "import_weasyprint",
    "linker_cache_listing",
]

_LOCK = threading.Lock()

#: WeasyPrint major versions whose library loading the fast import was measured against.
FAST_IMPORT_VERSIONS = ("70",)

_fast = False

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


def enable_fast_import() -> bool:
    """For a program that owns its process (the CLI): import WeasyPrint the fast way described
    above, from now on. Nothing is changed until the import itself.

    :returns: whether it is enabled: only on Linux, with a WeasyPrint of :data:`FAST_IMPORT_VERSIONS`.
    """
    global _fast
    try:
        installed = importlib.metadata.version("weasyprint")
    except importlib.metadata.PackageNotFoundError:
        return False
    _fast = sys.platform.startswith("linux") and installed.split(".")[0] in FAST_IMPORT_VERSIONS
    return _fast


def import_weasyprint() -> ModuleType:
    """Import WeasyPrint (once per process) and return it: a plain import unless the program
    called :func:`enable_fast_import`.
    """
    module = sys.modules.get("weasyprint")
    if module is not None and hasattr(module, "HTML"):
        return module
    if not _fast:
        return importlib.import_module("weasyprint")
    with _LOCK:
        module = sys.modules.get("weasyprint")
        if module is not None and hasattr(module, "HTML"):
            return module
        listing = linker_cache_listing()
        if listing is not None:
            import ctypes.util  # here, not on import: a command that makes no PDF never needs it

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
