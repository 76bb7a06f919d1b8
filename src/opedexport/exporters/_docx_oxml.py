"""Low-level WordprocessingML helpers for the DOCX exporter, on python-docx's oxml layer.

python-docx 1.2 has no API for footnotes, numbering definitions, fields,
hyperlinks or most style properties, so the exporter builds those elements
itself. Everything here makes elements with python-docx's ``OxmlElement`` (so
python-docx's own classes apply when it walks the tree later) and puts
children in the order the schema requires: Word refuses a document whose
``w:pPr`` children are out of order, where LibreOffice silently accepts it.

Measures are given in points and converted here: twentieths of a point
(``twips``) for spacing and indents, half-points for font sizes and eighths of
a point for border widths.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from docx.oxml.ns import qn
from docx.oxml.parser import OxmlElement

from ..units import Length

__all__ = [
    "PPR_ORDER",
    "RPR_ORDER",
    "SECTPR_ORDER",
    "SETTINGS_ORDER",
    "StyleSpec",
    "abstract_num",
    "bookmark",
    "border",
    "color",
    "el",
    "field_begin",
    "field_end",
    "field_runs",
    "fonts",
    "footnote",
    "footnote_mark_run",
    "footnote_reference_run",
    "footnotes_root",
    "hyperlink",
    "ind",
    "jc",
    "language",
    "num",
    "on",
    "paragraph",
    "paragraph_properties",
    "place",
    "run",
    "size",
    "spacing",
    "style_element",
    "table_style_part",
    "tabs",
    "twips",
]

# Schema order (ECMA-376 part 1, wml.xsd) of the children of the elements the exporter fills.
_PPR_SEQUENCE = """
w:pStyle w:keepNext w:keepLines w:pageBreakBefore w:framePr w:widowControl w:numPr w:suppressLineNumbers
w:pBdr w:shd w:tabs w:suppressAutoHyphens w:kinsoku w:wordWrap w:overflowPunct w:topLinePunct w:autoSpaceDE
w:autoSpaceDN w:bidi w:adjustRightInd w:snapToGrid w:spacing w:ind w:contextualSpacing w:mirrorIndents
w:suppressOverlap w:jc w:textDirection w:textAlignment w:textboxTightWrap w:outlineLvl w:divId w:cnfStyle
w:rPr w:sectPr w:pPrChange
"""
_RPR_SEQUENCE = """
w:rStyle w:rFonts w:b w:bCs w:i w:iCs w:caps w:smallCaps w:strike w:dstrike w:outline w:shadow w:emboss
w:imprint w:noProof w:snapToGrid w:vanish w:webHidden w:color w:spacing w:w w:kern w:position w:sz w:szCs
w:highlight w:u w:effect w:bdr w:shd w:fitText w:vertAlign w:rtl w:cs w:em w:lang w:eastAsianLayout
w:specVanish w:oMath
"""
_SETTINGS_SEQUENCE = """
w:writeProtection w:view w:zoom w:removePersonalInformation w:removeDateAndTime w:doNotDisplayPageBoundaries
w:displayBackgroundShape w:printPostScriptOverText w:printFractionalCharacterWidth w:printFormsData
w:embedTrueTypeFonts w:embedSystemFonts w:saveSubsetFonts w:saveFormsData w:mirrorMargins
w:alignBordersAndEdges w:bordersDoNotSurroundHeader w:bordersDoNotSurroundFooter w:gutterAtTop
w:hideSpellingErrors w:hideGrammaticalErrors w:activeWritingStyle w:proofState w:formsDesign
w:attachedTemplate w:linkStyles w:stylePaneFormatFilter w:stylePaneSortMethod w:documentType w:mailMerge
w:revisionView w:trackRevisions w:doNotTrackMoves w:doNotTrackFormatting w:documentProtection
w:autoFormatOverride w:styleLockTheme w:styleLockQFSet w:defaultTabStop w:autoHyphenation
w:consecutiveHyphenLimit w:hyphenationZone w:doNotHyphenateCaps w:showEnvelope w:summaryLength
w:clickAndTypeStyle w:defaultTableStyle w:evenAndOddHeaders w:bookFoldRevPrinting w:bookFoldPrinting
w:bookFoldPrintingSheets w:drawingGridHorizontalSpacing w:drawingGridVerticalSpacing
w:displayHorizontalDrawingGridEvery w:displayVerticalDrawingGridEvery w:doNotUseMarginsForDrawingGridOrigin
w:drawingGridHorizontalOrigin w:drawingGridVerticalOrigin w:doNotShadeFormData w:noPunctuationKerning
w:characterSpacingControl w:printTwoOnOne w:strictFirstAndLastChars w:noLineBreaksAfter w:noLineBreaksBefore
w:savePreviewPicture w:doNotValidateAgainstSchema w:saveInvalidXml w:ignoreMixedContent
w:alwaysShowPlaceholderText w:doNotDemarcateInvalidXml w:saveXmlDataOnly w:useXSLTWhenSaving w:saveThroughXslt
w:showXMLTags w:alwaysMergeEmptyNamespace w:updateFields w:hdrShapeDefaults w:footnotePr w:endnotePr w:compat
w:docVars w:rsids m:mathPr w:attachedSchema w:themeFontLang w:clrSchemeMapping w:doNotIncludeSubdocsInStats
w:doNotAutoCompressPictures w:forceUpgrade w:captions w:readModeInkLockDown w:smartTagType sl:schemaLibrary
w:shapeDefaults w:doNotEmbedSmartTags w:decimalSymbol w:listSeparator
"""
_SECTPR_SEQUENCE = """
w:headerReference w:footerReference w:footnotePr w:endnotePr w:type w:pgSz w:pgMar w:paperSrc w:pgBorders
w:lnNumType w:pgNumType w:cols w:formProt w:vAlign w:noEndnote w:titlePg w:textDirection w:bidi w:rtlGutter
w:docGrid w:printerSettings w:sectPrChange
"""
#: ``w:pPr`` (CT_PPr).
PPR_ORDER: tuple[str, ...] = tuple(_PPR_SEQUENCE.split())
#: ``w:rPr`` (CT_RPr).
RPR_ORDER: tuple[str, ...] = tuple(_RPR_SEQUENCE.split())
#: ``w:settings`` (CT_Settings).
SETTINGS_ORDER: tuple[str, ...] = tuple(_SETTINGS_SEQUENCE.split())
#: ``w:sectPr`` (CT_SectPr).
SECTPR_ORDER: tuple[str, ...] = tuple(_SECTPR_SEQUENCE.split())
_STYLE_ORDER = (
    "w:name",
    "w:aliases",
    "w:basedOn",
    "w:next",
    "w:link",
    "w:autoRedefine",
    "w:hidden",
    "w:uiPriority",
    "w:semiHidden",
    "w:unhideWhenUsed",
    "w:qFormat",
    "w:locked",
    "w:rsid",
    "w:pPr",
    "w:rPr",
    "w:tblPr",
    "w:trPr",
    "w:tcPr",
    "w:tblStylePr",
)
_TBLPR_ORDER = (
    "w:tblStyle",
    "w:tblpPr",
    "w:tblOverlap",
    "w:bidiVisual",
    "w:tblStyleRowBandSize",
    "w:tblStyleColBandSize",
    "w:tblW",
    "w:jc",
    "w:tblCellSpacing",
    "w:tblInd",
    "w:tblBorders",
    "w:shd",
    "w:tblLayout",
    "w:tblCellMar",
    "w:tblLook",
)


def twips(points: float) -> str:
    """``points`` in twentieths of a point, as an attribute value (:attr:`opedexport.units.Length.twips`)."""
    return str(Length(points).twips)


def _attr_name(name: str) -> str:
    return qn(name) if ":" in name else name


def el(tag: str, attrs: dict[str, str] | None = None, *children: Any) -> Any:
    """A new element ``tag`` (``"w:p"``) with prefixed attributes (``{"w:val": "x"}``) and ``children``."""
    element = OxmlElement(tag)
    for name, value in (attrs or {}).items():
        element.set(_attr_name(name), value)
    for child in children:
        element.append(child)
    return element


@cache
def _ranks(order: tuple[str, ...]) -> dict[str, int]:
    return {qn(tag): rank for rank, tag in enumerate(order)}


def place(parent: Any, child: Any, order: tuple[str, ...]) -> Any:
    """Put ``child`` into ``parent`` at its schema position in ``order``, replacing one of the same tag."""
    ranks = _ranks(order)
    tag = child.tag
    for old in parent.findall(tag):
        parent.remove(old)
    rank = ranks.get(tag, len(ranks))
    for i, existing in enumerate(parent):
        if ranks.get(existing.tag, -1) > rank:
            parent.insert(i, child)
            return child
    parent.append(child)
    return child


def _ordered(tag: str, children: Iterable[Any], order: tuple[str, ...]) -> Any:
    parent = el(tag)
    for child in children:
        place(parent, child, order)
    return parent


# --------------------------------------------------------------------------- properties


def on(tag: str, value: bool = True) -> Any:
    """A toggle property such as ``w:b``; ``value=False`` writes ``w:val="0"`` to switch it off."""
    return el(tag) if value else el(tag, {"w:val": "0"})


def fonts(family: str) -> Any:
    """``w:rFonts`` naming ``family`` for every script, so no theme font can win over it."""
    return el("w:rFonts", {"w:ascii": family, "w:hAnsi": family, "w:eastAsia": family, "w:cs": family})


def size(points: float) -> list[Any]:
    """``w:sz`` and ``w:szCs`` for ``points``."""
    half = str(round(points * 2))
    return [el("w:sz", {"w:val": half}), el("w:szCs", {"w:val": half})]


def color(hex_color: str) -> Any:
    """``w:color`` from ``#rrggbb``."""
    return el("w:color", {"w:val": hex_color.lstrip("#").upper()})


def spacing(
    *, before: float | None = None, after: float | None = None, line: float | None = None, exact: bool = False
) -> Any:
    """``w:spacing``: space before and after in points; ``line`` a multiple of single spacing
    (or, with ``exact``, a height in points).
    """
    attrs: dict[str, str] = {}
    if before is not None:
        attrs["w:before"] = twips(before)
    if after is not None:
        attrs["w:after"] = twips(after)
    if line is not None:
        attrs["w:line"] = twips(line) if exact else str(round(line * 240))
        attrs["w:lineRule"] = "exact" if exact else "auto"
    return el("w:spacing", attrs)


def ind(*, left: float = 0, right: float = 0, first_line: float = 0, hanging: float = 0) -> Any:
    """``w:ind`` in points (a hanging indent wins over a first-line one)."""
    attrs = {"w:left": twips(left), "w:right": twips(right)}
    if hanging:
        attrs["w:hanging"] = twips(hanging)
    else:
        attrs["w:firstLine"] = twips(first_line)
    return el("w:ind", attrs)


def jc(value: Literal["left", "center", "right", "both"]) -> Any:
    """``w:jc`` paragraph alignment."""
    return el("w:jc", {"w:val": value})


def tabs(*stops: tuple[Literal["left", "center", "right"], float, str]) -> Any:
    """``w:tabs`` of ``(alignment, position in points, leader)`` stops (leader ``"none"``, ``"dot"`` …)."""
    return el(
        "w:tabs",
        None,
        *(el("w:tab", {"w:val": val, "w:leader": leader, "w:pos": twips(pos)}) for val, pos, leader in stops),
    )


_RTL = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ug", "ckb"})
_CJK = frozenset({"zh", "ja", "ko"})


def language(tag: str) -> Any:
    """``w:lang`` for a BCP 47 tag, also as the complex-script (right-to-left) or East Asian language
    where the tag names one, so that Word checks spelling and hyphenates in that language.
    """
    attrs = {"w:val": tag}
    primary = tag.split("-")[0].lower()
    if primary in _RTL:
        attrs["w:bidi"] = tag
    if primary in _CJK:
        attrs["w:eastAsia"] = tag
    return el("w:lang", attrs)


def border(
    tag: str = "w:pBdr",
    *,
    top: tuple[float, str, float] | None = None,
    left: tuple[float, str, float] | None = None,
    bottom: tuple[float, str, float] | None = None,
    right: tuple[float, str, float] | None = None,
    inside_h: tuple[float, str, float] | None = None,
) -> Any:
    """A border group (``w:pBdr``, ``w:tblBorders``, ``w:tcBorders``); each side is
    ``(width in points, #rrggbb, distance from the text in points)``.
    """
    sides = (("w:top", top), ("w:left", left), ("w:bottom", bottom), ("w:right", right), ("w:insideH", inside_h))
    group = el(tag)
    for name, spec in sides:
        if spec is None:
            continue
        width, hex_color, space = spec
        attrs = {
            "w:val": "single",
            "w:sz": str(max(2, round(width * 8))),
            "w:space": str(round(space)),
            "w:color": hex_color.lstrip("#").upper(),
        }
        group.append(el(name, attrs))
    return group


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True, slots=True)
class StyleSpec:
    """One style of ``styles.xml``, with its paragraph, run and table properties as elements."""

    style_id: str
    name: str
    kind: Literal["paragraph", "character", "table", "numbering"]
    based_on: str | None = None
    next: str | None = None
    ppr: tuple[Any, ...] = ()
    rpr: tuple[Any, ...] = ()
    tblpr: tuple[Any, ...] = ()
    extra: tuple[Any, ...] = ()
    """Elements appended after the properties (``w:tblStylePr``)."""
    custom: bool = False
    default: bool = False
    ui_priority: int | None = None
    quick: bool = False
    """Shown in Word's style gallery (``w:qFormat``)."""
    hidden: bool = False
    """Hidden until used (``w:semiHidden`` and ``w:unhideWhenUsed``)."""
    attrs: dict[str, str] = field(default_factory=dict)


def style_element(spec: StyleSpec) -> Any:
    """The ``w:style`` element of ``spec``, children in schema order."""
    attrs = {"w:type": spec.kind, "w:styleId": spec.style_id}
    if spec.default:
        attrs["w:default"] = "1"
    if spec.custom:
        attrs["w:customStyle"] = "1"
    style = el("w:style", attrs)
    children: list[Any] = [el("w:name", {"w:val": spec.name})]
    if spec.based_on:
        children.append(el("w:basedOn", {"w:val": spec.based_on}))
    if spec.next:
        children.append(el("w:next", {"w:val": spec.next}))
    if spec.ui_priority is not None:
        children.append(el("w:uiPriority", {"w:val": str(spec.ui_priority)}))
    if spec.hidden:
        children += [el("w:semiHidden"), el("w:unhideWhenUsed")]
    if spec.quick:
        children.append(el("w:qFormat"))
    if spec.ppr:
        children.append(_ordered("w:pPr", spec.ppr, PPR_ORDER))
    if spec.rpr:
        children.append(_ordered("w:rPr", spec.rpr, RPR_ORDER))
    if spec.tblpr:
        children.append(_ordered("w:tblPr", spec.tblpr, _TBLPR_ORDER))
    for child in children:
        place(style, child, _STYLE_ORDER)
    for child in spec.extra:
        style.append(child)
    return style


def table_style_part(kind: str, *, rpr: Iterable[Any] = (), tcpr: Iterable[Any] = ()) -> Any:
    """A ``w:tblStylePr`` (conditional formatting such as ``firstRow``) of a table style."""
    part = el("w:tblStylePr", {"w:type": kind})
    rpr = list(rpr)
    tcpr = list(tcpr)
    if rpr:
        part.append(_ordered("w:rPr", rpr, RPR_ORDER))
    if tcpr:
        part.append(el("w:tcPr", None, *tcpr))
    return part


# --------------------------------------------------------------------------- numbering


def abstract_num(abstract_id: int, levels: Sequence[tuple[str, str, float, float]]) -> Any:
    """A multi-level ``w:abstractNum``; each level is ``(numFmt, lvlText, left indent pt, hanging pt)``."""
    node = el("w:abstractNum", {"w:abstractNumId": str(abstract_id)})
    node.append(el("w:nsid", {"w:val": f"{0x0DE00000 + abstract_id:08X}"}))
    node.append(el("w:multiLevelType", {"w:val": "multilevel"}))
    for level, (fmt, text, left, hanging) in enumerate(levels):
        lvl = el("w:lvl", {"w:ilvl": str(level)})
        lvl.append(el("w:start", {"w:val": "1"}))
        lvl.append(el("w:numFmt", {"w:val": fmt}))
        lvl.append(el("w:lvlText", {"w:val": text}))
        lvl.append(el("w:lvlJc", {"w:val": "left"}))
        lvl.append(el("w:pPr", None, ind(left=left, hanging=hanging)))
        node.append(lvl)
    return node


def num(num_id: int, abstract_id: int, *, restart_level: int | None = None, start: int = 1) -> Any:
    """A ``w:num`` instance of an abstract list; ``restart_level`` adds a ``w:startOverride`` there,
    so the list it numbers starts again at ``start``.
    """
    node = el("w:num", {"w:numId": str(num_id)}, el("w:abstractNumId", {"w:val": str(abstract_id)}))
    if restart_level is not None:
        override = el("w:lvlOverride", {"w:ilvl": str(restart_level)})
        override.append(el("w:startOverride", {"w:val": str(start)}))
        node.append(override)
    return node


# --------------------------------------------------------------------------- content


def paragraph(style_id: str | None = None) -> Any:
    """An empty ``w:p``, with ``w:pStyle`` when given a style id."""
    p = el("w:p")
    if style_id:
        p.append(el("w:pPr", None, el("w:pStyle", {"w:val": style_id})))
    return p


def paragraph_properties(p: Any) -> Any:
    """The ``w:pPr`` of ``p``, added first when missing."""
    ppr = p.find(qn("w:pPr"))
    if ppr is None:
        ppr = el("w:pPr")
        p.insert(0, ppr)
    return ppr


def run(text: str = "", *, style_id: str | None = None, bold: bool = False, italic: bool = False) -> Any:
    """A ``w:r`` of ``text``: a character style when given, and only the toggles no style covers.

    Tabs become ``w:tab``; newlines (which the model says never matter) become spaces.
    """
    r = el("w:r")
    props = []
    if style_id:
        props.append(el("w:rStyle", {"w:val": style_id}))
    if bold:
        props += [on("w:b"), on("w:bCs")]
    if italic:
        props += [on("w:i"), on("w:iCs")]
    if props:
        r.append(_ordered("w:rPr", props, RPR_ORDER))
    text = text.replace("\r", " ").replace("\n", " ")
    for i, piece in enumerate(text.split("\t")):
        if i:
            r.append(el("w:tab"))
        if piece:
            t = el("w:t")
            t.text = piece
            if piece != piece.strip() or "  " in piece:
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            r.append(t)
    return r


def _field_char(kind: str, style_id: str | None) -> Any:
    r = run(style_id=style_id)
    r.append(el("w:fldChar", {"w:fldCharType": kind}))
    return r


def field_begin(instruction: str, *, style_id: str | None = None) -> list[Any]:
    """The runs that open a complex field: its start, its code and the separator before its result."""
    code = run(style_id=style_id)
    instr = el("w:instrText", {"xml:space": "preserve"})
    instr.text = f" {instruction} "
    code.append(instr)
    return [_field_char("begin", style_id), code, _field_char("separate", style_id)]


def field_end(*, style_id: str | None = None) -> Any:
    """The run that closes a complex field after its result."""
    return _field_char("end", style_id)


def field_runs(instruction: str, placeholder: str, *, style_id: str | None = None) -> list[Any]:
    """The runs of a complex field (``PAGE``, ``NUMPAGES``, ``PAGEREF``) showing ``placeholder`` until updated."""
    return [
        *field_begin(instruction, style_id=style_id),
        run(placeholder, style_id=style_id),
        field_end(style_id=style_id),
    ]


def bookmark(p: Any, bookmark_id: int, name: str) -> None:
    """Enclose the content of paragraph ``p`` in the bookmark ``name`` (``w:bookmarkStart``/``End``)."""
    at = 1 if len(p) and p[0].tag == qn("w:pPr") else 0
    p.insert(at, el("w:bookmarkStart", {"w:id": str(bookmark_id), "w:name": name}))
    p.append(el("w:bookmarkEnd", {"w:id": str(bookmark_id)}))


def footnote_reference_run(note_id: int, style_id: str) -> Any:
    """The call of footnote ``note_id`` in the text: a run holding ``w:footnoteReference``."""
    r = run(style_id=style_id)
    r.append(el("w:footnoteReference", {"w:id": str(note_id)}))
    return r


def footnote_mark_run(style_id: str) -> Any:
    """The number at the start of a footnote's own text (``w:footnoteRef``)."""
    r = run(style_id=style_id)
    r.append(el("w:footnoteRef"))
    return r


_NOTE_NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


def footnotes_root() -> Any:
    """A ``w:footnotes`` element holding the separator (id 0) and continuation separator (id 1)."""
    root = OxmlElement("w:footnotes", nsdecls=_NOTE_NAMESPACES)
    for note_id, kind, mark in (
        (0, "separator", "w:separator"),
        (1, "continuationSeparator", "w:continuationSeparator"),
    ):
        p = el("w:p", None, el("w:pPr", None, el("w:spacing", {"w:after": "0", "w:line": "240", "w:lineRule": "auto"})))
        p.append(el("w:r", None, el(mark)))
        root.append(el("w:footnote", {"w:type": kind, "w:id": str(note_id)}, p))
    return root


def footnote(note_id: int) -> Any:
    """An empty ``w:footnote`` numbered ``note_id``."""
    return el("w:footnote", {"w:id": str(note_id)})


def hyperlink(*, rel_id: str | None = None, anchor: str | None = None, tooltip: str = "") -> Any:
    """A ``w:hyperlink`` to an external relationship ``rel_id`` or a bookmark ``anchor``."""
    attrs: dict[str, str] = {}
    if rel_id is not None:
        attrs["r:id"] = rel_id
    if anchor is not None:
        attrs["w:anchor"] = anchor
    if tooltip:
        attrs["w:tooltip"] = tooltip
    attrs["w:history"] = "1"
    return el("w:hyperlink", attrs)
