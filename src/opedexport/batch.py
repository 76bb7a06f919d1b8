"""Many articles at once: one job per input (read once, export every format), run on any executor.

A job is a pure function of its input, formats and theme, and returns a
picklable :class:`JobResult`, so the same call runs in this process, on a local
process pool (the default: one worker per core, replaced every
:data:`TASKS_PER_WORKER` jobs so memory stays flat over thousands of
articles), or on a Dask cluster through ``distributed.Client(...).get_executor()``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as dt
import multiprocessing
import multiprocessing.context
import os
import queue
import signal
import sys
import threading
import time
import traceback
import types
import warnings
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import limits
from ._processes import die_with_parent, relax_gc
from .buildtime import epoch_datetime, using_build_time
from .errors import ExportError, OpedexportError, ResourceRefusedWarning
from .limits import DEFAULT_TIME_LIMIT

__all__ = ["TASKS_PER_WORKER", "BatchResult", "Job", "JobResult", "expand_inputs", "export_many", "run_job"]

#: A pool worker is replaced after this many jobs, bounding the growth of long-lived renderers.
TASKS_PER_WORKER = 64

#: Modules a pool's fork server imports once, so workers start warm.
_PRELOAD = ["opedexport.api", "opedexport.exporters.pdf", "opedexport.exporters.epub", "opedexport.exporters.docx"]
#: Imported by the fork server as well when PDFs are asked for: it loads WeasyPrint.
_PDF_PRELOAD = "opedexport.exporters._pdf_preload"
#: Seconds a worker is given to clean up (remove its partial file) after SIGTERM before it is killed.
_STOP_GRACE = 3.0


@dataclass(frozen=True, slots=True)
class Job:
    """One input to read once and export to each format."""

    input: Path
    formats: tuple[str, ...]
    out_dir: Path
    theme: str
    """A built-in theme name or a theme folder (a path string, so the job pickles small)."""
    theme_overrides: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    reader: str | None = None
    lang: str | None = None
    time_limit: float | None = DEFAULT_TIME_LIMIT
    """Seconds each export may take; ``None`` means unbounded."""
    source_date_epoch: str | None = None
    """``SOURCE_DATE_EPOCH`` as the caller saw it: workers (a fork server, a cluster) may have
    been started with another environment, so the job carries it."""
    options: tuple[tuple[str, Any], ...] = ()
    """Exporter options as pairs; each exporter receives those it declares (``pdf_variant`` only the PDF)."""
    limits: tuple[tuple[str, int], ...] = ()
    """The shape limits as the caller had them (:func:`opedexport.limits.current`): a worker process
    starts with the defaults, so a limit the caller raised must travel with the job."""


@dataclass(slots=True)
class JobResult:
    """What became of one job."""

    input: Path
    written: list[Path] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    """One line per failure, naming the file (and line) as the CLI prints it."""
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    """``line: (rule) text`` for each line the reader removed."""
    notes: list[str] = field(default_factory=list)
    tracebacks: list[str] = field(default_factory=list)
    """The formatted traceback of each failure (for ``--debug``), made where the job ran."""
    seconds: float = 0.0
    peak_rss_kib: int = 0
    """Peak resident memory of the process that ran the job (KiB), for benchmarks."""
    pid: int = 0
    """The process that ran the job."""

    @property
    def ok(self) -> bool:
        """``True`` when every format was written."""
        return not self.errors


@dataclass(slots=True)
class BatchResult:
    """The results of a batch, in input order, with totals."""

    results: list[JobResult]
    seconds: float
    cancelled: list[Path] = field(default_factory=list)
    """Inputs not tried because ``fail_fast`` stopped the batch first, in input order."""

    @property
    def written(self) -> int:
        """How many files were written."""
        return sum(len(r.written) for r in self.results)

    @property
    def failed(self) -> int:
        """How many inputs had at least one failure."""
        return sum(1 for r in self.results if not r.ok)


def _describe(where: Path, exc: BaseException) -> str:
    if isinstance(exc, OpedexportError):
        return str(exc) if exc.path is not None else f"{where}: {exc}"
    return f"{where}: internal error: {type(exc).__name__}: {exc}"


def _fail(result: JobResult, where: Path, exc: BaseException) -> None:
    """Record ``exc`` as a failure of ``result``: its one line and its traceback."""
    result.errors.append(_describe(where, exc))
    result.tracebacks.append("".join(traceback.format_exception(exc)))


def _peak_rss_kib() -> int:
    try:
        import resource

        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    except (ImportError, OSError):  # pragma: no cover - not on POSIX
        return 0


def _build_time(job: Job) -> dt.datetime:
    """The job's build time: ``SOURCE_DATE_EPOCH`` as the caller saw it, else now (to the second)."""
    if job.source_date_epoch is None or not job.source_date_epoch.strip():
        return dt.datetime.now(dt.UTC).replace(microsecond=0)
    return epoch_datetime(job.source_date_epoch)


@contextlib.contextmanager
def _recording(job: Job) -> Iterator[JobResult]:
    """A job's result being made: at the build time the job says (passed down, never through
    ``os.environ``), with the warnings, the time, the peak memory and the process recorded. An
    exception in the block is an error of the result, not of the caller.
    """
    started = time.perf_counter()
    result = JobResult(job.input)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with using_build_time(_build_time(job)), limits.using(job.limits):
                yield result
        except Exception as exc:
            _fail(result, job.input, exc)
        # An article's warning is said once, not once per format that met it.
        result.warnings = list(dict.fromkeys(str(w.message) for w in caught))
    result.seconds = time.perf_counter() - started
    result.peak_rss_kib = _peak_rss_kib()
    result.pid = os.getpid()


def _theme(job: Job) -> Any:
    """The job's theme, with its overrides."""
    from .api import load_theme

    return load_theme(job.theme, **{k: dict(v) for k, v in job.theme_overrides})


def run_job(job: Job, *, send_pdf: Callable[[Any], None] | None = None) -> JobResult:
    """Read ``job.input`` and export it to each format; never raises for a bad input.

    :param send_pdf: with this, the PDF is not made here: it is prepared first (its HTML,
        stylesheet and figures, see :meth:`~opedexport.exporters.pdf.PdfExporter.prepare`) and
        handed to ``send_pdf``, which receives ``None`` if it cannot be (the error is in the result).
    """
    from .api import _export_article, read_result
    from .registry import registry

    formats = list(job.formats)
    pending_pdf = send_pdf is not None and "pdf" in formats
    if pending_pdf:
        formats.remove("pdf")
    with _recording(job) as result:
        try:
            theme = _theme(job)
            with limits.time_limit(job.time_limit, what="reading the input", path=job.input):
                report = read_result(job.input, job.reader, lang=job.lang)
            result.removed = [f"{r.line}: ({r.rule}) {r.text}" for r in report.removed]
            result.notes = list(report.notes)
            if pending_pdf and send_pdf is not None:
                pending_pdf = False
                send_pdf(_prepare_pdf(job, report.article, theme, result))
            for name in formats:
                target = job.out_dir / f"{job.input.stem}{registry.exporter(name).suffix}"
                try:
                    written: list[Path] = []
                    _export_article(
                        report.article, target, theme, name, job.time_limit, None, _options(job, name), written
                    )
                    result.written += written
                except Exception as exc:
                    _fail(result, job.input, exc)
        finally:
            if pending_pdf and send_pdf is not None:
                send_pdf(None)
    return result


def _options(job: Job, name: str) -> dict[str, Any]:
    """The job's options that the exporter ``name`` declares (and ``allow_hosts``, which all take)."""
    from .registry import registry

    accepted = {"allow_hosts", *registry.exporter(name).options}
    return {k: v for k, v in job.options if k in accepted}


def _prepare_pdf(job: Job, article: Any, theme: Any, result: JobResult) -> Any:
    """The PDF exporter's :meth:`prepare` of ``article``, or ``None`` with the error in ``result``."""
    from . import limits
    from .api import _exporter
    from .registry import registry

    try:
        exporter = _exporter(registry.exporter("pdf"))
        with limits.time_limit(job.time_limit, what="the pdf export", path=job.input):
            return exporter.prepare(article, theme, **_options(job, "pdf"))
    except Exception as exc:
        _fail(result, job.input, exc)
        return None


def expand_inputs(inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; folders stand for the files in them that a reader claims; globs are expanded.

    A folder's file or a glob's match whose real path leaves the folder (for a glob, its fixed
    base folder: ``articles`` of ``articles/*/*.md``) through a symbolic link is skipped with a
    :class:`~opedexport.errors.ResourceRefusedWarning` naming it. Files named one by one are taken as given.
    """
    from .registry import registry

    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    suffixes: set[str] | None = None  # loading every reader costs imports: only for folders
    out: list[Path] = []
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            if suffixes is None:
                suffixes = {s for _, cls, _ in registry.readers.all() if cls for s in cls.suffixes}
            found = (p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            out.extend(_inside(path, sorted(found)))
        elif any(c in text for c in "*?[") and not path.exists():
            base = Path(path.anchor) if path.is_absolute() else Path()
            pattern = str(path.relative_to(path.anchor)) if path.is_absolute() else text
            out.extend(_inside(_glob_base(path), sorted(p for p in base.glob(pattern) if p.is_file())))
        else:
            out.append(path)
    return out


def _glob_base(pattern: Path) -> Path:
    """The folder a glob pattern cannot leave by its own wildcards: its parts before the first one."""
    fixed: list[str] = []
    for part in pattern.parts[:-1]:
        if any(c in part for c in "*?["):
            break
        fixed.append(part)
    return Path(*fixed) if fixed else Path()


def _inside(folder: Path, paths: list[Path]) -> list[Path]:
    """``paths`` whose real path is inside ``folder``'s; each other one is skipped with a warning."""
    root = folder.resolve()
    kept = []
    for path in paths:
        if path.resolve().is_relative_to(root):
            kept.append(path)
        else:
            warnings.warn(
                f"{path}: skipped: a symbolic link leads out of {folder}{os.sep} (name the file itself to build it)",
                ResourceRefusedWarning,
                stacklevel=3,
            )
    return kept


def _end_with(owner: int) -> None:
    """End this process as soon as ``owner`` (not necessarily its parent) ends: a daemon thread waits for it."""

    def wait() -> None:
        try:
            fd = os.pidfd_open(owner)
        except ProcessLookupError:
            os._exit(1)
        except (OSError, AttributeError):  # no pidfd (old kernel, not Linux): look now and then
            while True:
                try:
                    os.kill(owner, 0)
                except ProcessLookupError:
                    os._exit(1)
                except OSError:
                    pass
                time.sleep(0.5)
        import select

        select.select([fd], [], [])  # readable when the owner has ended
        os._exit(1)

    threading.Thread(target=wait, name="opedexport-owner-watch", daemon=True).start()


#: Whether this worker is running a job (so SIGTERM unwinds it, removing any partial file, before it ends).
_IN_JOB = False


def _on_sigterm(signum: int, frame: types.FrameType | None) -> None:
    """SIGTERM in a worker: unwind the job in hand (see :func:`_pool_job`), or end at once when idle."""
    if _IN_JOB:
        raise SystemExit(128 + signum)
    os._exit(128 + signum)


def _worker_init(owner: int) -> None:
    """Start a pool worker so that it never outlives ``owner``, the process that made the pool.

    A worker's parent is the fork server, which lives as long as any worker does, so each worker
    watches the owner itself; the parent-death signal covers a fork server killed on its own.
    Ctrl-C is the owner's to handle (it stops the workers). The worker is ours, so its collector
    runs less often (:func:`~opedexport._processes.relax_gc`), with the modules the fork server
    loaded out of its sight.
    """
    die_with_parent(os.getppid())
    relax_gc()
    try:
        os.kill(owner, 0)
    except ProcessLookupError:  # the owner ended while this worker started
        os._exit(1)
    _end_with(owner)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)


def _pool_job(job: Job) -> JobResult:
    """:func:`run_job` in a worker of the default pool: SIGTERM ends the worker once the job has unwound."""
    global _IN_JOB
    _IN_JOB = True
    try:
        return run_job(job)
    except SystemExit as exc:
        os._exit(exc.code if isinstance(exc.code, int) else 1)
    finally:
        _IN_JOB = False


def _stop(processes: Iterable[Any]) -> None:
    """Ask ``processes`` to end (SIGTERM lets them remove a partial file), then kill those that have not."""
    processes = [p for p in processes if p.is_alive()]
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.terminate()
    deadline = time.monotonic() + _STOP_GRACE
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.join(max(0.0, deadline - time.monotonic()))
            if process.is_alive():
                process.kill()
                process.join(1.0)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold Ctrl-C and SIGTERM (in the main thread) until the block ends, then deliver them.

    A pool starts its workers as jobs are submitted; a worker whose start is cut short is not yet
    the pool's to stop, and would fail on its own later with a traceback.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    caught = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, lambda signum, frame: held.append(signum)) for s in caught}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if handler is not None else signal.SIG_DFL)
        for signum in dict.fromkeys(held):
            signal.raise_signal(signum)


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Hide the ``__main__`` module from a process being started, so it is not imported there.

    A fork server and its workers import the main script unless told otherwise; a script without
    ``if __name__ == "__main__":`` would then start the batch again inside each worker. A job never
    needs the main script: readers and exporters come from entry points and :mod:`opedexport`.
    """
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


if sys.platform != "win32":

    class _WorkerProcess(multiprocessing.context.ForkServerProcess):
        """A fork-server process started without the main script (see :func:`_main_hidden`)."""

        @staticmethod
        def _Popen(process_obj: Any) -> Any:
            with _main_hidden():
                return multiprocessing.context.ForkServerProcess._Popen(process_obj)

    class _WorkerContext(multiprocessing.context.ForkServerContext):
        """The fork-server context, with processes that do not import the main script."""

        Process = _WorkerProcess


def _can_split(job: Job) -> bool:
    """Whether one job's PDF can be made beside its other formats: a fork is cheap where it exists,
    and the PDF exporter can be prepared in one process and rendered in another.
    """
    if "pdf" not in job.formats or len(job.formats) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    from .registry import registry

    try:
        cls = registry.exporter("pdf")
    except OpedexportError:
        return False
    return callable(getattr(cls, "prepare", None)) and callable(getattr(cls, "render", None))


def _split_main(job: Job, conn: Any, parent: int, unused: Any) -> None:
    """The forked child of :func:`_run_split`: set up, then :func:`_split_child`.

    It dies with ``parent`` and closes ``unused`` (the pipe's read end, which would let it write on
    for ever to a parent that has gone). SIGTERM and Ctrl-C end it once its job has unwound.
    """
    global _IN_JOB
    unused.close()
    die_with_parent(parent)
    _IN_JOB = True
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, _on_sigterm)
    try:
        _split_child(job, conn)
    except (SystemExit, OSError):  # stopped, or the parent is gone: nobody to report to
        os._exit(1)


def _split_child(job: Job, conn: Any) -> None:
    """The forked half of :func:`_run_split`: prepare the PDF and send it, then make the other formats."""
    try:
        result = run_job(job, send_pdf=lambda page: conn.send(("pdf", page)))
        conn.send(("rest", result))
    finally:
        conn.close()


def _render_pdf(job: Job, page: Any) -> JobResult:
    """Lay out and write a page the child prepared (the PDF half of :func:`_run_split`)."""
    from .api import _export
    from .registry import registry

    target = job.out_dir / f"{job.input.stem}{registry.exporter('pdf').suffix}"
    with _recording(job) as result:
        render = lambda exporter, _theme, _opts: exporter.render(page)  # noqa: E731
        _export(render, job.input, target, _theme(job), "pdf", job.time_limit, None, {})
        result.written.append(target)
    return result


def _run_split(job: Job) -> JobResult:
    """One input on two cores.

    A forked child reads the article, prepares the PDF (its HTML, stylesheet and figures; no
    WeasyPrint needed) and sends it here, then makes the other formats. Meanwhile this process
    imports WeasyPrint, the longest single step of a one-article build, and then lays out and
    writes the PDF. Nothing waits for WeasyPrint but the PDF itself.
    """
    from ._weasyprint import import_weasyprint

    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_split_main, args=(job, sender, os.getpid(), receiver), name="opedexport-formats")
    child.start()
    sender.close()
    # A thread takes the child's messages as they come, so the child never waits for this process
    # (busy importing WeasyPrint) to read the page before it goes on with the other formats.
    inbox: queue.SimpleQueue[tuple[str, Any]] = queue.SimpleQueue()

    def pump() -> None:
        try:
            while True:
                inbox.put(receiver.recv())
        except (EOFError, OSError):
            inbox.put(("end", None))

    reader = threading.Thread(target=pump, name="opedexport-split-inbox", daemon=True)
    reader.start()
    pdf = JobResult(job.input)
    rest: JobResult | None = None
    try:
        with contextlib.suppress(ImportError, OSError):  # if it fails, the render below says why
            import_weasyprint()
        kind, message = inbox.get()
        if kind == "pdf" and message is not None:
            pdf = _render_pdf(job, message)
        if kind == "pdf":
            kind, message = inbox.get()
        if kind == "rest":
            rest = message
    except BaseException:  # stopped (Ctrl-C, SIGTERM): the child stops too
        _stop([child])
        raise
    finally:
        child.join()
        reader.join()
        receiver.close()
    if rest is None:  # the child died before it could report
        rest = JobResult(
            job.input,
            errors=[
                f"{job.input}: internal error: the process making "
                f"{', '.join(f for f in job.formats if f != 'pdf')} stopped "
                f"(exit code {child.exitcode})"
            ],
        )
    merged = JobResult(job.input, removed=rest.removed, notes=rest.notes, pid=pdf.pid or rest.pid)
    merged.tracebacks = rest.tracebacks + pdf.tracebacks
    suffix_order = [f".{name}" for name in job.formats]
    merged.written = sorted(
        rest.written + pdf.written,
        key=lambda p: suffix_order.index(p.suffix) if p.suffix in suffix_order else len(suffix_order),
    )
    merged.errors = list(dict.fromkeys(rest.errors + pdf.errors))
    merged.warnings = list(dict.fromkeys(rest.warnings + pdf.warnings))
    merged.seconds = max(pdf.seconds, rest.seconds)
    merged.peak_rss_kib = max(pdf.peak_rss_kib, rest.peak_rss_kib)
    return merged


def _run_on(
    pool: cf.Executor, jobs: list[tuple[int, Job]], fail_fast: bool, done: Callable[[int, JobResult], None]
) -> list[tuple[int, Job]]:
    """Run numbered jobs on ``pool``, reporting each to ``done``.

    :returns: the jobs fail-fast cancelled before they started. Those already started when it
        stopped are waited for and reported, since they write their files.
    """
    default = isinstance(pool, _DefaultPool)
    with _signals_held() if default else contextlib.nullcontext():
        futures = {pool.submit(_pool_job if default else run_job, job): (i, job) for i, job in jobs}
    cancelled: list[tuple[int, Job]] = []
    stopping = False
    for future in cf.as_completed(futures):
        i, job = futures[future]
        if future.cancelled():
            continue
        try:
            result = future.result()
        except cf.CancelledError:
            continue
        except Exception as exc:  # the worker itself died
            result = JobResult(job.input)
            _fail(result, job.input, exc)
        done(i, result)
        if fail_fast and not result.ok and not stopping:
            stopping = True
            cancelled = sorted((futures[f] for f in futures if f.cancel()), key=lambda item: item[0])
    return cancelled


class _DefaultPool(cf.ProcessPoolExecutor):
    """The default pool: its jobs run as :func:`_pool_job`, and :meth:`stop` ends its workers now."""

    def stop(self) -> None:
        """End the workers (a partial file is removed first), without waiting for their jobs."""
        processes = list((getattr(self, "_processes", None) or {}).values())  # no public way before 3.14
        _stop(processes)
        self.shutdown(wait=True, cancel_futures=True)


def default_executor(jobs: int, *, pdf: bool = False) -> cf.ProcessPoolExecutor:
    """A process pool with a warm fork server, one worker per core (at most ``jobs``).

    Its workers do not import the main script (a script needs no ``if __name__ == "__main__":``),
    and they end when this process does, however it ends.

    :param pdf: load WeasyPrint in the fork server too, so workers that make PDFs start with it.
    """
    workers = max(1, min(jobs, os.cpu_count() or 1))
    ctx: multiprocessing.context.BaseContext
    try:
        multiprocessing.get_context("forkserver")  # a ValueError where there is none
        server = _WorkerContext()
        server.set_forkserver_preload([*_PRELOAD, *([_PDF_PRELOAD] if pdf else [])])
        ctx = server
    except (ValueError, NameError):  # pragma: no cover - no fork server on this platform
        ctx = multiprocessing.get_context("spawn")
    return _DefaultPool(max_workers=workers, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),))


def _input_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def export_many(
    inputs: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    formats: Sequence[str] = ("pdf", "epub", "docx"),
    out_dir: str | os.PathLike[str] = "out",
    *,
    theme: str | os.PathLike[str] = "default",
    executor: cf.Executor | None = None,
    fail_fast: bool = False,
    workers: int | None = None,
    reader: str | None = None,
    lang: str | None = None,
    page_size: str | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    on_result: Callable[[JobResult], None] | None = None,
    split: bool = False,
    **options: Any,
) -> BatchResult:
    """Export every input to every format in ``out_dir`` (``<stem>.<ext>``).

    :param inputs: files, folders (their articles) or glob patterns.
    :param executor: any :class:`concurrent.futures.Executor`; ``None`` means this process for one
        input and a local process pool for more. A Dask ``Client(...).get_executor()`` works the same.
    :param workers: processes of the default pool; ``None`` means one per core, ``1`` runs every job
        in this process (needed for readers and exporters registered in code rather than by entry point).
    :param fail_fast: stop submitting (and cancel what has not started) after the first failure;
        by default every input is tried. Jobs already started are finished and reported; the
        cancelled inputs are in :attr:`BatchResult.cancelled`.
    :param time_limit: seconds each export may take before it is stopped; ``None`` means unbounded.
    :param on_result: called in this process with each result as it arrives (progress display).
    :param split: with one input, no ``executor`` and PDF among other formats, fork a child for the
        other formats while this process imports WeasyPrint and makes the PDF. Off by default: a
        library must not fork inside its caller (a threaded server); the CLI, which owns its
        process, turns it on.
    :raises ExportError: for a :class:`~concurrent.futures.ThreadPoolExecutor`: each job records its
        warnings with :func:`warnings.catch_warnings`, which is process-wide, so jobs in threads
        would mix them up; give a process pool (or none).
    :param options: exporter options, each passed to the exporters that declare it.
    :returns: the results in input order. Failures are in the results, not raised.
    """
    if isinstance(executor, cf.ThreadPoolExecutor):
        raise ExportError(
            "export_many: a ThreadPoolExecutor runs jobs that record their warnings process-wide, so "
            "they would mix; give a ProcessPoolExecutor, another executor of processes, or executor=None"
        )
    started = time.perf_counter()
    paths = expand_inputs(inputs)
    overrides: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = ()
    if page_size:
        overrides = (("page", (("size", page_size),)),)
    jobs = [
        Job(
            input=p,
            formats=tuple(formats),
            out_dir=Path(out_dir),
            theme=os.fspath(theme),
            theme_overrides=overrides,
            reader=reader,
            lang=lang,
            time_limit=time_limit,
            source_date_epoch=os.environ.get("SOURCE_DATE_EPOCH"),
            options=tuple(sorted(options.items())),
            limits=limits.current(),
        )
        for p in paths
    ]
    results: dict[int, JobResult] = {}
    cancelled: list[tuple[int, Job]] = []

    def done(index: int, result: JobResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(result)

    if split and executor is None and len(jobs) == 1 and workers != 1 and _can_split(jobs[0]):
        done(0, _run_split(jobs[0]))
    elif executor is None and (len(jobs) <= 1 or workers == 1):
        for i, job in enumerate(jobs):
            result = run_job(job)
            done(i, result)
            if fail_fast and not result.ok:
                cancelled = list(enumerate(jobs))[i + 1 :]
                break
    elif executor is not None:
        cancelled = _run_on(executor, list(enumerate(jobs)), fail_fast, done)
    else:
        # A fresh pool every TASKS_PER_WORKER jobs per worker recycles the workers (bounding the
        # growth of long-lived renderers); the fork server stays warm, so a new pool starts fast.
        # (ProcessPoolExecutor's own max_tasks_per_child can deadlock on Python 3.11.)
        size = max(1, min(len(jobs), workers or os.cpu_count() or 1))
        # Longest first (the input's size stands for the job's length), so that no core idles at the
        # end of a batch while one long article finishes; results keep their input order. With
        # fail_fast the inputs go in their order, so that what is cancelled is what comes after.
        numbered = list(enumerate(jobs))
        if not fail_fast:
            numbered.sort(key=lambda item: -_input_size(item[1].input))
        chunk = TASKS_PER_WORKER * size
        for start in range(0, len(numbered), chunk):
            pool = default_executor(size, pdf="pdf" in formats)
            try:
                cancelled = _run_on(pool, numbered[start : start + chunk], fail_fast, done)
            except BaseException:  # stopped (Ctrl-C, SIGTERM): so are the workers, now
                if isinstance(pool, _DefaultPool):
                    pool.stop()
                raise
            finally:
                pool.shutdown(wait=True, cancel_futures=True)
            if cancelled or (fail_fast and any(not r.ok for r in results.values())):
                cancelled += numbered[start + chunk :]
                break
    ordered = [results[i] for i in sorted(results)]
    not_tried = [job.input for _, job in sorted(cancelled, key=lambda item: item[0])]
    return BatchResult(ordered, time.perf_counter() - started, not_tried)
