"""A book's chapter that would end on a page of a few lines is set a little tighter, as an article is
(issue 14's layout passes, for books): in the newspaper theme the test anthology has two such chapters.

The book's layouts are observed through :func:`opedexport.exporters.pdf._save_chapter_pages`: what it
was given (the first layout) and what it kept.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from test_pdf import squash

import opedexport
from conftest import DATA
from opedexport.collection import load_manifest
from opedexport.exporters import _pdf_chapters, pdf
from opedexport.exporters._pdf_chapters import chapter_pages
from opedexport.exporters._pdf_layout import FEW_LINES, page_fills
from opedexport.model import Paragraph, plain_text


def flat(text: str) -> str:
    """:func:`squash`, and without the hyphen (U+2010) poppler gives for a hyphenated line end."""
    return squash(text).replace("\u2010", "")


def runts(document: Any, columns: int) -> list[str]:
    """The chapters of two pages or more whose last page holds only a few lines."""
    fills = {fill.number: fill for fill in page_fills(document, columns)}
    return [
        chapter
        for chapter, numbers in chapter_pages(document).items()
        if len(numbers) > 1
        and (fills[numbers[-1]].lines <= FEW_LINES or max(fills[numbers[-1]].bottoms) < fills[numbers[-1]].height / 6)
    ]


@pytest.fixture(scope="module")
def newspaper_book() -> dict[str, Any]:
    """The anthology in the newspaper theme (two columns): the first layout, the kept one, the PDF."""
    seen: dict[str, Any] = {}
    real = pdf._save_chapter_pages

    def watch(html_text: str, document: Any, lay_out: Any, columns: int) -> tuple[str, Any]:
        kept = real(html_text, document, lay_out, columns)
        seen.update(first=document, kept=kept[1], html=kept[0], columns=columns)
        return kept

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdf, "_save_chapter_pages", watch)
        collection = load_manifest(DATA / "collection" / "manifest.yaml")
        data = opedexport.export_collection_bytes(collection, "pdf", theme=opedexport.load_theme("newspaper"))
    assert isinstance(data, bytes)
    seen["pdf"] = data
    return seen


def test_chapters_that_ended_on_a_few_lines_no_longer_do(newspaper_book: dict[str, Any]) -> None:
    first, kept, columns = newspaper_book["first"], newspaper_book["kept"], newspaper_book["columns"]
    before = runts(first, columns)
    assert len(before) >= 1  # the case exists in this book
    assert runts(kept, columns) == []
    assert len(kept.pages) == len(first.pages) - len(before)
    pages_before, pages_after = chapter_pages(first), chapter_pages(kept)
    for chapter, numbers in pages_before.items():
        expected = len(numbers) - (chapter in before)
        assert len(pages_after[chapter]) == expected, chapter


def test_only_the_chapters_saved_are_set_tighter(newspaper_book: dict[str, Any]) -> None:
    before = runts(newspaper_book["first"], newspaper_book["columns"])
    classes = {
        chapter: step
        for step, chapter in re.findall(r'<article class="oped chapter (fit-\d)" id="(a\d+)"', newspaper_book["html"])
    }
    assert sorted(classes) == sorted(before)
    # the gentlest step that saves each: found on the chapter alone, one step at a time
    assert set(classes.values()) <= {"fit-1", "fit-2", "fit-3"}


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils are not installed")
def test_no_text_is_lost_and_the_contents_follow_the_pages(newspaper_book: dict[str, Any], tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    path.write_bytes(newspaper_book["pdf"])
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")
    collection = load_manifest(DATA / "collection" / "manifest.yaml")
    for article in collection.articles:
        last = [block for block in article.body if isinstance(block, Paragraph)][-1]
        last_words = " ".join(plain_text(last.children).split()[-3:])
        assert any(flat(last_words) in flat(page) for page in pages), article.title
    # the contents name each chapter's page in the book as laid out at the end
    start = {chapter: numbers[0] for chapter, numbers in chapter_pages(newspaper_book["kept"]).items()}
    contents = " ".join(pages[1].split()) + " " + " ".join(pages[2].split())
    for n, article in enumerate(collection.articles, start=1):
        title_words = " ".join(article.title.split()[:3])
        assert re.search(re.escape(title_words) + r".{0,200}?\b" + str(start[f"a{n}"]) + r"\b", contents), article.title


def test_a_book_without_such_chapters_is_laid_out_once(monkeypatch: pytest.MonkeyPatch) -> None:
    layouts = []
    real = _pdf_chapters.chapter_pages

    def count(document: Any) -> dict[str, list[int]]:
        layouts.append(len(document.pages))
        return real(document)

    monkeypatch.setattr(_pdf_chapters, "chapter_pages", count)
    collection = load_manifest(DATA / "collection" / "manifest.yaml")
    opedexport.export_collection_bytes(collection, "pdf", theme=opedexport.load_theme("default"))
    first = layouts[0]
    # the default theme's book has chapters to save too; each is laid out alone (a page or two) before
    # the one more layout of the whole book
    assert all(n <= 3 for n in layouts[1:-1]) and layouts[-1] < first
