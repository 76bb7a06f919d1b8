#!/usr/bin/env python3
"""Memory over a long batch: peak RSS of the parent and of each worker at 50, 250, 500 and 1,000 articles.

Run by hand, not in CI::

    python benchmarks/batch_memory.py              # 1,000 generated articles, PDF + EPUB + DOCX
    python benchmarks/batch_memory.py --count 100

Workers are recycled every ``opedexport.batch.TASKS_PER_WORKER`` jobs, so a worker's peak is bounded by
what that many articles cost, whatever the batch's length: flat is the goal.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import make_article

import opedexport
from opedexport.batch import TASKS_PER_WORKER, JobResult


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args()
    checkpoints = sorted({c for c in (50, 250, 500, 1000, args.count) if c <= args.count})
    with tempfile.TemporaryDirectory(prefix="opedexport-mem-") as tmp:
        inputs = Path(tmp) / "in"
        inputs.mkdir()
        for i in range(args.count):
            make_article(inputs / f"a{i:04d}.md", i)
        worker_peak: dict[int, int] = defaultdict(int)
        rows: list[tuple[int, float, int, int, int]] = []
        done = 0
        started = time.perf_counter()

        def on_result(result: JobResult) -> None:
            nonlocal done
            done += 1
            worker_peak[result.pid] = max(worker_peak[result.pid], result.peak_rss_kib)
            if done in checkpoints:
                parent = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                rows.append((done, time.perf_counter() - started, parent, max(worker_peak.values()), len(worker_peak)))

        batch = opedexport.export_many(inputs, ["pdf", "epub", "docx"], Path(tmp) / "out", on_result=on_result)
    print(f"{args.count} articles × 3 formats: {batch.written} files, {batch.failed} failed, {batch.seconds:.1f} s")
    print(f"workers recycled every {TASKS_PER_WORKER} jobs\n")
    print("| articles done | elapsed (s) | parent peak RSS | largest worker peak RSS | worker processes so far |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n, elapsed, parent, worker, procs in rows:
        print(f"| {n} | {elapsed:.1f} | {parent / 1024:.0f} MiB | {worker / 1024:.0f} MiB | {procs} |")
    return 0 if batch.failed == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
