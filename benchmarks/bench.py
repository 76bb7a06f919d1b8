#!/usr/bin/env python3
"""Side-by-side benchmark: opedexport against pandoc, on the same generated inputs, in one run (issue 19).

Run by hand, not in CI::

    python benchmarks/bench.py                        # 5 rounds, every case, memory over 1,000 articles
    python benchmarks/bench.py --long-rounds 3 --memory-count 200   # quicker

Inputs: a feature article (headings, a figure, two notes, a quote, two lists), 60 copies with their
own titles, and a 40-article anthology. pandoc makes its PDFs through WeasyPrint, as opedexport does.

  a  one article, PDF+EPUB+DOCX, one command (pandoc: three commands)
  b  --batch articles, PDF+EPUB+DOCX, one batch command (pandoc: three commands each)
  c  an anthology of --anthology articles to one PDF (opedexport collection; pandoc: the files into
     one PDF with --toc)
  d  DOCX only, one article, against the floor: ``python -c`` importing python-docx and saving a
     document (the least any Python DOCX tool can cost)
  mem  peak RSS of one article in all formats; of an anthology of 100 articles; and a batch of
     --memory-count articles through benchmarks/batch_memory.py (flat is the goal)

Each timed case alternates the tools round by round and reports the median wall time and the ratio
(pandoc / opedexport: > 1 means opedexport is faster; for d, opedexport / floor: ≤ 1.3 is the goal).
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


FIGURE = REPO / "tests" / "data" / "images" / "chart.png"


def make_article(path: Path, index: int, *, paragraphs: int = 6, seed: int = 0) -> None:
    """A feature article: own title, headings, a figure, two notes, a quote and two lists.

    The figure is copied next to the Markdown, so both tools read the same image from the same place.
    """
    rng = random.Random(seed * 1000 + index)
    body = [paragraph(rng, 70) for _ in range(paragraphs)]
    figure = path.parent / "chart.png"
    if not figure.exists():
        shutil.copyfile(FIGURE, figure)
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
        if i == 3:
            text += "[^2]"
        parts += [text, ""]
        if i == 1:
            parts += [
                "![Anggaran pertahanan kawasan, 2015-2024](chart.png)",
                "",
                "> " + paragraph(rng, 30),
                "> — Cottey dan Forster",
                "",
            ]
        if i == 2:
            parts += [f"- {paragraph(rng, 8)}" for _ in range(4)] + [""]
            parts += [f"{n}. {paragraph(rng, 10)}" for n in range(1, 4)] + [""]
    parts += [
        "[^1]: Cottey dan Forster (2004), *Reshaping Defence Diplomacy*.",
        "[^2]: " + paragraph(rng, 20),
        "",
    ]
    path.write_text("\n".join(parts), encoding="utf-8")


def opedexport_cmd(inputs: Sequence[Path], out: Path, formats: str) -> list[str]:
    return [sys.executable, "-m", "opedexport", "build", *map(str, inputs), "--out", str(out), "--format", formats]


def pandoc_cmds(inputs: Sequence[Path], out: Path, formats: Sequence[str]) -> list[list[str]]:
    cmds = []
    for path in inputs:
        for fmt in formats:
            target = out / f"{path.stem}.{fmt}"
            cmd = ["pandoc", str(path), "-s", "-o", str(target), f"--resource-path={path.parent}"]
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
    other: str = "pandoc",
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
        line = f"opedexport {mine.times[-1]:.2f} s, {other} {pandoc.times[-1]:.2f} s"
        print(f"  {name} round {r + 1}: {line}", flush=True)
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


def write_manifest(path: Path, articles: Sequence[Path]) -> None:
    """A collection manifest naming ``articles`` (relative to it) in two parts."""
    half = len(articles) // 2
    lines = ['title: "Antologi Opini"', "lang: id", "parts:"]
    for title, part in (("Bagian Satu", articles[:half]), ("Bagian Dua", articles[half:])):
        lines += [f'  - title: "{title}"', "    articles:"]
        lines += [f"      - {a.relative_to(path.parent)}" for a in part]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def collection_cmd(manifest: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "opedexport", "collection", str(manifest), "--out", str(out), "--format", "pdf"]


def pandoc_book(inputs: Sequence[Path], out: Path) -> list[list[str]]:
    return [
        [
            "pandoc",
            *map(str, inputs),
            "-s",
            "--toc",
            f"--resource-path={inputs[0].parent}",
            "--pdf-engine=weasyprint",
            "-o",
            str(out / "book.pdf"),
        ]
    ]


def floor_cmd(out: Path) -> list[str]:
    """The floor of case d: import python-docx and save an empty document."""
    return [sys.executable, "-c", f"import docx; docx.Document().save({str(out / 'floor.docx')!r})"]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--long-rounds", type=int, help="rounds of the long cases b and c (default: --rounds)")
    parser.add_argument("--batch", type=int, default=60, help="articles in case b")
    parser.add_argument("--anthology", type=int, default=40, help="articles in case c")
    parser.add_argument("--memory-count", type=int, default=1000, help="articles in the batch memory run")
    parser.add_argument("--memory-anthology", type=int, default=100, help="articles in the anthology memory run")
    parser.add_argument("--only", default="a,b,c,d,mem", help="cases to run, comma-separated")
    args = parser.parse_args(argv)
    if not shutil.which("pandoc"):
        raise SystemExit("pandoc is not installed (apt-get install pandoc)")
    cases = set(args.only.split(","))
    long_rounds = args.long_rounds or args.rounds
    precompile()
    rows: list[tuple[str, Measure, Measure, str]] = []
    memory: list[tuple[str, str]] = []
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

        def anthology(count: int) -> tuple[Path, list[Path]]:
            folder = work / f"anthology-{count}"
            (folder / "articles").mkdir(parents=True, exist_ok=True)
            articles = [folder / "articles" / f"{i:03d}.md" for i in range(count)]
            for i, path in enumerate(articles):
                make_article(path, i + 1, seed=count)
            manifest = folder / "manifest.yaml"
            write_manifest(manifest, articles)
            return manifest, articles

        print(versions())
        if "a" in cases:
            mine, theirs = case(
                "a",
                args.rounds,
                lambda out: [opedexport_cmd([one], out, "pdf,epub,docx")],
                lambda out: pandoc_cmds([one], out, ["docx", "epub", "pdf"]),
                work,
            )
            rows.append(("(a) one article, PDF+EPUB+DOCX, one command", mine, theirs, "≥ 1.25"))
            memory.append(("one article, PDF+EPUB+DOCX (largest process)", f"{mine.peak_kib / 1024:.0f} MiB"))
        if "b" in cases:
            mine, theirs = case(
                "b",
                long_rounds,
                lambda out: [opedexport_cmd([batch_dir], out, "pdf,epub,docx")],
                lambda out: pandoc_cmds(batch, out, ["docx", "epub", "pdf"]),
                work,
            )
            rows.append((f"(b) {args.batch} articles, PDF+EPUB+DOCX, one batch command", mine, theirs, "≥ 15"))
        if "c" in cases:
            manifest, articles = anthology(args.anthology)
            mine, theirs = case(
                "c",
                long_rounds,
                lambda out: [collection_cmd(manifest, out)],
                lambda out: pandoc_book(articles, out),
                work,
            )
            rows.append((f"(c) anthology of {args.anthology} articles, one PDF with contents", mine, theirs, "≥ 1.5"))
        if "d" in cases:
            mine, floor = case(
                "d",
                args.rounds,
                lambda out: [opedexport_cmd([one], out, "docx")],
                lambda out: [floor_cmd(out)],
                work,
                "floor",
            )
            rows.append(("(d) DOCX only, one article; reference: the python-docx floor", mine, floor, "≤ 1.3 × floor"))
        if "mem" in cases:
            manifest, _ = anthology(args.memory_anthology)
            out = work / "out-mem-anthology"
            out.mkdir()
            elapsed, peak = run([collection_cmd(manifest, out)], work)
            label = f"anthology of {args.memory_anthology} articles, PDF ({elapsed:.1f} s)"
            memory.append((label, f"{peak / 1024:.0f} MiB"))
            if "a" not in cases:
                out = work / "out-mem-one"
                out.mkdir()
                _, peak = run([opedexport_cmd([one], out, "pdf,epub,docx")], work)
                memory.append(("one article, PDF+EPUB+DOCX (largest process)", f"{peak / 1024:.0f} MiB"))
    print()
    print("| case | opedexport (median s) | pandoc / reference (median s) | ratio | target |")
    print("| --- | ---: | ---: | ---: | --- |")
    for label, mine, other, target in rows:
        ratio = mine.median / other.median if label.startswith("(d)") else other.median / mine.median
        shown = f"{ratio:.2f} × floor" if label.startswith("(d)") else f"{ratio:.2f}"
        print(f"| {label} | {mine.median:.3f} | {other.median:.3f} | {shown} | {target} |")
    if rows:
        print(
            f"\n{args.rounds} round(s) of a and d, {long_rounds} of b and c, alternating; "
            "ratio = pandoc / opedexport, except (d): opedexport / floor."
        )
    if memory:
        print("\n| memory | peak RSS |")
        print("| --- | ---: |")
        for label, value in memory:
            print(f"| {label} | {value} |")
        print("(targets: one article ≤ 120 MiB; anthology of 100 within 1 GiB)")
    if "mem" in cases:
        print(f"\nbatch memory over {args.memory_count} articles (benchmarks/batch_memory.py):", flush=True)
        script = Path(__file__).resolve().parent / "batch_memory.py"
        subprocess.run([sys.executable, str(script), "--count", str(args.memory_count)], check=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
