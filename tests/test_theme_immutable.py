"""A Theme is immutable as documented: its tables cannot be changed in place, and it still pickles."""

from __future__ import annotations

import pickle

import pytest

from opedexport.theme import FrozenMap, Theme


def test_tokens_and_fonts_cannot_be_changed_in_place() -> None:
    theme = Theme.load("default")
    with pytest.raises(TypeError):
        theme.tokens["page"]["size"] = "Letter"  # type: ignore[index]
    with pytest.raises(TypeError):
        theme.tokens["new"] = {}  # type: ignore[index]
    with pytest.raises(TypeError):
        theme.fonts["body"] = theme.fonts["mono"]  # type: ignore[index]
    assert isinstance(theme.tokens["fonts"]["body"]["fallback"], tuple)
    assert Theme.load("default").tokens["page"]["size"] == theme.tokens["page"]["size"]


def test_with_tokens_makes_a_changed_copy_and_leaves_the_original() -> None:
    theme = Theme.load("default")
    size = theme.tokens["page"]["size"]
    letter = theme.with_tokens(page={"size": "Letter"})
    assert letter.page.size_name == "Letter" and letter.tokens["page"]["size"] == "Letter"
    assert theme.tokens["page"]["size"] == size


def test_a_theme_pickles_for_worker_processes() -> None:
    theme = Theme.load("modern")
    again = pickle.loads(pickle.dumps(theme))
    assert again.tokens == theme.tokens and again.fonts == theme.fonts
    assert isinstance(again.tokens, FrozenMap)
    assert again.tokens.thaw() == theme.tokens.thaw() and isinstance(again.tokens.thaw()["page"], dict)
