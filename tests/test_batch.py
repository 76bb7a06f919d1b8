from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import opedexport
import plugins  # noqa: F401  (registers the test exporters)
from conftest import DATA
from opedexport.batch import expand_inputs, export_many

SOURCE = Path(__file__).resolve().parents[1] / "source"


def write_articles(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"a{i:02d}.md"
        path.write_text(f"---\ntitle: Artikel {i}\nlang: id\n---\n\nParagraf {i}.\n", encoding="utf-8")
        paths.append(path)
    return paths


def test_expand_inputs_folders_globs_files(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 3)
    (tmp_path / "in" / "notes.xyz").write_text("x", encoding="utf-8")
    assert expand_inputs([tmp_path / "in"]) == paths
    assert expand_inputs([str(tmp_path / "in" / "a0*.md")]) == paths
    assert expand_inputs([paths[1]]) == [paths[1]]


def test_in_process_batch_keeps_going(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 3)
    paths[1].write_text("", encoding="utf-8")
    seen: list[Path] = []
    batch = export_many(
        tmp_path / "in", ["test-title"], tmp_path / "out", workers=1, on_result=lambda r: seen.append(r.input)
    )
    assert seen == paths
    assert [r.ok for r in batch.results] == [True, False, True]
    assert batch.results[1].errors == [f"{paths[1]}: the input is empty"]
    assert batch.written == 2 and batch.failed == 1
    assert (tmp_path / "out" / "a02.ttl").read_bytes() == b"Artikel 2|default"


def test_fail_fast_stops_after_the_first_failure(tmp_path: Path) -> None:
    paths = write_articles(tmp_path / "in", 4)
    paths[0].write_text("", encoding="utf-8")
    batch = export_many(paths, ["test-title"], tmp_path / "out", workers=1, fail_fast=True)
    assert len(batch.results) == 1 and not batch.results[0].ok
    assert not (tmp_path / "out").exists()


def test_pool_and_any_executor_give_the_same_files(tmp_path: Path) -> None:
    write_articles(tmp_path / "in", 6)
    pooled = export_many(tmp_path / "in", ["json"], tmp_path / "pool", workers=2)
    # Not a ThreadPoolExecutor: those are refused (tests/test_batch_house.py).
    with cf.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("forkserver")) as executor:
        threaded = export_many(tmp_path / "in", ["json"], tmp_path / "thread", executor=executor)
    assert pooled.failed == threaded.failed == 0
    names = sorted(p.name for p in (tmp_path / "pool").iterdir())
    assert names == [f"a{i:02d}.json" for i in range(6)]
    for name in names:
        assert (tmp_path / "pool" / name).read_bytes() == (tmp_path / "thread" / name).read_bytes()
        assert opedexport.read(tmp_path / "pool" / name) == opedexport.read(
            tmp_path / "in" / name.replace(".json", ".md")
        )


def test_pool_workers_are_replaced_every_few_jobs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import opedexport.batch

    monkeypatch.setattr(opedexport.batch, "TASKS_PER_WORKER", 2)
    write_articles(tmp_path / "in", 9)
    batch = export_many(tmp_path / "in", ["json"], tmp_path / "out", workers=2)
    assert batch.failed == 0 and batch.written == 9
    # 9 jobs, 2 workers, 2 jobs each: at least three pools, so more than two worker processes
    assert len({r.pid for r in batch.results}) > 2


def test_one_input_makes_its_pdf_beside_the_other_formats(tmp_path: Path) -> None:
    (path,) = write_articles(tmp_path / "in", 1)
    batch = export_many([path], ["json", "pdf", "test-broken"], tmp_path / "out")
    (result,) = batch.results
    assert result.written == [tmp_path / "out" / "a00.json", tmp_path / "out" / "a00.pdf"]
    assert result.errors == [f"{path}: test-broken export failed: RuntimeError: boom"]
    assert (tmp_path / "out" / "a00.pdf").read_bytes().startswith(b"%PDF-")
    assert opedexport.read(tmp_path / "out" / "a00.json").title == "Artikel 0"


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc to see a worker's libraries")
@pytest.mark.parametrize("pdf", [True, False])
def test_a_pool_for_pdfs_starts_its_workers_with_weasyprint_loaded(pdf: bool) -> None:
    # A fresh interpreter, because a process has one fork server and its preload is fixed when it starts.
    probe = (
        "import os, sys\n"
        "from opedexport.batch import default_executor\n"
        f"pool = default_executor(1, pdf={pdf})\n"
        "pid = pool.submit(os.getpid).result()\n"
        "maps = open(f'/proc/{pid}/maps').read()\n"
        "pool.shutdown()\n"
        "print('libpango' in maps)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.strip() == str(pdf)


def test_a_split_build_writes_what_one_process_writes(tmp_path: Path) -> None:
    # The figure travels from the child (which reads it) to this process (which lays it out).
    from PIL import Image

    source = tmp_path / "in"
    shutil.copytree(DATA / "markdown", source)
    (source / "images").mkdir()
    for name in ("rural-stop.jpg", "cover.jpg"):
        Image.new("RGB", (320, 200), (180, 40, 40)).save(source / "images" / name)
    path = source / "every-element.en.md"
    split = export_many([path], ["epub", "pdf", "docx"], tmp_path / "split", split=True)
    alone = export_many([path], ["epub", "pdf", "docx"], tmp_path / "alone", workers=1)
    (one,), (other,) = split.results, alone.results
    assert one.ok and other.ok, (one.errors, other.errors)
    assert (
        [p.name for p in one.written]
        == [p.name for p in other.written]
        == [
            "every-element.en.epub",
            "every-element.en.pdf",
            "every-element.en.docx",
        ]
    )
    for name in ("every-element.en.pdf", "every-element.en.epub", "every-element.en.docx"):
        assert (tmp_path / "split" / name).read_bytes() == (tmp_path / "alone" / name).read_bytes(), name
    assert one.warnings == other.warnings == [] and one.removed == other.removed
    assert b"/Subtype /Image" in (tmp_path / "split" / "every-element.en.pdf").read_bytes()


def test_a_split_build_reports_a_bad_input_once(tmp_path: Path) -> None:
    bad = tmp_path / "empty.md"
    bad.write_text("", encoding="utf-8")
    batch = export_many([bad], ["pdf", "epub"], tmp_path / "out", split=True)
    (result,) = batch.results
    assert len(result.errors) == 1 and str(bad) in result.errors[0]
    assert result.written == []
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_a_split_build_whose_child_dies_reports_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    from opedexport import batch

    (path,) = write_articles(tmp_path / "in", 1)
    monkeypatch.setattr(batch, "_split_child", lambda job, conn: os._exit(3))
    (result,) = export_many([path], ["pdf", "epub"], tmp_path / "out", split=True).results
    assert result.written == []
    assert result.errors == [f"{path}: internal error: the process making epub stopped (exit code 3)"]
