"""Lengths as a type: a theme size written once converts to CSS and to Word without arithmetic spread around.

Modelled on python-docx's ``Length``/``Pt``: a :class:`Length` is a float of
typographic points (1/72 in) that knows how to say itself in CSS and in Word's
units (EMU and twentieths of a point).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["Length", "UnitError"]

_PER_POINT = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0, "px": 0.75, "pc": 12.0}
_LENGTH = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in|px|pc|em)\s*$")


class UnitError(ValueError):
    """A length was written without a known unit."""


class Length(float):
    """A length in points.

    Arithmetic keeps the type: a length plus or minus a length, or times or divided by a number,
    is a :class:`Length`; a length divided (or multiplied) by a length is a plain ``float``. ``str()``
    gives the number of points as a float would (``repr()`` names the type).
    """

    __slots__ = ()

    @classmethod
    def parse(cls, text: str, *, em: float | None = None) -> Length:
        """Parse ``"10.5pt"``, ``"22mm"``, ``"1in"`` … into points.

        :param em: the size in points of one ``em``; ``None`` means ``em`` is not allowed here.
        :raises UnitError: for a missing or unknown unit.
        """
        match = _LENGTH.match(str(text))
        if not match:
            raise UnitError(f"{text!r} is not a length; write a number and a unit (pt, mm, cm, in, px, pc, em)")
        value, unit = float(match.group(1)), match.group(2)
        if unit == "em":
            if em is None:
                raise UnitError(f"{text!r}: em is not allowed here; use pt or mm")
            return cls(value * em)
        return cls(value * _PER_POINT[unit])

    @property
    def pt(self) -> float:
        """The value in points."""
        return float(self)

    @property
    def mm(self) -> float:
        """The value in millimetres."""
        return float(self) / _PER_POINT["mm"]

    @property
    def emu(self) -> int:
        """English Metric Units (Word's drawing unit): 12,700 per point."""
        return round(float(self) * 12700)

    @property
    def twips(self) -> int:
        """Twentieths of a point (Word's page and spacing unit)."""
        return round(float(self) * 20)

    def css(self) -> str:
        """The value for CSS in points, without trailing zeros: ``"10.5pt"``."""
        return f"{float(self):.3f}".rstrip("0").rstrip(".") + "pt"

    def css_em(self, base: float) -> str:
        """The value in ``em`` of a ``base`` size in points, for reflowable CSS: ``"1.25em"``."""
        return f"{float(self) / base:.4f}".rstrip("0").rstrip(".") + "em"

    def __repr__(self) -> str:
        return f"Length({self.css()})"

    def __str__(self) -> str:
        return float.__repr__(self)

    def __add__(self, other: float) -> Length:
        return Length(float(self) + float(other))

    __radd__ = __add__

    def __sub__(self, other: float) -> Length:
        return Length(float(self) - float(other))

    def __rsub__(self, other: float) -> Length:
        return Length(float(other) - float(self))

    def __mul__(self, factor: float) -> Any:  # Length * number -> Length; Length * Length -> float
        if isinstance(factor, Length):
            return float(self) * float(factor)  # points squared is not a length
        return Length(float(self) * float(factor))

    __rmul__ = __mul__

    def __truediv__(self, other: float) -> Any:  # Length / number -> Length; Length / Length -> float
        if isinstance(other, Length):
            return float(self) / float(other)
        return Length(float(self) / float(other))

    def __neg__(self) -> Length:
        return Length(-float(self))

    def __pos__(self) -> Length:
        return self

    def __abs__(self) -> Length:
        return Length(abs(float(self)))
