"""Heading levels the same whatever the source (issue 14.8), and a body heading repeating the title (14.9)."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from lxml import etree

import opedexport
from opedexport.model import Block, Heading, Paragraph, plain_text
from opedexport.readers._normalize import heading_levels, same_title
from opedexport.readers.base import ReadResult, Removal, Source
from opedexport.readers.docx import DocxReader
from opedexport.readers.html import HtmlReader
from opedexport.readers.markdown import MarkdownReader
from opedexport.readers.text import TextReader

XHTML = "{http://www.w3.org/1999/xhtml}"
BODY = "The council voted on Tuesday, after a long and bitter debate, to close the town library on Sundays."


def outline(body: tuple[Block, ...]) -> list[tuple[int, str]]:
    """``(level, text)`` of each heading, ``(0, first words)`` of each paragraph."""
    return [
        (b.level, plain_text(b.children)) if isinstance(b, Heading) else (0, plain_text(b.children)[:20])
        for b in body
        if isinstance(b, (Heading, Paragraph))
    ]


def markdown(text: str, name: str = "op-ed.md") -> ReadResult:
    return MarkdownReader().read(Source(text.encode(), Path(name)))


def html(markup: str, name: str = "page.html") -> ReadResult:
    return HtmlReader().read(Source(markup.encode(), Path(name)))


def docx(headings: list[tuple[int, str]], title: str = "Same Article", name: str = "op-ed.docx") -> ReadResult:
    """A python-docx document: a Title paragraph, then each ``(Word heading level, text)`` with a paragraph."""
    doc = Document()
    doc.add_paragraph(title, style="Title")
    doc.add_paragraph(BODY)
    for level, text in headings:
        doc.add_heading(text, level=level)
        doc.add_paragraph(BODY)
    buf = io.BytesIO()
    doc.save(buf)
    return DocxReader().read(Source(buf.getvalue(), Path(name)))


def test_heading_levels_rank_without_gaps_up_to_three() -> None:
    assert heading_levels([2, 3, 2]) == {2: 1, 3: 2}
    assert heading_levels([1, 2]) == {1: 1, 2: 2}
    assert heading_levels([2, 4]) == {2: 1, 4: 2}
    assert heading_levels([1, 2, 3, 4, 6]) == {1: 1, 2: 2, 3: 3, 4: 3, 6: 3}
    assert heading_levels([]) == {}


# --------------------------------------------------------------------------- the same article from every source

MARKDOWN = f"""---
title: Same Article
---

{BODY}

## Background

{BODY}

### Detail

{BODY}
"""
EXPECTED = [(0, BODY[:20]), (1, "Background"), (0, BODY[:20]), (2, "Detail"), (0, BODY[:20])]


def test_markdown_second_and_third_level_give_levels_one_and_two() -> None:
    assert outline(markdown(MARKDOWN).article.body) == EXPECTED


def test_docx_heading_1_and_2_give_the_same_levels_as_markdown() -> None:
    result = docx([(1, "Background"), (2, "Detail")])
    assert outline(result.article.body) == EXPECTED
    assert result.article.body == markdown(MARKDOWN).article.body


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_docx_written_by_pandoc_reads_as_the_markdown(tmp_path: Path) -> None:
    # pandoc writes `#` as Heading 1 and `##` as Heading 2, and `title:` as a Title paragraph.
    (tmp_path / "op-ed.md").write_text(MARKDOWN.replace("### ", "## ").replace("## Back", "# Back"))
    subprocess.run(["pandoc", "op-ed.md", "-o", "op-ed.docx"], cwd=tmp_path, check=True, timeout=120)
    with zipfile.ZipFile(tmp_path / "op-ed.docx") as z:
        document = z.read("word/document.xml").decode()
    assert 'w:val="Heading1"' in document and 'w:val="Heading2"' in document
    result = DocxReader().read(Source.from_path(tmp_path / "op-ed.docx"))
    assert outline(result.article.body) == EXPECTED


def test_html_second_and_third_level_give_the_same_levels() -> None:
    page = f"""<!DOCTYPE html><html lang="en"><head><title>Same Article</title></head><body><article>
<h1>Same Article</h1><p>{BODY}</p><h2>Background</h2><p>{BODY}</p><h3>Detail</h3><p>{BODY}</p></article></body></html>"""
    assert outline(html(page).article.body) == EXPECTED


def test_a_skipped_level_closes_up_in_every_reader() -> None:
    jumped = MARKDOWN.replace("### Detail", "#### Detail")
    assert outline(markdown(jumped).article.body) == EXPECTED
    assert outline(docx([(1, "Background"), (3, "Detail")]).article.body) == EXPECTED
    page = f"""<!DOCTYPE html><html lang="en"><head><title>Same Article</title></head><body><article>
<p>{BODY}</p><h2>Background</h2><p>{BODY}</p><h4>Detail</h4><p>{BODY}</p></article></body></html>"""
    assert outline(html(page).article.body) == EXPECTED


def test_docx_headings_in_a_one_cell_table_are_ranked_with_the_others() -> None:
    doc = Document()
    doc.add_paragraph("Same Article", style="Title")
    doc.add_paragraph(BODY)
    cell = doc.add_table(rows=1, cols=1).cell(0, 0)  # a layout table, read as its content
    cell.paragraphs[0].text = "Background"
    cell.paragraphs[0].style = doc.styles["Heading 2"]
    cell.add_paragraph(BODY)
    cell.add_paragraph("Detail", style="Heading 3")
    cell.add_paragraph(BODY)
    buf = io.BytesIO()
    doc.save(buf)
    assert outline(DocxReader().read(Source(buf.getvalue(), Path("op-ed.docx"))).article.body) == EXPECTED


def test_markdown_levels_past_three_stop_at_three() -> None:
    text = f"---\ntitle: T\n---\n\n## A\n\n{BODY}\n\n### B\n\n{BODY}\n\n#### C\n\n{BODY}\n\n##### D\n\n{BODY}\n"
    levels = [b.level for b in markdown(text).article.body if isinstance(b, Heading)]
    assert levels == [1, 2, 3, 3]


def test_markdown_title_from_a_leading_heading_ranks_the_rest() -> None:
    text = f"# Same Article\n\n{BODY}\n\n## Background\n\n{BODY}\n\n#### Detail\n\n{BODY}\n"
    result = markdown(text)
    assert result.article.title == "Same Article"
    assert outline(result.article.body) == EXPECTED


def test_epub_from_markdown_goes_from_h1_to_h2_without_a_gap(tmp_path: Path) -> None:
    article = markdown(MARKDOWN).article
    opedexport.export(article, tmp_path / "op-ed.epub")
    with zipfile.ZipFile(tmp_path / "op-ed.epub") as z:
        chapter = etree.fromstring(z.read("EPUB/text/article.xhtml"))
    tags = [
        el.tag.removeprefix(XHTML)
        for el in chapter.iter(*(f"{XHTML}h{n}" for n in range(1, 7)))
        if el.get("class") != "notes-heading"
    ]
    assert tags == ["h1", "h2", "h3"]


# --------------------------------------------------------------------------- a heading that repeats the title


def test_same_title_ignores_case_spaces_end_punctuation() -> None:
    assert same_title("  the   SAME title. ", "The Same Title")
    assert same_title("“The Same Title”", "The Same Title")
    assert same_title("The Same Title?!", "the same title")
    assert not same_title("The Same Title Again", "The Same Title")
    assert not same_title("The Same, Title", "The Same Title")
    assert not same_title("", "")


def test_markdown_drops_a_first_heading_repeating_the_front_matter_title() -> None:
    text = f'---\ntitle: "The Same Title"\n---\n\n# The *same*   **title**.\n\n{BODY}\n\n## Background\n\n{BODY}\n'
    result = markdown(text)
    assert outline(result.article.body) == [(0, BODY[:20]), (1, "Background"), (0, BODY[:20])]
    assert result.removed == (Removal(5, "# The *same*   **title**.", "duplicate-title"),)


def test_markdown_keeps_a_heading_that_only_resembles_the_title_or_comes_later() -> None:
    text = f"---\ntitle: The Same Title\n---\n\n# The Same Title, Again\n\n{BODY}\n\n# The Same Title\n\n{BODY}\n"
    result = markdown(text)
    assert [plain_text(b.children) for b in result.article.body if isinstance(b, Heading)] == [
        "The Same Title, Again",
        "The Same Title",
    ]
    assert result.removed == ()


def test_markdown_drops_the_title_repeated_after_a_leading_title_heading() -> None:
    result = markdown(f"# The Same Title\n\n## The same title\n\n{BODY}\n")
    assert outline(result.article.body) == [(0, BODY[:20])]
    assert [(r.line, r.rule) for r in result.removed] == [(1, "markdown:title-heading"), (3, "duplicate-title")]


def test_html_drops_a_heading_repeating_the_title() -> None:
    page = f"""<!DOCTYPE html><html lang="en"><head>
<meta property="og:title" content="The Same Title"><title>The Same Title | Daily</title></head><body><article>
<h2>The same title.</h2>
<p>{BODY}</p><h3>Background</h3><p>{BODY}</p></article></body></html>"""
    result = html(page)
    assert result.article.title == "The Same Title"
    assert outline(result.article.body) == [(0, BODY[:20]), (1, "Background"), (0, BODY[:20])]
    assert Removal(3, "The same title.", "duplicate-title") in result.removed


def test_docx_drops_a_heading_repeating_the_title_paragraph() -> None:
    result = docx([(1, "the same TITLE"), (2, "Background")], title="The Same Title")
    # The Title paragraph, then a body paragraph, so the repeated heading must open the body to go.
    assert [plain_text(b.children) for b in result.article.body if isinstance(b, Heading)] == [
        "the same TITLE",
        "Background",
    ]
    doc = Document()
    doc.add_paragraph("The Same Title", style="Title")
    doc.add_heading("The same title", level=1)
    doc.add_paragraph(BODY)
    doc.add_heading("Background", level=2)
    doc.add_paragraph(BODY)
    buf = io.BytesIO()
    doc.save(buf)
    result = DocxReader().read(Source(buf.getvalue(), Path("op-ed.docx")))
    assert outline(result.article.body) == [(0, BODY[:20]), (1, "Background"), (0, BODY[:20])]
    assert Removal(2, "The same title", "duplicate-title") in result.removed
    assert [r.line for r in result.removed] == sorted(r.line for r in result.removed)


def test_docx_title_from_an_opening_heading_is_left_out_of_the_ranking() -> None:
    doc = Document()
    doc.add_heading("The Same Title", level=1)
    doc.add_paragraph(BODY)
    doc.add_heading("Background", level=2)
    doc.add_paragraph(BODY)
    buf = io.BytesIO()
    doc.save(buf)
    result = DocxReader().read(Source(buf.getvalue(), Path("op-ed.docx")))
    assert result.article.title == "The Same Title"
    assert outline(result.article.body) == [(0, BODY[:20]), (1, "Background"), (0, BODY[:20])]
    assert Removal(1, "The Same Title", "metadata:title-heading") in result.removed


def test_text_drops_the_title_repeated_on_a_next_line() -> None:
    text = f"The Same Title\n\nTHE SAME TITLE\n\nBy Jane Doe\n\n{BODY}\n\n{BODY}\n"
    result = TextReader().read(Source(text.encode(), Path("copied.txt")))
    assert result.article.title == "The Same Title"
    assert [plain_text(b.children) for b in result.article.body if isinstance(b, (Heading, Paragraph))] == [BODY, BODY]
    assert (3, "THE SAME TITLE", "duplicate-title") in [(r.line, r.text, r.rule) for r in result.removed]


def test_read_result_lists_the_dropped_heading(tmp_path: Path) -> None:
    path = tmp_path / "op-ed.md"
    path.write_text(f"---\ntitle: The Same Title\n---\n\n# The Same Title\n\n{BODY}\n")
    result = opedexport.read_result(path)
    assert result.removed == (Removal(5, "# The Same Title", "duplicate-title"),)
    assert outline(result.article.body) == [(0, BODY[:20])]
