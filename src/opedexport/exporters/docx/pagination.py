"""Pagination: an estimate of the page each article of a book starts on, for the contents' page numbers."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from docx.oxml.ns import qn

from ...theme import Theme
from .elements import _WP
from .styles import S, StyleSheet


@cache
def _font(path: Path) -> Any:
    """A font file loaded by Pillow (FreeType) at 100 px, to measure text; ``None`` when unreadable."""
    from PIL import ImageFont  # only books measure text

    try:
        return ImageFont.truetype(str(path), 100)
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class _Metrics:
    """What a paragraph style says about the space its paragraphs take, in points."""

    size: float
    line: float
    before: float
    after: float
    left: float
    right: float
    first: float
    font: Path | None
    wide: bool
    """Capitals or small capitals: wider than the font's measure of the text."""


class _Pagination:
    """Estimates the pages that content already written takes in Word, for a book's contents.

    A book's contents must show page numbers before any word processor has laid the book out:
    Word recomputes them when it updates the fields (the document asks it to), LibreOffice shows
    them as written. Converting with LibreOffice to find the pages would be exact for LibreOffice
    but takes seconds and a LibreOffice; instead each paragraph's lines are counted from the
    width of its text, measured with the theme's own font files, and its height is taken from its
    style (the same exact line heights and spacing Word uses). Footnotes, figures and tables count
    too. Not modelled: hyphenation and word wrap (each line is taken as full), keep-with-next and
    widow control, and a font Word substitutes when the theme's is not installed; :attr:`FILL`
    allows for the space those leave at page bottoms. The estimate is close, not exact.
    """

    FILL = 0.94
    """The share of the text block taken on an average page."""

    def __init__(self, styles: Any, theme: Theme, sheet: StyleSheet):
        self._styles = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
        faces = {(False, False): "regular", (False, True): "italic", (True, False): "bold", (True, True): "bold_italic"}
        self._files: dict[tuple[str, bool, bool], Path | None] = {}
        for role in theme.fonts.values():
            for (bold, italic), face in faces.items():
                self._files.setdefault((role.family, bold, italic), getattr(role, face) or role.regular)
        self._base = sheet.base
        self.text_width = sheet.text_width
        self.text_height = sheet.text_height
        self._metrics: dict[str, _Metrics] = {}

    def pages(self, height: float) -> int:
        """The pages that ``height`` points of content take, starting on a new page."""
        return max(1, math.ceil(height / (self.text_height * self.FILL)))

    def height(self, elements: Iterable[Any], width: float | None = None) -> float:
        """The height in points of body ``elements`` (paragraphs and tables) set ``width`` wide."""
        width = self.text_width if width is None else width
        total = 0.0
        for element in elements:
            if element.tag == qn("w:p"):
                total += self.paragraph(element, width)
            elif element.tag == qn("w:tbl"):
                total += self.table(element, width)
        return total

    def notes_height(self, notes: Sequence[Any]) -> float:
        """The height of footnotes (``w:footnote``), with a separator line for them."""
        if not notes:
            return 0.0
        return self._base * 1.5 + sum(self.height(note) for note in notes)

    def table(self, tbl: Any, width: float) -> float:
        """A table's height: each row as tall as its tallest cell, cells sharing the width equally."""
        total = 0.0
        for tr in tbl.findall(qn("w:tr")):
            cells = tr.findall(qn("w:tc"))
            cell_width = width / max(1, len(cells)) - self._base * 1.2
            total += max((self.height(tc, cell_width) for tc in cells), default=0.0) + self._base * 0.5
        return total

    def paragraph(self, p: Any, width: float) -> float:
        """A paragraph's height: its lines (from the width of each piece between line breaks),
        its pictures and its spacing.
        """
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        metrics = self.metrics(style.get(qn("w:val")) if style is not None else S.NORMAL)
        after = metrics.after
        direct = p.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        if direct is not None and direct.get(qn("w:after")) is not None:
            after = int(direct.get(qn("w:after"))) / 20
        pieces, pictures = [""], 0.0
        for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), f"{{{_WP}}}extent"):
            if node.tag == qn("w:t"):
                pieces[-1] += node.text or ""
            elif node.tag == qn("w:tab"):
                pieces[-1] += " "
            elif node.tag == qn("w:br"):
                pieces.append("")
            else:
                pictures += int(node.get("cy", "0")) / 12700
        room = max(width - metrics.left - metrics.right, self._base * 4)
        lines = 0
        for i, piece in enumerate(pieces):
            if piece or not pictures:
                measured = self.measure(piece, metrics) + (metrics.first if i == 0 else 0.0)
                lines += max(1, math.ceil(measured / room))
        return lines * metrics.line + pictures + metrics.before + after

    def measure(self, text: str, metrics: _Metrics) -> float:
        """The width of ``text`` on one line, in points."""
        font = _font(metrics.font) if metrics.font is not None else None
        width = font.getlength(text) / 100 * metrics.size if font is not None else len(text) * metrics.size * 0.5
        return float(width) * (1.15 if metrics.wide else 1.0)

    def metrics(self, style_id: str) -> _Metrics:
        """The :class:`_Metrics` of a paragraph style, following ``w:basedOn``."""
        if style_id in self._metrics:
            return self._metrics[style_id]
        chain: list[Any] = []
        style = self._styles.get(style_id)
        while style is not None and len(chain) < 10:
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style = self._styles.get(based.get(qn("w:val"))) if based is not None else None

        def attr(path: str, name: str) -> str | None:
            for s in chain:
                found = s.find(path)
                if found is not None and found.get(qn(name)) is not None:
                    return str(found.get(qn(name)))
            return None

        def twips(path: str, name: str) -> float:
            value = attr(path, name)
            return int(value) / 20 if value is not None else 0.0

        def on(tag: str) -> bool:
            for s in chain:
                found = s.find(f"{qn('w:rPr')}/{qn(tag)}")
                if found is not None:
                    return found.get(qn("w:val")) not in ("0", "false")
            return False

        half_points = attr(f"{qn('w:rPr')}/{qn('w:sz')}", "w:val")
        size = int(half_points) / 2 if half_points is not None else self._base
        spacing, ind = f"{qn('w:pPr')}/{qn('w:spacing')}", f"{qn('w:pPr')}/{qn('w:ind')}"
        line = attr(spacing, "w:line")
        if line is None:
            height = size * 1.2
        elif attr(spacing, "w:lineRule") == "exact":
            height = int(line) / 20
        else:
            height = size * 1.2 * int(line) / 240
        family = attr(f"{qn('w:rPr')}/{qn('w:rFonts')}", "w:ascii") or ""
        metrics = _Metrics(
            size=size,
            line=height,
            before=twips(spacing, "w:before"),
            after=twips(spacing, "w:after"),
            left=twips(ind, "w:left"),
            right=twips(ind, "w:right"),
            first=twips(ind, "w:firstLine"),
            font=self._files.get((family, on("w:b"), on("w:i"))),
            wide=on("w:caps") or on("w:smallCaps"),
        )
        self._metrics[style_id] = metrics
        return metrics
