"""The EPUB book of a collection: the test corpus and books built in code, read back and judged."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from test_epub import NS, Book, assert_targets_exist

import judges
import opedexport
from conftest import DATA, TESTS, feature_article
from opedexport import model as m
from opedexport.collection import Collection, Part, load_manifest
from opedexport.errors import ResourceRefusedWarning
from opedexport.exporters.epub import EpubExporter, collection_identifier
from opedexport.registry import registry
from opedexport.theme import Theme

CORPUS = DATA / "collection" / "manifest.yaml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def export_book(collection: Collection, theme: str = "default", **options: Any) -> bytes:
    return EpubExporter().export_collection(collection, Theme.load(theme), **options)


def _other_chart(path: Path) -> None:
    """A second figure, different from ``chart.png``, so each chapter's image can be told apart."""
    Image.new("RGB", (40, 20), (20, 90, 200)).save(path, format="PNG")


def mixed_collection(root: Path) -> Collection:
    """An Indonesian book in two titled parts: the Indonesian feature article, then the English one,
    each in its own folder with its own ``images/chart.png`` (different pictures), and the book's own cover."""
    book_dir = root / "book"
    for lang in ("id", "en"):
        (book_dir / lang / "images").mkdir(parents=True)
    shutil.copy(DATA / "images" / "chart.png", book_dir / "id" / "images" / "chart.png")
    _other_chart(book_dir / "en" / "images" / "chart.png")
    shutil.copy(DATA / "images" / "chart.png", book_dir / "cover.png")
    return Collection(
        title="Buku Uji Campuran",
        subtitle="Dua bahasa, satu buku",
        editors=(m.Author("Rina Editor", "Penyunting"),),
        publication="Penerbit Uji",
        date=dt.date(2025, 12, 31),
        lang="id",
        cover="cover.png",
        rights="© 2025 Penerbit Uji",
        parts=(
            Part("Bagian Pertama", (feature_article("id", book_dir / "id"),)),
            Part("Bagian Kedua", (feature_article("en", book_dir / "en"),)),
        ),
        source_path=book_dir / "manifest.yaml",
    )


def flat_collection(root: Path) -> Collection:
    """An English book with no parts, no editors and no cover: three short articles, two with notes."""

    def article(i: int, notes: int) -> m.Article:
        body: list[m.Block] = [m.Heading(1, (m.Text(f"Section of {i}"),))]
        for n in range(1, notes + 1):
            note = m.Note((m.Paragraph((m.Text(f"Note {n} of article {i}."),)),))
            body.append(m.Paragraph((m.Text(f"Paragraph {n} of article {i}."), note)))
        body.append(m.Paragraph((m.Text(f"The end of article {i}."),)))
        return m.Article(
            title=f"Flat Article {i}",
            authors=(m.Author(f"Author {i}", f"Affiliation {i}"),),
            date=dt.date(2024, 1, i),
            lang="en",
            body=tuple(body),
            source_path=root / f"a{i}.md",
        )

    return Collection(
        title="A Flat Book",
        publication="The Test Press",
        lang="en",
        parts=(Part("", (article(1, 2), article(2, 0), article(3, 3))),),
        source_path=root / "flat.yaml",
    )


def corpus() -> Collection:
    assert CORPUS.is_file(), "the test corpus tests/data/collection/manifest.yaml is missing"
    return load_manifest(CORPUS)


# --------------------------------------------------------------------------- the books every judge reads


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Collection, Path]]:
    """Every book of this module, written once: the corpus in both themes, a mixed-language book
    with parts and its own cover, and a flat English book with a generated cover."""
    out = tmp_path_factory.mktemp("epub-books")
    collections = {
        "corpus": (corpus(), "default"),
        "corpus-modern": (corpus(), "modern"),
        "mixed": (mixed_collection(out), "default"),
        "flat": (flat_collection(out), "modern"),
    }
    paths = {}
    for name, (collection, theme) in collections.items():
        path = out / f"{name}.epub"
        path.write_bytes(export_book(collection, theme))
        paths[name] = (collection, path)
    return paths


@pytest.fixture(scope="module")
def epubcheck_results(books: dict[str, tuple[Collection, Path]]) -> dict[Path, tuple[int, int, int, list[str]]]:
    if not judges.have_epubcheck():
        pytest.skip("EPUBCheck needs java and the epubcheck package")
    return judges.epubcheck_many(path for _, path in books.values())


def open_book(books: dict[str, tuple[Collection, Path]], name: str) -> tuple[Collection, Book]:
    collection, path = books[name]
    return collection, Book(path.read_bytes())


def chapters(book: Book) -> list[tuple[str, Any]]:
    """``(href, root)`` of every chapter, in spine order."""
    docs = book.xhtml()
    return [(href, docs[href]) for href in book.spine() if re.fullmatch(r"text/chapter-\d+\.xhtml", href)]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["corpus", "corpus-modern", "mixed", "flat"])
def test_epubcheck_reports_nothing(
    name: str,
    books: dict[str, tuple[Collection, Path]],
    epubcheck_results: dict[Path, tuple[int, int, int, list[str]]],
) -> None:
    fatals, errors, warns, messages = epubcheck_results[books[name][1]]
    assert (fatals, errors, warns) == (0, 0, 0), "\n".join(messages)


def test_corpus_is_the_real_one(books: dict[str, tuple[Collection, Path]]) -> None:
    collection, _ = books["corpus"]
    assert len(collection.articles) >= 12
    assert len({a.lang for a in collection.articles}) > 1  # a mixed-language book
    assert all(part.title for part in collection.parts)


# --------------------------------------------------------------------------- structure


@pytest.mark.parametrize("name", ["corpus", "mixed", "flat"])
def test_spine_front_matter_parts_and_one_chapter_per_article(
    name: str, books: dict[str, tuple[Collection, Path]]
) -> None:
    collection, book = open_book(books, name)
    spine = book.spine()
    assert spine[:3] == ["text/cover.xhtml", "text/titlepage.xhtml", book.item(properties="nav").get("href")]
    expected: list[tuple[str, str]] = []
    for part in collection.parts:
        if part.title:
            expected.append(("part", part.title))
        expected.extend(("chapter", a.title) for a in part.articles)
    docs = book.xhtml()
    seen = []
    for href in spine[3:]:
        if re.fullmatch(r"text/part-\d\d\.xhtml", href):
            seen.append(("part", "".join(docs[href].find(".//h:section[@epub:type='part']/h:h1", NS).itertext())))
        else:
            assert re.fullmatch(r"text/chapter-\d{3}\.xhtml", href), href
            seen.append(("chapter", "".join(docs[href].find(".//h:h1[@class='title']", NS).itertext())))
    assert seen == expected
    assert len(chapters(book)) == len(collection.articles)


@pytest.mark.parametrize("name", ["corpus", "mixed", "flat"])
def test_nav_lists_every_article_in_order_under_its_part(name: str, books: dict[str, tuple[Collection, Path]]) -> None:
    collection, book = open_book(books, name)
    nav = book.xml(book.item(properties="nav").get("href"))
    top = nav.findall(".//h:nav[@epub:type='toc']/h:ol/h:li", NS)

    def text(li: Any) -> str:
        return "".join(li.find("h:a", NS).itertext())

    def titles(items: list[Any]) -> list[str]:
        return [text(li) for li in items]

    if all(part.title for part in collection.parts):
        assert titles(top) == [part.title for part in collection.parts]
        for li, part in zip(top, collection.parts, strict=True):
            assert titles(li.findall("h:ol/h:li", NS)) == [a.title for a in part.articles]
    else:
        assert titles(top) == [a.title for a in collection.articles]
    # Every target exists; headings of each article are nested under it.
    docs = book.xhtml()
    assert_targets_exist(nav, docs)
    # The NCX has the same entries.
    ncx = book.xml(book.item(**{"media-type": "application/x-dtbncx+xml"}).get("href"))
    labels = [t.text for t in ncx.iterfind(".//ncx:navLabel/ncx:text", NS)]
    for article in collection.articles:
        assert article.title in labels


def test_nav_headings_nested_under_their_article(books: dict[str, tuple[Collection, Path]]) -> None:
    _, book = open_book(books, "mixed")
    nav = book.xml(book.item(properties="nav").get("href"))
    toc = nav.find(".//h:nav[@epub:type='toc']", NS)
    en_part = toc.findall("h:ol/h:li", NS)[1]
    (article,) = en_part.findall("h:ol/h:li", NS)
    assert article.find("h:a", NS).text == "A Complete Test Title"
    assert [li.find("h:a", NS).text for li in article.findall("h:ol/h:li", NS)] == ["First Section", "Notes"]
    assert [a.text for a in article.findall("h:ol/h:li/h:ol//h:a", NS)] == ["Subsection", "Sub-subsection"]


@pytest.mark.parametrize(
    ("name", "contents"), [("corpus", "Daftar Isi"), ("mixed", "Daftar Isi"), ("flat", "Contents")]
)
def test_book_pages_follow_the_book_and_chapters_keep_their_language(
    name: str, contents: str, books: dict[str, tuple[Collection, Path]]
) -> None:
    collection, book = open_book(books, name)
    nav = book.xml(book.item(properties="nav").get("href"))
    assert nav.get("lang") == collection.lang
    assert nav.find("h:head/h:title", NS).text == contents
    assert nav.find(".//h:nav[@epub:type='toc']/h:h2", NS).text == contents
    docs = book.xhtml()
    for href in ("text/cover.xhtml", "text/titlepage.xhtml"):
        assert docs[href].get("lang") == collection.lang == docs[href].get(XML_LANG)
    found = chapters(book)
    for (href, root), article in zip(found, collection.articles, strict=True):
        assert root.get("lang") == article.lang, href
        assert root.get(XML_LANG) == article.lang, href
        notes = root.find(".//h:section[@epub:type='endnotes']/h:h2", NS)
        if notes is not None:  # a label in the chapter's own language, as all of the chapter
            assert notes.text == ("Catatan" if article.lang == "id" else "Notes")
            assert notes.get("lang") is None
            # Its nav entry is in the chapter's language too.
            entry = nav.find(f".//h:a[@href='{href}#{notes.getparent().get('id')}']", NS)
            assert entry.get("lang") == (article.lang if article.lang != collection.lang else None)
        # Entries of a chapter in another language carry that language in the nav.
        entry = nav.find(f".//h:a[@href='{href}']", NS)
        assert entry.get("lang") == (article.lang if article.lang != collection.lang else None)


def test_english_chapter_in_an_indonesian_book(books: dict[str, tuple[Collection, Path]]) -> None:
    _, book = open_book(books, "mixed")
    (_, _), (href, root) = chapters(book)
    assert root.get("lang") == "en"
    by = root.find(".//h:p[@class='authors']/h:span[@class='by']", NS)
    assert by.text == "By" and by.get("lang") is None and by.get(XML_LANG) is None
    # The chapter's own text and title block stay English.
    assert root.find(".//h:h1[@class='title']", NS).text == "A Complete Test Title"
    assert root.find(".//h:p[@class='affiliation']", NS).text == "Professor of Politics"
    assert "May 12, 2025" in "".join(root.find(".//h:p[@class='dateline']", NS).itertext())
    assert href == "text/chapter-002.xhtml"


@pytest.mark.parametrize("name", ["corpus", "mixed", "flat"])
def test_each_chapter_has_its_title_block_byline_and_affiliation(
    name: str, books: dict[str, tuple[Collection, Path]]
) -> None:
    collection, book = open_book(books, name)
    for (href, root), article in zip(chapters(book), collection.articles, strict=True):
        header = root.find(".//h:header[@class='title-block']", NS)
        assert "".join(header.find("h:h1", NS).itertext()) == article.title, href
        byline = "".join(header.find("h:div[@class='byline']", NS).itertext())
        for author in article.authors:
            assert author.name in byline, href
            if author.affiliation:
                assert author.affiliation in byline, href


@pytest.mark.parametrize("name", ["corpus", "mixed", "flat"])
def test_footnotes_restart_per_chapter_and_ids_never_collide(
    name: str, books: dict[str, tuple[Collection, Path]]
) -> None:
    _, book = open_book(books, name)
    ids: list[str] = []
    counts = []
    for href, root in chapters(book):
        refs = root.findall(".//h:a[@epub:type='noteref']", NS)
        notes = root.findall(".//h:aside[@epub:type='footnote']", NS)
        assert [a.text for a in refs] == [str(i) for i in range(1, len(refs) + 1)], href
        assert len(notes) == len(refs)
        for a, note in zip(refs, notes, strict=True):
            assert a.get("href") == f"#{note.get('id')}"
            assert note.find(".//h:a[@role='doc-backlink']", NS).get("href") == f"#{a.get('id')}"
        ids.extend(el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id"))
        counts.append(len(refs))
    assert len(ids) == len(set(ids)), "ids repeat across chapters"
    assert sum(counts) > 0 and sum(1 for c in counts if c) >= 2  # at least two chapters number from 1


# --------------------------------------------------------------------------- metadata


@pytest.mark.parametrize("name", ["corpus", "mixed", "flat"])
def test_every_editor_and_author_is_a_creator_with_its_own_id(
    name: str, books: dict[str, tuple[Collection, Path]]
) -> None:
    collection, book = open_book(books, name)
    creators = book.opf.findall("opf:metadata/dc:creator", NS)
    names = [c.text for c in creators]
    authors = [a.name for a in collection.all_authors()]
    editors = [e.name for e in collection.editors]
    assert names == list(dict.fromkeys([*editors, *authors]))
    ids = [c.get("id") for c in creators]
    assert all(ids) and len(set(ids)) == len(ids)
    for creator in creators:
        roles = {
            r.text
            for r in book.opf.findall(f"opf:metadata/opf:meta[@refines='#{creator.get('id')}'][@property='role']", NS)
        }
        expected = {"edt"} if creator.text in editors else set()
        expected |= {"aut"} if creator.text in authors else set()
        assert roles == expected, creator.text
    all_ids = [el.get("id") for el in book.opf.iter() if el.get("id")]
    assert len(all_ids) == len(set(all_ids))


def test_book_metadata(books: dict[str, tuple[Collection, Path]], monkeypatch: pytest.MonkeyPatch) -> None:
    collection, book = open_book(books, "mixed")
    assert book.dc("title") == ["Buku Uji Campuran"]
    assert book.dc("language") == ["id", "en"]
    assert book.dc("publisher") == ["Penerbit Uji"]
    assert book.dc("date") == ["2025-12-31"]
    assert book.dc("description") == ["Dua bahasa, satu buku"]
    assert book.dc("rights") == ["© 2025 Penerbit Uji"]
    identifier = collection_identifier(collection)
    assert book.dc("identifier") == [identifier] and identifier.startswith("urn:uuid:")
    unique = book.opf.get("unique-identifier")
    assert book.opf.find(f"opf:metadata/dc:identifier[@id='{unique}']", NS).text == identifier
    ncx = book.xml(book.item(**{"media-type": "application/x-dtbncx+xml"}).get("href"))
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content") == identifier
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert "alternativeText" in book.meta("schema:accessibilityFeature")
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert "chapter" in summary
    # Without SOURCE_DATE_EPOCH, modified is the time of the build, never the book's own date.
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    again = Book(export_book(collection))
    (modified,) = again.meta("dcterms:modified")
    assert before <= dt.datetime.fromisoformat(modified) <= dt.datetime.now(dt.UTC)
    assert again.dc("date") == ["2025-12-31"]


def test_identifier_follows_the_content_not_the_place(tmp_path: Path) -> None:
    a = flat_collection(tmp_path)
    moved = Collection(
        **{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "source_path": tmp_path / "x" / "y.yaml"}
    )
    themed = Collection(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "theme": "modern"})
    renamed = Collection(**{**{f: getattr(a, f) for f in a.__dataclass_fields__}, "title": "Another Book"})
    assert collection_identifier(a) == collection_identifier(moved) == collection_identifier(themed)
    assert collection_identifier(a) != collection_identifier(renamed)


def test_title_page_in_the_book_language(books: dict[str, tuple[Collection, Path]]) -> None:
    collection, book = open_book(books, "corpus")
    page = book.xhtml()["text/titlepage.xhtml"]
    section = page.find(".//h:section[@epub:type='titlepage']", NS)
    text = [" ".join("".join(p.itertext()).split()) for p in section]
    assert collection.title in text and collection.subtitle in text and collection.publication in text
    names = " dan ".join(e.name for e in collection.editors)
    assert f"Disunting oleh {names}" in text
    assert "31 Desember 2025" in text
    assert page.find("h:head/h:title", NS).text == "Halaman judul"
    flat_page = open_book(books, "flat")[1].xhtml()["text/titlepage.xhtml"]
    flat_text = "".join(flat_page.itertext())
    assert "A Flat Book" in flat_text and "By Author 1, Author 2 and Author 3" in flat_text


def test_own_cover_from_the_manifest_folder(books: dict[str, tuple[Collection, Path]]) -> None:
    _, book = open_book(books, "mixed")
    cover = book.item(properties="cover-image")
    assert book.read(cover.get("href")) == (DATA / "images" / "chart.png").read_bytes()
    img = book.xhtml()["text/cover.xhtml"].find(".//h:img", NS)
    assert img.get("alt") == "Sampul: Buku Uji Campuran"


def test_generated_cover_names_the_book(books: dict[str, tuple[Collection, Path]]) -> None:
    _, book = open_book(books, "corpus")
    cover = book.item(properties="cover-image")
    with Image.open(io.BytesIO(book.read(cover.get("href")))) as img:
        assert img.size == (1600, 2560)
    alt = book.xhtml()["text/cover.xhtml"].find(".//h:img", NS).get("alt")
    assert alt.startswith("Suara Publik 2025. Disunting oleh Siti Rahma")


def test_figures_come_from_each_article_folder(books: dict[str, tuple[Collection, Path]]) -> None:
    collection, book = open_book(books, "mixed")
    srcs = []
    for (_, root), article in zip(chapters(book), collection.articles, strict=True):
        (img,) = root.findall(".//h:figure[@class='figure']/h:img", NS)
        srcs.append(img.get("src"))
        assert book.read(img.get("src")[3:]) == (article.base_dir / "images" / "chart.png").read_bytes()
    assert srcs[0] != srcs[1]


def test_corpus_figure_from_the_shared_images_folder(books: dict[str, tuple[Collection, Path]]) -> None:
    _, book = open_book(books, "corpus")
    imgs = [img for _, root in chapters(book) for img in root.iterfind(".//h:figure/h:img", NS)]
    assert imgs and all(img.get("alt") for img in imgs)
    for img in imgs:
        book.item(href=img.get("src")[3:])


def test_nothing_outside_the_manifest_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "secret.png").write_bytes((DATA / "images" / "chart.png").read_bytes())
    book_dir = tmp_path / "book"
    book_dir.mkdir()
    article = m.Article(
        title="Peeking",
        lang="en",
        body=(m.Paragraph((m.Text("Text."),)), m.Figure("../secret.png", alt="x")),
        source_path=book_dir / "a.md",
    )
    collection = Collection(title="Book", parts=(Part("", (article,)),), lang="en", source_path=book_dir / "m.yaml")
    with pytest.warns(ResourceRefusedWarning, match="secret.png"):
        book = Book(export_book(collection))
    assert not [it for it in book.items() if it.get("media-type") == "image/png" and "cover" not in it.get("href")]


def test_through_the_api_and_the_registry(tmp_path: Path) -> None:
    assert registry.exporter("epub").supports_collections
    target = opedexport.export_collection(flat_collection(tmp_path), tmp_path / "out" / "book.epub")
    assert Book(Path(target).read_bytes()).dc("title") == ["A Flat Book"]


# --------------------------------------------------------------------------- outside readers


@pytest.mark.slow
@pytest.mark.skipif(not judges.have_pandoc(), reason="pandoc is not installed")
@pytest.mark.parametrize("name", ["corpus", "mixed"])
def test_pandoc_reads_every_title_and_footnote(name: str, books: dict[str, tuple[Collection, Path]]) -> None:
    collection, path = books[name]
    book = Book(path.read_bytes())
    md = judges.pandoc_markdown(path)
    flat = " ".join(md.split())
    plain = re.sub(r"[*_\\]", "", flat)  # without Markdown's emphasis and escapes
    for article in collection.articles:
        assert re.search(r"^# " + re.escape(article.title), md, re.M), article.title
    for part in collection.parts:
        if part.title:
            assert part.title in flat
    notes = [note for _, root in chapters(book) for note in root.iterfind(".//h:aside[@epub:type='footnote']", NS)]
    assert len(re.findall(r"^\[\^\d+\]:", md, re.M)) == len(notes) > 0
    for note in notes:
        text = " ".join("".join(note.find("h:p", NS).itertext()).split())  # the note's first paragraph
        body = text.split(" ", 1)[1]  # after the "1." back link
        assert body[:40] in plain, body


# --------------------------------------------------------------------------- reproducibility

_SCRIPT = """
import sys
from pathlib import Path
from opedexport import export_collection, load_manifest
export_collection(load_manifest(sys.argv[2]), Path(sys.argv[1]), "default")
"""


def _export_in_subprocess(out: Path, epoch: str) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
    env["SOURCE_DATE_EPOCH"] = epoch
    subprocess.run([sys.executable, "-c", _SCRIPT, str(out), str(CORPUS)], check=True, env=env, timeout=600, cwd=TESTS)
    return out.read_bytes()


@pytest.mark.slow
def test_reproducible_across_processes(tmp_path: Path) -> None:
    first = _export_in_subprocess(tmp_path / "1.epub", "1700000000")
    second = _export_in_subprocess(tmp_path / "2.epub", "1700000000")
    later = _export_in_subprocess(tmp_path / "3.epub", "1800000000")
    assert first == second
    a, c = Book(first), Book(later)
    assert a.dc("identifier") == c.dc("identifier") == [collection_identifier(corpus())]
    assert a.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert c.meta("dcterms:modified") == ["2027-01-15T08:00:00Z"]
    assert {i.date_time for i in a.zip.infolist()} == {(2023, 11, 14, 22, 13, 20)}
