"""The DOCX reader: an author's Word submission (also what pandoc, LibreOffice and opedexport write).

The package is opened with :mod:`zipfile` and checked before any XML is
parsed: at most 1000 entries, at most 100 MB uncompressed in all, and no entry
over 1 MiB that expands more than 100 times (a zip bomb); each breach is a
:class:`~opedexport.errors.LimitError` naming the file. Parts are read within
that budget and parsed by lxml without DTDs, entities or network
(``resolve_entities=False, load_dtd=False, no_network=True``); a part with a
DOCTYPE is refused outright. python-docx is not used for reading, so its
parser's settings do not matter.

Paragraphs (by style name, as Word stores built-in names in English whatever the
user's language, and by outline level)
    ``Title`` is the title, ``Subtitle`` the dek; ``heading 1``–``9``, and any
    other body paragraph with an outline level (``w:outlineLvl``, direct or from
    its style), are headings, renumbered by rank (so a document using heading 2 and 3 gets
    levels 1 and 2; at most 3). ``Quote``, ``Block Text``, ``Quotations``
    (LibreOffice) are block quotes (consecutive ones make one quote; an
    ``Attribution`` paragraph, or a last line opening with a dash, is its
    attribution); ``Intense Quote`` is a pull quote. A paragraph with numbering
    (``w:numPr``, direct or from its style, a format other than ``none``) is a
    list item at its ``w:ilvl``, bulleted or numbered as ``numbering.xml`` says
    and starting where it says; ``List Continue`` paragraphs continue the item.
    ``Source Code`` paragraphs are code. A paragraph holding only a horizontal
    line (``o:hr``), a ``Rule`` paragraph, or ``* * *`` is a rule. Tables are
    tables (a first row marked ``w:tblHeader`` or by the table look is the
    header; a one-cell table is read as its content); ``Caption``, ``Table
    Caption`` and ``Image Caption`` paragraphs caption the table or image next
    to them. Empty paragraphs and tables of contents are skipped.

Runs
    Bold and italic (``w:b``/``w:i`` on the run or in its character style, so
    also ``Strong`` and ``Emphasis``) give :class:`~opedexport.model.Strong` and
    :class:`~opedexport.model.Emph`; ``Verbatim Char`` and runs in a monospaced
    font give :class:`~opedexport.model.Code`; ``w:hyperlink`` (its ``r:id``
    looked up in the part's relationships) and ``HYPERLINK`` fields give links
    (http, https, mailto, tel and relative targets; any other, such as
    ``javascript:``, is dropped with a warning naming the file and paragraph,
    the text kept); line breaks are kept, page breaks dropped;
    deleted tracked changes are left out, insertions kept.

Notes
    ``w:footnoteReference`` and ``w:endnoteReference`` become a
    :class:`~opedexport.model.Note` at that place, holding the note's paragraphs
    from ``word/footnotes.xml`` or ``word/endnotes.xml``.

Images
    The reader writes no files, and the model's :class:`~opedexport.model.Figure`
    needs an image file beside the article, so an embedded image is left out:
    what describes it stays as an italic paragraph, its alt text
    (``wp:docPr/@descr``) in brackets followed by its caption, and a note names
    the image in :attr:`~opedexport.readers.base.ReadResult.notes`.

Metadata
    Visible paragraphs win over the core properties (``docProps/core.xml``),
    which are often a template's leftovers: the title from ``Title``, else
    ``dc:title``, else a heading opening the document (a heading opening the
    document that repeats the title is dropped, rule ``duplicate-title``; neither
    counts when heading levels are ranked); authors from
    ``Byline``/``Author`` paragraphs (with ``Affiliation`` paragraphs), else
    ``dc:creator`` split at ``;`` or ``,``; the date from a ``Date`` or
    ``Dateline`` paragraph, else ``dcterms:created``; the summary from
    ``Abstract``, else ``dc:subject`` or ``dc:description``; tags from
    ``cp:keywords``; the language from the ``lang`` argument, else
    ``dc:language``, else detected from the text. python-docx's template
    defaults (creator ``python-docx``, created 2013-12-23) are ignored.
    opedexport's own title block and end matter (``Kicker``, ``Byline``,
    ``Affiliation``, ``Dateline``, ``End Matter``) are read back into the
    publication, authors, date, bios, disclosure, source URL and rights. A
    trailer ``*) Penulis adalah …`` becomes the bio of a single author. Each
    paragraph taken is listed in :attr:`~opedexport.readers.base.ReadResult.removed`,
    its ``line`` being the paragraph's number in the document.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeAlias

from lxml import etree

from .. import limits
from ..errors import InputError, LimitError, ModelError
from ..i18n import labels_for
from ..langdetect import detect_language
from ..model import (
    Article,
    Author,
    Block,
    BlockQuote,
    Code,
    Emph,
    Heading,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Paragraph,
    PullQuote,
    Rule,
    Strong,
    Table,
    Text,
    is_lang_tag,
    plain_text,
)
from ._normalize import DUPLICATE_TITLE, heading_levels, link_target, safe_url, same_title, strip_inlines
from .base import Reader, ReadResult, Removal, Source
from .text import LineRules

__all__ = ["MAX_ENTRIES", "MAX_RATIO", "MAX_UNCOMPRESSED", "DocxReader"]

#: The most zip entries a DOCX may have.
MAX_ENTRIES = 1000
#: The most bytes its entries may hold uncompressed, in all.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
#: The most an entry may expand (uncompressed / compressed size) ...
MAX_RATIO = 100
#: ... when it is larger than this (small entries cannot bomb).
_RATIO_FLOOR = 1024 * 1024

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_O = "urn:schemas-microsoft-com:office:office"
_V = "urn:schemas-microsoft-com:vml"
_CORE = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
}
_MONOSPACE = frozenset(
    "courier new|courier|consolas|menlo|monaco|liberation mono|dejavu sans mono|source code pro|lucida console"
    "|noto sans mono|cousine|fira mono|fira code|jetbrains mono|ubuntu mono".split("|")
)
_PYTHON_DOCX_DEFAULTS = frozenset({"python-docx", "generated by python-docx", "2013-12-23T23:15:00Z"})
_ATTRIBUTION = re.compile(r"^\s*(?:—|―|–|--)-?\s*")
_HYPERLINK_FIELD = re.compile(r'^\s*HYPERLINK\s+(?:\\[a-z]\s+"[^"]*"\s+)*"?(?P<url>[^"\s]+)"?', re.IGNORECASE)
_RULE_TEXT = frozenset({"* * *", "***", "⁂", "---", "—", "* * * *"})

#: Paragraph style names (lower case, no spaces) and what they mean here.
_STYLE_KINDS = {
    "title": "title",
    "subtitle": "subtitle",
    "quote": "quote",
    "blocktext": "quote",
    "quotations": "quote",
    "quotation": "quote",
    "blockquote": "quote",
    "intensequote": "pullquote",
    "attribution": "attribution",
    "caption": "caption",
    "imagecaption": "caption",
    "tablecaption": "caption",
    "figurecaption": "caption",
    "sourcecode": "code",
    "rule": "rule",
    "author": "byline",
    "byline": "byline",
    "affiliation": "affiliation",
    "date": "dateline",
    "dateline": "dateline",
    "kicker": "kicker",
    "abstract": "abstract",
    "endmatter": "endmatter",
    "tocheading": "skip",
}

Item: TypeAlias = "tuple[Inline | str, frozenset[str]]"


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def _val(el: Any, name: str = "val") -> str:
    """The ``w:val`` (or another ``w:`` attribute) of ``el``; ``""`` when ``el`` is ``None`` or has none."""
    return "" if el is None else el.get(_w(name), "")


def _on(el: Any) -> bool | None:
    """A toggle property (``<w:b/>``, ``<w:i w:val="0"/>``): ``None`` when absent."""
    return None if el is None else _val(el).lower() not in ("0", "false", "off", "none")


def _key(name: str) -> str:
    return re.sub(r"[\s_-]", "", name).lower()


# --------------------------------------------------------------------------- the package


class _Package:
    """A DOCX zip read within limits, its XML parts parsed without DTDs, entities or network."""

    def __init__(self, data: bytes, where: str | Path):
        self.where = where
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self.zip.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError, NotImplementedError):
            message = "not a DOCX file: not a zip archive (an old .doc, or an encrypted file?)"
            raise InputError(message, path=where) from None
        if len(infos) > MAX_ENTRIES:
            raise LimitError(f"the DOCX has {len(infos)} zip entries, over the limit of {MAX_ENTRIES}", path=where)
        total = sum(i.file_size for i in infos)
        if total > MAX_UNCOMPRESSED:
            raise LimitError(f"the DOCX expands to {total} bytes, over the limit of {MAX_UNCOMPRESSED}", path=where)
        for info in infos:
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                ratio = info.file_size // max(info.compress_size, 1)
                raise LimitError(
                    f"{info.filename} expands {ratio} times (over {MAX_RATIO}): refusing a possible zip bomb",
                    path=where,
                )
        self.names = {i.filename for i in infos}
        self.budget = MAX_UNCOMPRESSED

    def read(self, name: str) -> bytes | None:
        """The bytes of entry ``name``, or ``None`` when there is none."""
        if name not in self.names:
            return None
        try:
            with self.zip.open(name) as f:
                data = f.read(self.budget + 1)
        except (
            zipfile.BadZipFile,
            RuntimeError,
            NotImplementedError,
            zlib.error,
            EOFError,
            OSError,
            ValueError,
        ) as exc:
            raise InputError(f"{name}: cannot be unpacked ({exc})", path=self.where) from None
        self.budget -= len(data)
        if self.budget < 0:
            raise LimitError(f"the DOCX expands past {MAX_UNCOMPRESSED} bytes", path=self.where)
        return data

    def xml(self, name: str) -> Any:
        """The root element of XML part ``name``, or ``None`` when there is none."""
        data = self.read(name)
        if data is None:
            return None
        if len(data) > limits.MAX_MARKUP_BYTES:  # parsing XML costs many times its size
            raise LimitError(limits.over(f"bytes of {name}", len(data), "MAX_MARKUP_BYTES"), path=self.where)
        if b"<!DOCTYPE" in data or b"<\x00!\x00D\x00O\x00C\x00T\x00Y\x00P\x00E" in data:
            raise InputError(f"{name}: a DOCTYPE is not allowed in a DOCX part", path=self.where)
        parser = etree.XMLParser(
            resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
        )
        try:
            root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            detail = " ".join(str(exc).replace(" ,", ",").split()).replace(
                " ,", ","
            )  # libxml2 may end a line mid-message
            raise InputError(f"{name}: not well-formed XML ({detail})", path=self.where) from None
        info = root.getroottree().docinfo
        if info.doctype or info.internalDTD is not None:
            raise InputError(f"{name}: a DOCTYPE is not allowed in a DOCX part", path=self.where)
        return root

    def rels(self, part: str) -> dict[str, tuple[str, str, bool]]:
        """The relationships of ``part``: id → (type, target, external), internal targets as entry names."""
        folder, base = posixpath.split(part)
        root = self.xml(posixpath.join(folder, "_rels", base + ".rels"))
        out: dict[str, tuple[str, str, bool]] = {}
        for rel in [] if root is None else root.iter(f"{{{_PKG_REL}}}Relationship"):
            target, external = rel.get("Target", ""), rel.get("TargetMode") == "External"
            if not external:
                target = posixpath.normpath(posixpath.join("/" + folder, target)).lstrip("/")
            out[rel.get("Id", "")] = (rel.get("Type", ""), target, external)
        return out

    def related(self, rels: dict[str, tuple[str, str, bool]], kind: str) -> str | None:
        """The entry name of the first internal relationship whose type ends in ``/kind``."""
        return next((t for typ, t, ext in rels.values() if typ.endswith("/" + kind) and not ext), None)


# --------------------------------------------------------------------------- styles and numbering


@dataclass(slots=True)
class _Style:
    name: str
    based_on: str
    ppr: Any
    rpr: Any


class _Styles:
    """``styles.xml``: names, inheritance, and the properties a paragraph or run takes from its style."""

    def __init__(self, root: Any):
        self.styles: dict[str, _Style] = {}
        for style in [] if root is None else root.iter(_w("style")):
            self.styles[style.get(_w("styleId"), "")] = _Style(
                _val(style.find(_w("name"))) or style.get(_w("styleId"), ""),
                _val(style.find(_w("basedOn"))),
                style.find(_w("pPr")),
                style.find(_w("rPr")),
            )

    def chain(self, style_id: str) -> Iterator[_Style]:
        """The style and those it is based on, nearest first (cycles and depth bounded)."""
        seen: set[str] = set()
        while style_id in self.styles and style_id not in seen and len(seen) < 20:
            seen.add(style_id)
            yield self.styles[style_id]
            style_id = self.styles[style_id].based_on

    def name(self, style_id: str) -> str:
        return _key(self.styles[style_id].name) if style_id in self.styles else _key(style_id)

    def ppr(self, style_id: str, tag: str) -> Any:
        """The nearest ``w:pPr/w:<tag>`` along the style's chain."""
        return next(
            (el for s in self.chain(style_id) if s.ppr is not None and (el := s.ppr.find(_w(tag))) is not None), None
        )

    def rpr(self, style_id: str, tag: str) -> Any:
        """The nearest ``w:rPr/w:<tag>`` along the style's chain."""
        return next(
            (el for s in self.chain(style_id) if s.rpr is not None and (el := s.rpr.find(_w(tag))) is not None), None
        )


class _Numbering:
    """``numbering.xml``: whether list ``numId`` at level ``ilvl`` is numbered, and where it starts."""

    def __init__(self, root: Any):
        self.abstract: dict[str, Any] = {}
        self.nums: dict[str, tuple[str, Any]] = {}
        for el in [] if root is None else root:
            if el.tag == _w("abstractNum"):
                self.abstract[el.get(_w("abstractNumId"), "")] = el
            elif el.tag == _w("num"):
                self.nums[el.get(_w("numId"), "")] = (_val(el.find(_w("abstractNumId"))), el)

    def level(self, num_id: str, ilvl: int) -> tuple[str, int]:
        """``(format, start)`` of a list level: ``bullet``, ``decimal`` …, or ``none``."""
        abstract_id, num = self.nums.get(num_id, ("", None))
        fmt, start = "bullet", 1
        abstract = self.abstract.get(abstract_id)
        for lvl in [] if abstract is None else abstract.iter(_w("lvl")):
            if lvl.get(_w("ilvl")) == str(ilvl):
                fmt = _val(lvl.find(_w("numFmt"))) or fmt
                start = _int(_val(lvl.find(_w("start"))), 1)
        for override in [] if num is None else num.iter(_w("lvlOverride")):
            if override.get(_w("ilvl")) == str(ilvl) and (s := override.find(_w("startOverride"))) is not None:
                start = _int(_val(s), start)
        return fmt, start


def _int(text: str, default: int) -> int:
    return int(text) if text.strip().isdigit() else default


# --------------------------------------------------------------------------- paragraphs


@dataclass(slots=True)
class _Para:
    """One paragraph, classified, before paragraphs are grouped into lists, quotes and figures."""

    kind: str
    inlines: tuple[Inline, ...] = ()
    level: int = 0
    ordered: bool = False
    start: int = 1
    images: list[tuple[str, str]] = field(default_factory=list)
    number: int = 0
    table: Table | None = None
    cell_paras: list[_Para] = field(default_factory=list)
    """The paragraphs of a one-cell table read as its content, assembled once heading levels are ranked."""


@dataclass(slots=True)
class _Meta:
    title: str = ""
    subtitle: str = ""
    authors: list[Author] = field(default_factory=list)
    bylines: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    datelines: list[str] = field(default_factory=list)
    date: dt.date | None = None
    publication: str = ""
    summary: str = ""
    disclosure: str = ""
    source_url: str = ""
    rights: str = ""
    end_matter: list[tuple[Inline, ...]] = field(default_factory=list)


class _Converter:
    """Maps WordprocessingML to model nodes, one method per element type."""

    def __init__(self, package: _Package, document: str, notes: list[str]):
        self.package = package
        self.where = package.where
        self.notes = notes
        rels = package.rels(document)
        self.rels = {document: rels}
        self.document = document
        self.styles = _Styles(package.xml(package.related(rels, "styles") or ""))
        self.numbering = _Numbering(package.xml(package.related(rels, "numbering") or ""))
        self.note_parts: dict[str, tuple[str, dict[str, Any]]] = {}
        for kind in ("footnote", "endnote"):
            part = package.related(rels, kind + "s")
            root = package.xml(part) if part else None
            if part and root is not None:
                self.rels[part] = package.rels(part)
                self.note_parts[kind] = (part, {n.get(_w("id"), ""): n for n in root.iter(_w(kind))})
        self.in_note = False
        self.placed: set[tuple[str, str]] = set()
        self.count = 0

    # ----------------------------------------------------------------- block level

    def paragraphs(self, parent: Any, part: str) -> list[_Para]:
        """The classified paragraphs and tables of a body, a cell or a note, in order."""
        out: list[_Para] = []
        for child in parent:
            if child.tag == _w("p"):
                self.count += 1
                out.append(self.paragraph(child, part))
            elif child.tag == _w("tbl"):
                self.count += 1
                out.append(self.table(child, part))
            elif child.tag in (_w("sdt"), _w("sdtContent"), _w("customXml")):
                out.extend(self.paragraphs(child, part))
        return out

    def paragraph(self, p: Any, part: str) -> _Para:
        """``w:p``: its kind from its style, outline level and numbering, and its inlines."""
        ppr = p.find(_w("pPr"))
        style_id = _val(ppr.find(_w("pStyle"))) if ppr is not None else ""
        name = self.styles.name(style_id) if style_id else "normal"
        images: list[tuple[str, str]] = []
        items = self.items(p, part, images)
        inlines = strip_inlines(_build(items))
        para = _Para(_STYLE_KINDS.get(name, "body"), inlines, images=images, number=self.count)
        if name.startswith("toc"):
            para.kind = "skip"
        outline = _own(ppr, "outlineLvl")
        if outline is None:
            outline = self.styles.ppr(style_id, "outlineLvl")
        heading = re.fullmatch(r"heading(\d)", name)
        if heading or (para.kind == "body" and outline is not None and _int(_val(outline), 9) < 9):
            para.kind, para.level = "heading", int(heading.group(1)) if heading else _int(_val(outline), 0) + 1
            return para
        numpr = _own(ppr, "numPr")
        if numpr is None:
            numpr = self.styles.ppr(style_id, "numPr")
        num_id = _val(numpr.find(_w("numId"))) if numpr is not None else ""
        # Word's "List Bullet 2" is its own list at level 0, indented: the style's number is the level.
        listed = name.startswith(("listbullet", "listnumber"))
        style_level = _int(name[-1], 1) - 1 if listed and name[-1].isdigit() else 0
        if num_id and num_id != "0" and para.kind in ("body", "quote"):
            ilvl = numpr.find(_w("ilvl"))
            fmt, start = self.numbering.level(num_id, _int(_val(ilvl), 0))
            if fmt != "none":
                para.kind, para.ordered, para.start = "item", fmt != "bullet", start
                para.level = _int(_val(ilvl), 0) if ilvl is not None else style_level
        elif listed and para.kind == "body":
            para.kind, para.ordered, para.level = "item", name.startswith("listnumber"), style_level
        elif name.startswith("listcontinue"):
            para.kind = "continue"
        if para.kind == "body" and (
            p.find(f".//{{{_V}}}rect[@{{{_O}}}hr='t']") is not None or plain_text(inlines).strip() in _RULE_TEXT
        ):
            para.kind = "rule"
        if images and para.kind not in ("item", "heading"):
            para.kind = "figure"
        return para

    def table(self, tbl: Any, part: str) -> _Para:
        """``w:tbl``: a table, or the content of its one cell."""
        rows = [
            [tc for tc in tr.iter(_w("tc")) if _closest(tc, "tbl") is tbl]
            for tr in tbl.iter(_w("tr"))
            if _closest(tr, "tbl") is tbl
        ]
        rows = [r for r in rows if r]
        if sum(len(r) for r in rows) == 1:
            return _Para("cell", cell_paras=self.paragraphs(rows[0][0], part))
        header = _header_row(tbl)
        cells = [tuple(self.cell(tc, part) for tc in row) for row in rows]
        if not cells:
            return _Para("skip")
        return _Para(
            "table", table=Table(cells[0] if header else (), tuple(cells[1:] if header else cells)), number=self.count
        )

    def cell(self, tc: Any, part: str) -> tuple[Inline, ...]:
        """A table cell's paragraphs as inlines joined by line breaks."""
        out: list[Inline] = []
        for p in tc.iter(_w("p")):
            inlines = strip_inlines(_build(self.items(p, part, [])))
            if inlines:
                out.extend([LineBreak(), *inlines] if out else inlines)
        return tuple(out)

    # ----------------------------------------------------------------- runs

    def items(self, parent: Any, part: str, images: list[tuple[str, str]]) -> list[Item]:
        """The inline content of a paragraph or a container inside it, with each piece's marks."""
        out: list[Item] = []
        stack: list[tuple[list[str], list[Item], bool]] = []  # open fields: instruction, result, in result
        for child in parent:
            tag = child.tag
            if tag == _w("r"):
                pieces = self.run(child, part, images)
            elif tag == _w("hyperlink"):
                pieces = self.hyperlink(child, part, images)
            elif tag == _w("fldSimple"):
                pieces = self.field(child.get(_w("instr"), ""), self.items(child, part, images))
            elif tag in (
                _w("ins"),
                _w("moveTo"),
                _w("smartTag"),
                _w("customXml"),
                _w("sdt"),
                _w("sdtContent"),
                _w("dir"),
                _w("bdo"),
            ):
                pieces = self.items(child, part, images)
            else:  # w:del, w:moveFrom, bookmarks, proofing marks, properties
                continue
            for piece in pieces:
                node = piece[0]
                if node == "\x00begin":
                    stack.append(([], [], False))
                elif node == "\x00separate" and stack:
                    stack[-1] = (stack[-1][0], stack[-1][1], True)
                elif node == "\x00end" and stack:
                    instr, result, _ = stack.pop()
                    done = self.field("".join(instr), result)
                    (stack[-1][1] if stack else out).extend(done)
                elif isinstance(node, str) and node.startswith("\x00instr") and stack:
                    stack[-1][0].append(node.removeprefix("\x00instr"))
                elif stack:
                    if stack[-1][2]:
                        stack[-1][1].append(piece)
                else:
                    out.append(piece)
        for _instr, result, _ in stack:  # a field never closed: keep what it shows
            out.extend(result)
        return out

    def run(self, r: Any, part: str, images: list[tuple[str, str]]) -> list[Item]:
        """``w:r``: its text, breaks, note references, images and field markers, with its marks."""
        marks = self.marks(r.find(_w("rPr")))
        out: list[Item] = []
        for child in r:
            tag = child.tag
            if tag in (_w("t"), _w("instrText")):
                text = (child.text or "").replace("\t", " ")
                out.append(("\x00instr" + text, marks) if tag == _w("instrText") else (text, marks))
            elif tag == _w("tab"):
                out.append((" ", marks))
            elif tag in (_w("br"), _w("cr")):
                if _val(child, "type") not in ("page", "column"):
                    out.append((LineBreak(), frozenset()))
            elif tag == _w("noBreakHyphen"):
                out.append(("\u2011", marks))
            elif tag in (_w("footnoteReference"), _w("endnoteReference")):
                kind = "footnote" if tag == _w("footnoteReference") else "endnote"
                out.extend((n, frozenset()) for n in self.note(kind, child.get(_w("id"), "")))
            elif tag == _w("fldChar"):
                out.append(("\x00" + _val(child, "fldCharType"), frozenset()))
            elif tag in (
                _w("drawing"),
                _w("pict"),
                "{http://schemas.openxmlformats.org/markup-compatibility/2006}AlternateContent",
            ):
                images.extend(self.image(child))
        return out

    def marks(self, rpr: Any) -> frozenset[str]:
        """Strong, emph and code, from the run's own properties and its character style."""
        style_id = _val(rpr.find(_w("rStyle"))) if rpr is not None else ""
        name = self.styles.name(style_id) if style_id else ""
        marks: set[str] = set()
        for tag, mark in (("b", "strong"), ("i", "emph")):
            own = _on(_own(rpr, tag))
            if (
                own
                or (own is None and _on(self.styles.rpr(style_id, tag)))
                or name == {"strong": "strong", "emph": "emphasis"}[mark]
            ):
                marks.add(mark)
        fonts = _own(rpr, "rFonts")
        if fonts is None:
            fonts = self.styles.rpr(style_id, "rFonts")
        font = _val(fonts, "ascii").lower() if fonts is not None else ""
        if name in ("verbatimchar", "htmlcode", "sourcecodechar", "code") or font in _MONOSPACE:
            marks.add("code")
        return frozenset(marks)

    def hyperlink(self, el: Any, part: str, images: list[tuple[str, str]]) -> list[Item]:
        """``w:hyperlink``: a link to its relationship's target (anchors within the document keep their text)."""
        inner = self.items(el, part, images)
        rel_id = el.get(f"{{{_R}}}id", "")
        target = self.rels[part].get(rel_id) or self.rels[self.document].get(rel_id)
        url = link_target(target[1], self.where, self.count) if target is not None and target[2] else ""
        if url.startswith("#"):  # a bookmark within the document, written as an external target
            url = ""
        if target is not None and target[2] and not url:
            self.notes.append(f"link target {target[1][:60]!r} dropped (not http, https, mailto, tel)")
        title = el.get(_w("tooltip"), "")
        children = _build(inner)
        return [(Link(children, url, title), frozenset())] if url and children else inner

    def field(self, instr: str, result: list[Item]) -> list[Item]:
        """A field: a ``HYPERLINK`` becomes a link around what it shows; any other field shows its result."""
        match = _HYPERLINK_FIELD.match(instr)
        url = link_target(match["url"], self.where, self.count) if match and "\\l" not in instr else ""
        url = "" if url.startswith("#") else url
        children = _build(result)
        return [(Link(children, url), frozenset())] if url and children else result

    def note(self, kind: str, note_id: str) -> list[Inline]:
        """The :class:`Note` a reference calls; nothing inside a note, or for a note already placed."""
        part, notes = self.note_parts.get(kind, ("", {}))
        element = notes.get(note_id)
        if self.in_note or element is None or (kind, note_id) in self.placed:
            if element is None:
                self.notes.append(f"{kind} {note_id} is referenced but missing; it was left out")
            return []
        self.placed.add((kind, note_id))
        self.in_note = True
        try:
            blocks = _assemble(self.paragraphs(element, part), self.notes)
        finally:
            self.in_note = False
        return [Note(tuple(blocks))] if blocks else []

    def image(self, el: Any) -> list[tuple[str, str]]:
        """An embedded image's alt text and file name (``wp:docPr``, or VML's ``v:imagedata``)."""
        out: list[tuple[str, str]] = []
        for pr in el.iter(f"{{{_WP}}}docPr"):
            out.append((" ".join((pr.get("descr") or pr.get("title") or "").split()), pr.get("name") or "image"))
        if not out:
            for data in el.iter(f"{{{_V}}}imagedata"):
                out.append((" ".join((data.get(f"{{{_O}}}title") or "").split()), "image"))
        return out[:1]


def _header_row(tbl: Any) -> bool:
    """Whether a table's first row is its header: marked ``w:tblHeader``, or so by the table look."""
    first = next(tbl.iter(_w("tr")), None)
    if first is not None and first.find(f"{_w('trPr')}/{_w('tblHeader')}") is not None:
        return True
    look = tbl.find(f"{_w('tblPr')}/{_w('tblLook')}")
    if look is None:
        return False
    if flag := _val(look, "firstRow"):
        return flag.lower() in ("1", "true", "on")
    bits = _val(look)
    return bool(re.fullmatch(r"[0-9A-Fa-f]{1,4}", bits)) and int(bits, 16) & 0x20 > 0


def _own(ppr: Any, tag: str) -> Any:
    return None if ppr is None else ppr.find(_w(tag))


def _closest(el: Any, tag: str) -> Any:
    return next(el.iterancestors(_w(tag)), None)


# --------------------------------------------------------------------------- inlines


def _build(items: Iterable[Item]) -> tuple[Inline, ...]:
    """Pieces with marks as nested inlines: strong outside emphasis, code as :class:`Code`, text merged."""
    pieces: list[Item] = []
    for node, marks in items:
        if isinstance(node, str) and node.startswith("\x00"):
            continue
        if isinstance(node, str) and "code" in marks:
            if pieces and isinstance(pieces[-1][0], Code) and pieces[-1][1] == marks - {"code"}:
                node = Code(pieces.pop()[0].text + node)  # type: ignore[union-attr]
            else:
                node = Code(node)
            marks = marks - {"code"}
        pieces.append((node, marks))
    return _nest(pieces)


def _nest(pieces: list[Item]) -> tuple[Inline, ...]:
    out: list[Inline | str] = []
    i = 0
    while i < len(pieces):
        node, marks = pieces[i]
        mark = "strong" if "strong" in marks else "emph" if "emph" in marks else ""
        if not mark:
            out.append(node)
            i += 1
            continue
        j = i
        while j < len(pieces) and mark in pieces[j][1]:
            j += 1
        inner = _nest([(n, m - {mark}) for n, m in pieces[i:j]])
        if inner:
            out.append(Strong(inner) if mark == "strong" else Emph(inner))
        i = j
    merged: list[Inline] = []
    for item in out:
        if isinstance(item, Text):
            item = item.text
        if not isinstance(item, str):
            merged.append(item)
        elif item and merged and isinstance(merged[-1], Text):
            merged[-1] = Text(merged[-1].text + item)
        elif item:
            merged.append(Text(item))
    return tuple(merged)


def _split_attribution(inlines: tuple[Inline, ...]) -> tuple[tuple[Inline, ...], tuple[Inline, ...]]:
    """A pull quote's text and its attribution: the last line when it opens with a dash."""
    cut = max((i for i, n in enumerate(inlines) if isinstance(n, LineBreak)), default=-1)
    tail = strip_inlines(inlines[cut + 1 :])
    if cut >= 0 and tail and _ATTRIBUTION.match(plain_text(tail)):
        return inlines[:cut], _undash(tail)
    return inlines, ()


def _undash(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``inlines`` without the leading attribution dash (looking into a first Emph or Strong)."""
    if not inlines:
        return inlines
    first = inlines[0]
    if isinstance(first, Text):
        rest = _ATTRIBUTION.sub("", first.text, count=1)
        return ((Text(rest),) if rest else ()) + inlines[1:]
    if isinstance(first, (Emph, Strong)):
        inner = _undash(first.children)
        return ((replace(first, children=inner),) if inner else ()) + inlines[1:]
    return inlines


# --------------------------------------------------------------------------- grouping


def _assemble(paras: list[_Para], notes: list[str]) -> list[Block]:
    """Group classified paragraphs into blocks: quotes, lists, figures with captions, tables, code."""
    blocks: list[Block] = []
    i = 0
    while i < len(paras):
        para = paras[i]
        kind = para.kind
        if kind in ("quote", "attribution"):
            j = i
            while j < len(paras) and paras[j].kind == "quote":
                j += 1
            body = [Paragraph(p.inlines) for p in paras[i:j] if p.inlines]
            attribution: tuple[Inline, ...] = ()
            if j < len(paras) and paras[j].kind == "attribution":
                attribution, j = _undash(paras[j].inlines), j + 1
            elif len(body) > 1 and _ATTRIBUTION.match(plain_text(body[-1].children)):
                attribution = _undash(body.pop().children)
            if body:
                blocks.append(BlockQuote(tuple(body), attribution))
            i = max(j, i + 1)
            continue
        if kind in ("item", "continue"):
            j = i
            while j < len(paras) and paras[j].kind in ("item", "continue"):
                j += 1
            blocks.extend(_lists(paras[i:j]))
            i = j
            continue
        if kind == "code":
            j = i
            lines: list[Inline] = []
            while j < len(paras) and paras[j].kind == "code":
                text = plain_text(paras[j].inlines)
                lines.extend([LineBreak(), Code(text)] if lines else [Code(text)])
                j += 1
            blocks.append(Paragraph(tuple(lines)))
            i = j
            continue
        if kind == "caption":
            nxt = paras[i + 1] if i + 1 < len(paras) else None
            if nxt is not None and nxt.kind in ("table", "figure") and not _captioned(nxt):
                _caption(nxt, para.inlines)
            elif para.inlines:
                blocks.append(Paragraph((Emph(para.inlines),)))
            i += 1
            continue
        nxt = paras[i + 1] if i + 1 < len(paras) else None
        if kind in ("table", "figure") and nxt is not None and nxt.kind == "caption" and not _captioned(para):
            _caption(para, nxt.inlines)
            i += 1
        blocks.extend(_block(para, notes))
        i += 1
    return blocks


def _captioned(para: _Para) -> bool:
    return bool(para.table.caption) if para.table is not None else bool(para.inlines) and para.kind == "figure-done"


def _caption(para: _Para, caption: tuple[Inline, ...]) -> None:
    if para.table is not None:
        para.table = replace(para.table, caption=caption)
    else:
        para.inlines, para.kind = caption, "figure-done"


def _block(para: _Para, notes: list[str]) -> list[Block]:
    """One paragraph that stands alone as blocks."""
    kind = para.kind
    if kind == "heading":
        return [Heading(min(max(para.level, 1), 3), para.inlines)] if para.inlines else []
    if kind == "pullquote":
        text, attribution = _split_attribution(para.inlines)
        return [PullQuote(text, attribution)] if text else []
    if kind == "rule":
        return [Rule()]
    if kind == "table" and para.table is not None:
        return [para.table]
    if kind == "cell":
        return _assemble(para.cell_paras, notes)
    if kind in ("figure", "figure-done"):
        alt, name = para.images[0]
        notes.append(
            f"{name}: embedded image left out (the DOCX reader writes no files); its alt text and caption kept"
        )
        caption = para.inlines
        if alt and plain_text(caption).strip() != alt:
            caption = (Text(f"[{alt}]" + (" " if caption else "")), *caption)
        return [Paragraph((Emph(_build((n, frozenset()) for n in caption)),))] if caption else []
    if kind in ("body", "abstract", "subtitle", "title", "endmatter", "byline", "affiliation", "dateline", "kicker"):
        return [Paragraph(para.inlines)] if para.inlines else []
    return []


def _lists(paras: list[_Para]) -> list[Block]:
    """Consecutive list paragraphs as nested lists, by their levels."""
    # Each open list: (level, ordered, start, items); an item is a list of blocks.
    stack: list[tuple[int, bool, int, list[list[Block]]]] = []
    out: list[Block] = []

    def close() -> None:
        _level, ordered, start, items = stack.pop()
        block = ListBlock(ordered, tuple(tuple(i) for i in items if i) or ((),), start)
        if stack:
            stack[-1][3][-1].append(block)
        else:
            out.append(block)

    for para in paras:
        if para.kind == "continue":
            if stack and para.inlines:
                stack[-1][3][-1].append(Paragraph(para.inlines))
            elif para.inlines:
                out.append(Paragraph(para.inlines))
            continue
        while stack and (stack[-1][0] > para.level or (stack[-1][0] == para.level and stack[-1][1] != para.ordered)):
            close()
        if not stack or stack[-1][0] < para.level:
            if stack and not stack[-1][3]:
                stack[-1][3].append([])
            stack.append((para.level, para.ordered, para.start, []))
        stack[-1][3].append([Paragraph(para.inlines)] if para.inlines else [])
    while stack:
        close()
    return out


# --------------------------------------------------------------------------- the reader


def _iso_date(value: str) -> dt.date | None:
    """The calendar date of an ISO 8601 date or date-time, as written."""
    for candidate in (value.strip().replace("Z", "+00:00"), value.strip()[:10]):
        try:
            return dt.datetime.fromisoformat(candidate).date()
        except ValueError:
            continue
    return None


def _core(package: _Package, rels: dict[str, tuple[str, str, bool]]) -> dict[str, str]:
    """The core properties that are set, python-docx's template defaults left out."""
    root = package.xml(package.related(rels, "core-properties") or "docProps/core.xml")
    out: dict[str, str] = {}
    if root is None:
        return out
    for key, prefix, local in (
        ("title", "dc", "title"),
        ("creator", "dc", "creator"),
        ("subject", "dc", "subject"),
        ("description", "dc", "description"),
        ("keywords", "cp", "keywords"),
        ("language", "dc", "language"),
        ("created", "dcterms", "created"),
        ("identifier", "dc", "identifier"),
    ):
        el = root.find(f"{{{_CORE[prefix]}}}{local}")
        text = " ".join((el.text or "").split()) if el is not None else ""
        if text and text not in _PYTHON_DOCX_DEFAULTS:
            out[key] = text
    return out


class DocxReader(Reader):
    """Reads a Word document (see the module docstring)."""

    name = "docx"
    suffixes = (".docx",)
    description = "A Word document: styles to headings, quotes and lists; footnotes, links, core properties"

    def read(self, source: Source, *, lang: str | None = None) -> ReadResult:
        """Read ``source``; see :meth:`Reader.read`.

        :raises InputError: when the file is empty, not a DOCX, malformed, has a DOCTYPE, or has no title.
        :raises LimitError: when the zip breaks a limit (entries, size, expansion ratio).
        """
        where = source.path or "<string>"
        if not source.data:
            raise InputError("the input is empty", path=where)
        package = _Package(source.data, where)
        root_rels = package.rels("")
        document = package.related(root_rels, "officeDocument") or "word/document.xml"
        root = package.xml(document)
        body = root.find(_w("body")) if root is not None else None
        if body is None:
            raise InputError(f"not a DOCX file: no document body in {document}", path=where)
        notes: list[str] = []
        paras = _Converter(package, document, notes).paragraphs(body, document)
        core = _core(package, root_rels)

        text = " ".join(plain_text(p.inlines) for p in paras if p.kind in ("body", "heading", "item", "quote"))
        if lang:
            notes.append(f"language {lang}: given by the caller")
        elif is_lang_tag(core.get("language", "")):
            lang = core["language"]
            notes.append(f"language {lang}: stated by the document's properties")
        else:
            lang, confidence = detect_language(text)
            notes.append(f"language {lang}: detected from stop words (confidence {confidence:.2f})")
        rules = LineRules(lang)

        meta = _Meta()
        removed: list[Removal] = []
        kept = [p for p in paras if not _take(p, meta, removed)]
        _finish_meta(meta, core, rules, lang)
        first = kept[0] if kept and kept[0].kind == "heading" else None
        if first is not None and (not meta.title or same_title(plain_text(first.inlines), meta.title)):
            text = " ".join(plain_text(first.inlines).split())
            removed.append(Removal(first.number, text, DUPLICATE_TITLE if meta.title else "metadata:title-heading"))
            meta.title = meta.title or text
            kept.pop(0)
        headings = [p for p in _walk(kept) if p.kind == "heading" and p.inlines]
        levels = heading_levels(p.level for p in headings)
        for para in headings:
            para.level = levels[para.level]
        blocks = _assemble(kept, notes)
        if not meta.title.strip():
            raise InputError("no title: give the document a Title paragraph or a title in its properties", path=where)
        last = blocks[-1] if blocks else None
        note = rules.writer_note(plain_text(last.children)) if isinstance(last, Paragraph) else ""
        if note and len(meta.authors) == 1 and not meta.authors[0].bio:
            meta.authors[0] = replace(meta.authors[0], bio=note)
            removed.append(Removal(kept[-1].number, note, "metadata:writer-note"))
            blocks.pop()
        tags = tuple(t for t in (s.strip() for s in re.split(r"[,;]", core.get("keywords", ""))) if t)
        try:
            article = Article(
                title=meta.title,
                body=tuple(blocks),
                subtitle=meta.subtitle,
                authors=tuple(meta.authors),
                date=meta.date,
                publication=meta.publication,
                lang=lang,
                tags=tags,
                summary=meta.summary if meta.summary != meta.subtitle else "",
                source_url=meta.source_url,
                rights=meta.rights,
                disclosure=meta.disclosure,
                source_path=source.path,
            )
        except ModelError as exc:
            raise InputError(exc.message, path=where) from None
        return ReadResult(article, tuple(sorted(removed, key=lambda r: r.line)), tuple(notes))


def _walk(paras: list[_Para]) -> Iterator[_Para]:
    """Every paragraph of ``paras``, those of one-cell tables included, in order."""
    for para in paras:
        yield para
        yield from _walk(para.cell_paras)


def _take(para: _Para, meta: _Meta, removed: list[Removal]) -> bool:
    """Take a title-block or end-matter paragraph into ``meta``; whether it was taken."""
    text = plain_text(para.inlines).strip()
    kind = para.kind
    if kind == "skip" or (not text and kind not in ("figure", "table", "cell", "rule")):
        return True
    if kind == "title" and not meta.title:
        meta.title = text
    elif kind == "subtitle" and not meta.subtitle:
        meta.subtitle = text
    elif kind == "byline":
        meta.bylines.append(text)
    elif kind == "affiliation":
        meta.affiliations.append(text)
    elif kind == "dateline":
        meta.datelines.append(text)
    elif kind == "kicker":
        meta.publication = text.partition(" · ")[2].strip()
    elif kind == "abstract" and not meta.summary:
        meta.summary = text
    elif kind == "endmatter":
        meta.end_matter.append(para.inlines)
    else:
        return False
    removed.append(Removal(para.number, text, f"metadata:{kind}"))
    return True


def _finish_meta(meta: _Meta, core: dict[str, str], rules: LineRules, lang: str) -> None:
    """Authors, date, bios, disclosure, source and rights from the paragraphs taken, else the core properties."""
    authors = [a for text in meta.bylines for a in rules.byline(text) or rules.names(text) or [Author(text)]]
    if not authors and (creator := core.get("creator", "")):
        authors = [Author(n) for n in re.split(r"\s*;\s*" if ";" in creator else r"\s*,\s*", creator) if n]
    for text in meta.affiliations:  # opedexport's: the affiliation alone, or "Name, affiliation" for several authors
        for i, author in enumerate(authors):
            if len(authors) == 1 or text.startswith(author.name + ", "):
                authors[i] = replace(author, affiliation=text.removeprefix(author.name + ", "))
                break
    labels = labels_for(lang)
    for inlines in meta.end_matter:
        text = plain_text(inlines).strip()
        first = inlines[0]
        named = plain_text(first.children) if isinstance(first, Strong) else ""
        if named and any(a.name == named for a in authors):
            authors = [replace(a, bio=text.removeprefix(named).strip()) if a.name == named else a for a in authors]
        elif text.startswith(labels.disclosure + ":"):
            meta.disclosure = text.removeprefix(labels.disclosure + ":").strip()
        elif text.startswith(labels.source + " "):
            meta.source_url = safe_url(text.removeprefix(labels.source).strip())
        else:
            meta.rights = meta.rights or text
    meta.authors = authors
    meta.date = next((d for t in meta.datelines if (d := rules.date(t) or _iso_date(t))), None)
    meta.title = meta.title or core.get("title", "")
    meta.summary = meta.summary or core.get("subject", "") or core.get("description", "")
    meta.date = meta.date or _iso_date(core.get("created", ""))
    meta.source_url = meta.source_url or safe_url(core.get("identifier", ""))
