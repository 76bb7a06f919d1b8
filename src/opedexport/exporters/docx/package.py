"""Packaging: the document saved as a zip whose bytes depend only on its content and ``SOURCE_DATE_EPOCH``."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any


def reproducible_zip(data: bytes, when: dt.datetime) -> bytes:
    """Rewrite the zip ``data`` with every entry stamped ``when`` (clamped to the years a zip can
    hold), fixed permissions and ``[Content_Types].xml`` first, so equal content gives equal bytes.
    """
    stamp = when.astimezone(dt.UTC) if when.tzinfo else when
    stamp = min(max(stamp.replace(tzinfo=None), dt.datetime(1980, 1, 1)), dt.datetime(2107, 12, 31, 23, 59, 58))
    date_time = (stamp.year, stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        names.sort(key=lambda n: n != "[Content_Types].xml")  # stable: the rest keep python-docx's order
        for name in names:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            dst.writestr(info, src.read(name), compresslevel=6)
    return out.getvalue()


def _save(document: Any, when: dt.datetime) -> bytes:
    """The bytes of ``document``, stamped ``when`` (see :func:`reproducible_zip`)."""
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), when)
