"""Unsafe link targets in every reader: dropped with a warning naming the file, the link text kept (issue 14.3)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement
from lxml import etree

import opedexport
from opedexport.cli import main
from opedexport.errors import TextNormalisedWarning
from opedexport.model import Link, Paragraph, is_safe_link, iter_nodes, plain_text
from opedexport.readers._normalize import link_target, safe_url
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.docx import DocxReader
from opedexport.readers.html import HtmlReader
from opedexport.readers.markdown import MarkdownReader

#: Unsafe targets as they reach the reader after its own decoding (lxml, XML and markdown-it decode entities).
DISGUISES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "java\u200bscript:alert(1)",
    "&#106;avascript:alert(1)",
    "&amp;#106;avascript:alert(1)",
    "javascript&colon;alert(1)",
    "vbscript:msgbox(1)",
    "VBScript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "file:///etc/passwd",
]
SAFE = [
    "https://example.org/a?b=1&c=2",
    "http://example.org",
    "HTTPS://example.org/",
    "mailto:ed@example.org",
    "tel:+62215550100",
    "#part",
    "other.html",
    "../up/page.html",
    "/root/page.html",
    "a/b:c",
    "?q=1",
]


@pytest.mark.parametrize("url", DISGUISES)
def test_is_safe_link_refuses_every_disguise(url: str) -> None:
    assert not is_safe_link(url)
    assert safe_url(url) == ""


@pytest.mark.parametrize("url", SAFE)
def test_is_safe_link_keeps_web_targets_relative_ones_and_fragments(url: str) -> None:
    assert is_safe_link(url)


def test_link_target_warns_naming_the_file_and_line() -> None:
    with pytest.warns(
        TextNormalisedWarning,
        match=r"^op-ed\.md:7: dropped the unsafe link target 'javascript:x'; the link text is kept",
    ):
        assert link_target(" javascript:x", Path("op-ed.md"), 7) == ""
    assert link_target("#part", "op-ed.md") == "#part"
    assert link_target("b.html", "op-ed.md", base="https://example.org/a/") == "https://example.org/a/b.html"


def test_model_link_refuses_an_entity_disguise() -> None:
    with pytest.warns(TextNormalisedWarning, match="Link.url: dropped unsafe link target"):
        assert Link((), "&#106;avascript:alert(1)").url == ""


def _only_text(result: ReadResult, text: str) -> None:
    """The body is one paragraph reading ``text`` with no link in it."""
    body = result.article.body
    assert not [n for n in iter_nodes(result.article) if isinstance(n, Link)]
    assert [plain_text(b.children) for b in body if isinstance(b, Paragraph)] == [text]


# --------------------------------------------------------------------------- Markdown


def _markdown(url: str) -> str:
    # A target with spaces, tabs or controls needs CommonMark's pointy brackets.
    target = f"<{url}>" if any(c in url for c in " \t\n\x01") else url
    return f"---\ntitle: Links\n---\n\nRead [the text]({target}) now.\n"


@pytest.mark.parametrize("url", [u for u in DISGUISES if "\n" not in u])
def test_markdown_drops_an_unsafe_link_keeping_its_text(url: str) -> None:
    source = Source(_markdown(url).encode(), Path("opinion.md"))
    with pytest.warns(TextNormalisedWarning, match=r"^opinion\.md:5: dropped the unsafe link target") as caught:
        result = MarkdownReader().read(source)
    assert len(caught) == 1
    _only_text(result, "Read the text now.")


def test_markdown_autolink_and_reference_link_are_dropped_too() -> None:
    text = "---\ntitle: Links\n---\n\nSee <javascript:alert(1)> and [this][x].\n\n[x]: vbscript:msgbox(1)\n"
    with pytest.warns(TextNormalisedWarning, match=r"opinion\.md:5: dropped the unsafe link target") as caught:
        result = MarkdownReader().read(Source(text.encode(), Path("opinion.md")))
    assert len(caught) == 2
    _only_text(result, "See javascript:alert(1) and this.")


def test_markdown_keeps_safe_links() -> None:
    text = "---\ntitle: Links\n---\n\n[a](https://example.org) [b](#part) [c](other.html) [d](mailto:e@example.org)\n"
    result = MarkdownReader().read(Source(text.encode(), Path("opinion.md")))
    links = [n.url for n in iter_nodes(result.article) if isinstance(n, Link)]
    assert links == ["https://example.org", "#part", "other.html", "mailto:e@example.org"]


def test_markdown_image_with_an_unsafe_source_keeps_its_alt_text() -> None:
    text = "---\ntitle: Links\n---\n\n![A chart](javascript:alert(1))\n"
    with pytest.warns(TextNormalisedWarning, match=r"opinion\.md:5: dropped the unsafe image source"):
        result = MarkdownReader().read(Source(text.encode(), Path("opinion.md")))
    _only_text(result, "A chart")


def test_markdown_link_is_no_literal_markdown_in_the_epub(tmp_path: Path) -> None:
    path = tmp_path / "opinion.md"
    path.write_text(_markdown("JaVaScRiPt:alert(1)"))
    with pytest.warns(TextNormalisedWarning, match=r"opinion\.md:5: dropped the unsafe link target"):
        article = opedexport.read(path)
    opedexport.export(article, tmp_path / "opinion.epub")
    with zipfile.ZipFile(tmp_path / "opinion.epub") as z:
        chapter = z.read("EPUB/text/article.xhtml").decode()
    assert "Read the text now." in chapter
    assert "](" not in chapter and "script" not in chapter.lower()


# --------------------------------------------------------------------------- HTML


def _html(href: str) -> bytes:
    page = f"""<!DOCTYPE html><html lang="en"><head><title>Links</title></head><body><article><h1>Links</h1>
<p>Read <a href="{href}">the text</a> now.</p></article></body></html>"""
    return page.encode()


# As written in the page's markup: lxml decodes one level of character references.
HTML_DISGUISES = [u.replace("&", "&amp;") if u.startswith("&amp;") else u for u in DISGUISES]


@pytest.mark.parametrize("href", HTML_DISGUISES)
def test_html_drops_an_unsafe_link_keeping_its_text(href: str) -> None:
    source = Source(_html(href), Path("page.html"))
    with pytest.warns(TextNormalisedWarning, match=r"^page\.html:\d+: dropped the unsafe link target") as caught:
        result = HtmlReader().read(source)
    assert len(caught) == 1
    _only_text(result, "Read the text now.")


# --------------------------------------------------------------------------- DOCX


def _docx(url: str) -> bytes:
    doc = Document()
    doc.add_paragraph("Links", style="Title")
    paragraph = doc.add_paragraph("Read ")
    rel_id = paragraph.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "the text"
    run.append(t)
    link.append(run)
    paragraph._p.append(link)
    paragraph.add_run(" now.")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _relationship_targets(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
    return [r.get("Target") for r in rels if r.get("TargetMode") == "External"]


@pytest.mark.parametrize("url", [u for u in DISGUISES if not u.startswith(("\x01", "&amp;"))])
def test_docx_drops_an_unsafe_link_keeping_its_text(url: str) -> None:
    data = _docx(url)
    assert _relationship_targets(data) == [url]  # the target is in the file as written
    with pytest.warns(TextNormalisedWarning, match=r"^submission\.docx:2: dropped the unsafe link target") as caught:
        result = DocxReader().read(Source(data, Path("submission.docx")))
    assert len(caught) == 1
    _only_text(result, "Read the text now.")


def test_docx_keeps_a_safe_link() -> None:
    result = DocxReader().read(Source(_docx("https://example.org/a"), Path("submission.docx")))
    assert [n.url for n in iter_nodes(result.article) if isinstance(n, Link)] == ["https://example.org/a"]


def test_cli_names_the_file_and_line_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "opinion.md"
    path.write_text(_markdown("javascript:alert(1)"))
    assert main(["build", str(path), "-f", "json", "-o", str(tmp_path / "out"), "-j", "1"]) == 0
    err = capsys.readouterr().err
    assert f"{path}:5: warning: dropped the unsafe link target 'javascript:alert(1)'; the link text is kept\n" in err
    assert err.count(str(path)) == 1
