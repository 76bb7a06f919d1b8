"""Length arithmetic keeps the type, so no second unit converter is needed elsewhere."""

from __future__ import annotations

import pytest

from opedexport.units import Length


def test_arithmetic_with_numbers_and_lengths_returns_a_length() -> None:
    a, b = Length.parse("10pt"), Length.parse("1in")
    for value in (a + b, b - a, a * 2, 2 * a, b / 4, -a, abs(-a), a + 1, 1 + a, 100 - a, sum([a, b], Length(0))):
        assert type(value) is Length, repr(value)
    assert (a * 2).twips == 400 and (b / 4).pt == 18.0
    assert (b - a).emu == 62 * 12700


def test_a_length_over_a_length_is_a_ratio() -> None:
    assert type(Length(30) / Length(10)) is float and Length(30) / Length(10) == 3.0
    assert type(Length(3) * Length(2)) is float


def test_str_is_the_number_as_a_float_says_it_and_repr_names_the_type() -> None:
    assert str(Length(10.5) * 2) == "21.0" == f"{Length(21)}"
    assert repr(Length(21)) == "Length(21pt)"


@pytest.mark.parametrize("points", [0.0, 0.024, 0.025, 10.5, 12.3456, -3.0])
def test_the_docx_attribute_converter_is_the_length_one(points: float) -> None:
    from opedexport.exporters import _docx_oxml as ox

    assert ox.twips(points) == str(Length(points).twips) == str(round(points * 20))
