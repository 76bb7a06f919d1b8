"""Cover images: the article's own, or one drawn from its title, byline and publication in the theme's look.

Shared by the exporters: the EPUB needs a raster cover image, and the DOCX and
PDF may use the same one. Everything here is deterministic (same article and
theme, same bytes) so that exports are reproducible.

:func:`cover_for` is the entry point: it reads :attr:`Article.cover
<opedexport.model.Article.cover>` through a :class:`~opedexport.fetch.Fetcher`
that trusts only the article's folder and the theme's folders, and falls back
to :func:`generate_cover` when the article has none or it is refused.
:func:`prepare_image` checks any fetched image with Pillow and converts what
e-readers cannot show into PNG.
"""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from PIL import Image, ImageDraw, ImageFont

from ..fetch import Fetcher
from ..i18n import format_article_date, join_names, labels_for
from ..model import Article
from ..theme import Theme
from ._common import kicker_text

__all__ = [
    "COVER_SIZE",
    "SVG_TYPE",
    "CoverImage",
    "cover_alt_text",
    "cover_for",
    "fetch_image",
    "generate_cover",
    "prepare_image",
]

#: Width and height in pixels of a generated cover (the 1:1.6 ratio e-book stores ask for).
COVER_SIZE: tuple[int, int] = (1600, 2560)

#: Raster formats every EPUB reader shows, by Pillow's format name: (media type, file extension).
_CORE_FORMATS: dict[str, tuple[str, str]] = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "GIF": ("image/gif", "gif"),
}

#: The media type of an SVG image, which an EPUB and a web page take as it is (see :func:`fetch_image`).
SVG_TYPE = "image/svg+xml"

FontLike = ImageFont.FreeTypeFont | ImageFont.ImageFont


@dataclass(frozen=True, slots=True)
class CoverImage:
    """A cover (or any prepared image): encoded bytes and what an exporter needs to embed them."""

    data: bytes
    """The encoded image."""
    media_type: str
    """``image/png``, ``image/jpeg``, ``image/gif``, or ``image/svg+xml`` for a figure (never a cover)."""
    width: int
    """Width in pixels (0 for an SVG)."""
    height: int
    """Height in pixels (0 for an SVG)."""
    generated: bool = False
    """``True`` when drawn by :func:`generate_cover`, ``False`` for the article's own image."""

    @property
    def extension(self) -> str:
        """The file extension for :attr:`media_type`, without the dot (``"png"``)."""
        for media_type, ext in _CORE_FORMATS.values():
            if media_type == self.media_type:
                return ext
        return "svg" if self.media_type == SVG_TYPE else "bin"


# --------------------------------------------------------------------------- reading images


def prepare_image(data: bytes) -> CoverImage | None:
    """Check ``data`` is a raster image Pillow can decode, and make it one every e-reader shows.

    JPEG, PNG and GIF are kept byte for byte; other formats Pillow reads (WebP,
    TIFF, BMP …) are converted to PNG. Returns ``None`` for data that is not an
    image Pillow can decode, or that is too large to decode safely (a
    decompression bomb). SVG is not accepted: it can carry scripts.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format or ""
                probe.verify()
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                width, height = img.size
                if fmt in _CORE_FORMATS:
                    return CoverImage(data, _CORE_FORMATS[fmt][0], width, height)
                converted = img.convert("RGBA" if _has_alpha(img) else "RGB")
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None
    out = io.BytesIO()
    converted.save(out, format="PNG")
    return CoverImage(out.getvalue(), "image/png", width, height)


def _has_alpha(img: Image.Image) -> bool:
    return img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info)


def read_cover(article: Article, fetcher: Fetcher) -> CoverImage | None:
    """The article's own cover image through ``fetcher``; ``None`` when it has none.

    A cover that is refused, missing or not an image is reported as a
    :class:`~opedexport.errors.ResourceRefusedWarning` (by the fetcher) and gives ``None``.
    """
    if not article.cover:
        return None
    return fetch_image(fetcher, fetcher.to_url(article.cover, article.base_dir))


def fetch_image(fetcher: Fetcher, url: str, *, svg: bool = False) -> CoverImage | None:
    """The image at ``url`` through ``fetcher``, ready to embed; ``None`` (with a warning) when refused,
    missing or not an image.

    :param svg: accept an SVG too (for an EPUB's or a web page's figure), when it holds no script and
        refers to nothing outside itself (see :func:`~opedexport.exporters._svg.packaged_svg`).
    """
    fetched = fetcher.fetch_image_or_none(url)  # the image check, by content, before Pillow decodes it
    if fetched is None:
        return None
    if svg and fetched[1] == SVG_TYPE:
        from ..fetch import Refused
        from ..images import ImageRefused
        from ._svg import packaged_svg

        def embed(ref: str) -> str:  # a raster the SVG shows, read under the same rules, as a data: URL
            shown = ref if len(ref) < 80 else ref[:77] + "..."
            try:
                data, media_type = fetcher.fetch(ref)  # passed the image check with the SVG already
            except Refused as exc:
                raise ImageRefused(f"an SVG showing {shown}, refused: {exc}") from None
            image = prepare_image(data) if media_type != SVG_TYPE else None
            if image is None:
                raise ImageRefused(f"an SVG showing {shown}, which is not a raster image that can be embedded")
            return f"data:{image.media_type};base64,{base64.b64encode(image.data).decode('ascii')}"

        try:
            return CoverImage(packaged_svg(fetched[0], url=url, embed=embed), SVG_TYPE, 0, 0)
        except ImageRefused as exc:
            fetcher.refuse(url, str(exc))
            return None
    image = prepare_image(fetched[0])
    if image is None:
        fetcher.refuse(url, "not an image that can be embedded (JPEG, PNG, GIF, or a raster format Pillow reads)")
    return image


def cover_for(
    article: Article,
    theme: Theme,
    *,
    allow_hosts: Iterable[str] = (),
    fetcher: Fetcher | None = None,
) -> CoverImage:
    """The article's cover if it has one that can be read, else one generated by :func:`generate_cover`.

    :param allow_hosts: hosts an http(s) cover may come from (none by default).
    :param fetcher: the fetcher to use; by default one whose roots are the
        article's folder and the theme's folders.
    """
    if fetcher is None:
        fetcher = Fetcher([article.base_dir, *theme.template_dirs], allow_hosts=allow_hosts)
    return read_cover(article, fetcher) or generate_cover(article, theme)


def cover_alt_text(article: Article, cover: CoverImage, *, by_label: str | None = None) -> str:
    """Alternative text for ``cover``: what a generated cover shows, or the article's title for its own image.

    :param by_label: the words before the names (default: the language's "By"; a book's cover
        names its editors, "Edited by").
    """
    labels = labels_for(article.lang)
    if not cover.generated:
        return f"{labels.cover}: {article.title}"
    parts = [article.title]
    if article.authors:
        by = labels.by if by_label is None else by_label
        parts.append(f"{by} {join_names([a.name for a in article.authors], article.lang)}")
    if article.publication:
        parts.append(article.publication)
    return ". ".join(p.rstrip(".") for p in parts) + "."


# --------------------------------------------------------------------------- drawing a cover


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    r, g, bl = (round(x + (y - x) * t) for x, y in zip(a, b, strict=True))
    return r, g, bl


def _font(path: Path | None, size: int) -> FontLike:
    if path is not None:
        try:
            return ImageFont.truetype(str(path), size)
        except OSError:
            pass
    return ImageFont.load_default(size)


def _width(font: FontLike, text: str) -> float:
    return float(font.getlength(text))


def _wrap(text: str, font: FontLike, width: float) -> list[str]:
    """Break ``text`` into lines no wider than ``width`` (a word longer than the line stands alone)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if not line or _width(font, candidate) <= width:
            line = candidate
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def _clip(lines: list[str], font: FontLike, width: float, max_lines: int) -> list[str]:
    """At most ``max_lines`` lines, the last ending in an ellipsis when text was cut."""
    if len(lines) <= max_lines:
        return lines
    kept = lines[:max_lines]
    last = kept[-1]
    while last and _width(font, last + "…") > width:
        last = last[:-1].rstrip()
    kept[-1] = last + "…"
    return kept


def generate_cover(
    article: Article,
    theme: Theme,
    *,
    size: tuple[int, int] = COVER_SIZE,
    format: Literal["PNG", "JPEG"] = "JPEG",
) -> CoverImage:
    """Draw a cover: kicker and publication, title, dek, byline and date, in the theme's fonts and colours.

    The page is the theme's accent colour; text is set in whichever of the
    theme's text and background colours contrasts more with it. The title is
    set as large as fits. The same article and theme always give the same bytes.
    """
    width, height = size
    unit = width / 1600
    labels = labels_for(article.lang)
    heading, body = theme.fonts["heading"], theme.fonts["body"]
    accent = _rgb(theme.colors.accent)
    candidates = [_rgb(theme.colors.background), _rgb(theme.colors.text), (255, 255, 255), (0, 0, 0)]
    ink = max(candidates[:2], key=lambda c: _contrast(c, accent))
    if _contrast(ink, accent) < 4.5:
        ink = max(candidates, key=lambda c: _contrast(c, accent))
    soft = _mix(ink, accent, 0.22)

    img = Image.new("RGB", size, accent)
    draw = ImageDraw.Draw(img)
    margin = round(130 * unit)
    text_width = width - 2 * margin

    # Kicker: "OPINI · DEPOKPOS" with a rule under it.
    y = margin
    kicker_font = _font(heading.bold or heading.regular, round(52 * unit))
    kicker = kicker_text(article, labels, "  ·  ")
    kicker_lines = _clip(_wrap(kicker.upper(), kicker_font, text_width), kicker_font, text_width, 2)
    for line in kicker_lines:
        draw.text((margin, y), line, font=kicker_font, fill=ink)
        y += round(70 * unit)
    y += round(24 * unit)
    draw.rectangle((margin, y, width - margin, y + max(2, round(7 * unit))), fill=ink)
    y += round(110 * unit)

    # Byline and date, anchored to the foot of the page.
    foot: list[tuple[str, FontLike, tuple[int, int, int], int]] = []
    if article.authors:
        names = join_names([a.name for a in article.authors], article.lang)
        author_font = _font(body.bold or body.regular, round(68 * unit))
        for line in _clip(_wrap(names, author_font, text_width), author_font, text_width, 3):
            foot.append((line, author_font, ink, round(88 * unit)))
    if article.date is not None:
        date_font = _font(body.regular, round(50 * unit))
        foot.append((format_article_date(article.date, article.lang), date_font, soft, round(70 * unit)))
    foot_height = sum(step for *_, step in foot)
    foot_top = height - margin - foot_height
    if foot:
        rule_y = foot_top - round(50 * unit)
        draw.rectangle((margin, rule_y, margin + round(220 * unit), rule_y + max(2, round(5 * unit))), fill=ink)
        fy = foot_top
        for line, font, fill, step in foot:
            draw.text((margin, fy), line, font=font, fill=fill)
            fy += step

    # Dek under the title, at a fixed size; the title takes what room is left, as large as fits.
    dek_lines: list[str] = []
    dek_font = _font(heading.italic or heading.regular, round(62 * unit))
    dek_step = round(84 * unit)
    if article.subtitle:
        dek_lines = _clip(_wrap(article.subtitle, dek_font, text_width), dek_font, text_width, 5)
    room = foot_top - round(150 * unit) - y - (len(dek_lines) * dek_step + round(70 * unit) if dek_lines else 0)
    title_path = heading.bold or heading.regular
    title_size = round(176 * unit)
    while True:
        title_font = _font(title_path, title_size)
        step = round(title_size * 1.12)
        lines = _wrap(article.title, title_font, text_width)
        fits = len(lines) * step <= room and all(_width(title_font, ln) <= text_width for ln in lines)
        if fits or title_size <= round(64 * unit):
            break
        title_size -= max(1, round(6 * unit))
    lines = _clip(lines, title_font, text_width, max(1, room // step))
    for line in lines:
        draw.text((margin, y), line, font=title_font, fill=ink)
        y += step
    if dek_lines:
        y += round(70 * unit)
        for line in dek_lines:
            draw.text((margin, y), line, font=dek_font, fill=soft)
            y += dek_step

    out = io.BytesIO()
    if format == "JPEG":
        img.save(out, format="JPEG", quality=90)  # ~10 ms; a PNG of this size takes 70-140 ms
        media_type = "image/jpeg"
    else:
        img.save(out, format="PNG", compress_level=6)  # optimize=True costs ~0.25 s for a few KB
        media_type = "image/png"
    return CoverImage(out.getvalue(), media_type, width, height, generated=True)
