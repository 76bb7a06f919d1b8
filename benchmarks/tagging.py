#!/usr/bin/env python3
"""What tagging a PDF costs: the same articles laid out tagged (``pdf/ua-1``, the default) and untagged
(``plain``), warm, in one process, alternating round by round.

Run by hand, not in CI::

    python benchmarks/tagging.py              # 7 rounds
    python benchmarks/tagging.py --rounds 3

It prints, for the sample and for a feature article (figure, notes, a quote, lists and a table), the median
time and size of each variant and the ratio tagged/plain.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))  # the feature article the tests use

import opedexport  # noqa: E402
from conftest import feature_article  # noqa: E402


def articles(folder: Path) -> dict[str, opedexport.Article]:
    """The sample and the feature article with a real figure beside it."""
    images = folder / "images"
    images.mkdir()
    (images / "chart.png").write_bytes((REPO / "tests" / "data" / "images" / "chart.png").read_bytes())
    return {
        "sample": opedexport.read(REPO / "source" / "000_ed708197f1b9d573.txt"),
        "feature": feature_article("en", folder),
    }


def measure(article: opedexport.Article, variant: str) -> tuple[float, int]:
    """Seconds and bytes of one PDF export."""
    start = time.perf_counter()
    data = opedexport.export_bytes(article, "pdf", pdf_variant=variant)
    return time.perf_counter() - start, len(data)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        docs = articles(Path(tmp))
        variants = ("pdf/ua-1", "plain")
        for article in docs.values():  # warm: WeasyPrint, fonts, hyphenation
            for variant in variants:
                measure(article, variant)
        print(f"{'article':<10} {'variant':<9} {'median':>9} {'size':>9}")
        for name, article in docs.items():
            times: dict[str, list[float]] = {v: [] for v in variants}
            sizes: dict[str, int] = {}
            for round_ in range(args.rounds):
                for variant in variants if round_ % 2 == 0 else variants[::-1]:
                    seconds, size = measure(article, variant)
                    times[variant].append(seconds)
                    sizes[variant] = size
            medians = {v: statistics.median(t) for v, t in times.items()}
            for variant in variants:
                print(f"{name:<10} {variant:<9} {medians[variant] * 1000:7.0f} ms {sizes[variant] / 1024:6.0f} KiB")
            print(f"{name:<10} tagged/plain: {medians['pdf/ua-1'] / medians['plain']:.2f}× the time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
