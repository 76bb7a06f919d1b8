"""Importing WeasyPrint: plain in the library, with the linker-cache lookup only when a program opts in (``_weasyprint.py``)."""

from __future__ import annotations

import ctypes.util
import json
import subprocess
import sys
import textwrap

import pytest

from opedexport._weasyprint import cached_find_library, linker_cache_listing

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the linker cache is a Linux thing")

#: Runs in a fresh interpreter: imports WeasyPrint the way the PDF exporter does and reports the
#: commands started meanwhile, whether ``find_library`` is the standard one again, and the output.
_PROBE = textwrap.dedent(
    """
    import contextlib, ctypes.util, io, json, subprocess, sys
    started = []
    real_init = subprocess.Popen.__init__
    def init(self, args, *a, **k):
        started.append([str(x) for x in args])
        real_init(self, args, *a, **k)
    subprocess.Popen.__init__ = init
    from opedexport import _weasyprint
    if sys.argv[1] != "plain":
        assert _weasyprint.enable_fast_import()
    standard = ctypes.util.find_library
    calls = []
    if sys.argv[1] == "plain":  # a recorder: were it replaced during the import, it would see no call
        def recorder(name, _standard=standard):
            calls.append(name)
            return _standard(name)
        ctypes.util.find_library = standard = recorder
    if sys.argv[1] == "cache-fails":
        # As if a library were known only to the standard lookup: loading fails while it is swapped out.
        import cffi
        real_dlopen = cffi.FFI.dlopen
        def dlopen(self, name, *a, **k):
            if ctypes.util.find_library is not standard:
                raise OSError(f"cannot load library {name!r}")
            return real_dlopen(self, name, *a, **k)
        cffi.FFI.dlopen = dlopen
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        weasyprint = _weasyprint.import_weasyprint()
    print(json.dumps({
        "started": started,
        "restored": ctypes.util.find_library is standard,
        "has_html": hasattr(weasyprint, "HTML"),
        "printed": out.getvalue(),
        "calls": len(calls),
    }))
    """
)


def _probe(mode: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PROBE, mode], capture_output=True, text=True, check=True, timeout=120)
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


@linux_only
@pytest.mark.parametrize("name", ["c", "m", "pango-1.0", "harfbuzz", "fontconfig", "no-such-library-xyz"])
def test_cached_lookup_answers_as_the_standard_ldconfig_step(name: str) -> None:
    listing = linker_cache_listing()
    assert listing is not None
    standard = getattr(ctypes.util, "_findSoname_ldconfig", None)
    if standard is None:  # pragma: no cover - every CPython on Linux has it
        pytest.skip("this Python's ctypes has no ldconfig step")
    assert cached_find_library(listing)(name) == standard(name)


@linux_only
def test_weasyprint_is_imported_with_one_ldconfig_run_and_no_compiler() -> None:
    result = _probe("normal")
    assert result["has_html"] and result["restored"]
    assert result["started"] == [["/sbin/ldconfig", "-p"]]
    assert result["printed"] == ""


@linux_only
def test_an_import_that_fails_with_the_cache_is_done_again_with_the_standard_lookup() -> None:
    result = _probe("cache-fails")
    assert result["has_html"] and result["restored"]
    assert result["printed"] == ""  # WeasyPrint's advice from the failed first try is not shown


def test_the_lookup_matches_only_whole_library_names() -> None:
    listing = (
        b"\tlibpango-1.0.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libpango-1.0.so.0\n"
        b"\tlibpangoft2-1.0.so.0 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0\n"
        b"\tlibfoo.so.1 (libc6) => /usr/lib/i386-linux-gnu/libfoo.so.1\n"
    )
    find = cached_find_library(listing)
    if find("pango-1.0") is None:
        pytest.skip("this machine's ABI is not x86-64")
    assert find("pango-1.0") == "libpango-1.0.so.0"
    assert find("pangoft2-1.0") == "libpangoft2-1.0.so.0"
    assert find("pango") is None  # "libpango-1.0…" is not "libpango.…"
    assert find("foo") is None  # another ABI


@linux_only
def test_the_library_imports_weasyprint_plainly_leaving_find_library_alone() -> None:
    # Without the program's opt-in, a host application's find_library is the one WeasyPrint uses.
    result = _probe("plain")
    assert result["has_html"] and result["restored"]
    assert isinstance(result["calls"], int) and result["calls"] > 0


def test_main_leaves_the_plain_import_only_run_opts_in(monkeypatch: pytest.MonkeyPatch) -> None:
    from opedexport import _weasyprint, cli

    monkeypatch.setattr(_weasyprint, "_fast", False)
    assert cli.main(["themes"]) == 0
    assert _weasyprint._fast is False
    monkeypatch.setattr(cli, "main", lambda: 0)
    assert cli.run() == 0
    assert _weasyprint._fast is sys.platform.startswith("linux")
