"""Themes: the built-ins load, a user theme extends one, every mistake is a ThemeError naming file and key."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdf
import pytest

from opedexport import model as m
from opedexport.errors import ThemeError
from opedexport.exporters._html import css_for
from opedexport.theme import Theme, themes_dir
from opedexport.units import Length


def user_theme(tmp_path: Path, toml: str, name: str = "mine") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "theme.toml").write_text(toml, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------- the built-ins


@pytest.mark.parametrize("name", ["default", "modern"])
def test_builtin_themes_load(name: str) -> None:
    theme = Theme.load(name)
    assert theme.name == name
    assert theme.template_dirs[-1] == themes_dir() / "default"
    for role in ("body", "heading", "mono"):
        for _, _, path in theme.fonts[role].files():
            assert path.is_file()
    for target in ("print", "epub"):
        css = css_for(theme, target)
        assert "@font-face" in css and theme.colors.accent in css


def test_modern_extends_default_and_overrides_only_some_tokens() -> None:
    default, modern = Theme.load("default"), Theme.load("modern")
    assert modern.template_dirs == (themes_dir() / "modern", themes_dir() / "default")
    assert modern.fonts["body"].family == "Inter" and default.fonts["body"].family == "Charis SIL"
    assert modern.fonts["mono"] == default.fonts["mono"]  # inherited
    assert modern.page.size_name == default.page.size_name == "A4"
    assert modern.text.hyphenate == default.text.hyphenate
    assert (modern.running.header, default.running.header) == ("title", "publication")
    assert (modern.layout.columns, default.layout.columns) == (1, 1)


def test_newspaper_is_the_default_in_two_columns_with_a_narrower_measure() -> None:
    default, newspaper = Theme.load("default"), Theme.load("newspaper")
    assert (default.layout.columns, newspaper.layout.columns) == (1, 2)
    assert newspaper.fonts == default.fonts and newspaper.colors == default.colors
    assert newspaper.text.size < default.text.size
    assert newspaper.page.margin_inner < default.page.margin_inner
    assert ".article-body { columns: 2;" in css_for(newspaper, "print")
    assert "columns: 2" not in css_for(default, "print")


def test_a_theme_can_be_loaded_by_folder_or_file() -> None:
    folder = themes_dir() / "modern"
    assert Theme.load(folder).name == Theme.load(folder / "theme.toml").name == "modern"


def test_overrides_and_with_tokens() -> None:
    letter = Theme.load("default", page={"size": "Letter"})
    assert (letter.page.width, letter.page.height) == (612, 792)
    assert letter.page.size_name == "Letter"
    custom = Theme.load("default").with_tokens(page={"size": "6in 9in"}, colors={"accent": "#abc"})
    assert (custom.page.width, custom.page.height, custom.page.size_name) == (432, 648, "custom")
    assert custom.colors.accent == "#aabbcc"
    assert Theme.load("default").colors.accent == "#8a1c1c"  # the cached file was not touched


def test_heading_sizes_follow_the_scale() -> None:
    text = Theme.load("default").text
    assert text.heading_size(3) == text.size
    assert text.heading_size(1) == pytest.approx(text.size * text.heading_scale**2)


def test_letter_override_gives_letter_pages(tmp_path: Path) -> None:
    from opedexport.exporters.pdf import PdfExporter

    article = m.Article(title="Letter", lang="en", body=(m.Paragraph((m.Text("On US Letter paper."),)),))
    data = PdfExporter().export(article, Theme.load("default", page={"size": "Letter"}))
    (tmp_path / "letter.pdf").write_bytes(data)
    box = pypdf.PdfReader(tmp_path / "letter.pdf").pages[0].mediabox
    assert (round(float(box.width), 2), round(float(box.height), 2)) == (612, 792)


def test_print_css_margins_follow_the_page_tokens() -> None:
    theme = Theme.load("default", page={"margin_inner": "30mm", "margin_outer": "15mm"})
    css = css_for(theme, "print")
    inner, outer = Length.parse("30mm").css(), Length.parse("15mm").css()
    assert f"@page :right {{ margin-left: {inner}; margin-right: {outer}; }}" in css
    assert f"@page :left {{ margin-left: {outer}; margin-right: {inner}; }}" in css


# --------------------------------------------------------------------------- a user theme


def test_user_theme_extends_a_builtin_and_finds_its_fonts_relative_to_itself(tmp_path: Path) -> None:
    fonts = tmp_path / "mine" / "fonts"
    folder = user_theme(
        tmp_path,
        'extends = "default"\n[fonts.mono]\nfamily = "My Mono"\nregular = "fonts/Mono.otf"\n',
    )
    fonts.mkdir()
    shutil.copy(themes_dir() / "fonts" / "inconsolata" / "Inconsolata.otf", fonts / "Mono.otf")
    theme = Theme.load(folder)
    assert theme.name == "mine"
    assert theme.fonts["mono"].regular == (fonts / "Mono.otf").resolve()
    assert theme.fonts["body"].family == "Charis SIL"
    assert theme.template_dirs == (folder.resolve(), themes_dir() / "default")


def test_user_theme_can_extend_another_user_theme_by_relative_path(tmp_path: Path) -> None:
    user_theme(tmp_path, 'extends = "modern"\n[colors]\naccent = "#112233"\n', name="base")
    child = user_theme(tmp_path, 'extends = "../base"\n[text]\nsize = "11pt"\n', name="child")
    theme = Theme.load(child)
    assert theme.colors.accent == "#112233" and theme.text.size == 11 and theme.fonts["body"].family == "Inter"


# --------------------------------------------------------------------------- errors name the file and the key


@pytest.mark.parametrize(
    ("toml", "key"),
    [
        ('extends = "default"\n[colors]\naccentt = "#ff0000"\n', "colors.accentt"),
        ('extends = "default"\n[pages]\nsize = "A4"\n', "pages"),
        ('extends = "default"\n[fonts.display]\nfamily = "X"\n', "fonts.display"),
        ('extends = "default"\n[fonts.body]\nweight = "bold"\n', "fonts.body.weight"),
        ('extends = "default"\n[text]\nsize = "12"\n', "text.size"),
        ('extends = "default"\n[text]\nsize = "12 parsecs"\n', "text.size"),
        ('extends = "default"\n[page]\nmargin_top = "2"\n', "page.margin_top"),
        ('extends = "default"\n[page]\nsize = "huge"\n', "page.size"),
        ('extends = "default"\n[page]\nsize = "10 20"\n', "page.size"),
        ('extends = "default"\n[fonts.body]\nfamily = "X"\nregular = "nope.ttf"\n', "fonts.body.regular"),
        ('extends = "default"\n[colors]\naccent = "red"\n', "colors.accent"),
        ('extends = "default"\n[colors]\ntext = "#12345"\n', "colors.text"),
        ('extends = "default"\n[text]\nleading = 9\n', "text.leading"),
        ('extends = "default"\n[text]\nhyphenate = "yes"\n', "text.hyphenate"),
        ('extends = "default"\n[running]\nheader = "author"\n', "running.header"),
        ('extends = "default"\n[layout]\ncolumns = 3\n', "layout.columns"),
        ('extends = "nonexistent-theme"\n', "extends"),
        ('extends = "../nowhere"\n', "extends"),
    ],
)
def test_theme_errors_name_file_and_key(tmp_path: Path, toml: str, key: str) -> None:
    folder = user_theme(tmp_path, toml)
    with pytest.raises(ThemeError) as info:
        Theme.load(folder)
    error = info.value
    assert error.path == (folder / "theme.toml").resolve()
    assert key in error.message
    assert str(folder / "theme.toml") in str(error)


def test_invalid_toml_names_the_line(tmp_path: Path) -> None:
    folder = user_theme(tmp_path, 'extends = "default"\n[colors\naccent = "#000000"\n')
    with pytest.raises(ThemeError) as info:
        Theme.load(folder)
    assert info.value.line == 2 and info.value.path == (folder / "theme.toml").resolve()


def test_a_loop_of_extends_is_an_error(tmp_path: Path) -> None:
    user_theme(tmp_path, 'extends = "../b"\n', name="a")
    user_theme(tmp_path, 'extends = "../a"\n', name="b")
    with pytest.raises(ThemeError, match="loop"):
        Theme.load(tmp_path / "a")


def test_an_unknown_theme_lists_the_builtins() -> None:
    with pytest.raises(ThemeError, match="default, modern"):
        Theme.load("no-such-theme")


def test_a_bad_override_is_an_error() -> None:
    with pytest.raises(ThemeError, match="page.size"):
        Theme.load("default", page={"size": "B12"})
