#!/usr/bin/env python3
"""How well the readers find an article's body on real pages: the Zyte article extraction benchmark.

The corpus (181 real news and blog pages, each with a human-made ``articleBody``) is not part of the
repository: it is read from ``../shared/corpora/zyte-article-extraction-benchmark.tar.xz`` beside the
repository (the folders above it are searched too), or from ``--corpus PATH``. It is unpacked into a
temporary folder and scored with the benchmark's own ``evaluate.py``, imported from there unchanged
(4-gram shingle precision, recall and F1 per page, averaged).

Run by hand, not in CI (the anchors are in the ``bench`` extra: ``pip install -e .[bench]``)::

    PYTHONPATH=src python3 benchmarks/extraction.py                  # every row
    PYTHONPATH=src python3 benchmarks/extraction.py --only html      # the HTML reader alone
    PYTHONPATH=src python3 benchmarks/extraction.py --only text --jobs 2
    PYTHONPATH=src python3 benchmarks/extraction.py --only anchors   # trafilatura, readability, jusText …
    PYTHONPATH=src python3 benchmarks/extraction.py --only html --worst 10   # and the 10 worst pages
    PYTHONPATH=src python3 benchmarks/extraction.py --only text --half tune  # one half of the pages

Tuning on half the pages: ``--half tune`` scores the pages at even positions of the sorted page
ids, ``--half check`` those at odd positions. Decide changes on the TUNE half's predictions only;
a change that helps TUNE but not CHECK is fitted to pages, not to a kind of problem.

Rows:

- ``html reader``: opedexport's HTML reader on the saved page;
- ``trafilatura``, ``readability-lxml``: the same saved page;
- ``text reader``: opedexport's text reader on the page as copied from a browser, made with
  ``html_text.extract_text(page, guess_layout=True)`` (PyPI ``html-text``);
- ``copied text``: that copied text untouched;
- ``justext``: jusText on the copied text, one paragraph a line.

Each reader runs in-process (in a worker process with ``--jobs`` over 1) with a time limit per page;
an exception, a time-out or an empty result is a failure, scored as an empty prediction (F1 0).
The body text of an article is :func:`body_text`: headings, paragraphs, quotes, list items, table
cells and footnote texts, one block a line.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import multiprocessing
import signal
import sys
import tarfile
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPUS_NAME = "zyte-article-extraction-benchmark.tar.xz"

if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from opedexport.model import (  # noqa: E402
    Article,
    Block,
    BlockQuote,
    Emph,
    Heading,
    Inline,
    Link,
    ListBlock,
    Note,
    Paragraph,
    PullQuote,
    Strong,
    Table,
    plain_text,
)

# --------------------------------------------------------------------------- the body text of an article


def _notes(inlines: tuple[Inline, ...]) -> Iterator[Note]:
    for node in inlines:
        if isinstance(node, Note):
            yield node
        elif isinstance(node, (Emph, Strong, Link)):
            yield from _notes(node.children)


def _block_lines(block: Block) -> Iterator[str]:
    """The lines of one block, then the texts of the footnotes it calls."""
    inlines: list[tuple[Inline, ...]] = []
    if isinstance(block, (Paragraph, Heading)):
        inlines = [block.children]
    elif isinstance(block, PullQuote):
        inlines = [block.children, block.attribution]
    elif isinstance(block, BlockQuote):
        for inner in block.blocks:
            yield from _block_lines(inner)
        inlines = [block.attribution]
    elif isinstance(block, ListBlock):
        for item in block.items:
            for inner in item:
                yield from _block_lines(inner)
    elif isinstance(block, Table):
        inlines = [cell for row in (block.header, *block.rows) for cell in row]
    for part in inlines:
        if text := " ".join(plain_text(part).split()):
            yield text
        for note in _notes(part):
            for inner in note.blocks:
                yield from _block_lines(inner)


def body_text(article: Article) -> str:
    """The body text of ``article``: headings, paragraphs, quotes, list items, table cells, footnote texts.

    One block (or table cell) a line; a footnote's text follows the block that calls it. Figures
    (captions, credits) and rules are left out, as the benchmark's ``articleBody`` leaves them out.
    """
    return "\n".join(line for block in article.body for line in _block_lines(block))


# --------------------------------------------------------------------------- the extractors


def _decode(page: bytes) -> str:
    return page.decode("utf-8", errors="replace")


def copied_text(page: bytes) -> str:
    """The page as a browser's select-all-and-copy gives it (``html_text``, one line per block)."""
    import html_text

    return str(html_text.extract_text(_decode(page), guess_layout=True))


def run_html(page: bytes) -> str:
    """Opedexport's HTML reader on the saved page."""
    from opedexport.readers.base import Source
    from opedexport.readers.html import HtmlReader

    return body_text(HtmlReader().read(Source(page)).article)


def run_text(page: bytes) -> str:
    """Opedexport's text reader on the copied text."""
    from opedexport.readers.base import Source
    from opedexport.readers.text import TextReader

    return body_text(TextReader().read(Source(copied_text(page).encode("utf-8"))).article)


def run_copied(page: bytes) -> str:
    """The copied text, untouched."""
    return copied_text(page)


def run_trafilatura(page: bytes) -> str:
    import trafilatura

    return trafilatura.extract(page) or ""


def run_readability(page: bytes) -> str:
    import lxml.html
    from readability import Document

    summary = Document(_decode(page)).summary(html_partial=True)
    tree = lxml.html.fragment_fromstring(summary, create_parent="div")
    blocks = "p h1 h2 h3 h4 h5 h6 li td th pre blockquote div".split()
    for el in tree.iter(*blocks):
        el.tail = "\n" + (el.tail or "")
    return "\n".join(" ".join(line.split()) for line in tree.text_content().split("\n") if line.strip())


_STOPLISTS: dict[str, frozenset[str]] = {}


def run_justext(page: bytes) -> str:
    """JusText on the copied text, one paragraph a line, with the stop list that fits the text best."""
    import html

    import justext

    text = copied_text(page)
    if not _STOPLISTS:
        for name in justext.get_stoplists():
            _STOPLISTS[name] = frozenset(justext.get_stoplist(name))
    words = [w.lower() for w in text.split()]
    language = max(_STOPLISTS, key=lambda name: sum(w in _STOPLISTS[name] for w in words))
    markup = "<html><body>" + "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines()) + "</body></html>"
    paragraphs = justext.justext(markup, _STOPLISTS[language])
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


ROWS: dict[str, tuple[str, Callable[[bytes], str]]] = {
    "html": ("html reader (saved page)", run_html),
    "trafilatura": ("trafilatura (saved page)", run_trafilatura),
    "readability": ("readability-lxml (saved page)", run_readability),
    "text": ("text reader (copied text)", run_text),
    "copied": ("copied text, untouched", run_copied),
    "justext": ("jusText (copied text)", run_justext),
}
GROUPS = {
    "html": ["html"],
    "text": ["text"],
    "anchors": ["trafilatura", "readability", "copied", "justext"],
    "all": list(ROWS),
}

# --------------------------------------------------------------------------- running


class _Timeout(Exception):
    pass


def _alarm(_signum: int, _frame: FrameType | None) -> None:
    raise _Timeout


def _one(job: tuple[str, str, Path, float]) -> tuple[str, str, str, str]:
    """Run one extractor on one page: (row, page id, prediction, failure or "")."""
    row, key, path, limit = job
    page = gzip.decompress(path.read_bytes())
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = ROWS[row][1](page)
    except _Timeout:
        return row, key, "", f"timed out after {limit:g} s"
    except Exception as exc:
        return row, key, "", f"{type(exc).__name__}: {str(exc)[:200]}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    if not text.strip():
        return row, key, "", "empty result"
    return row, key, text, ""


def find_corpus(given: Path | None) -> Path:
    """The corpus archive: ``given``, else ``shared/corpora/`` beside the repository or a folder above it."""
    if given is not None:
        return given
    for folder in (ROOT, *ROOT.parents):
        candidate = folder.parent / "shared" / "corpora" / CORPUS_NAME
        if candidate.is_file():
            return candidate
    raise SystemExit(f"corpus not found: give --corpus PATH to {CORPUS_NAME}")


def unpack(archive: Path, into: Path) -> Path:
    """Unpack the archive; return the folder holding ``evaluate.py``."""
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    found = next(into.rglob("evaluate.py"), None)
    if found is None:
        raise SystemExit(f"{archive}: no evaluate.py inside")
    return found.parent


def load_evaluate(folder: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("zyte_evaluate", folder / "evaluate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--corpus", type=Path, help=f"path to {CORPUS_NAME}")
    parser.add_argument("--only", choices=sorted(GROUPS), default="all", help="which rows (default: all)")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per page and extractor (default 30)")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of each row")
    parser.add_argument("--failures", action="store_true", help="list each failure")
    parser.add_argument("--page", action="append", default=[], help="only this page id (prefix); repeatable")
    parser.add_argument("--dump", type=Path, help="write each row's predictions as JSON into this folder")
    parser.add_argument(
        "--half",
        choices=("tune", "check"),
        help="only the pages at even (tune) or odd (check) positions of the sorted page ids",
    )
    args = parser.parse_args(argv)

    archive = find_corpus(args.corpus)
    with tempfile.TemporaryDirectory(prefix="zyte-") as tmp:
        folder = unpack(archive, Path(tmp))
        evaluate = load_evaluate(folder)
        truth: dict[str, dict[str, Any]] = evaluate.load_json(folder / "ground-truth.json")
        if args.page:
            truth = {k: v for k, v in truth.items() if any(k.startswith(p) for p in args.page)}
        if args.half:
            parity = 0 if args.half == "tune" else 1
            truth = {k: truth[k] for n, k in enumerate(sorted(truth)) if n % 2 == parity}
        rows = GROUPS[args.only]
        jobs = [(row, key, folder / "html" / f"{key}.html.gz", args.timeout) for row in rows for key in truth]
        started = time.monotonic()
        if args.jobs > 1:
            with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
                results = pool.map(_one, jobs, chunksize=4)
        else:
            results = [_one(job) for job in jobs]
        elapsed = time.monotonic() - started

        predictions: dict[str, dict[str, dict[str, str]]] = {row: {} for row in rows}
        failures: dict[str, list[tuple[str, str]]] = {row: [] for row in rows}
        for row, key, text, failure in results:
            predictions[row][key] = {"articleBody": text}
            if failure:
                failures[row].append((key, failure))

        print(f"{len(truth)} pages, {elapsed:.0f} s")
        print(f"{'':<32} {'P':>6} {'R':>6} {'F1':>6} {'failures':>9}")
        for row in rows:
            tp_fp_fns = [
                evaluate.string_shingle_matching(
                    true=truth[k].get("articleBody", ""), pred=predictions[row][k]["articleBody"]
                )
                for k in truth
            ]
            m = evaluate.metrics_from_tp_fp_fns(tp_fp_fns)
            label = ROWS[row][0]
            print(f"{label:<32} {m['precision']:>6.3f} {m['recall']:>6.3f} {m['f1']:>6.3f} {len(failures[row]):>9}")
            if args.failures:
                for key, failure in failures[row]:
                    print(f"    {key[:12]} {failure}")
            if args.worst:
                scored = []
                for k, (tp, fp, fn) in zip(truth, tp_fp_fns, strict=True):
                    p = evaluate.precision_score(tp, fp, fn)
                    r = evaluate.recall_score(tp, fp, fn)
                    scored.append((2 * p * r / (p + r) if p + r else 0.0, p, r, k))
                for f1, p, r, k in sorted(scored)[: args.worst]:
                    print(f"    {k[:12]} F1 {f1:.3f} P {p:.3f} R {r:.3f}  {truth[k].get('url', '')}")
            if args.dump:
                args.dump.mkdir(parents=True, exist_ok=True)
                (args.dump / f"{row}.json").write_text(json.dumps(predictions[row], ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
