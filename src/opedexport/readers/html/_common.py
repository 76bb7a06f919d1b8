"""What the HTML reader's modules share: element types, class-name patterns, small element helpers."""

from __future__ import annotations

import codecs
import re
from typing import Any, TypeAlias

import lxml.html

from ...model import (
    Inline,
)

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
    "source track map area input button select textarea option link meta base dialog param".split()
)
#: HTML5's empty elements that libxml2's HTML 4 parser does not know: what it nests in them is their siblings.
_VOID_TAGS = frozenset({"source", "track", "embed", "wbr", "keygen"})
_CHROME_TAGS = frozenset({"nav", "header", "footer", "aside", "menu", "form"})
_CHROME_ROLES = frozenset(
    "navigation banner contentinfo complementary search dialog alertdialog menu menubar toolbar tablist".split()
)
_CHROME_NAME = re.compile(
    r"(?:^|[-_])(?:share\w*|social|[a-z]*slideshow|carousel|slider|lightbox|[a-z]*gallery|video|latest|next-prev|prev-next|prevnext|timestamp|updated|pubdate|sosmed|related\w*|terkait|recommend\w*|rekomendasi|comments?|komentar"
    r"|disqus|sidebar|widget|newsletter|subscribe|subscription|langganan|promo\w*|advert\w*|iklan|ads?|adsbygoogle"
    r"|adunit|adslot|dfp|gpt|banner|bagikan|sponsor\w*|breadcrumbs?|pagination|pager|tags|taglist|tagcloud|topics|popular"
    r"|terpopuler|trending|mostread|most-read|baca-juga|bacajuga|read-also|also-read|read-more|readmore|see-also|also-on|more-stories|outbrain|taboola"
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
