"""When a document is made: the one timestamp every exporter writes into its output.

A caller gives it per call (:func:`opedexport.export`'s ``build_time``); a job of
:func:`opedexport.export_many` carries the ``SOURCE_DATE_EPOCH`` its caller saw. It is held in a
:class:`contextvars.ContextVar` for the duration of one export, so two exports in two threads never
see each other's, and ``os.environ`` is only ever read, never written.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import os
from collections.abc import Iterator

from .errors import ExportError

__all__ = ["build_datetime", "epoch_datetime", "using_build_time"]

_BUILD_TIME: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("opedexport_build_time", default=None)


def epoch_datetime(epoch: str | int) -> dt.datetime:
    """``epoch`` (seconds since 1970, as ``SOURCE_DATE_EPOCH`` gives them) as an aware UTC datetime.

    :raises ExportError: when it is not a whole number of seconds.
    """
    try:
        return dt.datetime.fromtimestamp(int(str(epoch).strip()), tz=dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise ExportError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {epoch!r}: "
            "set it to one (e.g. `date +%s`) or unset it"
        ) from None


@contextlib.contextmanager
def using_build_time(when: dt.datetime | None) -> Iterator[None]:
    """Within the block (in this thread or task only), :func:`build_datetime` is ``when``;
    ``None`` leaves it as it was.
    """
    if when is None:
        yield
        return
    if when.tzinfo is None:
        raise ExportError("build_time must be an aware datetime (give tzinfo, e.g. datetime.UTC)")
    token = _BUILD_TIME.set(when.astimezone(dt.UTC).replace(microsecond=0))
    try:
        yield
    finally:
        _BUILD_TIME.reset(token)


def build_datetime() -> dt.datetime:
    """When the document is made, as written into its own timestamps (PDF ``/CreationDate`` and
    ``/ModDate``, EPUB ``dcterms:modified``, DOCX core properties, zip entry times).

    The build time given for this export (:func:`using_build_time`) if any; else
    ``SOURCE_DATE_EPOCH`` when set (a reproducible build: the same input gives the same bytes);
    otherwise now, in UTC, to the second. The article's publication date is never used: it is the
    article's (``dc:date``, the dateline), not the document's.

    :raises ExportError: when ``SOURCE_DATE_EPOCH`` is not a whole number of seconds.
    """
    given = _BUILD_TIME.get()
    if given is not None:
        return given
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        return epoch_datetime(epoch)
    return dt.datetime.now(dt.UTC).replace(microsecond=0)
