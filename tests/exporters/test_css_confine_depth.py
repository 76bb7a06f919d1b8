"""A theme's stylesheet nested thousands deep is a theme error naming the file, not a RecursionError."""

from __future__ import annotations

from pathlib import Path

import pytest

from opedexport.errors import ThemeError
from opedexport.exporters._css_confine import confine_css


def test_a_stylesheet_nested_too_deep_is_a_theme_error_naming_the_file() -> None:
    n = 20_000
    css = "a{background:" + "(" * n + "url(http://tracker.invalid/x)" + ")" * n + "}"
    with pytest.raises(ThemeError, match="too deep") as caught:
        confine_css(css, lambda url: False, what="the EPUB", source="th/templates/epub.css.j2")
    assert caught.value.path == Path("th/templates/epub.css.j2")
    assert "\n" not in str(caught.value)


def test_a_shallow_stylesheet_is_confined_as_before() -> None:
    with pytest.warns(Warning, match="dropped"):
        out = confine_css("a{background:url(http://tracker.invalid/x)}", lambda url: False, what="the EPUB")
    assert out == "a{}"
