"""The PDF exporter: the article rendered by WeasyPrint with the theme's print stylesheet.

The HTML comes from the shared model → HTML step (:mod:`._html`) with
footnotes as ``float: footnote`` spans; the stylesheet is the theme's
``print.css.j2``. WeasyPrint is imported only when a PDF is made, so listing
formats never loads it, and it is imported through :func:`opedexport._weasyprint.import_weasyprint`,
which spares it a compiler run for every library name it tries.

Every resource WeasyPrint asks for (figures, fonts, anything a stylesheet
names) goes through :class:`opedexport.fetch.Fetcher`, which reads files only
under the article's folder and the themes' folders and fetches no URL unless
its host is allowed. A figure whose image is refused, missing or unreadable
is left out with a :class:`~opedexport.errors.ResourceRefusedWarning`; the
export goes on.

The output is reproducible: the dates written (``/CreationDate``, ``/ModDate``) are
:func:`~opedexport.exporters.base.build_datetime` (``SOURCE_DATE_EPOCH``, else the
time of the build; never the article's date, which is its dateline) and the file
identifier is derived from the article, so the same input under the same
``SOURCE_DATE_EPOCH`` gives the same bytes.

PDFs are tagged by default (``pdf_variant="pdf/ua-1"``): WeasyPrint writes a structure tree
(headings as ``H1``–``H4``, paragraphs, lists, tables with their header cells, figures with their
alt text as ``/Alt``, links), ``/MarkInfo /Marked true``, the document's ``/Lang`` and
``/ViewerPreferences /DisplayDocTitle true``, for screen readers and reflow. ``"plain"`` (or
``None``, the default before) writes an untagged PDF, ``"pdf/a-3b"`` an archival one.

A :class:`~opedexport.collection.Collection` becomes one book
(:meth:`PdfExporter.export_collection`): the theme's ``collection.html.j2``
gives the title page, the contents (page numbers by ``target-counter``) and
the part title pages, in the book's language, and each article, rendered as
alone, becomes a chapter with its own language (its ``lang``, which WeasyPrint
hyphenates by and tags, and its labels and date), footnote numbers and running header (the rules are in
``_collection.print.css.j2``, part of the print stylesheet).

Parsed stylesheets are cached per CSS text and the folders their resources are read under (the
16 used last), and one WeasyPrint ``FontConfiguration`` serves every document of the process, so the second
PDF a process makes does not load the fonts again. Because that font
configuration is shared, a process renders one PDF at a time; run processes
(as :func:`opedexport.batch.export_many` does by default) for parallelism.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import logging
import re
import threading
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree

from .. import model as m
from .._version import version as _version
from .._weasyprint import import_weasyprint
from ..errors import ExportError, LayoutWarning, ResourceRefusedWarning
from ..fetch import Fetcher, Refused
from ..i18n import format_article_date, join_names, labels_for
from ..model import Collection
from ..theme import Theme, themes_dir
from ._common import pdf_book_file_id, pdf_file_id
from ._glyphs import warn_of_missing_characters
from ._html import XHTML_NS, ImageSrc, css_for, environment, render_article, to_html_string
from ._pdf_chapters import _save_chapter_pages, tag_languages
from ._pdf_layout import (  # noqa: F401 - re-exported
    FEW_LINES,
    HOLE_LIMIT,
    MIN_FIGURE_SCALE,
    PASSES_MAX_PAGES,
    PageFill,
    _fill_holes,
    _save_last_page,
    page_fills,
)
from .base import Exporter, Option, build_datetime

__all__ = [
    "DEFAULT_PDF_VARIANT",
    "PDF_VARIANTS",
    "PageFill",
    "PdfExporter",
    "PdfPage",
    "book_tree",
    "misplaced_notes",
    "page_fills",
    "subsetter_available",
]

_LOG = logging.getLogger("opedexport")

#: The PDF variants offered: PDF/UA-1 (tagged, accessible: the default), a plain untagged PDF, and PDF/A-3b
#: (archival, untagged). ``None`` is the plain PDF too, as it was the default before PDFs were tagged.
PDF_VARIANTS: tuple[str | None, ...] = ("pdf/ua-1", "plain", "pdf/a-3b", None)
#: The variant a PDF is written as unless another is asked for.
DEFAULT_PDF_VARIANT = "pdf/ua-1"

_LOCK = threading.RLock()
_FONT_CONFIG: Any = None
_CSS_CACHE: dict[str, Any] = {}
"""Parsed stylesheets by CSS text, least recently used first (at most :data:`_CSS_CACHE_MAX`)."""
_CSS_ROOTS: dict[str, tuple[Path, ...]] = {}
"""The folders each cached stylesheet's resources were read under: a stylesheet is reused only with them."""
_CSS_CACHE_MAX = 16
_SUBSET_CHECKED = False
_NS = f"{{{XHTML_NS}}}"


# --------------------------------------------------------------------------- resources

_BY_CONTENT = "opedexport-image:"


@dataclass(frozen=True, slots=True)
class PdfPage:
    """An article ready for WeasyPrint (:meth:`PdfExporter.prepare`): small, and it pickles."""

    html: str
    css: str
    """The theme's print stylesheet."""
    base_dir: Path | None
    """The folder relative URLs resolve against."""
    roots: tuple[Path, ...]
    """The folders the document's resources may be read from."""
    stylesheet_roots: tuple[Path, ...]
    """The folders the stylesheet's resources (fonts) may be read from."""
    allow_hosts: tuple[str, ...]
    images: tuple[tuple[str, bytes, str], ...]
    """``(url, data, media type)`` of each figure, already read and checked."""
    pdf_variant: str | None
    """WeasyPrint's ``pdf_variant``: ``None`` for a plain PDF (the exporter's ``"plain"``)."""
    identifier: bytes
    one_column: bool
    hyphenation: tuple[tuple[Path, Any], ...] = ()
    """Pyphen's parsed patterns for the article's language, by dictionary file: parsing them is a
    tenth of a cold render, so a page laid out in another process brings them along."""
    columns: int = 1
    """The body's columns (the theme's ``layout.columns``), for measuring how full pages are."""
    layout_passes: bool = False
    """Whether to lay out again to fill holes a figure left, to save a last page of a few lines
    (:func:`_fill_holes`, :func:`_save_last_page`) and to place a footnote that strayed from its
    call's page the other way: for an article, not for a book (each pass lays out the whole book)."""
    chapter_passes: bool = False
    """For a book: whether to lay it out once more, with a chapter whose last page holds a few lines
    set tighter (:func:`_save_chapter_pages`), when there is such a chapter."""


class _RecordingFetcher(Fetcher):
    """A :class:`Fetcher` that records refusals for :meth:`flush_warnings` and reads each URL once.

    Warning from inside WeasyPrint's fetch callback would be unreliable: WeasyPrint
    catches every exception raised there, so under a warning filter set to ``error``
    the warning would be swallowed. Refusals are therefore reported after rendering.
    """

    def __init__(self, roots: Iterable[Path | None], **kwargs: Any) -> None:
        super().__init__(roots, **kwargs)
        self.pending: list[str] = []
        self._read: dict[str, tuple[bytes, str]] = {}

    def refuse(self, url: str, why: str) -> None:
        """Record the refusal; :meth:`flush_warnings` reports it."""
        shown = url if len(url) < 120 else url[:117] + "..."
        message = f"refused resource {shown}: {why}"
        self.refused.append(message)
        self.pending.append(message)

    def fetch(self, url: str) -> tuple[bytes, str]:
        """As :meth:`Fetcher.fetch`, remembering what was read (a figure is checked, then drawn)."""
        hit = self._read.get(url)
        if hit is None:
            hit = super().fetch(url)
            self._read[url] = hit
        return hit

    def by_content(self, data: bytes, mime: str) -> str:
        """A URL for ``data`` named after its digest, which :meth:`fetch` serves from memory.

        WeasyPrint names image objects after their URL; a name that does not depend on the
        folder the article lies in keeps the PDF's bytes the same wherever it is built.
        """
        url = f"{_BY_CONTENT}{hashlib.sha256(data).hexdigest()[:32]}"
        self._read[url] = (data, mime)
        return url

    def serve(self, url: str, data: bytes, mime: str) -> None:
        """Serve ``data`` for ``url`` from memory (a figure read by another process's :meth:`by_content`)."""
        self._read[url] = (data, mime)

    def read_by_content(self) -> dict[str, tuple[bytes, str]]:
        """The figures :meth:`by_content` named, by URL."""
        return {url: hit for url, hit in self._read.items() if url.startswith(_BY_CONTENT)}

    def flush_warnings(self, stacklevel: int = 3) -> None:
        """Emit one :class:`ResourceRefusedWarning` per distinct refusal recorded so far."""
        pending, self.pending = self.pending, []
        for message in dict.fromkeys(pending):
            warnings.warn(ResourceRefusedWarning(message), stacklevel=stacklevel)


@cache
def _adapter_class() -> type:
    """WeasyPrint 70's ``URLFetcher`` subclass that asks a :class:`Fetcher` (built once, on first use)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FetcherAdapter(URLFetcher):  # type: ignore[misc]
        """Serves WeasyPrint from a :class:`Fetcher`; a refusal is a ``ValueError``, which WeasyPrint skips."""

        def __init__(self, fetcher: Fetcher) -> None:
            super().__init__(allow_redirects=False)
            self.fetcher = fetcher

        def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> Any:
            try:
                data, mime = self.fetcher.fetch(url)
            except Refused as exc:
                raise ValueError(str(exc)) from None
            return URLFetcherResponse(url, body=data, headers={"Content-Type": mime})

    return FetcherAdapter


def _url_fetcher(fetcher: Fetcher) -> Any:
    return _adapter_class()(fetcher)


def _font_config() -> Any:
    """The process's one WeasyPrint ``FontConfiguration``."""
    global _FONT_CONFIG
    with _LOCK:
        if _FONT_CONFIG is None:
            from weasyprint.text.fonts import FontConfiguration

            _FONT_CONFIG = FontConfiguration()
            atexit.register(_release_font_config)
        return _FONT_CONFIG


def _release_font_config() -> None:
    """Drop the font configuration (and the stylesheets bound to it) while the interpreter is whole.

    WeasyPrint removes the temporary folder of web fonts when the configuration is collected;
    left to interpreter shutdown, that clean-up fails and the folder stays behind.
    """
    global _FONT_CONFIG
    with _LOCK:
        _CSS_CACHE.clear()
        _CSS_ROOTS.clear()
        _FONT_CONFIG = None
        gc.collect()


def _stylesheet(css_text: str, roots: Iterable[Path], fetcher: _RecordingFetcher) -> Any:
    """The parsed ``weasyprint.CSS`` for ``css_text``, parsed once per process for the same ``roots``
    (the process keeps the :data:`_CSS_CACHE_MAX` stylesheets used last).

    What the stylesheet loads while it is parsed (``@font-face``, ``@import``) comes
    through a fetcher that trusts ``roots`` (the themes' folders and the theme's own font
    files), never the article's folder. Its refusals are reported with the document at hand.
    The same text under other roots is parsed again: what one theme's folders allowed is not
    taken for allowed under another's.
    """
    roots = tuple(roots)
    with _LOCK:
        css = _CSS_CACHE.pop(css_text, None)
        if css is None or _CSS_ROOTS.get(css_text) != roots:
            from weasyprint import CSS

            theme_fetcher = _RecordingFetcher(roots)
            css = CSS(string=css_text, url_fetcher=_url_fetcher(theme_fetcher), font_config=_font_config())
            fetcher.pending.extend(theme_fetcher.pending)
            fetcher.refused.extend(theme_fetcher.refused)
            while len(_CSS_CACHE) >= _CSS_CACHE_MAX:  # the least recently used goes
                oldest = next(iter(_CSS_CACHE))
                del _CSS_CACHE[oldest]
                _CSS_ROOTS.pop(oldest, None)
            _CSS_ROOTS[css_text] = roots
        _CSS_CACHE[css_text] = css  # the most recently used last
        return css


# --------------------------------------------------------------------------- font subsetting


def subsetter_available() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (fast) rather than fontTools (several times slower).

    WeasyPrint loads ``libharfbuzz-subset`` if it can and needs HarfBuzz 4.1 or later for it.
    """
    import_weasyprint()
    from weasyprint.text import ffi

    subset = getattr(ffi, "harfbuzz_subset", None)
    return bool(subset is not None and ffi.harfbuzz.hb_version_atleast(4, 1, 0))


def _check_subsetter() -> None:
    """Log, once per process, that HarfBuzz's subsetter is missing."""
    global _SUBSET_CHECKED
    if _SUBSET_CHECKED:
        return
    _SUBSET_CHECKED = True
    if not subsetter_available():
        _LOG.warning(
            "libharfbuzz-subset (HarfBuzz >= 4.1) was not found: WeasyPrint falls back to fontTools to subset "
            "fonts, which makes every PDF several times slower. Install it (Debian/Ubuntu: libharfbuzz-subset0)."
        )


# --------------------------------------------------------------------------- the HTML for print

#: Opening punctuation, then one letter with its combining marks: what a drop cap holds.
_INITIAL = re.compile(r"^(\s*)([\"'“‘«„(\[¡¿]*[^\W\d_][\u0300-\u036f]*)")


def _set_meta(root: Any) -> None:
    """Write the build date (as created and modified) and the creator into the head, where
    WeasyPrint reads the PDF's metadata; it replaces the article's date the template put there.

    Title, authors, description (subject), keywords and ``lang`` are already there from the template.
    """
    head = root.find(f"{_NS}head")
    if head is None:  # pragma: no cover - the template always has a head
        raise ExportError("article.html.j2 must have a <head>")
    replaced = {"dcterms.created", "dcterms.modified", "generator"}
    for meta in list(head.iterfind(f"{_NS}meta")):
        if meta.get("name") in replaced:
            head.remove(meta)
    stamp = build_datetime().strftime("%Y-%m-%dT%H:%M:%SZ")
    for name, content in (
        ("dcterms.created", stamp),
        ("dcterms.modified", stamp),
        ("generator", f"opedexport {_version()}"),
    ):
        meta = head.makeelement(f"{_NS}meta", {"name": name, "content": content})
        meta.tail = "\n"
        head.append(meta)


def _wrap_initial(el: Any) -> bool:
    """Wrap the first letter of ``el`` (with any opening quote) in ``span.drop-cap``; ``False`` if there is none.

    WeasyPrint does not float ``::first-letter``, so the print drop cap is a real element.
    """
    text = el.text or ""
    if text.strip():
        match = _INITIAL.match(text)
        if match is None:
            return False
        span = el.makeelement(f"{_NS}span", {"class": "drop-cap"})
        span.text = match.group(2)
        span.tail = text[match.end() :]
        el.text = match.group(1) or None
        el.insert(0, span)
        return True
    if len(el) and isinstance(el[0].tag, str) and etree.QName(el[0]).localname in ("em", "strong", "span", "a"):
        return _wrap_initial(el[0])
    return False


def _prepare_tree(root: Any, article: m.Article, theme: Theme) -> None:
    """Adjust the shared HTML for print: metadata, list numbers WeasyPrint does not read, the drop cap."""
    _set_meta(root)
    _prepare_body(root, theme)


#: A run of this many characters without a break opportunity gets one every :data:`_RUN_STEP` characters.
_LONG_RUN = re.compile(r"[^\s\u200b]{48,}")
_RUN_STEP = 24
_NEWLINE_RUN = re.compile(r"[ \t]*[\r\n][\s]*")


def _break_long_runs(text: str) -> str:
    """Give very long unbroken runs (a pasted hash, a URL, a hostile 5,000-letter word) a zero-width
    space every few dozen characters: WeasyPrint's line breaking takes time growing with the cube of
    such a run's length once it is hyphenatable. Ordinary words are never touched.
    """
    if len(text) < 48:
        return text
    return _LONG_RUN.sub(
        lambda mt: "\u200b".join(mt[0][i : i + _RUN_STEP] for i in range(0, len(mt[0]), _RUN_STEP)), text
    )


def _collapse_newlines(text: str) -> str:
    """Line breaks as the spaces they are under ``white-space: normal``. The rendering is the same;
    WeasyPrint 70 alone stumbles on a space and a newline it has to collapse inside a footnote (it
    fails an assertion of its own on a collapsible newline).
    """
    return _NEWLINE_RUN.sub(" ", text) if "\n" in text or "\r" in text else text


def _prepare_text(root: Any) -> None:
    """Every text under ``root`` through :func:`_collapse_newlines` (outside ``pre``) and :func:`_break_long_runs`."""
    in_pre = {id(el) for pre in root.iter(f"{_NS}pre") for el in pre.iter()}

    def fix(text: str | None, preformatted: bool) -> str | None:
        if not text:
            return text
        return _break_long_runs(text if preformatted else _collapse_newlines(text))

    for el in root.iter():
        if isinstance(el.tag, str):
            el.text = fix(el.text, id(el) in in_pre)
            parent = el.getparent()
            el.tail = fix(el.tail, parent is not None and id(parent) in in_pre)


def _prepare_body(root: Any, theme: Theme) -> None:
    """List numbers WeasyPrint does not read, line breaks and very long runs in text, and the drop
    cap of every article body under ``root``.
    """
    _prepare_text(root)
    # WeasyPrint ignores <ol start>: say it with the list-item counter.
    for ol in root.iter(f"{_NS}ol"):
        start = ol.get("start", "")
        if start.isdigit():
            ol.set("style", f"counter-reset: list-item {int(start) - 1}")
    if theme.layout.drop_cap:
        for body in root.iterfind(f".//{_NS}div[@class='article-body']"):
            if len(body) and body[0].tag == f"{_NS}p" and not (body.text or "").strip():
                _wrap_initial(body[0])


# --------------------------------------------------------------------------- the exporter


class PdfExporter(Exporter):
    """PDF through WeasyPrint: print typography from the theme, footnotes at the foot of the page
    that calls them, an outline from the headings, metadata, and the same bytes for the same input.
    """

    name: ClassVar[str] = "pdf"
    suffix: ClassVar[str] = ".pdf"
    media_type: ClassVar[str] = "application/pdf"
    description: ClassVar[str] = "print-ready PDF (WeasyPrint): footnotes on their page, outline, PDF/A-3b or PDF/UA-1"
    requires: ClassVar[tuple[str, ...]] = ("weasyprint",)
    supports_collections: ClassVar[bool] = True
    options: ClassVar[Mapping[str, Option]] = {
        "pdf_variant": Option(
            DEFAULT_PDF_VARIANT,
            "PDF variant: pdf/ua-1 (tagged, for screen readers; the default), plain (untagged; None also means "
            "plain) or pdf/a-3b (archival)",
            choices=PDF_VARIANTS,
        ),
    }

    def export(self, article: m.Article, theme: Theme, **options: Any) -> bytes:
        """Render ``article`` with ``theme`` to PDF bytes: :meth:`prepare`, then :meth:`render`.

        :param options: ``pdf_variant`` and ``allow_hosts`` (see :attr:`options`). ``pdf_variant`` is
            ``"pdf/ua-1"`` by default: a tagged PDF (structure tree with headings, lists, tables and figures
            with their alt text, ``/Lang``, ``/MarkInfo``, the title shown in the window). ``"plain"``
            (or ``None``, kept for compatibility) writes an untagged PDF, ``"pdf/a-3b"`` an archival one.
        :raises ExportError: when WeasyPrint cannot produce the document.
        """
        return self.render(self.prepare(article, theme, **options))

    def prepare(self, article: m.Article, theme: Theme, **options: Any) -> PdfPage:
        """Everything before WeasyPrint: the print HTML, the stylesheet and the figures, as a picklable
        :class:`PdfPage`. It does not import WeasyPrint, so another process may do it meanwhile (as a
        one-article build does while this one imports WeasyPrint). Refused figures are warned of here.
        """
        opts = self.resolve_options(options)
        base_dir = article.base_dir
        fetcher = _RecordingFetcher([base_dir, *theme.template_dirs, themes_dir()], allow_hosts=_allow_hosts(opts))
        try:
            rendered = render_article(article, theme, target="pdf", image_src=_image_src(fetcher, base_dir))
            _prepare_tree(rendered.root, article, theme)
            warn_of_missing_characters("".join(rendered.root.itertext()), _font_paths(theme))
            page = _page(rendered.root, base_dir, fetcher, theme, opts, pdf_file_id(article), book=False)
            if theme.text.hyphenate:
                page = replace(page, hyphenation=_hyphenation_patterns(article.lang))
            return page
        finally:
            fetcher.flush_warnings()

    def render(self, page: PdfPage) -> bytes:
        r"""Lay out a :meth:`prepare`\ d page with WeasyPrint and return the PDF's bytes.

        :raises ExportError: when WeasyPrint cannot produce the document.
        """
        _check_subsetter()
        _install_hyphenation(page.hyphenation)
        fetcher = _RecordingFetcher(page.roots, allow_hosts=page.allow_hosts)
        for url, data, mime in page.images:
            fetcher.serve(url, data, mime)
        try:
            return _write_pdf(page, fetcher)
        except (OSError, ValueError, TypeError, AssertionError) as exc:
            raise ExportError(f"pdf: WeasyPrint could not render the article: {exc}") from exc
        finally:
            fetcher.flush_warnings()

    def export_collection(self, collection: Collection, theme: Theme, **options: Any) -> bytes:
        """Render ``collection`` as one book: a title page, the contents with page numbers, a title page
        per part, then each article as a chapter (see :func:`book_tree`).

        Figures resolve against each article's own folder; files are read under the manifest's folder,
        every article's folder and the themes' folders only.

        :param options: ``pdf_variant`` and ``allow_hosts`` (see :attr:`options`).
        :raises ExportError: when WeasyPrint cannot produce the document.
        """
        opts = self.resolve_options(options)
        _check_subsetter()
        article_dirs = sorted({a.base_dir for a in collection.articles if a.base_dir is not None})
        fetcher = _RecordingFetcher(
            [collection.base_dir, *article_dirs, *theme.template_dirs, themes_dir()], allow_hosts=_allow_hosts(opts)
        )
        try:
            root = book_tree(collection, theme, lambda article: _image_src(fetcher, article.base_dir))
            warn_of_missing_characters("".join(root.itertext()), _font_paths(theme))
            page = _page(root, collection.base_dir, fetcher, theme, opts, pdf_book_file_id(collection), book=True)
            return _write_pdf(page, fetcher)
        except (OSError, ValueError, TypeError, AssertionError) as exc:
            raise ExportError(f"pdf: WeasyPrint could not render the book: {exc}") from exc
        finally:
            fetcher.flush_warnings()


def _font_paths(theme: Theme) -> list[Path]:
    return [path for _family, _style, _weight, path in theme.all_font_files()]


def _page(
    root: Any,
    base_dir: Path | None,
    fetcher: _RecordingFetcher,
    theme: Theme,
    opts: Mapping[str, Any],
    identifier: bytes,
    *,
    book: bool,
) -> PdfPage:
    """The :class:`PdfPage` of the print HTML ``root``, with the figures ``fetcher`` has read."""
    font_dirs = sorted({path.parent for *_, path in theme.all_font_files()})
    return PdfPage(
        html=to_html_string(root),
        css=css_for(theme, "print", book=book),
        base_dir=base_dir,
        roots=tuple(fetcher.roots),
        stylesheet_roots=(*theme.template_dirs, themes_dir(), *font_dirs),
        allow_hosts=tuple(sorted(fetcher.allow_hosts)),
        images=tuple((url, *hit) for url, hit in fetcher.read_by_content().items()),
        pdf_variant=_weasyprint_variant(opts["pdf_variant"]),
        identifier=identifier,
        one_column=theme.layout.columns == 1,
        columns=theme.layout.columns,
        layout_passes=not book,
        chapter_passes=book,
    )


def _weasyprint_variant(variant: str | None) -> str | None:
    """WeasyPrint's ``pdf_variant`` for ours: ``"plain"`` and ``None`` are WeasyPrint's plain PDF (``None``)."""
    return None if variant in (None, "plain") else variant


def _hyphenation_patterns(lang: str) -> tuple[tuple[Path, Any], ...]:
    """Pyphen's patterns for ``lang`` (the dictionary WeasyPrint hyphenates it with), parsed now."""
    import pyphen

    name = pyphen.language_fallback(lang)
    cache = getattr(pyphen, "hdcache", None)
    if name is None or not isinstance(cache, dict):
        return ()
    pyphen.Pyphen(lang=name)  # parses the file into pyphen's per-file cache
    path = pyphen.LANGUAGES[name]
    return ((path, cache[path]),) if path in cache else ()


def _install_hyphenation(patterns: Iterable[tuple[Path, Any]]) -> None:
    """Put patterns parsed elsewhere into pyphen's per-file cache, where WeasyPrint's ``Pyphen()`` finds them."""
    if not patterns:
        return
    import pyphen

    cache = getattr(pyphen, "hdcache", None)
    if isinstance(cache, dict):
        for path, parsed in patterns:
            cache.setdefault(path, parsed)


def _allow_hosts(opts: Mapping[str, Any]) -> tuple[str, ...]:
    allow_hosts = opts["allow_hosts"] or ()
    return (allow_hosts,) if isinstance(allow_hosts, str) else tuple(allow_hosts)


def _image_src(fetcher: _RecordingFetcher, base_dir: Path | None) -> ImageSrc:
    """The figure → ``src`` function for an article in ``base_dir``: a URL served from memory if the
    content is an image that passes the image check (:meth:`Fetcher.fetch_image`), else ``None``.
    """

    def image_src(figure: m.Figure) -> str | None:
        fetched = fetcher.fetch_image_or_none(fetcher.to_url(figure.src, base_dir))
        return None if fetched is None else fetcher.by_content(*fetched)

    return image_src


def _write_pdf(page: PdfPage, fetcher: _RecordingFetcher) -> bytes:
    """Lay out ``page`` with its stylesheet and return the PDF's bytes; ``fetcher`` serves its resources.

    Every footnote must print on the page of its call. WeasyPrint 70 sometimes moves a note to the
    next page to make room for a line, and it does so in different places inside and outside a
    multi-column box; a one-column body is laid out as a plain block (half the work) and, only if a
    note went astray, again as a one-column multi-column box, and the layout with fewer strays is
    kept. A note still astray is reported with a :class:`~opedexport.errors.LayoutWarning`.

    An article (not a book) is first laid out again where that reads better: a figure that left a hole
    at the foot of a page is scaled or deferred (:func:`_fill_holes`), and a last page of a few lines is
    saved by a tighter setting within the theme's limits (:func:`_save_last_page`); a document of
    more than :data:`PASSES_MAX_PAGES` pages is not, as each pass lays it out again. In a book, a
    chapter whose last page holds a few lines is set tighter the same way, found on the chapter
    alone, and the book laid out once more only then (:func:`_save_chapter_pages`).
    """
    weasyprint = import_weasyprint()
    options = {"pdf_variant": page.pdf_variant, "pdf_identifier": page.identifier}
    base_url = page.base_dir.resolve().as_uri() + "/" if page.base_dir is not None else None
    with _LOCK:
        stylesheet = _stylesheet(page.css, page.stylesheet_roots, fetcher)

        def lay_out(html_text: str, *more: Any) -> Any:
            html = weasyprint.HTML(string=html_text, base_url=base_url, url_fetcher=_url_fetcher(fetcher))
            return html.render(stylesheets=[stylesheet, *more], font_config=_font_config(), **options)

        html_text = page.html
        document = lay_out(html_text)
        if page.layout_passes and len(document.pages) <= PASSES_MAX_PAGES:
            html_text, document = _fill_holes(html_text, document, lay_out, page.columns)
            html_text, document = _save_last_page(html_text, document, lay_out, page.columns)
        elif page.chapter_passes:
            html_text, document = _save_chapter_pages(html_text, document, lay_out, page.columns)
        strays = misplaced_notes(document)
        # A book is not laid out again for a stray note: laying out every chapter again would cost as much
        # as the first layout (the note is warned of below).
        if strays and page.one_column and page.layout_passes:
            retry = _stylesheet(_ONE_COLUMN_BOX, page.stylesheet_roots, fetcher)
            second = lay_out(html_text, retry)
            second_strays = misplaced_notes(second)
            if len(second_strays) < len(strays):
                document, strays = second, second_strays
        for number, call_page, note_page in strays:
            warnings.warn(
                LayoutWarning(
                    f"pdf: footnote {number} is printed on page {note_page}, its call on page {call_page} "
                    "(a limit of the layout engine; a change of wording or theme moves the break)"
                ),
                stacklevel=4,
            )
        data = document.write_pdf(finisher=tag_languages, **options)
    if not isinstance(data, bytes):  # pragma: no cover - write_pdf without a target returns bytes
        raise ExportError("pdf: WeasyPrint returned no data")
    return data


#: The body as a one-column multi-column box: WeasyPrint's other way of placing footnotes.
_ONE_COLUMN_BOX = ".article-body { columns: 1; }"


def misplaced_notes(document: Any) -> list[tuple[int, int, int]]:
    """``(note number, call page, note page)`` for each footnote of a rendered WeasyPrint document
    whose note starts on another page than its call (numbers and pages from 1).
    """
    call_page: dict[int, int] = {}
    note_page: dict[int, int] = {}
    for number, page in enumerate(document.pages, start=1):
        # WeasyPrint 70 keeps a page's box tree in ``_page_box``; without one there is nothing to check.
        stack = [box] if (box := getattr(page, "_page_box", None)) is not None else []
        while stack:
            box = stack.pop()
            tag = getattr(box, "element_tag", None) or ""
            if tag.endswith("::footnote-call"):
                call_page.setdefault(id(box.element), number)
            elif tag.endswith("::footnote-marker"):
                note_page.setdefault(id(box.element), number)
            stack.extend(reversed(getattr(box, "children", ()) or ()))  # in document order
    return [
        (n, call_page[key], note_page[key])
        for n, key in enumerate(call_page, start=1)
        if key in note_page and note_page[key] != call_page[key]
    ]


# --------------------------------------------------------------------------- books


_CHAPTER_MARK = "opedexport-chapter"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_TEMPLATE_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def _roman(n: int) -> str:
    """``n`` (1-3999) in Roman numerals, for part numbers."""
    out = []
    for value, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, n = divmod(n, value)
        out.append(letters * count)
    return "".join(out)


def book_tree(collection: Collection, theme: Theme, image_src_for: Callable[[m.Article], ImageSrc]) -> Any:
    """The whole book as one XHTML tree, ready for :func:`~._html.to_html_string` and WeasyPrint.

    The front matter (title page, contents, part title pages) comes from the theme's
    ``collection.html.j2`` in the book's language. Each article is rendered with ``article.html.j2``
    as alone (labels and date in its own language, ids prefixed ``aN-``) and its ``<article>`` becomes
    chapter N: ``<article class="oped chapter" id="aN" lang="…">`` in the article's language. The print
    stylesheet starts every chapter on a new page, restarts footnote numbers in it, and sets its title
    as the running header and as a bookmark under its part.

    :param image_src_for: gives the figure → ``src`` function of each article.
    """
    labels = labels_for(collection.lang)
    has_parts = any(part.title for part in collection.parts)
    parts: list[dict[str, Any]] = []
    chapters: dict[int, Any] = {}
    numbered = 0
    for part in collection.parts:
        entry: dict[str, Any] = {"title": part.title, "chapters": [], "id": "", "numeral": ""}
        if part.title:
            numbered += 1
            entry.update(id=f"part-{numbered}", numeral=_roman(numbered))
        parts.append(entry)
    part_of = {id(part): entry for part, entry in zip(collection.parts, parts, strict=True)}
    for n, part, article in collection.numbered():
        rendered = render_article(
            article,
            theme,
            target="pdf",
            image_src=image_src_for(article),
            id_prefix=f"a{n}-",
        )
        chapter = rendered.root.find(f"{_NS}body/{_NS}article")
        if chapter is None:
            raise ExportError("article.html.j2 must put the article in <body><article>")
        for hidden in chapter.iterfind(f".//{_NS}p[@class='running-source']"):
            hidden.getparent().remove(hidden)
        chapter.set("id", f"a{n}")
        chapter.set("class", f"{chapter.get('class', '')} chapter".strip())
        chapter.set("lang", article.lang)
        chapter.set(_XML_LANG, article.lang)
        chapters[n] = chapter
        part_of[id(part)]["chapters"].append(
            {
                "n": n,
                "id": f"a{n}",
                "title": article.title,
                "lang": article.lang,
                "author_names": join_names([a.name for a in article.authors], collection.lang),
            }
        )
    authors = [a.name for a in collection.editors]
    authors += [a.name for a in collection.all_authors() if a.name not in authors]
    keywords = list(dict.fromkeys(tag for article in collection.articles for tag in article.tags))
    text = (
        environment(theme)
        .get_template("collection.html.j2")
        .render(
            collection=collection,
            theme=theme,
            target="pdf",
            lang=collection.lang,
            labels=labels,
            date_text=format_article_date(collection.date, collection.lang) if collection.date else "",
            date_iso=collection.date.isoformat() if collection.date else "",
            author_names_all=authors,
            keywords=keywords,
            has_parts=has_parts,
            parts=parts,
            chapter_mark=_CHAPTER_MARK,
        )
    )
    root = etree.fromstring(text.encode("utf-8"), parser=_TEMPLATE_PARSER)
    for n, chapter in chapters.items():
        mark = root.find(f".//{_NS}div[@id='{_CHAPTER_MARK}-{n}']")
        if mark is None:
            raise ExportError(f'collection.html.j2 must contain <div id="{_CHAPTER_MARK}-N"/> for every chapter')
        mark.getparent().replace(mark, chapter)
    _set_meta(root)
    _prepare_body(root, theme)
    return root
