"""A batch on the default pool submits its longest inputs first (issue 19: no idle core at the end),
and reports its results in input order; with ``fail_fast`` the inputs go in their own order.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from opedexport import batch
from opedexport.batch import export_many


def _articles(folder: Path) -> list[Path]:
    folder.mkdir()
    sizes = {"a-short": 1, "b-long": 40, "c-middle": 10}
    paths = []
    for stem, paragraphs in sizes.items():
        path = folder / f"{stem}.md"
        body = "\n\n".join(f"Paragraph {i} of {stem}, with a few words in it." for i in range(paragraphs))
        path.write_text(f"---\ntitle: {stem}\nlang: en\n---\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    return paths


def _record_submissions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    submitted: list[str] = []
    original = batch._DefaultPool.submit

    def submit(self: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        submitted.append(args[0].input.stem)
        return original(self, fn, *args, **kwargs)

    monkeypatch.setattr(batch._DefaultPool, "submit", submit)
    return submitted


def test_longest_inputs_are_submitted_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _articles(tmp_path / "in")
    submitted = _record_submissions(monkeypatch)
    result = export_many(paths, ["json"], tmp_path / "out", workers=2)
    assert submitted == ["b-long", "c-middle", "a-short"]
    assert [r.input.stem for r in result.results] == ["a-short", "b-long", "c-middle"]
    assert all(r.ok for r in result.results)


def test_fail_fast_keeps_the_input_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _articles(tmp_path / "in")
    submitted = _record_submissions(monkeypatch)
    export_many(paths, ["json"], tmp_path / "out", workers=2, fail_fast=True)
    assert submitted == ["a-short", "b-long", "c-middle"]
