"""Decoding a page's bytes and parsing it into a tree."""

from __future__ import annotations

import codecs
from pathlib import Path

import lxml.html
from lxml import etree

from ... import limits
from ...errors import InputError, LimitError
from ..base import Source
from ._common import _BOMS, _CHARSET_ALIASES, _CONTROL, _DOCTYPE, _MAX_DEPTH, _META_CHARSET, _XML_DECL, El

# --------------------------------------------------------------------------- decoding and parsing


def _decode(source: Source) -> tuple[str, str]:
    """The page's text and how its encoding was chosen."""
    where = source.path or "<string>"
    data = source.data
    if len(data) > limits.MAX_MARKUP_BYTES:  # parsing a page costs many times its size
        raise LimitError(limits.over("bytes of HTML", len(data), "MAX_MARKUP_BYTES"), path=where)
    if not data.strip():
        raise InputError("the input is empty", path=where)
    encoding, how = "utf-8", "UTF-8 (no charset declared)"
    if source.decoded:  # a string decoded already: its declared charset no longer applies
        encoding, how = "utf-8", "none (the page was given as text, decoded already)"
        data = data.removeprefix(codecs.BOM_UTF8)
    for bom, codec in () if source.decoded else _BOMS:
        if data.startswith(bom):
            data, encoding, how = data[len(bom) :], codec, f"{codec} (byte order mark)"
            break
    else:
        if not source.decoded and (match := _META_CHARSET.search(data[:4096])):
            label = match.group(1).decode("ascii").lower()
            encoding, how = _CHARSET_ALIASES.get(label, label), f"{label} (meta charset)"
    text = ""
    for codec, said in ((encoding, how), ("utf-8", f"UTF-8 (the declared {encoding!r} is no text encoding)")):
        try:
            text, how = data.decode(codec), said
            break
        except LookupError:
            continue
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"cannot decode the page as {said}: byte 0x{data[exc.start]:02x} at offset {exc.start}",
                path=where,
                line=line,
            ) from None
    if not text.strip():
        raise InputError("the input is empty", path=where)
    return text, how


def _parse(text: str, where: str | Path) -> El:
    """The page's tree; comments, processing instructions and a DOCTYPE's internal subset never reach it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", " ")
    text = _CONTROL.sub("", _DOCTYPE.sub("", _XML_DECL.sub("", text, count=1), count=1))
    parser = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, default_doctype=False)
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise InputError(f"not an HTML page: {exc}", path=where) from None
    depth = {root: 0}
    for el in root.iter():
        if (level := depth.get(el.getparent(), -1) + 1) >= _MAX_DEPTH:
            raise LimitError(f"the page nests elements more than {_MAX_DEPTH} levels deep", path=where)
        depth[el] = level
    return root
