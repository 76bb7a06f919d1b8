"""DOCX lists as an editor would sign them (issue 17): items set ragged right, and space after a list."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest
from lxml import etree

from opedexport import model as m
from opedexport.exporters.docx import DocxExporter
from opedexport.theme import Theme

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def _t(text: str) -> m.Text:
    return m.Text(text)


def _article() -> m.Article:
    long_item = "An item long enough to run over a line, whose few words a justified setting would spread wide " * 2
    return m.Article(
        title="Lists",
        lang="en",
        body=(
            m.Paragraph((_t("Before the list."),)),
            m.ListBlock(
                False,
                (
                    (m.Paragraph((_t("Short item"),)),),
                    (
                        m.Paragraph((_t(long_item),)),
                        m.ListBlock(True, ((m.Paragraph((_t("Nested item"),)),),)),
                    ),
                ),
            ),
            m.Paragraph((_t("After the list."),)),
            m.ListBlock(True, ((m.Paragraph((_t("Numbered item"),)),),)),
            m.Paragraph((_t("After the second list."),)),
        ),
    )


def _parts(theme: str) -> tuple[Any, Any, Theme]:
    loaded = Theme.load(theme)
    data = DocxExporter().export(_article(), loaded)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read("word/document.xml")), etree.fromstring(z.read("word/styles.xml")), loaded


def _style(styles: Any, style_id: str) -> Any:
    found = styles.xpath(f"w:style[@w:styleId='{style_id}']", namespaces=NS)
    assert found, style_id
    return found[0]


def _text(p: Any) -> str:
    return "".join(p.xpath(".//w:t/text()", namespaces=NS))


def _after_points(p: Any, styles: Any) -> float:
    """The space after paragraph ``p`` in points: its own, else its style's (or the style it is based on)."""
    direct = p.xpath("w:pPr/w:spacing/@w:after", namespaces=NS)
    if direct:
        return int(direct[0]) / 20
    style_id = p.xpath("w:pPr/w:pStyle/@w:val", namespaces=NS)[0]
    while True:
        style = _style(styles, style_id)
        after = style.xpath("w:pPr/w:spacing/@w:after", namespaces=NS)
        if after:
            return int(after[0]) / 20
        style_id = style.xpath("w:basedOn/@w:val", namespaces=NS)[0]


@pytest.mark.parametrize("theme", ["default", "modern"])
def test_list_styles_are_left_aligned(theme: str) -> None:
    _, styles, _ = _parts(theme)
    for style_id in ("ListBullet", "ListNumber", "ListBullet2", "ListNumber3", "ListContinue", "ListContinue2"):
        assert _style(styles, style_id).xpath("w:pPr/w:jc/@w:val", namespaces=NS) == ["left"], style_id
    # The body text stays as the theme says.
    normal = _style(styles, "Normal").xpath("w:pPr/w:jc/@w:val", namespaces=NS)
    assert normal == ["both" if theme == "default" else "left"]


@pytest.mark.parametrize("theme", ["default", "modern"])
def test_space_after_a_list(theme: str) -> None:
    document, styles, loaded = _parts(theme)
    paragraphs = document.xpath("//w:body/w:p", namespaces=NS)
    texts = [_text(p) for p in paragraphs]
    wanted = max(float(loaded.text.paragraph_spacing), float(loaded.text.size) * 0.7)
    # The last paragraph of each list (here a nested item, then a numbered one) has the space after it...
    for last in ("Nested item", "Numbered item"):
        assert _after_points(paragraphs[texts.index(last)], styles) == pytest.approx(wanted, abs=0.05), last
    # ... and the space is more than between items, and no item before the last has it.
    between = _after_points(paragraphs[texts.index("Short item")], styles)
    assert between < wanted
    assert not paragraphs[texts.index("Short item")].xpath("w:pPr/w:spacing", namespaces=NS)
    # The line spacing of the last item is still the list's.
    nested = paragraphs[texts.index("Nested item")]
    assert nested.xpath("w:pPr/w:spacing/@w:line", namespaces=NS) == [
        str(round(float(loaded.text.size) * loaded.text.leading * 20))
    ]
