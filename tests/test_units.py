from __future__ import annotations

import pytest

from opedexport.units import Length, UnitError


@pytest.mark.parametrize(
    ("text", "points"),
    [("10.5pt", 10.5), ("25.4mm", 72.0), ("1in", 72.0), ("2.54cm", 72.0), ("16px", 12.0), ("1pc", 12.0)],
)
def test_parse_units(text: str, points: float) -> None:
    assert Length.parse(text) == pytest.approx(points)


def test_em_needs_a_base() -> None:
    assert Length.parse("1.5em", em=10) == pytest.approx(15)
    with pytest.raises(UnitError, match="em is not allowed"):
        Length.parse("1em")


@pytest.mark.parametrize("bad", ["12", "12 furlongs", "pt", ""])
def test_bad_lengths(bad: str) -> None:
    with pytest.raises(UnitError):
        Length.parse(bad)


def test_conversions() -> None:
    size = Length.parse("10.5pt")
    assert size.css() == "10.5pt"
    assert size.twips == 210
    assert size.emu == 133350
    assert Length.parse("12pt").css_em(10) == "1.2em"
    assert Length.parse("210mm").mm == pytest.approx(210)
