"""The image check: what an image is comes from its content, never its name, and it is bounded before decoding.

The bombs here are built in the test: a valid PNG header declaring 13000×13000 pixels (169 million,
over the 40-million default) with a few rows of zlib data. Nothing decodes them: a build that did
would need about 700 MB and seconds, which the subprocess test below would see.
"""

from __future__ import annotations

import base64
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import DATA, REPO
from opedexport import api, images
from opedexport.errors import ResourceRefusedWarning
from opedexport.fetch import Fetcher, Refused
from opedexport.images import ImageRefused, SvgLimits, inspect_image

CHART = (DATA / "images" / "chart.png").read_bytes()
FORMATS = ("pdf", "epub", "docx")
SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
OVER = r"13000×13000 pixels is over the limit of 40000000"


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 13000, height: int = 13000) -> bytes:
    """A small, valid PNG whose header declares ``width`` × ``height`` RGB pixels (only four rows of data)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress((b"\0" * (1 + 3 * width)) * 4, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", rows) + _chunk(b"IEND", b"")


def use_bomb(levels: int = 9, fan: int = 10) -> bytes:
    """An SVG whose ``<use>`` chain draws ``fan ** levels`` rectangles from a few dozen elements."""
    parts = ['<g id="l0"><rect width="1" height="1"/></g>']
    for level in range(1, levels + 1):
        uses = "".join(f'<use href="#l{level - 1}"/>' for _ in range(fan))
        parts.append(f'<g id="l{level}">{uses}</g>')
    return f'<svg {SVG_NS} width="10" height="10"><defs>{"".join(parts)}</defs><use href="#l{levels}"/></svg>'.encode()


def svg_showing(href: str) -> bytes:
    return f'<svg {SVG_NS} width="100" height="100"><image href="{href}" width="100" height="100"/></svg>'.encode()


def data_url(data: bytes, media_type: str = "application/octet-stream") -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


def article_with(folder: Path, *figures: str) -> Path:
    """A Markdown article in ``folder`` showing each of ``figures`` between paragraphs."""
    body = "\n\n".join(f"![figure {i}]({src})" for i, src in enumerate(figures))
    path = folder / "article.md"
    path.write_text(f"---\ntitle: Images\nlang: en\n---\n\nBefore.\n\n{body}\n\nAfter.\n", encoding="utf-8")
    return path


def export_warning(path: Path, fmt: str, match: str) -> tuple[bytes, list[str]]:
    """Export the article at ``path`` to ``fmt``, requiring a refusal matching ``match``; return the bytes and refusals."""
    article = api.read(path)
    with pytest.warns(ResourceRefusedWarning, match=match) as caught:
        data = api.export_bytes(article, fmt)
    assert isinstance(data, bytes)
    return data, [str(w.message) for w in caught if issubclass(w.category, ResourceRefusedWarning)]


def no_figure_in(fmt: str, data: bytes) -> None:
    """The output holds no figure image (the EPUB only its generated cover)."""
    if fmt == "pdf":
        assert len(data) < 200_000, len(data)
        assert b"/Subtype /Image" not in data
        return
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    if fmt == "docx":
        assert not [n for n in names if n.startswith("word/media/")], names
    else:
        assert all("cover" in n for n in names if "images/" in n), names


# --------------------------------------------------------------------------- the check itself


def test_a_png_is_sized_from_its_header_whatever_it_is_called() -> None:
    with pytest.raises(ImageRefused, match=OVER):
        inspect_image(png_bomb(), max_pixels=40_000_000)
    info = inspect_image(CHART, max_pixels=40_000_000)
    assert info is not None and (info.kind, info.media_type) == ("raster", "image/png")


def test_a_damaged_raster_and_one_only_an_outside_program_decodes_are_refused() -> None:
    with pytest.raises(ImageRefused, match=r"a damaged PNG image \("):
        inspect_image(CHART[: len(CHART) // 2], max_pixels=40_000_000)
    eps = b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n%%EndComments\nshowpage\n"
    with pytest.raises(ImageRefused, match="EPS format, which only an outside program decodes"):
        inspect_image(eps, max_pixels=40_000_000)


def test_the_svg_defaults_are_read_when_the_check_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(images, "DEFAULT_MAX_SVG_ELEMENTS", 5)
    with pytest.raises(ImageRefused, match="more than 5 elements"):
        inspect_image(f"<svg {SVG_NS}>{'<g/>' * 5}</svg>".encode(), max_pixels=1)


def test_what_is_no_image_is_none() -> None:
    assert inspect_image(b"plain text, named bomb.png perhaps", max_pixels=1) is None
    assert inspect_image(b"wOF2\x00\x01\x00\x00" + bytes(64), max_pixels=1) is None  # a font
    assert inspect_image(b"<html><body>page</body></html>", max_pixels=1) is None


def test_an_svg_use_chain_is_stopped_at_the_element_limit() -> None:
    with pytest.raises(ImageRefused, match=r"more than 100000 elements once its <use> elements"):
        inspect_image(use_bomb(), max_pixels=1)
    info = inspect_image(use_bomb(levels=2), max_pixels=1)  # 100 rectangles: fine
    assert info is not None and info.media_type == "image/svg+xml"


def test_an_svg_pattern_chain_counts_as_an_expansion() -> None:
    # The same "billion laughs" through fill="url(#…)": each pattern fills ten shapes with the previous one.
    parts = ['<pattern id="p0"><rect width="1" height="1"/></pattern>']
    for level in range(1, 8):
        rects = "".join(f'<rect width="1" height="1" fill="url(#p{level - 1})"/>' for _ in range(10))
        parts.append(f'<pattern id="p{level}">{rects}</pattern>')
    svg = f"<svg {SVG_NS}><defs>{''.join(parts)}</defs><rect style=\"fill: url('#p7')\"/></svg>".encode()
    with pytest.raises(ImageRefused, match=r"more than 100000 elements once its <use> elements \(and the patterns"):
        inspect_image(svg, max_pixels=1)


def test_an_svg_use_that_shows_itself_is_refused() -> None:
    svg = f'<svg {SVG_NS}><g id="a"><rect/><use href="#a"/></g></svg>'.encode()
    with pytest.raises(ImageRefused, match="shows itself"):
        inspect_image(svg, max_pixels=1)


def test_svg_depth_and_size_are_bounded() -> None:
    deep = f"<svg {SVG_NS}>{'<g>' * 200}{'</g>' * 200}</svg>".encode()
    with pytest.raises(ImageRefused, match="nest more than 128 deep"):
        inspect_image(deep, max_pixels=1)
    deeper = b"<foo>" + b"<g>" * 300 + b"</g>" * 300 + b"</foo>"  # past the XML parser's own depth limit
    with pytest.raises(ImageRefused, match="Excessive depth"):
        inspect_image(deeper, max_pixels=1)
    big = f"<svg {SVG_NS}><desc>{'x' * 2000}</desc></svg>".encode()
    with pytest.raises(ImageRefused, match=r"bytes is over the limit of 1000"):
        inspect_image(big, max_pixels=1, svg_limits=SvgLimits(max_bytes=1000))


def test_svg_entities_and_references_outside_are_refused() -> None:
    entities = (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'
    )
    with pytest.raises(ImageRefused, match="declares XML entities"):
        inspect_image(entities, max_pixels=1)
    outside = f'<svg {SVG_NS}><use href="sprite.svg#icon"/></svg>'.encode()
    with pytest.raises(ImageRefused, match=r"<use> refers outside it \(sprite\.svg#icon\)"):
        inspect_image(outside, max_pixels=1, url="file:///x/figure.svg")


def test_an_svg_in_utf16_is_checked_too() -> None:
    # WeasyPrint's XML parser reads UTF-16; a check that looked for "<svg" in bytes would miss it.
    svg = use_bomb().decode().encode("utf-16")
    with pytest.raises(ImageRefused, match="elements once its <use> elements"):
        inspect_image(svg, max_pixels=1)


def test_a_broken_svg_is_refused_with_the_parser_message() -> None:
    with pytest.raises(ImageRefused, match=r"a broken SVG \(Opening and ending tag mismatch: rect"):
        inspect_image(f"<svg {SVG_NS}><rect></svg>".encode(), max_pixels=1)


def test_the_rasters_an_svg_shows_share_the_pixel_limit() -> None:
    with pytest.raises(ImageRefused, match=rf"an SVG showing data:application/octet-stream;base64,.*refused: {OVER}"):
        inspect_image(svg_showing(data_url(png_bomb())), max_pixels=40_000_000, resolve=lambda ref: png_bomb())
    with pytest.raises(ImageRefused, match="images together are over the limit of 1000 pixels"):
        inspect_image(
            f'<svg {SVG_NS}><image href="a.png"/><image href="b.png"/></svg>'.encode(),
            max_pixels=1000,
            url="file:///x/figure.svg",
            resolve=lambda ref: png_bomb(20, 30),  # 600 pixels each
        )


# --------------------------------------------------------------------------- the fetcher


def test_the_fetcher_checks_content_not_names(tmp_path: Path) -> None:
    (tmp_path / "bomb.bin").write_bytes(png_bomb())
    (tmp_path / "chart.bin").write_bytes(CHART)
    (tmp_path / "text.bin").write_bytes(b"no image")
    fetcher = Fetcher([tmp_path])
    with pytest.warns(ResourceRefusedWarning, match=rf"bomb\.bin: {OVER}"), pytest.raises(Refused):
        fetcher.fetch((tmp_path / "bomb.bin").as_uri())
    with pytest.warns(ResourceRefusedWarning, match=OVER), pytest.raises(Refused):
        fetcher.fetch(data_url(png_bomb()))
    assert fetcher.fetch_image((tmp_path / "chart.bin").as_uri()) == (CHART, "image/png")
    assert fetcher.fetch((tmp_path / "text.bin").as_uri())[0] == b"no image"  # a font or stylesheet may be so named
    with pytest.warns(ResourceRefusedWarning, match=r"text\.bin: not an image"), pytest.raises(Refused):
        fetcher.fetch_image((tmp_path / "text.bin").as_uri())


def test_an_svg_showing_a_file_outside_the_roots_is_refused(tmp_path: Path) -> None:
    (tmp_path / "figure.svg").write_bytes(svg_showing("file:///etc/passwd"))
    fetcher = Fetcher([tmp_path])
    with pytest.warns(
        ResourceRefusedWarning, match=r"figure\.svg: an SVG showing file:///etc/passwd, refused: outside"
    ):
        assert fetcher.fetch_image_or_none((tmp_path / "figure.svg").as_uri()) is None


# --------------------------------------------------------------------------- every exporter


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_png_bomb_named_bin_is_refused_by_every_exporter(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "bomb.bin").write_bytes(png_bomb())
    data, refusals = export_warning(article_with(tmp_path, "bomb.bin"), fmt, rf"bomb\.bin: {OVER}")
    assert len(refusals) == 1
    no_figure_in(fmt, data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rasters_inside_an_svg_figure_are_checked(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "bomb.bin").write_bytes(png_bomb())
    (tmp_path / "file.svg").write_bytes(svg_showing("bomb.bin"))
    (tmp_path / "inline.svg").write_bytes(svg_showing(data_url(png_bomb())))
    data, refusals = export_warning(article_with(tmp_path, "file.svg", "inline.svg"), fmt, OVER)
    assert any(f"file.svg: an SVG showing {(tmp_path / 'bomb.bin').as_uri()}, refused: " in r for r in refusals)
    assert any("inline.svg: an SVG showing data:application/octet-stream;base64," in r for r in refusals)
    assert len(refusals) == 2, refusals
    no_figure_in(fmt, data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_use_bomb_svg_figure_is_refused(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "laughs.svg").write_bytes(use_bomb())
    data, _ = export_warning(article_with(tmp_path, "laughs.svg"), fmt, r"laughs\.svg: an SVG of more than 100000")
    no_figure_in(fmt, data)


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_broken_svg_warns_naming_it(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "broken.svg").write_bytes(f"<svg {SVG_NS}><rect></svg>".encode())
    export_warning(article_with(tmp_path, "broken.svg"), fmt, r"broken\.svg: a broken SVG \(")


def test_a_good_svg_and_a_png_named_bin_still_print(tmp_path: Path) -> None:
    (tmp_path / "chart.bin").write_bytes(CHART)
    (tmp_path / "shape.svg").write_bytes(
        f'<svg {SVG_NS} width="50" height="50"><rect width="50" height="50"/></svg>'.encode()
    )
    data = api.export_bytes(api.read(article_with(tmp_path, "chart.bin", "shape.svg")), "pdf")
    assert isinstance(data, bytes) and b"/Subtype /Image" in data


def test_the_pdf_of_a_bomb_stays_small_in_memory(tmp_path: Path) -> None:
    # Before the check, WeasyPrint decoded the 13000×13000 image named .bin: a peak of about 700 MB.
    (tmp_path / "bomb.bin").write_bytes(png_bomb())
    (tmp_path / "inline.svg").write_bytes(svg_showing(data_url(png_bomb())))
    path = article_with(tmp_path, "bomb.bin", "inline.svg")
    script = (
        "import json, re, sys, warnings\n"
        "from opedexport import api\n"
        "warnings.simplefilter('ignore')\n"
        "data = api.export(api.read(sys.argv[1]), 'pdf')\n"
        # VmHWM is this program's own peak: getrusage's ru_maxrss keeps the peak of the process that
        # started it across exec, so in a long test run it reports pytest's size, not this export's
        "peak = int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1))\n"
        "print(json.dumps([len(data), peak]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        check=True,
    )
    size, peak_kib = json.loads(done.stdout.strip().splitlines()[-1])
    assert size < 200_000
    assert peak_kib < 400 * 1024, f"peak {peak_kib // 1024} MB"
