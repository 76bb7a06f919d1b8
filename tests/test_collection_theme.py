"""A manifest's ``theme:`` stays inside its folder; ``collection`` on an article says so; ``--page-size`` is blamed."""

from __future__ import annotations

from pathlib import Path

import pytest

import opedexport
from opedexport.cli import main
from opedexport.errors import InputError, ThemeError

ARTICLE = "---\ntitle: Satu\nauthor: Ani\nlang: id\n---\n\nParagraf satu.\n"


def theme_folder(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "theme.toml").write_text('extends = "default"\n[colors]\naccent = "#123456"\n', encoding="utf-8")
    return folder


def manifest(folder: Path, theme: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "one.md").write_text(ARTICLE, encoding="utf-8")
    path = folder / "book.yaml"
    path.write_text(f"title: Buku\nlang: id\ntheme: '{theme}'\narticles: [one.md]\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- theme: in a manifest


def test_manifest_theme_inside_its_folder_loads(tmp_path: Path) -> None:
    theme_folder(tmp_path / "book" / "themes" / "mine")
    book = opedexport.load_manifest(manifest(tmp_path / "book", "themes/mine"))
    assert book.theme == "themes/mine"
    assert book.load_theme().colors.accent == "#123456"
    assert opedexport.load_manifest(manifest(tmp_path / "b2", "newspaper")).load_theme().name == "newspaper"


@pytest.mark.parametrize("ref", ["ABS", "../outside", "themes/../../outside"])
def test_manifest_theme_outside_its_folder_is_refused(tmp_path: Path, ref: str) -> None:
    outside = theme_folder(tmp_path / "outside")
    path = manifest(tmp_path / "book", str(outside) if ref == "ABS" else ref)
    with pytest.raises(InputError, match=r"manifest: theme: .* outside the manifest's folder") as info:
        opedexport.load_manifest(path)
    assert info.value.path == path


def test_manifest_theme_symlinked_out_is_refused(tmp_path: Path) -> None:
    outside = theme_folder(tmp_path / "outside")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "mine").symlink_to(outside, target_is_directory=True)
    path = manifest(tmp_path / "book", "mine")
    with pytest.raises(InputError, match=r"manifest: theme: mine is outside the manifest's folder"):
        opedexport.load_manifest(path)


def test_manifest_theme_resolves_against_the_manifest_not_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    theme_folder(tmp_path / "cwd" / "mine")
    monkeypatch.chdir(tmp_path / "cwd")
    book = opedexport.load_manifest(manifest(tmp_path / "book", "mine"))
    with pytest.raises(ThemeError, match="no theme 'mine'"):
        opedexport.export_collection_bytes(book, "epub")


def test_cli_collection_refuses_an_outside_theme_but_accepts_one_given_with_theme(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    outside = theme_folder(tmp_path / "outside")
    path = manifest(tmp_path / "book", str(outside))
    out = tmp_path / "out"
    assert main(["collection", str(path), "-f", "epub", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:3: manifest: theme: {outside} is outside the manifest's folder" in err
    assert not out.exists()
    path = manifest(tmp_path / "book", "default")
    assert main(["collection", str(path), "-f", "epub", "-o", str(out), "--theme", str(outside)]) == 0
    assert (out / "book.epub").is_file()


# --------------------------------------------------------------------------- an article given as a manifest


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("article.md", ARTICLE),
        ("article.md", "# Judul\n\nParagraf satu.\n"),
        ("article.txt", "Judul\n\nParagraf satu yang cukup panjang.\n"),
        ("article.json", '{"title": "Satu", "body": []}'),
    ],
)
def test_collection_of_an_article_says_to_build_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=rf"looks like an article, not a collection manifest.*opedexport build {path}"):
        opedexport.load_manifest(path)
    assert main(["collection", str(path), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "article, not a collection manifest" in err and f"opedexport build {path}" in err
    assert "found another document" not in err


def test_yaml_without_articles_says_what_a_manifest_needs(tmp_path: Path) -> None:
    path = tmp_path / "front.yaml"
    path.write_text("title: Satu\nlang: id\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"has no articles: or parts:.*opedexport build"):
        opedexport.load_manifest(path)


def test_a_json_manifest_still_works(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text(ARTICLE, encoding="utf-8")
    path = tmp_path / "book.json"
    path.write_text('{"title": "Buku", "articles": ["one.md"]}', encoding="utf-8")
    assert opedexport.load_manifest(path).title == "Buku"


# --------------------------------------------------------------------------- --page-size


@pytest.mark.parametrize("command", ["build", "collection"])
@pytest.mark.parametrize("size", ["A44", "10 20"])
def test_bad_page_size_blames_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str, size: str
) -> None:
    if command == "build":
        path = tmp_path / "one.md"
        path.write_text(ARTICLE, encoding="utf-8")
    else:
        path = manifest(tmp_path, "default")
    with pytest.raises(SystemExit) as info:
        main([command, str(path), "-f", "epub", "-o", str(tmp_path / "out"), "--page-size", size])
    assert info.value.code != 0
    err = capsys.readouterr().err
    assert "argument --page-size" in err and "A4, A5, Letter, Legal or 'WIDTH HEIGHT'" in err
    assert "theme.toml" not in err
    assert not (tmp_path / "out").exists()


def test_good_page_size_still_applies(tmp_path: Path) -> None:
    (tmp_path / "one.md").write_text(ARTICLE, encoding="utf-8")
    assert (
        main(["build", str(tmp_path / "one.md"), "-f", "epub", "-o", str(tmp_path / "out"), "--page-size", "6in 9in"])
        == 0
    )


def test_a_bad_override_in_code_is_not_blamed_on_the_theme_file() -> None:
    with pytest.raises(
        ThemeError, match=r"page\.size must be A4, .*got 'A44' \(in the overrides given, not in "
    ) as info:
        opedexport.load_theme("default", page={"size": "A44"})
    assert info.value.path is None
