"""DOCX accessibility properties, read from the package's XML: headings on outline levels, table header
rows repeated and tables' alt text, alt text (or a decorative mark) on every picture, the document's
language, and its title in the core properties. An article and a book alike.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import DATA, feature_article
from opedexport import model as m
from opedexport.collection import load_manifest
from opedexport.exporters.docx import DocxExporter
from opedexport.theme import Theme

NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "dc": "http://purl.org/dc/elements/1.1/",
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
}
DECORATIVE = "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative"


def w(name: str) -> str:
    return f"{{{NS['w']}}}{name}"


class Package:
    """A DOCX opened for assertions on its XML parts."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            self.parts = {n: z.read(n) for n in z.namelist()}

    def xml(self, name: str) -> Any:
        return etree.fromstring(self.parts[name])

    def styles(self) -> dict[str, Any]:
        """Style name (``w:name``) → its ``w:style``."""
        root = self.xml("word/styles.xml")
        return {s.find("w:name", NS).get(w("val")): s for s in root.findall("w:style", NS)}


def with_chart(lang: str, folder: Path) -> m.Article:
    (folder / "images").mkdir(exist_ok=True)
    shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
    return feature_article(lang, folder)


@pytest.fixture(scope="module")
def article_docx(tmp_path_factory: pytest.TempPathFactory) -> Package:
    folder = tmp_path_factory.mktemp("docx")
    return Package(DocxExporter().export(with_chart("en", folder), Theme.load()))


@pytest.fixture(scope="module")
def book_docx() -> Package:
    collection = load_manifest(DATA / "collection" / "manifest.yaml")
    return Package(DocxExporter().export_collection(collection, Theme.load()))


def outline_levels(package: Package) -> dict[str, int]:
    levels = {}
    for name, style in package.styles().items():
        lvl = style.find("w:pPr/w:outlineLvl", NS)
        if lvl is not None:
            levels[name] = int(lvl.get(w("val")))
    return levels


def test_headings_are_on_outline_levels(article_docx: Package) -> None:
    levels = outline_levels(article_docx)
    assert levels == {"heading 1": 0, "heading 2": 1, "heading 3": 2}
    body = article_docx.xml("word/document.xml")
    used = [p.get(w("val")) for p in body.iterfind(".//w:pPr/w:pStyle", NS)]
    ids = {s.get(w("styleId")): name for name, s in article_docx.styles().items()}
    # The article's three heading levels use the three heading styles, in order.
    assert [ids[u] for u in used if ids.get(u, "").startswith("heading")] == ["heading 1", "heading 2", "heading 3"]


def test_a_book_puts_article_titles_on_the_first_outline_level(book_docx: Package) -> None:
    assert outline_levels(book_docx) == {"heading 1": 0, "heading 2": 1, "heading 3": 2, "heading 4": 3}


def tables(package: Package) -> list[Any]:
    return package.xml("word/document.xml").findall(".//w:tbl", NS)


def test_table_header_row_repeats_and_table_has_alt_text(article_docx: Package) -> None:
    (table,) = tables(article_docx)
    rows = table.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])
    assert table.find("w:tblPr/w:tblLook", NS).get(w("firstRow")) == "1"
    assert table.find("w:tblPr/w:tblCaption", NS).get(w("val")) == "Sample table"


def test_a_table_without_header_marks_no_row(tmp_path: Path) -> None:
    article = m.Article(
        title="Rows",
        lang="en",
        body=(m.Table(header=(), rows=(((m.Text("a"),), (m.Text("b"),)),), align=("", "")),),
    )
    (table,) = tables(Package(DocxExporter().export(article, Theme.load())))
    assert table.find(".//w:tblHeader", NS) is None
    assert table.find("w:tblPr/w:tblCaption", NS) is None


def pictures(package: Package) -> list[Any]:
    return package.xml("word/document.xml").findall(".//wp:docPr", NS)


def test_every_picture_has_alt_text(article_docx: Package, book_docx: Package) -> None:
    (picture,) = pictures(article_docx)
    assert picture.get("descr") == "A red bar chart"
    in_book = pictures(book_docx)
    assert in_book
    for pic in in_book:
        assert pic.get("descr") or pic.find(f".//{DECORATIVE}") is not None, etree.tostring(pic)


def test_a_picture_without_alt_text_is_marked_decorative(tmp_path: Path) -> None:
    shutil.copy(DATA / "images" / "chart.png", tmp_path / "chart.png")
    article = m.Article(
        title="Decoration", lang="en", body=(m.Figure("chart.png", alt=""),), source_path=tmp_path / "a.md"
    )
    (picture,) = pictures(Package(DocxExporter().export(article, Theme.load())))
    assert not picture.get("descr")
    assert picture.find(f".//{DECORATIVE}").get("val") == "1"


@pytest.mark.parametrize(("lang", "extra"), [("id", {}), ("ar", {"bidi": "ar"}), ("ja", {"eastAsia": "ja"})])
def test_document_language_in_the_style_defaults(lang: str, extra: dict[str, str]) -> None:
    article = m.Article(title="Bahasa", lang=lang, body=(m.Paragraph((m.Text("Isi."),)),))
    package = Package(DocxExporter().export(article, Theme.load()))
    styles = package.xml("word/styles.xml")
    (tag,) = styles.findall("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert tag.get(w("val")) == lang
    for key, value in extra.items():
        assert tag.get(w(key)) == value
    core = package.xml("docProps/core.xml")
    assert core.find("dc:language", NS).text == lang


def test_title_in_the_core_properties(article_docx: Package, book_docx: Package) -> None:
    assert article_docx.xml("docProps/core.xml").find("dc:title", NS).text == "A Complete Test Title"
    collection = load_manifest(DATA / "collection" / "manifest.yaml")
    assert book_docx.xml("docProps/core.xml").find("dc:title", NS).text == collection.title
    book_lang = book_docx.xml("word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert book_lang.get(w("val")) == collection.lang
