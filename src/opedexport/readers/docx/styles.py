"""The document's styles and numbering definitions, as the reader needs them: style kinds, inherited run
properties, list formats.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .parts import _key, _val, _w


@dataclass(slots=True)
class _Style:
    name: str
    based_on: str
    ppr: Any
    rpr: Any


class _Styles:
    """``styles.xml``: names, inheritance, and the properties a paragraph or run takes from its style."""

    def __init__(self, root: Any):
        self.styles: dict[str, _Style] = {}
        for style in [] if root is None else root.iter(_w("style")):
            self.styles[style.get(_w("styleId"), "")] = _Style(
                _val(style.find(_w("name"))) or style.get(_w("styleId"), ""),
                _val(style.find(_w("basedOn"))),
                style.find(_w("pPr")),
                style.find(_w("rPr")),
            )

    def chain(self, style_id: str) -> Iterator[_Style]:
        """The style and those it is based on, nearest first (cycles and depth bounded)."""
        seen: set[str] = set()
        while style_id in self.styles and style_id not in seen and len(seen) < 20:
            seen.add(style_id)
            yield self.styles[style_id]
            style_id = self.styles[style_id].based_on

    def name(self, style_id: str) -> str:
        return _key(self.styles[style_id].name) if style_id in self.styles else _key(style_id)

    def ppr(self, style_id: str, tag: str) -> Any:
        """The nearest ``w:pPr/w:<tag>`` along the style's chain."""
        return next(
            (el for s in self.chain(style_id) if s.ppr is not None and (el := s.ppr.find(_w(tag))) is not None), None
        )

    def rpr(self, style_id: str, tag: str) -> Any:
        """The nearest ``w:rPr/w:<tag>`` along the style's chain."""
        return next(
            (el for s in self.chain(style_id) if s.rpr is not None and (el := s.rpr.find(_w(tag))) is not None), None
        )


class _Numbering:
    """``numbering.xml``: whether list ``numId`` at level ``ilvl`` is numbered, and where it starts."""

    def __init__(self, root: Any):
        self.abstract: dict[str, Any] = {}
        self.nums: dict[str, tuple[str, Any]] = {}
        for el in [] if root is None else root:
            if el.tag == _w("abstractNum"):
                self.abstract[el.get(_w("abstractNumId"), "")] = el
            elif el.tag == _w("num"):
                self.nums[el.get(_w("numId"), "")] = (_val(el.find(_w("abstractNumId"))), el)

    def level(self, num_id: str, ilvl: int) -> tuple[str, int]:
        """``(format, start)`` of a list level: ``bullet``, ``decimal`` …, or ``none``."""
        abstract_id, num = self.nums.get(num_id, ("", None))
        fmt, start = "bullet", 1
        abstract = self.abstract.get(abstract_id)
        for lvl in [] if abstract is None else abstract.iter(_w("lvl")):
            if lvl.get(_w("ilvl")) == str(ilvl):
                fmt = _val(lvl.find(_w("numFmt"))) or fmt
                start = _int(_val(lvl.find(_w("start"))), 1)
        for override in [] if num is None else num.iter(_w("lvlOverride")):
            if override.get(_w("ilvl")) == str(ilvl) and (s := override.find(_w("startOverride"))) is not None:
                start = _int(_val(s), start)
        return fmt, start


def _int(text: str, default: int) -> int:
    return int(text) if text.strip().isdigit() else default


# --------------------------------------------------------------------------- paragraphs
