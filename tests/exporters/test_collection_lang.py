"""An anthology in one language keeps each article in its own (issue 14.10).

In a book with ``lang: id``, an English article's labels ("By … and …", the kicker, the notes
heading), its date, its ``lang`` (EPUB chapter, the PDF's chapter element) and its ``w:lang`` (DOCX)
are English, so it is hyphenated, spell-checked and read aloud as English; the book's own pages
(title page, contents, part titles) are in the book's language. Built from two articles of the test
anthology (tests/data/collection): one Indonesian, one English with two authors and notes.
"""

from __future__ import annotations

import dataclasses
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from test_pdf import needs_poppler, pdftotext, squash

import opedexport
from conftest import DATA
from opedexport.collection import Collection, Part, load_manifest
from opedexport.exporters._html import XHTML_NS
from opedexport.exporters.pdf import book_tree

X = f"{{{XHTML_NS}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPS = "{http://www.idpf.org/2007/ops}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

ENGLISH_TITLE = "Zoning Is Housing Policy by Another Name"
ENGLISH_BYLINE = "By Emily Chen and Samuel Adeyemi"
ENGLISH_DATE = "October 14, 2025"
INDONESIAN_TITLE = "Cadangan Pangan Bukan Sekadar Gudang Beras"


@pytest.fixture(scope="module")
def book() -> Collection:
    """The anthology (``lang: id``, with editors) cut down to one Indonesian and one English article."""
    full = load_manifest(DATA / "collection" / "manifest.yaml")
    by_title = {a.title: a for a in full.articles}
    english, indonesian = by_title[ENGLISH_TITLE], by_title[INDONESIAN_TITLE]
    assert (full.lang, english.lang, indonesian.lang) == ("id", "en", "id")
    assert len(english.authors) == 2
    return dataclasses.replace(full, parts=(Part("Negara dan Warga", (indonesian, english)),))


def export(book: Collection, fmt: str) -> bytes:
    data = opedexport.export_collection_bytes(book, fmt)
    assert isinstance(data, bytes)
    return data


def text(el: Any) -> str:
    return re.sub(r"\s+", " ", "".join(el.itertext())).strip()


def langs_inside(root: Any) -> set[str]:
    """Every ``lang``/``xml:lang`` value under ``root`` (itself excluded)."""
    return {v for el in root.iter() if el is not root for k, v in el.attrib.items() if k in ("lang", XML_LANG)}


# --------------------------------------------------------------------------- EPUB


@pytest.fixture(scope="module")
def epub_docs(book: Collection) -> dict[str, Any]:
    """The EPUB's XHTML documents by name inside ``EPUB/``."""
    with zipfile.ZipFile(io.BytesIO(export(book, "epub"))) as z:
        return {
            name.removeprefix("EPUB/"): etree.fromstring(z.read(name))
            for name in z.namelist()
            if name.endswith(".xhtml")
        }


def chapter(docs: dict[str, Any], title: str) -> Any:
    (root,) = [r for n, r in docs.items() if n.startswith("text/chapter-") and title in text(r)]
    return root


def test_epub_english_chapter_is_english_throughout(epub_docs: dict[str, Any]) -> None:
    root = chapter(epub_docs, ENGLISH_TITLE)
    assert root.get("lang") == root.get(XML_LANG) == "en"
    assert langs_inside(root) <= {"en"}  # nothing in it claims to be Indonesian
    assert text(root.find(f".//{X}p[@class='authors']")) == ENGLISH_BYLINE
    assert text(root.find(f".//{X}p[@class='kicker']")).startswith("Opinion")
    assert ENGLISH_DATE in text(root.find(f".//{X}p[@class='dateline']"))
    assert text(root.find(f".//{X}section[@class='footnotes']/{X}h2")) == "Notes"


def test_epub_indonesian_chapter_and_book_pages_are_indonesian(epub_docs: dict[str, Any]) -> None:
    root = chapter(epub_docs, INDONESIAN_TITLE)
    assert root.get("lang") == "id"
    assert text(root.find(f".//{X}p[@class='authors']")).startswith("Oleh ")
    assert text(root.find(f".//{X}section[@class='footnotes']/{X}h2")) == "Catatan"
    nav = epub_docs["nav.xhtml"]
    assert nav.get("lang") == "id"
    assert text(nav.find(f".//{X}nav[@{OPS}type='toc']/{X}h2")) == "Daftar Isi"
    # The English chapter's entries in the contents (title, notes) say they are English.
    english = [a for a in nav.iter(f"{X}a") if (a.get("href") or "").startswith(_chapter_href(epub_docs))]
    assert [text(a) for a in english][:1] == [ENGLISH_TITLE] and "Notes" in [text(a) for a in english]
    assert {a.get("lang") for a in english} == {"en"}
    title_page = epub_docs["text/titlepage.xhtml"]
    assert title_page.get("lang") == "id" and "Disunting oleh" in text(title_page)


def _chapter_href(docs: dict[str, Any]) -> str:
    root = chapter(docs, ENGLISH_TITLE)
    return next(n for n, r in docs.items() if r is root)


# --------------------------------------------------------------------------- DOCX


@pytest.fixture(scope="module")
def docx_paragraphs(book: Collection) -> list[Any]:
    with zipfile.ZipFile(io.BytesIO(export(book, "docx"))) as z:
        body = etree.fromstring(z.read("word/document.xml")).find(f"{W}body")
    return list(body.iter(f"{W}p"))


def _runs_text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def _article_paragraphs(paragraphs: list[Any], title: str) -> list[Any]:
    """The paragraphs from the article's title (its kicker just before) to the next article's kicker."""
    titles = [i for i, p in enumerate(paragraphs) if _runs_text(p) == title]
    start = titles[-1] - 1  # the last one: the contents name the title too
    end = next((i for i in range(start + 2, len(paragraphs)) if _runs_text(paragraphs[i]).startswith("Opini")), None)
    return paragraphs[start:end]


def test_docx_english_article_is_english(docx_paragraphs: list[Any]) -> None:
    english = _article_paragraphs(docx_paragraphs, ENGLISH_TITLE)
    texts = [_runs_text(p) for p in english]
    assert texts[0].startswith("Opinion") and ENGLISH_BYLINE in texts and ENGLISH_DATE in texts
    runs = [r for p in english for r in p.iter(f"{W}r") if r.find(f"{W}t") is not None]
    assert runs
    for r in runs:
        lang = r.find(f"{W}rPr/{W}lang")
        assert lang is not None and lang.get(f"{W}val", "").startswith("en"), etree.tostring(r)


def test_docx_indonesian_article_and_contents_are_indonesian(docx_paragraphs: list[Any]) -> None:
    texts = [_runs_text(p) for p in docx_paragraphs]
    assert "Daftar Isi" in texts and "Contents" not in texts
    indonesian = [_runs_text(p) for p in _article_paragraphs(docx_paragraphs, INDONESIAN_TITLE)]
    assert indonesian[0].startswith("Opini") and any(t.startswith("Oleh ") for t in indonesian)


# --------------------------------------------------------------------------- PDF


def test_pdf_chapter_carries_its_language_and_labels(book: Collection) -> None:
    root = book_tree(book, opedexport.load_theme("default"), lambda article: lambda figure: None)
    assert root.get("lang") == "id"
    chapters = {text(c.find(f".//{X}h1")): c for c in root.iter(f"{X}article")}
    english = chapters[ENGLISH_TITLE]
    assert english.get("lang") == "en"
    assert langs_inside(english) <= {"en"}
    assert text(english.find(f".//{X}p[@class='authors']")) == ENGLISH_BYLINE
    assert chapters[INDONESIAN_TITLE].get("lang") == "id"
    assert text(root.find(f".//{X}h2[@class='book-contents-heading']")) == "Daftar Isi"


@needs_poppler
def test_pdf_text_of_the_english_article(book: Collection, tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(export(book, "pdf"))
    pages = [squash(page) for page in pdftotext(path).split("\f")]
    contents = next(p for p in pages if squash("Daftar Isi") in p)
    assert squash("Contents") not in contents
    (start,) = [i for i, p in enumerate(pages) if squash(ENGLISH_TITLE) in p and p is not contents]
    assert squash(ENGLISH_BYLINE) in pages[start]
    assert squash(ENGLISH_DATE) in pages[start]
    assert pages[start].startswith(squash("Opinion")) or squash("Opinion ·") in pages[start]
    assert squash("Oleh Emily Chen dan Samuel Adeyemi") not in pages[start]
    indonesian = next(p for p in pages if squash(INDONESIAN_TITLE) in p and p is not contents)
    (author,) = next(a.authors for a in book.articles if a.title == INDONESIAN_TITLE)
    assert squash(f"Oleh {author.name}") in indonesian


def test_pdf_structure_tree_gives_an_english_chapter_its_language(book: Collection) -> None:
    """A screen reader takes the language of a tagged PDF's text from the structure tree: the English
    chapter's article elements say ``en``; the Indonesian one's inherit the document's ``id``.
    """
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(export(book, "pdf")))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == "id"
    page_of = {page.indirect_reference.idnum: n for n, page in enumerate(reader.pages)}
    document = catalog["/StructTreeRoot"]["/K"][0].get_object()
    lang_by_page = {}
    for ref in document["/K"]:
        element = ref.get_object()
        if element["/S"] == "/Art":
            lang_by_page[page_of[element.raw_get("/Pg").idnum]] = element.get("/Lang")
    first_line = {n: squash(page.extract_text())[:200] for n, page in enumerate(reader.pages)}
    english = [n for n in lang_by_page if squash(ENGLISH_TITLE)[:20] in first_line[n]]
    indonesian = [n for n in lang_by_page if squash(INDONESIAN_TITLE)[:20] in first_line[n]]
    assert english and indonesian
    english_pages = [n for n in lang_by_page if n >= english[0]]
    assert {lang_by_page[n] for n in english_pages} == {"en"}
    assert {lang_by_page[n] for n in lang_by_page if n not in english_pages} == {None}


def test_an_untagged_pdf_book_has_no_structure_tree_to_mark(book: Collection) -> None:
    import pypdf

    data = opedexport.export_collection_bytes(book, "pdf", pdf_variant="plain")
    assert isinstance(data, bytes)
    assert "/StructTreeRoot" not in pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]
