"""The article's metadata from what the page states (JSON-LD, meta tags) and shows (h1, byline, time)."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlsplit

from ...model import (
    Author,
)
from .._normalize import same_title
from ..text import LineRules
from ._common import _ARTICLE_TYPES, _BYLINE_NAME, _CONTROL, _DATE_NAME, _DEK_NAME, _LANG_TAG, El, _named, _text

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
    disclosure: str = ""

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
    """The authors a visible byline element names; its parts may sit in separate elements.

    What a byline shows beside the names is not an affiliation: its time, a category or tag link,
    a share or comment count (see :func:`_byline_pieces`, :func:`_is_byline_extra`).
    """
    if authors := rules.byline(text) or rules.names(text):
        return _without_extras(authors, rules)
    pieces = [p for p in _byline_pieces(el) if p.strip(_BYLINE_PUNCTUATION) and not _is_byline_extra(p, rules)]
    if pieces and rules.byline(f"{pieces[0]} Ann Lee") == [Author("Ann Lee")]:  # the first piece is "By" / "Oleh"
        pieces = pieces[1:]
    return _without_extras(rules.names(", ".join(pieces)), rules)


#: Marks between a byline's parts that are no part of a name or an affiliation.
_BYLINE_PUNCTUATION = " ,|·•-–—/"
#: Class names of a byline's parts that are not its names: the section, tags, share and comment counts.
_BYLINE_EXTRA_NAME = re.compile(
    r"(?:^|[-_])(?:categor(?:y|ies)|tags?|shares?|share-count|comments?|comment-count|"
    r"reading-time|read-time|date|time|published|pubdate|timestamp)(?:$|[-_])",
    re.I,
)
#: A share, comment or view count, a reading time, a time of day, an age, or an "Updated …" stamp
#: ("12 Shares", "3 min read", "10:18am ist", "2 days ago", "Published 7:07 PM EST").
_BYLINE_COUNT = re.compile(
    r"^(?:[\d.,]+\s*[km]?\s*)?(?:shares?|comments?|komentar|coment[aá]rios?|views?|reads?|likes?)$"
    r"|^\d+\s*(?:min(?:ute)?s?|mnt|menit)\s*(?:read|baca)?$"
    r"|^\d+\s*(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)(?:\s+ago)?$"
    r"|^\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\b"
    r"|^(?:updated|published|posted|last updated|diperbarui|diterbitkan|terbit)\b",
    re.I,
)


def _byline_pieces(el: El) -> list[str]:
    """The byline's text pieces, without those in a ``<time>`` or in an element named for a byline's extras."""
    pieces: list[str] = []

    def walk(node: El) -> None:
        pieces.append(node.text or "")
        for child in node:
            if isinstance(child.tag, str):
                names_author = "author" in _rels(child) or _named(child, _BYLINE_NAME)
                extra = child.tag == "time" or "tag" in _rels(child) or _named(child, _BYLINE_EXTRA_NAME)
                if names_author or not extra:
                    walk(child)
            pieces.append(child.tail or "")

    walk(el)
    return [p for p in (" ".join(p.split()) for p in pieces) if p]


def _is_byline_extra(piece: str, rules: LineRules) -> bool:
    """Whether a byline part is a time, a date or a count rather than a name or an affiliation."""
    piece = piece.strip(_BYLINE_PUNCTUATION)
    return bool(piece) and (
        _iso_date(piece) is not None or _BYLINE_COUNT.match(piece) is not None or rules.date(piece) is not None
    )


def _without_extras(authors: list[Author], rules: LineRules) -> list[Author]:
    """``authors`` with the parts of their affiliations that are a byline's extras, or punctuation, left out."""
    out: list[Author] = []
    for author in authors:
        parts = [p.strip(_BYLINE_PUNCTUATION) for p in author.affiliation.split(",")]
        affiliation = ", ".join(p for p in parts if p and not _is_byline_extra(p, rules))
        out.append(replace(author, affiliation=affiliation) if affiliation != author.affiliation else author)
    return out


#: What separates a page title's parts ("Headline | Site", "Site: Headline").
_TITLE_SEPARATOR = re.compile(r"\s+[|\-–—·:]\s+|(?<=\w):\s+")


def _page_title(root: El, site: str) -> str:
    """The ``<title>``, without the site's name when it is appended."""
    title = next((_text(t) for t in root.iter("title")), "")
    return without_site(title, [site, *site_names(root)], "")


def site_names(root: El) -> list[str]:
    """The names the page gives its site in meta tags (``og:site_name``, ``application-name`` …)."""
    keys = ("og:site_name", "application-name", "apple-mobile-web-app-title", "al:ios:app_name")
    return [
        " ".join(html.unescape(tag.get("content") or "").split())
        for tag in root.iter("meta")
        if (tag.get("property") or tag.get("name") or "").strip().lower() in keys
    ]


def without_site(title: str, sites: list[str], headline: str) -> str:
    """``title`` without a site's name appended (``Headline | Site``) or put before it (``Site: Headline``).

    The name is a part the page names its site with (``sites``), or, when the page shows the bare
    ``headline`` in its ``<h1>``, the last part after it.
    """
    marks = list(_TITLE_SEPARATOR.finditer(title))
    if not marks:
        return title
    first, last = marks[0], marks[-1]
    names = {s.casefold() for s in sites if s}
    if title[last.end() :].casefold() in names:
        return title[: last.start()]
    if title[: first.start()].casefold() in names:
        return title[first.end() :]
    bare = title[: last.start()]
    if ":" not in last.group(0) and headline and not same_title(title, headline) and same_title(bare, headline):
        return bare
    return title


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


# --------------------------------------------------------------------------- what the page's own lines say

#: An author disclosure: a guest writer's note that the views are the writer's own.
_DISCLOSURE = re.compile(
    r"adalah penulis tamu|tanggung\s*jawab\s+(?:penuh\s+|pribadi\s+)?(?:dari\s+)?(?:si\s+)?penulis"
    r"|opini ini (?:sepenuhnya|merupakan)|tidak (?:mewakili|mencerminkan) (?:pandangan|sikap) redaksi"
    r"|views (?:expressed )?(?:here |in this (?:article|piece|column) )?are (?:those of )?the (?:author|writer)"
    r"|(?:author|writer)['’]s own (?:views|opinions?)"
    r"|do(?:es)? not necessarily (?:reflect|represent) the (?:views|position)",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(r"(?:©|\(c\)|\bcopyright\b|\bhak cipta\b)", re.IGNORECASE)
_COPYRIGHT_LEAD = re.compile(r"^(?:\s|©|\(c\)|copyright|hak cipta|\d{4}(?:\s*[-–]\s*\d{4})?|by\b|oleh\b|[:,])+", re.I)
_COPYRIGHT_END = re.compile(
    r"\.\s|\s[|•·–—-]\s|[|,;©]|\ball rights\b|\bhak cipta\b|\bdilarang\b|\bsemua hak\b", re.IGNORECASE
)
_FOLLOW = re.compile(
    r"\b(?i:follow|ikuti)\s+(?!(?i:us|kami)\b)(?P<name>[A-Z][\w.'&-]*(?:\s+[A-Z][\w.'&-]*){0,3})\s+(?i:on|di)\s+"
    r"(?i:twitter|facebook|instagram|x|youtube|tiktok|linkedin|threads|google news)\b"
)


def disclosure_in(text: str) -> str:
    """``text`` when it is an author disclosure (at most a few sentences), else ``""``."""
    return text if len(text) <= 500 and _DISCLOSURE.search(text) else ""


#: Class names of an image's box, caption or credit: a copyright mark there credits the image.
_PHOTO_NAME = re.compile(r"(?:^|[-_])(?:caption|photo|image|img|foto|gallery|picture|credit)", re.I)
#: A photo credit's shape: an agency and a photographer ("REUTERS / POOL", "AP Photo/Evan Vucci", "AFP via Getty").
_PHOTO_CREDIT = re.compile(r"/|\b(?:photos?|foto|getty|shutterstock|istock|pool|via|dok(?:umentasi)?)\b", re.I)
#: Class names of a page's footer.
_FOOTER_NAME = re.compile(r"footer|bottom|bawah|colophon|site-info", re.I)
#: Tags of an image.
_IMAGE_TAGS = ("img", "picture", "figure", "video")


def _photo_credit(el: El, name: str) -> bool:
    """Whether the copyright mark in ``el`` credits an image rather than naming the publication.

    It does when the name reads as an agency's credit, when it sits in a figure, and, outside a
    footer, when it or its next two ancestors are named for an image or a credit, or an image comes
    right before it or before its parent.
    """
    if _PHOTO_CREDIT.search(name):
        return True
    chain = [el, *el.iterancestors()]
    if any(a.tag in ("figure", "figcaption", "picture") for a in chain):
        return True
    if any(a.tag == "footer" or _named(a, _FOOTER_NAME) for a in chain):
        return False
    if any(_named(a, _PHOTO_NAME) for a in chain[:3]):
        return True
    for node in chain[:2]:
        for sibling in [s for s in node.itersiblings(preceding=True) if isinstance(s.tag, str)][:3]:
            if sibling.tag in _IMAGE_TAGS or (
                next(sibling.iter(*_IMAGE_TAGS), None) is not None and not _text(sibling)
            ):
                return True
    return False


def publication_in(body: El) -> str:
    """The publication's name from a copyright line (``© 2025 Harian Contoh. …``) or a follow-us line.

    A copyright mark that credits a photo (see :func:`_photo_credit`) names no publication.
    """
    for el in body.iter():
        own = (el.text or "") if isinstance(el.tag, str) else ""
        if mark := _COPYRIGHT.search(own):
            whole = _text(el)
            line = whole[whole.find(mark.group(0)) :] if len(whole) <= 300 else " ".join(own[mark.start() :].split())
            name = _COPYRIGHT_END.split(_COPYRIGHT_LEAD.sub("", line), maxsplit=1)[0].strip(" .")
            if 2 <= len(name) <= 60 and name[0].isalnum() and not _photo_credit(el, name):
                return name
        if (m := _FOLLOW.search(own)) is not None:
            return m["name"]
    return ""
