#!/usr/bin/env python3
"""Peak memory of the worst input shapes the limits accept, each built to PDF, EPUB and DOCX.

Run by hand, not in CI (the full run takes many minutes)::

    python benchmarks/worst_shapes.py                     # every shape at its limit, every format
    python benchmarks/worst_shapes.py --shape table --format pdf
    python benchmarks/worst_shapes.py --scale 0.1         # a tenth of each limit, to see the slope

Each (shape, format) pair is read and exported in a fresh subprocess, without a time limit, and its
peak RSS is taken from ``wait4``, so one build's memory does not hide in another's. The shapes:

table
    one Markdown table of ``MAX_TABLE_CELLS`` cells, 20 columns wide.
notes
    ``MAX_NOTES`` paragraphs, each with its own footnote.
text
    a plain-text file of ``MAX_TEXT_BYTES`` bytes (or ``MAX_TEXT_CHARS`` characters, the smaller) in
    paragraphs of about 500 bytes.
blocks
    ``MAX_BLOCKS`` short Markdown paragraphs with some emphasis and links, within ``MAX_TEXT_BYTES``.
combined
    all of the above in one Markdown file: a table at the cell limit, notes at the note limit, and
    paragraphs up to the block and text limits.
html
    a saved page of ``MAX_MARKUP_BYTES``: an article of ``MAX_BLOCKS`` short paragraphs in page chrome of
    many small elements (what costs memory to parse).
docx
    a DOCX of ``MAX_BLOCKS`` paragraphs of formatted runs, ``MAX_INLINES`` inline nodes in all, its
    ``word/document.xml`` near ``MAX_MARKUP_BYTES``.
manifest
    a manifest of ``MAX_MANIFEST_ENTRIES`` entries, padded with comments to ``MAX_MANIFEST_BYTES``, every
    entry naming a small article.

The goal: every line at or below 1 GiB.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHAPES = ("table", "notes", "text", "blocks", "combined", "html", "docx", "manifest")
FORMATS = ("pdf", "epub", "docx")
_WORDS = (
    "pemerintah kebijakan ekonomi tumbuh jakarta tahun depan menurut para analis dan menteri yang "
    "the government said policy growth would rise next year according to ministers"
).split()

_CHILD = """
import sys, opedexport
path, fmt, out = sys.argv[1:4]
if path.endswith(".yaml"):
    book = opedexport.load_manifest(path)
    opedexport.export_collection(book, out, format=fmt, time_limit=None)
else:
    article = opedexport.read(path)
    opedexport.export(article, out, format=fmt, time_limit=None)
"""


def _sentence(rng: random.Random, words: int = 14) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words)).capitalize() + "."


def make_input(shape: str, folder: Path, scale: float) -> Path:
    """Write the input of ``shape`` (at ``scale`` times its limit) into ``folder``; return its path."""
    from opedexport import limits

    rng = random.Random(1)
    if shape == "table":
        cols = 20
        rows = max(int(limits.MAX_TABLE_CELLS * scale) // cols - 1, 1)  # the header row counts too
        lines = ["# A table at the cell limit", ""]
        lines.append("| " + " | ".join(f"Kolom {c}" for c in range(cols)) + " |")
        lines.append("|" + " --- |" * cols)
        lines += ["| " + " | ".join(f"{rng.choice(_WORDS)} {r}.{c}" for c in range(cols)) + " |" for r in range(rows)]
        path = folder / "table.md"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif shape == "notes":
        count = max(int(limits.MAX_NOTES * scale), 1)
        lines = ["# Notes at the note limit", ""]
        lines += [f"{_sentence(rng)}[^n{i}]\n" for i in range(count)]
        lines += [f"[^n{i}]: {_sentence(rng, 8)}\n" for i in range(count)]
        path = folder / "notes.md"
        path.write_text("\n".join(lines), encoding="utf-8")
    elif shape == "text":
        budget = int(min(limits.MAX_TEXT_BYTES, limits.MAX_TEXT_CHARS) * scale) - 200
        parts = ["The largest accepted text", "By Jane Doe", ""]
        size = 0
        while True:
            paragraph = " ".join(_sentence(rng) for _ in range(5))
            if size + len(paragraph) + 2 > budget:
                break
            parts += [paragraph, ""]
            size += len(paragraph.encode("utf-8")) + 2
        path = folder / "text.txt"
        path.write_text("\n".join(parts), encoding="utf-8")
    elif shape in ("blocks", "combined"):
        budget = int(min(limits.MAX_TEXT_BYTES, limits.MAX_TEXT_CHARS) * scale) - 200
        lines = [f"# The {shape} shape", ""]
        blocks = int(limits.MAX_BLOCKS * scale) - 2
        notes: list[str] = []
        if shape == "combined":
            cols = 20
            rows = max(int(limits.MAX_TABLE_CELLS * scale) // cols - 1, 1)
            lines.append("| " + " | ".join(f"K{c}" for c in range(cols)) + " |")
            lines.append("|" + " --- |" * cols)
            lines += ["| " + " | ".join(f"{r}.{c}" for c in range(cols)) + " |" for r in range(rows)]
            lines.append("")
            blocks -= 1
            count = int(limits.MAX_NOTES * scale)
            lines += [f"{_sentence(rng, 6)}[^n{i}]\n" for i in range(count)]
            notes = [f"[^n{i}]: {_sentence(rng, 5)}\n" for i in range(count)]
            blocks -= 2 * count
        size = sum(len(x) + 1 for x in lines + notes)
        for i in range(max(blocks, 0)):
            paragraph = f"{_sentence(rng, 6)} *{_sentence(rng, 3)}* [{rng.choice(_WORDS)}](https://example.org/{i})"
            if size + len(paragraph) + 2 > budget:
                break
            lines.append(paragraph + "\n")
            size += len(paragraph) + 2
        path = folder / f"{shape}.md"
        path.write_text("\n".join(lines + notes), encoding="utf-8")
    elif shape == "html":
        budget = int(limits.MAX_MARKUP_BYTES * scale) - 1000
        blocks = int(limits.MAX_BLOCKS * scale) - 2
        body = "".join(f"<p>{_sentence(rng, 6)} <em>{rng.choice(_WORDS)}</em></p>\n" for _ in range(blocks))
        chrome = "<nav><ul>" + "<li><a href='/x'>x</a></li>" * max((budget - len(body)) // 27, 0) + "</ul></nav>"
        page = f"<html><head><title>T</title></head><body>{chrome}<article><h1>The html shape</h1>{body}</article>"
        path = folder / "page.html"
        path.write_text(page + "</body></html>", encoding="utf-8")
    elif shape == "docx":
        import docx
        from docx.shared import Pt, RGBColor

        document = docx.Document()
        document.add_heading("The docx shape", level=1)
        blocks = int(limits.MAX_BLOCKS * scale) - 2
        # bold, plain, bold, plain: 2 + 1 + 2 + 1 inline nodes, so MAX_BLOCKS paragraphs reach MAX_INLINES
        runs = max(int(limits.MAX_INLINES * scale) // max(blocks, 1) * 2 // 3, 1)
        for _ in range(blocks):
            paragraph = document.add_paragraph()
            for k in range(runs):
                run = paragraph.add_run(rng.choice(_WORDS) + " ")
                run.bold = k % 2 == 0
                run.font.name, run.font.size, run.font.color.rgb = "Georgia", Pt(11), RGBColor(0x11, 0x22, 0x33)
        path = folder / "shape.docx"
        document.save(str(path))
    elif shape == "manifest":
        entries = max(int(limits.MAX_MANIFEST_ENTRIES * scale), 1)
        articles = folder / "articles"
        articles.mkdir()
        for i in range(entries):
            body = "\n\n".join(" ".join(_sentence(rng) for _ in range(4)) for _ in range(6))
            (articles / f"a{i:04d}.md").write_text(f"# Chapter {i}\n\n{body}\n", encoding="utf-8")
        head = "title: The largest accepted manifest\narticles:\n"
        head += "".join(f"  - articles/a{i:04d}.md\n" for i in range(entries))
        pad = int(limits.MAX_MANIFEST_BYTES * scale) - len(head) - 1
        comment = "# " + "x" * 78 + "\n"
        head += comment * max(pad // len(comment), 0)
        path = folder / "book.yaml"
        path.write_text(head, encoding="utf-8")
    else:
        raise ValueError(shape)
    return path


def build(path: Path, fmt: str, out: Path) -> tuple[int, float, int, str]:
    """Build ``path`` to ``fmt`` in a subprocess; return (exit status, seconds, peak RSS in KiB, stderr tail)."""
    env = dict(os.environ)
    started = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-c", _CHILD, str(path), fmt, str(out)], stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    return proc.returncode, time.perf_counter() - started, usage.ru_maxrss, tail[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--shape", action="append", choices=SHAPES, help="only this shape (repeatable)")
    parser.add_argument("--format", action="append", choices=FORMATS, help="only this format (repeatable)")
    parser.add_argument("--scale", type=float, default=1.0, help="fraction of each limit to build (default 1)")
    args = parser.parse_args()
    print("| shape | input | format | exit | seconds | peak RSS |")
    print("| --- | ---: | --- | ---: | ---: | ---: |", flush=True)
    with tempfile.TemporaryDirectory(prefix="opedexport-worst-") as tmp:
        for shape in args.shape or SHAPES:
            folder = Path(tmp) / shape
            folder.mkdir()
            path = make_input(shape, folder, args.scale)
            size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            for fmt in args.format or FORMATS:
                code, seconds, peak, tail = build(path, fmt, folder / f"out.{fmt}")
                note = f" ({tail[:80]})" if code else ""
                cells = (
                    shape,
                    f"{size / 1024:.0f} KiB",
                    fmt,
                    f"{code}{note}",
                    f"{seconds:.1f}",
                    f"{peak / 1024:.0f} MiB",
                )
                print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
