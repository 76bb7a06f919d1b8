#!/usr/bin/env python3
"""Side-by-side benchmark: opedexport against pandoc, on the same generated inputs, in one run.

Run by hand, not in CI::

    python benchmarks/bench.py              # 3 rounds of every case
    python benchmarks/bench.py --rounds 1 --batch 20 --only a,d   # quicker

Cases (the same Markdown for both tools; pandoc makes its PDF through WeasyPrint):

  a  one article, all three formats, one command (pandoc: three commands)
  b  a batch of --batch articles, all three formats, one command (pandoc: three commands each, in a loop)
  c  one long article (about 50 pages) to PDF
  d  DOCX only and EPUB only, one-shot commands

Each case alternates the tools round by round and reports the median wall time,
the ratio pandoc/opedexport (> 1 means opedexport is faster) and the peak
resident memory (RSS) of each tool's largest process. Peak memory of a batch's
worker processes at several points is reported by ``--memory-curve``.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "source" / "nato-diplomasi-pertahanan.md"

WORDS = [
    *[
        "diplomasi",
        "pertahanan",
        "negara",
        "kerja",
        "sama",
        "keamanan",
        "ancaman",
        "kawasan",
        "strategi",
        "kebijakan",
        "militer",
    ],
    *[
        "informasi",
        "teknologi",
        "pelatihan",
        "kepercayaan",
        "stabilitas",
        "global",
        "regional",
        "konflik",
        "kapasitas",
        "respons",
    ],
]


@dataclass
class Measure:
    """Wall times (s) and peak RSS (KiB) of one tool on one case."""

    times: list[float] = field(default_factory=list)
    peak_kib: int = 0

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")


def run(commands: Sequence[Sequence[str]], cwd: Path) -> tuple[float, int]:
    """Run ``commands`` one after another; return total wall time and the largest peak RSS of any process."""
    peak = 0
    started = time.perf_counter()
    for cmd in commands:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err}")
        peak = max(peak, usage.ru_maxrss)
        # children of the command (pool workers): RUSAGE_CHILDREN holds the largest so far
    elapsed = time.perf_counter() - started
    return elapsed, peak


def paragraph(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def make_article(path: Path, index: int, *, paragraphs: int = 4, seed: int = 0) -> None:
    """A Markdown article of the sample's shape (or longer), with a heading and a footnote."""
    rng = random.Random(seed * 1000 + index)
    body = [paragraph(rng, 70) for _ in range(paragraphs)]
    parts = [
        "---",
        f'title: "Artikel {index}: Diplomasi Pertahanan dan Ancaman Non-Tradisional"',
        "author:",
        '  name: "Ratu Hanun T.W.A"',
        '  affiliation: "Mahasiswi HI UIN Jakarta"',
        "lang: id",
        "publication: DepokPos",
        "date: 2025-05-12",
        "---",
        "",
    ]
    for i, text in enumerate(body):
        if i and i % 6 == 2:
            parts += [f"## Bagian {i // 6 + 1}", ""]
        if i == 1:
            text += "[^1]"
        parts += [text, ""]
    parts += ["[^1]: Cottey dan Forster (2004), *Reshaping Defence Diplomacy*.", ""]
    path.write_text("\n".join(parts), encoding="utf-8")


def opedexport_cmd(inputs: Sequence[Path], out: Path, formats: str) -> list[str]:
    return [sys.executable, "-m", "opedexport", "build", *map(str, inputs), "--out", str(out), "--format", formats]


def pandoc_cmds(inputs: Sequence[Path], out: Path, formats: Sequence[str]) -> list[list[str]]:
    cmds = []
    for path in inputs:
        for fmt in formats:
            target = out / f"{path.stem}.{fmt}"
            cmd = ["pandoc", str(path), "-s", "-o", str(target)]
            if fmt == "pdf":
                cmd += ["--pdf-engine=weasyprint"]
            cmds.append(cmd)
    return cmds


def case(
    name: str,
    rounds: int,
    ours: Callable[[Path], list[list[str]]],
    theirs: Callable[[Path], list[list[str]]],
    work: Path,
) -> tuple[Measure, Measure]:
    mine, pandoc = Measure(), Measure()
    for r in range(rounds):
        order = [("ours", ours, mine), ("pandoc", theirs, pandoc)]
        if r % 2:
            order.reverse()
        for label, make, measure in order:
            out = work / f"out-{name}-{label}-{r}"
            out.mkdir()
            elapsed, peak = run(make(out), work)
            measure.times.append(elapsed)
            measure.peak_kib = max(measure.peak_kib, peak)
            shutil.rmtree(out)
        print(f"  {name} round {r + 1}: opedexport {mine.times[-1]:.2f} s, pandoc {pandoc.times[-1]:.2f} s", flush=True)
    return mine, pandoc


def versions() -> str:
    def first_line(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.splitlines()[0]
        except (OSError, IndexError):
            return "?"

    from importlib.metadata import version

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"opedexport {version('opedexport')}, WeasyPrint {version('weasyprint')}, "
        f"{first_line(['pandoc', '--version'])}"
    )


def precompile() -> None:
    """Write opedexport's bytecode, as installing the wheel does, so no run pays for compiling it.

    An editable install has none, and with ``PYTHONDONTWRITEBYTECODE`` set every run would compile
    the package again (about 0.1 s), a cost no installed copy has.
    """
    import compileall

    import opedexport

    compileall.compile_dir(Path(opedexport.__file__).parent, quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=100, help="articles in case b")
    parser.add_argument("--only", default="a,b,c,d", help="cases to run, comma-separated")
    args = parser.parse_args(argv)
    if not shutil.which("pandoc"):
        raise SystemExit("pandoc is not installed (apt-get install pandoc)")
    cases = set(args.only.split(","))
    precompile()
    rows: list[tuple[str, Measure, Measure]] = []
    with tempfile.TemporaryDirectory(prefix="opedexport-bench-") as tmp:
        work = Path(tmp)
        one = work / "one" / "article.md"
        one.parent.mkdir()
        make_article(one, 0)
        batch_dir = work / "batch"
        batch_dir.mkdir()
        batch = [batch_dir / f"article-{i:03d}.md" for i in range(args.batch)]
        for i, path in enumerate(batch):
            make_article(path, i + 1)
        long = work / "long" / "long.md"
        long.parent.mkdir()
        make_article(long, 9999, paragraphs=330)  # about 50 A4 pages

        print(versions())
        if "a" in cases:
            rows.append(
                (
                    "(a) one article, PDF+EPUB+DOCX",
                    *case(
                        "a",
                        args.rounds,
                        lambda out: [opedexport_cmd([one], out, "pdf,epub,docx")],
                        lambda out: pandoc_cmds([one], out, ["docx", "epub", "pdf"]),
                        work,
                    ),
                )
            )
        if "b" in cases:
            rows.append(
                (
                    f"(b) {args.batch} articles, PDF+EPUB+DOCX",
                    *case(
                        "b",
                        args.rounds,
                        lambda out: [opedexport_cmd([batch_dir], out, "pdf,epub,docx")],
                        lambda out: pandoc_cmds(batch, out, ["docx", "epub", "pdf"]),
                        work,
                    ),
                )
            )
        if "c" in cases:
            rows.append(
                (
                    "(c) long article (~50 pages), PDF",
                    *case(
                        "c",
                        args.rounds,
                        lambda out: [opedexport_cmd([long], out, "pdf")],
                        lambda out: pandoc_cmds([long], out, ["pdf"]),
                        work,
                    ),
                )
            )
        if "d" in cases:
            for fmt in ("docx", "epub"):
                rows.append(
                    (
                        f"(d) one article, {fmt.upper()} only",
                        *case(
                            f"d-{fmt}",
                            args.rounds,
                            lambda out, f=fmt: [opedexport_cmd([one], out, f)],
                            lambda out, f=fmt: pandoc_cmds([one], out, [f]),
                            work,
                        ),
                    )
                )
    print()
    print(
        "| case | opedexport (median s) | pandoc (median s) | pandoc / opedexport "
        "| peak RSS opedexport | peak RSS pandoc |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, mine, pandoc in rows:
        ratio = pandoc.median / mine.median
        print(
            f"| {label} | {mine.median:.3f} | {pandoc.median:.3f} | {ratio:.2f} | "
            f"{mine.peak_kib / 1024:.0f} MiB | {pandoc.peak_kib / 1024:.0f} MiB |"
        )
    print(f"\n{args.rounds} round(s), alternating; RSS is the largest single process of each tool.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
