"""The library entry points: read a source into an Article, export an Article to a format."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from . import limits
from .collection import Collection
from .errors import ExportError, InputError, LimitError, OpedexportError
from .limits import DEFAULT_TIME_LIMIT
from .model import Article
from .readers.base import DEFAULT_MAX_INPUT_BYTES, ReadResult, Source
from .registry import registry
from .theme import Theme

__all__ = ["export", "export_collection", "formats", "load_theme", "read", "read_result", "write_atomic"]


def _source(
    source: str | os.PathLike[str] | bytes | IO[str] | IO[bytes],
    text: str | bytes | None,
    max_bytes: int,
) -> Source:
    """Exactly one source, checked early (as WeasyPrint's ``select_source``)."""
    if text is not None:
        if source is not None:
            raise TypeError("give either a path or file object, or text=…, not both")
        data = text.encode("utf-8") if isinstance(text, str) else text
        if len(data) > max_bytes:
            raise LimitError(f"input is {len(data)} bytes, over the limit of {max_bytes}", path="<string>")
        return Source(data, decoded=isinstance(text, str))
    if isinstance(source, (str, os.PathLike)):
        return Source.from_path(Path(source), max_bytes=max_bytes)
    if hasattr(source, "read"):
        data = source.read(max_bytes + 1)
        decoded = isinstance(data, str)
        if isinstance(data, str):
            data = data.encode("utf-8")
        name = getattr(source, "name", None)
        path = Path(name) if isinstance(name, str) and not name.startswith("<") else None
        if len(data) > max_bytes:
            raise LimitError(f"input is over the limit of {max_bytes} bytes", path=path or "<stream>")
        return Source(data, path, decoded=decoded)
    raise TypeError(f"cannot read from {type(source).__name__}; give a path, a file object or text=…")


def read_result(
    source: str | os.PathLike[str] | IO[str] | IO[bytes] | None = None,
    format: str | None = None,
    *,
    text: str | bytes | None = None,
    lang: str | None = None,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
) -> ReadResult:
    """As :func:`read`, but return the reader's whole report (what it removed and why)."""
    src = _source(source, text, max_bytes)  # type: ignore[arg-type]
    if format is not None:
        reader_cls = registry.reader(format)
    elif src.path is not None:
        reader_cls = registry.reader_for_path(src.path)
    else:
        raise InputError("give format=… (for example 'markdown') when reading text or a stream", path="<string>")
    result = reader_cls().read(src, lang=lang)
    limits.check_articles([result.article], src.label)
    return result


def read(
    source: str | os.PathLike[str] | IO[str] | IO[bytes] | None = None,
    format: str | None = None,
    *,
    text: str | bytes | None = None,
    lang: str | None = None,
    max_bytes: int = DEFAULT_MAX_INPUT_BYTES,
) -> Article:
    """Read an article.

    :param source: a path (the reader is chosen by its suffix unless ``format`` is given)
        or a file object; ``None`` when ``text`` is given.
    :param format: a reader name (``markdown``, ``text``, ``json`` …); ``None`` means by suffix.
    :param text: the article's text itself (``format`` is then required).
    :param lang: a BCP 47 tag that overrides any stated or detected language.
    :param max_bytes: inputs larger than this are refused with :class:`~opedexport.errors.LimitError`.
    :raises InputError: for unreadable input, naming the file and, where known, the line.
    :raises RegistryError: for an unknown format or suffix, listing those available.
    """
    return read_result(source, format, text=text, lang=lang, max_bytes=max_bytes).article


def load_theme(theme: str | os.PathLike[str] | Theme = "default", **overrides: Any) -> Theme:
    """A :class:`Theme` from a built-in name, a folder path, or a Theme (returned as is unless ``overrides``)."""
    if isinstance(theme, Theme):
        return theme.with_tokens(**overrides) if overrides else theme
    return Theme.load(os.fspath(theme), **overrides)


def export(
    article: Article,
    target: str | os.PathLike[str],
    theme: str | os.PathLike[str] | Theme = "default",
    *,
    format: str | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    **options: Any,
) -> bytes | Path:
    """Export ``article``.

    :param target: a path to write (the format comes from its suffix, or from ``format``),
        or a bare format name such as ``"pdf"`` to get the bytes back instead.
    :param theme: a built-in theme name, a theme folder, or a loaded :class:`Theme`.
    :param time_limit: seconds the export may take before it is stopped with
        :class:`~opedexport.errors.LimitError`; ``None`` means no limit (see :func:`opedexport.limits.time_limit`).
    :param options: the exporter's options (``pdf_variant``, ``allow_hosts`` …); unknown ones are an error.
    :returns: the bytes when ``target`` is a format name, else the path written.
    :raises ExportError: when the exporter fails; the target is then left as it was.
    """
    return _export(
        lambda exporter, theme_obj, opts: exporter.export(article, theme_obj, **opts),
        article.source_path or "<article>",
        target,
        load_theme(theme),
        format,
        time_limit,
        options,
    )


def export_collection(
    collection: Collection,
    target: str | os.PathLike[str],
    theme: str | os.PathLike[str] | Theme | None = None,
    *,
    format: str | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    **options: Any,
) -> bytes | Path:
    """Export a collection as one book; ``target`` as in :func:`export`.

    :param theme: as in :func:`export` (from anywhere: the caller's choice); ``None`` means the
        manifest's theme (else ``default``), confined to the manifest's folder as
        :meth:`Collection.load_theme` says.
    """
    return _export(
        lambda exporter, theme_obj, opts: exporter.export_collection(collection, theme_obj, **opts),
        collection.source_path or "<collection>",
        target,
        collection.load_theme() if theme is None else load_theme(theme),
        format,
        time_limit,
        options,
    )


def _export(
    render: Callable[[Any, Theme, dict[str, Any]], bytes],
    where: str | Path,
    target: str | os.PathLike[str],
    theme: Theme,
    format: str | None,
    time_limit: float | None,
    options: Mapping[str, Any],
) -> bytes | Path:
    """Pick the exporter for ``target``/``format``, render within the time limit, write atomically."""
    as_bytes = isinstance(target, str) and "/" not in target and "." not in target and format is None
    if as_bytes:
        exporter_cls = registry.exporter(str(target))
    elif format is not None:
        exporter_cls = registry.exporter(format)
    else:
        exporter_cls = registry.exporter_for_suffix(Path(target).suffix)
    exporter = _exporter(exporter_cls)
    resolved = exporter.resolve_options(options)
    try:
        with limits.time_limit(time_limit, what=f"the {exporter_cls.name} export", path=where):
            data = render(exporter, theme, resolved)
    except OpedexportError:
        raise
    except Exception as exc:  # an exporter bug or a library failure: say which file, keep the cause
        raise ExportError(f"{exporter_cls.name} export failed: {type(exc).__name__}: {exc}", path=where) from exc
    if as_bytes:
        return bytes(data)
    path = Path(target)
    write_atomic(path, data)
    return path


_EXPORTERS: dict[type, Any] = {}


def _exporter(cls: type) -> Any:
    """One instance per exporter class per process, so its caches (fonts, CSS) are reused."""
    if cls not in _EXPORTERS:
        _EXPORTERS[cls] = cls()
    return _EXPORTERS[cls]


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename.

    On any error the target keeps its old content (or stays absent) and no temporary file is left.
    A symbolic link at ``path`` is replaced, never written through.

    :raises ExportError: naming ``path`` when it cannot be written (no space left, a folder in the way …).
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise ExportError(f"cannot write the file: {exc.strerror or exc}", path=path) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write the file: {exc.strerror or exc}", path=path) from exc
        raise


def formats() -> Mapping[str, list[tuple[str, Any, str]]]:
    """Every reader and exporter name with its class (``None`` if unavailable) and the problem, if any."""
    return {"readers": registry.readers.all(), "exporters": registry.exporters.all()}
