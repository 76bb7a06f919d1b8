"""A batch stays in its folder, leaves no process behind, and runs from a script without a main guard."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

try:
    import psutil
except ImportError:  # pragma: no cover - the process tests are skipped
    psutil = None

from opedexport.batch import expand_inputs
from opedexport.cli import main
from opedexport.errors import ResourceRefusedWarning

SRC = Path(__file__).resolve().parents[1] / "src"


def article(path: Path, title: str, paragraphs: int = 1) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = "\n\n".join(f"Paragraf {i} tentang kebijakan publik dan demokrasi hari ini." for i in range(paragraphs))
    path.write_text(f"---\ntitle: {title}\nlang: id\n---\n\n{body}\n", encoding="utf-8")
    return path


@pytest.fixture
def linked(tmp_path: Path) -> Path:
    """``in/`` with two articles, a link to each of them (inside), and links out: a file and a folder."""
    folder = tmp_path / "in"
    article(folder / "a.md", "A")
    article(folder / "sub" / "b.md", "B")
    article(tmp_path / "secret" / "secret.md", "Rahasia")
    (folder / "alias.md").symlink_to(folder / "a.md")
    (folder / "inner").symlink_to(folder / "sub", target_is_directory=True)
    (folder / "leak.md").symlink_to(tmp_path / "secret" / "secret.md")
    (folder / "outer").symlink_to(tmp_path / "secret", target_is_directory=True)
    return folder


def test_a_folder_scan_skips_a_link_out_of_the_folder(linked: Path) -> None:
    with pytest.warns(ResourceRefusedWarning) as caught:
        found = expand_inputs([linked])
    assert found == [linked / "a.md", linked / "alias.md"]
    assert [str(w.message) for w in caught] == [
        f"{linked / 'leak.md'}: skipped: a symbolic link leads out of {linked}{os.sep} "
        "(name the file itself to build it)"
    ]


def test_a_glob_skips_matches_whose_real_path_leaves_its_base_folder(linked: Path) -> None:
    with pytest.warns(ResourceRefusedWarning) as caught:
        found = expand_inputs([str(linked / "*" / "*.md")])
    assert found == [linked / "inner" / "b.md", linked / "sub" / "b.md"]
    assert len(caught) == 1 and str(caught[0].message).startswith(f"{linked / 'outer' / 'secret.md'}: skipped")
    with pytest.warns(ResourceRefusedWarning, match="leak.md"):
        assert expand_inputs([str(linked / "*.md")]) == [linked / "a.md", linked / "alias.md"]


def test_links_that_stay_inside_are_built_and_a_file_named_itself_is_taken(linked: Path) -> None:
    assert expand_inputs([str(linked / "sub" / "*.md")]) == [linked / "sub" / "b.md"]
    assert expand_inputs([linked / "leak.md"]) == [linked / "leak.md"]  # asked for by name


def test_a_folder_build_does_not_build_the_secret(
    linked: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    status = main(["build", str(linked), "-f", "json", "-o", str(out), "-j", "1"])
    err = capsys.readouterr().err
    assert status == 0
    assert sorted(p.name for p in out.iterdir()) == ["a.json", "alias.json"]
    assert f"opedexport: warning: {linked / 'leak.md'}: skipped: a symbolic link leads out of" in err
    assert "Rahasia" not in "".join(p.read_text(encoding="utf-8") for p in out.iterdir())


# --- no process outlives the command -------------------------------------------------------------

linux_only = pytest.mark.skipif(
    psutil is None or not sys.platform.startswith("linux"), reason="needs Linux (parent-death signal) and psutil"
)


def _survivors(procs: list[Any], seconds: float) -> list[Any]:
    """Those of ``procs`` still running (not zombies) after waiting up to ``seconds``."""
    deadline = time.monotonic() + seconds
    alive = procs
    while alive and time.monotonic() < deadline:
        alive = [p for p in alive if _running(p)]
        time.sleep(0.1)
    return [p for p in alive if _running(p)]


def _running(proc: Any) -> bool:
    try:
        return bool(proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE)
    except psutil.NoSuchProcess:
        return False


@linux_only
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("inputs", [1, 3], ids=["split", "pool"])
def test_killing_the_command_leaves_no_process_behind(tmp_path: Path, sig: signal.Signals, inputs: int) -> None:
    # Large articles, so the build is still running when it is killed.
    for i in range(inputs):
        article(tmp_path / "in" / f"big{i}.md", f"Besar {i}", paragraphs=4000)
    target = [str(tmp_path / "in" / "big0.md")] if inputs == 1 else [str(tmp_path / "in"), "-j", "2"]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    out = tmp_path / "out"
    with (tmp_path / "stderr").open("w") as err:  # a file: a pipe would wait for any survivor
        cli = subprocess.Popen(
            [sys.executable, "-m", "opedexport", "build", *target, "-f", "pdf,epub", "-o", str(out)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
        )
    me = psutil.Process(cli.pid)
    descendants: list[Any] = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and cli.poll() is None:
            descendants = me.children(recursive=True)
            # one article: the forked child; a pool: both workers, the fork server's children
            if (inputs == 1 and descendants) or len(descendants) >= len(me.children()) + 2:
                break
            time.sleep(0.02)
        assert cli.poll() is None and descendants, "the build ended before it could be killed"
        time.sleep(0.5 if inputs > 1 else 0)  # the workers at work
        descendants = me.children(recursive=True)
        os.kill(cli.pid, sig)
        status = cli.wait(30)
        left = _survivors(descendants, 10)
        assert left == [], [" ".join(p.cmdline()) for p in left]
    finally:
        for proc in descendants:
            if _running(proc):
                proc.kill()
        if cli.poll() is None:
            cli.kill()
    if sig == signal.SIGTERM:
        stderr = (tmp_path / "stderr").read_text(encoding="utf-8")
        assert "Traceback" not in stderr
        # On a loaded machine the signal may land after the build has finished: that is a clean exit 0
        # with every file written. Anything else must be the command stopping as SIGTERM asks.
        written = sorted(p.name for p in out.iterdir()) if out.exists() else []
        finished = status == 0 and len(written) == 2 * inputs and "opedexport: terminated" not in stderr
        assert finished or (status == 143 and "opedexport: terminated" in stderr), (status, stderr, written)
        assert not out.exists() or not [p.name for p in out.iterdir() if p.name.endswith(".part")]
    else:
        assert status == -signal.SIGKILL


# --- the README's example as a script ----------------------------------------------------------


def test_export_many_runs_from_a_script_without_a_main_guard(tmp_path: Path) -> None:
    for i in range(2):
        article(tmp_path / "archive" / "2025" / f"a{i}.md", f"Artikel {i}")
    script = tmp_path / "script.py"
    script.write_text(
        "import opedexport\n"
        'batch = opedexport.export_many(["archive/2025/"], ["pdf", "epub"], "out/")\n'
        'print(f"{batch.written} files; {batch.failed} failed")\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert (done.returncode, done.stdout.strip()) == (0, "4 files; 0 failed"), done.stderr
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a0.epub", "a0.pdf", "a1.epub", "a1.pdf"]
