"""A one-shot command of the benchmark's kind imports only what its formats need (issue 19, cases a and d).

:mod:`tests.test_imports_lean` covers a plain article; this covers the benchmark's feature article
(a date, a figure, notes, headings, lists, a quote), built as the command does it, and names each
module taken off the start-up path, so that bringing one back fails here:

- :mod:`ctypes`: only the PDF's fast WeasyPrint import needs it;
- the system's MIME tables (:mod:`mimetypes` initialised): a figure's type is that of its content;
- :mod:`uuid` (and :mod:`platform`) in a DOCX build: only the EPUB's identifiers need it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
CHART = Path(__file__).resolve().parent / "data" / "images" / "chart.png"

_SCRIPT = """
import json, runpy, sys
sys.argv = ["opedexport", "build", *sys.argv[1:]]
try:
    runpy.run_module("opedexport", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
mimetypes = sys.modules.get("mimetypes")
print(json.dumps({"code": code, "modules": sorted(sys.modules), "mime_tables": bool(mimetypes and mimetypes.inited)}))
"""

FEATURE = """---
title: "Diplomasi Pertahanan dan Ancaman Non-Tradisional"
author:
  name: "Ratu Hanun T.W.A"
  affiliation: "Mahasiswi HI UIN Jakarta"
lang: id
publication: DepokPos
date: 2025-05-12
---

Paragraf pertama tentang kerja sama pertahanan kawasan.

Paragraf kedua dengan catatan.[^1]

![Anggaran pertahanan kawasan, 2015-2024](chart.png)

> Kutipan tentang diplomasi pertahanan.
> — Cottey dan Forster

## Bagian 1

- satu
- dua

1. pertama
2. kedua

Paragraf ketiga dengan catatan lain.[^2]

[^1]: Catatan pertama.
[^2]: Catatan kedua.
"""


def _build(tmp_path: Path, fmt: str) -> dict[str, object]:
    article = tmp_path / "article.md"
    article.write_text(FEATURE, encoding="utf-8")
    shutil.copyfile(CHART, tmp_path / "chart.png")
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(article), "--out", str(tmp_path / "out"), "--format", fmt],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    report: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["code"] in (0, None), proc.stderr
    assert (tmp_path / "out" / f"article.{fmt}").is_file()
    return report


@pytest.mark.parametrize("fmt", ["docx", "epub"])
def test_a_feature_article_without_pdf_imports_no_weasyprint_or_ctypes(tmp_path: Path, fmt: str) -> None:
    report = _build(tmp_path, fmt)
    modules = set(report["modules"])  # type: ignore[call-overload]
    roots = {name.split(".")[0] for name in modules}
    assert not roots & {"weasyprint", "ctypes"}, roots & {"weasyprint", "ctypes"}
    assert "opedexport.exporters.pdf" not in modules
    if fmt == "docx":  # (ebooklib reads the tables itself when it adds an item to the book)
        assert report["mime_tables"] is False  # the figure's type came from its content


def test_a_docx_build_imports_neither_jinja_nor_ebooklib(tmp_path: Path) -> None:
    modules = set(_build(tmp_path, "docx")["modules"])  # type: ignore[call-overload]
    roots = {name.split(".")[0] for name in modules}
    assert not roots & {"jinja2", "ebooklib", "uharfbuzz", "fontTools"}
    assert not roots & {"uuid", "platform"}  # only the EPUB's identifiers need uuid


def test_an_epub_build_imports_no_python_docx(tmp_path: Path) -> None:
    modules = set(_build(tmp_path, "epub")["modules"])  # type: ignore[call-overload]
    assert "docx" not in {name.split(".")[0] for name in modules}


# --------------------------------------------------------------------------- templates compiled unoptimized


@pytest.mark.parametrize("theme_name", ["default", "modern", "newspaper"])
def test_templates_render_the_same_without_jinjas_optimizer(theme_name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme environment skips Jinja's constant folding (a one-shot command renders each template
    once); every built-in theme's stylesheets and article page come out exactly as with it.
    """
    from conftest import feature_article
    from opedexport.exporters import _html
    from opedexport.theme import load_theme

    theme = load_theme(theme_name)

    def outputs(optimized: bool) -> list[str]:
        env = _html._environment.__wrapped__(theme.template_dirs, theme.roots)
        env.optimized = optimized
        monkeypatch.setattr(_html, "environment", lambda _theme: env)
        monkeypatch.setattr(_html, "_CSS_CACHE", {})
        out = [_html.css_for(theme, target, book=book) for target in ("print", "epub") for book in (False, True)]
        for lang in ("id", "en"):
            for target in ("pdf", "epub"):
                rendered = _html.render_article(feature_article(lang), theme, target=target, image_src=lambda f: None)
                out.append(_html.to_html_string(rendered.root))
        return out

    assert not _html._environment(theme.template_dirs, theme.roots).optimized
    assert outputs(optimized=False) == outputs(optimized=True)
