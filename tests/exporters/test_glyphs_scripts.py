"""The missing-glyph warning asks fontconfig about a few characters: one of each script first, so
that a script no font has is not hidden behind many characters an installed font has.
"""

from __future__ import annotations

import pytest

from opedexport.exporters import _glyphs


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Fontconfig as a machine with a Greek font and no Thai one; the characters asked about, in order."""
    asked: list[str] = []

    def has(char: str) -> bool:
        asked.append(char)
        return "GREEK" in _glyphs.unicodedata.name(char)

    monkeypatch.setattr(_glyphs, "_installed_font_has", has)
    return asked


def test_a_script_no_font_has_is_found_after_many_characters_one_has(installed: list[str]) -> None:
    text = "αβγδεζηθικλμνξ and then ไทย"  # 14 Greek letters, then Thai; no theme font given
    assert _glyphs.missing_characters(text, []) == ["ไ", "ท", "ย"]
    assert len(set(installed)) <= _glyphs._ASK_AT_MOST  # no more fontconfig calls than before


def test_characters_are_reported_in_order_of_appearance(installed: list[str]) -> None:
    assert _glyphs.missing_characters("ไทย αβ กข", []) == ["ไ", "ท", "ย", "ก", "ข"]
