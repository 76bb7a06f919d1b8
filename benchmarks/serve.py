#!/usr/bin/env python3
"""Load on ``opedexport serve`` beside pandoc's three commands for the same article, in the same run.

Two rows, each N requests (all three formats) at a concurrency, on loopback, against one server:

- **same article** (issue 18's benchmark): N identical requests of the sample. The first is
  worked on; the rest are answered from the server's answer cache (or share the first's job), as
  a CMS that posts an article on every save, preview and download is.
- **cold**: N different articles (the sample with a paragraph of its own per request), so the
  cache never answers: the throughput of fresh work.

Run by hand, not in CI (needs the ``serve`` extra, httpx and pandoc with WeasyPrint)::

    python benchmarks/serve.py                           # 200 + 200 requests, 8 at a time, one worker per core
    python benchmarks/serve.py --requests 50 --rows cold --pandoc-rounds 3
    python benchmarks/serve.py --cache-mb 0              # the same-article row without the cache

Reports per row: failures, median and 95th-percentile latency, throughput (articles/s), the
ratio of pandoc's median to the median latency, the server's and the workers' CPU per request,
and how the answers were had (hit, miss, shared); and pandoc's median time for
``pandoc -o X.pdf --pdf-engine=weasyprint``, ``-o X.epub`` and ``-o X.docx`` run one after another.
Issue 18's targets (on the same-article row): no failure; median latency at most a sixth of
pandoc's three commands; 12 articles/s or more. Exits 1 when any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import platform
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source" / "nato-diplomasi-pertahanan.md"
ROWS = ("same", "cold")


def start_server(workers: int, cache_mb: float | None) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    cmd = [sys.executable, "-m", "opedexport", "serve", "--port", "0", "--workers", str(workers), "--queue", "64"]
    if cache_mb is not None:
        cmd += ["--cache-mb", str(cache_mb)]
    proc = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env, cwd=ROOT)
    assert proc.stderr is not None
    first = proc.stderr.readline()
    url = f"http://127.0.0.1:{json.loads(first)['port']}"
    # the access log is not needed here: drain it so the server never blocks on a full pipe
    drain = subprocess.Popen(["cat"], stdin=proc.stderr, stdout=subprocess.DEVNULL)
    del drain
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/healthz", timeout=5).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not become ready in 120 s")


@dataclass
class Row:
    """One row's measurements."""

    name: str
    requests: int
    latencies: list[float] = field(default_factory=list)
    failures: int = 0
    wall: float = 0.0
    server_cpu: float = 0.0
    workers_cpu: float = 0.0
    how: collections.Counter[str] = field(default_factory=collections.Counter)

    @property
    def median(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p95(self) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]

    @property
    def throughput(self) -> float:
        return self.requests / self.wall


def variant(data: bytes, tag: str) -> bytes:
    """The sample with a closing paragraph of its own: bytes the server has not seen."""
    return data + f"\n\nThis copy is request {tag}.\n".encode()


async def load(url: str, bodies: list[bytes], name: str, concurrency: int, formats: str, row: Row) -> None:
    limit = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=httpx.Limits(max_connections=concurrency)) as c:

        async def one(data: bytes) -> None:
            async with limit:
                started = time.perf_counter()
                try:
                    r = await c.post("/v1/export", params={"formats": formats}, files={"file": (name, data)})
                    ok = r.status_code == 200 and (r.content[:2] == b"PK" or r.content[:5] == b"%PDF-")
                    row.how[r.headers.get("x-opedexport-cache", "off")] += 1
                except httpx.HTTPError:
                    ok = False
                row.latencies.append(time.perf_counter() - started)
                row.failures += not ok

        started = time.perf_counter()
        await asyncio.gather(*(one(data) for data in bodies))
        row.wall = time.perf_counter() - started


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by ``pid`` itself and by its live children (from /proc)."""
    tick = os.sysconf("SC_CLK_TCK")

    def own(p: int) -> float:
        fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick

    kids = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    kids += own(int(entry.name))
            except (OSError, ValueError):
                continue
    return own(pid), kids


def pandoc_three(source: Path, rounds: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory(prefix="opedexport-bench-") as tmp:
        for _ in range(rounds):
            started = time.perf_counter()
            for fmt in ("pdf", "epub", "docx"):
                cmd = ["pandoc", "-f", "markdown", str(source), "-s", "-o", f"{tmp}/out.{fmt}"]
                if fmt == "pdf":
                    cmd.append("--pdf-engine=weasyprint")
                subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="requests per row (default 200)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at once (default 8)")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="the server's worker processes (default: cores)"
    )
    parser.add_argument("--formats", default="pdf,epub,docx", help="formats per request (default pdf,epub,docx)")
    parser.add_argument(
        "--rows", default=",".join(ROWS), help="which rows, in order: same, cold or both (default same,cold)"
    )
    parser.add_argument(
        "--cache-mb", type=float, default=None, help="the server's --cache-mb (default: the server's default)"
    )
    parser.add_argument("--source", type=Path, default=SAMPLE, help=f"the article (default {SAMPLE.relative_to(ROOT)})")
    parser.add_argument("--pandoc-rounds", type=int, default=5, help="runs of pandoc's three commands (default 5)")
    args = parser.parse_args()
    rows = [r.strip() for r in args.rows.split(",") if r.strip()]
    if not rows or set(rows) - set(ROWS):
        parser.error(f"--rows takes same, cold or both, not {args.rows!r}")

    data = args.source.read_bytes()
    nonce = secrets.token_hex(4)  # this run's articles are new to the server, whatever ran before
    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    proc, url = start_server(args.workers, args.cache_mb)
    results: list[Row] = []
    try:
        # every worker has rendered once (with other bytes than the rows', so the same-article row's first is new)
        warm = Row("warm", 2 * args.workers)
        bodies = [variant(data, f"warm-{nonce}-{i}") for i in range(warm.requests)]
        asyncio.run(load(url, bodies, args.source.name, args.workers, args.formats, warm))
        for name in rows:
            row = Row(name, args.requests)
            if name == "same":
                bodies = [data] * args.requests
            else:
                bodies = [variant(data, f"{nonce}-{i}") for i in range(args.requests)]
            server_before, workers_before = cpu_seconds(proc.pid)
            asyncio.run(load(url, bodies, args.source.name, args.concurrency, args.formats, row))
            server_after, workers_after = cpu_seconds(proc.pid)
            row.server_cpu = (server_after - server_before) / args.requests
            row.workers_cpu = (workers_after - workers_before) / args.requests
            results.append(row)
        stats = httpx.get(url + "/healthz", timeout=5).json()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    pandoc = statistics.median(pandoc_three(args.source, args.pandoc_rounds))

    titles = {"same": "same article (issue 18)", "cold": "cold: every article new"}
    print(
        f"opedexport serve: {args.requests} requests per row ({args.formats}) of {args.source.name}, "
        f"{args.concurrency} at a time, {args.workers} workers, cache {stats['cache']['max_bytes'] / 2**20:g} MB"
    )
    print(
        "| row | failures | median | p95 | throughput | pandoc ÷ median | CPU per request (server + workers) "
        "| answers |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for row in results:
        answers = ", ".join(f"{k} {v}" for k, v in sorted(row.how.items()))
        print(
            f"| {titles[row.name]} | {row.failures} | {row.median * 1000:.0f} ms | {row.p95 * 1000:.0f} ms "
            f"| {row.throughput:.1f} articles/s | {pandoc / row.median:.1f}× "
            f"| {row.server_cpu * 1000:.1f} + {row.workers_cpu * 1000:.0f} ms | {answers} |"
        )
    print(f"| pandoc, three commands (median of {args.pandoc_rounds}) | | {pandoc * 1000:.0f} ms | | | 1.0× | | |")
    print(f"targets: no failure; median ≤ pandoc / 6 = {pandoc / 6 * 1000:.0f} ms; throughput ≥ 12 articles/s")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 1 if any(row.failures for row in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
