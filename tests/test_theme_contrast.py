"""Theme colours and WCAG 2.2 AA contrast: the built-ins meet it, a user theme that does not is warned of."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from opedexport.errors import OpedexportWarning, ThemeWarning
from opedexport.exporters._html import css_for
from opedexport.theme import Colors, Theme, contrast_problems, contrast_ratio, themes_dir

BUILTINS = sorted(d.name for d in themes_dir().iterdir() if (d / "theme.toml").is_file())


def user_theme(tmp_path: Path, colors: str) -> Path:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "theme.toml").write_text(f'extends = "default"\n[colors]\n{colors}\n', encoding="utf-8")
    return folder


def test_contrast_ratio_follows_wcag() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1)
    # WCAG's own examples: #767676 is the lightest grey with 4.5:1 on white, #777777 just misses it.
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert contrast_ratio("#777777", "#ffffff") < 4.5
    # The link colour the issue measured: #8a1c1c in #1c1b19 text is 1.85:1.
    assert contrast_ratio("#8a1c1c", "#1c1b19") == pytest.approx(1.85, abs=0.01)


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_themes_meet_wcag_aa(name: str) -> None:
    assert len(BUILTINS) >= 3
    with warnings.catch_warnings():
        warnings.simplefilter("error", OpedexportWarning)
        theme = Theme.load(name)
    assert contrast_problems(theme.colors) == []
    c = theme.colors
    for color in (c.text, c.muted, c.accent):
        assert contrast_ratio(color, c.background) >= 4.5


@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_themes_underline_links_in_running_text(name: str) -> None:
    """Their link colour is too close to the text colour to tell links apart (under 3:1), so links are underlined."""
    theme = Theme.load(name)
    assert contrast_problems(theme.colors, links_underlined=False), "links could then go without underline"
    for target in ("epub", "print"):
        css = css_for(theme, target)
        rules = [r for r in css.split("}") if ".article-body a" in r.split("{")[0]]
        assert rules, target
        assert all("text-decoration: none" not in r for r in rules), target
        assert any("text-decoration: underline" in r for r in rules), target
    epub = css_for(theme, "epub")
    backlink = next(r for r in epub.split("}") if r.strip().startswith("a.backlink"))
    assert "text-decoration: none" not in backlink


@pytest.mark.parametrize(
    ("colors", "key"),
    [
        ('text = "#999999"', "colors.text"),
        ('muted = "#aaaaaa"', "colors.muted"),
        ('accent = "#ff8080"', "colors.accent"),
        ('background = "#1c1b19"', "colors.text"),  # dark page, dark text
    ],
)
def test_user_theme_below_aa_is_warned_of_naming_file_and_key(tmp_path: Path, colors: str, key: str) -> None:
    folder = user_theme(tmp_path, colors)
    with pytest.warns(ThemeWarning, match=key) as caught:
        theme = Theme.load(folder)
    message = str(caught[0].message)
    assert str(folder / "theme.toml") in message and "4.5:1" in message
    assert "\n" not in message
    assert contrast_problems(theme.colors)


def test_user_theme_meeting_aa_loads_quietly(tmp_path: Path) -> None:
    folder = user_theme(tmp_path, 'text = "#000000"\naccent = "#0a4d8c"\nmuted = "#595959"\nbackground = "#fffff8"')
    with warnings.catch_warnings():
        warnings.simplefilter("error", OpedexportWarning)
        theme = Theme.load(folder)
    assert contrast_problems(theme.colors) == []


def test_links_told_apart_by_colour_alone_need_3_to_1_against_the_text() -> None:
    close = Colors(
        text="#1c1b19", accent="#8a1c1c", muted="#5e5a55", rule="#b7afa3", background="#ffffff", quote_bar="#000000"
    )
    (problem,) = contrast_problems(close, links_underlined=False)
    assert "colors.accent" in problem and "3.0:1" in problem
    apart = Colors(
        text="#000000", accent="#2a5db0", muted="#5e5a55", rule="#b7afa3", background="#ffffff", quote_bar="#000000"
    )
    assert contrast_ratio(apart.accent, apart.text) >= 3
    assert contrast_problems(apart, links_underlined=False) == []
