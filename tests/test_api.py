from __future__ import annotations

import io
from pathlib import Path

import pytest

import opedexport
import plugins  # noqa: F401  (registers the test exporters)
from opedexport.errors import ExportError, InputError, RegistryError

MD = "---\ntitle: Halo Dunia\nlang: id\n---\n\nParagraf satu.\n"


def test_read_text_needs_a_format() -> None:
    assert opedexport.read(text=MD, format="markdown").title == "Halo Dunia"
    with pytest.raises(InputError, match="give format="):
        opedexport.read(text=MD)


def test_read_exactly_one_source(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(MD, encoding="utf-8")
    with pytest.raises(TypeError, match="not both"):
        opedexport.read(path, text=MD)
    assert opedexport.read(path).source_path == path
    with path.open("rb") as fh:
        assert opedexport.read(fh).title == "Halo Dunia"  # suffix from the file object's name
    assert opedexport.read(io.StringIO(MD), "markdown").lang == "id"


def test_read_limits_input_size(tmp_path: Path) -> None:
    with pytest.raises(opedexport.LimitError, match="over the limit"):
        opedexport.read(text=MD, format="markdown", max_bytes=10)


def test_export_to_bytes_and_to_path(tmp_path: Path) -> None:
    article = opedexport.read(text=MD, format="markdown")
    assert opedexport.export_bytes(article, "test-title") == b"Halo Dunia|default"
    assert opedexport.export_bytes(article, "test-title", theme="modern", shout=True) == b"HALO DUNIA|modern"
    target = tmp_path / "deep" / "x.ttl"
    assert opedexport.export(article, target) == target
    assert target.read_bytes() == b"Halo Dunia|default"


def test_unknown_option_and_format_are_errors() -> None:
    article = opedexport.read(text=MD, format="markdown")
    with pytest.raises(ExportError, match=r"unknown option\(s\) colour.*known: allow_hosts, shout"):
        opedexport.export_bytes(article, "test-title", colour="red")
    with pytest.raises(RegistryError, match="no exporter writes '.odt'"):
        opedexport.export(article, "x.odt")


def test_failed_export_keeps_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    article = opedexport.read(text=MD, format="markdown")
    target = tmp_path / "x.brk"
    target.write_bytes(b"old")
    with pytest.raises(ExportError, match="test-broken export failed: RuntimeError: boom"):
        opedexport.export(article, target)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.brk"]


def test_runaway_export_is_stopped(tmp_path: Path) -> None:
    article = opedexport.read(text=MD, format="markdown")
    target = tmp_path / "x.slow"
    with pytest.raises(opedexport.LimitError, match=r"the test-slow export took longer than 0\.2 s and was stopped"):
        opedexport.export(article, target, time_limit=0.2)
    assert not target.exists() and list(tmp_path.iterdir()) == []
