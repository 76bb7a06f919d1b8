"""PDFs are tagged by default (PDF/UA-1): a structure tree with headings and figures' alt text, the language,
the title shown in the window. ``pdf_variant="plain"`` (or ``None``) still writes an untagged PDF.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pypdf
import pytest

from conftest import DATA, feature_article
from opedexport import model as m
from opedexport.cli import main
from opedexport.collection import load_manifest
from opedexport.exporters.pdf import DEFAULT_PDF_VARIANT, PDF_VARIANTS, PdfExporter
from opedexport.theme import Theme

TRUE = pypdf.generic.BooleanObject(True)
needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils are not installed")


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if v}


def structure(reader: pypdf.PdfReader) -> list[tuple[str, dict[str, Any]]]:
    """Every structure element in document order: ``(type, {"/Alt": …, …})``."""
    out: list[tuple[str, dict[str, Any]]] = []

    def walk(node: Any) -> None:
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            if "/S" in node:
                out.append((str(node["/S"]), {k: node[k] for k in ("/Alt", "/Lang") if k in node}))
            if "/K" in node:
                walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return out


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> m.Article:
    folder = tmp_path_factory.mktemp("tagged")
    (folder / "images").mkdir()
    shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
    return feature_article("en", folder)


@pytest.fixture(scope="module")
def default_pdf(article: m.Article, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "default.pdf"
    path.write_bytes(PdfExporter().export(article, Theme.load()))
    return path


def test_the_default_variant_is_pdf_ua_and_plain_is_offered() -> None:
    option = PdfExporter.options["pdf_variant"]
    assert option.default == DEFAULT_PDF_VARIANT == "pdf/ua-1"
    assert {"pdf/ua-1", "plain", "pdf/a-3b", None} <= set(option.choices) == set(PDF_VARIANTS)
    assert PdfExporter().resolve_options({})["pdf_variant"] == "pdf/ua-1"


def test_default_pdf_has_a_structure_tree_language_and_title(default_pdf: Path, article: m.Article) -> None:
    reader = pypdf.PdfReader(default_pdf)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"] == TRUE
    assert root["/Lang"] == article.lang == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] == TRUE
    assert reader.metadata is not None and reader.metadata.title == article.title
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp


def test_headings_and_figure_alt_text_are_in_the_structure_tree(default_pdf: Path) -> None:
    elements = structure(pypdf.PdfReader(default_pdf))
    kinds = [kind for kind, _ in elements]
    # The title is the only H1; the article's three levels of headings follow as H2, H3, H4.
    headings = [k for k in kinds if k in ("/H1", "/H2", "/H3", "/H4", "/H5", "/H6")]
    assert headings[0] == "/H1" and headings.count("/H1") == 1
    assert {"/H2", "/H3", "/H4"} <= set(headings)
    assert [k for k in headings if k != "/H1"] == ["/H2", "/H3", "/H4"]
    figures = [attrs for kind, attrs in elements if kind == "/Figure"]
    assert figures == [{"/Alt": "A red bar chart"}]
    assert {"/Table", "/TH", "/L", "/LI", "/Link", "/P"} <= set(kinds)


@needs_poppler
def test_pdfinfo_says_tagged(default_pdf: Path) -> None:
    assert pdfinfo(default_pdf)["Tagged"] == "yes"


@pytest.mark.parametrize("variant", ["plain", None])
def test_plain_and_none_write_an_untagged_pdf(article: m.Article, tmp_path: Path, variant: str | None) -> None:
    path = tmp_path / "plain.pdf"
    path.write_bytes(PdfExporter().export(article, Theme.load(), pdf_variant=variant))
    root = pypdf.PdfReader(path).trailer["/Root"]
    assert "/StructTreeRoot" not in root and "/MarkInfo" not in root
    if shutil.which("pdfinfo"):
        assert pdfinfo(path)["Tagged"] == "no"


def test_tagged_default_is_reproducible(article: m.Article, default_pdf: Path) -> None:
    assert PdfExporter().export(article, Theme.load()) == default_pdf.read_bytes()


def test_a_book_is_tagged_by_default(tmp_path: Path) -> None:
    collection = load_manifest(DATA / "collection" / "manifest.yaml")
    path = tmp_path / "book.pdf"
    path.write_bytes(PdfExporter().export_collection(collection, Theme.load()))
    reader = pypdf.PdfReader(path)
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"] == TRUE
    assert root["/Lang"] == collection.lang
    kinds = {kind for kind, _ in structure(reader)}
    assert {"/H1", "/H2"} <= kinds


def test_command_line_offers_plain(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "a.md"
    source.write_text("---\ntitle: Judul\nlang: id\n---\n\nIsi.\n", encoding="utf-8")
    for variant, tagged in (("plain", False), (None, True)):
        out = tmp_path / f"out-{variant}"
        args = ["build", str(source), "-f", "pdf", "-o", str(out), "-j", "1"]
        assert main([*args, "--pdf-variant", variant] if variant else args) == 0
        root = pypdf.PdfReader(out / "a.pdf").trailer["/Root"]
        assert ("/StructTreeRoot" in root) is tagged
    capsys.readouterr()
