"""EPUB accessibility: Ace by DAISY finds no violation, and the package declares what is true of it.

Ace takes 3-6 s a book, so it judges a representative set (marked slow): the sample, the every-element
article in each language and in two themes, an anthology with parts, and hostile files (links, markup,
scripts). The metadata and markup checks below run without Ace.
"""

from __future__ import annotations

import io
import shutil
import warnings
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from conftest import DATA, SOURCE, feature_article
from judges import AceViolation, ace, epubcheck_many, have_ace, have_epubcheck
from opedexport import model as m
from opedexport import read
from opedexport.collection import load_manifest
from opedexport.errors import OpedexportWarning, ThemeWarning
from opedexport.exporters.epub import CONFORMANCE, EpubExporter
from opedexport.theme import Theme

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "h": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SAMPLE = SOURCE / "nato-diplomasi-pertahanan.md"
SAMPLE_TEXT = SOURCE / "000_ed708197f1b9d573.txt"  # the same op-ed as copied text
needs_ace = pytest.mark.skipif(not have_ace(), reason="Ace by DAISY is not installed (.ci/install)")


def opf(data: bytes) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("EPUB/content.opf"))


def documents(data: bytes) -> dict[str, Any]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {n: etree.fromstring(z.read(n)) for n in z.namelist() if n.endswith(".xhtml")}


def meta(package: Any, prop: str) -> list[str]:
    return [el.text for el in package.findall(f"opf:metadata/opf:meta[@property='{prop}']", NS)]


def figure_article(tmp_path: Path, alt: str) -> m.Article:
    (tmp_path / "images").mkdir(exist_ok=True)
    shutil.copy(DATA / "images" / "chart.png", tmp_path / "images" / "chart.png")
    return m.Article(
        title="Figures",
        lang="en",
        body=(
            m.Paragraph((m.Text("Before."),)),
            m.Figure("images/chart.png", alt=alt),
            m.Paragraph((m.Text("After."),)),
        ),
        source_path=tmp_path / "a.md",
    )


def with_chart(lang: str, folder: Path) -> m.Article:
    """The every-element article with its figure file in ``folder``."""
    (folder / "images").mkdir(exist_ok=True)
    shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
    return feature_article(lang, folder)


def export(article: m.Article, theme: str | Theme = "default") -> bytes:
    return EpubExporter().export(article, theme if isinstance(theme, Theme) else Theme.load(theme))


def export_anthology() -> bytes:
    collection = load_manifest(DATA / "collection" / "manifest.yaml")
    return EpubExporter().export_collection(collection, Theme.load(collection.theme or "default"))


# --------------------------------------------------------------------------- the books Ace judges


def _hostile(name: str) -> bytes:
    with warnings.catch_warnings():  # what the hostile files try (and the refusals) is checked in test_hostile.py
        warnings.simplefilter("ignore", OpedexportWarning)
        return export(read(DATA / "hostile" / name))


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("ace")
    figures = tmp_path_factory.mktemp("feature")
    books: dict[str, bytes] = {
        "feature-en-default": export(with_chart("en", figures)),
        "feature-id-modern": export(with_chart("id", figures), "modern"),
        "anthology": export_anthology(),
    }
    if SAMPLE.is_file():
        books["sample"] = export(read(SAMPLE))
    if SAMPLE_TEXT.is_file():
        books["sample-text"] = export(read(SAMPLE_TEXT))
    for name in ("markup.md", "links.json", "arabic.md"):
        books[f"hostile-{name}"] = _hostile(name)
    paths = {}
    for name, data in books.items():
        paths[name] = out / f"{name}.epub"
        paths[name].write_bytes(data)
    return paths


JUDGED = [
    "feature-en-default",
    "feature-id-modern",
    "anthology",
    "sample",
    "sample-text",
    "hostile-markup.md",
    "hostile-links.json",
    "hostile-arabic.md",  # its body starts at `##`: the readers rank that as level 1, so `<h2>` under the title
]


@pytest.mark.slow
@needs_ace
@pytest.mark.parametrize("name", JUDGED)
def test_ace_reports_no_violation(judged: dict[str, Path], name: str) -> None:
    if name not in judged:
        pytest.skip(f"{name}: its source is not in this checkout")
    violations: list[AceViolation] = ace(judged[name])
    assert violations == [], "\n".join(map(str, violations))


@pytest.mark.slow
@needs_ace
def test_ace_sees_heading_order_and_link_style(tmp_path: Path) -> None:
    """The judge itself: a body heading two levels below the title, and a link told apart by colour alone."""
    article = m.Article(
        title="Skips",
        lang="en",
        body=(
            m.Paragraph((m.Text("Text with a "), m.Link((m.Text("link"),), "https://example.org/"), m.Text(" in it."))),
            m.Heading(2, (m.Text("Two levels down"),)),
            m.Paragraph((m.Text("More."),)),
        ),
    )
    # The same book with its links' underline taken out of the stylesheet.
    src = zipfile.ZipFile(io.BytesIO(export(article)))
    path = tmp_path / "skips.epub"
    with src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename.endswith(".css"):
                data += b"\n.article-body a { text-decoration: none; }\n"
            dst.writestr(info, data)
    rules = {v.rule for v in ace(path)}
    assert {"heading-order", "link-in-text-block"} <= rules


@pytest.mark.slow
@pytest.mark.skipif(not have_epubcheck(), reason="EPUBCheck needs java and the epubcheck package")
def test_epubcheck_still_reports_nothing(judged: dict[str, Path]) -> None:
    for path, (fatals, errors, warns, messages) in epubcheck_many(judged.values()).items():
        assert (fatals, errors, warns) == (0, 0, 0), f"{path.name}: {messages}"


# --------------------------------------------------------------------------- what Ace checks, without Ace


def test_package_document_has_the_book_language(tmp_path: Path) -> None:
    package = opf(export(with_chart("id", tmp_path)))
    assert package.get(XML_LANG) == "id"
    book = opf(export_anthology())
    assert book.get(XML_LANG) == load_manifest(DATA / "collection" / "manifest.yaml").lang


def test_chapters_and_parts_carry_their_dpub_aria_roles() -> None:
    docs = documents(export_anthology())
    chapters = [d for n, d in docs.items() if "/chapter-" in n]
    parts = [d for n, d in docs.items() if "/part-" in n]
    assert chapters and parts
    for doc in chapters:
        (chapter,) = doc.findall(".//*[@epub:type='chapter']", NS)
        # ARIA allows doc-chapter on a section, not on an <article>.
        assert chapter.tag == f"{{{NS['h']}}}section" and chapter.get("role") == "doc-chapter"
    for doc in parts:
        (part,) = doc.findall(".//*[@epub:type='part']", NS)
        assert part.get("role") == "doc-part"
    roles = {"noteref": "doc-noteref", "footnote": "doc-footnote", "endnotes": "doc-endnotes"}
    for doc in docs.values():
        for el in doc.iter():
            kind = el.get(f"{{{NS['epub']}}}type") if isinstance(el.tag, str) else None
            if kind in roles:
                assert el.get("role") == roles[kind], etree.tostring(el)[:200]


def test_conformance_declared_when_every_figure_has_alt_text(tmp_path: Path) -> None:
    package = opf(export(figure_article(tmp_path, alt="A red bar chart")))
    assert meta(package, "dcterms:conformsTo") == [CONFORMANCE]
    assert CONFORMANCE == "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"
    assert "alternativeText" in meta(package, "schema:accessibilityFeature")
    assert meta(package, "schema:accessModeSufficient") == ["textual"]
    assert meta(package, "schema:accessMode") == ["textual", "visual"]
    assert meta(package, "schema:accessibilityHazard") == ["none"]
    (summary,) = meta(package, "schema:accessibilitySummary")
    assert "text alternatives" in summary


def test_no_conformance_claimed_for_a_figure_without_alt_text(tmp_path: Path) -> None:
    package = opf(export(figure_article(tmp_path, alt="")))
    assert meta(package, "dcterms:conformsTo") == []
    assert "alternativeText" not in meta(package, "schema:accessibilityFeature")
    assert meta(package, "schema:accessModeSufficient") == ["textual,visual"]
    (summary,) = meta(package, "schema:accessibilitySummary")
    assert "no text alternative" in summary and "decorative" not in summary


def test_no_alternative_text_feature_without_figures() -> None:
    article = m.Article(title="Plain", lang="en", body=(m.Paragraph((m.Text("Only text."),)),))
    package = opf(export(article))
    assert "alternativeText" not in meta(package, "schema:accessibilityFeature")
    assert meta(package, "schema:accessModeSufficient") == ["textual"]
    assert meta(package, "dcterms:conformsTo") == [CONFORMANCE]


def test_no_conformance_claimed_with_a_low_contrast_theme(tmp_path: Path) -> None:
    folder = tmp_path / "pale"
    folder.mkdir()
    (folder / "theme.toml").write_text('extends = "default"\n[colors]\ntext = "#aaaaaa"\n', encoding="utf-8")
    with pytest.warns(ThemeWarning, match="colors.text"):
        theme = Theme.load(folder)
    article = m.Article(title="Pale", lang="en", body=(m.Paragraph((m.Text("Only text."),)),))
    package = opf(export(article, theme))
    assert meta(package, "dcterms:conformsTo") == []
    (summary,) = meta(package, "schema:accessibilitySummary")
    assert "contrast" in summary


def test_links_in_running_text_are_underlined_in_the_book(tmp_path: Path) -> None:
    with zipfile.ZipFile(io.BytesIO(export(with_chart("en", tmp_path)))) as z:
        css = z.read("EPUB/css/epub.css").decode("utf-8")
    rules = {r.split("{")[0].strip(): r.split("{")[1] for r in css.split("}") if "{" in r}
    assert "text-decoration: underline" in rules[".article-body a"]
    assert "text-decoration: none" not in rules["a.backlink"]
