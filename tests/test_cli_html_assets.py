"""The HTML page with its assets in a folder beside it, from the command (``--html-assets folder``) and
from :func:`opedexport.export` (``assets="folder"``), and the confinement of what an exporter may write.
"""

from __future__ import annotations

import os
import re
import shutil
import urllib.parse
from pathlib import Path

import pytest

from opedexport import export, read
from opedexport._files import write_files
from opedexport.cli import main
from opedexport.errors import ExportError

DATA = Path(__file__).resolve().parent / "data"
ARTICLE = """---
title: "Aset di folder"
author: "Ratu Hanun"
lang: id
---

Paragraf pertama tentang diplomasi pertahanan.

![Anggaran pertahanan kawasan](chart.png)

Paragraf kedua.
"""


@pytest.fixture
def article_md(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copyfile(DATA / "images" / "chart.png", folder / "chart.png")
    path = folder / "aset.md"
    path.write_text(ARTICLE, encoding="utf-8")
    return path


def _local_refs(page: Path) -> list[Path]:
    """The files the page and its stylesheet refer to (not links, not the canonical URL)."""
    html = page.read_text(encoding="utf-8")
    refs = [
        page.parent / urllib.parse.unquote(url)
        for url in re.findall(r'<(?:img|link)[^>]*?(?:src|href)="([^"]+)"', html)
        if not urllib.parse.urlsplit(url).scheme
    ]
    for css in [r for r in refs if r.suffix == ".css"]:
        refs += [css.parent / urllib.parse.unquote(u) for u in re.findall(r'url\("([^"]+)"\)', css.read_text("utf-8"))]
    return refs


def test_the_command_writes_the_page_and_its_assets_folder(
    article_md: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["build", str(article_md), "--format", "html,docx", "--html-assets", "folder", "--out", str(out)])
    assert code == 0
    # the summary counts every file written, the page's assets too
    on_disk = sorted(p for p in out.rglob("*") if p.is_file())
    assert f"{len(on_disk)} file(s) written" in capsys.readouterr().err
    page = out / "aset.html"
    assets = out / "aset_files"
    assert (assets / "style.css").is_file()
    assert len(list((assets / "images").iterdir())) == 1
    assert (out / "aset.docx").is_file()  # the other formats are as ever
    html = page.read_text(encoding="utf-8")
    assert "<style" not in html and "data:" not in html
    refs = _local_refs(page)
    assert any(r.parent.name == "images" for r in refs) and any(r.parent.name == "fonts" for r in refs)
    for ref in refs:
        assert ref.is_file(), ref


def test_without_the_flag_the_page_is_one_file(article_md: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert main(["build", str(article_md), "--format", "html", "--out", str(out)]) == 0
    assert [p.name for p in out.iterdir()] == ["aset.html"]
    assert "<style" in (out / "aset.html").read_text(encoding="utf-8")


def test_export_writes_the_folder_and_returns_the_page(article_md: Path, tmp_path: Path) -> None:
    article = read(article_md)
    page = export(article, tmp_path / "web" / "page.html", assets="folder")
    assert page == tmp_path / "web" / "page.html"
    assert (tmp_path / "web" / "page_files" / "style.css").is_file()
    for ref in _local_refs(page):
        assert ref.is_file(), ref


@pytest.mark.parametrize("name", ["../evil.css", "/tmp/evil.css", "a/../../evil.css", "a//b.css", "./x.css"])
def test_an_asset_outside_the_folder_is_refused_and_nothing_is_written(tmp_path: Path, name: str) -> None:
    target = tmp_path / "out" / "page.html"
    with pytest.raises(ExportError, match="outside the output folder") as caught:
        write_files(target, {"page.html": b"<p>x</p>", "page_files/ok.css": b"", name: b"evil"})
    assert caught.value.path == target
    assert not (tmp_path / "out").exists() and not (tmp_path / "evil.css").exists()


def test_the_document_is_written_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []
    import opedexport._files as files

    real = files.write_atomic
    monkeypatch.setattr(files, "write_atomic", lambda path, data: (order.append(path.name), real(path, data)))
    written = write_files(tmp_path / "page.html", {"page.html": b"p", "page_files/a.css": b"a"})
    assert order == ["a.css", "page.html"]
    assert written == [tmp_path / "page.html", tmp_path / "page_files" / "a.css"]


def test_an_assets_folder_that_is_a_symbolic_link_is_refused(article_md: Path, tmp_path: Path) -> None:
    out, elsewhere = tmp_path / "out", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "aset_files").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(ExportError, match="aset_files is a symbolic link"):
        export(read(article_md), out / "aset.html", assets="folder")
    assert list(elsewhere.iterdir()) == [] and not (out / "aset.html").exists()


@pytest.mark.skipif(os.sep != "/", reason="a backslash is a separator on Windows")
def test_a_backslash_in_the_name_is_a_name_on_posix(article_md: Path, tmp_path: Path) -> None:
    source = article_md.with_name("a\\b.md")
    article_md.rename(source)
    out = tmp_path / "out"
    assert main(["build", str(source), "--format", "html", "--html-assets", "folder", "--out", str(out)]) == 0
    page = out / "a\\b.html"
    assert (out / "a\\b_files" / "style.css").is_file()
    for ref in _local_refs(page):
        assert ref.is_file(), ref
