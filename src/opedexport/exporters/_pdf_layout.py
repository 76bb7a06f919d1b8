"""The PDF's layout passes: after a first layout, measure every page from WeasyPrint's boxes
(:func:`page_fills`), then lay the article out again where a reader would see a fault: a figure that
would leave a hole at the foot of a page is scaled or deferred (:func:`_fill_holes`), and a last page of
a few lines is saved by a tighter setting within the theme's limits (:func:`_save_last_page`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lxml import etree

_LOG = logging.getLogger("opedexport")

__all__ = ["FEW_LINES", "HOLE_LIMIT", "MIN_FIGURE_SCALE", "PASSES_MAX_PAGES", "PageFill", "page_fills"]

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


def _fill_holes(html_text: str, document: Any, lay_out: _Layout, columns: int) -> tuple[str, Any]:
    """Lay out again where a figure that did not fit left a hole at the foot of a page (or column).

    Two remedies are measured, as a typesetter would weigh them: the figure scaled down to fit where it
    stands (to no less than :data:`MIN_FIGURE_SCALE`), and the figure deferred past the blocks that
    follow it, which then fill the page while the figure heads the next one. The layout with the fewest
    holes (:data:`HOLE_LIMIT`), then the fewest pages, then no blank over :data:`FIGURE_HOLE`, then the
    larger figure, then the smaller blank is kept.
    """
    fills = page_fills(document, columns)
    tried: set[int] = set()
    for _ in range(3):  # a few figures at most; each pass lays out a handful of times
        found = _figure_after_hole(fills)
        if found is None or found[0] in tried:
            break
        number, hole = found
        tried.add(number)
        best: tuple[Any, ...] = (*_layout_key(fills, 0.0), html_text, document, fills)
        candidates: list[tuple[str, float]] = []
        figure_height, image_height = _figure_sizes(document).get(number, (0.0, 0.0))
        if image_height > 0:
            scale = (hole - (figure_height - image_height) - 2) / image_height
            if MIN_FIGURE_SCALE <= scale < 1:
                edited = _edit_figure(html_text, number, max_height=image_height * scale)
                if edited is not None:
                    candidates.append((edited, 1 - scale))
        for after in range(1, _MAX_DEFER + 1):
            edited = _edit_figure(html_text, number, after=after)
            if edited is None:
                break
            candidates.append((edited, 0.0))
        for edited, loss in candidates:
            laid_out = lay_out(edited)
            new_fills = page_fills(laid_out, columns)
            key = _layout_key(new_fills, loss)
            if key < best[:5]:
                best = (*key, edited, laid_out, new_fills)
            if loss == 0 and _figure_after_hole(new_fills) is None:
                break  # deferred far enough: the page is full
        html_text, document, fills = best[5], best[6], best[7]
    return html_text, document


def _layout_key(fills: list[PageFill], loss: float) -> tuple[int, int, bool, float, float]:
    """How a layout ranks (smaller is better); ``loss`` is how much a figure was scaled down."""
    worst = _worst_blank(fills)
    return (_hole_count(fills), len(fills), worst > FIGURE_HOLE, round(loss, 3), round(worst, 3))


def _save_last_page(html_text: str, document: Any, lay_out: _Layout, columns: int) -> tuple[str, Any]:
    """Set the article a little tighter (the print stylesheet's ``fit-1``…``fit-3``, within the theme's
    ``fit_*`` tokens) when its last page would hold only a few lines, if that saves the page.
    """
    fills = page_fills(document, columns)
    if len(fills) < 2:
        return html_text, document
    last = fills[-1]
    if last.lines > FEW_LINES and max(last.bottoms) >= last.height / 6:
        return html_text, document
    holes = _hole_count(fills)
    # The steps tighten in order, so a step that saves the page is followed by steps that save it too:
    # bisect for the gentlest one that does (two layouts of three steps instead of up to three).
    best: tuple[str, Any] | None = None
    low, high = 0, len(_FIT_STEPS) - 1
    while low <= high:
        middle = (low + high) // 2
        edited = _with_root_class(html_text, _FIT_STEPS[middle])
        laid_out = lay_out(edited)
        if len(laid_out.pages) < len(fills) and _hole_count(page_fills(laid_out, columns)) <= holes:
            best, high = (edited, laid_out), middle - 1
        else:
            low = middle + 1
    if best is not None:
        return best
    _LOG.info(
        "pdf: the last page holds %d lines; the tightest setting the theme allows (text.fit_*) does not save it",
        last.lines,
    )
    return html_text, document
