"""The PDF's layout passes: after a first layout, measure every page from WeasyPrint's boxes
(:func:`page_fills`), then lay the article out again where a reader would see a fault: a figure that
would leave a hole at the foot of a page is scaled or deferred (:func:`_fill_holes`), and a last page of
a few lines is saved by a tighter setting within the theme's limits (:func:`_save_last_page`); in a
book, a chapter's last page of a few lines likewise (:mod:`._pdf_chapters`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

_LOG = logging.getLogger("opedexport")

__all__ = [
    "FEW_LINES",
    "HOLE_LIMIT",
    "MIN_FIGURE_SCALE",
    "PASSES_MAX_PAGES",
    "PageFill",
    "page_fills",
]

# --------------------------------------------------------------------------- layout passes

#: No page (but an article's last) may keep a blank stretch taller than this share of its text area.
HOLE_LIMIT = 0.25
#: A figure that leaves a blank over this share of the text area below the previous page is worth moving.
FIGURE_HOLE = 0.125
#: A figure may be scaled down to this share of its size to fit where it stands, and no further.
MIN_FIGURE_SCALE = 0.6
#: A last page with at most this many lines (or filled to less than a sixth) is worth saving.
FEW_LINES = 5
#: Longer documents are laid out once: each pass lays them out again, which for a long one costs seconds.
PASSES_MAX_PAGES = 16
_FIT_STEPS = ("fit-1", "fit-2", "fit-3")
_MAX_DEFER = 5
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))


@dataclass(frozen=True, slots=True)
class PageFill:
    """How full one laid-out page is, measured on WeasyPrint's boxes (lengths in CSS px)."""

    number: int
    """The page's number, from 1."""
    height: float
    """The height of the text area (the page's content box)."""
    lines: int
    """Lines of text in the page's flow: not the running header or footer, not the footnotes."""
    bottoms: tuple[float, ...]
    """For each column (one without columns), where its content ends, from the top of the text area."""
    area_bottom: float
    """Where the flow may end, from the top of the text area: the footnotes' top, else the area's bottom."""
    gaps: tuple[float, ...]
    """For each column, the tallest blank stretch between two pieces of its content."""
    starts: tuple[int | None, ...] = ()
    """For each column, the number (in document order, from 0) of the figure it starts with, if any."""

    def holes(self, last: bool) -> list[float]:
        """The blank stretches over :data:`HOLE_LIMIT` of the text area: inside a column, or below one
        (not on the ``last`` page, which may end where its text ends).
        """
        limit = HOLE_LIMIT * self.height
        found = [gap for gap in self.gaps if gap > limit]
        if not last:
            found += [self.area_bottom - bottom for bottom in self.bottoms if self.area_bottom - bottom > limit]
        return found


def _is_figure(element: Any) -> bool:
    tag = getattr(element, "tag", None)
    return (
        isinstance(tag, str) and tag.rsplit("}", 1)[-1] == "figure" and "figure" in (element.get("class") or "").split()
    )


def page_fills(document: Any, columns: int = 1) -> list[PageFill]:
    """How full each page of a rendered WeasyPrint document is (see :class:`PageFill`).

    ``columns`` is the body's column count (the theme's ``layout.columns``): content narrower than
    most of the text area is counted in the column it lies in, wider content in every column.
    """
    from weasyprint.formatting_structure import boxes as wb

    figures: dict[int, int] = {}
    fills = []
    for number, page in enumerate(document.pages, start=1):
        page_box = getattr(page, "_page_box", None)
        if page_box is None:  # pragma: no cover - WeasyPrint 70 always keeps the box tree
            continue
        top, height = page_box.content_box_y(), page_box.height
        left, width = page_box.content_box_x(), page_box.width
        area_bottom = height
        pieces: list[list[tuple[float, float, int | None, bool]]] = [[] for _ in range(columns)]
        lines = 0
        stack: list[tuple[Any, int | None]] = [(child, None) for child in page_box.children]
        while stack:
            box, figure = stack.pop()
            if isinstance(box, wb.MarginBox):
                continue
            if isinstance(box, wb.FootnoteAreaBox):
                if box.children:
                    area_bottom = min(area_bottom, box.position_y - top)
                continue
            element = getattr(box, "element", None)
            if figure is None and _is_figure(element) and not isinstance(box, (wb.LineBox, wb.InlineBox)):
                figure = figures.setdefault(id(element), len(figures))
            if isinstance(box, (wb.LineBox, wb.ReplacedBox)):
                y0, y1 = box.position_y - top, box.position_y + box.margin_height() - top
                if y1 - y0 < 0.5:
                    continue
                lines += isinstance(box, wb.LineBox)
                x0, x1 = box.position_x - left, box.position_x + box.margin_width() - left
                spans = columns == 1 or x1 - x0 > 0.6 * width
                if spans:
                    targets = list(range(columns))
                else:
                    targets = [min(columns - 1, max(0, int((x0 + x1) / 2 / width * columns)))]
                for column in targets:
                    pieces[column].append((y0, y1, figure, spans and columns > 1))
                continue
            stack.extend((child, figure) for child in reversed(getattr(box, "children", ()) or ()))
        bottoms, gaps, starts = [], [], []
        for column_pieces in pieces:
            column_pieces.sort(key=lambda piece: piece[0])
            reached, gap = None, 0.0
            for y0, y1, _, _ in column_pieces:
                if reached is not None:
                    gap = max(gap, y0 - reached)
                reached = y1 if reached is None else max(reached, y1)
            bottoms.append(reached or 0.0)
            gaps.append(gap)
            own = [piece for piece in column_pieces if not piece[3]]
            starts.append(own[0][2] if own else None)
        fills.append(PageFill(number, height, lines, tuple(bottoms), area_bottom, tuple(gaps), tuple(starts)))
    return fills


def _figure_sizes(document: Any) -> dict[int, tuple[float, float]]:
    """``(figure height, image height)`` in CSS px of each figure, numbered as :func:`page_fills` does."""
    from weasyprint.formatting_structure import boxes as wb

    sizes: dict[int, tuple[float, float]] = {}
    seen: dict[int, int] = {}
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            if isinstance(box, (wb.MarginBox, wb.FootnoteAreaBox, wb.LineBox)):
                continue
            element = getattr(box, "element", None)
            if _is_figure(element) and not isinstance(box, wb.InlineBox):
                k = seen.setdefault(id(element), len(seen))
                images = [b for b in box.descendants() if isinstance(b, wb.ReplacedBox)]
                if k not in sizes and images:
                    sizes[k] = (box.margin_height(), images[0].height)
                continue
            stack.extend(reversed(getattr(box, "children", ()) or ()))
    return sizes


_HTML_PARSER = etree.HTMLParser(no_network=True, huge_tree=True)


def _parse_html(html_text: str) -> Any:
    return etree.fromstring(html_text, _HTML_PARSER)


def _serialize_html(root: Any) -> str:
    return "<!DOCTYPE html>\n" + str(etree.tostring(root, method="html", encoding="unicode"))


def _edit_figure(html_text: str, number: int, *, after: int = 0, max_height: float | None = None) -> str | None:
    """``html_text`` with figure ``number`` (in document order, from 0) moved after the ``after`` blocks
    that follow it, or its image held to ``max_height`` CSS px; ``None`` where it cannot be (no such
    figure, or a heading or the end of its section comes first: a figure stays in its section).
    """
    root = _parse_html(html_text)
    found = [el for el in root.iter("figure") if _is_figure(el)]
    if number >= len(found):
        return None
    figure = found[number]
    if max_height is not None:
        image = figure.find(".//img")
        if image is None:
            return None
        image.set("style", f"max-height: {max_height:.2f}px")
    anchor = figure
    for _ in range(after):
        anchor = anchor.getnext()
        if anchor is None or not isinstance(anchor.tag, str) or anchor.tag in _HEADINGS:
            return None
    if anchor is not figure:
        previous, parent = figure.getprevious(), figure.getparent()
        if figure.tail:
            if previous is not None:
                previous.tail = (previous.tail or "") + figure.tail
            else:
                parent.text = (parent.text or "") + figure.tail
            figure.tail = None
        anchor.addnext(figure)
    return _serialize_html(root)


def _with_root_class(html_text: str, name: str) -> str:
    root = _parse_html(html_text)
    root.set("class", f"{root.get('class', '')} {name}".strip())
    return _serialize_html(root)


def _hole_count(fills: list[PageFill]) -> int:
    return sum(len(fill.holes(last=i == len(fills) - 1)) for i, fill in enumerate(fills))


def _worst_blank(fills: list[PageFill]) -> float:
    """The tallest blank below a column of any page but the last, as a share of the text area."""
    return max((max(f.area_bottom - b for b in f.bottoms) / f.height for f in fills[:-1]), default=0.0)


def _figure_after_hole(fills: list[PageFill]) -> tuple[int, float] | None:
    """The first figure that starts a page or column after a blank (over :data:`FIGURE_HOLE` of the text
    area) below the previous one, and that blank.
    """
    for i, fill in enumerate(fills[:-1]):
        for column, bottom in enumerate(fill.bottoms):
            hole = fill.area_bottom - bottom
            if hole <= FIGURE_HOLE * fill.height:
                continue
            following = fill.starts[column + 1] if column + 1 < len(fill.starts) else fills[i + 1].starts[0]
            if following is not None:
                return following, hole
    return None


_Layout = Callable[[str], Any]

#: Lay out every candidate the passes weigh, as before the search was pruned (:func:`_fill_holes`) and
#: every fit step in turn (:func:`_save_last_page`): for tests that check the pruned search chooses alike.
EXHAUSTIVE = False

_Key = tuple[int, int, bool, float, float]


@dataclass(frozen=True, slots=True)
class _Piece:
    """A line or a replaced box of a page's flow: where it lies, and the body blocks it belongs to."""

    y0: float
    y1: float
    owners: frozenset[int]
    """``id()`` of the elements of its block ancestors."""
    call: bool
    """Whether a footnote call lies in it (a line holding one)."""


def _flow_pieces(page: Any, top: float) -> tuple[list[_Piece], list[tuple[_Piece, tuple[Any, ...]]]]:
    """The pieces of ``page``'s flow in document order, and each with its chain of ancestor boxes."""
    from weasyprint.formatting_structure import boxes as wb

    pieces: list[tuple[_Piece, tuple[Any, ...]]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(child, ()) for child in reversed(page._page_box.children)]
    while stack:
        box, chain = stack.pop()
        if isinstance(box, (wb.MarginBox, wb.FootnoteAreaBox)):
            continue
        if isinstance(box, (wb.LineBox, wb.ReplacedBox)):
            y0, y1 = box.position_y - top, box.position_y + box.margin_height() - top
            if y1 - y0 >= 0.5:
                call = isinstance(box, wb.LineBox) and any(
                    (getattr(b, "element_tag", None) or "").endswith("::footnote-call") for b in box.descendants()
                )
                owners = frozenset(id(b.element) for b in chain if getattr(b, "element", None) is not None)
                pieces.append((_Piece(y0, y1, owners, call), chain))
            continue
        inner = (*chain, box)
        stack.extend((child, inner) for child in reversed(getattr(box, "children", ()) or ()))
    return [piece for piece, _ in pieces], pieces


def _px(value: Any) -> float | None:
    """A computed length in px (``Dimension`` or number), ``None`` for anything else (a percentage)."""
    if isinstance(value, (int, float)):
        return float(value)
    if getattr(value, "unit", None) == "px":
        return float(value.value)
    return None


def _bottom_side(box: Any) -> float | None:
    """Margin, border and padding below ``box``'s content, at least as its style asks (``None``: unknown)."""
    style = box.style
    parts = [_px(style["margin_bottom"]), _px(style["padding_bottom"]), _px(style["border_bottom_width"])]
    if any(part is None or part < 0 for part in parts):
        return None
    laid = (getattr(box, "margin_bottom", 0) or 0) + (getattr(box, "padding_bottom", 0) or 0)
    return max(sum(part for part in parts if part is not None), laid + (getattr(box, "border_bottom_width", 0) or 0))


@dataclass(frozen=True, slots=True)
class _Bounds:
    """What the first layout tells of the layouts that scale or defer one figure, without laying them out
    (one column only): lower bounds of their :func:`_layout_key` (:meth:`scaled`, :meth:`deferred`).

    The pages before the hole's page ``i`` hold the same content in every candidate, so they are the
    same. Deferred past blocks ``b1..bk`` that lay whole on page ``i + 1`` right after the figure, the
    blocks move up to page ``i``, one after another as they stood (their lines are the same: the same
    text at the same width; the first may take one line more, set as following another block), below
    its last piece plus no more than that piece's blocks' bottom margins, borders and paddings
    (:func:`_bottom_side`, added in full rather than collapsed); the figure, which did not fit in more
    room, still heads page ``i + 1``. So page ``i`` keeps at least the blank worked out. A candidate
    can end a page sooner only if the content it takes off the pages after ``i`` (no more than the
    distance from the top of page ``i + 1``, or the figure's foot, to the next piece left there, and a
    line), with every blank at the foot of those pages and, per page break, the widest margin a new
    break may truncate and the tallest footnote area (notes that move with their calls), could hold the
    last page's content.

    These rest on WeasyPrint laying the same blocks out alike at the same width, and on a sibling rule
    changing no more than a first line (as the built-in themes' ``p + p`` indent does):
    tests/exporters/test_pdf_passes_cost.py checks them against every candidate laid out.
    """

    i: int
    height: float
    before: tuple[int, bool, float]
    """Holes on pages ``< i``; whether any blank there is over :data:`FIGURE_HOLE`; the worst share."""
    hole_bottom: float
    """Where page ``i``'s area ends (its footnotes' top)."""
    deferred_bottoms: tuple[float | None, ...]
    """For ``k`` = 1, 2, …: the lowest page ``i``'s content may end with the figure deferred past
    ``k`` blocks (``None``: not known, e.g. a block holds a footnote call or lies elsewhere)."""
    estimates: tuple[float | None, ...]
    """For ``k`` = 1, 2, …: where page ``i``'s content likely ends (past its foot if the blocks do not
    fit), the blocks spaced as after the figure; ``None``: not known."""
    removed: tuple[float, ...]
    """The most content taken off page ``i + 1`` by the scaled figure (index 0) and by each deferral."""
    spare: float
    """The blanks at the foot of pages ``i + 1`` to the last but one, plus the allowance per break."""
    last_content: float
    pages: int

    def _pages(self, index: int, least: int) -> int:
        """A lower bound of the pages: all of them, or ``least`` where a page might be saved."""
        return self.pages if self.last_content > self.removed[index] + self.spare else least

    def scaled(self, loss: float) -> _Key:
        """A lower bound of the key of the layout with the figure scaled (``loss`` as in :func:`_layout_key`)."""
        holes, over, worst = self.before
        return (holes, self._pages(0, self.i + 1), over, round(loss, 3), round(worst, 3))

    def deferred(self, after: int) -> _Key | None:
        """A lower bound of the key with the figure deferred past ``after`` blocks, if known."""
        if after >= len(self.removed) or after > len(self.deferred_bottoms):
            return None
        bottom = self.deferred_bottoms[after - 1]
        if bottom is None:
            return None
        holes, over, worst = self.before
        blank = (self.hole_bottom - bottom) / self.height
        holes += blank > HOLE_LIMIT
        # The figure, which did not fit page i in more room, heads page i + 1.
        pages = self._pages(after, self.i + 2)
        return (holes, pages, over or blank > FIGURE_HOLE, 0.0, round(max(worst, blank), 3))

    def leaves_figure_after_hole(self, after: int) -> bool:
        """Whether the deferral past ``after`` blocks surely still leaves a blank over :data:`FIGURE_HOLE`
        above the figure (so :func:`_figure_after_hole` finds one and the search goes on past it).
        """
        bottom = self.deferred_bottoms[after - 1] if 0 < after <= len(self.deferred_bottoms) else None
        return bottom is not None and (self.hole_bottom - bottom) / self.height > FIGURE_HOLE

    def likely_deferral(self) -> int | None:
        """The fewest blocks to defer past that likely reach within :data:`FIGURE_HOLE` of the foot of
        page ``i`` or do not fit there (where the search would stop), if known.
        """
        for after, bottom in enumerate(self.estimates, start=1):
            if bottom is None:
                return None
            if bottom >= self.hole_bottom - FIGURE_HOLE * self.height:
                return after
        return None


def _bounds(document: Any, fills: list[PageFill], number: int, html_text: str) -> _Bounds | None:
    """The :class:`_Bounds` of moving figure ``number``, which heads a page after a hole; ``None`` where
    the first layout does not tell enough (more columns, a figure split across pages, odd styles).
    """
    if any(len(fill.bottoms) != 1 for fill in fills):
        return None
    i = next((k for k in range(len(fills) - 1) if fills[k + 1].starts[0] == number), None)
    if i is None:
        return None
    pages = document.pages
    top_i = pages[i]._page_box.content_box_y()
    top_next = pages[i + 1]._page_box.content_box_y()
    hole_pieces, hole_chains = _flow_pieces(pages[i], top_i)
    next_pieces, next_chains = _flow_pieces(pages[i + 1], top_next)
    if not hole_pieces or not next_pieces:
        return None
    # The figure: the first piece of page i + 1 lies in it.
    first_chain = next_chains[0][1]
    figure_boxes = [box for box in first_chain if _is_figure(getattr(box, "element", None))]
    if not figure_boxes:
        return None
    figure_box = figure_boxes[0]
    figure = figure_box.element
    position = first_chain.index(figure_box)
    if position == 0:
        return None
    container = first_chain[position - 1].element
    siblings = list(container)
    if not any(child is figure for child in siblings):
        return None
    index = next(k for k, child in enumerate(siblings) if child is figure)
    following: list[Any] = []
    for child in siblings[index + 1 : index + 1 + _MAX_DEFER]:
        tag = getattr(child, "tag", None)
        if not isinstance(tag, str) or tag.rsplit("}", 1)[-1] in _HEADINGS:
            break
        following.append(child)
    if [getattr(el, "tag", "").rsplit("}", 1)[-1] for el in following] != _following_tags(html_text, number):
        return None  # WeasyPrint's tree and ours disagree: tell nothing
    # Every piece of the figure and of the blocks deferred past must lie on page i + 1.
    elsewhere: set[int] = set()
    margin = 0.0  # the widest vertical margin of any block: what a new page break may truncate
    for k, page in enumerate(pages):
        chains = next_chains if k == i + 1 else _flow_pieces(page, page._page_box.content_box_y())[1]
        for piece, chain in chains:
            if k != i + 1:
                elsewhere |= piece.owners
            for box in chain:
                margin = max(margin, getattr(box, "margin_top", 0) or 0, getattr(box, "margin_bottom", 0) or 0)
                for name in ("margin_top", "margin_bottom"):
                    margin = max(margin, _px(box.style[name]) or 0.0)
    if id(figure) in elsewhere:
        return None
    height = fills[i].height
    figure_foot = max(piece.y1 for piece in next_pieces if id(figure) in piece.owners)
    # What lies below page i's last piece: its blocks' bottom sides, up to the figure's container.
    last_chain = max(hole_chains, key=lambda item: item[0].y1)[1]
    side = 0.0
    inside = False
    for box in last_chain:
        if inside and not _is_line_level(box):
            part = _bottom_side(box)
            if part is None:
                return None
            side += part
        inside = inside or getattr(box, "element", None) is container
    if not inside:
        return None
    hole_bottom = fills[i].area_bottom
    base = max(fills[i].bottoms)
    bottoms: list[float | None] = []
    estimates: list[float | None] = []
    removed = [next((p.y0 for p in next_pieces if id(figure) not in p.owners), height)]
    # A block that comes to follow another (the first deferred past, and the one the figure comes to
    # precede) may be set otherwise by a sibling rule: the built-in styles indent a paragraph after a
    # paragraph, not after a figure, which may take a line more, or less. Allow its tallest piece.
    tallest = max((p.y1 - p.y0 for p in next_pieces if id(figure) not in p.owners), default=0.0)
    moved: set[int] = {id(figure)}
    known = True
    first_line = 0.0
    for block in following:
        mine = [piece for piece in next_pieces if id(block) in piece.owners]
        known = known and bool(mine) and id(block) not in elsewhere and not any(p.call for p in mine)
        moved.add(id(block))
        rest = [piece.y0 for piece in next_pieces if not (piece.owners & moved) and piece.y0 >= figure_foot]
        removed.append((min(rest) if rest else height) - figure_foot + tallest)
        if not known:
            bottoms.append(None)
            estimates.append(None)
            continue
        first_line = first_line or max(piece.y1 - piece.y0 for piece in mine)
        estimate = base + max(piece.y1 for piece in mine) - figure_foot
        estimates.append(estimate)
        bottom = estimate + side + first_line
        bottoms.append(bottom if bottom <= hole_bottom else None)
    before = fills[:i]
    blanks = [(fill.area_bottom - fill.bottoms[0]) / fill.height for fill in before]
    notes = max(fill.height - fill.area_bottom for fill in fills)
    spare = sum(fill.area_bottom - fill.bottoms[0] for fill in fills[i + 1 : -1])
    spare += (len(fills) - 1 - i) * (margin + notes)
    return _Bounds(
        i=i,
        height=height,
        before=(
            sum(len(fill.holes(last=False)) for fill in before),
            any(blank > FIGURE_HOLE for blank in blanks),
            max(blanks, default=0.0),
        ),
        hole_bottom=hole_bottom,
        deferred_bottoms=tuple(bottoms),
        estimates=tuple(estimates),
        removed=tuple(removed),
        spare=spare,
        last_content=fills[-1].bottoms[0],
        pages=len(fills),
    )


def _is_line_level(box: Any) -> bool:
    from weasyprint.formatting_structure import boxes as wb

    return isinstance(box, (wb.LineBox, wb.InlineBox))


def _following_tags(html_text: str, number: int) -> list[str]:
    """The tags of the blocks figure ``number`` may be deferred past, as :func:`_edit_figure` walks them."""
    found = [el for el in _parse_html(html_text).iter("figure") if _is_figure(el)]
    tags: list[str] = []
    if number < len(found):
        anchor = found[number]
        for _ in range(_MAX_DEFER):
            anchor = anchor.getnext()
            if anchor is None or not isinstance(anchor.tag, str) or anchor.tag in _HEADINGS:
                break
            tags.append(anchor.tag)
    return tags


def _fill_holes(
    html_text: str, document: Any, lay_out: _Layout, columns: int, *, exhaustive: bool | None = None
) -> tuple[str, Any]:
    """Lay out again where a figure that did not fit left a hole at the foot of a page (or column).

    Two remedies are measured, as a typesetter would weigh them: the figure scaled down to fit where it
    stands (to no less than :data:`MIN_FIGURE_SCALE`), and the figure deferred past the blocks that
    follow it, which then fill the page while the figure heads the next one. The layout with the fewest
    holes (:data:`HOLE_LIMIT`), then the fewest pages, then no blank over :data:`FIGURE_HOLE`, then the
    larger figure, then the smaller blank is kept (the first of equals, in the order scaled, deferred
    past one block, two …; deferring stops at the first deferral that leaves no such blank).

    Each layout costs as much as the first, so not every candidate is laid out: the first layout bounds
    what each would give (:class:`_Bounds`); the likely winner is laid out first, and a candidate whose
    bound cannot beat the best so far is skipped. The choice is the one laying out every candidate
    (``exhaustive``, or :data:`EXHAUSTIVE`) makes.
    """
    exhaustive = EXHAUSTIVE if exhaustive is None else exhaustive
    fills = page_fills(document, columns)
    tried: set[int] = set()
    for _ in range(3):  # a few figures at most; each pass lays out a handful of times
        found = _figure_after_hole(fills)
        if found is None or found[0] in tried:
            break
        number, hole = found
        tried.add(number)
        # (index, edited HTML, loss, blocks deferred past): index 0 is the scaled figure, if any.
        candidates: list[tuple[int, str, float, int]] = []
        figure_height, image_height = _figure_sizes(document).get(number, (0.0, 0.0))
        if image_height > 0:
            scale = (hole - (figure_height - image_height) - 2) / image_height
            if MIN_FIGURE_SCALE <= scale < 1:
                edited = _edit_figure(html_text, number, max_height=image_height * scale)
                if edited is not None:
                    candidates.append((0, edited, 1 - scale, 0))
        for after in range(1, _MAX_DEFER + 1):
            edited = _edit_figure(html_text, number, after=after)
            if edited is None:
                break
            candidates.append((after, edited, 0.0, after))
        bounds = None
        if not exhaustive:
            try:
                bounds = _bounds(document, fills, number, html_text)
            except (AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:  # pragma: no cover
                # Box trees this measure did not foresee: lay every candidate out rather than fail the export.
                _LOG.debug("pdf: no bounds for figure %d (%s); every candidate is laid out", number, exc)
        try:
            chosen = _best_candidate(html_text, document, fills, candidates, bounds, lay_out, columns)
        except (ArithmeticError, AttributeError, IndexError, KeyError, TypeError, ValueError) as exc:
            if bounds is None:
                raise
            # the bounds met a case they did not foresee (a zero height …): weigh every candidate instead
            _LOG.debug("pdf: the bounds of figure %d failed (%s); every candidate is laid out", number, exc)
            chosen = _best_candidate(html_text, document, fills, candidates, None, lay_out, columns)
        html_text, document, fills = chosen
    return html_text, document


def _best_candidate(
    html_text: str,
    document: Any,
    fills: list[PageFill],
    candidates: list[tuple[int, str, float, int]],
    bounds: _Bounds | None,
    lay_out: _Layout,
    columns: int,
) -> tuple[str, Any, list[PageFill]]:
    """The best of the first layout and ``candidates`` as :func:`_fill_holes` ranks them, laying out
    only those whose :class:`_Bounds` do not rule them out (all of them when ``bounds`` is ``None``).

    A candidate is ruled out when the lower bound of its key, with its place in the order, comes after
    the best laid out so far; a deferral only when it surely leaves a blank the search goes on past.
    The candidates are gone through until none is left that is not laid out or ruled out against the
    final best.
    """
    order = list(candidates)
    if bounds is not None:
        likely = bounds.likely_deferral()
        # Try the likely deferral first where the deferrals before it surely leave a blank (so the
        # search reaches it), then those past it: the best so far then rules out more of the others.
        if likely is not None and all(bounds.leaves_figure_after_hole(k) for k in range(1, likely)):
            order.sort(key=lambda candidate: candidate[3] < likely)  # then those past it, if it leaves one
    initial: tuple[_Key, int, str, Any, list[PageFill]] = (_layout_key(fills, 0.0), -1, html_text, document, fills)
    laid: dict[int, tuple[_Key, int, str, Any, list[PageFill]]] = {}
    stop = len(candidates) + 1  # past the first deferral that leaves no blank, nothing is weighed

    def best() -> tuple[_Key, int, str, Any, list[PageFill]]:
        return min((initial, *(c for c in laid.values() if c[1] < stop)), key=lambda c: c[:2])

    changed = True
    while changed:
        changed = False
        for index, edited, loss, after in order:
            if index >= stop or index in laid:
                continue
            if bounds is not None and (after == 0 or bounds.leaves_figure_after_hole(after)):
                bound = bounds.scaled(loss) if after == 0 else bounds.deferred(after)
                if bound is not None and (bound, index) > best()[:2]:
                    continue
            laid_out = lay_out(edited)
            new_fills = page_fills(laid_out, columns)
            laid[index] = (_layout_key(new_fills, loss), index, edited, laid_out, new_fills)
            if after and _figure_after_hole(new_fills) is None:
                stop = min(stop, index + 1)
            changed = True
            # Only the best keeps its document (they are large); another is laid out again if it comes
            # to be the best, which it does only if a deferral said to leave a blank does not.
            kept = best()[1]
            for other, entry in laid.items():
                if other != kept and entry[3] is not None:
                    laid[other] = (*entry[:3], None, entry[4])
    chosen = best()
    if chosen[3] is None:  # pragma: no cover - see above
        return chosen[2], lay_out(chosen[2]), chosen[4]
    return chosen[2], chosen[3], chosen[4]


def _layout_key(fills: list[PageFill], loss: float) -> tuple[int, int, bool, float, float]:
    """How a layout ranks (smaller is better); ``loss`` is how much a figure was scaled down."""
    worst = _worst_blank(fills)
    return (_hole_count(fills), len(fills), worst > FIGURE_HOLE, round(loss, 3), round(worst, 3))


#: Where the last page holds at most this share of the content, fit-1 (the gentlest step) is tried
#: first; where, less the blanks at the foot of the other pages, it holds at least
#: :data:`_FIT_HOPELESS`, fit-3 (the tightest) is; else fit-2. A guess, measured on generated articles
#: in the three built-in themes, that only orders the layouts: the step chosen is the same.
_FIT_LIKELY = 0.015
_FIT_HOPELESS = 0.09


def _first_fit_step(fills: list[PageFill]) -> int:
    """The fit step (an index of :data:`_FIT_STEPS`) likeliest to be the gentlest that saves the last page."""
    total = sum(sum(fill.bottoms) for fill in fills)
    if total <= 0:
        return len(_FIT_STEPS) // 2
    need = sum(fills[-1].bottoms)
    blank = sum(fill.area_bottom - bottom for fill in fills[:-1] for bottom in fill.bottoms)
    if need / total <= _FIT_LIKELY:
        return 0
    if (need - blank) / total >= _FIT_HOPELESS:
        return len(_FIT_STEPS) - 1
    return len(_FIT_STEPS) // 2


def _save_last_page(
    html_text: str,
    document: Any,
    lay_out: _Layout,
    columns: int,
    *,
    exhaustive: bool | None = None,
    mark: Callable[[str, str], str] | None = None,
) -> tuple[str, Any]:
    """Set the article a little tighter (the print stylesheet's ``fit-1``…``fit-3``, within the theme's
    ``fit_*`` tokens) when its last page would hold only a few lines, if that saves the page.

    The gentlest step that saves the page is kept. The steps tighten in order, so a step that saves the
    page is followed by steps that save it too: the search starts at the step the last page's share of
    the content makes likeliest (:func:`_first_fit_step`) and walks towards the gentler steps while they
    save it, or the tighter ones while they do not, mostly one layout or two instead of up to three.
    ``exhaustive`` (or :data:`EXHAUSTIVE`) tries the steps in turn from the gentlest, assuming nothing.
    ``mark`` puts a step's class on the document (default: on ``<html>``).
    """
    exhaustive = EXHAUSTIVE if exhaustive is None else exhaustive
    mark = mark or _with_root_class
    fills = page_fills(document, columns)
    if len(fills) < 2:
        return html_text, document
    last = fills[-1]
    if last.lines > FEW_LINES and max(last.bottoms) >= last.height / 6:
        return html_text, document
    holes = _hole_count(fills)
    tried: dict[int, tuple[str, Any] | None] = {}

    def saves(step: int) -> bool:
        edited = mark(html_text, _FIT_STEPS[step])
        laid_out = lay_out(edited)
        saved = len(laid_out.pages) < len(fills) and _hole_count(page_fills(laid_out, columns)) <= holes
        tried[step] = (edited, laid_out) if saved else None
        return saved

    if exhaustive:
        step = next((step for step in range(len(_FIT_STEPS)) if saves(step)), None)
    else:
        step = _first_fit_step(fills)
        if saves(step):
            while step > 0 and saves(step - 1):
                step -= 1
        else:
            while step < len(_FIT_STEPS) - 1 and not saves(step + 1):
                step += 1
            step += 1
    found = tried.get(step) if step is not None else None
    if found is not None:
        return found
    _LOG.info(
        "pdf: the last page holds %d lines; the tightest setting the theme allows (text.fit_*) does not save it",
        last.lines,
    )
    return html_text, document
