"""``--limit NAME=N``: the limits an error names can be changed from the command, in this process and
in a batch's worker processes (which start with the defaults).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from opedexport import limits
from opedexport.cli import main


def noted(path: Path, notes: int) -> Path:
    """A Markdown article with ``notes`` footnotes."""
    calls = " ".join(f"Kalimat {i}.[^{i}]" for i in range(notes))
    defs = "\n".join(f"[^{i}]: Catatan {i}." for i in range(notes))
    path.write_text(f"---\ntitle: Catatan\nlang: id\n---\n\n{calls}\n\n{defs}\n", encoding="utf-8")
    return path


def test_an_article_over_a_limit_names_the_option_and_passes_once_it_is_raised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(limits, "MAX_NOTES", 5)
    source = noted(tmp_path / "a.md", 8)
    assert main(["inspect", str(source)]) == 1
    err = capsys.readouterr().err
    assert "footnotes: 8, over the limit of 5" in err and "--limit MAX_NOTES=N" in err
    assert main(["inspect", str(source), "--limit", "max_notes=8"]) == 0
    assert capsys.readouterr().out.count('"type": "Note"') == 8
    assert limits.MAX_NOTES == 5  # the command's setting ends with the command


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_batch_carries_the_limit_to_its_workers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], jobs: str
) -> None:
    # -j 2: the jobs run in a fork server's children, which import opedexport afresh with the default
    # (2,000 notes); only a job that carries the command's limit refuses these articles.
    inputs = [str(noted(tmp_path / f"a{i}.md", 3)) for i in range(2)]
    out = tmp_path / "out"
    status = main(["build", *inputs, "-f", "docx", "-o", str(out), "-j", jobs, "--limit", "MAX_NOTES=2"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.count("footnotes: 3, over the limit of 2") == 2, err
    assert not list(out.glob("*.docx"))


@pytest.mark.parametrize(
    ("setting", "says"),
    [
        ("MAX_NOPE=3", "NAME one of MAX_TEXT_BYTES"),
        ("MAX_NOTES=0", "positive whole number"),
        ("MAX_NOTES=many", "positive whole number"),
        ("MAX_NOTES", "give NAME=N"),
    ],
)
def test_a_bad_setting_is_a_usage_error(capsys: pytest.CaptureFixture[str], setting: str, says: str) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["inspect", "a.md", "--limit", setting])
    assert stopped.value.code == 2
    assert says in capsys.readouterr().err


def test_using_sets_for_the_block_only() -> None:
    before = limits.current()
    with limits.using([("MAX_BLOCKS", 7), ("MAX_NESTING", 9)]):
        assert (limits.MAX_BLOCKS, limits.MAX_NESTING) == (7, 9)
        with pytest.raises(ValueError, match="not a limit"), limits.using([("DEFAULT_TIME_LIMIT", 1)]):
            pass
    assert limits.current() == before
