#!/usr/bin/env python3
"""Load on ``opedexport serve``: N requests of one article (pdf,epub,docx) at a concurrency, on loopback,
beside pandoc's three commands for the same article, measured in the same run.

Run by hand, not in CI (needs the ``serve`` extra, httpx and pandoc with WeasyPrint)::

    python benchmarks/serve.py                         # 200 requests, 8 at a time, one worker per core
    python benchmarks/serve.py --requests 50 --workers 2 --pandoc-rounds 3

Reports failures, median and 95th-percentile latency, throughput (articles/s), and pandoc's median time
for ``pandoc -o X.pdf --pdf-engine=weasyprint``, ``-o X.epub`` and ``-o X.docx`` run one after another.
Targets: no failure; median latency at most a sixth of pandoc's three commands; 12 articles/s or more.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "source" / "000_ed708197f1b9d573.txt"


def start_server(workers: int) -> tuple[subprocess.Popen[str], str]:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "opedexport", "serve", "--port", "0", "--workers", str(workers), "--queue", "64"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
        cwd=ROOT,
    )
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


async def load(url: str, requests: int, concurrency: int, formats: str) -> tuple[list[float], int, float]:
    data = SAMPLE.read_bytes()
    limit = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures = 0
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=httpx.Limits(max_connections=concurrency)) as c:

        async def one() -> None:
            nonlocal failures
            async with limit:
                started = time.perf_counter()
                try:
                    r = await c.post("/v1/export", params={"formats": formats}, files={"file": (SAMPLE.name, data)})
                    ok = r.status_code == 200 and r.content[:2] == b"PK"
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - started)
                failures += not ok

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(requests)))
        wall = time.perf_counter() - started
    return latencies, failures, wall


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


def pandoc_three(rounds: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory(prefix="opedexport-bench-") as tmp:
        for _ in range(rounds):
            started = time.perf_counter()
            for fmt in ("pdf", "epub", "docx"):
                cmd = ["pandoc", "-f", "markdown", str(SAMPLE), "-s", "-o", f"{tmp}/out.{fmt}"]
                if fmt == "pdf":
                    cmd.append("--pdf-engine=weasyprint")
                subprocess.run(cmd, check=True, capture_output=True)
            times.append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--formats", default="pdf,epub,docx")
    parser.add_argument("--pandoc-rounds", type=int, default=5)
    args = parser.parse_args()

    print(f"machine: {platform.platform()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    proc, url = start_server(args.workers)
    try:
        asyncio.run(load(url, 2 * args.workers, args.workers, args.formats))  # every worker has rendered once
        server_before, workers_before = cpu_seconds(proc.pid)
        latencies, failures, wall = asyncio.run(load(url, args.requests, args.concurrency, args.formats))
        server_after, workers_after = cpu_seconds(proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    pandoc = pandoc_three(args.pandoc_rounds)

    latencies.sort()
    median = statistics.median(latencies)
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    pandoc_median = statistics.median(pandoc)
    throughput = args.requests / wall
    print(
        f"opedexport serve: {args.requests} requests ({args.formats}), {args.concurrency} at a time, "
        f"{args.workers} workers"
    )
    print("| measure | value | target |")
    print("| --- | --- | --- |")
    print(f"| failures | {failures} | 0 |")
    print(f"| median latency | {median * 1000:.0f} ms | ≤ {pandoc_median / 6 * 1000:.0f} ms (pandoc / 6) |")
    print(f"| 95th-percentile latency | {p95 * 1000:.0f} ms | |")
    print(f"| throughput | {throughput:.1f} articles/s | ≥ 12 |")
    print(f"| pandoc, three commands (median of {len(pandoc)}) | {pandoc_median * 1000:.0f} ms | |")
    print(f"| pandoc / opedexport median latency | {pandoc_median / median:.1f}× | ≥ 6× |")
    print(
        f"CPU per request: server {(server_after - server_before) / args.requests * 1000:.0f} ms, "
        f"workers {(workers_after - workers_before) / args.requests * 1000:.0f} ms"
    )
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
