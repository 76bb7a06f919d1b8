"""Mapping the article's elements to model blocks and inlines, one method per element type."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

from ...model import (
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
from .._normalize import heading_levels, link_target, same_title
from ..base import Removal
from ._common import (
    _ATTRIBUTION,
    _BACK_ARROWS,
    _BACKLINK_NAME,
    _CODE_TAGS,
    _CREDIT_NAME,
    _CREDIT_TEXT,
    _EMPH_TAGS,
    _HEADINGS,
    _INLINE_TAGS,
    _PULLQUOTE_NAME,
    _SPACE,
    _STRONG_TAGS,
    El,
    Item,
    _classes,
    _named,
    _tag,
    _text,
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
            _rstrip_in_place(out)
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


def _rstrip_in_place(out: list[Inline]) -> None:
    """Strip ``out``'s trailing spaces and line breaks, at every depth of its last node, touching only its end.

    Called at every line break, so it must not copy what was read before: that made a paragraph of
    ``x<br>`` cost the square of its length. An emphasis or link at the end is rebuilt only when its own
    end has something to strip, which leaves it clean for the next line break.
    """
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
            if not _loose_end(last):
                break
            if children := _rstrip(last.children):
                out[-1] = replace(last, children=children)
                break
            out.pop()
        else:
            break


def _loose_end(node: Inline) -> bool:
    """Whether ``node`` (an emphasis or a link) ends with something :func:`_rstrip` would take away."""
    while isinstance(node, (Emph, Strong, Link)):
        if not node.children:
            return True
        node = node.children[-1]
    return isinstance(node, LineBreak) or (isinstance(node, Text) and (not node.text or node.text.endswith(" ")))


def _rstrip(nodes: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``nodes`` without trailing spaces and line breaks (:func:`_rstrip_in_place` on a copy)."""
    out = list(nodes)
    _rstrip_in_place(out)
    return tuple(out)


def _clean(items: Iterable[Item]) -> tuple[Inline, ...]:
    """Inline items as a paragraph's tidy inlines."""
    return _rstrip(_tidy(_merge(items), [True]))


class _Converter:
    """Maps the article's elements to model blocks and inlines, one method per element type."""

    def __init__(
        self,
        refs: dict[El, El],
        base: str,
        notes: list[str],
        where: str | Path = "<string>",
        removed: list[Removal] | None = None,
    ):
        self.refs = refs
        self.removed: list[Removal] = [] if removed is None else removed
        """Text of the article that the mapping leaves out (a figure's other text), as the reader reports it."""
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

    def top_blocks(self, parts: list[El], title: str) -> list[tuple[Block, int]]:
        """The blocks of the article's parts, each with its line in the page; heading levels are ranked
        across the parts, without the title.
        """
        self.levels = heading_levels(
            int(h.tag[1]) for part in parts for h in part.iter(*_HEADINGS) if not same_title(_text(h), title)
        )
        return [located for part in parts for located in self._located(part)]

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
        if "wp-caption" in _classes(el) or _captioned_image(el):
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
        if caption_el is None:
            caption_el = next((c for c in el.iter() if c is not el and _is_caption(c)), None)
        if caption_el is not None and next(caption_el.iter("img"), None) is not None:
            caption_el = None  # "withoutCaption": the class names the image's box
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
        if not credit:
            for part in [p for p in el.iter() if p is not el and _named(p, _CREDIT_NAME) and _text(p)][:1]:
                credit = _text(part).strip("()")
                part.drop_tree()
        if (img := next(el.iter("img"), None)) is not None:
            if rest := " ".join(" ".join(el.itertext()).split()):  # a video's share box, a slide counter …
                self.removed.append(Removal(el.sourceline or 1, rest, "chrome:figure-extra"))
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
        # Other lazy loaders' attributes (data-normal, data-hi-res-src …): any data- value naming an image file.
        candidates += [v for k, v in img.attrib.items() if k.startswith("data-") and _IMAGE_FILE.search(v or "")]
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


#: A URL or path naming an image file.
_IMAGE_FILE = re.compile(r"^\S+\.(?:jpe?g|png|gif|webp|avif)(?:[?#]\S*)?$", re.IGNORECASE)


def _is_caption(el: El) -> bool:
    """Whether a class name says ``el`` is an image's caption (``caption``, ``newsCaption``, ``image-caption``),
    with text and no image in it.
    """
    return (
        isinstance(el.tag, str)
        and any("caption" in name.lower() for name in _classes(el))
        and next(el.iter("img"), None) is None
        and bool(_text(el))
    )


def _captioned_image(el: El) -> bool:
    """Whether ``el`` is a figure in all but name: a box (``div``, ``span``) holding one image and its caption
    (an element whose class says caption), and no other text.
    """
    if _tag(el) not in ("div", "span", "section") or sum(1 for _ in zip(range(2), el.iter("img"), strict=False)) != 1:
        return False
    captions = [c for c in el.iter() if c is not el and _is_caption(c)]
    if not captions or any(_tag(d) in _HEADINGS or _tag(d) in ("table", "ul", "ol") for d in el.iter()):
        return False
    return len(_text(el)) - len(_text(captions[0])) < 20
