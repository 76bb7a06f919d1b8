from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import uuid
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from PIL import Image

import judges
import opedexport
from conftest import DATA, SOURCE, TESTS, feature_article
from opedexport import model as m
from opedexport.errors import OpedexportWarning, RegistryError, ResourceRefusedWarning
from opedexport.exporters.epub import EpubExporter, epub_identifier
from opedexport.registry import registry
from opedexport.theme import Theme

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
    "ncx": "http://www.daisy.org/z3986/2005/ncx/",
}
FEATURES = [(lang, style) for lang in ("id", "en") for style in ("default", "modern")]


def _source_files() -> list[Path]:
    if not SOURCE.is_dir():
        return []
    out = []
    for path in sorted(SOURCE.iterdir()):
        if not path.is_file():
            continue
        try:
            registry.reader_for_path(path)
        except RegistryError:
            continue
        out.append(path)
    return out


SOURCES = _source_files()


def export(article: m.Article, theme: str = "default", **options: Any) -> bytes:
    return EpubExporter().export(article, Theme.load(theme), **options)


def with_figure(base: Path | None, src: str, **changes: Any) -> m.Article:
    fig = m.Figure(src, alt="A chart", caption=(m.Text("Caption"),))
    return m.Article(
        title="Figures",
        lang="en",
        body=(m.Paragraph((m.Text("Before."),)), fig, m.Paragraph((m.Text("After."),))),
        source_path=(base / "a.md") if base else None,
        **changes,
    )


# --------------------------------------------------------------------------- reading a book back


def assert_targets_exist(nav: Any, docs: dict[str, Any]) -> None:
    """Every link of the navigation document leads to a file of the book and, with a fragment, to an id in it."""
    for a in nav.iter(f"{{{NS['h']}}}a"):
        href, _, frag = a.get("href").partition("#")
        assert href in docs
        if frag:
            assert docs[href].find(f".//*[@id='{frag}']") is not None, frag


class Book:
    """An EPUB file opened for assertions."""

    def __init__(self, data: bytes):
        self.data = data
        self.zip = zipfile.ZipFile(io.BytesIO(data))
        container = etree.fromstring(self.zip.read("META-INF/container.xml"))
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.folder = self.opf_path.rsplit("/", 1)[0] + "/" if "/" in self.opf_path else ""
        self.opf = etree.fromstring(self.zip.read(self.opf_path))

    def read(self, href: str) -> bytes:
        return self.zip.read(self.folder + href)

    def xml(self, href: str) -> Any:
        return etree.fromstring(self.read(href))

    def dc(self, name: str) -> list[str]:
        return [el.text for el in self.opf.findall(f"opf:metadata/dc:{name}", NS)]

    def meta(self, prop: str) -> list[str]:
        return [el.text for el in self.opf.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)]

    def items(self) -> list[Any]:
        return self.opf.findall("opf:manifest/opf:item", NS)

    def item(self, **attrs: str) -> Any:
        for it in self.items():
            if all(it.get(k) == v or (k == "properties" and v in (it.get(k) or "").split()) for k, v in attrs.items()):
                return it
        raise AssertionError(f"no manifest item with {attrs}")

    def spine(self) -> list[str]:
        hrefs = {it.get("id"): it.get("href") for it in self.items()}
        return [hrefs[ref.get("idref")] for ref in self.opf.findall("opf:spine/opf:itemref", NS)]

    def xhtml(self) -> dict[str, Any]:
        return {
            it.get("href"): self.xml(it.get("href"))
            for it in self.items()
            if it.get("media-type") == "application/xhtml+xml"
        }


# --------------------------------------------------------------------------- the books every judge reads


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every EPUB the judges check, written once: the feature article in both languages and
    both themes, every source file, a book with a refused figure and one with its own cover."""
    out = tmp_path_factory.mktemp("epub")
    base = out / "article"
    (base / "images").mkdir(parents=True)
    shutil.copy(DATA / "images" / "chart.png", base / "images" / "chart.png")
    paths: dict[str, Path] = {}

    def write(name: str, data: bytes) -> None:
        paths[name] = out / f"{name}.epub"
        paths[name].write_bytes(data)

    for lang, style in FEATURES:
        write(f"feature-{lang}-{style}", export(feature_article(lang, base), style))
    for source in SOURCES:
        with warnings.catch_warnings():  # what the reader reports is the reader's tests' business
            warnings.simplefilter("ignore", OpedexportWarning)
            article = opedexport.read(source)
        write(f"source-{source.name}", export(article))
    with pytest.warns(ResourceRefusedWarning) as record:
        write("refused", export(with_figure(base, "/etc/passwd").replace(cover="http://example.org/c.jpg")))
    paths["refused-warnings"] = out / "refused-warnings.txt"
    paths["refused-warnings"].write_text("\n".join(str(w.message) for w in record), encoding="utf-8")
    write("own-cover", export(with_figure(base, "images/chart.png", cover="images/chart.png"), "modern"))
    return paths


@pytest.fixture(scope="module")
def epubcheck_results(books: dict[str, Path]) -> dict[Path, tuple[int, int, int, list[str]]]:
    if not judges.have_epubcheck():
        pytest.skip("EPUBCheck needs java and the epubcheck package")
    return judges.epubcheck_many(p for name, p in books.items() if p.suffix == ".epub")


BOOK_NAMES = [
    *(f"feature-{lang}-{style}" for lang, style in FEATURES),
    *(f"source-{p.name}" for p in SOURCES),
    "refused",
    "own-cover",
]


@pytest.mark.slow
@pytest.mark.parametrize("name", BOOK_NAMES)
def test_epubcheck_reports_nothing(
    name: str, books: dict[str, Path], epubcheck_results: dict[Path, tuple[int, int, int, list[str]]]
) -> None:
    fatals, errors, warns, messages = epubcheck_results[books[name]]
    assert (fatals, errors, warns) == (0, 0, 0), "\n".join(messages)


def test_source_files_are_covered() -> None:
    if not SOURCES:
        pytest.skip("no readable files in source/")
    assert all(p.is_file() for p in SOURCES)


@pytest.mark.slow
@pytest.mark.skipif(not judges.have_pandoc(), reason="pandoc is not installed")
@pytest.mark.parametrize("lang", ["id", "en"])
def test_pandoc_reads_title_headings_paragraphs_and_footnotes(lang: str, books: dict[str, Path]) -> None:
    md = judges.pandoc_markdown(books[f"feature-{lang}-default"])
    idn = lang == "id"
    assert re.search(r"^# " + re.escape("Judul Uji Lengkap" if idn else "A Complete Test Title"), md, re.M)
    for level, text in ((2, "Bagian Pertama"), (3, "Subbagian"), (4, "Sub-subbagian")):
        if not idn:
            text = {"Bagian Pertama": "First Section", "Subbagian": "Subsection", "Sub-subbagian": "Sub-subsection"}[
                text
            ]
        assert re.search(rf"^{'#' * level} {re.escape(text)}\b", md, re.M), text
    assert ("Paragraf pembuka dengan **teks tebal**" if idn else "Opening paragraph with **bold text**") in md
    assert ("Isi bagian pertama" if idn else "Body of the first section") in md
    # Both footnotes come back as pandoc notes, called in the text and holding their text.
    assert "[^1]" in md.split("[^1]:")[0] and "[^2]" in md.split("[^2]:")[0]
    note1 = re.search(r"^\[\^1\]: (.*)$", md, re.M)
    note2 = re.search(r"^\[\^2\]: (.*)$", md, re.M)
    assert note1 and ("Catatan pertama dengan *miring*" if idn else "First note with *italics*") in note1.group(1)
    assert note2 and ("Catatan kedua, paragraf satu." if idn else "Second note, paragraph one.") in note2.group(1)
    assert ("Paragraf dua catatan." if idn else "Note paragraph two.") in md.split("[^2]:")[1]
    assert ("Keterangan gambar" if idn else "Figure caption") in md


# --------------------------------------------------------------------------- structure and metadata


def test_no_scripts_handlers_or_iframes(books: dict[str, Path]) -> None:
    for name, path in books.items():
        if path.suffix != ".epub":
            continue
        book = Book(path.read_bytes())
        for it in book.items():
            assert "scripted" not in (it.get("properties") or "").split(), (name, it.get("href"))
        for href, root in book.xhtml().items():
            for el in root.iter():
                if not isinstance(el.tag, str):
                    continue
                assert etree.QName(el).localname not in ("script", "iframe", "embed", "object"), (name, href)
                handlers = [a for a in el.attrib if etree.QName(a).localname.lower().startswith("on")]
                assert not handlers, (name, href, handlers)


def test_zip_layout_is_an_epub(books: dict[str, Path]) -> None:
    with zipfile.ZipFile(books["feature-en-default"]) as zf:
        infos = zf.infolist()
        assert infos[0].filename == "mimetype"
        assert infos[0].compress_type == zipfile.ZIP_STORED and infos[0].extra == b""
        assert zf.read("mimetype") == b"application/epub+zip"
        assert infos[1].filename == "META-INF/container.xml"
        assert len({i.date_time for i in infos}) == 1


def test_metadata(books: dict[str, Path]) -> None:
    book = Book(books["feature-id-default"].read_bytes())
    article = feature_article("id")
    assert book.dc("title") == ["Judul Uji Lengkap"]
    assert book.dc("language") == ["id"]
    assert book.dc("date") == ["2025-05-12"]
    assert book.dc("publisher") == ["DepokPos"]
    assert book.dc("subject") == ["uji", "opini"]
    assert book.dc("description") == ["Ringkasan artikel."]
    assert book.dc("rights") == ["© 2025 Penulis"]
    assert book.dc("identifier") == [f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, article.source_url)}"]
    unique = book.opf.get("unique-identifier")
    assert book.opf.find(f"opf:metadata/dc:identifier[@id='{unique}']", NS) is not None
    (modified,) = book.meta("dcterms:modified")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", modified)
    # The NCX names the same book.
    ncx = book.xml(book.item(**{"media-type": "application/x-dtbncx+xml"}).get("href"))
    assert ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content") == book.dc("identifier")[0]


def test_two_authors_have_their_own_creator_ids(books: dict[str, Path]) -> None:
    book = Book(books["feature-id-default"].read_bytes())
    creators = book.opf.findall("opf:metadata/dc:creator", NS)
    assert [c.text for c in creators] == ["Siti Rahma", "Budi Santoso"]
    ids = [c.get("id") for c in creators]
    assert len(set(ids)) == 2 and all(ids)
    for cid in ids:
        role = book.opf.find(f"opf:metadata/opf:meta[@refines='#{cid}'][@property='role']", NS)
        assert role is not None and role.text == "aut"
    all_ids = [el.get("id") for el in book.opf.iter() if el.get("id")]
    assert len(all_ids) == len(set(all_ids))


def test_modified_follows_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = Book(export(with_figure(None, "x.png").replace(body=(m.Paragraph((m.Text("x"),)),))))
    assert book.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert book.zip.infolist()[0].date_time == (2023, 11, 14, 22, 13, 20)


def test_identifier_from_content_when_there_is_no_url() -> None:
    a = m.Article(title="No URL", lang="en", body=(m.Paragraph((m.Text("one"),)),))
    b = a.replace(body=(m.Paragraph((m.Text("two"),)),))
    assert epub_identifier(a) == epub_identifier(a.replace()) != epub_identifier(b)
    assert epub_identifier(a).startswith("urn:uuid:")


@pytest.mark.parametrize(
    ("lang", "contents", "cover", "notes", "title_page"),
    [("id", "Daftar Isi", "Sampul", "Catatan", "Halaman judul"), ("en", "Contents", "Cover", "Notes", "Title page")],
)
def test_labels_follow_the_article_language(
    lang: str, contents: str, cover: str, notes: str, title_page: str, books: dict[str, Path]
) -> None:
    book = Book(books[f"feature-{lang}-default"].read_bytes())
    nav_item = book.item(properties="nav")
    nav = book.xml(nav_item.get("href"))
    assert nav.get("lang") == lang
    assert nav.find("h:head/h:title", NS).text == contents
    toc = nav.find(".//h:nav[@epub:type='toc']", NS)
    assert toc.find("h:h2", NS).text == contents
    docs = book.xhtml()
    cover_doc = docs[book.spine()[0]]
    assert cover_doc.find("h:head/h:title", NS).text == cover
    title_doc = docs[book.spine()[1]]
    assert title_doc.find("h:head/h:title", NS).text == title_page
    assert title_doc.find(".//h:section[@epub:type='titlepage']", NS) is not None
    for root in docs.values():
        assert root.get("lang") == lang and root.get("{http://www.w3.org/XML/1998/namespace}lang") == lang
    article = docs[book.spine()[-1]]
    assert "".join(article.find(".//h:section[@epub:type='endnotes']/h:h2", NS).itertext()) == notes


def test_spine_and_toc(books: dict[str, Path]) -> None:
    book = Book(books["feature-en-default"].read_bytes())
    spine = book.spine()
    assert len(spine) == 4 and spine[2] == book.item(properties="nav").get("href")
    nav = book.xml(book.item(properties="nav").get("href"))
    top = nav.findall(".//h:nav[@epub:type='toc']/h:ol/h:li", NS)
    assert len(top) == 1 and top[0].find("h:a", NS).text == "A Complete Test Title"
    level1 = [li.find("h:a", NS).text for li in top[0].findall("h:ol/h:li", NS)]
    assert level1 == ["First Section", "Notes"]
    nested = [a.text for a in top[0].findall("h:ol/h:li/h:ol//h:a", NS)]
    assert nested == ["Subsection", "Sub-subsection"]
    # Every TOC target exists.
    docs = book.xhtml()
    assert_targets_exist(nav, docs)


def test_toc_is_never_empty() -> None:
    article = m.Article(title="Only a paragraph", lang="en", body=(m.Paragraph((m.Text("Text."),)),))
    book = Book(export(article))
    ncx = book.xml(book.item(**{"media-type": "application/x-dtbncx+xml"}).get("href"))
    points = ncx.findall(".//ncx:navPoint", NS)
    assert [p.find("ncx:navLabel/ncx:text", NS).text for p in points] == ["Only a paragraph"]


def test_epub3_footnotes_and_chapter_serialised_as_ours(books: dict[str, Path]) -> None:
    book = Book(books["feature-en-default"].read_bytes())
    chapter_href = book.spine()[-1]
    raw = book.read(chapter_href)
    assert raw.startswith(b"<?xml") and b"<!DOCTYPE html>" in raw
    root = etree.fromstring(raw)
    assert root.find("h:head/h:meta[@charset='utf-8']", NS) is not None
    assert root.find("h:head/h:link[@rel='stylesheet']", NS).get("href") == "../css/epub.css"
    assert [a.get("href") for a in root.findall(".//h:a[@epub:type='noteref']", NS)] == ["#fn1", "#fn2"]
    assert [n.get("id") for n in root.findall(".//h:aside[@epub:type='footnote']", NS)] == ["fn1", "fn2"]
    assert [a.get("href") for a in root.findall(".//h:aside//h:a[@role='doc-backlink']", NS)] == [
        "#fnref1",
        "#fnref2",
    ]


def test_cover_image_is_a_generated_raster_with_its_page(books: dict[str, Path]) -> None:
    book = Book(books["feature-id-modern"].read_bytes())
    cover = book.item(properties="cover-image")
    assert cover.get("media-type") in ("image/png", "image/jpeg")
    with Image.open(io.BytesIO(book.read(cover.get("href")))) as img:
        assert img.size == (1600, 2560)
    cover_page = book.xhtml()[book.spine()[0]]
    img_el = cover_page.find(".//h:img", NS)
    assert img_el.get("src").endswith(cover.get("href").rsplit("/", 1)[1])
    assert "Judul Uji Lengkap" in img_el.get("alt")
    assert len(book.opf.findall("opf:metadata/opf:meta[@name='cover']", NS)) == 1


def test_generated_cover_is_deterministic() -> None:
    from opedexport.exporters._cover import generate_cover

    article, theme = feature_article("en"), Theme.load("default")
    assert generate_cover(article, theme).data == generate_cover(article, theme).data


def test_article_cover_is_used(books: dict[str, Path]) -> None:
    book = Book(books["own-cover"].read_bytes())
    cover = book.item(properties="cover-image")
    assert book.read(cover.get("href")) == (DATA / "images" / "chart.png").read_bytes()


def test_figure_stored_by_hash_with_alt_and_caption(books: dict[str, Path]) -> None:
    book = Book(books["feature-en-default"].read_bytes())
    chapter = book.xhtml()[book.spine()[-1]]
    (fig,) = chapter.findall(".//h:figure[@class='figure']", NS)
    img = fig.find("h:img", NS)
    assert img.get("alt") == "A red bar chart"
    assert "Figure caption" in "".join(fig.find("h:figcaption", NS).itertext())
    assert re.fullmatch(r"\.\./images/[0-9a-f]{16}\.png", img.get("src"))
    href = img.get("src")[3:]
    book.item(href=href)
    assert book.read(href) == (DATA / "images" / "chart.png").read_bytes()


def test_refused_figure_and_cover_warn_and_are_dropped(books: dict[str, Path]) -> None:
    warned = books["refused-warnings"].read_text("utf-8")
    assert "/etc/passwd" in warned and "http://example.org/c.jpg" in warned
    book = Book(books["refused"].read_bytes())
    chapter = book.xhtml()[book.spine()[-1]]
    assert chapter.find(".//h:img", NS) is None
    assert "Before." in "".join(chapter.itertext()) and "After." in "".join(chapter.itertext())
    images = [it for it in book.items() if it.get("media-type", "").startswith("image/")]
    assert len(images) == 1 and "cover-image" in images[0].get("properties")  # the generated cover only
    assert "alternativeText" not in book.meta("schema:accessibilityFeature")


@pytest.mark.parametrize("src", ["http://example.org/chart.png", "../outside.png", "images/missing.png"])
def test_other_refusals(src: str, tmp_path: Path) -> None:
    (tmp_path / "outside.png").write_bytes((DATA / "images" / "chart.png").read_bytes())
    base = tmp_path / "article"
    base.mkdir()
    with pytest.warns(ResourceRefusedWarning):
        book = Book(export(with_figure(base, src)))
    assert book.xhtml()[book.spine()[-1]].find(".//h:img", NS) is None


def test_not_an_image_is_refused(tmp_path: Path) -> None:
    (tmp_path / "fake.png").write_text("<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>")
    # An SVG is packaged in an EPUB, but never one holding a script (whatever its name says).
    with pytest.warns(ResourceRefusedWarning, match="an SVG holding a <script>"):
        book = Book(export(with_figure(tmp_path, "fake.png")))
    assert book.xhtml()[book.spine()[-1]].find(".//h:img", NS) is None


def test_accessibility_metadata(books: dict[str, Path]) -> None:
    book = Book(books["feature-en-default"].read_bytes())
    assert book.meta("schema:accessMode") == ["textual", "visual"]
    assert book.meta("schema:accessModeSufficient") == ["textual"]
    assert set(book.meta("schema:accessibilityFeature")) == {
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "alternativeText",
        "displayTransformability",
    }
    assert book.meta("schema:accessibilityHazard") == ["none"]
    (summary,) = book.meta("schema:accessibilitySummary")
    assert summary


def test_fonts_embedded_subset_and_referenced(books: dict[str, Path]) -> None:
    book = Book(books["feature-en-modern"].read_bytes())
    theme = Theme.load("modern")
    css_item = book.item(**{"media-type": "text/css"})
    css = book.read(css_item.get("href")).decode("utf-8")
    css_dir = css_item.get("href").rsplit("/", 1)[0]
    for _family, _style, _weight, path in theme.all_font_files():
        assert f'url("../fonts/{path.name}")' in css
        href = f"fonts/{path.name}"
        assert css_dir == "css"
        item = book.item(href=href)
        assert item.get("media-type") in ("font/otf", "font/ttf")
        assert 0 < len(book.read(href)) < path.stat().st_size  # subset to the characters used


def test_fonts_whole_when_not_subset() -> None:
    article = m.Article(title="Whole fonts", lang="en", body=(m.Paragraph((m.Text("Text."),)),))
    book = Book(export(article, subset_fonts=False))
    for _family, _style, _weight, path in Theme.load().all_font_files():
        assert book.read(f"fonts/{path.name}") == path.read_bytes()


def test_registered_and_reached_through_the_api(tmp_path: Path) -> None:
    assert registry.exporter("epub") is EpubExporter
    article = m.Article(title="Via the API", lang="en", body=(m.Paragraph((m.Text("Text."),)),))
    target = opedexport.export(article, tmp_path / "out.epub")
    assert Book(Path(target).read_bytes()).dc("title") == ["Via the API"]


# --------------------------------------------------------------------------- reproducibility

_SCRIPT = """
import sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from conftest import feature_article
from opedexport.exporters.epub import EpubExporter
from opedexport.theme import Theme
article = feature_article("id", Path({base!r}))
Path(sys.argv[1]).write_bytes(EpubExporter().export(article, Theme.load("default")))
"""


def _export_in_subprocess(out: Path, base: Path, epoch: str) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH", "PYTHONHASHSEED")}
    env["SOURCE_DATE_EPOCH"] = epoch
    script = _SCRIPT.format(tests=str(TESTS), base=str(base))
    subprocess.run([sys.executable, "-c", script, str(out)], check=True, env=env, timeout=300)
    return out.read_bytes()


@pytest.mark.slow
def test_reproducible_across_processes(tmp_path: Path) -> None:
    base = tmp_path / "article"
    (base / "images").mkdir(parents=True)
    shutil.copy(DATA / "images" / "chart.png", base / "images" / "chart.png")
    first = _export_in_subprocess(tmp_path / "1.epub", base, "1700000000")
    second = _export_in_subprocess(tmp_path / "2.epub", base, "1700000000")
    later = _export_in_subprocess(tmp_path / "3.epub", base, "1800000000")
    assert first == second
    a, c = Book(first), Book(later)
    assert a.dc("identifier") == c.dc("identifier")
    assert a.meta("dcterms:modified") == ["2023-11-14T22:13:20Z"]
    assert c.meta("dcterms:modified") == ["2027-01-15T08:00:00Z"]
    assert c.zip.infolist()[0].date_time == dt.datetime(2027, 1, 15, 8, 0, tzinfo=dt.UTC).timetuple()[:6]


def test_old_dates_are_clamped_in_the_zip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    article = m.Article(title="Epoch", lang="en", body=(m.Paragraph((m.Text("x"),)),))
    book = Book(export(article))
    assert {i.date_time for i in book.zip.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert book.meta("dcterms:modified") == ["1970-01-01T00:00:00Z"]


@pytest.mark.slow
@pytest.mark.skipif(not judges.have_epubcheck(), reason="EPUBCheck needs java and the epubcheck package")
def test_metadata_of_only_white_space_is_left_out(tmp_path: Path) -> None:
    # Found by the property tests: a summary of one space became an empty dc:description, an EPUBCheck error.
    article = m.Article(
        title="T",
        summary=" ",
        subtitle="\n",
        publication=" \t",
        rights=" ",
        tags=(" ",),
        lang="en",
        body=(m.Paragraph((m.Text("Text."),)),),
    )
    path = tmp_path / "blank.epub"
    path.write_bytes(EpubExporter().export(article, Theme.load()))
    opf = zipfile.ZipFile(path).read("EPUB/content.opf").decode()
    for element in ("dc:description", "dc:publisher", "dc:rights", "dc:subject"):
        assert element not in opf
    fatals, errors, warnings_, messages = judges.epubcheck(path)
    assert (fatals, errors, warnings_) == (0, 0, 0), messages
