"""The HTML reader: a saved web page or a CMS export.

The page is parsed with ``lxml.html`` (libxml2's HTML parser: no network, no
DTD, no entity but HTML's own), the article is found among the page chrome, and
its elements are mapped to the model one function per element type. Nothing is
ever fetched, and nothing outside the input is read.

Finding the article
    No extraction library is used: trafilatura, tried on pages shaped like the
    ones in the tests, drops figure captions and the footnote section (so notes
    lose their text and place) and brings a dozen more packages. Instead, with
    ideas from readability and trafilatura (``_find``): ``script``, ``style``,
    ``iframe``, form controls and other active or embedded content are removed
    (a ``<form>`` itself is kept: ASP.NET wraps whole pages in one). The
    article is then, in order of trust, the element a CMS marks as the body
    (``itemprop="articleBody"``, ``.entry-content``, ``.article-body``,
    ``.detail__body-text``, ``.read__content``, ``.available-content`` …)
    holding the most text, with the other elements of the same name in the
    same ``<article>`` when the CMS splits the body; else the ``<article>``
    that shows the title (the one holding most text of its own when none
    does); else ``<main>``; else the element whose paragraphs score best
    (text length and commas, as readability scores them, also for text run
    between ``<br>`` with no ``<p>``), discounted by its link density, with
    the siblings that score near it. No candidate is taken from a ``nav``,
    an ``aside``, a footer, comments, related posts or hidden elements.

    Inside the article, page chrome is removed: ``nav``, ``header``,
    ``footer``, ``aside`` and ``form`` (a pull quote or a footnote excepted),
    the ARIA landmarks ``navigation``, ``banner``, ``contentinfo``,
    ``complementary`` …, hidden elements, elements whose class or id names
    sharing, related posts, comments, ads, newsletters, sidebars, tags,
    slideshows, galleries, videos, time stamps, "Baca juga" boxes … (unless the
    element holds half the page's paragraph text, comments excepted, or mostly
    a quotation such as an embedded post), lists of links (a block of two items
    or more whose text is mostly links) and paragraphs that are one short link.
    The element holding the article is never chrome. Last, the text reader's
    language rules (``readers/rules/*.toml``) remove every top-level paragraph
    that is boilerplate ("Baca juga: …", "Advertisement", "Share this
    article"), a paragraph that only stamps an update time is removed, a byline
    or dateline is taken from the first paragraphs and trailer lines
    ("Editor: …", "*) Penulis adalah …", which becomes the bio of a single
    author) from the last ones; an author disclosure ("… adalah penulis tamu.
    Opini ini sepenuhnya tanggung jawab penulis.", "The views expressed are
    the author's own"), in the body's last lines or in an author box outside
    it, becomes the article's ``disclosure``.

    Nothing is lost unreported: every block of the page's body that does not
    reach the article is listed in
    :attr:`~opedexport.readers.base.ReadResult.removed` with its line in the
    page and its rule (``chrome:nav``, ``chrome:related``,
    ``chrome:outside-article``, ``boilerplate:…``, ``metadata:…``), one entry
    per outermost block (a menu is one entry; a block of more than 300
    characters is listed by its blocks).

Metadata, in order of trust
    1. JSON-LD: the schema.org ``OpinionNewsArticle``, ``NewsArticle``,
       ``Article``, ``BlogPosting`` … node, also inside ``@graph`` and with
       ``@id`` references followed: ``headline``, ``alternativeHeadline``,
       ``author`` (a Person's ``name``; ``jobTitle``, ``affiliation`` and
       ``worksFor`` make the affiliation), ``datePublished``, ``inLanguage``,
       ``publisher.name``, ``description``, ``keywords``, ``url`` or
       ``mainEntityOfPage``, ``copyrightNotice``.
    2. Meta tags: ``og:title``, ``article:published_time``, ``article:author``
       (unless a URL), ``author``, ``og:site_name``, ``description``,
       ``keywords``, ``article:tag``, ``og:url`` or the canonical link; the
       language from ``<html lang>``, ``content-language`` or ``og:locale``.
    3. The page itself: the ``<h1>``, a visible byline (``.byline``,
       ``rel="author"`` …), a ``<time datetime>``, a dek (``.standfirst``,
       ``.dek`` …), the ``<title>``, the article's first heading, and last
       "Untitled" with a :class:`~opedexport.errors.TextNormalisedWarning`;
       the publication's name from a copyright line (``© 2025 Harian
       Contoh. …``) or a follow-us line ("Follow Harian Contoh on Twitter"),
       unless it credits a photo (in a figure or a credit, right after an
       image, or shaped "REUTERS / POOL", "AP Photo/…").

    A title loses the site's name put after or before it ("Headline | Site")
    when the page names its site so (``og:site_name``, ``application-name``,
    the publisher), or when the ``<h1>`` shows the bare headline. A byline's
    time, category or tag links, share and comment counts and reading time
    are no part of an author's affiliation.

    A visible byline also gives the affiliation of an author named by JSON-LD
    without one. ``lang`` given to :meth:`HtmlReader.read` overrides all of
    these; with no language stated, it is detected from the text.

Body
    Headings (levels ranked as every reader ranks them, so ``h2``/``h3``, and
    ``h2``/``h4`` too, become 1/2; a heading among the first blocks that repeats
    the title, case, spaces and end punctuation aside, is removed under the rule
    ``duplicate-title`` and left out of the ranking), paragraphs (also text
    sitting directly in a ``div``, split at double ``<br>``), block quotes (a
    ``<footer>``/``<cite>`` or a last line opening with a dash is the
    attribution), pull quotes (``.pullquote``, ``.wp-block-pullquote``), lists,
    tables (a one-cell layout table is read as its content), ``<pre>``, rules,
    links, emphasis, strong, code, line breaks.
    A link keeps an http, https, mailto or tel target, or a relative one made
    absolute against the page's URL; a link within the page (``#…``) keeps its
    text alone, and any other target (``javascript:``, ``data:``, ``file:`` …,
    however disguised) is dropped with a warning naming the page and line,
    its text kept.

Figures
    ``<figure>``, or an image alone in its paragraph: the ``alt`` text, the
    ``<figcaption>``, and a credit (an element of class ``credit`` …, or a
    trailing ``(Foto: X)``/``Photo: X``). Lazy-loading attributes
    (``data-src`` …) are preferred to a placeholder ``src``. A relative
    ``src`` is kept as a path relative to the page's folder (browsers save a
    page's images so); one rooted at ``/`` or ``//`` is made absolute against
    the page's URL; an http(s) URL is kept as a URL, which the exporters'
    fetcher refuses unless its host is allowed: the reader downloads nothing.
    Any other ``src`` (``file:``, ``data:``, an absolute or escaping path) drops
    the image, with a note. A figure that the page's ``<article>`` shows before
    the body element, outside it (a lead image), opens the body.

Footnotes
    A link to ``#id`` marked as a note reference (``role="doc-noteref"``,
    ``class="footnote-ref"``, ``rel="footnote"``, Substack's
    ``footnote-anchor``), or a short marker (in ``<sup>``, or such as ``1`` or
    ``[1]``) pointing into a notes section (``section.footnotes``,
    ``ol.wp-block-footnotes``, ``role="doc-endnotes"``, an ``aside`` …),
    becomes a :class:`~opedexport.model.Note` holding the target's content,
    back links removed. The notes section leaves the body.

Links
    Resolved against the page's URL when it has one; links within the page
    (``#…``) and targets other than http, https, mailto and tel keep their
    text only.

Decoding
    A byte order mark, else the ``<meta charset>`` (or ``http-equiv``) in the
    first 4 KiB, else UTF-8. A page given as a string
    (``read(text=str)``, :attr:`~opedexport.readers.base.Source.decoded`) is
    decoded already: its declared charset is not applied again. Undecodable or empty input is an
    :class:`~opedexport.errors.InputError` naming the file, as is a page where
    no article is found.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import replace

from ...errors import InputError, ModelError, TextNormalisedWarning
from ...langdetect import detect_language
from ...model import Article, Block, Heading, Paragraph, Table, plain_text
from .._normalize import DUPLICATE_TITLE, safe_url, same_title
from ..base import Reader, ReadResult, Removal, Source
from ..text import LineRules
from ._common import _DROP_TAGS, _HEADINGS, _VOID_TAGS, El, _text
from ._convert import _Converter, _inlines_of
from ._decode import _decode, _parse
from ._find import _drop_chrome, _find_article, _lead_figures, _note_refs, _notes_section, _outside
from ._meta import (
    _add_visible,
    _lang_tag,
    _Meta,
    _page_title,
    _stated_meta,
    _visible,
    disclosure_in,
    publication_in,
    site_names,
    without_site,
)

__all__ = ["HtmlReader", "safe_url"]

#: A paragraph that only stamps the time of an update ("Updated at 1:23 p.m.", "Diperbarui 12 Mei 2025 10:00").
_STAMP = re.compile(
    r"^\(?(?:last )?(?:updated?|diperbarui|pembaruan|aktualisiert|mis à jour|actualizado)\s*(?:at|on|pada|:|,)?\s*"
    r"(?:\d|(?:mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|senin|selasa|rabu|kamis"
    r"|jumat|sabtu|minggu)[a-z']*\b)[^!?]{0,60}$",
    re.IGNORECASE,
)

#: The title of a page that names none.
_UNTITLED = "Untitled"

# --------------------------------------------------------------------------- the reader


class HtmlReader(Reader):
    """Reads a saved web page or a CMS export (see the module docstring)."""

    name = "html"
    suffixes = (".html", ".htm")
    description = "A saved web page or CMS export: the article found among the page chrome, JSON-LD metadata"

    def read(self, source: Source, *, lang: str | None = None) -> ReadResult:
        """Read ``source``; see :meth:`Reader.read`.

        :raises InputError: when the page is empty, undecodable, or holds no article.
        :raises LimitError: when the page nests elements deeper than libxml2 builds.
        """
        where = source.path or "<string>"
        text, how = _decode(source)
        notes = [f"encoding: {how}"]
        root = _parse(text, where)
        body = root.find("body")
        if body is None:
            body = root
        guess = LineRules(lang or _lang_tag(root.get("lang") or "") or "und")
        meta = _stated_meta(root, guess, notes)
        for el in [*root.iter(*_DROP_TAGS)]:
            if el.getparent() is not None:
                el.drop_tag() if el.tag in _VOID_TAGS else el.drop_tree()
        refs = _note_refs(body)
        for section in {_notes_section(target) for target in refs.values()}:
            if section.getparent() is not None:
                section.drop_tree()
        visible = _visible(body, guess)
        _add_visible(meta, visible)
        meta.title = without_site(meta.title, [meta.publication, *site_names(root)], visible.title)
        meta.title = meta.title or _page_title(root, meta.publication)
        parts = _find_article(body, meta.title)
        if not parts:
            raise InputError("no article found in the page", path=where)
        lead = _lead_figures(parts[0])
        meta.publication = meta.publication or publication_in(body)
        removed: list[Removal] = []
        for line, words, reason in [*_outside(body, parts, lead), *_drop_chrome(body, parts)]:
            rule = _chrome_rule(reason, words, guess)
            if not meta.disclosure and (disclosure := disclosure_in(words)):
                meta.disclosure, rule = disclosure, "metadata:disclosure"
            removed.append(Removal(line, words, rule))
        if not meta.title:
            meta.title = _first_heading(parts) or _UNTITLED
            if meta.title == _UNTITLED:
                warnings.warn(
                    TextNormalisedWarning(
                        f"{where}: the page names no title (no <title>, og:title or heading); it is {_UNTITLED!r}"
                    ),
                    stacklevel=2,
                )
        conv = _Converter(refs, meta.url, notes, where, removed)
        blocks = [(b, f.sourceline or 1) for f in lead for b in conv.figure(f)]
        blocks += conv.top_blocks(parts, meta.title)
        if lang:
            notes.append(f"language {lang}: given by the caller")
        elif meta.lang:
            lang = meta.lang
            notes.append(f"language {lang}: stated by the page")
        else:
            lang, confidence = detect_language(" ".join(plain_text(_inlines_of(b)) for b, _ in blocks))
            notes.append(f"language {lang}: detected from stop words (confidence {confidence:.2f})")
        rules = LineRules(lang)
        blocks = _tidy_blocks(blocks, meta, rules, removed)
        if not blocks:
            raise InputError("no article found in the page: nothing is left after the page chrome", path=where)
        try:
            article = self._article(meta, blocks, lang, source)
        except ModelError as exc:
            raise InputError(exc.message, path=where) from None
        return ReadResult(article, tuple(sorted(removed, key=lambda r: r.line)), tuple(notes))

    @staticmethod
    def _article(meta: _Meta, blocks: list[tuple[Block, int]], lang: str, source: Source) -> Article:
        return Article(
            title=meta.title,
            body=tuple(b for b, _ in blocks),
            subtitle=meta.subtitle,
            authors=tuple(meta.authors),
            date=meta.date,
            publication=meta.publication,
            lang=lang,
            tags=tuple(meta.tags),
            summary=meta.summary if meta.summary != meta.subtitle else "",
            source_url=meta.url,
            rights=meta.rights,
            disclosure=meta.disclosure,
            source_path=source.path,
        )


def _tidy_blocks(
    blocks: list[tuple[Block, int]], meta: _Meta, rules: LineRules, removed: list[Removal]
) -> list[tuple[Block, int]]:
    """Apply the language rules to the top-level blocks: boilerplate, leading byline and dateline, trailer."""

    def text(block: Block) -> str:
        return " ".join(plain_text(_inlines_of(block)).split())

    kept: list[tuple[Block, int]] = []
    for block, line in blocks:
        words = text(block)
        if isinstance(block, (Paragraph, Heading, Table)) and (rule := rules.boilerplate(words)):
            removed.append(Removal(line, words, f"boilerplate:{rule}"))
        elif isinstance(block, Heading) and same_title(words, meta.title) and len(kept) < 3:
            removed.append(Removal(line, words, DUPLICATE_TITLE))
        elif isinstance(block, Paragraph) and _STAMP.match(words):
            removed.append(Removal(line, words, "chrome:timestamp"))
        else:
            kept.append((block, line))

    while kept and isinstance(kept[0][0], Paragraph):  # byline, dateline, dek at the top
        words = text(kept[0][0])
        if len(words) > 200:
            break
        if people := rules.byline(words):
            meta.authors = meta.authors or people
            removed.append(Removal(kept[0][1], words, "metadata:byline"))
        elif date := rules.date(words):
            meta.date = meta.date or date
            removed.append(Removal(kept[0][1], words, "metadata:dateline"))
        elif words and words == meta.subtitle:
            removed.append(Removal(kept[0][1], words, "metadata:subtitle"))
        else:
            break
        kept.pop(0)

    while kept and isinstance(kept[-1][0], (Paragraph, Heading)):  # trailer lines, and a heading left alone
        block, line = kept[-1]
        words = text(block)
        if isinstance(block, Heading):
            removed.append(Removal(line, words, "html:empty-section"))
        elif rule := rules.boilerplate(words, trailer=True):
            removed.append(Removal(line, words, f"boilerplate:{rule}"))
        elif not meta.disclosure and (disclosure := disclosure_in(words)):
            meta.disclosure = disclosure
            removed.append(Removal(line, words, "metadata:disclosure"))
        elif note := rules.writer_note(words):
            if len(meta.authors) == 1 and not meta.authors[0].bio:
                meta.authors[0] = replace(meta.authors[0], bio=note)
            removed.append(Removal(line, words, "metadata:writer-note"))
        else:
            break
        kept.pop()
    return kept


def _first_heading(parts: list[El]) -> str:
    """The text of the article's first heading, or ``""``."""
    return next((text for part in parts for h in part.iter(*_HEADINGS) if (text := _text(h))), "")


def _chrome_rule(reason: str, words: str, rules: LineRules) -> str:
    """The rule name of a removed block: the language's boilerplate rule when one names it, else ``chrome:…``."""
    if reason in ("links", "outside-article") and (rule := rules.boilerplate(words)):
        return f"boilerplate:{rule}"
    return f"chrome:{reason}"
