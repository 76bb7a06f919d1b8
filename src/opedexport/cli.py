"""The ``opedexport`` command.

::

    opedexport build INPUT... [--format pdf,epub,docx] [--out DIR] [--theme NAME_OR_PATH] [--verbose]
    opedexport inspect INPUT [--lang LANG]
    opedexport formats
    opedexport themes

Exit status: 0 when everything asked for was written; 1 when any input or
format failed (each failure is one line on stderr naming the file); 2 for a
usage error. ``--debug`` adds tracebacks.
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
import warnings
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO, TypeVar

from . import __version__
from .api import export, formats, load_theme, read_result
from .errors import OpedexportError, RegistryError
from .registry import registry
from .serialize import article_to_json
from .theme import themes_dir

__all__ = ["main"]

DEFAULT_FORMATS = ("pdf", "epub", "docx")
T = TypeVar("T")


class _Reporter:
    """Writes the one-line messages of a run to stderr."""

    def __init__(self, stream: TextIO, *, verbose: bool, debug: bool):
        self.stream = stream
        self.verbose = verbose
        self.debug = debug
        self.failures = 0

    def info(self, message: str) -> None:
        print(message, file=self.stream)

    def detail(self, message: str) -> None:
        if self.verbose:
            print(message, file=self.stream)

    def warn(self, where: str, message: str) -> None:
        print(f"{where}: warning: {message}", file=self.stream)

    def fail(self, where: str, exc: BaseException) -> None:
        self.failures += 1
        if isinstance(exc, OpedexportError):
            text = str(exc) if exc.path is not None else f"{where}: {exc}"
        else:
            text = f"{where}: internal error: {type(exc).__name__}: {exc} (run with --debug for the traceback)"
        print(f"opedexport: error: {text}", file=self.stream)
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


def _expand_inputs(inputs: Sequence[str]) -> Iterator[Path]:
    """Files as given; folders expand to the files inside them that a reader claims (sorted)."""
    suffixes = {s for _, cls, _ in registry.readers.all() if cls for s in cls.suffixes}
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            yield from sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
        else:
            yield path


def _parse_formats(value: str) -> list[str]:
    names = [f.strip().lower() for f in value.split(",") if f.strip()]
    if not names:
        raise argparse.ArgumentTypeError("give at least one format")
    return names


def _cmd_build(args: argparse.Namespace, rep: _Reporter) -> int:
    started = time.perf_counter()
    overrides: dict[str, Any] = {}
    if args.page_size:
        overrides["page"] = {"size": args.page_size}
    try:
        theme = load_theme(args.theme, **overrides)
    except OpedexportError as exc:
        rep.fail("theme", exc)
        return 1
    exporters = []
    for name in args.format:
        try:
            exporters.append(registry.exporter(name))
        except RegistryError as exc:
            rep.fail(f"format {name}", exc)
    options: dict[str, Any] = {}
    if args.allow_host:
        options["allow_hosts"] = tuple(args.allow_host)
    inputs = list(_expand_inputs(args.inputs))
    if not inputs:
        rep.fail("build", OpedexportError("no input files found in " + ", ".join(args.inputs)))
        return 1
    out = Path(args.out)
    seen: dict[Path, Path] = {}
    done = 0
    for path in inputs:
        target_stem = out / path.stem
        if target_stem in seen:
            rep.fail(str(path), OpedexportError(f"its outputs would overwrite those of {seen[target_stem]}"))
            continue
        seen[target_stem] = path
        result = rep.run(str(path), lambda p=path: read_result(p, args.reader, lang=args.lang))  # type: ignore[misc]
        if result is None:
            continue
        for removal in result.removed:
            rep.detail(f"{path}:{removal.line}: removed ({removal.rule}): {removal.text}")
        for note in result.notes:
            rep.detail(f"{path}: {note}")
        for cls in exporters:
            target = out / f"{path.stem}{cls.suffix}"
            opts = dict(options)
            if cls.name == "pdf" and args.pdf_variant:
                opts["pdf_variant"] = args.pdf_variant
            written = rep.run(
                str(path),
                lambda a=result.article, c=cls, t=target, o=opts: export(a, t, theme, format=c.name, **o),  # type: ignore[misc]
            )
            if written is not None:
                done += 1
                rep.detail(f"wrote {target}")
    elapsed = time.perf_counter() - started
    rep.info(f"opedexport: {done} file(s) written to {out}/, {rep.failures} failure(s), {elapsed:.1f} s")
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
            from .exporters.base import COMMON_OPTIONS

            for opt, spec in {**COMMON_OPTIONS, **cls.options}.items():
                print(f"  {'':<10}   option {opt} (default {spec.default!r}): {spec.help}")
    return 0


def _cmd_themes(args: argparse.Namespace, rep: _Reporter) -> int:
    for folder in sorted(p for p in themes_dir().iterdir() if (p / "theme.toml").is_file()):
        theme = rep.run(folder.name, lambda f=folder: load_theme(f.name))  # type: ignore[misc]
        if theme is not None:
            print(f"{theme.name:<10} {theme.description}")
    return 1 if rep.failures else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""
    parser = argparse.ArgumentParser(
        prog="opedexport",
        description="Turn opinion articles into print-ready PDF, EPUB 3 and DOCX.",
    )
    parser.add_argument("--version", action="version", version=f"opedexport {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true", help="say what was removed and written")
    common.add_argument("--debug", action="store_true", help="show tracebacks for failures")
    common.add_argument("--lang", help="the article's language (BCP 47), overriding what is stated or detected")
    common.add_argument("--from", dest="reader", metavar="READER", help="reader name instead of by suffix")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", parents=[common], help="export articles to PDF, EPUB and DOCX")
    build.add_argument("inputs", nargs="+", metavar="INPUT", help="files or folders of articles")
    build.add_argument(
        "-f",
        "--format",
        type=_parse_formats,
        default=list(DEFAULT_FORMATS),
        help="comma-separated formats (default: pdf,epub,docx)",
    )
    build.add_argument("-o", "--out", default="out", help="output folder (default: out)")
    build.add_argument("-t", "--theme", default="default", help="built-in theme name or theme folder")
    build.add_argument("--page-size", help="override the theme's page size (A4, Letter, A5, '6in 9in')")
    build.add_argument("--pdf-variant", choices=["pdf/a-3b", "pdf/ua-1"], help="write a PDF/A-3b or PDF/UA-1 file")
    build.add_argument(
        "--allow-host", action="append", default=[], metavar="HOST", help="allow http(s) images from HOST"
    )
    build.set_defaults(func=_cmd_build)

    inspect = sub.add_parser("inspect", parents=[common], help="print an article as JSON")
    inspect.add_argument("input", metavar="INPUT")
    inspect.set_defaults(func=_cmd_inspect)

    fmts = sub.add_parser("formats", help="list readers and exporters")
    fmts.set_defaults(func=_cmd_formats, verbose=False, debug=False)
    themes = sub.add_parser("themes", help="list built-in themes")
    themes.set_defaults(func=_cmd_themes, verbose=False, debug=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    rep = _Reporter(sys.stderr, verbose=args.verbose, debug=args.debug)
    try:
        status: int = args.func(args, rep)
    except KeyboardInterrupt:
        print("opedexport: interrupted", file=sys.stderr)
        return 130
    return status
