"""Pages an editor would sign (issue 17, layout): no holes a figure leaves, no last page of a few lines,
balanced newspaper columns. Judged on the PDF itself (pdftoppm, pdftotext), not on our own measures.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import statistics
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from conftest import DATA, SOURCE, feature_article
from opedexport import api
from opedexport import model as m
from opedexport.errors import ThemeError
from opedexport.exporters._pdf_layout import (
    HOLE_LIMIT,
    MIN_FIGURE_SCALE,
    _edit_figure,
    _parse_html,
    _serialize_html,
    page_fills,
)
from opedexport.exporters.pdf import PdfExporter
from opedexport.theme import Theme

pytestmark = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None, reason="poppler-utils not installed"
)

SAMPLE = SOURCE / "000_ed708197f1b9d573.txt"
THEMES = ("default", "modern", "newspaper")


def _pdf(article: m.Article, theme: str | Theme, *, passes: bool = True) -> bytes:
    exporter = PdfExporter()
    loaded = theme if isinstance(theme, Theme) else Theme.load(theme)
    page = exporter.prepare(article, loaded)
    return exporter.render(page if passes else replace(page, layout_passes=False))


def _pages(pdf: bytes) -> list[Image.Image]:
    """The PDF's pages in grey at 30 dpi (pdftoppm writes them one after another to stdout)."""
    out = subprocess.run(["pdftoppm", "-gray", "-r", "30", "-"], input=pdf, capture_output=True, check=True)
    data, pages = out.stdout, []
    assert data, "pdftoppm wrote no page"
    while data:
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
        assert header is not None
        end = header.end() + int(header[1]) * int(header[2])
        pages.append(Image.open(io.BytesIO(data[:end])).convert("L"))
        data = data[end:]
    return pages


def _blank_stretches(pdf: bytes, theme: Theme) -> list[float]:
    """For each page, the tallest run of blank rows between the top and bottom margins, as a share of
    the text area's height (the running header and the folio lie in the margins).
    """
    out = []
    for image in _pages(pdf):
        width, height = image.size
        top = round(height * theme.page.margin_top / theme.page.height)
        bottom = height - round(height * theme.page.margin_bottom / theme.page.height)
        pixels = image.load()
        run = best = 0
        for y in range(top, bottom):
            blank = all(pixels[x, y] > 245 for x in range(width))
            run = run + 1 if blank else 0
            best = max(best, run)
        out.append(best / (bottom - top))
    return out


def _chart(path: Path) -> None:
    """A 16:9 bar chart, 1600 × 900 pixels."""
    image = Image.new("RGB", (1600, 900), "#e8e4dc")
    draw = ImageDraw.Draw(image)
    for i in range(12):
        draw.rectangle([80 + i * 125, 700 - (i * 53) % 600, 160 + i * 125, 820], fill="#8a1c1c")
    image.save(path)


def _big_figure_article(folder: Path) -> m.Article:
    """A feature as in the issue: a 16:9 chart under a section with a list, then more text."""
    (folder / "images").mkdir(exist_ok=True)
    _chart(folder / "images" / "chart16x9.png")
    sentence = (
        "The council's budget has grown for a decade while the services it pays for have not. "
        "Residents notice the potholes, the shorter library hours and the buses that stop at nine. "
    )
    para = m.Paragraph((m.Text(sentence * 3),))
    return m.Article(
        title="A budget that hides its holes",
        authors=(m.Author("Jane Doe"),),
        publication="The Daily Test",
        lang="en",
        body=(
            para,
            m.Paragraph((m.Text(sentence * 2),)),
            m.Heading(1, (m.Text("Where the money goes"),)),
            para,
            m.ListBlock(
                False,
                tuple(
                    (m.Paragraph((m.Text(item),)),)
                    for item in ("Roads and bridges, repairs deferred", "Libraries, four days a week", "Buses")
                ),
            ),
            m.Figure("images/chart16x9.png", alt="Spending by year, a bar chart", caption=(m.Text("By year"),)),
            *(para,) * 6,
        ),
        source_path=folder / "article.md",
    )


def _feature(folder: Path) -> m.Article:
    (folder / "images").mkdir(exist_ok=True)
    shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
    return feature_article("en", folder)


def _page_count(pdf: bytes) -> int:
    return len(_pages(pdf))


# --------------------------------------------------------------------------- figures


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("make", [_big_figure_article, _feature], ids=["16x9-chart", "feature"])
def test_figures_leave_no_hole(theme: str, make: object, tmp_path: Path) -> None:
    article = make(tmp_path)  # type: ignore[operator]
    loaded = Theme.load(theme)
    blanks = _blank_stretches(_pdf(article, loaded), loaded)
    assert all(blank <= HOLE_LIMIT for blank in blanks[:-1]), blanks


@pytest.mark.parametrize("theme", ["default", "modern"])
def test_the_feature_had_a_hole_before(theme: str, tmp_path: Path) -> None:
    """The issue, reproduced: laid out once, the feature's figure goes whole to page 2 and leaves over
    a quarter of page 1 blank; so :func:`test_figures_leave_no_hole` fails without the layout passes.
    """
    loaded = Theme.load(theme)
    blanks = _blank_stretches(_pdf(_feature(tmp_path), loaded, passes=False), loaded)
    assert blanks[0] > HOLE_LIMIT, blanks


def test_page_fills_measures_the_hole(tmp_path: Path) -> None:
    """The box-tree measure agrees with the picture: page 1 of the unfixed feature ends far above its foot."""
    from weasyprint import HTML

    from opedexport.exporters.pdf import _font_config, _RecordingFetcher, _stylesheet, _url_fetcher

    exporter = PdfExporter()
    page = exporter.prepare(_feature(tmp_path), Theme.load("default"))
    fetcher = _RecordingFetcher(page.roots)
    for url, data, mime in page.images:
        fetcher.serve(url, data, mime)
    stylesheet = _stylesheet(page.css, page.stylesheet_roots, fetcher)
    document = HTML(string=page.html, url_fetcher=_url_fetcher(fetcher)).render(
        stylesheets=[stylesheet], font_config=_font_config()
    )
    fills = page_fills(document)
    assert len(fills) == 2
    assert fills[0].holes(last=False)  # a hole below the text of page 1
    assert not fills[1].holes(last=True)  # the last page may end where its text ends
    assert fills[1].starts == (0,)  # page 2 starts with the (first) figure
    assert fills[0].lines > 10 and fills[1].lines > 2


def _image_ppi(pdf: bytes) -> list[float]:
    """The resolution each image is placed at (pdfimages): more pixels per inch is a smaller figure."""
    out = subprocess.run(["pdfimages", "-list", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return [float(line.split()[12]) for line in out.splitlines()[2:] if line.strip()]


@pytest.mark.skipif(shutil.which("pdfimages") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("make", [_big_figure_article, _feature], ids=["16x9-chart", "feature"])
def test_a_figure_is_never_scaled_below_the_limit(theme: str, make: object, tmp_path: Path) -> None:
    article = make(tmp_path)  # type: ignore[operator]
    (before,) = _image_ppi(_pdf(article, theme, passes=False))
    (after,) = _image_ppi(_pdf(article, theme))
    assert before / after >= MIN_FIGURE_SCALE - 0.01, (before, after)


def test_a_figure_stays_in_its_section(tmp_path: Path) -> None:
    html = PdfExporter().prepare(_big_figure_article(tmp_path), Theme.load("default")).html
    assert _serialize_html(_parse_html(html)) == html  # the passes edit the HTML without changing the rest
    moved = _edit_figure(html, 0, after=2)
    assert moved is not None
    body = _parse_html(moved).find(".//div[@class='article-body']")
    assert body is not None
    tags = [el.tag for el in body]
    assert tags[tags.index("ul") + 1 : tags.index("figure")] == ["p", "p"]
    # The figure is the last block of its section here: nothing after it may be skipped past a heading.
    sectioned = m.Article(
        title="T",
        lang="en",
        body=(
            m.Figure("images/chart16x9.png", alt="A chart"),
            m.Heading(1, (m.Text("Next section"),)),
            m.Paragraph((m.Text("Text."),)),
        ),
        source_path=tmp_path / "article.md",
    )
    html = PdfExporter().prepare(sectioned, Theme.load("default")).html
    assert _edit_figure(html, 0, after=1) is None
    assert _edit_figure(html, 1) is None  # no second figure


# --------------------------------------------------------------------------- the last page


def test_the_sample_fits_one_page() -> None:
    article = api.read(SAMPLE)
    assert _page_count(_pdf(article, "default", passes=False)) == 2  # three lines on page 2, before
    pdf = _pdf(article, "default")
    assert _page_count(pdf) == 1
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "eskalasi kekerasan yang tidak perlu." in " ".join(text.split())  # the last words are there


def test_the_fit_tokens_bound_the_tightening() -> None:
    """With every fit_* token at "never", the sample keeps its second page."""
    article = api.read(SAMPLE)
    never = {"fit_leading": 1, "fit_spacing": 1, "fit_word_spacing": 0, "fit_letter_spacing": 0}
    strict = Theme.load("default", text=never)
    assert _page_count(_pdf(article, strict)) == 2


def test_a_last_page_that_cannot_be_saved_is_noted(caplog: pytest.LogCaptureFixture) -> None:
    """In ``modern`` (wider leading, spaced paragraphs) the sample's five-line last page stays: said at INFO."""
    with caplog.at_level(logging.INFO, logger="opedexport"):
        pdf = _pdf(api.read(SAMPLE), "modern")
    assert _page_count(pdf) == 2
    assert any("last page holds" in r.getMessage() and r.levelno == logging.INFO for r in caplog.records)


@pytest.mark.parametrize(
    ("key", "value"), [("fit_leading", 0.5), ("fit_spacing", 2), ("fit_word_spacing", -1), ("fit_letter_spacing", "x")]
)
def test_fit_tokens_are_checked(key: str, value: object, tmp_path: Path) -> None:
    (tmp_path / "theme.toml").write_text(f'extends = "default"\n[text]\n{key} = {value!r}\n'.replace("'", '"'))
    with pytest.raises(ThemeError, match=f"text.{key}"):
        Theme.load(tmp_path)


# --------------------------------------------------------------------------- newspaper columns


def _column_ends(pdf: bytes) -> tuple[float, float, float]:
    """Where the text of page 1's left and right columns ends (pt from the top), and the body's line height.

    Words are pdftotext's; the footnotes (smaller type) and the folio are left out.
    """
    xml = subprocess.run(
        ["pdftotext", "-bbox", "-f", "1", "-l", "1", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    size = re.search(r'<page width="([\d.]+)" height="([\d.]+)"', xml)
    assert size is not None
    width, height = float(size[1]), float(size[2])
    words = [
        tuple(float(v) for v in w.groups())
        for w in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', xml)
    ]
    body = statistics.median(w[3] - w[1] for w in words)
    words = [w for w in words if w[3] - w[1] > 0.9 * body and w[3] < height * 0.93]
    left = max(w[3] for w in words if w[2] < width / 2)
    right = max(w[3] for w in words if w[0] > width / 2)
    return left, right, 10.5 * 1.42


@pytest.mark.parametrize("make", [None, _big_figure_article, _feature], ids=["sample", "16x9-chart", "feature"])
def test_newspaper_columns_balance(make: object, tmp_path: Path) -> None:
    article = api.read(SAMPLE) if make is None else make(tmp_path)  # type: ignore[operator]
    left, right, line = _column_ends(_pdf(article, "newspaper"))
    assert left >= right - 2 * line, (left, right)  # the left column does not end short of the right
    assert abs(left - right) <= 2 * line + 1, (left, right)
