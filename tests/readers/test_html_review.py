"""The HTML reader's fixes for the outside review: linear work in line breaks, and metadata on real pages."""

from __future__ import annotations

from typing import Any

import pytest

import opedexport
from opedexport.model import Emph, LineBreak, Paragraph, Strong, Text
from opedexport.readers.html import _convert

PARA = (
    "The council met on Tuesday to weigh the plan for the bridge, and the members who spoke for it said "
    "the town could not wait another winter for a crossing that had been promised for a decade. "
) * 3


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the nodes handed to ``_rstrip`` while the page is read."""
    handled = [0]
    original = _convert._rstrip

    def counting(nodes: tuple[Any, ...]) -> tuple[Any, ...]:
        handled[0] += len(nodes)
        return original(nodes)

    monkeypatch.setattr(_convert, "_rstrip", counting)
    return handled


@pytest.mark.parametrize("line", ["x<br>", "x <br> ", "<em>x</em><br>", "<b><i>x </i></b><br>"])
def test_line_breaks_cost_work_linear_in_the_page(monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    """Each line break used to copy the paragraph read so far (quadratic: 18 s for a 200 KB page)."""
    handled = _counting(monkeypatch)
    breaks = 3000
    page = f"<html><body><article><h1>T</h1><p>{PARA}</p><p>{PARA}</p><p>{line * breaks}</p></article></body></html>"
    opedexport.read(text=page, format="html")
    assert handled[0] <= 10 * breaks, handled[0]


def test_breaks_after_an_emphasis_full_of_breaks_stay_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """An emphasis ending clean is not rebuilt at each line break after it."""
    handled = _counting(monkeypatch)
    breaks = 2000
    page = (
        f"<html><body><article><h1>T</h1><p>{PARA}</p><p>{PARA}</p>"
        f"<p>a<em>{'y<br>' * breaks}y</em>{'<br>' * breaks}z</p></article></body></html>"
    )
    opedexport.read(text=page, format="html")
    assert handled[0] <= 10 * breaks, handled[0]


def test_spaces_around_line_breaks_are_tidied_as_before() -> None:
    """The spaces HTML would not show go, in and out of emphasis; doubled and final breaks go (as before the fix)."""
    tidy = _convert._clean(
        [
            "  one ",
            Emph((Text("two "), LineBreak())),
            LineBreak(),
            " three ",
            Strong((Text(" "),)),
            LineBreak(),
            LineBreak(),
            "four ",
            LineBreak(),
        ]
    )
    assert tidy == (
        Text("one "),
        Emph((Text("two"),)),
        LineBreak(),
        Text("three"),
        LineBreak(),
        Text("four"),
    )
    article = opedexport.read(text=f"<article><h1>T</h1><p>{PARA}</p><p>a <br> b<br><br>c</p></article>", format="html")
    assert Paragraph((Text("a"), LineBreak(), Text("b"))) in article.body
