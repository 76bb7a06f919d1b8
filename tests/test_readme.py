"""The README's examples are what the tool does: every ``console`` and ``python`` block in it runs, as shown.

A ``console`` block is a shell session: each ``$ `` line is run with bash in a scratch folder holding a
copy of the checkout's ``source/`` and ``tests/data/collection/`` (the paths the examples name), and what it
prints (stdout and stderr together) must match the lines shown under it, where ``…`` stands for any text
within a line, or, alone on a line, for any number of lines. A ``python`` block is saved as a script and run
with ``python script.py`` in such a folder, exactly as a user pasting it would: it must exit 0 and print no
traceback. Blocks in other languages (``sh`` synopses, ``yaml``, ``toml``) are descriptions, not run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_MARK = "@@readme-command-"
README = REPO / "README.md"

_FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.S | re.M)


@dataclass(frozen=True)
class Block:
    """One fenced block of the README: its language, its text and the line it starts on."""

    lang: str
    text: str
    line: int


def blocks(lang: str) -> list[Block]:
    """The README's fenced blocks of one language, in order."""
    source = README.read_text(encoding="utf-8")
    return [
        Block(m.group(1), m.group(2), source.count("\n", 0, m.start()) + 1)
        for m in _FENCE.finditer(source)
        if m.group(1) == lang
    ]


def session(block: Block) -> list[tuple[str, list[str]]]:
    """A console block as ``(command, expected output lines)`` pairs."""
    out: list[tuple[str, list[str]]] = []
    for line in block.text.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
        elif line.strip():
            raise AssertionError(f"README.md:{block.line}: output before the first '$ ' command: {line!r}")
    return out


def pattern(expected: list[str]) -> re.Pattern[str]:
    """The expected lines as a regular expression: ``…`` is any text; a lone ``…`` line, any lines."""
    parts = []
    for line in expected:
        if line.strip() == "…":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*?".join(re.escape(piece) for piece in line.split("…")) + r"[ \t]*\n")
    return re.compile("".join(parts), re.S)


def matches(expected: list[str], printed: str) -> bool:
    """Whether what a command printed is what the README shows."""
    return pattern(expected).fullmatch(printed if printed.endswith("\n") or not printed else printed + "\n") is not None


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A folder laid out as the examples expect: the sample articles and the example anthology."""
    shutil.copytree(REPO / "source", tmp_path / "source")
    shutil.copytree(REPO / "tests" / "data" / "collection", tmp_path / "tests" / "data" / "collection")
    return tmp_path


@pytest.fixture(scope="session")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a user's shell, with `opedexport` and `import opedexport` this checkout's."""
    shim = tmp_path_factory.mktemp("bin") / "opedexport"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m opedexport "$@"\n')
    shim.chmod(0o755)
    out = dict(os.environ)
    out.pop("SOURCE_DATE_EPOCH", None)
    src = str(REPO / "src")
    out["PYTHONPATH"] = src + (os.pathsep + out["PYTHONPATH"] if out.get("PYTHONPATH") else "")
    out["PATH"] = str(shim.parent) + os.pathsep + out.get("PATH", "")
    out["COLUMNS"] = "100"
    return out


def test_readme_has_examples_to_run() -> None:
    assert blocks("console"), "the README shows no console session"
    assert blocks("python"), "the README shows no Python example"


def test_pattern_matches_only_what_is_shown() -> None:
    assert matches(["a: 1", "…", "b: …"], "a: 1\nx\ny\nb: 2\n")
    assert matches(["a: 1", "…", "b: …"], "a: 1\nb: 2\n")
    assert not matches(["a: 1", "b: 2"], "a: 1\nb: 3\n")
    assert not matches(["a: 1"], "a: 1\nmore\n")


@pytest.mark.slow
@pytest.mark.parametrize("block", blocks("console"), ids=lambda b: f"line{b.line}")
def test_console_example_prints_what_the_readme_shows(block: Block, scratch: Path, env: dict[str, str]) -> None:
    steps = session(block)
    # one shell for the whole session, as a user types it (so `echo $?` sees the command before it);
    # a marker line between commands splits what each printed, and `$?` is carried over the marker
    script = ["exec 2>&1"]
    for index, (command, _) in enumerate(steps):
        script += [f"__rc=$?; printf '\\n{_MARK}{index}\\n'; (exit $__rc)", command]
    done = subprocess.run(
        ["bash", "-c", "\n".join(script)], cwd=scratch, env=env, capture_output=True, text=True, timeout=600
    )
    printed = re.split(rf"\n{_MARK}\d+\n", "\n" + done.stdout)[1:]
    assert len(printed) == len(steps), done.stdout
    for (command, expected), output in zip(steps, printed, strict=True):
        assert matches(expected, output), (
            f"README.md:{block.line}: `{command}` printed:\n{output}\nthe README shows:\n" + "\n".join(expected)
        )


@pytest.mark.slow
@pytest.mark.parametrize("block", blocks("python"), ids=lambda b: f"line{b.line}")
def test_python_example_runs_as_a_pasted_script(block: Block, scratch: Path, env: dict[str, str]) -> None:
    script = scratch / "example.py"
    script.write_text(block.text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, f"README.md:{block.line}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
    assert "Traceback" not in done.stderr, f"README.md:{block.line}:\n{done.stderr}"
