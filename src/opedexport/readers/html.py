"""The HTML reader: a saved web page or a CMS export.

The page is parsed with ``lxml.html`` (libxml2's HTML parser: no network, no
DTD, no entity but HTML's own), the article is found among the page chrome, and
its elements are mapped to the model one function per element type. Nothing is
ever fetched, and nothing outside the input is read.

Finding the article
    No extraction library is used: trafilatura, tried on pages shaped like the
    ones in the tests, drops figure captions and the footnote section (so notes
    lose their text and place) and brings a dozen more packages. Instead, in
    the manner of readability: ``script``, ``style``, ``iframe``, forms and
    other active or embedded content are removed; then page chrome, that is
    ``nav``, ``header``, ``footer`` and ``aside`` (a pull quote or a footnote
    excepted), the ARIA landmarks ``navigation``, ``banner``, ``contentinfo``,
    ``complementary`` …, hidden elements, and elements whose class or id names
    sharing, related posts, comments, ads, newsletters, sidebars, tags, "Baca
    juga" boxes … (unless the name also says article, body, content, entry,
    post or story). The article is then the element a CMS marks as the body
    (``itemprop="articleBody"``, ``.entry-content``, ``.article-body``,
    ``.detail__body-text``, ``.read__content``, ``.available-content`` …)
    holding the most text; else the ``<article>`` holding the most text; else
    ``<main>``; else the element whose paragraphs score best. Last, the text
    reader's language rules (``readers/rules/*.toml``) remove every top-level
    paragraph that is boilerplate ("Baca juga: …", "Advertisement", "Share
    this article"), take a byline or dateline from the first paragraphs and
    trailer lines ("Editor: …", "*) Penulis adalah …", which becomes the bio of
    a single author) from the last ones. Every removal inside the article is
    listed in :attr:`~opedexport.readers.base.ReadResult.removed` with its
    line in the page.

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
       ``.dek`` …), and last the ``<title>``.

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
    first 4 KiB, else UTF-8; undecodable or empty input is an
    :class:`~opedexport.errors.InputError` naming the file, as is a page where
    no article is found.
"""

from __future__ import annotations

import codecs
import datetime as dt
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path, PurePosixPath
from typing import Any, TypeAlias
from urllib.parse import unquote, urljoin, urlsplit

import lxml.html
from lxml import etree

from .. import limits
from ..errors import InputError, LimitError, ModelError
from ..langdetect import detect_language
from ..model import (
    Article,
    Author,
    Block,
    BlockQuote,
    Code,
    Emph,
    Figure,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Paragraph,
    PullQuote,
    Rule,
    Strong,
    Table,
    Text,
    plain_text,
)
from ._normalize import DUPLICATE_TITLE, heading_levels, link_target, safe_url, same_title
from .base import Reader, ReadResult, Removal, Source
from .text import LineRules

__all__ = ["HtmlReader", "safe_url"]

El: TypeAlias = lxml.html.HtmlElement
Item: TypeAlias = "Inline | str"

#: libxml2 stops building the tree at 256 levels; refuse such a page rather than lose its end.
_MAX_DEPTH = 250
_SPACE = re.compile(r"[ \t\n\r\f]+")
#: Characters XML cannot carry (the model would drop them with a warning); CR and FF are handled before.
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>")
_DOCTYPE = re.compile(r"^\s*<!DOCTYPE[^\[>]*(?:\[.*?\]\s*)?>", re.IGNORECASE | re.DOTALL)
_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
#: Labels that WHATWG decodes as another encoding.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "utf-16": "utf-8",
    "utf-16le": "utf-8",
    "utf-16be": "utf-8",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))

# --------------------------------------------------------------------------- element classes

#: Never read: active, embedded or form content.
_DROP_TAGS = frozenset(
    "script style noscript template iframe frame frameset object embed applet svg math canvas video audio "
    "source track map area form input button select textarea option link meta base dialog param".split()
)
#: HTML5's empty elements that libxml2's HTML 4 parser does not know: what it nests in them is their siblings.
_VOID_TAGS = frozenset({"source", "track", "embed", "wbr", "keygen"})
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "menu"})
_CHROME_ROLES = frozenset(
    "navigation banner contentinfo complementary search dialog alertdialog menu menubar toolbar tablist".split()
)
_CHROME_NAME = re.compile(
    r"(?:^|[-_])(?:share\w*|social|sosmed|related\w*|terkait|recommend\w*|rekomendasi|comments?|komentar"
    r"|disqus|sidebar|widget|newsletter|subscribe|subscription|langganan|promo\w*|advert\w*|iklan|ads?|adsbygoogle"
    r"|adunit|adslot|dfp|gpt|banner|bagikan|sponsor\w*|breadcrumbs?|pagination|pager|tags|taglist|tagcloud|topics|popular"
    r"|terpopuler|trending|mostread|most-read|baca-juga|bacajuga|read-also|also-read|more-stories|outbrain|taboola"
    r"|cookies?|consent|paywall|modal|popup|print|nav|navbar|navigation|menu|toolbar|skip-link|sr-only"
    r"|visually-hidden|screen-reader-text|author-bio|byline|author|authors|meta|footer|header|masthead)(?:$|[-_])",
    re.IGNORECASE,
)
#: Class names and ids that CMSs give the element holding the article's body.
_BODY_NAMES = frozenset(
    "entry-content post-content article-content article-body article__body articlebody article-text story-body "
    "story-content post-body content-body detail__body-text detail-text read__content txt-article body-text "
    "available-content rich-text c-entry-content td-post-content itp_bodycontent news-content isi-berita "
    "article-body-commercial-selector postcontent".split()
)
_PULLQUOTE_NAME = re.compile(r"(?:^|[-_])(?:pull-?quote|pullout|wp-block-pullquote)(?:$|[-_])", re.IGNORECASE)
_BYLINE_NAME = re.compile(r"(?:^|[-_])(?:byline|by-line|author|authors|penulis|writer|contributor)(?:$|[-_])", re.I)
_DEK_NAME = re.compile(
    r"(?:^|[-_])(?:dek|standfirst|subtitle|sub-title|subheadline|subheading|excerpt)(?:$|[-_])", re.I
)
_DATE_NAME = re.compile(r"(?:^|[-_])(?:date|time|published|pubdate|dateline|tanggal)(?:$|[-_])", re.IGNORECASE)
_CREDIT_NAME = re.compile(r"(?:^|[-_])(?:credit|credits|copyright|photo-credit|source|sumber)(?:$|[-_])", re.I)
_NOTES_NAME = re.compile(
    r"(?:^|[-_])(?:footnotes?|endnotes?|notes|wp-block-footnotes|footnote-content|fn|easy-footnotes?|catatan)(?:$|[-_])",
    re.I,
)
_NOTEREF_NAME = re.compile(r"(?:^|[-_])(?:footnote-ref|footnote-anchor|footnote-link|fn-ref|noteref)(?:$|[-_])", re.I)
_BACKLINK_NAME = re.compile(
    r"(?:^|[-_])(?:footnote-back|footnote-backref|footnote-return|reversefootnote|backlink|fn-back|footnote-number)"
    r"(?:$|[-_])",
    re.IGNORECASE,
)
_NOTE_MARKER = re.compile(r"^\[?\(?(?:\d{1,3}|[*†‡§a-z]|[ivx]{1,5})\)?\]?$", re.IGNORECASE)
_BACK_ARROWS = frozenset({"↩", "↩\ufe0e", "↩\ufe0f", "^", "↑", "⤴", "back", "kembali"})
_INLINE_TAGS = frozenset(
    "a abbr b bdi bdo big cite code data del dfn em font i ins kbd label mark nobr q s samp small span strike "
    "strong sub sup time tt u var wbr br img".split()
)
_EMPH_TAGS = frozenset({"em", "i", "cite", "dfn", "var"})
_STRONG_TAGS = frozenset({"strong", "b"})
_CODE_TAGS = frozenset({"code", "kbd", "samp", "tt"})
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_ATTRIBUTION = re.compile(r"^\s*(?:—|―|–|--)-?\s*")
_CREDIT_TEXT = re.compile(
    r"^(?P<caption>.*?)\s*(?:\((?P<paren>(?:foto|photo|photograph|credit|kredit|sumber|source|ilustrasi|illustration)"
    r"\s*:[^()]*)\)|(?<=[.!?])\s*(?P<plain>(?:foto|photo|photograph|credit|kredit|sumber|source|ilustrasi"
    r"|illustration)\s*:[^.]+\.?))\s*$",
    re.IGNORECASE | re.DOTALL,
)
_ARTICLE_TYPES = (
    "OpinionNewsArticle",
    "AnalysisNewsArticle",
    "NewsArticle",
    "ReportageNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "Article",
    "BlogPosting",
    "ScholarlyArticle",
    "TechArticle",
    "Report",
    "SocialMediaPosting",
    "LiveBlogPosting",
)
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def _classes(el: El) -> list[str]:
    """The element's class names and its id."""
    return [*(el.get("class") or "").split(), *(el.get("id") or "").split()]


def _named(el: El, pattern: re.Pattern[str]) -> bool:
    return any(pattern.search(name) for name in _classes(el))


def _text(el: El) -> str:
    """The element's text with white space collapsed."""
    return " ".join(el.text_content().split())


def _tag(el: Any) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


# --------------------------------------------------------------------------- decoding and parsing


def _decode(source: Source) -> tuple[str, str]:
    """The page's text and how its encoding was chosen."""
    where = source.path or "<string>"
    data = source.data
    if len(data) > limits.MAX_MARKUP_BYTES:  # parsing a page costs many times its size
        raise LimitError(limits.over("bytes of HTML", len(data), "MAX_MARKUP_BYTES"), path=where)
    if not data.strip():
        raise InputError("the input is empty", path=where)
    encoding, how = "utf-8", "UTF-8 (no charset declared)"
    for bom, codec in _BOMS:
        if data.startswith(bom):
            data, encoding, how = data[len(bom) :], codec, f"{codec} (byte order mark)"
            break
    else:
        if match := _META_CHARSET.search(data[:4096]):
            label = match.group(1).decode("ascii").lower()
            encoding, how = _CHARSET_ALIASES.get(label, label), f"{label} (meta charset)"
    text = ""
    for codec, said in ((encoding, how), ("utf-8", f"UTF-8 (the declared {encoding!r} is no text encoding)")):
        try:
            text, how = data.decode(codec), said
            break
        except LookupError:
            continue
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"cannot decode the page as {said}: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                path=where,
                line=line,
            ) from None
    if not text.strip():
        raise InputError("the input is empty", path=where)
    return text, how


def _parse(text: str, where: str | Path) -> El:
    """The page's tree; comments, processing instructions and a DOCTYPE's internal subset never reach it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " ")
    text = _CONTROL.sub("", _DOCTYPE.sub("", _XML_DECL.sub("", text, count=1), count=1))
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"not an HTML page: {exc}", path=where) from None
    depth = {root: 0}
    for el in root.iter():
        if (level := depth.get(el.getparent(), -1) + 1) >= _MAX_DEPTH:
            raise LimitError(f"the page nests elements more than {_MAX_DEPTH} levels deep", path=where)
        depth[el] = level
    return root


# --------------------------------------------------------------------------- metadata


@dataclass(slots=True)
class _Meta:
    """Article metadata from one kind of source; empty values mean "not stated"."""

    title: str = ""
    subtitle: str = ""
    authors: list[Author] = field(default_factory=list)
    date: dt.date | None = None
    lang: str = ""
    publication: str = ""
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    url: str = ""
    rights: str = ""

    def fill(self, other: _Meta) -> None:
        """Take from ``other`` every field still empty here."""
        for f in fields(self):
            if not getattr(self, f.name) and getattr(other, f.name):
                setattr(self, f.name, getattr(other, f.name))


def _iso_date(value: object) -> dt.date | None:
    """The calendar date of an ISO 8601 date or date-time, as written (no time-zone shift)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    for candidate in (value.replace("Z", "+00:00"), value[:10]):
        try:
            return dt.datetime.fromisoformat(candidate).date()
        except ValueError:
            continue
    return None


def _lang_tag(value: str) -> str:
    value = value.strip().replace("_", "-")
    return value if _LANG_TAG.match(value) else ""


def _http(url: str) -> str:
    return url.strip() if urlsplit(url.strip()).scheme.lower() in ("http", "https") else ""


def _split_list(value: object) -> list[str]:
    """Keywords given as a list or as one comma-separated string."""
    items = value if isinstance(value, list) else str(value).split(",") if isinstance(value, str) else []
    out: list[str] = []
    for item in items:
        if isinstance(item, str) and (tag := " ".join(html.unescape(item).split())) and tag not in out:
            out.append(tag)
    return out


class _JsonLd:
    """The schema.org article node of a page's JSON-LD and the nodes it refers to."""

    def __init__(self, root: El, notes: list[str]):
        self.nodes: list[dict[str, Any]] = []
        for script in root.iter("script"):
            if (script.get("type") or "").strip().lower() != "application/ld+json":
                continue
            try:
                self._collect(json.loads(script.text or "", strict=False))
            except (ValueError, RecursionError):
                notes.append(f"line {script.sourceline}: JSON-LD that is not valid JSON was ignored")
        self.by_id = {n["@id"]: n for n in self.nodes if isinstance(n.get("@id"), str)}

    def _collect(self, data: Any) -> None:
        if isinstance(data, list):
            for item in data:
                self._collect(item)
        elif isinstance(data, dict):
            self.nodes.append(data)
            if "@graph" in data:
                self._collect(data["@graph"])

    @staticmethod
    def types(node: dict[str, Any]) -> list[str]:
        kinds = node.get("@type", [])
        kinds = kinds if isinstance(kinds, list) else [kinds]
        return [k.rsplit("/", 1)[-1].removeprefix("schema:") for k in kinds if isinstance(k, str)]

    def deref(self, value: Any) -> Any:
        """Follow an ``{"@id": …}`` reference to the node it names (what the reference states itself wins)."""
        if isinstance(value, dict) and isinstance(value.get("@id"), str):
            target = self.by_id.get(value["@id"])
            if target is not None and target is not value:
                return {**target, **value}
        return value

    def text(self, value: Any) -> str:
        """A plain string from a string, a list of them, or a node's ``name``."""
        value = self.deref(value)
        if isinstance(value, list):
            return next((t for t in (self.text(v) for v in value) if t), "")
        if isinstance(value, dict):
            return self.text(value.get("name") or value.get("@value") or "")
        if isinstance(value, str):
            return " ".join(_CONTROL.sub("", html.unescape(value)).split())
        return ""

    def article(self) -> dict[str, Any] | None:
        """The article node: an opinion piece before news, news before a plain article."""
        ranked = [
            (_ARTICLE_TYPES.index(kind), i, node)
            for i, node in enumerate(self.nodes)
            for kind in self.types(node)
            if kind in _ARTICLE_TYPES
        ]
        return min(ranked, key=lambda r: (r[0], r[1]))[2] if ranked else None

    def person(self, value: Any, publisher: str) -> Author | None:
        """An author from a Person (or Organization, unless it is the publisher) or a name."""
        value = self.deref(value)
        if not isinstance(value, dict):
            name = self.text(value)
            return Author(name) if name else None
        name = self.text(value.get("name"))
        if not name or ("Person" not in self.types(value) and name == publisher):
            return None
        roles = [self.text(value.get("jobTitle"))]
        for key in ("affiliation", "worksFor"):
            found = self.deref(value.get(key))
            roles += [self.text(v) for v in (found if isinstance(found, list) else [found])]
        affiliation = ", ".join(dict.fromkeys(r for r in roles if r))
        url = value.get("url")
        return Author(
            name,
            affiliation,
            bio=self.text(value.get("description")),
            url=_http(url) if isinstance(url, str) else "",
        )

    def meta(self) -> _Meta:
        """What the article node states."""
        node = self.article()
        if node is None:
            return _Meta()
        publication = self.text(node.get("publisher")) or self.text(node.get("isPartOf"))
        people = self.deref(node.get("author"))
        authors = [a for p in (people if isinstance(people, list) else [people]) if (a := self.person(p, publication))]
        language = self.deref(node.get("inLanguage"))
        if isinstance(language, dict):
            language = language.get("alternateName") or language.get("name")
        url = node.get("url") or self.deref(node.get("mainEntityOfPage"))
        if isinstance(url, dict):
            url = url.get("@id") or url.get("url")
        return _Meta(
            title=self.text(node.get("headline") or node.get("name")),
            subtitle=self.text(node.get("alternativeHeadline")),
            authors=authors,
            date=_iso_date(node.get("datePublished") or node.get("dateCreated")),
            lang=_lang_tag(language) if isinstance(language, str) else "",
            publication=publication,
            summary=self.text(node.get("description")),
            tags=_split_list(node.get("keywords")),
            url=_http(url) if isinstance(url, str) else "",
            rights=self.text(node.get("copyrightNotice")),
        )


def _meta_tags(root: El, rules: LineRules) -> _Meta:
    """What the page's ``<meta>`` tags, canonical link and ``lang`` attribute state."""
    metas: dict[str, list[str]] = {}
    for tag in root.iter("meta"):
        key = (tag.get("property") or tag.get("name") or tag.get("itemprop") or tag.get("http-equiv") or "").lower()
        content = " ".join(html.unescape(tag.get("content") or "").split())
        if key.strip() and content:
            metas.setdefault(key.strip(), []).append(content)

    def first(*keys: str) -> str:
        return next((metas[k][0] for k in keys if k in metas), "")

    authors: list[Author] = []
    for value in metas.get("article:author", []) + metas.get("author", []) + metas.get("parsely-author", []):
        if not _http(value) and not authors:
            authors = _names(value, rules)
    if not authors and (byl := first("byl")):
        authors = rules.byline(byl) or _names(byl, rules)
    canonical = next((_http(link.get("href") or "") for link in root.iter("link") if "canonical" in _rels(link)), "")
    html_lang = root.get("lang") or root.get("xml:lang") or ""
    return _Meta(
        title=first("og:title", "twitter:title", "dc.title"),
        authors=authors,
        date=_iso_date(
            first("article:published_time", "datepublished", "pubdate", "publishdate", "parsely-pub-date", "dc.date")
        ),
        lang=_lang_tag(html_lang) or _lang_tag(first("content-language", "dc.language", "og:locale")),
        publication=first("og:site_name", "application-name"),
        summary=first("description", "og:description", "twitter:description"),
        tags=_split_list(first("keywords", "news_keywords")) or _split_list(metas.get("article:tag", [])),
        url=canonical or _http(first("og:url")),
    )


def _rels(el: El) -> list[str]:
    return (el.get("rel") or "").lower().split()


def _names(value: str, rules: LineRules) -> list[Author]:
    """Authors from a meta tag listing names only ("Jane Doe, John Roe", "A; B")."""
    parts: list[str] = []
    for part in re.split(r"\s*(?:[,;&]|\s(?:and|dan)\s)\s*", value):
        if parts and (len(part) <= 6 or ("." in part and " " not in part)):  # a degree: "M.Si.", "PhD"
            parts[-1] += ", " + part
        elif part:
            parts.append(part)
    return [Author(p) for p in parts]


def _visible(body: El, rules: LineRules) -> _Meta:
    """What the page shows outside the body: the first ``<h1>``, a byline, a ``<time>``, a dek."""
    meta = _Meta()
    h1 = next((h for a in body.iter("article") for h in a.iter("h1")), None)
    if (h1 := h1 if h1 is not None else next(body.iter("h1"), None)) is not None:
        meta.title = _text(h1)
    for el in body.iter():
        if not isinstance(el.tag, str):
            continue
        if (
            not meta.authors
            and ("author" in _rels(el) or "author" in (el.get("itemprop") or "") or _named(el, _BYLINE_NAME))
            and len(text := _text(el)) <= 200
        ):
            meta.authors = _byline(el, text, rules)
        if meta.date is None and el.tag == "time":
            meta.date = _iso_date(el.get("datetime")) or rules.date(_text(el))
        if meta.date is None and (el.get("itemprop") == "datePublished" or _named(el, _DATE_NAME)):
            meta.date = _iso_date(el.get("datetime") or el.get("content")) or rules.date(_text(el)[:120])
        if not meta.subtitle and _named(el, _DEK_NAME) and 0 < len(text := _text(el)) <= 400:
            meta.subtitle = text
    return meta


def _byline(el: El, text: str, rules: LineRules) -> list[Author]:
    """The authors a visible byline element names; its parts may sit in separate elements."""
    if authors := rules.byline(text) or rules.names(text):
        return authors
    pieces = [" ".join(t.split()) for t in el.itertext()]
    pieces = [p for p in pieces if p.strip(" ,|·•")]
    if pieces and rules.byline(f"{pieces[0]} Ann Lee") == [Author("Ann Lee")]:  # the first piece is "By" / "Oleh"
        pieces = pieces[1:]
    return rules.names(", ".join(pieces))


def _page_title(root: El, site: str) -> str:
    """The ``<title>``, without the site's name when it is appended."""
    title = next((_text(t) for t in root.iter("title")), "")
    parts = re.split(r"\s+[|\-–—·:]\s+", title)
    if len(parts) > 1 and site and parts[-1].casefold() == site.casefold():
        return " - ".join(parts[:-1])
    return title


# --------------------------------------------------------------------------- footnotes


def _note_refs(body: El) -> dict[El, El]:
    """Each footnote reference link and the element holding its note's content."""
    ids = {el.get("id"): el for el in body.iter() if isinstance(el.tag, str) and el.get("id")}
    refs: dict[El, El] = {}
    for a in body.iter("a"):
        href = (a.get("href") or "").strip()
        target = ids.get(href[1:]) if href.startswith("#") else None
        if target is None or target is a or a in target.iterancestors():
            continue
        marked = (
            a.get("role") == "doc-noteref"
            or "noteref" in (a.get("epub:type") or "")
            or "footnote" in _rels(a)
            or _named(a, _NOTEREF_NAME)
        )
        marker = _NOTE_MARKER.match(_text(a)) is not None and (
            _tag(a.getparent()) == "sup" or any(_tag(c) == "sup" for c in a) or "[" in _text(a)
        )
        if marked or (marker and _in_notes(target)):
            if _tag(target) == "a":  # Substack and others: the target is the note's number inside the note
                target = target.getparent()
            refs[a] = target
    return refs


def _in_notes(el: El) -> bool:
    """Whether the element is, or sits in, a notes section."""
    for node in (el, *el.iterancestors()):
        role = node.get("role") or ""
        kind = node.get("epub:type") or ""
        if role.startswith(("doc-footnote", "doc-endnote")) or "note" in kind or _named(node, _NOTES_NAME):
            return True
    return False


def _notes_section(el: El) -> El:
    """The outermost notes section around a note (the note itself when it stands alone)."""
    section = el
    for node in el.iterancestors():
        if _tag(node) in ("body", "article", "main"):
            break
        if _in_notes(node) and not _is_body_hint(node):
            section = node
    return section


# --------------------------------------------------------------------------- finding the article


def _is_body_hint(el: El) -> bool:
    """Whether a CMS marks ``el`` as the article's body."""
    return el.get("itemprop") == "articleBody" or any(n.lower() in _BODY_NAMES for n in _classes(el))


class _Chrome:
    """Decides which elements of a page are chrome.

    An element is never chrome when it holds the article: when it is, or holds, an
    element marked as the body, the ``<main>`` or the ``<article>`` with the most
    text, or (unless it names comments) half the text of the page's paragraphs.
    """

    def __init__(self, body: El):
        articles = sorted(body.iter("article"), key=_text_weight)
        keep = [el for el in body.iter() if isinstance(el.tag, str) and _is_body_hint(el)]
        keep += [*body.iter("main"), *articles[-1:]]
        self.anchors = {a for el in keep for a in (el, *el.iterancestors())}
        self.half = sum(len(_text(p)) for p in body.iter("p")) / 2

    def reason(self, el: El) -> str:
        """Why ``el`` is page chrome, or ``""``."""
        tag = _tag(el)
        if tag in _DROP_TAGS:
            return tag
        if el in self.anchors or _named(el, _PULLQUOTE_NAME) or tag in _HEADINGS or tag == "figure":
            return ""
        if el.get("hidden") is not None or el.get("aria-hidden") == "true":
            return "hidden"
        if re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", el.get("style") or "", re.IGNORECASE):
            return "hidden"
        if tag in _CHROME_TAGS:
            inside = any(_tag(a) in ("blockquote", "figure") for a in el.iterancestors())
            return "" if inside and tag in ("footer", "header") else tag
        if (role := (el.get("role") or "").lower()) in _CHROME_ROLES:
            return role
        for name in _classes(el):
            if m := _CHROME_NAME.search(name):
                word = m.group(0).strip("-_").lower()
                heavy = sum(len(_text(p)) for p in el.iter("p")) >= self.half > 0
                return "" if heavy and not word.startswith(("comment", "komentar", "disqus")) else word
        return ""


def _text_weight(el: El) -> int:
    """How much text the element holds outside links."""
    return len(_text(el)) - sum(len(_text(a)) for a in el.iter("a"))


def _find_article(body: El) -> El | None:
    """The element holding the article's body (see the module docstring)."""
    hinted = [el for el in body.iter() if isinstance(el.tag, str) and _is_body_hint(el)]
    for group in (hinted, list(body.iter("article")), [*body.iter("main"), *body.xpath("//*[@role='main']")]):
        scored = [(w, el) for el in group if (w := _text_weight(el)) > 0]
        if scored:
            return max(scored, key=lambda s: s[0])[1]
    scores: dict[El, float] = {}
    for p in body.iter("p", "pre", "td", "blockquote"):
        text = _text(p)
        if len(text) < 25:
            continue
        score = 1 + text.count(",") + min(len(text) // 100, 3)
        for level, ancestor in enumerate(p.iterancestors()):
            if level == 3:
                break
            scores[ancestor] = scores.get(ancestor, 0.0) + score / (1, 2, 3)[level]
    if not scores:
        return None
    return max(scores, key=lambda el: scores[el] * (1 - (len(_text(el)) - _text_weight(el)) / max(len(_text(el)), 1)))


def _stated_meta(root: El, rules: LineRules, notes: list[str]) -> _Meta:
    """What the page states about itself: JSON-LD first, then its meta tags."""
    try:
        meta = _JsonLd(root, notes).meta()
    except RecursionError:
        meta = _Meta()
        notes.append("JSON-LD nested too deeply was ignored")
    meta.fill(_meta_tags(root, rules))
    return meta


def _add_visible(meta: _Meta, visible: _Meta) -> None:
    """Fill ``meta`` from what the page shows; a visible byline adds affiliations the stated authors lack."""
    for author in visible.authors:
        if author.affiliation:
            meta.authors = [
                replace(a, affiliation=author.affiliation) if a.name == author.name and not a.affiliation else a
                for a in meta.authors
            ]
    meta.fill(visible)


def _drop_chrome(body: El) -> list[tuple[El, El, str]]:
    """Remove the page chrome (the outermost elements only); return each with its former parent and reason."""
    judge = _Chrome(body)
    inside: set[El] = set()  # the chrome found so far and everything in it
    dropped: list[tuple[El, El, str]] = []
    for el in body.iter():
        if el.getparent() in inside:
            inside.add(el)
        elif el is not body and isinstance(el.tag, str) and (reason := judge.reason(el)):
            inside.add(el)
            dropped.append((el, el.getparent(), reason))
    for el, _parent, _reason in dropped:
        el.drop_tree()
    return dropped


def _words(el: El) -> str:
    """The element's text, its parts separated by spaces (``Share this: Twitter Facebook``)."""
    return " ".join(" ".join(el.itertext()).split())


def _lead_figures(container: El) -> list[El]:
    """The figure that the container's ``<article>`` shows before the body, outside it (a lead image), if any."""
    article = next(container.iterancestors("article"), None)
    if article is None:
        return []
    position = {el: i for i, el in enumerate(article.iter())}
    before = [
        f for f in article.iter("figure") if position[f] < position[container] and next(f.iter("img"), None) is not None
    ]
    return before[:1]


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
        _add_visible(meta, _visible(body, guess))
        meta.title = meta.title or _page_title(root, meta.publication)
        dropped = _drop_chrome(body)
        container = _find_article(body)
        if container is None or not meta.title:
            what = "no article found" if container is None else "no title found"
            raise InputError(f"{what} in the page", path=where)
        removed = [
            Removal(el.sourceline or 1, _words(el)[:200], f"html:{reason}")
            for el, parent, reason in dropped
            if (parent is container or container in parent.iterancestors()) and _words(el)
        ]
        conv = _Converter(refs, meta.url, notes, where)
        blocks = [(b, f.sourceline or 1) for f in _lead_figures(container) for b in conv.figure(f)]
        blocks += conv.top_blocks(container, meta.title)
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
            source_path=source.path,
        )


def _inlines_of(block: Block) -> tuple[Inline, ...]:
    """The inline text of a paragraph-like block, for rules and language detection."""
    if isinstance(block, (Paragraph, Heading, PullQuote)):
        return block.children
    if isinstance(block, Table):
        return tuple(i for row in (block.header, *block.rows) for cell in row for i in (*cell, Text(" ")))
    if isinstance(block, (BlockQuote, ListBlock)):
        inner = block.blocks if isinstance(block, BlockQuote) else tuple(b for item in block.items for b in item)
        return tuple(i for b in inner for i in (*_inlines_of(b), Text(" ")))
    return ()


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
        elif note := rules.writer_note(words):
            if len(meta.authors) == 1 and not meta.authors[0].bio:
                meta.authors[0] = replace(meta.authors[0], bio=note)
            removed.append(Removal(line, words, "metadata:writer-note"))
        else:
            break
        kept.pop()
    return kept


# --------------------------------------------------------------------------- elements to nodes


def _merge(items: Iterable[Item]) -> tuple[Inline, ...]:
    """Inline items with adjacent strings merged into one :class:`Text` each, white space collapsed."""
    out: list[Inline] = []
    run: list[str] = []
    for item in [*items, None]:
        if isinstance(item, str):
            run.append(item)
            continue
        if run and (joined := _SPACE.sub(" ", "".join(run))):
            out.append(Text(joined))
        run = []
        if item is not None:
            out.append(item)
    return tuple(out)


def _tidy(nodes: tuple[Inline, ...], after_space: list[bool]) -> tuple[Inline, ...]:
    """Drop the spaces HTML would not show: leading, doubled, and around line breaks."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            text = node.text.lstrip(" ") if after_space[0] else node.text
            if text:
                out.append(Text(text))
                after_space[0] = text.endswith(" ")
        elif isinstance(node, LineBreak):
            out = list(_rstrip(tuple(out)))
            if out:
                out.append(node)
            after_space[0] = True
        elif isinstance(node, (Emph, Strong, Link)):
            if children := _tidy(node.children, after_space):
                out.append(replace(node, children=children))
        else:
            out.append(node)
            after_space[0] = after_space[0] and isinstance(node, Note)
    return tuple(out)


def _rstrip(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``nodes`` without trailing spaces and line breaks."""
    out = list(nodes)
    while out:
        last = out[-1]
        if isinstance(last, LineBreak):
            out.pop()
        elif isinstance(last, Text):
            if text := last.text.rstrip(" "):
                out[-1] = Text(text)
                break
            out.pop()
        elif isinstance(last, (Emph, Strong, Link)):
            if children := _rstrip(last.children):
                out[-1] = replace(last, children=children)
                break
            out.pop()
        else:
            break
    return tuple(out)


def _clean(items: Iterable[Item]) -> tuple[Inline, ...]:
    """Inline items as a paragraph's tidy inlines."""
    return _rstrip(_tidy(_merge(items), [True]))


class _Converter:
    """Maps the article's elements to model blocks and inlines, one method per element type."""

    def __init__(self, refs: dict[El, El], base: str, notes: list[str], where: str | Path = "<string>"):
        self.refs = refs
        self.where = where
        self.ref_ids = {a.get("id") for a in refs if a.get("id")}
        self.base = base
        self.notes = notes
        self.placed: set[El] = set()
        self.in_note = False
        self.levels: dict[int, int] = {}
        self.block_handlers: dict[str, Callable[[El], list[Block]]] = {
            "p": self.paragraph,
            **dict.fromkeys(_HEADINGS, self.heading),
            "blockquote": self.quote,
            "ul": self.listing,
            "ol": self.listing,
            "figure": self.figure,
            "img": self.image,
            "picture": self.image,
            "table": self.table,
            "hr": self.rule,
            "pre": self.pre,
            "dl": self.definitions,
        }

    # ----------------------------------------------------------------- blocks

    def top_blocks(self, container: El, title: str) -> list[tuple[Block, int]]:
        """The container's blocks, each with its line in the page; heading levels are ranked without the title."""
        self.levels = heading_levels(
            int(h.tag[1]) for h in container.iter(*_HEADINGS) if not same_title(_text(h), title)
        )
        return self._located(container)

    def _located(self, el: El) -> list[tuple[Block, int]]:
        """``el``'s blocks with their lines; generic wrappers (``div``, ``section`` …) are looked through."""
        out: list[tuple[Block, int]] = []
        for part, line in self._parts(el):
            if isinstance(part, list):
                out.extend((b, line) for b in self._paragraphs(part))
            elif self._handler(part) is None:
                out.extend(self._located(part))
            else:
                out.extend((b, line) for b in self.block(part))
        return out

    def blocks(self, el: El) -> list[Block]:
        """The blocks inside ``el``: block children, and runs of inline content as paragraphs."""
        out: list[Block] = []
        for part, _line in self._parts(el):
            out.extend(self._paragraphs(part) if isinstance(part, list) else self.block(part))
        return out

    def _parts(self, el: El) -> Iterator[tuple[El | list[Item], int]]:
        """``el``'s block children, and the runs of inline content between them."""
        run: list[Item] = [el.text or ""]
        line = el.sourceline or 1
        for child in el:
            if not isinstance(child.tag, str):
                pass
            elif _tag(child) in _INLINE_TAGS and not self._lone_image(child):
                run.extend(self.inline(child))
            else:
                yield run, line
                yield child, child.sourceline or line
                run, line = [], child.sourceline or line
            run.append(child.tail or "")
        yield run, line

    def block(self, el: El) -> list[Block]:
        """One block element as zero or more blocks."""
        handler = self._handler(el)
        return handler(el) if handler else self.blocks(el)

    def _handler(self, el: El) -> Callable[[El], list[Block]] | None:
        """The method that maps ``el``; ``None`` for a generic wrapper, which is read for its content."""
        if self._lone_image(el):
            return self.lone_image
        if _named(el, _PULLQUOTE_NAME):
            return self.pullquote
        if "wp-caption" in _classes(el):
            return self.figure
        return self.block_handlers.get(_tag(el))

    def lone_image(self, el: El) -> list[Block]:
        """An image alone in its paragraph or link."""
        return self.image(next(el.iter("img")))

    def _paragraphs(self, items: list[Item]) -> list[Block]:
        """A run of inline content as paragraphs, split where two line breaks follow each other."""
        out: list[Block] = []
        current: list[Item] = []
        for item in [*items, None]:
            breaks = isinstance(item, LineBreak) and current and isinstance(_last(current), LineBreak)
            if item is None or breaks:
                if children := _clean(current):
                    out.append(Paragraph(children))
                current = []
            else:
                current.append(item)
        return out

    def paragraph(self, el: El) -> list[Block]:
        """``<p>``."""
        return self.blocks(el)

    def heading(self, el: El) -> list[Block]:
        """``<h1>`` … ``<h6>``."""
        children = _clean(self.items(el))
        return [Heading(self.levels.get(int(el.tag[1]), 3), children)] if children else []

    def quote(self, el: El) -> list[Block]:
        """``<blockquote>``: a ``<footer>``/``<cite>`` last, or a last line opening with a dash, is the attribution."""
        attribution: tuple[Inline, ...] = ()
        children = [c for c in el if isinstance(c.tag, str)]
        last = children[-1] if children else None
        if last is not None and _tag(last) in ("footer", "cite") and not (last.tail or "").strip():
            attribution = _strip_dash(_clean(self.items(last)))
            last.drop_tree()
        blocks = self.blocks(el)
        if not attribution and len(blocks) > 1 and isinstance(blocks[-1], Paragraph):
            tail = blocks[-1].children
            if tail and isinstance(tail[0], Text) and _ATTRIBUTION.match(tail[0].text):
                attribution = _strip_dash(tail)
                blocks.pop()
        return [BlockQuote(tuple(blocks), attribution)] if blocks else []

    def pullquote(self, el: El) -> list[Block]:
        """A pull quote (``.pullquote``, ``.wp-block-pullquote``): its paragraphs joined by line breaks."""
        quote = self.quote(next(el.iter("blockquote"), el))
        if not quote or not isinstance(quote[0], BlockQuote):
            return quote
        lines: list[Inline] = []
        for block in quote[0].blocks:
            inlines = _inlines_of(block)
            lines.extend([LineBreak(), *inlines] if lines else inlines)
        return [PullQuote(tuple(lines), quote[0].attribution)] if lines else []

    def listing(self, el: El) -> list[Block]:
        """``<ul>`` and ``<ol>`` (with ``start``)."""
        items = [tuple(b) for li in el if isinstance(li.tag, str) if (b := self.blocks(li))]
        if not items:
            return []
        start = el.get("start") or "1"
        return [ListBlock(_tag(el) == "ol", tuple(items), int(start) if start.isdigit() else 1)]

    def figure(self, el: El) -> list[Block]:
        """``<figure>`` (or WordPress's ``.wp-caption``): an image, a table or a quote, with its caption."""
        caption_el = next((c for c in el.iter() if _tag(c) == "figcaption" or "wp-caption-text" in _classes(c)), None)
        caption: tuple[Inline, ...] = ()
        credit = ""
        if caption_el is not None:
            for part in [p for p in caption_el.iter() if p is not caption_el and _named(p, _CREDIT_NAME)]:
                if part.getparent() is not None:
                    credit = credit or _text(part)
                    part.drop_tree()
            caption = _clean(self.items(caption_el))
            caption_el.drop_tree()
            if (
                not credit
                and all(isinstance(c, Text) for c in caption)
                and (m := _CREDIT_TEXT.match(plain_text(caption)))
            ):
                caption = (Text(m["caption"]),) if m["caption"] else ()
                credit = (m["paren"] or m["plain"]).strip().rstrip(".")
        if (img := next(el.iter("img"), None)) is not None:
            return self.image(img, caption, credit)
        if (table := next(el.iter("table"), None)) is not None:
            return [replace(t, caption=t.caption or caption) if isinstance(t, Table) else t for t in self.table(table)]
        if (quote := next(el.iter("blockquote"), None)) is not None:
            blocks = self.quote(quote)
            return [
                replace(b, attribution=_strip_dash(caption)) if isinstance(b, BlockQuote) and not b.attribution else b
                for b in blocks
            ]
        if caption:
            self.notes.append(f"line {el.sourceline}: a figure without an image (an embed?) was left out")
        return self.blocks(el)

    def image(self, img: El, caption: tuple[Inline, ...] = (), credit: str = "") -> list[Block]:
        """``<img>`` (or ``<picture>``) as a figure, when its source is one the model may keep."""
        if _tag(img) == "picture":
            img = next(img.iter("img"), img)
        src = self._image_src(img)
        if not src:
            shown = " ".join((img.get("src") or "").split())[:60]
            self.notes.append(f"line {img.sourceline}: image {shown!r} left out (not a relative path or http(s) URL)")
            return [Paragraph((Emph(caption),))] if caption else []
        return [Figure(src, alt=" ".join((img.get("alt") or "").split()), caption=caption, credit=credit)]

    def _image_src(self, img: El) -> str:
        """The image's source as the model keeps it, or ``""`` when it may not be kept."""
        candidates = [img.get(a) or "" for a in ("data-src", "data-lazy-src", "data-original", "src")]
        candidates.append((img.get("srcset") or "").split(",")[0].strip().split(" ")[0])
        src = next((c.strip() for c in candidates if c.strip() and not c.strip().startswith("data:")), "")
        parts = urlsplit(src)
        if parts.scheme or src.startswith(("/", "\\")):
            if src.startswith("/") and self.base and not parts.scheme:
                src = urljoin(self.base, src)
            return src if urlsplit(src).scheme.lower() in ("http", "https") else ""
        path = PurePosixPath(unquote(parts.path))
        return "" if not parts.path or ".." in path.parts else str(path)

    def table(self, el: El) -> list[Block]:
        """``<table>``: a ``<th>`` (or ``<thead>``) header row, body rows, ``<caption>``; one cell is a layout box."""
        rows = [tr for tr in el.iter("tr") if next(tr.iterancestors("table")) is el]
        cells = [[c for c in tr if _tag(c) in ("td", "th")] for tr in rows]
        if sum(len(r) for r in cells) <= 1:
            return self.blocks(cells[0][0]) if cells and cells[0] else []
        header: tuple[tuple[Inline, ...], ...] = ()
        first = cells[0] if cells else []
        if first and (_tag(rows[0].getparent()) == "thead" or all(_tag(c) == "th" for c in first)):
            header = tuple(self._cell(c) for c in first)
            cells = cells[1:]
        body = tuple(tuple(self._cell(c) for c in row) for row in cells if row)
        caption_el = next(el.iter("caption"), None)
        caption = _clean(self.items(caption_el)) if caption_el is not None else ()
        return [Table(header, body, caption=caption)] if header or body else []

    def _cell(self, el: El) -> tuple[Inline, ...]:
        """A table cell's content as inlines; paragraphs inside are joined by line breaks."""
        out: list[Inline] = []
        for block in self.blocks(el):
            out.extend([LineBreak(), *_inlines_of(block)] if out else _inlines_of(block))
        return tuple(out)

    def rule(self, el: El) -> list[Block]:
        """``<hr>``."""
        return [Rule()]

    def pre(self, el: El) -> list[Block]:
        """``<pre>``: a paragraph of code lines joined by line breaks."""
        children: list[Inline] = []
        for i, line in enumerate(el.text_content().strip("\n").split("\n")):
            if i:
                children.append(LineBreak())
            if line:
                children.append(Code(line))
        return [Paragraph(tuple(children))] if children else []

    def definitions(self, el: El) -> list[Block]:
        """``<dl>``: each term a paragraph in bold, each definition a paragraph."""
        out: list[Block] = []
        for child in el:
            blocks = self.blocks(child) if isinstance(child.tag, str) else []
            if _tag(child) == "dt":
                blocks = [Paragraph((Strong(b.children),)) if isinstance(b, Paragraph) else b for b in blocks]
            out.extend(blocks)
        return out

    def _lone_image(self, el: El) -> bool:
        """Whether ``el`` is an image, or an element holding one image and no text (``<p><a><img>``)."""
        if _tag(el) in ("img", "picture"):
            return not any("emoji" in n or "smiley" in n for n in _classes(el))
        small = sum(1 for _ in zip(range(8), el.iter(), strict=False)) < 8
        if _tag(el) not in ("p", "a", "span", "div", "center") or not small or _text(el):
            return False
        images = [i for i in el.iter("img")]
        return len(images) == 1 and not any(_tag(d) in _HEADINGS or _tag(d) == "table" for d in el.iter())

    # ----------------------------------------------------------------- inlines

    def items(self, el: El) -> list[Item]:
        """The inline content of ``el``: its text, its children as inlines, their tails."""
        out: list[Item] = [el.text or ""]
        for child in el:
            if isinstance(child.tag, str):
                out.extend(self.inline(child))
            out.append(child.tail or "")
        return out

    def inline(self, el: El) -> list[Item]:
        """One element inside running text (block elements there are read for their text)."""
        tag = _tag(el)
        if tag == "a":
            return self.link(el)
        if tag == "br":
            return [LineBreak()]
        if tag == "img":
            return [" ".join((el.get("alt") or "").split())]
        if tag in _CODE_TAGS:
            return [Code(code)] if (code := _SPACE.sub(" ", el.text_content())) else []
        children = _merge(self.items(el))
        if tag in _EMPH_TAGS:
            return [Emph(children)] if children else []
        if tag in _STRONG_TAGS:
            return [Strong(children)] if children else []
        if tag in _INLINE_TAGS:
            return list(children)
        return [" ", *children, " "]

    def link(self, el: El) -> list[Item]:
        """``<a>``: a footnote reference, a back link (left out), or a link."""
        if el in self.refs and not self.in_note:
            return self.note(el)
        href = (el.get("href") or "").strip()
        if (
            el.get("role") == "doc-backlink"
            or _named(el, _BACKLINK_NAME)
            or (href.startswith("#") and href[1:] in self.ref_ids)
            or (self.in_note and _text(el).lower() in _BACK_ARROWS)
        ):
            return []
        children = _merge(self.items(el))
        url = "" if href.startswith("#") else link_target(href, self.where, el.sourceline, base=self.base)
        if href and not url and not href.startswith("#"):
            self.notes.append(f"line {el.sourceline}: link target {href[:60]!r} dropped (not http, https, mailto, tel)")
        title = " ".join((el.get("title") or "").split())
        return [Link(children, url, title)] if url and children else list(children)

    def note(self, ref: El) -> list[Item]:
        """The :class:`Note` for a footnote reference; nothing for a later reference to the same note."""
        target = self.refs[ref]
        if target in self.placed:
            self.notes.append(f"line {ref.sourceline}: footnote referenced again; it stays at its first reference")
            return []
        self.placed.add(target)
        self.in_note = True
        try:
            blocks = self.blocks(target)
        finally:
            self.in_note = False
        if not blocks:
            self.notes.append(f"line {ref.sourceline}: footnote is empty; it was left out")
            return []
        return [Note(tuple(blocks))]


def _last(items: list[Item]) -> Item | None:
    """The last item that is not white space."""
    return next((i for i in reversed(items) if not (isinstance(i, str) and not i.strip())), None)


def _strip_dash(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``inlines`` without a leading attribution dash."""
    if not inlines or not isinstance(inlines[0], Text):
        return inlines
    rest = _ATTRIBUTION.sub("", inlines[0].text, count=1)
    return ((Text(rest),) if rest else ()) + inlines[1:]
