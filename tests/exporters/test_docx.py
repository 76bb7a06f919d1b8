from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from lxml import etree

import judges
import opedexport
from conftest import DATA, SOURCE, feature_article
from opedexport import model as m
from opedexport.errors import RegistryError, ResourceRefusedWarning, TextNormalisedWarning
from opedexport.exporters.base import build_datetime
from opedexport.exporters.docx import DocxExporter
from opedexport.registry import registry
from opedexport.theme import Theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {
    "w": W,
    "r": R,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "rel": "http://schemas.openxmlformats.org/package/2006/relationships",
    "ct": "http://schemas.openxmlformats.org/package/2006/content-types",
}
FEATURES = [(lang, style) for lang in ("id", "en") for style in ("default", "modern")]
HAVE_SOFFICE = judges.have_libreoffice()


def _source_files() -> list[Path]:
    if not SOURCE.is_dir():
        return []
    out = []
    for path in sorted(SOURCE.iterdir()):
        try:
            if path.is_file():
                registry.reader_for_path(path)
                out.append(path)
        except RegistryError:
            continue
    return out


SOURCES = _source_files()


def export(article: m.Article, theme: str | Theme = "default", **options: Any) -> bytes:
    return DocxExporter().export(article, theme if isinstance(theme, Theme) else Theme.load(theme), **options)


def part(data: bytes, name: str) -> Any:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.namelist()


def text_of(el: Any) -> str:
    return "".join(el.xpath(".//w:t/text()", namespaces=NS))


def paragraphs(data: bytes, name: str = "word/document.xml") -> list[tuple[str, str]]:
    """``(style id, text)`` of each paragraph of a part, in order."""
    root = part(data, name)
    return [(pstyle(p), text_of(p)) for p in root.iter(f"{{{W}}}p")]


def pstyle(p: Any) -> str:
    found = p.find("w:pPr/w:pStyle", NS)
    return found.get(f"{{{W}}}val") if found is not None else ""


def style(data: bytes, style_id: str) -> Any:
    found = part(data, "word/styles.xml").find(f"w:style[@w:styleId='{style_id}']", NS)
    assert found is not None, f"no style {style_id}"
    return found


def rels(data: bytes, name: str) -> dict[str, tuple[str, str, str]]:
    """``{rId: (type, target, target mode)}`` of a part's relationships."""
    root = part(data, name)
    return {
        r.get("Id"): (r.get("Type").rsplit("/", 1)[-1], r.get("Target"), r.get("TargetMode", ""))
        for r in root.findall("rel:Relationship", NS)
    }


def reopen(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def simple(*body: m.Block, lang: str = "en", **kw: Any) -> m.Article:
    return m.Article(title="T", body=body, lang=lang, **kw)


def para(text: str) -> m.Paragraph:
    return m.Paragraph((m.Text(text),))


# --------------------------------------------------------------------------- structure


def test_registered_under_docx() -> None:
    assert registry.exporter("docx") is DocxExporter
    assert DocxExporter.suffix == ".docx"
    assert DocxExporter.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.mark.parametrize("theme", ["default", "modern"])
def test_reopens_with_every_block_in_a_named_style(feature: m.Article, theme: str) -> None:
    data = export(feature, theme)
    document = reopen(data)
    used = {p.style.name for p in document.paragraphs}
    assert {"Title", "Subtitle", "Heading 1", "Heading 2", "Heading 3", "Quote", "Intense Quote"} <= used
    assert {"List Bullet", "List Number 2", "Caption", "First Paragraph", "Figure", "Rule", "End Matter"} <= used
    assert {"Kicker", "Byline", "Dateline", "Attribution"} <= used
    assert document.tables[0].style.name == "Article Table"
    run_styles = set(part(data, "word/document.xml").xpath("//w:rStyle/@w:val", namespaces=NS))
    assert {"Strong", "Emphasis", "VerbatimChar", "Hyperlink", "FootnoteReference"} <= run_styles


def test_runs_carry_character_styles_not_direct_formatting(feature: m.Article) -> None:
    doc = part(export(feature), "word/document.xml")
    for rpr in doc.iter(f"{{{W}}}rPr"):
        if rpr.getparent().tag == f"{{{W}}}r":
            assert [etree.QName(c).localname for c in rpr] == ["rStyle"], etree.tostring(rpr)


def test_body_paragraphs_normal_and_first_paragraph() -> None:
    article = simple(para("one"), para("two"), m.Heading(1, (m.Text("H"),)), para("three"), para("four"))
    styles = [s for s, _ in paragraphs(export(article))]
    body = styles[styles.index("FirstParagraph") :]
    assert body[:5] == ["FirstParagraph", "Normal", "Heading1", "FirstParagraph", "Normal"]


def test_title_block_in_the_article_language(feature: m.Article) -> None:
    data = export(feature)
    got = dict(reversed(paragraphs(data)))  # first paragraph of each style
    if feature.lang == "id":
        assert got["Kicker"] == "Opini · DepokPos"
        assert got["Byline"] == "Oleh Siti Rahma dan Budi Santoso"
        assert got["Affiliation"] == "Siti Rahma, Dosen Universitas Indonesia"
        assert got["Dateline"] == "12 Mei 2025"
    else:
        assert got["Kicker"] == "Opinion · The Daily Test"
        assert got["Byline"] == "By Jane Doe"
        assert got["Affiliation"] == "Professor of Politics"
        assert got["Dateline"] == "May 12, 2025"
    assert got["Title"] == feature.title
    assert got["Subtitle"] == feature.subtitle


def test_end_matter(feature: m.Article) -> None:
    data = export(feature)
    end = [t for s, t in paragraphs(data) if s == "EndMatter"]
    assert any(feature.disclosure in t for t in end)
    assert any(feature.rights == t for t in end)
    assert any(feature.source_url in t for t in end)
    if feature.lang == "id":
        assert "Siti Rahma menulis tentang kebijakan." in end


def test_real_footnotes(feature: m.Article) -> None:
    data = export(feature)
    doc = part(data, "word/document.xml")
    assert doc.xpath("//w:footnoteReference/@w:id", namespaces=NS) == ["2", "3"]
    notes = part(data, "word/footnotes.xml")
    kinds = [(n.get(f"{{{W}}}id"), n.get(f"{{{W}}}type")) for n in notes.findall("w:footnote", NS)]
    assert kinds == [("0", "separator"), ("1", "continuationSeparator"), ("2", None), ("3", None)]
    second = notes.find("w:footnote[@w:id='3']", NS)
    assert len(second.findall("w:p", NS)) == 2
    assert second.find("w:p/w:r/w:footnoteRef", NS) is not None
    assert {pstyle(p) for p in second.findall("w:p", NS)} == {"FootnoteText"}
    assert "Paragraf dua catatan." not in text_of(doc) and "Note paragraph two." not in text_of(doc)
    assert ("footnotes", "footnotes.xml", "") in rels(data, "word/_rels/document.xml.rels").values()
    types = part(data, "[Content_Types].xml")
    override = types.find("ct:Override[@PartName='/word/footnotes.xml']", NS)
    assert override.get("ContentType").endswith("wordprocessingml.footnotes+xml")
    settings = part(data, "word/settings.xml")
    assert settings.xpath("w:footnotePr/w:footnote/@w:id", namespaces=NS) == ["0", "1"]
    for style_id in ("FootnoteText", "FootnoteReference"):
        style(data, style_id)


def test_template_has_no_footnotes_part_or_styles() -> None:
    # Why the exporter builds them: python-docx's own template has neither.
    with zipfile.ZipFile(Path(docx.__file__).parent / "templates" / "default.docx") as z:
        assert "word/footnotes.xml" not in z.namelist()
        styles = z.read("word/styles.xml").decode()
    assert 'w:styleId="FootnoteText"' not in styles and 'w:styleId="Hyperlink"' not in styles


def test_no_footnotes_part_without_notes() -> None:
    data = export(simple(para("plain")))
    assert "word/footnotes.xml" not in names(data)


def test_hyperlinks_are_real_and_empty_url_is_text() -> None:
    article = simple(
        m.Paragraph(
            (
                m.Link((m.Text("site"), m.Strong((m.Text(" bold"),))), "https://example.org/a", "Tip"),
                m.Text(" and "),
                m.Link((m.Text("nowhere"),), ""),
            )
        )
    )
    data = export(article)
    doc = part(data, "word/document.xml")
    links = doc.findall(".//w:hyperlink", NS)
    assert len(links) == 1
    rel_id = links[0].get(f"{{{R}}}id")
    assert rels(data, "word/_rels/document.xml.rels")[rel_id] == ("hyperlink", "https://example.org/a", "External")
    assert links[0].get(f"{{{W}}}tooltip") == "Tip"
    assert text_of(links[0]) == "site bold"
    assert links[0].xpath(".//w:rStyle/@w:val", namespaces=NS) == ["Hyperlink", "Hyperlink"]
    assert links[0].find(".//w:r/w:rPr/w:b", NS) is not None  # the second mark, where no style says both
    assert "nowhere" in text_of(doc)


def test_link_targets_are_valid_uris() -> None:
    article = simple(m.Paragraph((m.Link((m.Text("x"),), "https://bücher.de/a b?q=ä"),)))
    data = export(article)
    targets = [t for kind, t, _ in rels(data, "word/_rels/document.xml.rels").values() if kind == "hyperlink"]
    assert targets == ["https://xn--bcher-kva.de/a%20b?q=%C3%A4"]


def test_spaces_in_code_are_kept() -> None:
    data = export(simple(m.Paragraph((m.Code("a  b"), m.Text("\tend ")))))
    doc = part(data, "word/document.xml")
    code = doc.xpath("//w:t[.='a  b']", namespaces=NS)
    assert code and code[0].get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert doc.find(".//w:r/w:tab", NS) is not None


def test_link_inside_a_footnote_relates_from_the_footnotes_part() -> None:
    note = m.Note((m.Paragraph((m.Link((m.Text("src"),), "https://example.org/n"),)),))
    data = export(simple(m.Paragraph((m.Text("x"), note))))
    link = part(data, "word/footnotes.xml").find(".//w:hyperlink", NS)
    target = rels(data, "word/_rels/footnotes.xml.rels")[link.get(f"{{{R}}}id")]
    assert target == ("hyperlink", "https://example.org/n", "External")


@pytest.mark.parametrize(
    ("theme", "header", "fields"), [("default", "pub", ["PAGE"]), ("modern", "title", ["PAGE", "NUMPAGES"])]
)
def test_header_and_footer(feature: m.Article, theme: str, header: str, fields: list[str]) -> None:
    data = export(feature, theme)
    expected = feature.publication if header == "pub" else feature.title
    assert text_of(part(data, "word/header1.xml")) == expected
    doc = part(data, "word/document.xml")
    sect = doc.find("w:body/w:sectPr", NS)
    assert sect.find("w:titlePg", NS) is not None  # no running header over the title block
    footer_ids = sect.xpath("w:footerReference/@r:id", namespaces=NS)
    assert len(footer_ids) == 2  # every page, the first included
    for rel_id in footer_ids:
        target = rels(data, "word/_rels/document.xml.rels")[rel_id][1]
        instr = [t.strip() for t in part(data, f"word/{target}").xpath("//w:instrText/text()", namespaces=NS)]
        assert instr == fields


def test_no_header_or_footer_when_the_theme_says_none() -> None:
    theme = Theme.load("default").with_tokens(running={"header": "none", "footer": "none"})
    data = export(simple(para("x")), theme)
    assert not [n for n in names(data) if n.startswith(("word/header", "word/footer"))]


def test_figure_alt_text_apart_from_caption(feature: m.Article) -> None:
    data = export(feature)
    doc = part(data, "word/document.xml")
    fig = feature.body[8]
    assert isinstance(fig, m.Figure)
    doc_pr = doc.find(".//wp:docPr", NS)
    assert doc_pr.get("descr") == fig.alt
    captions = [t for s, t in paragraphs(data) if s == "Caption"]
    photo = "Foto" if feature.lang == "id" else "Photo"
    assert captions[0] == f"{m.plain_text(fig.caption)} {photo}: {fig.credit}"
    assert fig.alt not in captions[0]
    assert any(n.startswith("word/media/image1.") for n in names(data))
    extent = doc.find(".//wp:extent", NS)
    assert int(extent.get("cx")) <= round((210 - 48) / 25.4 * 914400) + 1  # fits the text block


def test_decorative_figure_is_marked(tmp_path: Path) -> None:
    shutil.copy(DATA / "images" / "chart.png", tmp_path / "c.png")
    article = simple(m.Figure("c.png"), source_path=tmp_path / "a.md")
    doc_pr = part(export(article), "word/document.xml").find(".//wp:docPr", NS)
    assert doc_pr.get("descr") == ""
    assert doc_pr.xpath(".//*[local-name()='decorative']/@val") == ["1"]


@pytest.mark.parametrize(
    "src",
    ["https://example.com/photo.png", "images/missing.png", "../outside.png", "images/fake.png"],
)
def test_refused_figure_is_dropped_with_a_warning(tmp_path: Path, src: str) -> None:
    (tmp_path / "images").mkdir()
    # Not an image at all (an SVG is no longer dropped whole: test_docx_review keeps its texts).
    (tmp_path / "images" / "fake.png").write_bytes(b"<html xmlns='http://www.w3.org/1999/xhtml'/>")
    (tmp_path.parent / "outside.png").write_bytes((DATA / "images" / "chart.png").read_bytes())
    article = simple(
        para("before"),
        m.Figure(src, alt="alt", caption=(m.Text("cap"),), credit="X"),
        para("after"),
        source_path=tmp_path / "a.md",
    )
    with pytest.warns(ResourceRefusedWarning):
        data = export(article)
    doc = part(data, "word/document.xml")
    assert doc.find(".//w:drawing", NS) is None
    assert "cap" not in text_of(doc)
    assert [t for s, t in paragraphs(data) if t in ("before", "after")] == ["before", "after"]
    reopen(data)


def test_webp_figure_is_converted(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (40, 20), "red").save(tmp_path / "red.webp")
    data = export(simple(m.Figure("red.webp", alt="red"), source_path=tmp_path / "a.md"))
    assert "word/media/image1.png" in names(data)


def test_table_has_style_and_header_row(feature: m.Article) -> None:
    doc = part(export(feature), "word/document.xml")
    tbl = doc.find(".//w:tbl", NS)
    assert tbl.find("w:tblPr/w:tblStyle", NS).get(f"{{{W}}}val") == "ArticleTable"
    rows = tbl.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert rows[1].find("w:trPr/w:tblHeader", NS) is None
    assert rows[0].xpath(".//w:pStyle/@w:val", namespaces=NS) == ["TableHeading", "TableHeading"]
    assert rows[1].xpath("w:tc[2]//w:jc/@w:val", namespaces=NS) == ["right"]  # the column's alignment


def test_ragged_table_and_odd_lists_export() -> None:
    deep = m.ListBlock(False, ((para("d1"),),))
    for _ in range(4):
        deep = m.ListBlock(False, ((para("deeper"), deep),))
    article = simple(
        m.Table(header=(), rows=(((m.Text("a"),),), ((m.Text("b"),), (m.Text("c"),)))),
        m.ListBlock(True, ((), (m.BlockQuote((para("q"),)),), (para("p1"), para("p2"))), start=0),
        deep,
        m.Paragraph(()),
    )
    data = export(article)
    reopen(data)
    styles = [s for s, _ in paragraphs(data)]
    assert "ListContinue" in styles
    assert "ListBullet3" in styles  # deeper levels keep the last style


def test_ordered_lists_restart_and_honour_start() -> None:
    article = simple(
        m.ListBlock(True, ((para("Alpha"),), (para("Beta"),)), start=3),
        para("between"),
        m.ListBlock(True, ((para("Gamma"),),)),
        m.ListBlock(False, ((para("dot"),),)),
    )
    data = export(article)
    doc = part(data, "word/document.xml")
    num_ids = doc.xpath("//w:numPr/w:numId/@w:val", namespaces=NS)
    assert num_ids[0] == num_ids[1] != num_ids[2] != num_ids[3]
    numbering = part(data, "word/numbering.xml")

    def start_of(num_id: str) -> list[str]:
        num = numbering.find(f"w:num[@w:numId='{num_id}']", NS)
        return num.xpath("w:lvlOverride/w:startOverride/@w:val", namespaces=NS)

    assert start_of(num_ids[0]) == ["3"]
    assert start_of(num_ids[2]) == ["1"]
    assert start_of(num_ids[3]) == []


def test_nested_list_uses_level_and_style(feature: m.Article) -> None:
    doc = part(export(feature), "word/document.xml")
    child = next(p for p in doc.iter(f"{{{W}}}p") if text_of(p) in ("Anak satu", "Child one"))
    assert pstyle(child) == "ListNumber2"
    assert child.find("w:pPr/w:numPr/w:ilvl", NS).get(f"{{{W}}}val") == "1"


def test_line_break_and_rule(feature: m.Article) -> None:
    data = export(feature)
    doc = part(data, "word/document.xml")
    last = next(p for p in doc.iter(f"{{{W}}}p") if "baris dua." in text_of(p) or "line two." in text_of(p))
    assert last.find("w:r/w:br", NS) is not None
    assert ("Rule", "* * *") in paragraphs(data)


def test_nested_note_and_note_starting_with_a_list() -> None:
    inner = m.Note((para("inner"),))
    outer = m.Note((m.ListBlock(False, ((para("li"),),)), m.Paragraph((m.Text("outer"), inner))))
    data = export(simple(m.Paragraph((m.Text("x"), outer))))
    notes = part(data, "word/footnotes.xml")
    note = notes.find("w:footnote[@w:id='2']", NS)
    assert note.find("w:p[1]/w:r/w:footnoteRef", NS) is not None
    assert "outer (inner)" in text_of(note)
    assert len(notes.findall("w:footnote", NS)) == 3
    reopen(data)


# --------------------------------------------------------------------------- styles from the theme


@pytest.mark.parametrize(("theme", "font", "half_points"), [("default", "Charis SIL", "22"), ("modern", "Inter", "20")])
def test_normal_style_has_the_theme_body_font_and_size(theme: str, font: str, half_points: str) -> None:
    data = export(simple(para("x")), theme)
    normal = style(data, "Normal")
    assert normal.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}ascii") == font
    assert normal.find("w:rPr/w:sz", NS).get(f"{{{W}}}val") == half_points
    assert normal.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}asciiTheme") is None  # no theme font can win
    loaded = Theme.load(theme)
    spacing = normal.find("w:pPr/w:spacing", NS)
    assert spacing.get(f"{{{W}}}line") == str(round(loaded.text.size * loaded.text.leading * 20))
    assert spacing.get(f"{{{W}}}lineRule") == "exact"
    assert spacing.get(f"{{{W}}}after") == str(loaded.text.paragraph_spacing.twips)
    assert normal.find("w:pPr/w:ind", NS).get(f"{{{W}}}firstLine") == str(loaded.text.first_line_indent.twips)
    assert normal.find("w:pPr/w:jc", NS).get(f"{{{W}}}val") == ("both" if loaded.text.align == "justify" else "left")
    first = style(data, "FirstParagraph")
    assert first.find("w:basedOn", NS).get(f"{{{W}}}val") == "Normal"
    assert first.find("w:pPr/w:ind", NS).get(f"{{{W}}}firstLine") == "0"


def test_accent_colour_moves_the_heading_colour() -> None:
    article = simple(m.Heading(1, (m.Text("H"),)))
    before = style(export(article), "Heading1").find("w:rPr/w:color", NS).get(f"{{{W}}}val")
    theme = Theme.load("default").with_tokens(colors={"accent": "#123456"})
    after_data = export(article, theme)
    heading = style(after_data, "Heading1")
    assert before == "8A1C1C"
    assert heading.find("w:rPr/w:color", NS).get(f"{{{W}}}val") == "123456"
    assert heading.find("w:rPr/w:color", NS).get(f"{{{W}}}themeColor") is None
    assert style(after_data, "Hyperlink").find("w:rPr/w:color", NS).get(f"{{{W}}}val") == "123456"


def test_heading_sizes_and_mono_font_follow_the_theme() -> None:
    theme = Theme.load("default")
    data = export(simple(para("x")), theme)
    for level in (1, 2, 3):
        sz = style(data, f"Heading{level}").find("w:rPr/w:sz", NS).get(f"{{{W}}}val")
        assert sz == str(round(theme.text.heading_size(level) * 2))
    assert style(data, "Title").find("w:rPr/w:sz", NS).get(f"{{{W}}}val") == str(round(theme.text.title_size * 2))
    code = style(data, "VerbatimChar")
    assert code.find("w:rPr/w:rFonts", NS).get(f"{{{W}}}ascii") == theme.fonts["mono"].family


@pytest.mark.parametrize("theme", ["default", "modern"])
def test_section_from_the_theme_page(theme: str) -> None:
    page = Theme.load(theme).page
    doc = part(export(simple(para("x")), theme), "word/document.xml")
    sect = doc.find("w:body/w:sectPr", NS)
    pg_sz = sect.find("w:pgSz", NS)
    assert (pg_sz.get(f"{{{W}}}w"), pg_sz.get(f"{{{W}}}h")) == (str(page.width.twips), str(page.height.twips))
    mar = sect.find("w:pgMar", NS)
    assert mar.get(f"{{{W}}}left") == str(page.margin_inner.twips)
    assert mar.get(f"{{{W}}}right") == str(page.margin_outer.twips)
    assert mar.get(f"{{{W}}}top") == str(page.margin_top.twips)
    assert mar.get(f"{{{W}}}bottom") == str(page.margin_bottom.twips)


def test_letter_page_and_mirrored_margins() -> None:
    theme = Theme.load("default", page={"size": "Letter", "margin_inner": "30mm"})
    data = export(simple(para("x")), theme)
    assert part(data, "word/document.xml").find("w:body/w:sectPr/w:pgSz", NS).get(f"{{{W}}}w") == "12240"
    assert part(data, "word/settings.xml").find("w:mirrorMargins", NS) is not None


def test_template_styles_and_parts_are_gone() -> None:
    data = export(simple(para("x")))
    assert not {"word/stylesWithEffects.xml", "docProps/thumbnail.jpeg", "customXml/item1.xml"} & set(names(data))
    styles = part(data, "word/styles.xml")
    assert not styles.xpath("//@w:asciiTheme | //@w:themeColor", namespaces=NS)
    assert len(styles.findall("w:style", NS)) < 60
    assert b"opedexport" in zipfile.ZipFile(io.BytesIO(data)).read("docProps/app.xml")


# --------------------------------------------------------------------------- language and metadata


def test_document_language_and_hyphenation(feature: m.Article) -> None:
    data = export(feature)
    styles = part(data, "word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang.get(f"{{{W}}}val") == feature.lang
    settings = part(data, "word/settings.xml")
    assert settings.find("w:autoHyphenation", NS) is not None
    assert settings.find("w:proofState", NS) is None  # Word checks the spelling again
    data = export(feature, Theme.load("default").with_tokens(text={"hyphenate": False}))
    assert part(data, "word/settings.xml").find("w:autoHyphenation", NS) is None


def test_undetermined_language_sets_no_language() -> None:
    styles = part(export(simple(para("x"), lang="und")), "word/styles.xml")
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS) is None


def test_regional_language_tag_is_kept() -> None:
    styles = part(export(simple(para("x"), lang="id-ID")), "word/styles.xml")
    assert styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS).get(f"{{{W}}}val") == "id-ID"


def test_core_properties(feature: m.Article) -> None:
    props = reopen(export(feature)).core_properties
    assert props.title == feature.title
    assert props.author == "; ".join(a.name for a in feature.authors)
    assert props.language == feature.lang
    assert props.subject == feature.summary
    assert props.keywords == "; ".join(feature.tags)
    assert props.last_modified_by == ""
    assert props.revision == 1
    assert props.comments == ""
    when = build_datetime()  # SOURCE_DATE_EPOCH (conftest), not the article's date
    assert props.created == props.modified == props.last_printed == when


def test_long_metadata_is_clipped_not_refused() -> None:
    article = simple(para("x"), tags=tuple(f"tag{i}" for i in range(200)), subtitle="d" * 400)
    props = reopen(export(article)).core_properties
    assert len(props.keywords) == 255 and len(props.subject) == 255


def test_text_xml_cannot_carry_exports_cleanly() -> None:
    with pytest.warns(TextNormalisedWarning):
        bad = m.Text("a\x00b\x0bc\ud800d\ufffe")
    with pytest.warns(TextNormalisedWarning):
        article = m.Article(title="Ti\x00tle", body=(m.Paragraph((bad,)),), authors=(m.Author("Na\x0bme"),))
    data = export(article)
    document = reopen(data)
    assert "abcd" in [p.text for p in document.paragraphs]
    assert document.core_properties.title == "Title"


# --------------------------------------------------------------------------- reproducibility


def test_zip_entries_are_stamped_with_the_build_date(feature: m.Article, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    data = export(feature)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        infos = z.infolist()
    assert infos[0].filename == "[Content_Types].xml"
    assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
    assert reopen(data).core_properties.created == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.UTC)


def test_dates_before_1980_are_clamped_in_the_zip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    with zipfile.ZipFile(io.BytesIO(export(simple(para("x"))))) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


_CHILD = """
import sys
sys.path.insert(0, sys.argv[2])
from pathlib import Path
from conftest import feature_article
from opedexport.exporters.docx import DocxExporter
from opedexport.theme import Theme
article = feature_article("id", Path(sys.argv[3]))
Path(sys.argv[1]).write_bytes(DocxExporter().export(article, Theme.load("default")))
"""


def test_byte_identical_across_processes(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    shutil.copy(DATA / "images" / "chart.png", tmp_path / "images" / "chart.png")
    tests_dir = str(Path(__file__).resolve().parents[1])
    outputs = []
    for i, seed in enumerate(("1", "2")):
        out = tmp_path / f"out{i}.docx"
        env = {**os.environ, "SOURCE_DATE_EPOCH": "1715472000", "PYTHONHASHSEED": seed}
        subprocess.run(
            [sys.executable, "-c", _CHILD, str(out), tests_dir, str(tmp_path)], env=env, check=True, timeout=120
        )
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


# --------------------------------------------------------------------------- source files


@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_source_files_export(path: Path) -> None:
    article = opedexport.read(path)
    document = reopen(export(article))
    texts = [p.text for p in document.paragraphs]
    assert article.title in texts
    first = next(b for b in article.body if isinstance(b, m.Paragraph))
    assert m.plain_text(first.children) in texts


def test_through_the_api(feature: m.Article) -> None:
    assert opedexport.export_bytes(feature, "docx") == export(feature)


# --------------------------------------------------------------------------- the outside judges


def _lists_article() -> m.Article:
    return simple(
        para("Lists follow."),
        m.ListBlock(True, ((para("Alpha"),), (para("Beta"),)), start=3),
        para("Between the lists."),
        m.ListBlock(True, ((para("Gamma"),), (para("Delta"),))),
    )


@pytest.fixture(scope="module")
def judged_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The DOCX files the outside judges read: ``{key: path}``."""
    root = tmp_path_factory.mktemp("docx-judged")
    base = root / "article"
    (base / "images").mkdir(parents=True)
    shutil.copy(DATA / "images" / "chart.png", base / "images" / "chart.png")
    articles: dict[str, tuple[m.Article, str]] = {
        f"feature-{lang}-{style}": (feature_article(lang, base), style) for lang, style in FEATURES
    }
    articles["lists"] = (_lists_article(), "default")
    for path in SOURCES:
        articles[f"source-{path.name}"] = (opedexport.read(path), "default")
    files = {}
    for key, (article, style) in articles.items():
        files[key] = root / f"{key}.docx"
        files[key].write_bytes(export(article, style))
    return files


@pytest.fixture(scope="module")
def judged(judged_files: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every judged DOCX converted by LibreOffice in one run: ``{key: pdftotext of its PDF, spaces collapsed}``."""
    if not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) or pdftotext is not installed")
    pdfs = judges.libreoffice_to_pdf(judged_files.values(), tmp_path_factory.mktemp("docx-pdf"))
    out = {}
    for key, path in judged_files.items():
        assert path in pdfs, f"LibreOffice did not convert {path.name}"
        out[key] = " ".join(judges.pdftotext(pdfs[path]).split())
    return out


def _in_order(text: str, pieces: list[str]) -> None:
    at = 0
    for piece in pieces:
        found = text.find(piece, at)
        assert found >= 0, f"{piece!r} missing or out of order after position {at}"
        at = found + len(piece)


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "style"), FEATURES)
def test_libreoffice_shows_the_paragraphs_in_order(judged: dict[str, str], lang: str, style: str) -> None:
    text = judged[f"feature-{lang}-{style}"]
    article = feature_article(lang)
    pieces = [article.title, article.subtitle]
    for block in article.body:
        if isinstance(block, (m.Paragraph, m.Heading)):
            pieces.append(m.plain_text(block.children).split()[0])
    _in_order(text, pieces)
    notes = m.notes_in_order(article)
    for note in notes:
        first = note.blocks[0]
        assert isinstance(first, m.Paragraph)
        assert m.plain_text(first.children) in text  # the footnote text is on the page
    assert "3. " + ("Anak satu" if lang == "id" else "Child one") in text
    assert article.rights in text


@pytest.mark.slow
def test_libreoffice_numbers_from_start_and_restarts(judged: dict[str, str]) -> None:
    text = judged["lists"]
    _in_order(text, ["3. Alpha", "4. Beta", "Between the lists.", "1. Gamma", "2. Delta"])


@pytest.mark.slow
@pytest.mark.parametrize("path", SOURCES, ids=[p.name for p in SOURCES])
def test_libreoffice_converts_the_sources(judged: dict[str, str], path: Path) -> None:
    text = judged[f"source-{path.name}"]
    article = opedexport.read(path)
    pieces = [
        " ".join(m.plain_text(b.children).split()[:4]) for b in article.body if isinstance(b, (m.Paragraph, m.Heading))
    ]
    _in_order(text, [article.title, *pieces])


@pytest.mark.slow
@pytest.mark.skipif(not judges.have_pandoc(), reason="pandoc is not installed")
@pytest.mark.parametrize(("lang", "style"), FEATURES)
def test_pandoc_reads_the_structure(judged_files: dict[str, Path], lang: str, style: str) -> None:
    md = judges.pandoc_markdown(judged_files[f"feature-{lang}-{style}"])
    article = feature_article(lang)
    headings = [b for b in article.body if isinstance(b, m.Heading)]
    for h in headings:
        assert f"\n{'#' * h.level} {m.plain_text(h.children)}\n" in md
    assert re.search(r"\[\^1\]:", md) and re.search(r"\[\^2\]:", md)
    assert "[^1]" in md.split("[^1]:")[0]
    assert "](https://example.org/opini)" in md
    assert re.search(r"^> ", md, re.MULTILINE)
    assert re.search(r"^-   ", md, re.MULTILINE)
    assert "`kode()`" in md
    assert "**" + ("teks tebal" if lang == "id" else "bold text") + "**" in md
