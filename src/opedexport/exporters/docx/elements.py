"""Constants and small helpers of the DOCX package's XML: language tags, section breaks, tables, pictures, URIs."""

from __future__ import annotations

import io
import urllib.parse
from collections.abc import Iterable
from typing import Any

from docx.image.image import Image as DocxImage
from docx.oxml.ns import qn
from lxml import etree

from .. import _docx_oxml as ox
from .styles import S

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_SECT_IN_P = f"{qn('w:pPr')}/{qn('w:sectPr')}"
_CORE_MAX = 255  # python-docx refuses longer core-property strings
#: A book's contents: the paragraphs at outline level 1 (``\o "1-1"``, by style and, ``\u``, by
#: paragraph), parts and article titles, not the articles' own headings; entries linked to their
#: titles (``\h``), without page numbers in Word's Web view (``\z``).
_TOC_FIELD = 'TOC \\o "1-1" \\h \\z \\u'
_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>opedexport</Application><DocSecurity>0</DocSecurity></Properties>"
)


def _tag_language(elements: Iterable[Any], lang: str) -> None:
    """Set ``w:lang`` on every run in ``elements``: the language of an article in a book of another.

    Only runs (not styles) carry it, so each article keeps the document's styles; an article in
    the book's own language inherits it from the document defaults.
    """
    if not lang or lang == "und":
        return
    for element in elements:
        for r in element.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            if rpr is None:
                rpr = ox.el("w:rPr")
                r.insert(0, rpr)
            ox.place(rpr, ox.language(lang), ox.RPR_ORDER)


def _restart_each_section() -> Any:
    """``w:numRestart``: footnote numbers start again in each section (each article of a book)."""
    return ox.el("w:numRestart", {"w:val": "eachSect"})


def _clip(value: str) -> str:
    return value if len(value) <= _CORE_MAX else value[: _CORE_MAX - 1] + "…"


_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


def _uri(url: str) -> str:
    """``url`` as an ASCII URI for a relationship target: Word calls a document corrupt when a
    hyperlink target is not a valid URI (a space, a raw non-ASCII letter).
    """
    parts = urllib.parse.urlsplit(url.strip())
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = urllib.parse.quote(host, safe="")
        netloc = urllib.parse.quote(userinfo, safe=_URI_SAFE) + at + host + colon + port
    path, query, fragment = (urllib.parse.quote(x, safe=_URI_SAFE) for x in (parts.path, parts.query, parts.fragment))
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, query, fragment))


def _table_skeleton(cols: int, col_width: int, *, header: bool, caption: str = "") -> Any:
    """An empty ``w:tbl`` in the article table style with its grid; rows are appended after.

    A table with a caption also carries it as its alternative text (``w:tblCaption``, Word's "Alt Text"
    title of a table), which screen readers announce on entering the table.
    """
    look = {
        "w:val": "0420" if header else "0400",
        "w:firstRow": "1" if header else "0",
        "w:lastRow": "0",
        "w:firstColumn": "0",
        "w:lastColumn": "0",
        "w:noHBand": "0",
        "w:noVBand": "1",
    }
    tblpr = ox.el(
        "w:tblPr",
        None,
        ox.el("w:tblStyle", {"w:val": S.TABLE}),
        ox.el("w:tblW", {"w:w": "0", "w:type": "auto"}),
        ox.el("w:tblLook", look),
    )
    if caption.strip():
        tblpr.append(ox.el("w:tblCaption", {"w:val": _clip(caption.strip())}))
    grid = ox.el("w:tblGrid", None, *(ox.el("w:gridCol", {"w:w": str(col_width)}) for _ in range(cols)))
    return ox.el("w:tbl", None, tblpr, grid)


def _word_image(data: bytes) -> io.BytesIO | None:
    """``data`` as a stream python-docx can place: as it is for PNG, JPEG, GIF, BMP and TIFF,
    converted to PNG by Pillow for anything else Pillow reads (WebP …); ``None`` otherwise (SVG …).
    """
    try:
        DocxImage.from_blob(data)
        return io.BytesIO(data)
    except Exception:  # python-docx raises several kinds for unknown or broken images
        pass
    try:
        from PIL import Image as PILImage  # only figures need it

        with PILImage.open(io.BytesIO(data)) as im:
            im.load()
            out = io.BytesIO()
            im.convert("RGBA" if "A" in im.getbands() else "RGB").save(out, format="PNG")
    except Exception:  # Pillow raises many kinds for unreadable data
        return None
    out.seek(0)
    return out


def _mark_decorative(doc_pr: Any) -> None:
    """Mark an image without alt text as decorative (Office's ``adec:decorative``), so screen
    readers skip it instead of reading its file name.
    """
    ext_lst = ox.el("a:extLst", None, ox.el("a:ext", {"uri": _DECORATIVE_EXT}))
    decorative = etree.SubElement(ext_lst[0], f"{{{_DECORATIVE_NS}}}decorative", nsmap={"adec": _DECORATIVE_NS})
    decorative.set("val", "1")
    doc_pr.append(ext_lst)
