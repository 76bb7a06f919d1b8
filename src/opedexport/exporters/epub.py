"""EPUB 3 export with ebooklib: reflowable, fonts embedded, EPUBCheck-clean and reproducible.

The book holds, in reading order, a cover page, a title page, the navigation
document (also the table of contents) and the article itself; the NCX is kept
for older readers. The article's XHTML comes from the shared model → HTML step
(:func:`~opedexport.exporters._html.render_article`) and is serialised by lxml;
the CSS is the theme's ``epub.css.j2`` (relative units, no page size).

ebooklib builds the package document (OPF), the navigation document and the
NCX. Content documents are added as plain :class:`ebooklib.epub.EpubItem`
holding our own XHTML, not as ``EpubHtml``: ``EpubHtml`` re-parses its content
with an HTML parser and rebuilds the document, dropping the ``<head>`` (charset,
stylesheet links, metadata) and the ``<body>`` attributes.

ebooklib writes the zip with the current time and its own order, so the
archive is written again: ``mimetype`` first and stored, then the container,
the package document and the rest in a fixed order, every entry dated
:func:`~opedexport.exporters.base.build_datetime`. With the same input (and
``SOURCE_DATE_EPOCH`` when set) the bytes are the same on every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import string
import uuid
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree
from lxml.builder import ElementMaker

from .. import model as m
from ..errors import ExportError
from ..fetch import Fetcher
from ..i18n import Labels, format_article_date, join_names, labels_for
from ..serialize import article_to_json
from ..theme import Theme
from ._cover import CoverImage, cover_alt_text, cover_for, prepare_image
from ._html import OPS_NS, XHTML_NS, Heading, css_for, render_article, to_xhtml_bytes
from .base import Exporter, Option, build_datetime

__all__ = ["EpubExporter", "epub_identifier"]

_EPUB_TYPE = f"{{{OPS_NS}}}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_FOLDER = "EPUB"
_CSS_NAME = "css/epub.css"
_COVER_PAGE = "text/cover.xhtml"
_TITLE_PAGE = "text/titlepage.xhtml"
_ARTICLE = "text/article.xhtml"
_NAV = "nav.xhtml"
_NOTES_ID = "notes"
_FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
# Characters a reader may draw in the theme's fonts beyond the text itself: list markers,
# generated content, quotes and dashes that CSS or a reading system may add.
_EXTRA_CHARS = string.printable.strip() + " \u00a0•◦▪–—‘’“”…·«»©®°×§¶†‡"
#: Namespace for identifiers derived from content (uuid5 of the article's JSON).
_CONTENT_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://opedexport.invalid/epub-identifier")


def epub_identifier(article: m.Article) -> str:
    """The book's stable ``urn:uuid:`` identifier.

    Derived with uuid5 from the article's canonical URL when it has one (every
    export of the same published article is the same book), else from the
    article's content as JSON. The same article always gets the same identifier.
    """
    if article.source_url:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, article.source_url)}"
    return f"urn:uuid:{uuid.uuid5(_CONTENT_NS, article_to_json(article, indent=None))}"


@dataclass
class _Images:
    """Figures read through the fetcher, stored once each as ``images/<sha1 prefix>.<ext>``."""

    fetcher: Fetcher
    base_dir: Path | None
    files: dict[str, CoverImage] = field(default_factory=dict)
    """File name inside the book folder → image."""
    by_src: dict[str, str | None] = field(default_factory=dict)

    def src_for(self, figure: m.Figure) -> str | None:
        """The ``src`` for the chapter (relative to ``text/``), or ``None`` to drop a refused image."""
        if figure.src in self.by_src:
            return self.by_src[figure.src]
        url = self.fetcher.to_url(figure.src, self.base_dir)
        result: str | None = None
        fetched = self.fetcher.fetch_or_none(url)
        if fetched is not None:
            image = prepare_image(fetched[0])
            if image is None:
                self.fetcher.refuse(url, "not an image that can be embedded (JPEG, PNG, GIF, or a format Pillow reads)")
            else:
                name = f"images/{hashlib.sha1(image.data).hexdigest()[:16]}.{image.extension}"
                self.files[name] = image
                result = f"../{name}"
        self.by_src[figure.src] = result
        return result


class EpubExporter(Exporter):
    """EPUB 3 with a navigation document and an NCX, the theme's fonts embedded, and a cover."""

    name: ClassVar[str] = "epub"
    suffix: ClassVar[str] = ".epub"
    media_type: ClassVar[str] = "application/epub+zip"
    description: ClassVar[str] = "EPUB 3 e-book: reflowable, fonts embedded, cover, footnotes, accessibility metadata"
    requires: ClassVar[tuple[str, ...]] = ("ebooklib",)
    options: ClassVar[Mapping[str, Option]] = {
        "subset_fonts": Option(
            True, "embed only the glyphs the article uses (much smaller file; needs fontTools)", (True, False)
        ),
    }

    def export(self, article: m.Article, theme: Theme, **options: Any) -> bytes:
        """Render ``article`` with ``theme`` as an EPUB 3 file and return its bytes.

        :param options: ``allow_hosts`` (hosts images may be fetched from) and ``subset_fonts``.
        :raises ExportError: when ebooklib cannot write the book.
        """
        from ebooklib import epub

        opts = self.resolve_options(options)
        allow_hosts = tuple(opts["allow_hosts"])
        labels = labels_for(article.lang)
        when = build_datetime(article)

        book = epub.EpubBook()
        book.FOLDER_NAME = _FOLDER
        book.set_identifier(epub_identifier(article))
        book.set_title(article.title)
        book.set_language(article.lang)
        _add_metadata(book, article)

        # The article: rendered once, figures fetched from the article's folder only.
        images = _Images(Fetcher([article.base_dir], allow_hosts=allow_hosts), article.base_dir)
        rendered = render_article(
            article, theme, target="epub", image_src=images.src_for, stylesheets=[f"../{_CSS_NAME}"]
        )
        root = rendered.root
        body = root.find(f"{{{XHTML_NS}}}body")
        if body is not None:
            body.set(_EPUB_TYPE, "bodymatter")
        notes_heading = _mark_notes(root)

        cover = cover_for(article, theme, allow_hosts=allow_hosts)
        cover_name = f"images/cover.{cover.extension}"
        cover_page = _cover_page(article, labels, cover, f"../{cover_name}")
        title_page = _title_page(article, labels)

        css = epub.EpubItem(
            uid="style", file_name=_CSS_NAME, media_type="text/css", content=css_for(theme, "epub").encode("utf-8")
        )
        book.add_item(css)
        text = " ".join(_text_of(t) for t in (root, cover_page, title_page)) + " " + labels.contents
        _add_fonts(book, theme, text if opts["subset_fonts"] else None)

        book.set_cover(cover_name, cover.data, create_page=False)
        for name, image in images.files.items():
            uid = "img-" + Path(name).stem
            book.add_item(epub.EpubImage(uid=uid, file_name=name, media_type=image.media_type, content=image.data))

        documents = [_document("cover", _COVER_PAGE, cover_page), _document("titlepage", _TITLE_PAGE, title_page)]
        nav = epub.EpubNav(uid="nav", file_name=_NAV, title=labels.contents)
        nav.add_item(css)
        chapter = _document("article", _ARTICLE, root)
        for item in (*documents, nav, chapter, epub.EpubNcx()):
            book.add_item(item)

        book.toc = _toc(article, rendered.headings, notes_heading)
        book.spine = [*documents, nav, chapter]
        book.guide = [
            {"href": _COVER_PAGE, "title": labels.cover, "type": "cover"},
            {"href": _NAV, "title": labels.contents, "type": "toc"},
            {"href": _ARTICLE, "title": article.title, "type": "text"},
        ]
        _add_accessibility(book, rendered.images, cover)

        raw = io.BytesIO()
        try:
            epub.write_epub(raw, book, {"mtime": when, "raise_exceptions": True, "epub3_pages": False})
        except Exception as exc:  # ebooklib raises bare exceptions
            raise ExportError(f"epub: ebooklib could not write the book: {exc}") from exc
        return _reproducible_zip(raw.getvalue(), when)


# --------------------------------------------------------------------------- metadata


def _add_metadata(book: Any, article: m.Article) -> None:
    """Dublin Core metadata: creators (each with its own id), date, publisher, subjects, description, rights."""
    for i, author in enumerate(article.authors, start=1):
        uid = f"creator{i}"
        book.add_metadata("DC", "creator", author.name, {"id": uid})
        book.add_metadata(None, "meta", "aut", {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"})
        if len(article.authors) > 1:
            book.add_metadata(None, "meta", str(i), {"refines": f"#{uid}", "property": "display-seq"})
    if article.date is not None:
        book.add_metadata("DC", "date", article.date.isoformat())
    if article.publication:
        book.add_metadata("DC", "publisher", article.publication)
    for tag in article.tags:
        if tag:
            book.add_metadata("DC", "subject", tag)
    description = article.summary or article.subtitle
    if description:
        book.add_metadata("DC", "description", description)
    if article.rights:
        book.add_metadata("DC", "rights", article.rights)
    if article.source_url:
        book.add_metadata("DC", "source", article.source_url)


def _add_accessibility(book: Any, figures: list[tuple[m.Figure, str]], cover: CoverImage) -> None:
    """schema.org accessibility metadata, each claim true of what this exporter writes."""
    has_alt = any(figure.alt for figure, _ in figures)
    modes = ["textual", "visual"]  # the cover is always an image
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if has_alt:
        features.insert(3, "alternativeText")

    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": f"schema:{prop}"})

    for mode in modes:
        meta("accessMode", mode)
    meta("accessModeSufficient", "textual")
    for feature in features:
        meta("accessibilityFeature", feature)
    meta("accessibilityHazard", "none")
    summary = [
        "Reflowable text with a table of contents, headings in document order and a logical reading order;",
        "text can be resized and restyled.",
        "Footnotes link to their notes and back.",
    ]
    if figures:
        summary.append(
            "Figures have text alternatives and captions." if has_alt else "Figures are decorative and marked so."
        )
    summary.append(
        "The cover shows the title, byline and publication, also given as text on the title page."
        if cover.generated
        else "The cover image has a text alternative naming the article."
    )
    summary.append("No flashing, motion or sound hazards.")
    book.add_metadata(None, "meta", " ".join(summary), {"property": "schema:accessibilitySummary", _XML_LANG: "en"})


# --------------------------------------------------------------------------- documents


def _maker() -> ElementMaker:
    return ElementMaker(namespace=XHTML_NS, nsmap={None: XHTML_NS, "epub": OPS_NS})


def _page(article: m.Article, title: str, body_type: str, body_class: str, *content: Any) -> Any:
    """A small XHTML page in the article's language, linked to the stylesheet."""
    E = _maker()
    root = E.html(
        E.head(
            E.meta(charset="utf-8"),
            E.title(title),
            E.link(rel="stylesheet", type="text/css", href=f"../{_CSS_NAME}"),
        ),
        E.body({"class": body_class}, *content),
        lang=article.lang,
    )
    root.set(_XML_LANG, article.lang)
    root[1].set(_EPUB_TYPE, body_type)
    return root


def _cover_page(article: m.Article, labels: Labels, cover: CoverImage, src: str) -> Any:
    E = _maker()
    img = E.img(src=src, alt=cover_alt_text(article, cover), role="doc-cover")
    section = E.section({"class": "cover"}, img)
    return _page(article, labels.cover, "cover", "cover-page", section)


def _title_page(article: m.Article, labels: Labels) -> Any:
    E = _maker()
    section = E.section({"class": "titlepage"})
    section.set(_EPUB_TYPE, "titlepage")
    kicker = labels.opinion + (f" · {article.publication}" if article.publication else "")
    section.append(E.p({"class": "kicker"}, kicker))
    section.append(E.h1({"class": "title"}, article.title))
    if article.subtitle:
        section.append(E.p({"class": "dek"}, article.subtitle))
    if article.authors:
        names = join_names([a.name for a in article.authors], article.lang)
        section.append(E.p({"class": "authors"}, f"{labels.by} {names}"))
    if article.date is not None:
        text = format_article_date(article.date, article.lang)
        section.append(E.p({"class": "dateline"}, E.time(text, datetime=article.date.isoformat())))
    if article.rights:
        section.append(E.p({"class": "rights"}, article.rights))
    return _page(article, labels.title_page, "frontmatter", "title-page", section)


def _document(uid: str, file_name: str, root: Any) -> Any:
    """A content document holding our own serialisation (see the module docstring on ``EpubHtml``)."""
    from ebooklib import epub

    return epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml", content=to_xhtml_bytes(root))


def _mark_notes(root: Any) -> Heading | None:
    """Give the notes section an id, so the table of contents can point at it."""
    section = root.find(f".//{{{XHTML_NS}}}section[@class='footnotes']")
    if section is None:
        return None
    if not section.get("id"):
        section.set("id", _NOTES_ID)
    heading = section.find(f"{{{XHTML_NS}}}h2")
    text = "".join(heading.itertext()).strip() if heading is not None else ""
    return Heading(1, section.get("id"), text or _NOTES_ID)


def _text_of(root: Any) -> str:
    return (
        " ".join(t for t in root.itertext() if isinstance(t, str))
        + " "
        + " ".join(
            v for el in root.iter() if isinstance(el.tag, str) for k, v in el.attrib.items() if k in ("alt", "title")
        )
    )


def _toc(article: m.Article, headings: list[Heading], notes: Heading | None) -> list[Any]:
    """The article as the one top entry, its headings nested under it by level (never empty, so the NCX is valid)."""
    from ebooklib import epub

    top: list[Any] = []
    stack: list[tuple[int, list[Any]]] = [(0, top)]
    for i, h in enumerate([*headings, *([notes] if notes else [])], start=1):
        node: list[Any] = [epub.Link(f"{_ARTICLE}#{h.id}", h.text.strip() or f"§ {i}", f"toc-{h.id}"), []]
        while stack[-1][0] >= h.level:
            stack.pop()
        stack[-1][1].append(node)
        stack.append((h.level, node[1]))

    def convert(nodes: list[Any]) -> list[Any]:
        return [(link, convert(children)) if children else link for link, children in nodes]

    article_link = epub.Link(_ARTICLE, article.title, "toc-article")
    return [(article_link, convert(top))] if top else [article_link]


# --------------------------------------------------------------------------- fonts


def _add_fonts(book: Any, theme: Theme, text: str | None) -> None:
    """Embed every font file of the theme under ``fonts/`` (where the CSS points), subset to ``text`` if given."""
    from ebooklib import epub

    chars = "".join(sorted(set(text + text.upper() + text.lower() + _EXTRA_CHARS))) if text is not None else None
    seen: set[str] = set()
    for i, (_family, _style, _weight, path) in enumerate(theme.all_font_files(), start=1):
        if path.name in seen:  # the CSS names fonts by file name alone
            continue
        seen.add(path.name)
        media_type = _FONT_TYPES.get(path.suffix.lower(), "application/font-sfnt")
        data = _subset_font(str(path), path.stat().st_mtime_ns, chars) if chars is not None else None
        if data is None:
            data = path.read_bytes()
        book.add_item(
            epub.EpubItem(uid=f"font{i}", file_name=f"fonts/{path.name}", media_type=media_type, content=data)
        )


@lru_cache(maxsize=64)
def _subset_font(path: str, mtime_ns: int, chars: str) -> bytes | None:
    """The font at ``path`` cut down to ``chars``, or ``None`` if that cannot be done.

    HarfBuzz's subsetter (uharfbuzz) does it in about a millisecond; fontTools, which
    takes hundreds of milliseconds per face, is the fallback. Names (copyright,
    licence) and every layout feature are kept; the result is deterministic.
    ``mtime_ns`` only keys the cache.
    """
    try:
        return _subset_harfbuzz(path, chars)
    except ImportError:
        return _subset_fonttools(path, chars)


def _subset_harfbuzz(path: str, chars: str) -> bytes | None:
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(path))
    spec = hb.SubsetInput()
    spec.unicode_set.update(ord(c) for c in chars)
    for keep_all in (spec.layout_feature_tag_set, spec.name_id_set, spec.name_lang_id_set):
        keep_all.clear()
        keep_all.invert()
    subset = hb.subset(face, spec)
    if subset is None:  # a face HarfBuzz cannot cut is embedded whole
        return None
    return bytes(subset.blob.data)


def _subset_fonttools(path: str, chars: str) -> bytes | None:
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return None
    quiet = logging.getLogger("fontTools")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # fontTools warns about tables it drops (Graphite) on every run
    try:
        opts = subset.Options()
        opts.layout_features = ["*"]
        opts.name_IDs = ["*"]
        opts.name_languages = ["*"]
        opts.name_legacy = True
        opts.notdef_outline = True
        opts.recalc_timestamp = False
        font = TTFont(path, recalcTimestamp=False)
        subsetter = subset.Subsetter(opts)
        subsetter.populate(text=chars)
        subsetter.subset(font)
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()
    except Exception:  # a font fontTools cannot cut is embedded whole
        return None
    finally:
        quiet.setLevel(level)


# --------------------------------------------------------------------------- the zip


def _zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """``when`` in UTC as a zip entry date, clamped to the years a zip can hold (1980-2107)."""
    when = when.astimezone(dt.UTC)
    if when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if when.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def _hide_landmarks(data: bytes) -> bytes:
    """Mark the landmarks ``nav`` hidden: it is for reading systems, and its heading is not localised."""
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for nav in root.iter(f"{{{XHTML_NS}}}nav"):
        if nav.get(_EPUB_TYPE) == "landmarks":
            nav.set("hidden", "hidden")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"))


def _reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Write ebooklib's archive again: fixed order, fixed dates, ``mimetype`` first and stored."""
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
    if entries.get("mimetype") != b"application/epub+zip":
        raise ExportError("epub: ebooklib wrote no mimetype entry")
    nav_name = f"{_FOLDER}/{_NAV}"
    if nav_name in entries:
        entries[nav_name] = _hide_landmarks(entries[nav_name])
    first = ["mimetype", "META-INF/container.xml", f"{_FOLDER}/content.opf"]
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    stamp = _zip_time(when)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
            dst.writestr(info, entries[name], compresslevel=None if name == "mimetype" else 9)
    return out.getvalue()
