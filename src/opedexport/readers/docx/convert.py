"""The conversion: a document's paragraphs, runs, tables and notes into the article model's blocks and inlines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from ...model import (
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
    plain_text,
)
from .._normalize import link_target, strip_inlines
from .parts import (
    _ATTRIBUTION,
    _HYPERLINK_FIELD,
    _MONOSPACE,
    _O,
    _R,
    _RULE_TEXT,
    _STYLE_KINDS,
    _V,
    _WP,
    Item,
    _on,
    _Package,
    _val,
    _w,
)
from .styles import _int, _Numbering, _Styles


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
