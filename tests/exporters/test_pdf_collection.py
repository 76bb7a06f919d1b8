"""The PDF book of a collection, judged by outside tools: qpdf (structure), poppler's pdftotext and pdfinfo
(the page each text is on, metadata) and pypdf (outline, catalog, images).

The twelve-article corpus (tests/data/collection) is rendered once for the module; the checks read it back.
The contents page numbers are checked against the pages where pdftotext finds each title.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pypdf
import pytest
from lxml import etree
from test_pdf import LogCatcher, needs_poppler, needs_qpdf, pdfinfo, pdftotext
from test_pdf import squash as _squash

import opedexport
from conftest import DATA, feature_article
from opedexport import model as m
from opedexport.collection import Collection, Part, load_manifest
from opedexport.errors import ResourceRefusedWarning
from opedexport.exporters import pdf as pdfmod
from opedexport.exporters._html import XHTML_NS
from opedexport.exporters.base import build_datetime
from opedexport.exporters.pdf import PdfExporter
from opedexport.registry import registry
from opedexport.theme import Theme

CORPUS = DATA / "collection"
MANIFEST = CORPUS / "manifest.yaml"
CONTENTS = {"id": "Daftar Isi", "en": "Contents"}
_NS = f"{{{XHTML_NS}}}"


# --------------------------------------------------------------------------- helpers


@dataclass
class Book:
    """A rendered book with what the checks need: its collection, file, WeasyPrint's log, page texts."""

    collection: Collection
    path: Path
    log: list[str]
    pages: list[str]
    """pdftotext of each page (index 0 is page 1)."""

    def page(self, number: int) -> str:
        return self.pages[number - 1]


def render_book(collection: Collection, path: Path, theme: str = "default", **options: Any) -> Book:
    catcher = LogCatcher()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(catcher)
    try:
        data = PdfExporter().export_collection(collection, Theme.load(theme), **options)
    finally:
        logger.removeHandler(catcher)
    path.write_bytes(data)
    count = len(pypdf.PdfReader(path).pages)
    pages = [pdftotext(path, page=n) for n in range(1, count + 1)] if shutil.which("pdftotext") else []
    return Book(collection, path, [f"{r.levelname}: {r.getMessage()}" for r in catcher.records], pages)


def contents_pages(book: Book) -> dict[str, int]:
    """Each part and chapter title with the page number the contents print after it.

    Read from the contents pages laid out as lines (``pdftotext -layout``): an entry is one line,
    ``<number>  <title> ....... <page>``, the byline on the next; a part line is ``<numeral>  <title>  <page>``.
    """
    numbers = [
        n
        for n, text in enumerate(book.pages, start=1)
        if squash(text).startswith(squash(CONTENTS[book.collection.lang]))
    ]
    lines = [squash(line) for n in numbers for line in pdftotext(book.path, page=n, layout=True).splitlines()]
    out: dict[str, int] = {}
    titles = [p.title for p in book.collection.parts if p.title] + [a.title for a in book.collection.articles]
    for title in titles:
        found = [line for line in lines if squash(title) in line]
        assert len(found) == 1, (title, found)
        page = re.search(r"(\d+)$", found[0])
        assert page, (title, found[0])
        out[title] = int(page.group(1))
    return out


def chapter_ranges(book: Book) -> dict[str, range]:
    """The pages of each chapter, from the contents: its first page up to the next chapter or part."""
    starts = sorted(contents_pages(book).items(), key=lambda kv: kv[1])
    ranges = {}
    for i, (title, first) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(book.pages) + 1
        ranges[title] = range(first, end)
    return {a.title: ranges[a.title] for a in book.collection.articles}


def squash(text: str) -> str:
    """As test_pdf's ``squash``, also without the hyphen (U+2010) pdftotext writes where a line was hyphenated."""
    return _squash(text.replace("\u2010", ""))


def outline(reader: pypdf.PdfReader) -> list[tuple[str, int, list[Any]]]:
    """The outline as a tree of ``(title, page number from 1, children)``."""

    def build(items: list[Any]) -> list[tuple[str, int, list[Any]]]:
        out: list[tuple[str, int, list[Any]]] = []
        for item in items:
            if isinstance(item, list):
                title, page, _ = out[-1]
                out[-1] = (title, page, build(item))
            else:
                out.append((item.title, reader.get_destination_page_number(item) + 1, []))
        return out

    return build(reader.outline)


def first_line(text: str) -> str:
    return next((line for line in text.splitlines() if line.strip()), "")


# --------------------------------------------------------------------------- the corpus, rendered once


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    return render_book(load_manifest(MANIFEST), tmp_path_factory.mktemp("book") / "book.pdf")


def test_declares_collections() -> None:
    assert PdfExporter.supports_collections
    assert registry.exporter("pdf").supports_collections


def test_weasyprint_logs_no_warning(book: Book) -> None:
    assert book.log == []


@needs_qpdf
def test_qpdf_check_passes(book: Book) -> None:
    result = subprocess.run(["qpdf", "--check", str(book.path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@needs_poppler
def test_title_page(book: Book) -> None:
    first = squash(book.page(1))
    for needle in (
        "Suara Publik 2025",
        "Kumpulan opini tentang kota, iklim, dan warga",
        "Disunting oleh",  # in the book's language
        "Siti Rahma",
        "Editor Opini, Harian Nusantara",
        "Jonathan Price",
        "Harian Nusantara",
        "31 Desember 2025",
    ):
        assert squash(needle) in first, needle
    assert "cadanganpangan" not in first


@needs_poppler
def test_contents_page_numbers_match_where_articles_start(book: Book) -> None:
    named = contents_pages(book)
    assert "Daftar Isi" in book.page(2)
    previous = 0
    for article in book.collection.articles:
        number = named[article.title]
        assert number > previous, article.title  # in book order
        previous = number
        page = squash(book.page(number))
        # The chapter opens there: its kicker first, then its title, byline and first words …
        assert page.startswith("opini"), (article.title, number, page[:80])
        assert squash(article.title) in page
        assert all(squash(a.name) in page for a in article.authors)
        first_paragraph = next(b for b in article.body if isinstance(b, m.Paragraph))
        assert squash(m.plain_text(first_paragraph.children))[:60] in page
        # … and not on the page before (the previous chapter's last page or a part title page).
        assert squash(article.title) not in squash(book.page(number - 1)), article.title


@needs_poppler
def test_contents_page_numbers_match_part_pages(book: Book) -> None:
    named = contents_pages(book)
    numerals = iter(("I", "II", "III"))
    for part in book.collection.parts:
        page = book.page(named[part.title])
        numeral, *title_lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert (numeral, " ".join(title_lines)) == (next(numerals), part.title)
        # the part's first chapter follows its title page
        assert named[part.articles[0].title] == named[part.title] + 1


@needs_poppler
def test_footnote_numbers_restart_in_every_chapter(book: Book) -> None:
    ranges = chapter_ranges(book)
    checked = 0
    for article in book.collection.articles:
        notes = m.notes_in_order(article)
        text = squash("".join(book.page(n) for n in ranges[article.title]))
        numbers = [
            int(n) for n in re.findall(r"^(\d+)\.\s", "\n".join(book.page(n) for n in ranges[article.title]), re.M)
        ]
        assert numbers == list(range(1, len(notes) + 1)), article.title
        for i, note in enumerate(notes, start=1):
            note_text = " ".join(m.plain_text(b.children) for b in note.blocks if isinstance(b, m.Paragraph))
            assert squash(f"{i}. {note_text}")[:50] in text, (article.title, i)
            checked += 1
    assert checked >= 12


@needs_poppler
def test_running_header_is_the_chapter_title(book: Book) -> None:
    ranges = chapter_ranges(book)
    continued = 0
    for article in book.collection.articles:
        pages = ranges[article.title]
        # No running header on the opening page: the kicker is its first line.
        assert squash(first_line(book.page(pages[0]))).startswith("opini"), article.title
        for number in pages[1:]:
            assert squash(first_line(book.page(number))) == squash(article.title), (article.title, number)
            continued += 1
    assert continued >= 1, "no chapter runs over a page: the running header is not tested"


@needs_poppler
def test_no_running_header_on_front_matter(book: Book) -> None:
    named = contents_pages(book)
    titles = {squash(a.title) for a in book.collection.articles}
    for number in (1, 2, *(named[p.title] for p in book.collection.parts)):
        assert squash(first_line(book.page(number))) not in titles


@needs_poppler
def test_page_numbers_in_the_footer(book: Book) -> None:
    # Every page counts; the title and part pages print none.
    named = contents_pages(book)
    bare = {1, *(named[p.title] for p in book.collection.parts)}
    for number, text in enumerate(book.pages, start=1):
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        if number in bare:
            assert str(number) not in lines[-1:], number
        else:
            assert lines[-1] == str(number), (number, lines[-3:])


@needs_poppler
def test_info_dictionary(book: Book) -> None:
    info = pdfinfo(book.path)
    collection = book.collection
    assert info["Title"] == collection.title
    assert info["Subject"] == collection.subtitle
    authors = info["Author"]
    expected = [e.name for e in collection.editors] + [a.name for a in collection.all_authors()]
    assert authors == ", ".join(expected)
    assert len(expected) == 16
    assert info["Creator"].startswith("opedexport ")
    meta = pypdf.PdfReader(book.path).metadata  # the build's date (SOURCE_DATE_EPOCH), not the book's
    assert meta is not None and meta.creation_date == meta.modification_date == build_datetime()


def test_language_is_the_books(book: Book) -> None:
    reader = pypdf.PdfReader(book.path)
    assert reader.trailer["/Root"]["/Lang"] == "id"
    assert reader.metadata is not None and reader.metadata.title == "Suara Publik 2025"


def test_outline_parts_articles_headings(book: Book) -> None:
    tree = outline(pypdf.PdfReader(book.path))
    named = contents_pages(book) if book.pages else {}
    collection = book.collection
    assert [title for title, _, _ in tree] == ["Daftar Isi", *(p.title for p in collection.parts)]
    assert tree[0][1] == 2
    for (title, page, chapters), part in zip(tree[1:], collection.parts, strict=True):
        assert title == part.title
        assert [c[0] for c in chapters] == [a.title for a in part.articles]
        if named:
            assert page == named[part.title]
        for (chapter_title, chapter_page, headings), article in zip(chapters, part.articles, strict=True):
            if named:
                assert chapter_page == named[chapter_title]
            assert [h[0] for h in headings] == [
                m.plain_text(b.children) for b in article.body if isinstance(b, m.Heading)
            ]


def test_figure_resolves_against_its_article(book: Book) -> None:
    reader = pypdf.PdfReader(book.path)
    images = Counter(img.name for page in reader.pages for img in page.images)
    assert len(images) == 1


def test_page_size_follows_the_theme(book: Book) -> None:
    box = pypdf.PdfReader(book.path).pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)


# --------------------------------------------------------------------------- the HTML the book is made of


@pytest.fixture(scope="module")
def tree() -> Any:
    collection = load_manifest(MANIFEST)
    return pdfmod.book_tree(collection, Theme.load(), lambda article: lambda figure: figure.src)


def test_chapters_keep_their_language(tree: Any) -> None:
    collection = load_manifest(MANIFEST)
    assert tree.get("lang") == "id"
    chapters = tree.findall(f".//{_NS}article")
    assert [c.get("id") for c in chapters] == [f"a{n}" for n in range(1, 13)]
    assert [c.get("lang") for c in chapters] == [a.lang for a in collection.articles]
    assert all("chapter" in (c.get("class") or "").split() for c in chapters)


def test_ids_are_unique_and_contents_links_resolve(tree: Any) -> None:
    ids = [el.get("id") for el in tree.iter() if isinstance(el.tag, str) and el.get("id")]
    assert len(ids) == len(set(ids))
    assert "a3-sec-1" in ids  # body headings are prefixed per chapter
    hrefs = [a.get("href") for a in tree.iterfind(f".//{_NS}nav//{_NS}a")]
    assert len(hrefs) == 12 + 3
    assert all(h.startswith("#") and h[1:] in ids for h in hrefs)


def test_untrusted_text_stays_text(tmp_path: Path) -> None:
    evil = 'Judul <b>tebal</b> & "kutip" </section><script>x()</script>'
    article = m.Article(title=evil, lang="id", authors=(m.Author(evil),), body=(m.Paragraph((m.Text("Isi."),)),))
    collection = Collection(
        title=evil, subtitle=evil, parts=(Part(evil, (article,)),), lang="id", editors=(m.Author(evil),)
    )
    root = pdfmod.book_tree(collection, Theme.load(), lambda a: lambda f: None)
    assert root.find(f".//{_NS}script") is None and root.find(f".//{_NS}b") is None
    assert root.find(f".//{_NS}h1").text == evil
    assert root.find(f".//{_NS}title").text == evil


# --------------------------------------------------------------------------- books built in code


@pytest.fixture(scope="module")
def flat_book(tmp_path_factory: pytest.TempPathFactory) -> Book:
    """Two feature articles (id, en) in folders of their own, no parts, no manifest: each figure
    resolves against its own article's folder."""
    root = tmp_path_factory.mktemp("flat")
    articles = []
    for lang in ("id", "en"):
        (root / lang / "images").mkdir(parents=True)
        shutil.copy(DATA / "images" / "chart.png", root / lang / "images" / "chart.png")
        articles.append(feature_article(lang, root / lang))
    collection = Collection(title="A Flat Book", parts=(Part("", tuple(articles)),), lang="en")
    return render_book(collection, root / "flat.pdf", theme="modern", pdf_variant="pdf/ua-1")


def test_flat_book_has_chapters_at_the_top_of_the_outline(flat_book: Book) -> None:
    assert flat_book.log == []
    tree = outline(pypdf.PdfReader(flat_book.path))
    assert [t for t, _, _ in tree] == ["Contents", "Judul Uji Lengkap", "A Complete Test Title"]
    assert [h[0] for h in tree[1][2]] == ["Bagian Pertama"]  # level-1 headings under the chapter
    if flat_book.pages:
        named = contents_pages(flat_book)
        assert [tree[1][1], tree[2][1]] == [named["Judul Uji Lengkap"], named["A Complete Test Title"]]
        assert squash(flat_book.page(1)).startswith(squash("A Flat Book"))


def test_flat_book_embeds_each_articles_figure(flat_book: Book) -> None:
    reader = pypdf.PdfReader(flat_book.path)
    assert sum(1 for page in reader.pages for _ in page.images) >= 2


@needs_qpdf
def test_flat_book_tagged_variant(flat_book: Book) -> None:
    assert subprocess.run(["qpdf", "--check", str(flat_book.path)], capture_output=True).returncode == 0
    if shutil.which("pdfinfo"):
        assert pdfinfo(flat_book.path)["Tagged"] == "yes"


def test_figure_outside_every_folder_is_refused(tmp_path: Path) -> None:
    """Without the manifest's folder among the roots, ``../images/chart.png`` is outside the article's."""
    article = opedexport.read(CORPUS / "articles" / "04-pesisir-utara.md")
    collection = Collection(title="Tanpa Manifes", parts=(Part("", (article,)),), lang="id")
    with pytest.warns(ResourceRefusedWarning, match="chart.png"):
        data = PdfExporter().export_collection(collection, Theme.load())
    assert data.startswith(b"%PDF-")


def test_reproducible(tmp_path: Path) -> None:
    article = feature_article("en", None)
    article = replace(article, body=tuple(b for b in article.body if not isinstance(b, m.Figure)))
    collection = Collection(title="Twice", parts=(Part("", (article,)),), lang="en")
    first = PdfExporter().export_collection(collection, Theme.load())
    assert PdfExporter().export_collection(collection, Theme.load()) == first


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def cli_env() -> Iterator[dict[str, str]]:
    yield {**os.environ, "PYTHONWARNINGS": "error::opedexport.errors.OpedexportWarning"}


def test_cli_writes_the_book(book: Book, tmp_path: Path, cli_env: dict[str, str]) -> None:
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "opedexport", "collection", str(MANIFEST), "-f", "pdf", "-o", str(out)],
        capture_output=True,
        text=True,
        env=cli_env,
    )
    assert proc.returncode == 0, proc.stderr
    written = out / "manifest.pdf"
    assert sorted(p.name for p in out.iterdir()) == ["manifest.pdf"]
    assert written.read_bytes() == book.path.read_bytes()  # the same bytes as the library gives


def test_root_element_is_html(tree: Any) -> None:
    assert etree.QName(tree).localname == "html"
