"""A one-shot build imports only what its formats need (issue 19, cases a and d).

Each build runs the command in a fresh interpreter and lists, at its end, the modules it imported:
a DOCX-only or EPUB-only build must not import WeasyPrint; a DOCX-only build of a Markdown article
without a date or a figure must not import Pillow, Babel, the HTTP stack or the other readers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

_SCRIPT = """
import json, runpy, sys
sys.argv = ["opedexport", "build", *sys.argv[1:]]
try:
    runpy.run_module("opedexport", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
print(json.dumps({"code": code, "modules": sorted(sys.modules)}))
"""

PLAIN = """---
title: "A plain article"
author: "A. Writer"
lang: en
---

First paragraph, with a note.[^1]

- one item
- another item

> A quote.

[^1]: The note.
"""


def _build(tmp_path: Path, source: str, fmt: str) -> set[str]:
    article = tmp_path / "article.md"
    article.write_text(source, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(article), "--out", str(tmp_path / "out"), "--format", fmt],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    last = proc.stdout.strip().splitlines()[-1]
    report = json.loads(last)
    assert report["code"] in (0, None), proc.stderr
    assert (tmp_path / "out" / f"article.{fmt}").is_file()
    return set(report["modules"])


def _roots(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


@pytest.mark.parametrize("fmt", ["docx", "epub"])
def test_no_weasyprint_without_pdf(tmp_path: Path, fmt: str) -> None:
    modules = _build(tmp_path, PLAIN, fmt)
    assert "weasyprint" not in _roots(modules)
    assert "opedexport.exporters.pdf" not in modules


def test_docx_only_imports_no_image_locale_http_or_other_readers(tmp_path: Path) -> None:
    modules = _build(tmp_path, PLAIN, "docx")
    roots = _roots(modules)
    assert not roots & {"PIL", "babel", "weasyprint", "ebooklib", "http"}, roots & {"PIL", "babel", "http"}
    assert "urllib.request" not in modules
    other_readers = {
        "opedexport.readers.html",
        "opedexport.readers.text",
        "opedexport.readers.docx",
        "opedexport.readers.json",
    }
    assert not modules & other_readers


def test_a_dated_article_still_gets_its_date(tmp_path: Path) -> None:
    """Babel, imported late, still formats the date (the lazy import changes nothing of the output)."""
    dated = PLAIN.replace("lang: en\n", "lang: en\ndate: 2025-05-12\n")
    modules = _build(tmp_path, dated, "docx")
    assert "babel.dates" in modules
    import zipfile

    with zipfile.ZipFile(tmp_path / "out" / "article.docx") as z:
        assert "May 12, 2025" in z.read("word/document.xml").decode()
