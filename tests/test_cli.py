from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import plugins  # noqa: F401  (registers the test exporters)
from opedexport.cli import main

SAMPLE = Path(__file__).resolve().parents[1] / "source" / "000_ed708197f1b9d573.txt"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_inspect_sample(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "inspect", str(SAMPLE))
    assert status == 0
    data = json.loads(out)
    assert data["title"] == "NATO, Jembatan Diplomasi Pertahanan dalam Menghadapi Ancaman Non-Tradisional"
    assert data["lang"] == "id"
    assert data["authors"] == [
        {"type": "Author", "name": "Ratu Hanun T.W.A", "affiliation": "Mahasiswi HI UIN Jakarta"}
    ]
    assert "Bacaan Lainnya" not in out and "Bacaan Lainnya" in err
    assert "Pos terkait" in err


def test_build_keeps_going_and_reports_each_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.md"
    good.write_text("# Judul\n\nIsi.\n", encoding="utf-8")
    empty = tmp_path / "empty.md"
    empty.write_text("", encoding="utf-8")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Judul\n\nCaf\xe9 au lait.\n".encode("latin-1"))
    out_dir = tmp_path / "out"
    status, _, err = run(
        capsys, "build", str(empty), str(latin1), str(good), "-f", "test-title", "-o", str(out_dir), "-j", "1"
    )
    assert status == 1
    assert (out_dir / "good.ttl").read_bytes() == b"Judul|default"
    lines = [line for line in err.splitlines() if line.startswith("opedexport: error:")]
    assert lines == [
        f"opedexport: error: {empty}: the input is empty",
        f"opedexport: error: {latin1}:3: not UTF-8 text (byte 0xe9 at offset 10); save the file as UTF-8 and try again",
    ]
    assert "Traceback" not in err
    assert "1 file(s) written" in err


def test_broken_front_matter_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.md"
    bad.write_text("---\ntitle: Judul\nauthor: [unclosed\nlang: id\n---\n\nIsi.\n", encoding="utf-8")
    status, _, err = run(capsys, "build", str(bad), "-f", "test-title", "-o", str(tmp_path / "o"))
    assert status == 1
    assert f"{bad}:4:" in err or f"{bad}:3:" in err
    assert "Traceback" not in err


def test_no_title_anywhere(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "untitled.md"
    bad.write_text("---\nlang: en\n---\n\nJust a paragraph.\n", encoding="utf-8")
    status, _, err = run(capsys, "inspect", str(bad))
    assert status == 1
    assert err.startswith(f"opedexport: error: {bad}: no title")


def test_unknown_format_lists_available(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "build", str(SAMPLE), "-f", "odt", "-o", str(tmp_path))
    assert status == 1
    assert "unknown exporter 'odt'; available:" in err and "pdf" in err


def test_colliding_outputs_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for folder in ("a", "b"):
        (tmp_path / folder / "same.md").write_text("# T\n\nx\n", encoding="utf-8")
    status, _, err = run(
        capsys,
        "build",
        str(tmp_path / "a"),
        str(tmp_path / "b"),
        "-f",
        "test-title",
        "-o",
        str(tmp_path / "o"),
        "-j",
        "1",
    )
    assert status == 1
    assert "would overwrite those of" in err
    assert (tmp_path / "o" / "same.ttl").exists()


def test_formats_lists_readers_and_exporters(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "formats")
    assert status == 0
    for name in ("markdown", "text", "json", "pdf", "epub", "docx"):
        assert f"  {name} " in out


def test_real_process_exit_status_without_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "missing.md"
    proc = subprocess.run(
        [sys.executable, "-m", "opedexport", "inspect", str(missing)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith(f"opedexport: error: {missing}: cannot read file")
    assert "Traceback" not in proc.stderr
