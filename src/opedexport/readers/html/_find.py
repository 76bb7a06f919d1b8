"""Finding the article among the page chrome, and the page's footnotes."""

from __future__ import annotations

import re

from ._common import (
    _BODY_NAMES,
    _CHROME_NAME,
    _CHROME_ROLES,
    _CHROME_TAGS,
    _DROP_TAGS,
    _HEADINGS,
    _NOTE_MARKER,
    _NOTEREF_NAME,
    _NOTES_NAME,
    _PULLQUOTE_NAME,
    El,
    _classes,
    _named,
    _tag,
    _text,
)
from ._meta import _rels

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
