"""Packaging: the document saved as a zip whose bytes depend only on its content and ``SOURCE_DATE_EPOCH``."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

from .._common import write_zip


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the zip ``data`` with every entry stamped ``when`` (clamped to the years a zip can
    hold), fixed permissions and ``[Content_Types].xml`` first, so equal content gives equal bytes.
    """
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = src.namelist()
        names.sort(key=lambda n: n != "[Content_Types].xml")  # stable: the rest keep python-docx's order
        entries = [(name, src.read(name)) for name in names]
    return write_zip(entries, when, mode=0o644, level=6)


def _save(document: Any, when: dt.datetime) -> bytes:
    """The bytes of ``document``, stamped ``when`` (see :func:`reproducible_zip`)."""
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), when)
