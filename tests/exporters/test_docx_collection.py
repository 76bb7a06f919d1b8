"""The DOCX book: a collection exported as one Word document.

The corpus is the twelve-article anthology in ``tests/data/collection`` (three parts, Indonesian and
English); the small books are built in code from the every-element articles of ``conftest``.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from test_docx import names, part, text_of

import judges
import opedexport
from conftest import DATA, feature_article
from opedexport import model as m
from opedexport.collection import Collection, Part, load_manifest
from opedexport.exporters.base import build_datetime
from opedexport.exporters.docx import DocxExporter
from opedexport.theme import Theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R, "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
MANIFEST = DATA / "collection" / "manifest.yaml"
HAVE_SOFFICE = shutil.which("soffice") is not None and shutil.which("pdftotext") is not None


def q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{NS[prefix]}}}{local}"


def export(collection: Collection, theme: str | Theme = "default") -> bytes:
    return DocxExporter().export_collection(collection, theme if isinstance(theme, Theme) else Theme.load(theme))


def pstyle(p: Any) -> str:
    found = p.find("w:pPr/w:pStyle", NS)
    return found.get(q("w:val")) if found is not None else ""


def rels(data: bytes, name: str) -> dict[str, str]:
    """``{rId: target}`` of a part's relationships."""
    return {r.get("Id"): r.get("Target") for r in part(data, name).findall("rel:Relationship", NS)}


def sections(data: bytes) -> list[tuple[list[Any], Any]]:
    """``(body elements, w:sectPr)`` of each section, in order."""
    body = part(data, "word/document.xml").find("w:body", NS)
    out: list[tuple[list[Any], Any]] = []
    current: list[Any] = []
    for child in body:
        if child.tag == q("w:sectPr"):
            out.append((current, child))
            break
        current.append(child)
        inner = child.find("w:pPr/w:sectPr", NS)
        if inner is not None:
            out.append((current, inner))
            current = []
    return out


def toc_entries(data: bytes) -> list[tuple[str, str, int]]:
    """``(title, bookmark, page)`` of each line of the contents' written result."""
    doc = part(data, "word/document.xml")
    out = []
    for p in doc.iter(q("w:p")):
        if pstyle(p) != "TOC1":
            continue
        link = p.find("w:hyperlink", NS)
        runs = link.findall("w:r", NS)
        title = "".join(runs[0].xpath("w:t/text()", namespaces=NS))
        out.append((title, link.get(q("w:anchor")), int(text_of(link)[len(title) :])))
    return out


def effective_lang(run: Any, default: str) -> str:
    found = run.find("w:rPr/w:lang", NS)
    return found.get(q("w:val")) if found is not None else default


def feature_book(base: Path, *, parts: bool = True) -> Collection:
    """Two every-element articles, one per language, in an Indonesian book (with parts or flat)."""
    (base / "images").mkdir(exist_ok=True)
    shutil.copy(DATA / "images" / "chart.png", base / "images" / "chart.png")
    idn, eng = feature_article("id", base), feature_article("en", base)
    groups = (Part("Bagian Satu", (idn,)), Part("Bagian Dua", (eng,))) if parts else (Part("", (idn, eng)),)
    return Collection(
        title="Buku Uji",
        subtitle="Dua artikel",
        editors=(m.Author("Siti Rahma", "Editor"),),
        publication="DepokPos",
        lang="id",
        parts=groups,
    )


@pytest.fixture(scope="module")
def corpus() -> Collection:
    return load_manifest(MANIFEST)


@pytest.fixture(scope="module")
def corpus_docx(corpus: Collection) -> bytes:
    return export(corpus)


@pytest.fixture
def book(tmp_path: Path) -> Collection:
    return feature_book(tmp_path)


# --------------------------------------------------------------------------- structure


def test_supports_collections() -> None:
    assert DocxExporter.supports_collections


def test_the_corpus_is_the_twelve_articles(corpus: Collection) -> None:
    assert len(corpus.articles) == 12
    assert {a.lang for a in corpus.articles} == {"id", "en"}
    assert [p.title for p in corpus.parts] == ["Negara dan Warga", "Kota dan Lingkungan", "Pengetahuan dan Dunia"]


def test_python_docx_reopens_with_titles_and_parts_as_headings(corpus: Collection, corpus_docx: bytes) -> None:
    document = docx.Document(io.BytesIO(corpus_docx))
    by_style: dict[str, list[str]] = {}
    for p in document.paragraphs:
        by_style.setdefault(p.style.name, []).append(p.text)
    assert by_style["Heading 1"] == [a.title for a in corpus.articles]
    assert by_style["Part"] == [p.title for p in corpus.parts]
    assert by_style["Title"] == [corpus.title]
    assert by_style["Subtitle"][0] == corpus.subtitle
    part_style = document.styles["Part"]
    assert part_style.base_style.name == "Heading 1"  # pandoc reads a part as a heading


def test_title_page_in_the_book_language(corpus_docx: bytes) -> None:
    body, _ = sections(corpus_docx)[0]
    got = [(pstyle(p), text_of(p)) for p in body]
    assert got == [
        ("Kicker", "Harian Nusantara"),
        ("Title", "Suara Publik 2025"),
        ("Subtitle", "Kumpulan opini tentang kota, iklim, dan warga"),
        ("Byline", "Disunting oleh Siti Rahma dan Jonathan Price"),
        ("Affiliation", "Siti Rahma, Editor Opini, Harian Nusantara"),
        ("Affiliation", "Jonathan Price, Editor Tamu"),
        ("Dateline", "31 Desember 2025"),
    ]


def test_contents_is_a_filled_toc_field(corpus: Collection, corpus_docx: bytes) -> None:
    body, _ = sections(corpus_docx)[1]
    assert (pstyle(body[0]), text_of(body[0])) == ("TOCHeading", "Daftar Isi")
    instr = [t.strip() for p in body for t in p.xpath(".//w:instrText/text()", namespaces=NS)]
    assert instr[0] == 'TOC \\o "1-1" \\h \\z \\u'
    chars = [c.get(q("w:fldCharType")) for p in body for c in p.iter(q("w:fldChar"))]
    assert chars[:2] == ["begin", "separate"] and chars[-1] == "end"  # the whole result inside the field
    entries = toc_entries(corpus_docx)
    expected = []
    for p in corpus.parts:
        expected += [p.title, *(a.title for a in p.articles)]
    assert [title for title, _, _ in entries] == expected
    assert instr[1:] == [f"PAGEREF {bookmark} \\h" for _, bookmark, _ in entries]
    pages = [page for _, _, page in entries]
    assert pages[0] == 3 and pages == sorted(pages) and len(set(pages)) == len(pages)


def test_contents_entries_link_to_bookmarked_titles(corpus_docx: bytes) -> None:
    doc = part(corpus_docx, "word/document.xml")
    for title, bookmark, _ in toc_entries(corpus_docx):
        start = doc.find(f".//w:bookmarkStart[@w:name='{bookmark}']", NS)
        heading = start.getparent()
        assert pstyle(heading) in ("Heading1", "Part")
        assert text_of(heading) == title
        assert heading.find(f"w:bookmarkEnd[@w:id='{start.get(q('w:id'))}']", NS) is not None


def test_word_updates_the_fields_on_opening(corpus_docx: bytes) -> None:
    settings = part(corpus_docx, "word/settings.xml")
    assert settings.find("w:updateFields", NS).get(q("w:val")) == "true"


def test_a_section_per_article_with_its_title_as_running_header(corpus: Collection, corpus_docx: bytes) -> None:
    secs = sections(corpus_docx)
    assert len(secs) == 2 + len(corpus.parts) + len(corpus.articles)
    document_rels = rels(corpus_docx, "word/_rels/document.xml.rels")
    articles = iter(corpus.articles)
    for body, sect in secs[2:]:
        assert sect.find("w:titlePg", NS) is not None  # no running header over a title
        headers = sect.findall("w:headerReference", NS)
        if pstyle(body[0]) == "Part":
            assert headers == []
            continue
        article = next(articles)
        assert [h.get(q("w:type")) for h in headers] == ["default"]
        header = part(corpus_docx, "word/" + document_rels[headers[0].get(q("r:id"))])
        assert text_of(header) == article.title
        assert article.title in [text_of(p) for p in body if pstyle(p) == "Heading1"]
    assert next(articles, None) is None


def test_folios_everywhere_but_the_title_page(corpus_docx: bytes) -> None:
    secs = sections(corpus_docx)
    kinds = [[f.get(q("w:type")) for f in sect.findall("w:footerReference", NS)] for _, sect in secs]
    assert kinds[0] == []  # the title page
    assert kinds[1] == ["default"]  # the contents: inherited by every later section
    assert kinds[2] == ["first"]  # the first part's first page: inherited too
    assert all(k == [] for k in kinds[3:])
    assert secs[0][1].find("w:titlePg", NS) is None


def test_footnotes_restart_in_each_section(corpus_docx: bytes) -> None:
    settings = part(corpus_docx, "word/settings.xml")
    assert settings.xpath("w:footnotePr/w:numRestart/@w:val", namespaces=NS) == ["eachSect"]
    secs = sections(corpus_docx)
    assert secs[-1][1].xpath("w:footnotePr/w:numRestart/@w:val", namespaces=NS) == ["eachSect"]
    # Only the last: LibreOffice 7.4 numbers every note 0 when earlier sections say it too.
    assert all(sect.find("w:footnotePr", NS) is None for _, sect in secs[:-1])


def test_article_headings_one_level_down(tmp_path: Path) -> None:
    data = export(feature_book(tmp_path, parts=False))
    doc = part(data, "word/document.xml")
    levels = {text_of(p): pstyle(p) for p in doc.iter(q("w:p")) if pstyle(p).startswith("Heading")}
    assert levels["Judul Uji Lengkap"] == levels["A Complete Test Title"] == "Heading1"
    assert levels["First Section"] == "Heading2"
    assert levels["Subsection"] == "Heading3"
    assert levels["Sub-subsection"] == "Heading4"
    assert not [p for p in doc.iter(q("w:p")) if pstyle(p) == "Part"]
    assert [t for t, _, _ in toc_entries(data)] == ["Judul Uji Lengkap", "A Complete Test Title"]
    outline = {
        s.get(q("w:styleId")): s.xpath("w:pPr/w:outlineLvl/@w:val", namespaces=NS)
        for s in part(data, "word/styles.xml").findall("w:style", NS)
    }
    assert [outline[f"Heading{i}"] for i in (1, 2, 3, 4)] == [["0"], ["1"], ["2"], ["3"]]


def test_each_article_in_its_own_language(corpus: Collection, corpus_docx: bytes) -> None:
    defaults = part(corpus_docx, "word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert defaults.get(q("w:val")) == "id"
    notes = {n.get(q("w:id")): n for n in part(corpus_docx, "word/footnotes.xml").findall("w:footnote", NS)}
    article_sections = [body for body, _ in sections(corpus_docx)[2:] if pstyle(body[0]) != "Part"]
    assert len(article_sections) == len(corpus.articles)
    tagged = 0
    for article, body in zip(corpus.articles, article_sections, strict=True):
        runs = [r for el in body for r in el.iter(q("w:r")) if r.find("w:t", NS) is not None]
        for ref in [r for el in body for r in el.iter(q("w:footnoteReference"))]:
            runs += [r for r in notes[ref.get(q("w:id"))].iter(q("w:r")) if r.find("w:t", NS) is not None]
        assert {effective_lang(r, "id") for r in runs} == {article.lang}, article.title
        tagged += sum(r.find("w:rPr/w:lang", NS) is not None for r in runs)
    assert tagged  # the English articles say so run by run


def test_labels_and_dates_follow_the_article_language(book: Collection) -> None:
    data = export(book)
    english = next(body for body, _ in sections(data) if "A Complete Test Title" in map(text_of, body))
    got = {pstyle(p): text_of(p) for p in reversed(english)}
    assert got["Kicker"] == "Opinion · The Daily Test"
    assert got["Byline"] == "By Jane Doe"
    assert got["Dateline"] == "May 12, 2025"
    assert "Disclosure: The author has no conflicts." in [text_of(p) for p in english]


def test_core_properties(corpus: Collection, corpus_docx: bytes) -> None:
    props = docx.Document(io.BytesIO(corpus_docx)).core_properties
    assert props.title == corpus.title
    everyone = "; ".join(dict.fromkeys(a.name for a in (*corpus.editors, *corpus.all_authors())))
    assert everyone.startswith("Siti Rahma; Jonathan Price; Dewi Lestari Pratama; ")
    assert props.author == (everyone if len(everyone) <= 255 else everyone[:254] + "…")  # python-docx's limit
    assert props.language == "id"
    assert props.subject == corpus.subtitle
    assert props.created == props.modified == build_datetime()


def test_figures_come_from_the_manifest_folder(corpus: Collection, corpus_docx: bytes) -> None:
    figures = sum(isinstance(b, m.Figure) for a in corpus.articles for b in a.body)
    assert figures and len(part(corpus_docx, "word/document.xml").findall(".//w:drawing", NS)) == figures
    assert any(n.startswith("word/media/") for n in names(corpus_docx))


def test_running_header_and_footer_follow_the_theme(book: Collection) -> None:
    theme = Theme.load("default").with_tokens(running={"header": "none", "footer": "none"})
    data = export(book, theme)
    assert not [n for n in names(data) if n.startswith(("word/header", "word/footer"))]
    docx.Document(io.BytesIO(data))


def test_one_article_book(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    shutil.copy(DATA / "images" / "chart.png", tmp_path / "images" / "chart.png")
    article = feature_article("en", tmp_path)
    data = export(Collection(title="Solo", lang="en", parts=(Part("", (article,)),)))
    assert [t for t, _, _ in toc_entries(data)] == [article.title]
    assert len(sections(data)) == 3
    assert text_of(part(data, "word/document.xml")).count("Contents") == 1


def test_through_the_api(book: Collection) -> None:
    assert opedexport.export_collection_bytes(book, "docx") == export(book)


_CHILD = """
import sys
from pathlib import Path
import opedexport
book = opedexport.load_manifest(sys.argv[2])
Path(sys.argv[1]).write_bytes(opedexport.export_collection_bytes(book, "docx"))
"""


def test_byte_identical_across_processes(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"book{seed}.docx"
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1767139200", "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", _CHILD, str(out), str(MANIFEST)], env=env, check=True, timeout=120)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    with zipfile.ZipFile(io.BytesIO(outputs[0])) as z:
        assert {i.date_time for i in z.infolist()} == {(2025, 12, 31, 0, 0, 0)}


# --------------------------------------------------------------------------- the outside judges


@pytest.fixture(scope="module")
def judged_files(corpus: Collection, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The books LibreOffice and pandoc read: ``{key: path}``."""
    root = tmp_path_factory.mktemp("docx-books")
    files = {"corpus-default": root / "corpus-default.docx", "corpus-modern": root / "corpus-modern.docx"}
    files["corpus-default"].write_bytes(export(corpus, "default"))
    files["corpus-modern"].write_bytes(export(corpus, "modern"))
    files["feature"] = root / "feature.docx"
    files["feature"].write_bytes(export(feature_book(root)))
    return files


@pytest.fixture(scope="module")
def judged(judged_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Every book converted by LibreOffice in one run: ``{key: [pdftotext of each page, spaces collapsed]}``."""
    if not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    root = tmp_path_factory.mktemp("docx-books-pdf")
    profile = (root / f"lo-{uuid.uuid4().hex}").as_uri()
    command = [
        "soffice",
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        "pdf",
        "--outdir",
        str(root),
    ]
    subprocess.run(command + [str(p) for p in judged_files.values()], capture_output=True, timeout=300, check=True)
    out = {}
    for key, path in judged_files.items():
        pdf = root / f"{path.stem}.pdf"
        assert pdf.is_file(), f"LibreOffice did not convert {path.name}"
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        out[key] = [" ".join(page.split()) for page in text.split("\f")[:-1]]
    return out


def _first_words(blocks: tuple[m.Block, ...], count: int = 3) -> str:
    first = blocks[0]
    assert isinstance(first, m.Paragraph)
    return " ".join(m.plain_text(first.children).split()[:count])


@pytest.mark.slow
@pytest.mark.parametrize("key", ["corpus-default", "corpus-modern"])
def test_libreoffice_shows_every_article_with_notes_numbered_from_one(
    judged: dict[str, list[str]], corpus: Collection, key: str
) -> None:
    text = " ".join(judged[key])
    for article in corpus.articles:
        assert article.title in text
        for n, note in enumerate(m.notes_in_order(article), start=1):
            assert f"{n} {_first_words(note.blocks)}" in text, (article.title, n)
    assert sum(1 for a in corpus.articles if len(m.notes_in_order(a)) >= 2) >= 2  # restarts are tested


@pytest.mark.slow
def test_libreoffice_restarts_notes_in_the_feature_book(judged: dict[str, list[str]]) -> None:
    text = " ".join(judged["feature"])
    for lang in ("id", "en"):
        for n, note in enumerate(m.notes_in_order(feature_article(lang)), start=1):
            assert f"{n} {_first_words(note.blocks, 2)}" in text


@pytest.mark.slow
def test_libreoffice_shows_the_written_contents_and_folios(
    judged: dict[str, list[str]], judged_files: dict[str, Path]
) -> None:
    pages = judged["corpus-default"]
    entries = toc_entries(judged_files["corpus-default"].read_bytes())
    for title, _, page in entries:
        assert re.search(re.escape(title) + r" ?\.{3,} ?" + str(page) + r"\b", pages[1]), title
    assert not re.search(r"\b1$", pages[0])  # no folio on the title page
    assert pages[1].endswith(" 2")  # the contents' folio
    for number, page in enumerate(pages[2:], start=3):
        assert page.endswith(f" {number}"), number


def _installed(family: str) -> bool:
    """Whether fontconfig (and so LibreOffice) has the font ``family``."""
    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=False).stdout
    return any(family in line.split(",") for line in listed.splitlines())


@pytest.mark.slow
@pytest.mark.parametrize(("key", "theme"), [("corpus-default", "default"), ("corpus-modern", "modern")])
def test_estimated_pages_are_close_to_libreoffice(
    judged: dict[str, list[str]], judged_files: dict[str, Path], key: str, theme: str
) -> None:
    family = Theme.load(theme).fonts["body"].family
    if not _installed(family):
        pytest.skip(f"{family} is not installed: LibreOffice sets the book in another font than the estimate")
    pages = judged[key]
    for title, _, estimate in toc_entries(judged_files[key].read_bytes()):
        actual = next(i for i, page in enumerate(pages, start=1) if i > 2 and title in page)
        assert abs(actual - estimate) <= 1, (title, estimate, actual)


@pytest.mark.slow
@pytest.mark.skipif(not judges.have_pandoc(), reason="pandoc is not installed")
def test_pandoc_reads_headings_and_notes(judged_files: dict[str, Path], corpus: Collection) -> None:
    md = judges.pandoc_markdown(judged_files["corpus-default"])
    for part_ in corpus.parts:
        assert f"\n# {part_.title} {{" in md
    for article in corpus.articles:
        assert f"\n# {article.title}\n" in md
        for block in article.body:
            if isinstance(block, m.Heading):
                assert f"\n{'#' * (block.level + 1)} {m.plain_text(block.children)}\n" in md
    notes = sum(len(m.notes_in_order(a)) for a in corpus.articles)
    assert len(re.findall(r"^\[\^\d+\]:", md, re.MULTILINE)) == notes
    assert f"[^{notes}]" in md.split(f"[^{notes}]:")[0]


@pytest.mark.slow
@pytest.mark.skipif(not judges.have_pandoc(), reason="pandoc is not installed")
def test_pandoc_reads_the_feature_book(judged_files: dict[str, Path]) -> None:
    md = judges.pandoc_markdown(judged_files["feature"])
    assert "\n# Bagian Satu {" in md and "\n# A Complete Test Title\n" in md
    assert "\n## First Section\n" in md and "\n#### Sub-subsection\n" in md
    assert len(re.findall(r"^\[\^\d+\]:", md, re.MULTILINE)) == 4
