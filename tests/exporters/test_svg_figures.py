"""The outside review's finding on SVG figures: the EPUB and the HTML page package a harmless SVG (after
the same image check as the PDF, and a check that it runs nothing and refers to nothing outside itself)
instead of dropping it with its caption and alt text.
"""

from __future__ import annotations

import base64
import io
import re
import warnings
import zipfile
from pathlib import Path

import pytest

import opedexport
from judges import ace, epubcheck_many, have_ace, have_epubcheck
from opedexport.errors import ResourceRefusedWarning
from opedexport.exporters.html import HtmlExporter
from opedexport.theme import load_theme

PARA = "Trees cool the streets they shade, and a city that plants them spends less on its sick. " * 3
CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 200 100">'
    '<rect width="200" height="100" fill="#c33"/></svg>'
)


def _article(folder: Path, body: str = "") -> opedexport.Article:
    path = folder / "a.md"
    path.write_text(f'---\ntitle: "Trees Are Infrastructure"\nlang: en\n---\n\n{PARA}\n\n{body}\n', encoding="utf-8")
    return opedexport.read(path)


def _zip_texts(data: bytes, suffix: str) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(suffix))


def _svg_article(folder: Path, svg: str = CHART) -> opedexport.Article:
    (folder / "chart.svg").write_text(svg, encoding="utf-8")
    return _article(folder, '![Street temperatures by district](chart.svg "July heat on our streets")')


@pytest.mark.slow  # EPUBCheck
def test_an_svg_figure_is_packaged_in_the_epub(tmp_path: Path) -> None:
    article = _svg_article(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = opedexport.export_bytes(article, "epub")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        svgs = [n for n in z.namelist() if n.endswith(".svg")]
        assert len(svgs) == 1 and svgs[0].startswith("EPUB/images/")
        assert b"<rect" in z.read(svgs[0])
        opf = z.read("EPUB/content.opf").decode()
    assert re.search(r'href="images/[0-9a-f]{16}\.svg"[^>]*media-type="image/svg\+xml"', opf) or re.search(
        r'media-type="image/svg\+xml"[^>]*href="images/[0-9a-f]{16}\.svg"', opf
    )
    chapter = _zip_texts(data, "article.xhtml")
    assert re.search(r'<img src="\.\./images/[0-9a-f]{16}\.svg" alt="Street temperatures by district"', chapter)
    assert "July heat on our streets" in chapter
    path = tmp_path / "svg.epub"
    path.write_bytes(data)
    if have_epubcheck():
        fatals, errors, warns, messages = epubcheck_many([path])[path]
        assert (fatals, errors, warns) == (0, 0, 0), messages
    if have_ace():
        assert ace(path) == []


def test_an_svg_figure_is_embedded_in_the_html_page(tmp_path: Path) -> None:
    article = _svg_article(tmp_path)
    page = opedexport.export_bytes(article, "html").decode()
    found = re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="Street temperatures by district"', page)
    assert found and b"<rect" in base64.b64decode(found[1])
    assert "July heat on our streets" in page
    files = HtmlExporter().render_files(article, load_theme("default"), stem="page", assets="folder")
    assert [n for n in files if n.endswith(".svg")]


HOSTILE_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1" height="1"/></svg>',
    "onload": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "foreign": (
        '<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p xmlns="http://www.w3.org/1999/xhtml">x</p>'
        "</foreignObject></svg>"
    ),
    "style-import": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(http://127.0.0.1:9/a.css);</style></svg>',
    "style-url": '<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill: url(http://127.0.0.1:9/p.svg#x)"/></svg>',
    "fill-url": '<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://127.0.0.1:9/p.svg#x)"/></svg>',
    "link-js": '<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
    "stylesheet-pi": (
        '<?xml-stylesheet href="http://127.0.0.1:9/s.css"?><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>'
    ),
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_SVGS))
def test_an_svg_that_would_run_or_fetch_is_not_packaged(tmp_path: Path, kind: str) -> None:
    article = _svg_article(tmp_path, HOSTILE_SVGS[kind])
    if kind == "stylesheet-pi":  # the processing instruction is left out of the SVG packaged
        data = opedexport.export_bytes(article, "epub")
        packaged = _zip_texts(data, ".svg")
        assert "<rect" in packaged and "127.0.0.1" not in packaged and "xml-stylesheet" not in packaged
        return
    with pytest.warns(ResourceRefusedWarning, match="chart.svg"):
        data = opedexport.export_bytes(article, "epub")
    with pytest.warns(ResourceRefusedWarning, match="chart.svg"):
        page = opedexport.export_bytes(article, "html").decode()
    assert not _zip_texts(data, ".svg")
    assert "image/svg+xml" not in page and "alert" not in page and "127.0.0.1" not in page


def test_an_svg_over_the_image_limits_is_still_refused(tmp_path: Path) -> None:
    """The same check as for the PDF runs first: an SVG declaring entities never reaches the book."""
    svg = '<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg"><text>&a;</text></svg>'
    article = _svg_article(tmp_path, svg)
    with pytest.warns(ResourceRefusedWarning, match="entities"):
        data = opedexport.export_bytes(article, "epub")
    assert not _zip_texts(data, ".svg")


RASTER = Path(__file__).resolve().parents[1] / "data" / "images" / "chart.png"


@pytest.mark.slow  # EPUBCheck
def test_the_raster_an_svg_shows_is_embedded_in_it(tmp_path: Path) -> None:
    """A chart whose SVG shows a PNG beside it: the book holds the PNG inside the SVG, not a file: URL."""
    (tmp_path / "pic.png").write_bytes(RASTER.read_bytes())
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="40" height="20">'
        '<image xlink:href="pic.png" width="40" height="20"/></svg>'
    )
    article = _svg_article(tmp_path, svg)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = opedexport.export_bytes(article, "epub")
        page = opedexport.export_bytes(article, "html").decode()
    packaged = _zip_texts(data, ".svg")
    assert 'href="data:image/png;base64,' in packaged and "pic.png" not in packaged
    assert "image/svg+xml" in page
    if have_epubcheck():
        path = tmp_path / "raster.epub"
        path.write_bytes(data)
        fatals, errors, warns, messages = epubcheck_many([path])[path]
        assert (fatals, errors, warns) == (0, 0, 0), messages


def test_an_svg_showing_a_file_outside_the_folder_is_not_packaged(tmp_path: Path) -> None:
    folder = tmp_path / "article"
    folder.mkdir()
    (tmp_path / "secret.png").write_bytes(RASTER.read_bytes())
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><image href="../secret.png" width="4" height="4"/></svg>'
    article = _svg_article(folder, svg)
    with pytest.warns(ResourceRefusedWarning, match="outside"):
        data = opedexport.export_bytes(article, "epub")
    assert not _zip_texts(data, ".svg")
