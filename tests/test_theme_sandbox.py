"""Theme templates render in Jinja's sandbox; a confined theme reads nothing outside its roots; fonts are fonts."""

from __future__ import annotations

import shutil
from pathlib import Path

import jinja2.sandbox
import pytest

import opedexport
from opedexport.cli import main
from opedexport.collection import Collection, Part
from opedexport.errors import ThemeError
from opedexport.exporters._html import css_for, environment
from opedexport.theme import Theme, themes_dir

ARTICLE = "---\ntitle: Satu\nauthor: Ani\nlang: id\n---\n\nParagraf satu.\n"
CHARIS = themes_dir() / "fonts" / "charis" / "CharisSIL-Regular.ttf"


def popen(marker: Path) -> str:
    """A template expression that, outside a sandbox, runs ``touch marker`` through os.popen."""
    return '{{ cycler.__init__.__globals__.os.popen("touch ' + str(marker) + '").read() }}\n'


def theme_folder(parent: Path, name: str, templates: dict[str, str], toml: str = 'extends = "default"\n') -> Path:
    folder = parent / name
    (folder / "templates").mkdir(parents=True)
    (folder / "theme.toml").write_text(toml, encoding="utf-8")
    for template, text in templates.items():
        (folder / "templates" / template).write_text(text, encoding="utf-8")
    return folder


def book_with_theme(folder: Path, theme: str) -> Path:
    """A manifest in ``folder`` with one article and ``theme: theme``."""
    (folder / "one.md").write_text(ARTICLE, encoding="utf-8")
    manifest = folder / "book.yaml"
    manifest.write_text(f"title: Buku\nlang: id\ntheme: {theme}\narticles: [one.md]\n", encoding="utf-8")
    return manifest


# --------------------------------------------------------------------------- the sandbox


def test_every_theme_renders_in_the_sandbox() -> None:
    assert isinstance(environment(Theme.load("default")), jinja2.sandbox.ImmutableSandboxedEnvironment)


def test_manifest_theme_cannot_run_a_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # where the theme was found before it was confined to the manifest's folder
    marker = tmp_path / "pwned"
    theme_folder(tmp_path, "evil", {"epub.css.j2": popen(marker)})
    book = opedexport.load_manifest(book_with_theme(tmp_path, "evil"))
    with pytest.raises(ThemeError, match="sandbox") as info:
        opedexport.export_collection_bytes(book, "epub")
    assert info.value.path is not None and info.value.path.name == "epub.css.j2"
    assert info.value.line == 1
    assert not marker.exists()


def test_manifest_theme_cannot_run_a_command_from_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    marker = tmp_path / "pwned"
    theme_folder(tmp_path, "evil", {"article.html.j2": popen(marker)})
    manifest = book_with_theme(tmp_path, "evil")
    status = main(["collection", str(manifest), "-f", "epub", "-o", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1
    assert not marker.exists()
    assert "article.html.j2:1: refused by the template sandbox" in err
    assert "Traceback" not in err


def test_caller_theme_from_anywhere_still_works_but_sandboxed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    article = tmp_path / "one.md"
    article.write_text(ARTICLE, encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    good = theme_folder(elsewhere, "good", {}, 'extends = "default"\n[colors]\naccent = "#123456"\n')
    status = main(["build", str(article), "-f", "epub", "-o", str(tmp_path / "out"), "--theme", str(good.resolve())])
    assert status == 0, capsys.readouterr().err
    assert (tmp_path / "out" / "one.epub").is_file()

    marker = tmp_path / "pwned"
    evil = theme_folder(elsewhere, "evil", {"epub.css.j2": popen(marker)})
    status = main(["build", str(article), "-f", "epub", "-o", str(tmp_path / "out2"), "--theme", str(evil.resolve())])
    err = capsys.readouterr().err
    assert status == 1
    assert not marker.exists()
    assert "epub.css.j2:1: refused by the template sandbox" in err


def test_templates_cannot_mutate_what_they_are_given(tmp_path: Path) -> None:
    folder = theme_folder(tmp_path, "mut", {"epub.css.j2": "body {}\n{{ theme.fonts.update({}) }}\n"})
    # The sandbox refuses a dict's update; the theme's fonts (a read-only mapping) have none at all.
    with pytest.raises(ThemeError, match="sandbox|has no attribute 'update'") as info:
        css_for(Theme.load(folder), "epub")
    assert info.value.line == 2


def test_template_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    folder = theme_folder(tmp_path, "broken", {"epub.css.j2": "body {}\n\n{% if %}\n"})
    with pytest.raises(ThemeError, match="template syntax error") as info:
        css_for(Theme.load(folder), "epub")
    assert info.value.path is not None and info.value.path.name == "epub.css.j2"
    assert info.value.line == 3


# --------------------------------------------------------------------------- confinement of a manifest's theme


def test_manifest_theme_template_symlinked_out_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    secret = outside / "secret.css"
    secret.write_text("/* secret */\n", encoding="utf-8")
    book_dir = tmp_path / "book"
    book_dir.mkdir()
    folder = theme_folder(book_dir, "sneaky", {})
    (folder / "templates" / "epub.css.j2").symlink_to(secret)
    # the caller may name the theme: it is not confined (and what it rendered is not reused for a manifest)
    assert "secret" in css_for(Theme.load(folder), "epub")
    book = opedexport.load_manifest(book_with_theme(book_dir, "sneaky"))
    with pytest.raises(ThemeError, match=r"template epub\.css\.j2 resolves to .*secret\.css, outside") as info:
        opedexport.export_collection_bytes(book, "epub")
    assert info.value.path == folder / "templates" / "epub.css.j2"


@pytest.mark.parametrize("extends", ["/ABS", "../../outside/other"])
def test_manifest_theme_cannot_extend_outside(tmp_path: Path, extends: str) -> None:
    other = theme_folder(tmp_path / "outside", "other", {})
    book_dir = tmp_path / "book"
    book_dir.mkdir()
    ref = str(other) if extends == "/ABS" else extends
    theme_folder(book_dir, "mine", {}, f'extends = "{ref}"\n')
    book = opedexport.load_manifest(book_with_theme(book_dir, "mine"))
    with pytest.raises(ThemeError, match=r"extends: theme .*(outside|absolute path is not allowed)") as info:
        book.load_theme()
    assert info.value.path == (book_dir / "mine" / "theme.toml").resolve()
    Theme.load(book_dir / "mine")  # the caller's choice: allowed


def test_manifest_theme_may_extend_builtins_and_themes_beside_it(tmp_path: Path) -> None:
    base = theme_folder(tmp_path, "base", {}, 'extends = "modern"\n[colors]\naccent = "#123456"\n')
    shutil.copy(CHARIS, base / "body.ttf")
    (base / "theme.toml").write_text(
        'extends = "modern"\n[colors]\naccent = "#123456"\n[fonts.body]\nfamily = "Mine"\nregular = "body.ttf"\n',
        encoding="utf-8",
    )
    theme_folder(tmp_path, "mine", {}, 'extends = "../base"\n')
    book = opedexport.load_manifest(book_with_theme(tmp_path, "mine"))
    theme = book.load_theme()
    assert theme.colors.accent == "#123456"
    assert theme.fonts["body"].regular == (base / "body.ttf").resolve()
    assert theme.roots == (tmp_path.resolve(), themes_dir().resolve())


def test_manifest_theme_font_outside_is_refused_before_it_is_read(tmp_path: Path) -> None:
    book_dir = tmp_path / "book"
    book_dir.mkdir()
    folder = theme_folder(book_dir, "mine", {})
    shutil.copy(CHARIS, tmp_path / "outside.ttf")  # a real font, but outside the manifest's folder
    (folder / "link.ttf").symlink_to(tmp_path / "outside.ttf")
    for value in ("/etc/passwd", "link.ttf", "../../outside.ttf"):
        (folder / "theme.toml").write_text(
            f'extends = "default"\n[fonts.body]\nfamily = "X"\nregular = "{value}"\n', encoding="utf-8"
        )
        book = opedexport.load_manifest(book_with_theme(book_dir, "mine"))
        with pytest.raises(ThemeError, match=r"fonts\.body\.regular resolves to .*outside"):
            book.load_theme()


def test_collection_built_in_code_may_only_name_a_builtin(tmp_path: Path) -> None:
    folder = theme_folder(tmp_path, "mine", {})
    article = opedexport.read(text=ARTICLE, format="markdown")
    book = Collection(title="Buku", parts=(Part("", (article,)),), theme=str(folder))
    with pytest.raises(ThemeError, match="absolute path is not allowed"):
        book.load_theme()
    assert Collection(title="Buku", parts=(Part("", (article,)),), theme="modern").load_theme().name == "modern"


# --------------------------------------------------------------------------- a font file that is not a font


@pytest.mark.parametrize("key", ["regular", "bold_italic"])
def test_font_file_that_is_not_a_font(tmp_path: Path, key: str) -> None:
    folder = theme_folder(tmp_path, "mine", {})
    (folder / "fake.ttf").write_text("<html>not a font</html>", encoding="utf-8")
    (folder / "theme.toml").write_text(
        f'extends = "default"\n[fonts.heading]\nfamily = "Fake"\n{key} = "fake.ttf"\n', encoding="utf-8"
    )
    with pytest.raises(ThemeError, match=rf"fonts\.heading\.{key}: .*fake\.ttf is not a font file") as info:
        Theme.load(folder)
    assert info.value.path == (folder / "theme.toml").resolve()


def test_real_fonts_of_every_kind_pass(tmp_path: Path) -> None:
    folder = theme_folder(tmp_path, "mine", {})
    shutil.copy(CHARIS, folder / "a.ttf")
    shutil.copy(themes_dir() / "fonts" / "inter" / "Inter-Regular.otf", folder / "b.otf")
    (folder / "theme.toml").write_text(
        'extends = "default"\n[fonts.body]\nfamily = "A"\nregular = "a.ttf"\nitalic = "b.otf"\n', encoding="utf-8"
    )
    assert Theme.load(folder).fonts["body"].italic == (folder / "b.otf").resolve()
