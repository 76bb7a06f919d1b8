"""Bounds that keep a pipeline from hanging or running out of memory.

A wall-clock limit on one export (:func:`time_limit`), and the shape limits below: an input the
readers accept builds to PDF, EPUB and DOCX within about 1 GiB of memory, and anything larger is
refused up front with a :class:`~opedexport.errors.LimitError` that names the limit. The numbers come
from ``benchmarks/worst_shapes.py``: peak RSS of the PDF build (the costliest) at the defaults was
293 MiB for a table at the cell limit, 246 MiB for notes at the note limit, 314 MiB for 2 MiB of
plain text, 609 MiB for 10,000 short paragraphs, 724 MiB for all of these in one file, 475 MiB for
a 500-article manifest and 526 MiB for an 8 MiB saved page (before: 1.2 GB for a 600 KB table, and
1.06 GB for a DOCX of 140,000 runs). Each limit is a module attribute read at the time of the check,
so a program that needs more (and has the memory) raises it before reading::

    import opedexport.limits
    opedexport.limits.MAX_TABLE_CELLS = 40_000

and the command takes ``--limit MAX_TABLE_CELLS=40000``. A batch carries the values its caller has
to the processes that run its jobs (:func:`current`, :func:`using`), which start with the defaults.

The input size limit (``max_bytes`` of :func:`opedexport.read`, 20 MiB) stays what it was: it bounds
the file, images of a DOCX included; the text and markup in it are bounded by the limits below.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from .errors import LimitError

if TYPE_CHECKING:
    from .model import Article

__all__ = [
    "DEFAULT_TIME_LIMIT",
    "MAX_BLOCKS",
    "MAX_INLINES",
    "MAX_MANIFEST_BYTES",
    "MAX_MANIFEST_ENTRIES",
    "MAX_MARKUP_BYTES",
    "MAX_NESTING",
    "MAX_NOTES",
    "MAX_TABLE_CELLS",
    "MAX_TEXT_BYTES",
    "MAX_TEXT_CHARS",
    "SETTABLE",
    "check_articles",
    "current",
    "over",
    "parse_setting",
    "time_limit",
    "using",
]

#: Seconds one export may take before it is stopped (``None`` or 0 turns the limit off).
DEFAULT_TIME_LIMIT: float = 300.0

#: Bytes of a Markdown, plain-text or JSON input once decoded: parsing costs far more memory than
#: the bytes (about 150 MiB per MiB of short Markdown paragraphs).
MAX_TEXT_BYTES: int = 2 * 1024 * 1024
#: Bytes of an HTML page, or of one XML part of a DOCX (images are not counted): a page of many
#: small elements costs about 55 MiB per MiB to read.
MAX_MARKUP_BYTES: int = 8 * 1024 * 1024
#: Characters of text in one article (or one collection, all articles together), notes and cells included.
MAX_TEXT_CHARS: int = 2_000_000
#: Blocks (paragraphs, headings, list items, quotes …) at every depth, in one article or collection.
MAX_BLOCKS: int = 10_000
#: Inline nodes (runs of text, emphasis, links, notes …) in one article or collection: a PDF's layout
#: costs about 6 KiB for each.
MAX_INLINES: int = 60_000
#: Table cells, headers included, of every table of one article or collection together.
MAX_TABLE_CELLS: int = 10_000
#: Footnotes in one article or collection.
MAX_NOTES: int = 2_000
#: Inline markup (emphasis, links …) nested inside each other, plus the block nesting around it.
MAX_NESTING: int = 100
#: Bytes of a collection manifest: it names articles and holds none of their text.
MAX_MANIFEST_BYTES: int = 256 * 1024
#: Articles one manifest may name.
MAX_MANIFEST_ENTRIES: int = 500


#: The shape limits above: the names :func:`using` and the command's ``--limit`` accept.
SETTABLE: tuple[str, ...] = (
    "MAX_TEXT_BYTES",
    "MAX_MARKUP_BYTES",
    "MAX_TEXT_CHARS",
    "MAX_BLOCKS",
    "MAX_INLINES",
    "MAX_TABLE_CELLS",
    "MAX_NOTES",
    "MAX_NESTING",
    "MAX_MANIFEST_BYTES",
    "MAX_MANIFEST_ENTRIES",
)


def over(what: str, count: int, name: str) -> str:
    """The message for ``count`` of ``what`` over the limit ``opedexport.limits.<name>``."""
    limit = globals()[name]
    return (
        f"{what}: {count}, over the limit of {limit}; shorten the input, or raise the limit if the "
        f"memory allows (--limit {name}=N on the command line, opedexport.limits.{name} in Python)"
    )


def current() -> tuple[tuple[str, int], ...]:
    """Each settable limit's value in this process, as ``(name, value)`` pairs: what a job carries to
    a process that started with the defaults.
    """
    return tuple((name, globals()[name]) for name in SETTABLE)


def parse_setting(text: str) -> tuple[str, int]:
    """``"MAX_NOTES=5000"`` (any case, ``_`` allowed in the number) as ``("MAX_NOTES", 5000)``.

    :raises ValueError: for a name not in :data:`SETTABLE` or a value that is not a positive integer,
        with a message that says what is accepted.
    """
    name, sep, value = text.partition("=")
    name = name.strip().upper()
    if not sep or name not in SETTABLE:
        raise ValueError(f"{text!r}: give NAME=N, NAME one of {', '.join(SETTABLE)}")
    try:
        number = int(value.strip())
    except ValueError:
        number = 0
    if number <= 0:
        raise ValueError(f"{text!r}: the limit must be a positive whole number")
    return name, number


@contextlib.contextmanager
def using(values: Iterable[tuple[str, int]]) -> Iterator[None]:
    """Set the named limits (names from :data:`SETTABLE`) for the block, and put the old values back."""
    settings = list(values)
    for name, _ in settings:
        if name not in SETTABLE:
            raise ValueError(f"{name!r} is not a limit; limits: {', '.join(SETTABLE)}")
    before = current()
    try:
        for name, value in settings:
            globals()[name] = int(value)
        yield
    finally:
        for name, value in before:
            globals()[name] = value


def check_articles(articles: Iterable[Article], path: str | Path | None = None) -> None:
    """Refuse ``articles`` (one article, or a collection's, counted together) past the shape limits.

    Counts, without recursion, the blocks, inline nodes, table cells, footnotes and characters of
    text: what an export's memory grows with.

    :raises LimitError: naming the limit passed and the attribute that raises it.
    """
    from .model import BlockQuote, Code, Figure, Heading, ListBlock, Note, Paragraph, PullQuote, Rule, Table, Text

    blocks = inlines = cells = notes = chars = 0
    stack: list[object] = [a.body for a in articles]
    while stack:
        node = stack.pop()
        if isinstance(node, tuple):
            stack.extend(node)
            continue
        if isinstance(node, (Text, Code)):
            inlines += 1
            chars += len(node.text)
            continue
        if isinstance(node, Note):
            inlines += 1
            notes += 1
            stack.append(node.blocks)
        elif isinstance(node, Table):
            blocks += 1
            cells += len(node.header) + sum(len(row) for row in node.rows)
            stack.extend((node.header, node.rows))
        elif isinstance(node, ListBlock):
            blocks += 1 + len(node.items)
            stack.append(node.items)
        elif isinstance(node, (Paragraph, Heading, BlockQuote, PullQuote, Figure)):
            blocks += 1
            stack.extend(getattr(node, f) for f in ("children", "blocks", "attribution", "caption") if hasattr(node, f))
        elif hasattr(node, "children"):  # Emph, Strong, Link
            inlines += 1
            stack.append(node.children)
        elif isinstance(node, Rule):
            blocks += 1
        else:  # LineBreak
            inlines += 1
    for what, count, name in (
        ("blocks", blocks, "MAX_BLOCKS"),
        ("inline nodes (runs of text, emphasis, links, notes)", inlines, "MAX_INLINES"),
        ("table cells", cells, "MAX_TABLE_CELLS"),
        ("footnotes", notes, "MAX_NOTES"),
        ("characters of text", chars, "MAX_TEXT_CHARS"),
    ):
        if count > globals()[name]:
            raise LimitError(over(what, count, name), path=path)


#: Once the time is up, the interrupt is repeated this often until the block has ended.
_REPEAT = 0.25


class _TimeUp(BaseException):
    """Raised by the timer.

    A BaseException, so ``except Exception`` in a library (WeasyPrint guards fonts
    and URLs that way) cannot swallow it.
    """


def _importing(frame: FrameType | None) -> bool:
    """Whether ``frame`` is inside an import (cutting one short would leave a half-made module)."""
    while frame is not None:
        if frame.f_code.co_filename.startswith("<frozen importlib._bootstrap"):
            return True
        frame = frame.f_back
    return False


@contextlib.contextmanager
def time_limit(seconds: float | None, *, what: str, path: str | Path | None = None) -> Iterator[None]:
    """Raise :class:`LimitError` from this block once ``seconds`` of wall-clock time have passed.

    A real-time interval timer interrupts pure-Python work such as WeasyPrint's
    layout; if something swallows the interrupt, it comes again every quarter
    second until the block ends, and while a module is being imported it waits
    (an import cut short would leave a half-made module behind).
    It applies only in a process's main thread (the CLI, a process-pool worker);
    elsewhere, for example in a thread pool, the block runs unbounded.
    """
    if not seconds or seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    armed = [True]

    def expire(signum: int, frame: FrameType | None) -> None:
        if armed[0] and not _importing(frame):
            raise _TimeUp

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds, _REPEAT)
    try:
        try:
            yield
        finally:
            armed[0] = False
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    except _TimeUp:
        raise LimitError(f"{what} took longer than {seconds:g} s and was stopped", path=path) from None
