"""Finding the article among the page chrome, and the page's footnotes."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .._normalize import _comparable
from ._common import (
    _BODY_NAMES,
    _CHROME_NAME,
    _CHROME_ROLES,
    _CHROME_TAGS,
    _DROP_TAGS,
    _HEADINGS,
    _INLINE_TAGS,
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

#: Tags whose text a paragraph scorer counts as a paragraph of its parent.
_PARAGRAPH_TAGS = frozenset({"p", "pre", "blockquote"})
#: Wrappers whose own running text (text between ``<br>``, no ``<p>``) counts as paragraphs of their own.
_WRAPPER_TAGS = frozenset({"div", "section", "article", "main", "td", "font", "center", "span", "form", "body"})
#: Blocks that a list of links (related stories, tags) comes in.
_LINK_BLOCKS = frozenset({"ul", "ol", "dl", "div", "section", "table"})
#: Below this many characters, a run of text is no paragraph (a label, a date, a button).
_MIN_PARAGRAPH = 25
#: Chrome words that an element holding most of the page's text still obeys (comments are long too).
_ALWAYS_CHROME = ("comment", "komentar", "disqus")


def _is_body_hint(el: El) -> bool:
    """Whether a CMS marks ``el`` as the article's body."""
    return el.get("itemprop") == "articleBody" or any(n.lower() in _BODY_NAMES for n in _classes(el))


def _hint_names(el: El) -> set[str]:
    """The body hints ``el`` carries (``itemprop`` and class names), to find the other parts of a split body."""
    names = {n.lower() for n in _classes(el) if n.lower() in _BODY_NAMES}
    return names | ({"itemprop"} if el.get("itemprop") == "articleBody" else set())


def _chrome_word(el: El) -> str:
    """The chrome word in ``el``'s class names or id (``share``, ``related`` …), or ``""``."""
    for name in _classes(el):
        if m := _CHROME_NAME.search(name):
            return m.group(0).strip("-_").lower()
    return ""


def _hidden(el: El) -> bool:
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    return re.search(r"display\s*:\s*none|visibility\s*:\s*hidden", el.get("style") or "", re.IGNORECASE) is not None


class _Weights:
    """Text measures of elements, computed once each: text length, link text, paragraph score."""

    def __init__(self, body: El, *, score: bool = True):
        self.length: dict[El, int] = {}
        self.links: dict[El, int] = {}
        self.scores: dict[El, float] = {}
        self.chrome: dict[El, bool] = {}
        self.title: El | None = None
        """The heading that shows the article's title, when the page has one."""
        if score:
            self._score(body)

    def text(self, el: El) -> int:
        """How many characters of text ``el`` holds (white space collapsed)."""
        if el not in self.length:
            self.length[el] = len(_text(el))
        return self.length[el]

    def link_density(self, el: El) -> float:
        """The share of ``el``'s text that sits in links."""
        if el not in self.links:
            self.links[el] = sum(len(_text(a)) for a in el.iter("a"))
        return self.links[el] / max(self.text(el), 1)

    def weight(self, el: El) -> float:
        """How much text ``el`` holds outside links."""
        return self.text(el) * (1 - min(self.link_density(el), 1.0))

    def _score(self, body: El) -> None:
        """Score each element by the paragraphs it holds, as readability does (a paragraph scores its parent
        fully, its grandparent half, the next a third); text run between ``<br>`` in a wrapper counts too.
        """
        for el in body.iter():
            tag = _tag(el)
            if tag in _PARAGRAPH_TAGS:
                runs = [(_text(el), sum(len(_text(a)) for a in el.iter("a")))]
                first = el.getparent()
            elif tag in _WRAPPER_TAGS:
                runs = _running_text(el)
                first = el
            else:
                continue
            runs = [(text, links) for text, links in runs if len(text) >= _MIN_PARAGRAPH and links <= len(text) / 2]
            if not runs or first is None or _in_chrome(el, self.chrome):
                continue
            score = sum(1 + text.count(",") + text.count("、") + min(len(text) // 100, 3) for text, _ in runs)
            for level, ancestor in enumerate([first, *first.iterancestors()][:3]):
                self.scores[ancestor] = self.scores.get(ancestor, 0.0) + score / (1, 2, 3)[level]

    def best(self, within: El) -> El | None:
        """The element with the best paragraph score, discounted by its link density; near the title's heading
        counts three times (comments and teasers below a short article can hold more text than it).
        """
        ranked = [
            (s * (1 - self.link_density(el)) * (3 if self._near_title(el) else 1), el)
            for el, s in self.scores.items()
            if el is within or within in el.iterancestors()
        ]
        return max(ranked, key=lambda r: r[0])[1] if ranked else None

    def _near_title(self, el: El) -> bool:
        """Whether ``el`` is, or sits in, the box that holds the title's heading."""
        if self.title is None:
            return False
        box = self.title.getparent()
        return box is not None and (el is box or box in el.iterancestors())


def _running_text(el: El) -> list[tuple[str, int]]:
    """The runs of text that sit directly in ``el`` (between its block children and line breaks), each with
    how much of it is link text.
    """
    runs: list[tuple[str, int]] = []
    parts, links = [el.text or ""], 0
    for child in el:
        tag = _tag(child)
        if tag in _INLINE_TAGS and tag != "br":
            words = _text(child)
            parts.append(" " + words + " ")
            links += len(words) if tag == "a" else sum(len(_text(a)) for a in child.iter("a"))
        else:
            runs.append((" ".join("".join(parts).split()), links))
            parts, links = [], 0
        parts.append(child.tail or "")
    runs.append((" ".join("".join(parts).split()), links))
    return runs


class _Chrome:
    """Decides which elements of a page are chrome.

    An element is never chrome when it holds the article (``keep``), nor, for a chrome word in its class
    name other than comments, when it holds half the text of the page's paragraphs.
    """

    def __init__(self, body: El, keep: Iterable[El] = ()):
        self.anchors = {a for el in keep for a in (el, *el.iterancestors())}
        self.half = sum(len(_text(p)) for p in body.iter("p")) / 2
        self.weights = _Weights(body, score=False)

    def reason(self, el: El) -> str:
        """Why ``el`` is page chrome, or ``""``."""
        tag = _tag(el)
        if tag in _DROP_TAGS:
            return tag
        if el in self.anchors or _named(el, _PULLQUOTE_NAME) or tag in _HEADINGS or tag == "figure":
            return ""
        if _hidden(el):
            return "hidden"
        if tag in _CHROME_TAGS:
            inside = any(_tag(a) in ("blockquote", "figure") for a in el.iterancestors())
            return "" if inside and tag in ("footer", "header") else tag
        if (role := (el.get("role") or "").lower()) in _CHROME_ROLES:
            return role
        if tag == "blockquote" or self.quote_box(el):
            return ""
        if word := _chrome_word(el):
            heavy = sum(len(_text(p)) for p in el.iter("p")) >= self.half > 0
            return "" if heavy and not word.startswith(_ALWAYS_CHROME) else _category(word)
        return "links" if self.link_list(el) else ""

    def quote_box(self, el: El) -> bool:
        """Whether ``el`` mostly holds a quotation (an embedded post: a tweet is a ``blockquote`` in a box)."""
        quoted = sum(self.weights.text(q) for q in el.iter("blockquote") if q.getparent() is not None)
        return quoted > 0 and quoted >= self.weights.text(el) / 2

    def link_list(self, el: El) -> bool:
        """Whether ``el`` is a list of links (related stories, a tag list) or a paragraph that is one link."""
        tag = _tag(el)
        density = self.weights.link_density(el)
        if tag == "p":
            return density >= 0.9 and self.weights.text(el) < 120
        if tag not in _LINK_BLOCKS or density <= 0.5:
            return False
        items = sum(1 for c in el if isinstance(c.tag, str) and self.weights.text(c) > 0)
        if items < 2 and not (tag in ("ul", "ol") and density >= 0.9):
            return False  # one paragraph whose names are links (hover cards) is no list
        return not any(self.weights.weight(p) >= 150 for p in el.iter("p"))


def _category(word: str) -> str:
    """A chrome word as a rule name: ``sharedaddy`` is ``share``, ``relatedposts`` is ``related``."""
    for stem in ("share", "related", "recommend", "promo", "advert", "sponsor", "comment", "breadcrumb"):
        if word.startswith(stem):
            return stem
    return word


#: Chrome words that no article sits in.
_NEVER_ARTICLE = ("comment", "komentar", "disqus", "related", "recommend", "rekomendasi", "terkait", "popular")


def _in_chrome(el: El, memo: dict[El, bool] | None = None) -> bool:
    """Whether ``el`` is, or sits in, page chrome that no article sits in: a nav, an aside, a footer, comments,
    related posts, something hidden. ``memo`` keeps the answers for ancestors asked again.
    """
    if memo is not None and el in memo:
        return memo[el]
    tag = _tag(el)
    found = (
        tag in ("nav", "aside", "footer", "menu")
        or _hidden(el)
        or (el.get("role") or "").lower() in _CHROME_ROLES
        or _chrome_word(el).startswith(_NEVER_ARTICLE)
    )
    if not found and (parent := el.getparent()) is not None:
        found = _in_chrome(parent, memo)
    if memo is not None:
        memo[el] = found
    return found


#: Typographic quotes and apostrophes as plain ones, so "It’s" in a heading matches "It's" in the title.
_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "‟": '"'})


def _shows_title(heading: str, title: str) -> bool:
    """Whether a heading is the page's title (also when the title has the site's name appended)."""
    mine, theirs = _comparable(heading.translate(_QUOTES)), _comparable(title.translate(_QUOTES))
    return bool(mine) and (mine == theirs or (len(mine) >= 12 and theirs.startswith(mine)))


def _find_article(body: El, title: str = "") -> list[El]:
    """The elements holding the article's body, in page order (more than one when a CMS splits it); ``[]`` when none.

    In order of trust: the elements a CMS marks as the body (the one with most text, and the others of the
    same name inside the same ``<article>``); else the ``<article>`` showing the title (or, when none
    does, holding most text outside links); else ``<main>``; else the element whose paragraphs score best,
    with those of its siblings that score near it.
    """
    weights = _Weights(body)
    headings = [h for h in body.iter(*_HEADINGS) if not _in_chrome(h, weights.chrome)]
    weights.title = next((h for h in headings if title and _shows_title(_text(h), title)), None)
    hinted = [el for el in body.iter() if isinstance(el.tag, str) and _is_body_hint(el)]
    hinted = [el for el in hinted if weights.weight(el) > 0 and not _in_chrome(el, weights.chrome)]
    if hinted:
        best = max(hinted, key=weights.weight)
        if weights.weight(best) >= _MIN_PARAGRAPH * 4 or not _scored_elsewhere(best, weights, body):
            return _split_parts(best, hinted, weights)
    articles = [el for el in body.iter("article") if weights.weight(el) > 0 and not _in_chrome(el, weights.chrome)]
    titled = [a for a in articles if title and any(_shows_title(_text(h), title) for h in a.iter(*_HEADINGS))]
    if articles:
        article = max(
            titled or articles, key=lambda a: weights.weight(a) - sum(map(weights.weight, a.iterdescendants("article")))
        )
        # An <article> that does not show the title (a comment, a teaser) must hold the best paragraphs.
        if _holds_the_text(article, weights, body, strict=not titled and weights.title is not None):
            return [article]
    mains = [el for el in (*body.iter("main"), *body.xpath("//*[@role='main']")) if weights.weight(el) > 0]
    if mains and _holds_the_text(main := max(mains, key=weights.weight), weights, body):
        return [main]
    best_scored = weights.best(body)
    if best_scored is None:
        return []
    return _with_siblings(best_scored, weights)


def _holds_the_text(el: El, weights: _Weights, body: El, *, strict: bool = False) -> bool:
    """Whether ``el`` holds the page's best-scored paragraphs, or (unless ``strict``) a fair share of text
    beside them (an ``<article>`` wrapping only the headline, with the body after it, does not).
    """
    best = weights.best(body)
    if best is None or best is el or el in best.iterancestors() or best in el.iterancestors():
        return True
    return not strict and weights.weight(el) >= min(weights.weight(best) / 2, 500)


def _scored_elsewhere(el: El, weights: _Weights, body: El) -> bool:
    """Whether the page's paragraphs lie mostly outside ``el`` (a hint on a teaser, not on the body)."""
    best = weights.best(body)
    return best is not None and best is not el and el not in best.iterancestors() and best not in el.iterancestors()


def _split_parts(best: El, hinted: list[El], weights: _Weights) -> list[El]:
    """``best`` and the other elements that carry one of its hints inside the same ``<article>`` (a split body)."""
    names = _hint_names(best)
    article = next(best.iterancestors("article"), None)
    parts = [best]
    for el in hinted:
        if el is best or not (_hint_names(el) & names) or next(el.iterancestors("article"), None) is not article:
            continue
        if any(p in el.iterancestors() or el in p.iterancestors() for p in parts):
            continue
        parts.append(el)
    order = {el: i for i, el in enumerate(best.getroottree().iter())}
    return sorted(parts, key=order.__getitem__)


def _with_siblings(best: El, weights: _Weights) -> list[El]:
    """``best`` and its siblings that score at least a fifth of it, or that are long paragraphs of few links."""
    parent = best.getparent()
    if parent is None:
        return [best]
    floor = max(10.0, weights.scores.get(best, 0.0) * 0.2)
    parts: list[El] = []
    for sibling in parent:
        if sibling is best:
            parts.append(sibling)
        elif not isinstance(sibling.tag, str):
            continue
        elif (weights.scores.get(sibling, 0.0) >= floor and weights.link_density(sibling) < 0.25) or (
            _tag(sibling) == "p" and weights.text(sibling) > 80 and weights.link_density(sibling) < 0.25
        ):
            parts.append(sibling)
    return parts


def _drop_chrome(body: El, parts: list[El]) -> list[tuple[int, str, str]]:
    """Remove the page chrome inside the article (the outermost chrome elements only); return what went
    (line, text, reason).
    """
    judge = _Chrome(body, parts)
    inside: set[El] = set()  # the chrome found so far and everything in it
    dropped: list[tuple[El, str]] = []
    for part in parts:
        for el in part.iter():
            if el.getparent() in inside:
                inside.add(el)
            elif el is not part and isinstance(el.tag, str) and (reason := judge.reason(el)):
                inside.add(el)
                dropped.append((el, reason))
    out = [entry for el, reason in dropped for entry in _entries(el, reason)]
    for el, _reason in dropped:
        el.drop_tree()
    return out


def _outside(body: El, parts: list[El], used: Iterable[El]) -> list[tuple[int, str, str]]:
    """The blocks of the page outside the article that hold text (line, text, why it is not the article).

    One entry per outermost block: a menu of fifty links is one entry.
    """
    judge = _Chrome(body, parts)
    keep = {a for el in (*parts, *used) for a in el.iterancestors()}
    skip = set(parts) | set(used)
    out: list[tuple[int, str, str]] = []

    def walk(el: El) -> None:
        loose = " ".join(" ".join(t for t in (el.text, *(c.tail for c in el)) if t).split())
        if len(loose) > 1:  # text sitting between the blocks of an element that holds the article
            out.append((el.sourceline or 1, loose, "outside-article"))
        for child in el:
            if not isinstance(child.tag, str) or child in skip:
                continue
            if child in keep:
                walk(child)
            elif _words(child):
                out.extend(_entries(child, judge.reason(child) or "outside-article"))

    walk(body)
    return out


#: A removed block holding more text than this is listed by its blocks (a comments section by comment).
_LIST_WHOLE = 300


def _entries(el: El, reason: str) -> list[tuple[int, str, str]]:
    """One removed block as entries of ``removed`` (line, text, reason): itself, or when it holds much text,
    its own running text and its block children, each listed the same way.
    """
    line, words = el.sourceline or 1, _words(el)
    if len(words) <= _LIST_WHOLE or all(_tag(c) in _INLINE_TAGS for c in el if isinstance(c.tag, str)):
        return [(line, words, reason)] if words else []
    out = [(line, own, reason) for own, _links in _running_text(el) if len(own) > 1]
    for child in el:
        if isinstance(child.tag, str):
            out.extend(_entries(child, reason))
    return out


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
