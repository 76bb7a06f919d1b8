"""EPUB 3 export with ebooklib: reflowable, fonts embedded, EPUBCheck-clean and reproducible.

One article is a book holding, in reading order, a cover page, a title page,
the navigation document (also the table of contents) and the article itself.
A :class:`~opedexport.collection.Collection` is a book holding a cover page, a
title page, the navigation document, then for each part an optional part title
page and one chapter per article. The NCX is kept for older readers.

Both paths build a :class:`_Contents` (the documents, their table of contents
and the metadata) and hand it to :func:`_write_book`, so everything from the
package document to the zip is shared.

An article's XHTML comes from the shared model → HTML step
(:func:`~opedexport.exporters._html.render_article`) and is serialised by lxml;
the CSS is the theme's ``epub.css.j2`` (relative units, no page size). In a
collection each chapter keeps its own language (``lang``/``xml:lang`` on its
``html``, so a reading system hyphenates and speaks it as that language), its
labels in that language ("By … and …", the notes heading, the date), its title
block and footnotes (numbered from 1 in every chapter, with ids prefixed by the
chapter), and its figures are read from its own folder only. The book's own
pages (cover, title page, contents, part pages) are in the book's language.

Accessibility: Ace by DAISY reports no violation on these books (the tests run it). The package
document carries the book's language (``xml:lang``), every ``epub:type`` with a DPUB-ARIA equivalent
has its ``role`` (a chapter of a book is a ``<section epub:type="chapter" role="doc-chapter">``),
links in running text are underlined by the theme's CSS, and the schema.org accessibility metadata
says only what is true of the book; ``dcterms:conformsTo`` ("EPUB Accessibility 1.1 - WCAG 2.2 Level
AA") is declared only when every figure has a text alternative and the theme's colours meet WCAG AA
contrast (:func:`~opedexport.theme.contrast_problems`).

ebooklib builds the package document (OPF), the navigation document and the
NCX. Content documents are added as plain :class:`ebooklib.epub.EpubItem`
holding our own XHTML, not as ``EpubHtml``: ``EpubHtml`` re-parses its content
with an HTML parser and rebuilds the document, dropping the ``<head>`` (charset,
stylesheet links, metadata) and the ``<body>`` attributes.

ebooklib writes the zip with the current time and its own order, so the
archive is written again: ``mimetype`` first and stored, then the container,
the package document and the rest in a fixed order, every entry dated
:func:`~opedexport.exporters.base.build_datetime` (``SOURCE_DATE_EPOCH``, else
the time of the build), as ``dcterms:modified`` is. The article's date is its
``dc:date`` and never the book's modification time. With the same input and
``SOURCE_DATE_EPOCH`` the bytes are the same on every run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import string
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, ClassVar, Literal

from lxml import etree
from lxml.builder import ElementMaker

from .. import model as m
from ..errors import ExportError
from ..fetch import Fetcher
from ..i18n import Labels, format_article_date, join_names, labels_for
from ..model import Collection
from ..theme import Theme, contrast_problems
from ._common import collection_identifier, epub_identifier, kicker_text, write_zip
from ._cover import CoverImage, cover_alt_text, cover_for, fetch_image
from ._css_confine import confine_css, packaged_url, template_file
from ._html import OPS_NS, XHTML_NS, Heading, ImageSrc, css_for, render_article, to_xhtml_bytes
from .base import Exporter, Option, build_datetime

__all__ = ["EpubExporter", "collection_identifier", "epub_identifier"]

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


@dataclass
class _Images:
    """Figures read through a fetcher per article, stored once each as ``images/<sha1 prefix>.<ext>``."""

    allow_hosts: tuple[str, ...]
    files: dict[str, CoverImage] = field(default_factory=dict)
    """File name inside the book folder → image."""
    by_src: dict[tuple[Path | None, str], str | None] = field(default_factory=dict)

    def resolver(self, article: m.Article, book_dir: Path | None = None) -> ImageSrc:
        """The ``image_src`` for ``article``: its figures resolve against its own folder.

        :param book_dir: a collection's manifest folder, also trusted (articles of a book may
            share an ``images/`` folder beside the manifest; nothing outside it is read).
        """
        base = article.base_dir
        fetcher = Fetcher([base, book_dir], allow_hosts=self.allow_hosts)

        def src_for(figure: m.Figure) -> str | None:
            """The ``src`` for the chapter (relative to ``text/``), or ``None`` to drop a refused image."""
            key = (base, figure.src)
            if key not in self.by_src:
                self.by_src[key] = self._store(fetcher, fetcher.to_url(figure.src, base))
            return self.by_src[key]

        return src_for

    def _store(self, fetcher: Fetcher, url: str) -> str | None:
        image = fetch_image(fetcher, url, svg=True)
        if image is None:
            return None
        name = f"images/{hashlib.sha1(image.data).hexdigest()[:16]}.{image.extension}"
        self.files[name] = image
        return f"../{name}"


@dataclass
class _Document:
    """A content document of the body (a chapter or a part page) with its table-of-contents entry."""

    uid: str
    file_name: str
    root: Any
    toc: Any
    """An ebooklib ``Link``, or ``(Link, [children])``."""
    lang: str
    lang_hrefs: tuple[str, ...] = ()
    """The table-of-contents targets whose text is in :attr:`lang` (its title, headings and notes heading)."""


@dataclass
class _Contents:
    """Everything one book holds, ready for :func:`_write_book`."""

    meta: m.Article
    """The book's metadata (title, language, date, publisher …) as an Article with no body."""
    identifier: str
    creators: list[tuple[str, tuple[str, ...]]]
    """``(name, MARC relator roles)`` in order: ``aut`` for authors, ``edt`` for editors."""
    languages: list[str]
    """The book's language first, then the other languages of its chapters."""
    subjects: list[str]
    labels: Labels
    cover: CoverImage
    cover_alt: str
    title_page: Any
    body: list[_Document]
    """Part pages and chapters in reading order."""
    toc: list[Any]
    figures: list[tuple[m.Figure, str]]
    images: _Images
    kind: Literal["article", "book"]


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
    supports_collections: ClassVar[bool] = True

    def export(self, article: m.Article, theme: Theme, **options: Any) -> bytes:
        """Render ``article`` with ``theme`` as an EPUB 3 file and return its bytes.

        :param options: ``allow_hosts`` (hosts images may be fetched from) and ``subset_fonts``.
        :raises ExportError: when ebooklib cannot write the book.
        """
        opts = self.resolve_options(options)
        allow_hosts = tuple(opts["allow_hosts"])
        labels = labels_for(article.lang)
        images = _Images(allow_hosts)
        chapter, figures = _chapter(article, theme, images, uid="article", file_name=_ARTICLE, id_prefix="")
        cover = cover_for(article, theme, allow_hosts=allow_hosts)
        names = join_names([a.name for a in article.authors], article.lang)
        contents = _Contents(
            meta=article,
            identifier=epub_identifier(article),
            creators=[(a.name, ("aut",)) for a in article.authors],
            languages=[article.lang],
            subjects=list(article.tags),
            labels=labels,
            cover=cover,
            cover_alt=cover_alt_text(article, cover),
            title_page=_title_page(
                article,
                labels,
                kicker=kicker_text(article, labels),
                byline=f"{labels.by} {names}" if names else "",
            ),
            body=[chapter],
            toc=[chapter.toc],
            figures=figures,
            images=images,
            kind="article",
        )
        return _write_book(contents, theme, subset_fonts=opts["subset_fonts"], when=build_datetime())

    def export_collection(self, collection: Collection, theme: Theme, **options: Any) -> bytes:
        """Render ``collection`` with ``theme`` as one EPUB 3 book and return its bytes.

        The book's language is that of its own pages (title page, contents, part pages); each
        chapter keeps its article's own language and labels. A part with a title gets a part title page.

        :param options: as for :meth:`export`.
        :raises ExportError: when ebooklib cannot write the book.
        """
        opts = self.resolve_options(options)
        allow_hosts = tuple(opts["allow_hosts"])
        meta = collection.as_article()
        labels = labels_for(collection.lang)
        images = _Images(allow_hosts)
        body: list[_Document] = []
        toc: list[Any] = []
        figures: list[tuple[m.Figure, str]] = []
        n = part_number = 0
        for part in collection.parts:
            if not part.articles:
                continue
            entries = toc
            if part.title:
                part_number += 1
                page = _part_page(meta, labels, part.title, part_number)
                body.append(page)
                entries = []
                toc.append((page.toc, entries))
            for article in part.articles:
                n += 1
                chapter, found = _chapter(
                    article,
                    theme,
                    images,
                    uid=f"chapter-{n:03d}",
                    file_name=f"text/chapter-{n:03d}.xhtml",
                    id_prefix=f"ch{n}-",
                    in_book=True,
                    book_dir=collection.base_dir,
                )
                body.append(chapter)
                figures.extend(found)
                entries.append(chapter.toc)
        cover = cover_for(meta, theme, allow_hosts=allow_hosts)
        by_label = labels.edited_by if collection.editors else labels.by
        names = join_names([a.name for a in meta.authors], collection.lang)
        languages = [collection.lang]
        for article in collection.articles:
            if article.lang not in languages:
                languages.append(article.lang)
        creators: dict[str, tuple[str, ...]] = {e.name: ("edt",) for e in collection.editors}
        for author in collection.all_authors():
            creators[author.name] = (*creators.get(author.name, ()), "aut")
        subjects = list(dict.fromkeys(t for a in collection.articles for t in a.tags if t))
        contents = _Contents(
            meta=meta,
            identifier=collection_identifier(collection),
            creators=list(creators.items()),
            languages=languages,
            subjects=subjects,
            labels=labels,
            cover=cover,
            cover_alt=cover_alt_text(meta, cover, by_label=by_label),
            title_page=_title_page(
                meta, labels, kicker=collection.publication, byline=f"{by_label} {names}" if names else ""
            ),
            body=body,
            toc=toc,
            figures=figures,
            images=images,
            kind="book",
        )
        return _write_book(contents, theme, subset_fonts=opts["subset_fonts"], when=build_datetime())


def _write_book(contents: _Contents, theme: Theme, *, subset_fonts: bool, when: dt.datetime) -> bytes:
    """Assemble the package from ``contents`` with ebooklib and write a reproducible zip."""
    from ebooklib import epub

    meta, labels = contents.meta, contents.labels
    book = epub.EpubBook()
    book.FOLDER_NAME = _FOLDER
    book.set_identifier(contents.identifier)
    book.set_title(meta.title)
    book.set_language(meta.lang)
    for lang in contents.languages:
        if lang != meta.lang:
            book.add_metadata("DC", "language", lang)
    _add_metadata(book, meta, contents.creators, contents.subjects)

    cover = contents.cover
    cover_name = f"images/cover.{cover.extension}"
    cover_page = _cover_page(meta, labels, contents.cover_alt, f"../{cover_name}")

    css = epub.EpubItem(uid="style", file_name=_CSS_NAME, media_type="text/css", content=_css(theme, contents))
    book.add_item(css)
    roots = [cover_page, contents.title_page, *(doc.root for doc in contents.body)]
    text = " ".join(_text_of(root) for root in roots) + " " + labels.contents
    _add_fonts(book, theme, text if subset_fonts else None)

    book.set_cover(cover_name, cover.data, create_page=False)
    for name, image in contents.images.files.items():
        uid = "img-" + Path(name).stem
        book.add_item(epub.EpubImage(uid=uid, file_name=name, media_type=image.media_type, content=image.data))

    front = [_document("cover", _COVER_PAGE, cover_page), _document("titlepage", _TITLE_PAGE, contents.title_page)]
    nav = epub.EpubNav(uid="nav", file_name=_NAV, title=labels.contents)
    nav.add_item(css)
    body = [_document(doc.uid, doc.file_name, doc.root) for doc in contents.body]
    for item in (*front, nav, *body, epub.EpubNcx()):
        book.add_item(item)

    book.toc = contents.toc
    book.spine = [*front, nav, *body]
    first = contents.body[0]
    book.guide = [
        {"href": _COVER_PAGE, "title": labels.cover, "type": "cover"},
        {"href": _NAV, "title": labels.contents, "type": "toc"},
        {"href": first.file_name, "title": _title_of(first.toc), "type": "text"},
    ]
    _add_accessibility(book, contents.figures, cover, contents.kind, conforms=not contrast_problems(theme.colors))

    raw = io.BytesIO()
    try:
        # dcterms:modified needs a four-digit year: a SOURCE_DATE_EPOCH before 1970 is written as 1970.
        modified = max(when.astimezone(dt.UTC), dt.datetime(1970, 1, 1, tzinfo=dt.UTC))
        # Level 0: the archive is written again by _reproducible_zip, which compresses it once.
        options = {"mtime": modified, "raise_exceptions": True, "epub3_pages": False, "compresslevel": 0}
        epub.write_epub(raw, book, options)
    except Exception as exc:  # ebooklib raises bare exceptions
        raise ExportError(f"epub: ebooklib could not write the book: {exc}") from exc
    langs = {href: doc.lang for doc in contents.body if doc.lang != meta.lang for href in doc.lang_hrefs}
    return _reproducible_zip(raw.getvalue(), when, nav_langs=langs, lang=meta.lang)


def _css(theme: Theme, contents: _Contents) -> bytes:
    """The theme's ``epub.css.j2``, referring to nothing but the fonts and images packaged in the book."""
    packaged = [f"fonts/{path.name}" for *_, path in theme.all_font_files()]
    packaged += [*contents.images.files, f"images/cover.{contents.cover.extension}"]
    return confine_css(
        css_for(theme, "epub"),
        packaged_url(packaged, folder=Path(_CSS_NAME).parent.as_posix()),
        what="the EPUB",
        source=template_file(theme, "epub.css.j2"),
        written=[f"../{name}" for name in packaged],
    ).encode("utf-8")


def _title_of(entry: Any) -> str:
    """The title of a table-of-contents entry (a ``Link`` or ``(Link, children)``)."""
    link = entry[0] if isinstance(entry, tuple) else entry
    return str(link.title)


# --------------------------------------------------------------------------- metadata


def _has_text(value: str) -> bool:
    """Whether ``value`` holds more than XML white space: the package schema wants Dublin Core text
    non-empty after its white space is collapsed, so a summary of one space is no description.
    """
    return bool(value.strip(" \t\r\n"))


def _add_metadata(
    book: Any, meta: m.Article, creators: Sequence[tuple[str, tuple[str, ...]]], subjects: Iterable[str]
) -> None:
    """Dublin Core metadata: creators (own id, roles), date, publisher, subjects, description, rights."""
    for i, (name, roles) in enumerate(creators, start=1):
        uid = f"creator{i}"
        book.add_metadata("DC", "creator", name, {"id": uid})
        for role in roles:
            book.add_metadata(None, "meta", role, {"refines": f"#{uid}", "property": "role", "scheme": "marc:relators"})
        if len(creators) > 1:
            book.add_metadata(None, "meta", str(i), {"refines": f"#{uid}", "property": "display-seq"})
    if meta.date is not None:
        book.add_metadata("DC", "date", meta.date.isoformat())
    if _has_text(meta.publication):
        book.add_metadata("DC", "publisher", meta.publication)
    for tag in subjects:
        if _has_text(tag):
            book.add_metadata("DC", "subject", tag)
    description = next((d for d in (meta.summary, meta.subtitle) if _has_text(d)), "")
    if description:
        book.add_metadata("DC", "description", description)
    if _has_text(meta.rights):
        book.add_metadata("DC", "rights", meta.rights)
    if meta.source_url:
        book.add_metadata("DC", "source", meta.source_url)


#: What an EPUB declares it conforms to when it does (``dcterms:conformsTo``).
CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def _add_accessibility(
    book: Any,
    figures: list[tuple[m.Figure, str]],
    cover: CoverImage,
    kind: Literal["article", "book"],
    *,
    conforms: bool,
) -> None:
    """schema.org accessibility metadata, each claim true of what this exporter writes.

    The book declares :data:`CONFORMANCE` only when it holds: every figure has a text alternative
    (one without is not known to be decorative) and the theme's colours meet WCAG AA contrast
    (``conforms``, see :func:`~opedexport.theme.contrast_problems`). Everything else WCAG AA asks of
    an e-book (language, headings, roles, link styles, navigation) the exporter always writes, and
    the tests check with Ace by DAISY.
    """
    all_alt = all(figure.alt for figure, _ in figures)
    modes = ["textual", "visual"]  # the cover is always an image
    features = ["structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability"]
    if figures and all_alt:
        features.insert(3, "alternativeText")

    def meta(prop: str, value: str) -> None:
        book.add_metadata(None, "meta", value, {"property": prop})

    if conforms and all_alt:
        meta("dcterms:conformsTo", CONFORMANCE)
    for mode in modes:
        meta("schema:accessMode", mode)
    # Text alone carries everything only when every figure has a text alternative.
    meta("schema:accessModeSufficient", "textual" if all_alt else "textual,visual")
    for feature in features:
        meta("schema:accessibilityFeature", feature)
    meta("schema:accessibilityHazard", "none")
    summary = [
        "Reflowable text with a table of contents, headings in document order and a logical reading order;",
        "text can be resized and restyled.",
        "Footnotes link to their notes and back.",
    ]
    if kind == "book":
        summary.append("Each article is a chapter in its own language, with its own title, byline and footnotes.")
    if figures:
        summary.append(
            "Figures have text alternatives and captions." if all_alt else "Some figures have no text alternative."
        )
    names = "byline" if kind == "article" else "editors"
    summary.append(
        f"The cover shows the title, {names} and publication, also given as text on the title page."
        if cover.generated
        else f"The cover image has a text alternative naming the {kind}."
    )
    summary.append("No flashing, motion or sound hazards.")
    if not conforms:
        summary.append("The theme's colours fall short of WCAG AA contrast.")
    book.add_metadata(None, "meta", " ".join(summary), {"property": "schema:accessibilitySummary", _XML_LANG: "en"})


# --------------------------------------------------------------------------- documents


def _maker() -> ElementMaker:
    return ElementMaker(namespace=XHTML_NS, nsmap={None: XHTML_NS, "epub": OPS_NS})


def _page(meta: m.Article, title: str, body_type: str, body_class: str, *content: Any) -> Any:
    """A small XHTML page in the book's language, linked to the stylesheet."""
    E = _maker()
    root = E.html(
        E.head(
            E.meta(charset="utf-8"),
            E.title(title),
            E.link(rel="stylesheet", type="text/css", href=f"../{_CSS_NAME}"),
        ),
        E.body({"class": body_class}, *content),
        lang=meta.lang,
    )
    root.set(_XML_LANG, meta.lang)
    root[1].set(_EPUB_TYPE, body_type)
    return root


def _cover_page(meta: m.Article, labels: Labels, alt: str, src: str) -> Any:
    E = _maker()
    img = E.img(src=src, alt=alt, role="doc-cover")
    section = E.section({"class": "cover"}, img)
    return _page(meta, labels.cover, "cover", "cover-page", section)


def _title_page(meta: m.Article, labels: Labels, *, kicker: str, byline: str) -> Any:
    """Kicker, title, subtitle, byline ("By …" or "Edited by …"), date and rights, in ``meta``'s language."""
    E = _maker()
    section = E.section({"class": "titlepage"})
    section.set(_EPUB_TYPE, "titlepage")
    if kicker:
        section.append(E.p({"class": "kicker"}, kicker))
    section.append(E.h1({"class": "title"}, meta.title))
    if meta.subtitle:
        section.append(E.p({"class": "dek"}, meta.subtitle))
    if byline:
        section.append(E.p({"class": "authors"}, byline))
    if meta.date is not None:
        text = format_article_date(meta.date, meta.lang)
        section.append(E.p({"class": "dateline"}, E.time(text, datetime=meta.date.isoformat())))
    if meta.rights:
        section.append(E.p({"class": "rights"}, meta.rights))
    return _page(meta, labels.title_page, "frontmatter", "title-page", section)


def _part_page(meta: m.Article, labels: Labels, title: str, number: int) -> _Document:
    """A part's title page, in the book's language."""
    from ebooklib import epub

    E = _maker()
    section = E.section({"class": "part", "id": f"part-{number}"}, E.h1({"class": "part-title"}, title))
    section.set(_EPUB_TYPE, "part")
    section.set("role", "doc-part")
    root = _page(meta, title, "bodymatter", "part-page", section)
    file_name = f"text/part-{number:02d}.xhtml"
    link = epub.Link(file_name, title, f"toc-part-{number}")
    return _Document(f"part-{number:02d}", file_name, root, link, meta.lang)


def _chapter(
    article: m.Article,
    theme: Theme,
    images: _Images,
    *,
    uid: str,
    file_name: str,
    id_prefix: str,
    in_book: bool = False,
    book_dir: Path | None = None,
) -> tuple[_Document, list[tuple[m.Figure, str]]]:
    """One article as a content document in its own language (labels included), and the figures it kept.

    :param in_book: a chapter of a collection (its ``<article>`` becomes ``<section epub:type="chapter"
        role="doc-chapter">``), not a lone article.
    :param book_dir: the collection's manifest folder, trusted for figures besides the article's own.
    """
    rendered = render_article(
        article,
        theme,
        target="epub",
        image_src=images.resolver(article, book_dir),
        stylesheets=[f"../{_CSS_NAME}"],
        id_prefix=id_prefix,
    )
    root = rendered.root
    body = root.find(f"{{{XHTML_NS}}}body")
    if body is not None:
        body.set(_EPUB_TYPE, "bodymatter")
    if in_book:
        # A chapter is a <section> with its DPUB-ARIA role: ARIA allows doc-chapter on a section, not on an <article>.
        for element in list(root.iter(f"{{{XHTML_NS}}}article")):
            element.tag = f"{{{XHTML_NS}}}section"
            element.set(_EPUB_TYPE, "chapter")
            element.set("role", "doc-chapter")
    notes = _mark_notes(root, f"{id_prefix}{_NOTES_ID}")
    toc = _article_toc(article.title, file_name, uid, rendered.headings, notes)
    # Every entry of the chapter is in its language: its title, its headings and its notes heading.
    own = (file_name, *(f"{file_name}#{h.id}" for h in [*rendered.headings, *([notes] if notes else [])]))
    return _Document(uid, file_name, root, toc, article.lang, own), rendered.images


def _document(uid: str, file_name: str, root: Any) -> Any:
    """A content document holding our own serialisation (see the module docstring on ``EpubHtml``)."""
    from ebooklib import epub

    return epub.EpubItem(uid=uid, file_name=file_name, media_type="application/xhtml+xml", content=to_xhtml_bytes(root))


def _mark_notes(root: Any, notes_id: str) -> Heading | None:
    """Give the notes section an id, so the table of contents can point at it."""
    section = root.find(f".//{{{XHTML_NS}}}section[@class='footnotes']")
    if section is None:
        return None
    if not section.get("id"):
        section.set("id", notes_id)
    heading = section.find(f"{{{XHTML_NS}}}h2")
    text = "".join(heading.itertext()).strip() if heading is not None else ""
    return Heading(1, section.get("id"), text or notes_id)


def _text_of(root: Any) -> str:
    return (
        " ".join(t for t in root.itertext() if isinstance(t, str))
        + " "
        + " ".join(
            v for el in root.iter() if isinstance(el.tag, str) for k, v in el.attrib.items() if k in ("alt", "title")
        )
    )


def _article_toc(title: str, file_name: str, uid: str, headings: list[Heading], notes: Heading | None) -> Any:
    """The article's entry: a link to its document, its headings (and notes) nested under it by level."""
    from ebooklib import epub

    top: list[Any] = []
    stack: list[tuple[int, list[Any]]] = [(0, top)]
    for i, h in enumerate([*headings, *([notes] if notes else [])], start=1):
        node: list[Any] = [epub.Link(f"{file_name}#{h.id}", h.text.strip() or f"§ {i}", f"toc-{h.id}"), []]
        while stack[-1][0] >= h.level:
            stack.pop()
        stack[-1][1].append(node)
        stack.append((h.level, node[1]))

    def convert(nodes: list[Any]) -> list[Any]:
        return [(link, convert(children)) if children else link for link, children in nodes]

    link = epub.Link(file_name, title, f"toc-{uid}")
    return (link, convert(top)) if top else link


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


def _finish_nav(data: bytes, nav_langs: Mapping[str, str]) -> bytes:
    """Mark the landmarks ``nav`` hidden (it is for reading systems, and its heading is not localised),
    and give each table-of-contents entry taken from a chapter in another language than the book's that language.

    :param nav_langs: entry target (relative to the book folder) → its language, for those that differ.
    """
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for nav in root.iter(f"{{{XHTML_NS}}}nav"):
        if nav.get(_EPUB_TYPE) == "landmarks":
            nav.set("hidden", "hidden")
        elif nav.get(_EPUB_TYPE) == "toc" and nav_langs:
            for link in nav.iter(f"{{{XHTML_NS}}}a"):
                lang = nav_langs.get(link.get("href") or "")
                if lang:
                    link.set("lang", lang)
                    link.set(_XML_LANG, lang)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"))


def _finish_opf(data: bytes, lang: str) -> bytes:
    """Give the package document the book's language (``xml:lang`` on ``<package>``), which ebooklib does not write.

    It is the language of the metadata's text (title, description …) for reading systems and Ace.
    """
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    root.set(_XML_LANG, lang)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def _reproducible_zip(
    data: bytes, when: dt.datetime, *, nav_langs: Mapping[str, str] | None = None, lang: str | None = None
) -> bytes:
    """Write ebooklib's archive again: fixed order, fixed dates, ``mimetype`` first and stored.

    :param lang: the book's language, set on the package document (see :func:`_finish_opf`).
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        entries = {info.filename: src.read(info) for info in src.infolist()}
    if entries.get("mimetype") != b"application/epub+zip":
        raise ExportError("epub: ebooklib wrote no mimetype entry")
    nav_name = f"{_FOLDER}/{_NAV}"
    if nav_name in entries:
        entries[nav_name] = _finish_nav(entries[nav_name], nav_langs or {})
    opf_name = f"{_FOLDER}/content.opf"
    if lang and opf_name in entries:
        entries[opf_name] = _finish_opf(entries[opf_name], lang)
    first = ["mimetype", "META-INF/container.xml", f"{_FOLDER}/content.opf"]
    order = [n for n in first if n in entries] + sorted(n for n in entries if n not in first)
    # mimetype must be stored; images are compressed already, so deflating them is wasted time.
    # Level 1: for an article's fonts and text, 7 ms instead of 17 at level 6, for 7 % more bytes
    # (about 9 KB, next to a cover of 200 KB).
    return write_zip(
        ((name, entries[name]) for name in order),
        when,
        mode=0o100644,
        level=1,
        stored=lambda name: name == "mimetype" or name.lower().endswith((".jpg", ".jpeg", ".png", ".gif")),
    )
