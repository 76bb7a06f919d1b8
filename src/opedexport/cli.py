"""The ``opedexport`` command.

::

    opedexport build INPUT... [--format pdf,epub,docx] [--out DIR] [--theme NAME_OR_PATH] [--verbose]
                     [--keep-going | --fail-fast] [--page-size SIZE] [--pdf-variant V] [--allow-host H]
    opedexport collection MANIFEST [--format ...] [--out DIR] [--theme NAME_OR_PATH]
    opedexport inspect INPUT [--lang LANG]
    opedexport formats
    opedexport themes
    opedexport theme show NAME_OR_PATH [--json]
    opedexport serve [--host 127.0.0.1] [--port 8000] [--workers N] [--queue N] [--max-bytes N]
                     [--time-limit SECONDS] [--upload-timeout SECONDS] [--themes-dir DIR] [--cache-mb MB]

Exit status: 0 when everything asked for was written; 1 when any input or
format failed (each failure is one line on stderr naming the file); 2 for a
usage error. ``--debug`` adds tracebacks.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import sys
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

from . import limits
from ._version import version as _version
from ._weasyprint import enable_fast_import
from .api import export_collection, formats, load_theme, read_result
from .batch import JobResult, expand_inputs, export_many
from .errors import OpedexportError
from .limits import DEFAULT_TIME_LIMIT
from .readers.manifest import load_manifest
from .registry import registry
from .serialize import article_to_json
from .theme import parse_page_size, themes_dir

__all__ = ["main"]

DEFAULT_FORMATS = ("pdf", "epub", "docx")
T = TypeVar("T")


#: Control characters (C0, DEL, C1) and Unicode's line and paragraph separators, which a file name may
#: hold: printed as escapes, so one message stays one line.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """``text`` with each control character shown as an escape, as Python writes it in a string: a file
    whose name holds a line break cannot forge a line of the report.
    """
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class _Reporter:
    """Writes the one-line messages of a run to stderr."""

    def __init__(self, stream: TextIO, *, verbose: bool, debug: bool):
        self.stream = stream
        self.verbose = verbose
        self.debug = debug
        self.failures = 0

    def line(self, message: str) -> None:
        """Print ``message`` as one line."""
        print(_one_line(message), file=self.stream)

    def info(self, message: str) -> None:
        self.line(message)

    def detail(self, message: str) -> None:
        if self.verbose:
            self.line(message)

    def warn(self, where: str, message: str) -> None:
        place, sep, rest = message.partition(": ")
        if sep and (place == where or place.startswith(where + ":")):  # the message names the file (and line)
            where, message = place, rest
        self.line(f"{where}: warning: {message}")

    def fail(self, where: str, exc: BaseException) -> None:
        self.failures += 1
        if isinstance(exc, OpedexportError):
            text = str(exc) if exc.path is not None else f"{where}: {exc}"
        else:
            text = f"{where}: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)"
        self.line(f"opedexport: error: {text}")
        if self.debug:
            traceback.print_exception(exc, file=self.stream)

    def run(self, where: str, func: Callable[[], T]) -> T | None:
        """Call ``func``, reporting its warnings and any failure against ``where``."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                return func()
            except Exception as exc:
                self.fail(where, exc)
                return None
            finally:
                for w in caught:
                    self.warn(where, str(w.message))


def _parse_formats(value: str) -> list[str]:
    names = [f.strip().lower() for f in value.split(",") if f.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one format")
    return names


def _page_size(value: str) -> str:
    """``--page-size``'s value, checked here so that a bad one is blamed on the flag, not on a theme file."""
    try:
        parse_page_size(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"the page size {exc}") from None
    return value


def _known_format(name: str) -> str:
    """``name`` if an exporter is registered under it (nothing is imported); else a RegistryError."""
    registry.exporters.require_known(name)
    return name


def _cmd_build(args: argparse.Namespace, rep: _Reporter) -> int:
    overrides: dict[str, Any] = {}
    if args.page_size:
        overrides["page"] = {"size": args.page_size}
    if rep.run("theme", lambda: load_theme(args.theme or "default", **overrides)) is None:
        return 1
    # Names only: each exporter is imported by the process that uses it (a PDF's process imports
    # WeasyPrint, not python-docx), and one that cannot load fails each input with its reason.
    formats_ok = []
    for name in args.format:
        if rep.run(f"format {name}", lambda n=name: _known_format(n)) is not None:  # type: ignore[misc]
            formats_ok.append(name)
    if rep.failures and args.fail_fast:
        return 1
    with warnings.catch_warnings(record=True) as skipped:  # links out of a folder, each named
        warnings.simplefilter("always")
        inputs = expand_inputs(args.inputs)
    for w in skipped:
        rep.info(f"opedexport: warning: {w.message}")
    if not inputs:
        rep.fail("build", OpedexportError("no input files found in " + ", ".join(args.inputs)))
        return 1
    out = Path(args.out)
    seen: dict[str, Path] = {}
    unique = []
    for path in inputs:
        if path.stem in seen:
            rep.fail(str(path), OpedexportError(f"its outputs would overwrite those of {seen[path.stem]}"))
            continue
        seen[path.stem] = path
        unique.append(path)
    options: dict[str, Any] = {}
    if args.allow_host:
        options["allow_hosts"] = tuple(args.allow_host)
    if args.pdf_variant:
        options["pdf_variant"] = args.pdf_variant
    if args.html_assets:
        options["assets"] = args.html_assets

    def report(result: JobResult) -> None:
        for line in result.removed:
            rep.detail(f"{result.input}:{line}")
        for note in result.notes:
            rep.detail(f"{result.input}: {note}")
        for warning in result.warnings:
            rep.warn(str(result.input), warning)
        for error in result.errors:
            rep.failures += 1
            internal = ": internal error: " in error and result.tracebacks and not rep.debug
            hint = " (run with --debug for the traceback)" if internal else ""
            rep.line(f"opedexport: error: {error}{hint}")
        if rep.debug:
            for trace in result.tracebacks:  # made where the job ran, a worker process too
                rep.stream.write(trace)
        for path in result.written:
            rep.detail(f"wrote {path}")

    with _progress(len(unique), enabled=rep.stream.isatty() and not args.verbose) as advance:

        def on_result(result: JobResult) -> None:
            report(result)
            advance(result)

        batch = export_many(
            unique,
            formats_ok,
            out,
            theme=args.theme or "default",
            fail_fast=args.fail_fast,
            workers=args.jobs,
            reader=args.reader,
            lang=args.lang,
            page_size=args.page_size,
            time_limit=args.time_limit or None,
            on_result=on_result,
            split=True,  # the CLI owns its process: the one-input fork is its choice, not the library's
            **options,
        )
    if batch.cancelled:
        names = ", ".join(str(p) for p in batch.cancelled)
        rep.info(f"opedexport: --fail-fast: {len(batch.cancelled)} input(s) not tried: {names}")
    rep.info(
        f"opedexport: {len(batch.results) - batch.failed} article(s) done, {batch.failed} failed, "
        f"{batch.written} file(s) written to {out}/ in {batch.seconds:.1f} s"
    )
    return 1 if rep.failures else 0


@contextlib.contextmanager
def _progress(total: int, *, enabled: bool) -> Iterator[Callable[[JobResult], None]]:
    """A rich progress bar on a terminal; nothing otherwise (the per-file lines say enough)."""
    if not enabled or total < 2:
        yield lambda result: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("[bold]exporting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), transient=True
    ) as progress:
        task = progress.add_task("export", total=total)
        yield lambda result: progress.advance(task)


def _cmd_collection(args: argparse.Namespace, rep: _Reporter) -> int:
    manifest = Path(args.manifest)
    collection = rep.run(str(manifest), lambda: load_manifest(manifest, lang=args.lang))
    if collection is None:
        return 1
    overrides: dict[str, Any] = {"page": {"size": args.page_size}} if args.page_size else {}
    theme = rep.run(
        "theme",
        # --theme may name any folder; the manifest's own theme is confined to the manifest's folder
        lambda: load_theme(args.theme, **overrides) if args.theme else collection.load_theme(**overrides),
    )
    if theme is None:
        return 1
    options: dict[str, Any] = {"allow_hosts": tuple(args.allow_host)} if args.allow_host else {}
    out = Path(args.out)
    written = 0
    for name in args.format:
        cls = rep.run(f"format {name}", lambda n=name: registry.exporter(n))  # type: ignore[misc]
        if cls is None:
            continue
        opts = dict(options)
        if name == "pdf" and args.pdf_variant:
            opts["pdf_variant"] = args.pdf_variant
        target = out / f"{manifest.stem}{cls.suffix}"
        done = rep.run(
            str(manifest),
            lambda t=target, n=name, o=opts: export_collection(  # type: ignore[misc]
                collection, t, theme, format=n, time_limit=args.time_limit or None, **o
            ),
        )
        if done is not None:
            written += 1
            rep.detail(f"wrote {target}")
    rep.info(f"opedexport: {written} file(s) written to {out}/, {rep.failures} failure(s)")
    return 1 if rep.failures else 0


def _cmd_inspect(args: argparse.Namespace, rep: _Reporter) -> int:
    result = rep.run(args.input, lambda: read_result(args.input, args.reader, lang=args.lang))
    if result is None:
        return 1
    for removal in result.removed:
        rep.info(f"{args.input}:{removal.line}: removed ({removal.rule}): {removal.text}")
    for note in result.notes:
        rep.info(f"{args.input}: {note}")
    sys.stdout.write(article_to_json(result.article) + "\n")
    return 0


def _cmd_formats(args: argparse.Namespace, rep: _Reporter) -> int:
    table = formats()
    print("Readers:")
    for name, cls, problem in table["readers"]:
        what = f"{', '.join(cls.suffixes):<18} {cls.description}" if cls else f"unavailable: {problem}"
        print(f"  {name:<10} {what}")
    print("Exporters:")
    for name, cls, problem in table["exporters"]:
        what = f"{cls.suffix:<18} {cls.description}" if cls else f"unavailable: {problem}"
        print(f"  {name:<10} {what}")
        if cls:
            from .registry import COMMON_OPTIONS

            for opt, spec in {**COMMON_OPTIONS, **cls.options}.items():
                print(f"  {'':<10}   option {opt} (default {spec.default!r}): {spec.help}")
    return 0


def _cmd_themes(args: argparse.Namespace, rep: _Reporter) -> int:
    for folder in sorted(p for p in themes_dir().iterdir() if (p / "theme.toml").is_file()):
        theme = rep.run(folder.name, lambda f=folder: load_theme(f.name))  # type: ignore[misc]
        if theme is not None:
            print(f"{theme.name:<10} {theme.description}")
    return 1 if rep.failures else 0


def _cmd_theme_show(args: argparse.Namespace, rep: _Reporter) -> int:
    """Print a theme's role table: a table on a terminal (or plain columns), JSON with ``--json``."""
    import json

    from .roles import role_table

    theme = rep.run(args.theme, lambda: load_theme(args.theme))
    if theme is None:
        return 1
    table = role_table(theme)
    if args.json:
        sys.stdout.write(json.dumps(table.as_json(), indent=2, ensure_ascii=False) + "\n")
        return 0
    headers = ("role", "font", "size", "leading", "before", "after", "indent", "align", "look", "colour", "DOCX style")
    rows: list[tuple[str, ...]] = []
    for name, role in table.items():
        looks: list[str] = [x for x in (role.weight, role.style, role.case) if x not in ("normal", "none")]
        if role.letter_spacing:
            looks.append(f"tracking {role.letter_spacing:.2f}")
        look = " ".join(looks) or "-"
        if role.first_line_indent:
            indent = f"{role.first_line_indent:.2f} first line"
        else:
            indent = f"{role.indent_left:.2f}" if role.indent_left else "-"
        rows.append(
            (
                name,
                role.font_family,
                f"{role.font_size:.2f}",
                f"{role.line_height:.2f}",
                f"{role.space_before:.2f}",
                f"{role.space_after:.2f}",
                indent,
                role.align,
                look,
                role.color,
                role.docx_style or "-",
            )
        )
    title = f"{theme.name}: roles (lengths in points)"
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.table import Table

        grid = Table(title=title)
        for header in headers:
            grid.add_column(header, justify="right" if header in ("size", "leading", "before", "after") else "left")
        for row in rows:
            grid.add_row(*row)
        Console().print(grid)
    else:
        widths = [max(len(str(r[i])) for r in (headers, *rows)) for i in range(len(headers))]
        print(title)
        for row in (headers, *rows):
            print("  ".join(str(cell).ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0


def _cmd_serve(args: argparse.Namespace, rep: _Reporter) -> int:
    try:
        from .serve import ServeConfig, run
    except ImportError as exc:
        print(
            f"opedexport: error: the serve command needs the 'serve' extra ({exc.name} is missing): "
            "pip install 'opedexport[serve]'",
            file=sys.stderr,
        )
        return 2
    if args.themes_dir is not None and not Path(args.themes_dir).is_dir():
        print(f"opedexport: error: {args.themes_dir}: --themes-dir is not a folder", file=sys.stderr)
        return 2
    config = ServeConfig(
        workers=args.workers,
        queue=args.queue,
        max_bytes=args.max_bytes,
        time_limit=args.time_limit or None,
        upload_timeout=args.upload_timeout or None,
        themes_dir=Path(args.themes_dir) if args.themes_dir else None,
        cache_mb=args.cache_mb,
    )
    return run(config, host=args.host, port=args.port)


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("give a whole number of at least 1")
    return number


def _limit_setting(value: str) -> tuple[str, int]:
    try:
        return limits.parse_setting(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _not_negative(value: str) -> float:
    number = float(value)
    if not number >= 0 or number == float("inf"):
        raise argparse.ArgumentTypeError("give a number of at least 0")
    return number


def _add_serve(sub: Any) -> None:
    """The ``serve`` subcommand (its defaults are those of :mod:`opedexport.serve.app`, repeated here so
    that ``--help`` works without the extra installed).
    """
    import os

    serve = sub.add_parser("serve", help="run the HTTP service and the editor's page (needs the 'serve' extra)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 = any free port)")
    serve.add_argument(
        "--workers", type=_positive, default=os.cpu_count() or 1, help="warm worker processes (default: one per core)"
    )
    serve.add_argument(
        "--queue", type=int, default=32, help="requests that may wait for a worker before 503 (default 32)"
    )
    serve.add_argument(
        "--max-bytes", type=_positive, default=10 * 1024 * 1024, help="largest upload in bytes (default 10 MiB)"
    )
    serve.add_argument(
        "--time-limit", type=float, default=60.0, metavar="SECONDS", help="per request, then 504 (default 60)"
    )
    serve.add_argument(
        "--upload-timeout",
        type=_not_negative,
        default=60.0,
        metavar="SECONDS",
        help="for a request's headers, and again for its upload, to arrive; then the connection is closed "
        "(408 for an upload; default 60; 0 = no limit)",
    )
    serve.add_argument("--themes-dir", metavar="DIR", help="also allow the themes in DIR's sub-folders, by name")
    serve.add_argument(
        "--cache-mb",
        type=_not_negative,
        default=64.0,
        metavar="MB",
        help="keep finished answers for identical requests, up to MB megabytes (default 64; 0 = off, "
        "so the answer time never tells whether the same bytes were converted recently)",
    )
    serve.set_defaults(func=_cmd_serve, verbose=False, debug=False)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="opedexport",
        description="Turn opinion articles into print-ready PDF, EPUB 3 and DOCX.",
    )
    parser.add_argument("--version", action="version", version=f"opedexport {_version()}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="say what was removed and written")
    common.add_argument("--debug", action="store_true", help="show tracebacks for failures")
    common.add_argument("--lang", help="the article's language (BCP 47), overriding what is stated or detected")
    common.add_argument("--from", dest="reader", metavar="READER", help="reader name instead of by suffix")
    common.add_argument(
        "--limit",
        action="append",
        default=[],
        type=_limit_setting,
        metavar="NAME=N",
        help="raise a limit on the input's size or shape, as an error names it (MAX_TEXT_BYTES=4194304); repeatable",
    )
    output = argparse.ArgumentParser(add_help=False)
    output.add_argument(
        "-f",
        "--format",
        type=_parse_formats,
        default=list(DEFAULT_FORMATS),
        help="comma-separated formats (default: pdf,epub,docx)",
    )
    output.add_argument("-o", "--out", default="out", help="output folder (default: out)")
    output.add_argument("-t", "--theme", help="built-in theme name or theme folder (default: default)")
    output.add_argument(
        "--page-size", type=_page_size, help="override the theme's page size (A4, Letter, A5, '6in 9in')"
    )
    output.add_argument(
        "--pdf-variant",
        choices=["pdf/ua-1", "plain", "pdf/a-3b"],
        help="pdf/ua-1 (tagged, the default), plain (untagged) or pdf/a-3b (archival)",
    )
    output.add_argument(
        "--allow-host", action="append", default=[], metavar="HOST", help="allow http(s) images from HOST"
    )
    output.add_argument(
        "--time-limit",
        type=float,
        default=DEFAULT_TIME_LIMIT,
        metavar="SECONDS",
        help=f"stop an export that takes longer (default {DEFAULT_TIME_LIMIT:g}; 0 = no limit)",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", parents=[common, output], help="export articles to PDF, EPUB and DOCX")
    build.add_argument("inputs", nargs="+", metavar="INPUT", help="files, folders or glob patterns of articles")
    build.add_argument(
        "--html-assets",
        choices=["inline", "folder"],
        help="inline: one self-contained HTML file (the default); folder: NAME.html with NAME_files/ beside it",
    )
    build.add_argument(
        "-j", "--jobs", type=int, metavar="N", help="worker processes (default: one per core; 1: in this process)"
    )
    mode = build.add_mutually_exclusive_group()
    mode.add_argument(
        "--keep-going", dest="fail_fast", action="store_false", help="try every input even after a failure (default)"
    )
    mode.add_argument("--fail-fast", dest="fail_fast", action="store_true", help="stop at the first failure")
    build.set_defaults(func=_cmd_build, fail_fast=False)

    coll = sub.add_parser(
        "collection", parents=[common, output], help="export the articles a manifest names as one book"
    )
    coll.add_argument("manifest", metavar="MANIFEST", help="YAML manifest (see opedexport.collection)")
    coll.set_defaults(func=_cmd_collection)

    inspect = sub.add_parser("inspect", parents=[common], help="print an article as JSON")
    inspect.add_argument("input", metavar="INPUT")
    inspect.set_defaults(func=_cmd_inspect)

    fmts = sub.add_parser("formats", help="list readers and exporters")
    fmts.set_defaults(func=_cmd_formats, verbose=False, debug=False)
    themes = sub.add_parser("themes", help="list built-in themes")
    themes.set_defaults(func=_cmd_themes, verbose=False, debug=False)
    theme = sub.add_parser("theme", help="look into a theme")
    theme_sub = theme.add_subparsers(dest="theme_command", required=True)
    show = theme_sub.add_parser(
        "show", help="print a theme's role table: the size, spacing and colour of every role, as every format uses it"
    )
    show.add_argument("theme", metavar="NAME_OR_PATH", help="a built-in theme's name or a theme folder")
    show.add_argument("--json", action="store_true", help='print {"roles": {ROLE: {...}}} as JSON')
    show.set_defaults(func=_cmd_theme_show, verbose=False, debug=False)
    _add_serve(sub)
    return parser


class _Terminated(BaseException):
    """SIGTERM arrived: unwind (partial files are removed, child processes stopped) and exit."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (130 after Ctrl-C, 143 after SIGTERM)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    rep = _Reporter(sys.stderr, verbose=args.verbose, debug=args.debug)
    in_main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main else None
    try:
        with limits.using(getattr(args, "limit", ())):  # a batch's jobs carry them to its workers
            status: int = args.func(args, rep)
    except KeyboardInterrupt:
        print("opedexport: interrupted", file=sys.stderr)
        return 130
    except _Terminated:
        print("opedexport: terminated", file=sys.stderr)
        return 143
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous if previous is not None else signal.SIG_DFL)
    return status


def run() -> int:
    """The ``opedexport`` program: :func:`main` in a process it owns, so WeasyPrint may be imported
    the fast way (:func:`opedexport._weasyprint.enable_fast_import`; about 0.2 s a process that
    makes a PDF). Code that calls :func:`main` in its own process keeps the plain import. For the same
    reason the collector runs less often here (:func:`opedexport._processes.relax_gc`; a tenth of an
    anthology's time went to it), and its exit skips the last full collections
    (:func:`opedexport._processes.skip_final_collection`; about 60 ms after a PDF).
    """
    from ._processes import relax_gc, skip_final_collection

    enable_fast_import()
    relax_gc()
    try:
        return main()
    except BrokenPipeError:
        # What reads our output has gone (`opedexport theme show default | head -1`): end quietly, as
        # a shell tool does, with standard output pointed at nothing so the exit's flush cannot fail.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # 128 + SIGPIPE
    finally:
        skip_final_collection()
