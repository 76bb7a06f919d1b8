"""The PDF exporter, judged by outside tools: qpdf (structure), poppler's pdfinfo and pdftotext (metadata,
text per page) and pypdf (catalog, outline, font sizes).

Rendering costs 0.1-0.5 s a document, so each document is made once per module and shared.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest

from conftest import DATA, REPO, feature_article
from loopback import Listener, listening
from opedexport import model as m
from opedexport.errors import LayoutWarning, ResourceRefusedWarning
from opedexport.exporters import _html
from opedexport.exporters import pdf as pdfmod
from opedexport.exporters.base import build_datetime
from opedexport.exporters.pdf import PdfExporter
from opedexport.theme import Theme

needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
needs_poppler = pytest.mark.skipif(
    shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None, reason="poppler-utils are not installed"
)

THEMES = ("default", "modern", "newspaper")
LANGS = ("id", "en")


# --------------------------------------------------------------------------- helpers


def pdftotext(path: Path, page: int | None = None, layout: bool = False) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines()) if v}


def squash(text: str) -> str:
    """Text in lower case without whitespace and hyphens, so line breaks, hyphenation, a floated initial
    and capitals set by CSS (kicker, credit) don't matter."""
    return re.sub(r"[\s\-\u00ad]+", "", text).lower()


def page_count(path: Path) -> int:
    return len(pypdf.PdfReader(path).pages)


def outline_titles(reader: pypdf.PdfReader) -> list[str]:
    out: list[str] = []

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                out.append(item.title)

    walk(reader.outline)
    return out


def body_font_size(path: Path, page: int = 0) -> float:
    """The size of most of the text on ``page``, from the text matrices (pypdf's text visitor)."""
    sizes: Counter[float] = Counter()

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text.strip():
            sizes[round(abs(size * tm[3] * cm[3]), 2)] += len(text.strip())

    pypdf.PdfReader(path).pages[page].extract_text(visitor_text=visit)
    return sizes.most_common(1)[0][0]


def paragraph_texts(article: m.Article) -> list[str]:
    """Plain text of each body paragraph (notes left out), in order."""
    return [m.plain_text(b.children) for b in article.body if isinstance(b, m.Paragraph)]


class LogCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def render(article: m.Article, theme: Theme | str, path: Path, **options: Any) -> tuple[Path, list[str]]:
    """Export to ``path``; return it with the WARNING+ messages WeasyPrint logged meanwhile."""
    catcher = LogCatcher()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(catcher)
    try:
        data = PdfExporter().export(article, Theme.load(theme) if isinstance(theme, str) else theme, **options)
    finally:
        logger.removeHandler(catcher)
    path.write_bytes(data)
    return path, [f"{r.levelname}: {r.getMessage()}" for r in catcher.records]


def long_article(base_dir: Path, *, repeat: int = 4) -> m.Article:
    """A several-page article with a footnote in every paragraph; paragraph k ends with the token ``Qk·``."""
    filler = (
        "Diplomasi pertahanan membantu membangun kepercayaan dan kerja sama antarnegara dalam mengatasi ancaman "
        "keamanan yang ada, sekaligus mencegah konflik dan meningkatkan stabilitas regional maupun global. "
    )
    body: list[m.Block] = []
    k = 0
    for section in range(repeat):
        body.append(m.Heading(1, (m.Text(f"Bagian {section + 1}"),)))
        for _ in range(3):
            k += 1
            note = m.Note((m.Paragraph((m.Text(f"Catatan nomor N{k}N tentang sumber rujukan."),)),))
            body.append(m.Paragraph((m.Text(filler * 3 + f"Rujukan Q{k}Q"), note, m.Text(" selesai."))))
    return m.Article(
        title="Artikel Panjang untuk Uji Catatan Kaki",
        authors=(m.Author("Siti Rahma", "Peneliti"),),
        publication="DepokPos",
        lang="id",
        body=tuple(body),
        source_path=base_dir / "long.md",
    )


# --------------------------------------------------------------------------- shared renders


@pytest.fixture(scope="module")
def feature_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("feature")
    (d / "images").mkdir()
    shutil.copy(DATA / "images" / "chart.png", d / "images" / "chart.png")
    return d


@pytest.fixture(scope="module")
def renders(feature_dir: Path) -> Iterator[dict[tuple[str, str], tuple[Path, list[str]]]]:
    """The feature article in both languages with both themes: 4 PDFs and WeasyPrint's log of each."""
    out = {}
    for theme in THEMES:
        for lang in LANGS:
            out[(lang, theme)] = render(feature_article(lang, feature_dir), theme, feature_dir / f"{lang}-{theme}.pdf")
    yield out


@pytest.fixture(scope="module")
def long_renders(feature_dir: Path) -> dict[str, Path]:
    """The long article in both themes."""
    return {theme: render(long_article(feature_dir), theme, feature_dir / f"long-{theme}.pdf")[0] for theme in THEMES}


@pytest.fixture(params=[(lang, theme) for theme in THEMES for lang in LANGS], ids=lambda p: f"{p[0]}-{p[1]}")
def case(
    request: pytest.FixtureRequest, renders: dict[tuple[str, str], tuple[Path, list[str]]], feature_dir: Path
) -> tuple[m.Article, Path, list[str], str]:
    lang, theme = request.param
    path, log = renders[(lang, theme)]
    return feature_article(lang, feature_dir), path, log, theme


# --------------------------------------------------------------------------- the exporter as a plugin


def test_declares_itself_without_importing_weasyprint() -> None:
    code = (
        "import sys; from opedexport.exporters.pdf import PdfExporter as P; "
        "assert 'weasyprint' not in sys.modules, 'imported weasyprint'; "
        "print(P.name, P.suffix, P.media_type, P.requires, P.options['pdf_variant'].choices)"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout
    assert out.split()[:3] == ["pdf", ".pdf", "application/pdf"]
    assert "('weasyprint',)" in out and "pdf/a-3b" in out and "pdf/ua-1" in out


def test_rejects_unknown_variant(feature_dir: Path) -> None:
    from opedexport.errors import ExportError

    with pytest.raises(ExportError, match="pdf_variant"):
        PdfExporter().export(feature_article("en", feature_dir), Theme.load(), pdf_variant="pdf/x-4")


# --------------------------------------------------------------------------- structure, metadata, text


@needs_qpdf
def test_qpdf_check_passes(case: tuple[m.Article, Path, list[str], str]) -> None:
    _, path, _, _ = case
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_weasyprint_logs_no_warning_for_our_css(case: tuple[m.Article, Path, list[str], str]) -> None:
    _, _, log, _ = case
    assert log == []


@needs_poppler
def test_info_dictionary(case: tuple[m.Article, Path, list[str], str]) -> None:
    article, path, _, _ = case
    info = pdfinfo(path)
    assert info["Title"] == article.title
    assert info["Author"] == ", ".join(a.name for a in article.authors)
    assert info["Subject"] == article.summary
    assert info["Keywords"] == ", ".join(article.tags)
    assert info["Creator"].startswith("opedexport ")
    assert info["Tagged"] == "yes"  # PDF/UA-1 by default
    # The build's date (SOURCE_DATE_EPOCH, see conftest), never the article's.
    assert info["ModDate"] == info["CreationDate"]
    meta = pypdf.PdfReader(path).metadata
    assert meta is not None and meta.creation_date == meta.modification_date == build_datetime()


@needs_poppler
def test_text_is_all_there_in_reading_order(case: tuple[m.Article, Path, list[str], str]) -> None:
    article, path, _, _ = case
    text = squash(pdftotext(path))
    for needle in (
        article.title,
        article.subtitle,
        *(a.name for a in article.authors),
        *(a.affiliation for a in article.authors if a.affiliation),
        "Keterangan gambar" if article.lang == "id" else "Figure caption",
        "Tim Data" if article.lang == "id" else "Data Desk",
        article.disclosure,
    ):
        assert squash(needle) in text, needle
    # Headings and paragraphs, each once and in the order written.
    blocks = [
        m.plain_text(b.children) for b in article.body if isinstance(b, (m.Heading, m.Paragraph, m.PullQuote))
    ] + [m.plain_text(b.blocks[0].children) for b in article.body if isinstance(b, m.BlockQuote)]
    positions = []
    for block in blocks[:-1]:  # the block quote last: it is checked for presence only
        at = text.find(squash(block))
        assert at >= 0, block
        positions.append(at)
    assert positions == sorted(positions)
    assert squash(blocks[-1]) in text
    for item in ("Butir satu", "Butir dua", "Anak satu") if article.lang == "id" else ("Item one", "Item two"):
        assert squash(item) in text
    # The running header's source element is never printed in the body: page 1 names the
    # publication once (the kicker) and the title once.
    first_page = squash(pdftotext(path, page=1))
    assert first_page.count(squash(article.publication)) == 1
    assert first_page.count(squash(article.title)) == 1


@needs_poppler
def test_nested_ordered_list_keeps_its_start_number(case: tuple[m.Article, Path, list[str], str]) -> None:
    article, path, _, _ = case
    child = "Anak satu" if article.lang == "id" else "Child one"
    assert re.search(rf"3\.\s*{child}", pdftotext(path))


@needs_poppler
def test_footnotes_sit_on_the_page_that_calls_them(case: tuple[m.Article, Path, list[str], str]) -> None:
    article, path, _, _ = case
    first = squash(pdftotext(path, page=1))
    notes = m.notes_in_order(article)
    assert notes
    for note in notes:
        for block in note.blocks:
            assert isinstance(block, m.Paragraph)
            assert squash(m.plain_text(block.children)) in first
    # Their calls are on page 1 too (the first two paragraphs).
    assert squash(paragraph_texts(article)[1]) in first


def test_language_title_and_outline(case: tuple[m.Article, Path, list[str], str]) -> None:
    article, path, _, _ = case
    reader = pypdf.PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == article.lang
    headings = [m.plain_text(b.children) for b in article.body if isinstance(b, m.Heading)]
    assert outline_titles(reader) == headings
    assert reader.metadata is not None and reader.metadata.title == article.title


def test_page_geometry_follows_the_theme(case: tuple[m.Article, Path, list[str], str]) -> None:
    _, path, _, theme = case
    box = pypdf.PdfReader(path).pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)  # A4
    assert Theme.load(theme).page.size_name == "A4"


def test_figure_image_is_embedded(case: tuple[m.Article, Path, list[str], str]) -> None:
    _, path, _, _ = case
    reader = pypdf.PdfReader(path)
    # Pages share one resource dictionary: count distinct images.
    assert len({img.name for page in reader.pages for img in page.images}) == 1


# --------------------------------------------------------------------------- pagination on a long article


@needs_poppler
@pytest.mark.parametrize("theme", THEMES)
def test_long_article_footnotes_follow_their_calls_across_pages(long_renders: dict[str, Path], theme: str) -> None:
    path = long_renders[theme]
    assert page_count(path) >= 2
    call_page, note_page = _note_pages_by_text(path)
    assert sorted(call_page) == sorted(note_page) == list(range(1, 13))
    assert note_page == call_page


def _note_pages_by_text(path: Path) -> tuple[dict[int, int], dict[int, int]]:
    """Call page and note page of each ``QkQ``/``NkN`` token, read back with pdftotext."""
    call_page: dict[int, int] = {}
    note_page: dict[int, int] = {}
    for number in range(1, page_count(path) + 1):
        text = squash(pdftotext(path, page=number))
        for k in map(int, re.findall(r"q(\d+)q", text)):
            call_page[k] = number
        for k in map(int, re.findall(r"n(\d+)n", text)):
            note_page.setdefault(k, number)
    return call_page, note_page


@needs_poppler
def test_misplaced_notes_agrees_with_the_printed_pages(feature_dir: Path, tmp_path: Path) -> None:
    # Laid out as a one-column multi-column box at 11 pt, WeasyPrint 70 sends note 7 of the long
    # article to the page after its call: a stray to find.
    import weasyprint

    article, theme = long_article(feature_dir), Theme.load("default")
    rendered = _html.render_article(article, theme, target="pdf", image_src=lambda figure: None)
    pdfmod._prepare_tree(rendered.root, article, theme)
    css = [weasyprint.CSS(string=_html.css_for(theme, "print") + pdfmod._ONE_COLUMN_BOX)]
    document = weasyprint.HTML(string=_html.to_html_string(rendered.root)).render(stylesheets=css)
    path = tmp_path / "strays.pdf"
    document.write_pdf(path)
    call_page, note_page = _note_pages_by_text(path)
    expected = [(k, call_page[k], note_page[k]) for k in sorted(call_page) if call_page[k] != note_page[k]]
    assert expected, "this layout no longer parts a note from its call; find another that does"
    assert pdfmod.misplaced_notes(document) == expected


def test_a_stray_note_gets_a_second_layout_and_a_warning_if_it_stays(
    monkeypatch: pytest.MonkeyPatch, feature_dir: Path
) -> None:
    seen: list[int] = []

    def always_astray(document: Any) -> list[tuple[int, int, int]]:
        seen.append(len(document.pages))
        return [(3, 1, 2)]

    monkeypatch.setattr(pdfmod, "misplaced_notes", always_astray)
    with pytest.warns(LayoutWarning, match="footnote 3 is printed on page 2, its call on page 1"):
        data = PdfExporter().export(long_article(feature_dir), Theme.load("default"))
    assert data.startswith(b"%PDF") and len(seen) == 2  # laid out twice, kept one, warned once

    seen.clear()
    with pytest.warns(LayoutWarning):
        PdfExporter().export(long_article(feature_dir), Theme.load("newspaper"))
    assert len(seen) == 1  # two columns have no other layout to try


@needs_poppler
@pytest.mark.parametrize(
    ("theme", "expected"), [("default", "DepokPos"), ("modern", "ARTIKEL PANJANG"), ("newspaper", "DepokPos")]
)
def test_running_header_from_page_two(long_renders: dict[str, Path], theme: str, expected: str) -> None:
    path = long_renders[theme]
    first = pdftotext(path, page=1, layout=True)
    second = pdftotext(path, page=2, layout=True)
    head_of_second = second.strip().splitlines()[0]
    assert expected in head_of_second
    # Page 1 has no running header (the kicker's publication is set in small or full capitals).
    assert "DepokPos" not in first
    assert "ARTIKEL PANJANG" not in first
    # Page numbers in the footer.
    footer = squash(second.strip().splitlines()[-1])
    assert footer == (f"2/{page_count(path)}" if theme == "modern" else "2")


# --------------------------------------------------------------------------- variants


@pytest.fixture(scope="module")
def ua_pdf(feature_dir: Path) -> Path:
    return render(feature_article("id", feature_dir), "default", feature_dir / "ua.pdf", pdf_variant="pdf/ua-1")[0]


@pytest.fixture(scope="module")
def pdfa_pdf(feature_dir: Path) -> Path:
    return render(feature_article("en", feature_dir), "modern", feature_dir / "a3b.pdf", pdf_variant="pdf/a-3b")[0]


@needs_poppler
@needs_qpdf
def test_pdf_ua_is_tagged_with_language_and_title(ua_pdf: Path) -> None:
    info = pdfinfo(ua_pdf)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "Judul Uji Lengkap"
    reader = pypdf.PdfReader(ua_pdf)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "id"
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b"pdfuaid:part" in xmp and b"Judul Uji Lengkap" in xmp
    # The figure carries its alt text in the structure tree.
    raw = subprocess.run(
        ["qpdf", "--qdf", "--object-streams=disable", str(ua_pdf), "-"], check=True, capture_output=True
    ).stdout
    assert b"/Alt (Grafik batang merah)" in raw


@needs_qpdf
def test_pdf_a3b_declares_itself_in_xmp(pdfa_pdf: Path) -> None:
    assert subprocess.run(["qpdf", "--check", str(pdfa_pdf)], capture_output=True).returncode == 0
    reader = pypdf.PdfReader(pdfa_pdf)
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r'pdfaid:part="3"', xmp) and re.search(r'pdfaid:conformance="B"', xmp)
    assert "/OutputIntents" in root
    assert "/ID" in reader.trailer


# --------------------------------------------------------------------------- a user theme


def write_user_theme(folder: Path) -> Path:
    folder.mkdir()
    (folder / "theme.toml").write_text(
        'name = "mine"\nextends = "default"\n\n[colors]\naccent = "#0a7d33"\n\n[text]\nsize = "12pt"\n',
        encoding="utf-8",
    )
    return folder


def test_user_theme_changes_exactly_what_its_tokens_drive(tmp_path: Path) -> None:
    default, mine = Theme.load("default"), Theme.load(write_user_theme(tmp_path / "mine"))
    css_default, css_mine = _html.css_for(default, "print"), _html.css_for(mine, "print")
    assert css_default != css_mine
    assert "#0a7d33" in css_mine and "#0a7d33" not in css_default
    assert "font-size: 12pt;" in css_mine and "font-size: 11pt;" in css_default
    # Undo the accent, blank out every length and em: nothing else differs (fonts, colours, page, rules).
    lengths = re.compile(r"-?\d+(?:\.\d+)?(?:pt|em)\b")
    assert lengths.sub("L", css_mine.replace("#0a7d33", "#8a1c1c")) == lengths.sub("L", css_default)
    # The page's own geometry comes from page tokens, which did not change.
    page_lines = [line for line in css_default.splitlines() if line.strip().startswith(("size:", "margin"))]
    assert page_lines and all(line in css_mine for line in page_lines[:2])


def test_user_theme_changes_the_pdf_body_size(
    tmp_path: Path, renders: dict[tuple[str, str], tuple[Path, list[str]]], feature_dir: Path
) -> None:
    theme = Theme.load(write_user_theme(tmp_path / "mine"))
    path, log = render(feature_article("en", feature_dir), theme, tmp_path / "mine.pdf")
    assert log == []
    assert body_font_size(renders[("en", "default")][0]) == 11
    assert body_font_size(path) == 12.0


# --------------------------------------------------------------------------- outside resources


@pytest.fixture
def loopback() -> Iterator[Listener]:
    with listening() as listener:
        yield listener


def passwd_needle() -> bytes:
    try:
        first = Path("/etc/passwd").read_bytes().splitlines()[0]
    except (OSError, IndexError):
        return b"root:x:0:0"
    return first[:24] or b"root:x:0:0"


def assert_no_passwd(pdf: bytes, tmp_path: Path) -> None:
    needle = passwd_needle()
    assert needle not in pdf
    if shutil.which("qpdf"):
        (tmp_path / "raw.pdf").write_bytes(pdf)
        expanded = subprocess.run(
            ["qpdf", "--qdf", "--object-streams=disable", str(tmp_path / "raw.pdf"), "-"], capture_output=True
        ).stdout
        assert expanded and needle not in expanded


def test_refused_and_missing_figures_are_dropped_with_a_warning(
    tmp_path: Path, loopback: Listener, feature_dir: Path
) -> None:
    port = loopback.server_address[1]
    (tmp_path / "art").mkdir()
    (tmp_path / "art" / "broken.png").write_bytes(b"this is no image")
    srcs = [
        "file:///etc/passwd",
        "../../etc/passwd",
        "../" * 30 + "etc/hosts",
        f"http://127.0.0.1:{port}/x.png",
        "missing.png",
        "broken.png",
    ]
    article = m.Article(
        title="Refusals",
        lang="en",
        body=(
            m.Paragraph((m.Text("Before the figures."),)),
            *(m.Figure(src, alt=f"figure {i}", caption=(m.Text(f"Caption {i}"),)) for i, src in enumerate(srcs)),
            m.Paragraph((m.Text("After the figures."),)),
        ),
        source_path=tmp_path / "art" / "a.md",
    )
    with pytest.warns(ResourceRefusedWarning) as caught:
        data = PdfExporter().export(article, Theme.load("default"))
    messages = [str(w.message) for w in caught if issubclass(w.category, ResourceRefusedWarning)]
    assert len(messages) == len(srcs)
    assert any("network access is off" in msg for msg in messages)
    assert any("broken.png" in msg and "image" in msg for msg in messages)
    assert any("missing.png" in msg and "no such file" in msg for msg in messages)
    assert loopback.connections == 0
    assert data.startswith(b"%PDF-")
    assert_no_passwd(data, tmp_path)
    if shutil.which("pdftotext"):
        (tmp_path / "r.pdf").write_bytes(data)
        text = squash(pdftotext(tmp_path / "r.pdf"))
        assert squash("Before the figures.") in text and squash("After the figures.") in text
        assert "caption" not in text  # every figure went, caption and all


def test_allowed_host_is_fetched(tmp_path: Path, loopback: Listener) -> None:
    port = loopback.server_address[1]
    article = m.Article(title="Fetched", lang="en", body=(m.Figure(f"http://127.0.0.1:{port}/chart.png", alt="chart"),))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        data = PdfExporter().export(article, Theme.load("default"), allow_hosts=("127.0.0.1",))
    assert loopback.connections >= 1
    (tmp_path / "f.pdf").write_bytes(data)
    assert len(pypdf.PdfReader(tmp_path / "f.pdf").pages[0].images) == 1


def test_user_theme_css_cannot_read_outside_files(tmp_path: Path) -> None:
    folder = tmp_path / "evil"
    (folder / "templates").mkdir(parents=True)
    (folder / "theme.toml").write_text('extends = "default"\n', encoding="utf-8")
    (folder / "templates" / "print.css.j2").write_text(
        '@import url("file:///etc/passwd");\n'
        '@font-face { font-family: "Leak"; src: url("file:///etc/passwd"); }\n'
        'body { font-family: "Leak", serif; background: url("file:///etc/passwd"); }\n'
        '.kicker { background-image: url("../../../../../../../../etc/passwd"); }\n',
        encoding="utf-8",
    )
    article = m.Article(title="Evil theme", lang="en", body=(m.Paragraph((m.Text("Hello."),)),))
    with pytest.warns(ResourceRefusedWarning) as caught:
        data = PdfExporter().export(article, Theme.load(folder))
    assert any("/etc/passwd" in str(w.message) for w in caught)
    assert_no_passwd(data, tmp_path)


# --------------------------------------------------------------------------- reproducibility and caches


def test_same_bytes_in_two_processes_with_source_date_epoch(tmp_path: Path, feature_dir: Path) -> None:
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "from pathlib import Path; from conftest import feature_article;"
        "from opedexport.theme import Theme; from opedexport.exporters.pdf import PdfExporter;"
        "data = PdfExporter().export(feature_article('id', Path(sys.argv[2])), Theme.load('default'));"
        "Path(sys.argv[3]).write_bytes(data)"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "PYTHONHASHSEED": "random"}
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}.pdf"
        subprocess.run(
            [sys.executable, "-c", script, str(REPO / "tests"), str(feature_dir), str(out)], check=True, env=env
        )
        outs.append(out.read_bytes())
    assert outs[0] == outs[1]
    reader = pypdf.PdfReader(tmp_path / "run0.pdf")
    assert reader.metadata is not None
    assert reader.metadata["/CreationDate"].startswith("D:20231114221320")
    assert "/ID" in reader.trailer


def test_stylesheet_and_fonts_are_parsed_once_and_reused(
    renders: dict[tuple[str, str], tuple[Path, list[str]]], feature_dir: Path
) -> None:
    css_text = _html.css_for(Theme.load("default"), "print")
    parsed = pdfmod._CSS_CACHE[css_text]
    font_config = pdfmod._font_config()
    again = PdfExporter().export(feature_article("en", feature_dir), Theme.load("default"))
    assert pdfmod._CSS_CACHE[css_text] is parsed and pdfmod._font_config() is font_config
    # Reusing them (after other themes were rendered) changes nothing in the output.
    assert again == renders[("en", "default")][0].read_bytes()


def test_missing_harfbuzz_subset_is_logged_once(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(pdfmod, "_SUBSET_CHECKED", False)
    monkeypatch.setattr(pdfmod, "subsetter_available", lambda: False)
    with caplog.at_level(logging.WARNING, logger="opedexport"):
        pdfmod._check_subsetter()
        pdfmod._check_subsetter()
    found = [r for r in caplog.records if "harfbuzz-subset" in r.getMessage()]
    assert len(found) == 1 and found[0].name == "opedexport"


def test_subsetter_detection_agrees_with_the_system() -> None:
    import ctypes.util

    assert pdfmod.subsetter_available() == (ctypes.util.find_library("harfbuzz-subset") is not None)


# --------------------------------------------------------------------------- prepare here, render there


def test_a_prepared_page_renders_in_another_process_with_its_hyphenation(tmp_path: Path) -> None:
    import pickle

    article = long_article(tmp_path)  # justified Indonesian that needs hyphens
    page = PdfExporter().prepare(article, Theme.load("default"))
    assert [path.name for path, _ in page.hyphenation] == ["hyph_id_ID.dic"]
    assert PdfExporter().prepare(article, Theme.load("default", text={"hyphenate": False})).hyphenation == ()
    (tmp_path / "page.pickle").write_bytes(pickle.dumps(page))
    # A fresh process that cannot parse a hyphenation file still hyphenates: the page brought the patterns.
    probe = (
        "import pickle, sys, pyphen\n"
        "def refuse(self, path): raise AssertionError(f'parsed {path}')\n"
        "pyphen.HyphDict.__init__ = refuse\n"
        "from opedexport.exporters.pdf import PdfExporter\n"
        "page = pickle.loads(open(sys.argv[1], 'rb').read())\n"
        "open(sys.argv[2], 'wb').write(PdfExporter().render(page))\n"
    )
    out = tmp_path / "there.pdf"
    subprocess.run([sys.executable, "-c", probe, str(tmp_path / "page.pickle"), str(out)], check=True, timeout=120)
    assert out.read_bytes() == PdfExporter().render(page)


def test_a_newline_in_a_footnote_table_cell_renders(tmp_path: Path) -> None:
    # Found by test_properties: WeasyPrint 70 asserted on " \n" it had to collapse inside a footnote.
    cell = m.Table(header=(), rows=(((), (m.Text("\n"),)),), align=(), caption=())
    note = m.Note((cell,))
    article = m.Article(title="Catatan", lang="id", body=(m.Paragraph((m.Text("Teks"), note, m.Text(" lagi."))),))
    path, log = render(article, "default", tmp_path / "note.pdf")
    assert path.read_bytes().startswith(b"%PDF-") and not log
