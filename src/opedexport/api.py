"""The library entry points: read a source into an Article, export an Article to a format."""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar

from . import limits
from ._files import write_atomic, write_files
from .buildtime import using_build_time
from .errors import ExportError, InputError, LimitError, OpedexportError, RegistryError
from .limits import DEFAULT_TIME_LIMIT
from .model import Article, Collection
from .readers.base import DEFAULT_MAX_INPUT_BYTES, ReadResult, Source
from .registry import registry
from .theme import Theme, load_theme

__all__ = [
    "export",
    "export_bytes",
    "export_collection",
    "export_collection_bytes",
    "formats",
    "load_theme",
    "read",
    "read_result",
    "write_atomic",
]

_T = TypeVar("_T")


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


def export(
    article: Article,
    target: str | os.PathLike[str],
    theme: str | os.PathLike[str] | Theme = "default",
    *,
    format: str | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    build_time: dt.datetime | None = None,
    **options: Any,
) -> Path:
    """Write ``article`` to the file ``target`` and return its path (as WeasyPrint's ``write_pdf(target)``).

    :param target: the path to write; the format comes from its suffix, or from ``format``.
        (A bare format name such as ``"pdf"`` still returns the bytes, with a
        :class:`DeprecationWarning`: use :func:`export_bytes`.)
    :param theme: a built-in theme name, a theme folder, or a loaded :class:`Theme`.
    :param format: an exporter name, when the suffix does not say (or says otherwise).
    :param time_limit: seconds the export may take before it is stopped with
        :class:`~opedexport.errors.LimitError`; ``None`` means no limit (see :func:`opedexport.limits.time_limit`).
    :param build_time: the timestamp written into the document (an aware datetime); ``None`` means
        ``SOURCE_DATE_EPOCH`` if set, else now. Given here, it applies to this call only.
    :param options: the exporter's options (``pdf_variant``, ``allow_hosts`` …); unknown ones are an error.
    :raises ExportError: when the exporter fails; the target is then left as it was.
    :raises RegistryError: when no exporter writes the target's suffix (``"out"`` has none: give
        ``"out.pdf"`` or ``format=…``).
    """
    return _export_article(  # type: ignore[return-value]  # bytes only on the deprecated path
        article, target, load_theme(theme), format, time_limit, build_time, options
    )


def _export_article(
    article: Article,
    target: str | os.PathLike[str],
    theme: Theme,
    format: str | None,
    time_limit: float | None,
    build_time: dt.datetime | None,
    options: Mapping[str, Any],
    written: list[Path] | None = None,
) -> bytes | Path:
    """:func:`export`; ``written`` receives every file written, the document first (a batch counts and
    lists them all: the HTML page's assets too).
    """
    _refuse_replacing_inputs(target, [article.source_path])
    return _export(
        lambda exporter, theme_obj, opts: exporter.export(article, theme_obj, **opts),
        article.source_path or "<article>",
        target,
        theme,
        format,
        time_limit,
        build_time,
        options,
        "export",
        files=lambda exporter, theme_obj, opts, stem: exporter.export_files(article, theme_obj, stem=stem, **opts),
        written=written,
    )


def export_bytes(
    article: Article,
    format: str,
    theme: str | os.PathLike[str] | Theme = "default",
    *,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    build_time: dt.datetime | None = None,
    **options: Any,
) -> bytes:
    """Render ``article`` in ``format`` (an exporter name: ``"pdf"``, ``"epub"``, ``"docx"`` …) and
    return the file's bytes; nothing is written. Parameters as in :func:`export`.

    :raises RegistryError: for an unknown format, listing those available.
    """
    return bytes(
        _render(
            lambda exporter, theme_obj, opts: exporter.export(article, theme_obj, **opts),
            article.source_path or "<article>",
            registry.exporter(format),
            load_theme(theme),
            time_limit,
            build_time,
            options,
        )
    )


def export_collection(
    collection: Collection,
    target: str | os.PathLike[str],
    theme: str | os.PathLike[str] | Theme | None = None,
    *,
    format: str | None = None,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    build_time: dt.datetime | None = None,
    **options: Any,
) -> Path:
    """Write a collection as one book to the file ``target``; parameters as in :func:`export`.

    :param theme: as in :func:`export` (from anywhere: the caller's choice); ``None`` means the
        manifest's theme (else ``default``), confined to the manifest's folder as
        :meth:`Collection.load_theme` says.
    """
    _refuse_replacing_inputs(target, [collection.source_path, *(a.source_path for a in collection.articles)])
    return _export(  # type: ignore[return-value]  # bytes only on the deprecated path
        lambda exporter, theme_obj, opts: exporter.export_collection(collection, theme_obj, **opts),
        collection.source_path or "<collection>",
        target,
        collection.load_theme() if theme is None else load_theme(theme),
        format,
        time_limit,
        build_time,
        options,
        "export_collection",
    )


def export_collection_bytes(
    collection: Collection,
    format: str,
    theme: str | os.PathLike[str] | Theme | None = None,
    *,
    time_limit: float | None = DEFAULT_TIME_LIMIT,
    build_time: dt.datetime | None = None,
    **options: Any,
) -> bytes:
    """A collection as one book in ``format``, as bytes; parameters as in :func:`export_collection`."""
    return bytes(
        _render(
            lambda exporter, theme_obj, opts: exporter.export_collection(collection, theme_obj, **opts),
            collection.source_path or "<collection>",
            registry.exporter(format),
            collection.load_theme() if theme is None else load_theme(theme),
            time_limit,
            build_time,
            options,
        )
    )


def _render(
    render: Callable[[Any, Theme, dict[str, Any]], _T],
    where: str | Path,
    exporter_cls: type[Any],
    theme: Theme,
    time_limit: float | None,
    build_time: dt.datetime | None,
    options: Mapping[str, Any],
) -> _T:
    """Render with ``exporter_cls`` within the time limit, at ``build_time``; return what ``render`` gives."""
    exporter = _exporter(exporter_cls)
    resolved = exporter.resolve_options(options)
    try:
        with (
            using_build_time(build_time),
            limits.time_limit(time_limit, what=f"the {exporter_cls.name} export", path=where),
        ):
            return render(exporter, theme, resolved)
    except OpedexportError:
        raise
    except Exception as exc:  # an exporter bug or a library failure: say which file, keep the cause
        raise ExportError(f"{exporter_cls.name} export failed: {type(exc).__name__}: {exc}", path=where) from exc


def _refuse_replacing_inputs(target: str | os.PathLike[str], inputs: list[Path | None]) -> None:
    """Refuse to write ``target`` over a file the export was read from (``build a.docx --out .``, a
    collection's manifest or one of its articles): the input would be lost for its own export.

    :raises ExportError: naming the file, before anything is rendered.
    """
    if not isinstance(target, (str, os.PathLike)) or not os.path.exists(target):
        return
    for source in inputs:
        if source is not None and os.path.exists(source) and os.path.samefile(target, source):
            raise ExportError(
                f"the output {os.fspath(target)} would replace the input it is made from; "
                "write it to another folder (--out) or under another name",
                path=source,
            )


def _export(
    render: Callable[[Any, Theme, dict[str, Any]], bytes],
    where: str | Path,
    target: str | os.PathLike[str],
    theme: Theme,
    format: str | None,
    time_limit: float | None,
    build_time: dt.datetime | None,
    options: Mapping[str, Any],
    caller: str = "export",
    files: Callable[[Any, Theme, dict[str, Any], str], dict[str, bytes]] | None = None,
    written: list[Path] | None = None,
) -> bytes | Path:
    """Pick the exporter for ``target``/``format``, render, write atomically (or, deprecated, return bytes).

    :param files: renders the export's files (:meth:`~opedexport.exporters.base.Exporter.export_files`)
        for the target's stem, where an export may write assets beside its document.
    :param written: receives every path written, the document first (its assets after it).
    """
    if (
        format is None
        and isinstance(target, str)
        and "/" not in target
        and "." not in target
        and target in registry.exporters.names()
    ):
        warnings.warn(
            f"{caller}(…, {target!r}) returning bytes is deprecated and will be removed in the next release: "
            f"use {caller}_bytes(…, {target!r}) for bytes, or give a path such as 'out.{target}' to write a file",
            DeprecationWarning,
            stacklevel=3,
        )
        return bytes(_render(render, where, registry.exporter(target), theme, time_limit, build_time, options))
    path = Path(target)
    if format is not None:
        exporter_cls = registry.exporter(format)
    elif not path.suffix:
        raise RegistryError(
            f"{caller}: cannot tell the format of {os.fspath(target)!r}, which has no suffix: give a path such "
            f"as '{path.name}.pdf', or format=… (formats: {', '.join(registry.exporters.names())}); "
            f"for bytes use {caller}_bytes",
            path=path,
        )
    else:
        exporter_cls = registry.exporter_for_suffix(path.suffix)
    if files is not None:
        produced = _render(
            lambda exporter, theme_obj, opts: files(exporter, theme_obj, opts, path.stem),
            where,
            exporter_cls,
            theme,
            time_limit,
            build_time,
            options,
        )
        paths = write_files(path, produced)
    else:
        data = _render(render, where, exporter_cls, theme, time_limit, build_time, options)
        write_atomic(path, bytes(data))
        paths = [path]
    if written is not None:
        written.extend(paths)
    return path


_EXPORTERS: dict[type, Any] = {}


def _exporter(cls: type) -> Any:
    """One instance per exporter class per process, so its caches (fonts, CSS) are reused."""
    if cls not in _EXPORTERS:
        _EXPORTERS[cls] = cls()
    return _EXPORTERS[cls]


def formats() -> Mapping[str, list[tuple[str, Any, str]]]:
    """Every reader and exporter name with its class (``None`` if unavailable) and the problem, if any."""
    return {"readers": registry.readers.all(), "exporters": registry.exporters.all()}
