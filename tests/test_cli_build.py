"""``opedexport build``: what it says matches what it did, once, with tracebacks only when asked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import plugins  # noqa: F401  (registers the test exporters)
from opedexport.cli import main


def article(path: Path, title: str, extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\ntitle: {title}\nlang: id\n---\n\nParagraf.\n{extra}", encoding="utf-8")
    return path


def build(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    status = main(["build", *argv])
    return status, capsys.readouterr().err


def written_count(err: str) -> int:
    match = re.search(r"(\d+) file\(s\) written", err)
    assert match, err
    return int(match.group(1))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_fail_fast_counts_what_is_on_disk_and_names_what_it_cancelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    folder = tmp_path / "in"
    (folder / "a0.md").parent.mkdir(parents=True)
    (folder / "a0.md").write_text("", encoding="utf-8")  # sorts first, fails at once, while the others run
    inputs = [folder / "a0.md"] + [article(folder / f"a{i:02d}.md", f"Artikel {i}") for i in range(1, 16)]
    out = tmp_path / "out"
    status, err = build(capsys, str(folder / "*.md"), "--fail-fast", "-f", "docx", "-o", str(out), "-j", jobs)
    assert status == 1
    on_disk = sorted(p.name for p in out.iterdir()) if out.exists() else []
    assert written_count(err) == len(on_disk)
    assert not [n for n in on_disk if not n.endswith(".docx")]  # nothing partial
    errors = [line for line in err.splitlines() if line.startswith("opedexport: error:")]
    assert errors == [f"opedexport: error: {inputs[0]}: the input is empty"]
    (cancel_line,) = [line for line in err.splitlines() if line.startswith("opedexport: --fail-fast:")]
    cancelled = [p for p in inputs[1:] if f"{p.stem}.docx" not in on_disk]
    assert cancelled, "every input ran: fail-fast cancelled nothing"
    names = ", ".join(str(p) for p in cancelled)
    assert cancel_line == f"opedexport: --fail-fast: {len(cancelled)} input(s) not tried: {names}"


def test_keep_going_says_nothing_of_cancelling(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "in"
    (folder / "a0.md").parent.mkdir(parents=True)
    (folder / "a0.md").write_text("", encoding="utf-8")
    article(folder / "a1.md", "Satu")
    status, err = build(capsys, str(folder), "-f", "test-title", "-o", str(tmp_path / "out"), "-j", "1")
    assert status == 1 and "--fail-fast" not in err
    assert written_count(err) == 1
    assert [line for line in err.splitlines() if "error:" in line] == [
        f"opedexport: error: {folder / 'a0.md'}: the input is empty"
    ]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_folder_build_says_each_warning_of_an_article_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    folder = tmp_path / "in"
    article(
        folder / "g.md",
        "Gambar",
        "\n![grafik](http://example.invalid/a.png)\n\n![peta](http://example.invalid/b.png)\n",
    )
    article(folder / "h.md", "Dua")
    status, err = build(capsys, str(folder), "-f", "epub,docx,json", "-o", str(tmp_path / "out"), "-j", jobs)
    assert status == 0, err
    warned = [line for line in err.splitlines() if ": warning: " in line]
    # one line per distinct warning, not one per format
    assert len(warned) == 2 and len(set(warned)) == 2, warned
    assert all(
        line.startswith(f"{folder / 'g.md'}: warning: refused resource http://example.invalid/") for line in warned
    )


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_debug_shows_the_traceback_of_each_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    folder = tmp_path / "in"
    (folder / "empty.md").parent.mkdir(parents=True)
    (folder / "empty.md").write_text("", encoding="utf-8")
    article(folder / "good.md", "Baik")
    argv = [str(folder), "-f", "json", "-o", str(tmp_path / "out"), "-j", jobs]
    status, quiet = build(capsys, *argv)
    assert status == 1 and "Traceback" not in quiet
    status, loud = build(capsys, *argv, "--debug")
    assert status == 1
    assert f"opedexport: error: {folder / 'empty.md'}: the input is empty" in loud
    assert loud.count("Traceback (most recent call last):") == 1
    assert "InputError: " in loud and "read_result" in loud  # where it was raised, in the worker too


def test_an_internal_error_points_to_debug_and_debug_shows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import opedexport.api

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("reader bug")

    monkeypatch.setattr(opedexport.api, "read_result", broken)
    path = article(tmp_path / "a.md", "A")
    argv = [str(path), "-f", "json", "-o", str(tmp_path / "out"), "-j", "1"]
    status, err = build(capsys, *argv)
    assert status == 1
    assert err.splitlines()[0] == (
        f"opedexport: error: {path}: internal error: RuntimeError: reader bug (run with --debug for the traceback)"
    )
    status, err = build(capsys, *argv, "--debug")
    assert err.splitlines()[0] == f"opedexport: error: {path}: internal error: RuntimeError: reader bug"
    assert "Traceback (most recent call last):" in err and "in broken" in err
