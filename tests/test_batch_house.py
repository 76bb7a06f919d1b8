"""What export_many must not do to the process it runs in: fork unasked, write os.environ,
share warning filters between threads."""

from __future__ import annotations

import concurrent.futures as cf
import datetime as dt
import os
import threading
from pathlib import Path
from typing import Any

import pytest

import opedexport
from opedexport import batch
from opedexport.buildtime import build_datetime, using_build_time
from opedexport.errors import ExportError

DATA = Path(__file__).parent / "data"


def _article(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("---\ntitle: Satu\nauthor: Siti\nlang: id\n---\n\nIsi pertama.\n", encoding="utf-8")
    return path


def test_a_thread_executor_is_refused_with_a_clear_error(tmp_path: Path) -> None:
    path = _article(tmp_path / "a.md")
    with cf.ThreadPoolExecutor(1) as executor, pytest.raises(ExportError, match="ThreadPoolExecutor"):
        opedexport.export_many([path], ["json"], tmp_path / "out", executor=executor)
    assert not (tmp_path / "out").exists()


def test_one_input_is_not_forked_unless_asked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _article(tmp_path / "a.md")

    def forbidden(job: object) -> object:
        raise AssertionError("export_many forked inside its caller")

    monkeypatch.setattr(batch, "_run_split", forbidden)
    (result,) = opedexport.export_many([path], ["json", "pdf"], tmp_path / "out").results
    assert result.ok, result.errors
    assert result.pid == os.getpid()


def test_a_job_leaves_source_date_epoch_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    from opedexport import api

    path = _article(tmp_path / "a.md")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the host has none; the job carries one
    seen: list[str | None] = []
    real_read = api.read_result

    def read_result(*args: Any, **kw: Any) -> Any:
        # Another thread of the host, reading the environment while the job runs, sees it unchanged.
        seen.append(os.environ.get("SOURCE_DATE_EPOCH"))
        return real_read(*args, **kw)

    monkeypatch.setattr(api, "read_result", read_result)
    job = batch.Job(path, ("docx",), tmp_path / "out", "default", source_date_epoch="1700000000")
    result = batch.run_job(job)
    assert result.ok, result.errors
    assert seen == [None]
    assert "SOURCE_DATE_EPOCH" not in os.environ
    with zipfile.ZipFile(tmp_path / "out" / "a.docx") as z:  # the document still carries the job's time
        assert b"2023-11-14T22:13:20Z" in z.read("docProps/core.xml")


def test_the_build_time_is_per_thread() -> None:
    first = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    second = dt.datetime(2021, 6, 1, tzinfo=dt.UTC)
    seen: dict[str, dt.datetime] = {}
    inside = threading.Barrier(2)

    def job(name: str, when: dt.datetime) -> None:
        with using_build_time(when):
            inside.wait(5)  # both inside at once
            seen[name] = build_datetime()
            inside.wait(5)

    threads = [threading.Thread(target=job, args=("a", first)), threading.Thread(target=job, args=("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == {"a": first, "b": second}


def test_export_takes_the_build_time_as_an_argument(tmp_path: Path) -> None:
    article = opedexport.read(_article(tmp_path / "a.md"))
    when = dt.datetime(2001, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    data = opedexport.export_bytes(article, "epub", build_time=when)
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        opf = z.read("EPUB/content.opf")
        assert b"2001-02-03T04:05:06Z" in opf
        assert {info.date_time for info in z.infolist()} == {(2001, 2, 3, 4, 5, 6)}
    with pytest.raises(ExportError, match="aware"):
        opedexport.export_bytes(article, "epub", build_time=dt.datetime(2001, 2, 3))
