"""The one check every image passes before anything decodes it: what it is is decided by its content.

A file's name, a ``data:`` URL's declared type or an HTTP ``Content-Type`` say nothing here: the
bytes are sniffed. A raster image (anything Pillow recognises) has its size read from its header
only (Pillow's ``Image.open`` is lazy) and is refused over the pixel limit; an SVG is parsed
without entities or network and refused when it is broken, too large, nested too deep, expands
too many elements through ``<use>``, refers outside itself other than by ``<image>``, or when an
image it shows (a file, a ``data:`` URL, another SVG) is refused by this same check. Content that
is neither (a font, a stylesheet) is :data:`None`: the caller decides whether it needed an image.

:class:`opedexport.fetch.Fetcher` runs this check on everything it reads, so it holds for every
exporter and for every resource WeasyPrint asks for, including the rasters inside an SVG.
"""

from __future__ import annotations

import io
import re
import urllib.parse
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = [
    "DEFAULT_MAX_SVG_BYTES",
    "DEFAULT_MAX_SVG_DEPTH",
    "DEFAULT_MAX_SVG_ELEMENTS",
    "DEFAULT_MAX_SVG_IMAGES",
    "DEFAULT_MAX_SVG_NESTING",
    "ImageInfo",
    "ImageRefused",
    "SvgLimits",
    "inspect_image",
]

#: An SVG larger than this many bytes is refused.
DEFAULT_MAX_SVG_BYTES = 5 * 1024 * 1024
#: An SVG with more elements than this, counting each ``<use>`` as a copy of what it shows, is refused.
DEFAULT_MAX_SVG_ELEMENTS = 100_000
#: An SVG whose elements nest deeper than this (through ``<use>`` too) is refused.
DEFAULT_MAX_SVG_DEPTH = 128
#: An SVG with more ``<image>`` elements than this is refused.
DEFAULT_MAX_SVG_IMAGES = 1_000
#: An SVG shown by an SVG shown by … deeper than this is refused.
DEFAULT_MAX_SVG_NESTING = 3

#: Raster formats Pillow opens only through an outside program (Ghostscript): never accepted.
_EXTERNAL_DECODERS = frozenset({"EPS"})
#: The first bytes of font files, which are never images (and must not be mistaken for one).
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"typ1", b"ttcf", b"wOFF", b"wOF2")
_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
#: What an attribute (``fill``, ``mask``, ``style`` …) may draw again by naming it: ``url(#id)``.
_URL_FRAGMENT = re.compile(r"""url\(\s*['"]?#([^'")\s]+)""")
_DRAWN_BY_REFERENCE = frozenset({"pattern", "mask", "clipPath", "marker"})
_WIDE_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SVG_MARKERS = (b"<svg", "<svg".encode("utf-16-le"), "<svg".encode("utf-16-be"))
_BOMB_SIZE = re.compile(r"\((\d+) pixels\)")

Resolve = Callable[[str], bytes]
"""Reads the resource at an absolute URL an SVG refers to; raises :class:`ImageRefused` saying why it cannot."""


class ImageRefused(Exception):
    """The data is an image that must not be embedded; the message says why (one line, no file name)."""


@dataclass(frozen=True, slots=True)
class SvgLimits:
    """The bounds an SVG must stay within.

    Each defaults to the module's ``DEFAULT_MAX_SVG_*`` as it is when the limits are made, so setting
    (say) ``opedexport.images.DEFAULT_MAX_SVG_ELEMENTS`` changes the limit for every export that follows.
    """

    max_bytes: int = field(default_factory=lambda: DEFAULT_MAX_SVG_BYTES)
    max_elements: int = field(default_factory=lambda: DEFAULT_MAX_SVG_ELEMENTS)
    max_depth: int = field(default_factory=lambda: DEFAULT_MAX_SVG_DEPTH)
    max_images: int = field(default_factory=lambda: DEFAULT_MAX_SVG_IMAGES)
    max_nesting: int = field(default_factory=lambda: DEFAULT_MAX_SVG_NESTING)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    """What :func:`inspect_image` found."""

    kind: Literal["raster", "svg"]
    format: str
    """Pillow's format name (``PNG``, ``JPEG`` …) or ``SVG``."""
    media_type: str
    """The media type of the content (not of the name): ``image/png``, ``image/svg+xml`` …"""
    width: int | None = None
    """Width in pixels (a raster image's), ``None`` for an SVG."""
    height: int | None = None
    """Height in pixels (a raster image's), ``None`` for an SVG."""

    @property
    def pixels(self) -> int:
        """Width × height, 0 for an SVG."""
        return (self.width or 0) * (self.height or 0)


@dataclass(slots=True)
class _Budget:
    """What the SVGs of one check may still use, shared with the SVGs they show."""

    elements: int
    pixels: int


def inspect_image(
    data: bytes,
    *,
    max_pixels: int,
    url: str = "",
    resolve: Resolve | None = None,
    svg_limits: SvgLimits | None = None,
) -> ImageInfo | None:
    """What ``data`` is, decided by its content; ``None`` when it is not an image at all.

    :param max_pixels: a raster image with more pixels than this is refused; so are the rasters
        an SVG shows, whose pixels together must stay within it.
    :param url: where ``data`` came from; an SVG's relative references resolve against it.
    :param resolve: reads what an SVG's ``<image>`` elements show; ``None`` refuses any SVG that shows one.
    :param svg_limits: the bounds of an SVG (:class:`SvgLimits` by default).
    :raises ImageRefused: for an image over a limit, a broken SVG, an image format read by an
        outside program, or an SVG showing an image that is refused.
    """
    limits = svg_limits or SvgLimits()
    return _inspect(data, url, resolve, limits, _Budget(limits.max_elements, max_pixels), max_pixels, 0)


def _inspect(
    data: bytes,
    url: str,
    resolve: Resolve | None,
    limits: SvgLimits,
    budget: _Budget,
    max_pixels: int,
    nesting: int,
) -> ImageInfo | None:
    if data.startswith(_FONT_MAGIC):
        return None
    if _is_markup(data):
        return _svg(data, url, resolve, limits, budget, max_pixels, nesting)
    return _raster(data, max_pixels)


def _is_markup(data: bytes) -> bool:
    """Whether ``data`` may be XML (which WeasyPrint tries as SVG when Pillow cannot read it)."""
    if data.startswith(_WIDE_BOMS):
        return True
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n\x00")
    return head.startswith(b"<")


# --------------------------------------------------------------------------- raster images


def _raster(data: bytes, max_pixels: int) -> ImageInfo | None:
    from PIL import Image

    with warnings.catch_warnings():
        # Pillow warns past its own (larger) limit; the limit here is checked below.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))  # reads the header only
        except Image.DecompressionBombError as exc:  # more pixels than Pillow even opens
            found = _BOMB_SIZE.search(str(exc))
            claimed = f"{int(found[1])} pixels" if found else "more pixels than Pillow opens"
            raise ImageRefused(f"{claimed} is over the limit of {max_pixels}") from None
        except Exception:  # Pillow raises many kinds (UnidentifiedImageError, SyntaxError …) for what it cannot read
            return None
    with image:
        fmt = image.format or ""
        width, height = image.size
        if fmt in _EXTERNAL_DECODERS:
            raise ImageRefused(f"an image in {fmt} format, which only an outside program decodes")
        if width * height > max_pixels:
            raise ImageRefused(f"{width}×{height} pixels is over the limit of {max_pixels}")
        try:
            image.verify()  # checksums and structure, without decoding the pixels
        except Exception as exc:  # as above: many kinds
            raise ImageRefused(f"a damaged {fmt} image ({exc or type(exc).__name__})") from None
    media_type = Image.MIME.get(fmt, f"image/{fmt.lower()}")
    return ImageInfo("raster", fmt, media_type, width, height)


# --------------------------------------------------------------------------- SVG


def _svg(
    data: bytes,
    url: str,
    resolve: Resolve | None,
    limits: SvgLimits,
    budget: _Budget,
    max_pixels: int,
    nesting: int,
) -> ImageInfo | None:
    from lxml import etree

    if len(data) > limits.max_bytes:
        raise ImageRefused(f"an SVG (or other markup) of {len(data)} bytes is over the limit of {limits.max_bytes}")
    if b"<!ENTITY" in data or "<!ENTITY".encode("utf-16-le") in data or "<!ENTITY".encode("utf-16-be") in data:
        raise ImageRefused("an SVG that declares XML entities (not allowed: they can expand without bound)")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        why = re.sub(r"\s*\(<string>, line \d+\)$", "", str(exc))
        if any(marker in data for marker in _SVG_MARKERS) or "Excessive depth" in why:
            raise ImageRefused(f"a broken SVG ({why})") from None
        return None  # markup, but not SVG
    is_svg = isinstance(root.tag, str) and etree.QName(root).localname == "svg"
    if nesting >= limits.max_nesting:
        raise ImageRefused(f"SVG images nest more than {limits.max_nesting} deep")
    elements = [el for el in root.iter() if isinstance(el.tag, str)]
    _check_expansion(root, elements, limits, budget)
    refs = _image_references(elements, url, limits)
    if not is_svg:
        return None  # XML, but not an image; bounded all the same, as WeasyPrint may try it as SVG
    if refs and resolve is None:
        raise ImageRefused("an SVG that shows other images, which cannot be read here")
    seen: set[str] = set()
    for ref in refs:
        if ref in seen:
            continue
        seen.add(ref)
        shown = ref if len(ref) < 80 else ref[:77] + "..."
        try:
            assert resolve is not None
            info = _inspect(resolve(ref), ref, resolve, limits, budget, max_pixels, nesting + 1)
        except ImageRefused as exc:
            raise ImageRefused(f"an SVG showing {shown}, refused: {exc}") from None
        if info is None:
            raise ImageRefused(f"an SVG showing {shown}, which is not an image")
        budget.pixels -= info.pixels
        if budget.pixels < 0:
            raise ImageRefused(f"an SVG whose images together are over the limit of {max_pixels} pixels")
    return ImageInfo("svg", "SVG", "image/svg+xml")


def _localname(el: Any) -> str:
    tag: str = el.tag
    return tag.rpartition("}")[2]


def _check_expansion(root: Any, elements: list[Any], limits: SvgLimits, budget: _Budget) -> None:
    """Count the elements as drawn, each ``<use>`` a copy of what it refers to, and their depth.

    A chain of ``<use>`` elements each showing the previous one several times (the SVG form of the
    "billion laughs") multiplies; the count stops at the limit, so the check itself stays small.
    A pattern, mask, clip path or marker an attribute names (``fill="url(#p)"``) counts as a copy
    too, once per element naming it (a marker drawn at every vertex of a path counts once).
    """
    by_id = {el.get("id"): el for el in elements if el.get("id")}
    done: dict[Any, tuple[int, int]] = {}  # element → (elements drawn, height)
    active: set[Any] = set()

    def shows(el: Any) -> list[Any]:
        """What ``el`` draws besides its children: a ``<use>``'s element, the patterns, masks,
        clip paths and markers its attributes name with ``url(#…)``.
        """
        shown = []
        if _localname(el) == "use":
            href = (el.get(_XLINK_HREF) or el.get("href") or "").strip()
            if href.startswith("#") and href[1:] in by_id:
                shown.append(by_id[href[1:]])
        for value in el.attrib.values():
            if "url(" in value:
                for name in _URL_FRAGMENT.findall(value):
                    other = by_id.get(name)
                    if other is not None and _localname(other) in _DRAWN_BY_REFERENCE:
                        shown.append(other)
        return shown

    def visit(el: Any, depth: int) -> tuple[int, int]:
        if depth > limits.max_depth:
            raise ImageRefused(f"an SVG whose elements nest more than {limits.max_depth} deep")
        hit = done.get(el)
        if hit is not None:
            if depth + hit[1] - 1 > limits.max_depth:
                raise ImageRefused(f"an SVG whose elements nest more than {limits.max_depth} deep")
            return hit
        if el in active:
            raise ImageRefused("an SVG whose <use> (or url(#…) reference) shows itself")
        active.add(el)
        count, height = 1, 1
        for child in [*(c for c in el if isinstance(c.tag, str)), *shows(el)]:
            c_count, c_height = visit(child, depth + 1)
            count += c_count
            height = max(height, c_height + 1)
            if count > budget.elements:
                raise ImageRefused(
                    f"an SVG of more than {limits.max_elements} elements once its <use> elements "
                    "(and the patterns, masks, clip paths and markers it names) are expanded"
                )
        active.discard(el)
        done[el] = (count, height)
        return count, height

    count, _ = visit(root, 1)
    budget.elements -= count


def _image_references(elements: list[Any], url: str, limits: SvgLimits) -> list[str]:
    """The absolute URLs of what the SVG's ``<image>`` elements show.

    :raises ImageRefused: when another element refers outside the SVG, or there are too many images.
    """
    refs: list[str] = []
    for el in elements:
        href = (el.get(_XLINK_HREF) or el.get("href") or "").strip()
        if not href or href.startswith("#"):
            continue
        name = _localname(el)
        if name == "a":
            continue  # a link, never fetched
        if name not in ("image", "feImage"):
            shown = href if len(href) < 80 else href[:77] + "..."
            raise ImageRefused(f"an SVG whose <{name}> refers outside it ({shown})")
        if href.startswith("data:"):
            refs.append(href)
            continue
        base = url
        xml_base = el.get(_XML_BASE)
        if xml_base:
            base = urllib.parse.urljoin(base, xml_base)
        refs.append(urllib.parse.urljoin(base, href) if base else href)
    if len(refs) > limits.max_images:
        raise ImageRefused(f"an SVG with more than {limits.max_images} images")
    return refs
