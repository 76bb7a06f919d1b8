"""The outside review's finding on the DOCX exporter: an SVG figure, which a Word document cannot hold,
keeps its text alternative and caption as text, with one warning saying the SVG is left out."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

import opedexport
from opedexport.errors import ResourceRefusedWarning

CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
    '<rect width="200" height="100" fill="#c33"/></svg>'
)
PARA = "Trees cool the streets they shade, and a city that plants them spends less on its sick. " * 3


def _document(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("word/document.xml").decode("utf-8")


def _svg_article(folder: Path, alt: str = "Street temperatures by district") -> opedexport.Article:
    (folder / "chart.svg").write_text(CHART, encoding="utf-8")
    path = folder / "a.md"
    path.write_text(
        f'---\ntitle: "Trees"\nlang: en\n---\n\n{PARA}\n\n![{alt}](chart.svg "July heat on our streets")\n',
        encoding="utf-8",
    )
    return opedexport.read(path)


def test_an_svg_figure_keeps_its_texts_in_the_docx(tmp_path: Path) -> None:
    article = _svg_article(tmp_path)
    with pytest.warns(ResourceRefusedWarning) as record:
        data = opedexport.export_bytes(article, "docx")
    ours = [str(w.message) for w in record if issubclass(w.category, ResourceRefusedWarning)]
    assert len(ours) == 1 and "chart.svg" in ours[0] and "SVG" in ours[0] and "DOCX" in ours[0], ours
    xml = _document(data)
    assert "Street temperatures by district" in xml
    assert "July heat on our streets" in xml
    assert "<w:drawing" not in xml


def test_an_svg_figure_without_alt_text_keeps_its_caption(tmp_path: Path) -> None:
    article = _svg_article(tmp_path, alt="")
    with pytest.warns(ResourceRefusedWarning, match="SVG"):
        xml = _document(opedexport.export_bytes(article, "docx"))
    assert "July heat on our streets" in xml
