"""Upload names: kept in any script but safe to write and to show, and sent back in a
``Content-Disposition`` that every client reads (RFC 6266, RFC 8187).
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

__all__ = ["clean_name", "disposition"]

#: The longest upload name kept, in characters and in UTF-8 bytes (a file name may have 255 bytes).
_NAME_CHARS = 120
_NAME_BYTES = 200
#: The longest suffix kept, in characters.
_SUFFIX_CHARS = 16


def _clean_part(text: str, also: str = "-_") -> str:
    """``text`` with letters, marks and digits of any script and the characters in ``also``; every run
    of others (spaces, controls, bidi marks, quotes …) is one ``_``; no ``.`` or ``_`` at either end.
    """
    out: list[str] = []
    for char in text:
        if char in also or unicodedata.category(char)[0] in "LMN":
            out.append(char)
        elif not out or out[-1] != "_":
            out.append("_")
    return "".join(out).strip("._")


def clean_name(raw: str) -> str:
    """The client's file name, safe to write and to show: no folders, no control, format or space
    characters (each run of them one ``_``), letters of any script kept, the suffix kept (it chooses
    the reader), at most :data:`_NAME_CHARS` characters and :data:`_NAME_BYTES` UTF-8 bytes;
    ``upload`` (with the suffix) when nothing of the stem is left.
    """
    base = unicodedata.normalize("NFC", raw.replace("\\", "/").rsplit("/", 1)[-1])
    stem, dot, suffix = base.rpartition(".")
    if not dot:
        stem, suffix = base, ""
    suffix = _clean_part(suffix)[:_SUFFIX_CHARS]
    suffix = "." + suffix if suffix else ""
    stem = _clean_part(stem, "-_.")[: _NAME_CHARS - len(suffix)]
    while len((stem + suffix).encode("utf-8")) > _NAME_BYTES:
        stem = stem[:-1]
    return (stem.rstrip("._") or "upload") + suffix


def _ascii_name(name: str) -> str:
    """``name`` in ASCII, for the ``filename=`` of a ``Content-Disposition`` (accents dropped, other
    letters as ``_``; ``article`` when no ASCII letter is left of the stem).
    """
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""

    def ascii_part(text: str) -> str:
        bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
        return re.sub(r"[^A-Za-z0-9-]+", "_", bare).strip("_")

    stem, suffix = ascii_part(stem) or "article", ascii_part(suffix)
    return stem + ("." + suffix if suffix else "")


def disposition(name: str) -> str:
    """An ``attachment`` ``Content-Disposition`` for ``name`` (RFC 6266): a name not in ASCII is sent as
    ``filename*=UTF-8''…`` (RFC 8187) after an ASCII ``filename=`` for clients that do not read it.
    """
    if name.isascii():
        return f'attachment; filename="{name}"'
    return f"attachment; filename=\"{_ascii_name(name)}\"; filename*=UTF-8''{urllib.parse.quote(name, safe='')}"
