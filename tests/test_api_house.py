"""An unambiguous API: export() writes a path, export_bytes() returns bytes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import opedexport
import plugins  # noqa: F401  (registers the test exporters)
from opedexport.errors import RegistryError

DATA = Path(__file__).parent / "data"


@pytest.fixture
def article() -> opedexport.Article:
    return opedexport.read(text="---\ntitle: Satu\nauthor: Siti\nlang: id\n---\n\nIsi.\n", format="markdown")


def test_a_name_without_suffix_is_a_path_and_the_error_says_what_to_give(
    article: opedexport.Article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RegistryError, match=r"'out', which has no suffix: give a path such as 'out\.pdf'"):
        opedexport.export(article, "out")
    assert os.listdir(tmp_path) == []


def test_export_writes_the_path_and_returns_it(article: opedexport.Article, tmp_path: Path) -> None:
    assert opedexport.export(article, tmp_path / "a.json") == tmp_path / "a.json"
    written = opedexport.export(article, tmp_path / "out", format="json")  # no suffix: format= says
    assert written == tmp_path / "out" and written.read_bytes() == (tmp_path / "a.json").read_bytes()


def test_export_bytes_returns_the_bytes_and_writes_nothing(
    article: opedexport.Article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = opedexport.export_bytes(article, "json")
    assert isinstance(data, bytes) and data == (opedexport.export(article, tmp_path / "a.json")).read_bytes()
    assert os.listdir(tmp_path) == ["a.json"]
    with pytest.raises(RegistryError, match="unknown exporter 'out'"):
        opedexport.export_bytes(article, "out")


def test_the_old_call_with_a_format_name_still_returns_bytes_with_a_deprecation(
    article: opedexport.Article, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.warns(DeprecationWarning, match=r"use export_bytes\(…, 'json'\)"):
        data = opedexport.export(article, "json")
    assert data == opedexport.export_bytes(article, "json")
    assert os.listdir(tmp_path) == []


def test_a_collection_the_same_way(tmp_path: Path) -> None:
    book = opedexport.load_manifest(DATA / "collection" / "manifest.yaml")
    data = opedexport.export_collection_bytes(book, "epub")
    assert data[:2] == b"PK"
    with pytest.warns(DeprecationWarning, match="export_collection_bytes"):
        assert opedexport.export_collection(book, "epub")[:2] == b"PK"  # type: ignore[index]
    assert opedexport.export_collection(book, tmp_path / "book.epub") == tmp_path / "book.epub"
    with pytest.raises(RegistryError, match="no suffix"):
        opedexport.export_collection(book, tmp_path / "book")
