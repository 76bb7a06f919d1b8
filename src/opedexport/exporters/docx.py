"""The DOCX exporter: a Word document built with python-docx, every block in a named style set from the theme.

The exporter walks the model itself (no HTML step). Its parts:

* **Styles.** ``styles.xml`` is rebuilt from the theme's tokens by
  :class:`StyleSheet`: the template's own styles (with their theme fonts and
  theme colours, which Word lets win over explicit values) are removed, and
  every style the article uses is written with explicit fonts, sizes, colours
  and spacing. Body paragraphs are ``Normal`` (first-line indent, alignment,
  leading, paragraph spacing as space after); the
  paragraph that opens the text or follows a heading, rule, figure, quote, list
  or table is ``First Paragraph`` (the name pandoc uses), which is ``Normal``
  without the indent, as the PDF does with CSS. Line spacing is exact (the
  theme's leading times each style's own size, CSS's unitless
  ``line-height``), not a multiple of Word's "single", which is the font's
  own line height (1.64 em for Charis SIL). Colours follow the PDF: the
  accent for the kicker, level-1 headings, links, note calls and the pull
  quote; muted for dek, byline labels, captions, attributions and end
  matter; the title in the text colour. Word's built-in names are used
  where Word has one (``Title``, ``Subtitle``, ``heading 1``–``3``, ``Quote``,
  ``Intense Quote`` for pull quotes, ``List Bullet``/``List Number`` 1–3,
  ``List Continue``, ``caption``, ``footnote text``, ``Hyperlink``,
  ``Strong``, ``Emphasis``); the rest are custom (``Kicker``, ``Byline``,
  ``Affiliation``, ``Dateline``, ``Attribution``, ``Figure``, ``Rule``,
  ``Table Text``, ``End Matter``, ``Verbatim Char`` for code). Runs carry a
  character style only; where two marks meet (bold inside a link) the second is
  a direct ``w:b``/``w:i``, as no single style says both. Paragraph styles are
  set by id (``w:pStyle``), never looked up by name. The one direct paragraph
  property is the space after the title block, on whichever paragraph ends it;
  the ruled title block and the end matter get their rules from borders that
  Word and LibreOffice merge across paragraphs with identical borders.
* **Page.** Size and margins from the theme (inner margin left, outer right,
  mirrored when they differ); the running title in the header from page 2, a
  ``PAGE`` (or ``PAGE / NUMPAGES``) field in the footer of every page.
* **Numbering.** One multi-level bullet list and one multi-level decimal list
  are defined in ``numbering.xml``; every list in the article gets its own
  ``w:num`` instance, and an ordered one a ``w:startOverride`` of its ``start``,
  so numbering restarts per list. Nesting is the list level (``w:ilvl``) with
  the ``List Bullet 2``/``List Number 3`` … styles.
* **Footnotes** are real: a ``/word/footnotes.xml`` part (separator id 0,
  continuation separator id 1, notes from 2) related from the document, with
  ``w:footnoteReference`` runs in the text and ``footnote text`` /
  ``footnote reference`` styles. Links inside notes relate from that part.
* **Package.** The template's thumbnail, ``stylesWithEffects.xml`` and custom
  XML item are dropped, ``app.xml`` is replaced, core properties come from the
  article with :func:`~opedexport.exporters.base.build_datetime` for every date,
  and the zip is rewritten with fixed timestamps, so the same input gives the
  same bytes.

Not carried over: the drop cap and two columns (the PDF's), the font
fallback list (Word has none) and the font files (not embedded: Word and
LibreOffice substitute a font for a family that is not installed).
"""

from __future__ import annotations

import datetime as dt
import io
import urllib.parse
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, ClassVar

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.image.image import Image as DocxImage
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.parts.story import StoryPart
from docx.shared import Emu, Twips
from lxml import etree
from PIL import Image as PILImage

from .. import model as m
from ..fetch import Fetcher
from ..i18n import format_article_date, join_names, labels_for
from ..theme import Theme
from . import _docx_oxml as ox
from .base import Exporter, build_datetime

__all__ = ["DocxExporter", "StyleSheet", "reproducible_zip"]

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_CORE_MAX = 255  # python-docx refuses longer core-property strings
_APP_XML = (
    b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    b"<Application>opedexport</Application><DocSecurity>0</DocSecurity></Properties>"
)


class S:
    """Style ids (``w:styleId``) of every style the exporter writes and uses."""

    NORMAL = "Normal"
    FIRST = "FirstParagraph"
    KICKER = "Kicker"
    TITLE = "Title"
    SUBTITLE = "Subtitle"
    BYLINE = "Byline"
    BYLINE_LABEL = "BylineLabel"
    AFFILIATION = "Affiliation"
    DATELINE = "Dateline"
    HEADINGS = ("Heading1", "Heading2", "Heading3")
    QUOTE = "Quote"
    ATTRIBUTION = "Attribution"
    PULL_QUOTE = "IntenseQuote"
    PULL_ATTRIBUTION = "PullQuoteAttribution"
    BULLETS = ("ListBullet", "ListBullet2", "ListBullet3")
    NUMBERS = ("ListNumber", "ListNumber2", "ListNumber3")
    CONTINUES = ("ListContinue", "ListContinue2", "ListContinue3")
    FIGURE = "Figure"
    CAPTION = "Caption"
    CREDIT = "Credit"
    RULE = "Rule"
    TABLE = "ArticleTable"
    TABLE_TEXT = "TableText"
    TABLE_HEADING = "TableHeading"
    END_MATTER = "EndMatter"
    NOTE_TEXT = "FootnoteText"
    NOTE_REF = "FootnoteReference"
    HEADER = "Header"
    FOOTER = "Footer"
    LINK = "Hyperlink"
    STRONG = "Strong"
    EMPH = "Emphasis"
    CODE = "VerbatimChar"


#: Character styles in order of precedence: a run takes the first of its marks that is here.
_RUN_STYLE_ORDER = (S.LINK, S.CODE, S.STRONG, S.EMPH, S.PULL_ATTRIBUTION, S.BYLINE_LABEL, S.CREDIT)


# --------------------------------------------------------------------------- the style sheet


class StyleSheet:
    """The theme's tokens as Word styles: ``specs()`` lists every style of the document.

    Sizes follow the PDF's stylesheet (``_base.css.j2``): the same multiples of the
    body size, the same colours for the same roles.
    """

    def __init__(self, theme: Theme):
        self.theme = theme
        self.t = theme.text
        self.c = theme.colors
        self.base = float(theme.text.size)
        self.body_font = theme.fonts["body"].family
        self.heading_font = theme.fonts["heading"].family
        self.mono_font = theme.fonts["mono"].family

    def specs(self) -> list[ox.StyleSpec]:
        """Every style, defaults first."""
        return [
            *self.defaults(),
            *self.title_block(),
            *self.headings(),
            *self.quotes(),
            *self.lists(),
            *self.figures_and_tables(),
            *self.notes_and_margins(),
            *self.characters(),
        ]

    # ------------------------------------------------------------------ helpers

    def flush(self, *more: Any) -> tuple[Any, ...]:
        """No first-line indent, ranged left: the base of every non-body paragraph style."""
        return (ox.ind(), ox.jc("left"), *more)

    def heading_run(self, points: float, *more: Any) -> tuple[Any, ...]:
        """Run properties in the heading font at ``points``."""
        return (ox.fonts(self.heading_font), *ox.size(points), *more)

    def title_rules(self) -> tuple[Any, ...]:
        """The ruled title block's borders, shared by every title-block style so that Word and
        LibreOffice draw them once around the whole group (paragraphs with identical borders merge).
        """
        if self.theme.layout.title_block != "ruled":
            return ()
        top = (3.0, self.c.text, self.base * 0.7)
        bottom = (0.6, self.c.rule, self.base * 1.1)
        return (ox.border(top=top, bottom=bottom),)

    def lines(self, points: float, multiple: float | None = None, **space: float) -> Any:
        """``w:spacing``: lines exactly ``multiple`` (default: the theme's leading) times ``points``
        apart, as CSS's unitless ``line-height``, and ``before``/``after`` in points.

        Exact, not a multiple of single spacing: Word's "single" is the font's own line height
        (1.64 em for Charis SIL), so a multiple would set the text far looser than the PDF.
        """
        line = points * (self.t.leading if multiple is None else multiple)
        return ox.spacing(line=line, exact=True, **space)

    def letter_spacing(self, points: float, em: float) -> Any:
        """Run ``w:spacing`` (tracking) of ``em`` at a size of ``points``."""
        return ox.el("w:spacing", {"w:val": ox.twips(points * em)})

    # ------------------------------------------------------------------ groups

    def defaults(self) -> list[ox.StyleSpec]:
        """The three default styles Word expects, ``Normal`` (the body text) and ``First Paragraph``."""
        t, b = self.t, self.base
        return [
            ox.StyleSpec(
                "DefaultParagraphFont", "Default Paragraph Font", "character", default=True, ui_priority=1, hidden=True
            ),
            ox.StyleSpec(
                "TableNormal",
                "Normal Table",
                "table",
                default=True,
                ui_priority=99,
                hidden=True,
                tblpr=(
                    ox.el("w:tblInd", {"w:w": "0", "w:type": "dxa"}),
                    ox.el(
                        "w:tblCellMar",
                        None,
                        ox.el("w:top", {"w:w": "0", "w:type": "dxa"}),
                        ox.el("w:left", {"w:w": "108", "w:type": "dxa"}),
                        ox.el("w:bottom", {"w:w": "0", "w:type": "dxa"}),
                        ox.el("w:right", {"w:w": "108", "w:type": "dxa"}),
                    ),
                ),
            ),
            ox.StyleSpec("NoList", "No List", "numbering", default=True, ui_priority=99, hidden=True),
            ox.StyleSpec(
                S.NORMAL,
                "Normal",
                "paragraph",
                default=True,
                quick=True,
                ppr=(
                    ox.el("w:widowControl"),
                    self.lines(b, before=0, after=t.paragraph_spacing),
                    ox.ind(first_line=t.first_line_indent),
                    ox.jc("both" if t.align == "justify" else "left"),
                ),
                rpr=(ox.fonts(self.body_font), ox.color(self.c.text), *ox.size(self.base)),
            ),
            ox.StyleSpec(
                S.FIRST,
                "First Paragraph",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                custom=True,
                quick=True,
                ppr=(ox.ind(),),
            ),
        ]

    def title_block(self) -> list[ox.StyleSpec]:
        """Kicker, title, dek, byline, affiliation and date."""
        b, c = self.base, self.c
        kicker_size = b * 0.82
        case = ox.on("w:caps") if self.theme.layout.title_case == "upper" else ox.on("w:smallCaps")

        def spec(style_id: str, name: str, ppr: tuple[Any, ...], rpr: tuple[Any, ...], **kw: Any) -> ox.StyleSpec:
            ppr = (*ppr, *self.title_rules())  # a fresh element for each style
            return ox.StyleSpec(style_id, name, "paragraph", based_on=S.NORMAL, ppr=ppr, rpr=rpr, **kw)

        return [
            spec(
                S.KICKER,
                "Kicker",
                self.flush(ox.el("w:keepNext"), self.lines(kicker_size, after=b * 0.5)),
                self.heading_run(
                    kicker_size, ox.on("w:b"), case, ox.color(c.accent), self.letter_spacing(kicker_size, 0.08)
                ),
                custom=True,
                next=S.TITLE,
            ),
            spec(
                S.TITLE,
                "Title",
                self.flush(
                    ox.el("w:keepNext"),
                    ox.el("w:suppressAutoHyphens"),
                    self.lines(self.t.title_size, 1.12, after=b * 0.6),
                ),
                self.heading_run(
                    self.t.title_size, ox.on("w:b"), ox.on("w:bCs"), ox.color(c.text), ox.el("w:kern", {"w:val": "28"})
                ),
                quick=True,
                ui_priority=10,
                next=S.SUBTITLE,
            ),
            spec(
                S.SUBTITLE,
                "Subtitle",
                self.flush(
                    ox.el("w:keepNext"), ox.el("w:suppressAutoHyphens"), self.lines(self.t.dek_size, 1.3, after=b * 0.9)
                ),
                self.heading_run(self.t.dek_size, ox.on("w:i"), ox.on("w:iCs"), ox.color(c.muted)),
                quick=True,
                ui_priority=11,
                next=S.BYLINE,
            ),
            spec(
                S.BYLINE,
                "Byline",
                self.flush(ox.el("w:keepNext"), self.lines(b * 1.05, after=0)),
                self.heading_run(b * 1.05, ox.on("w:b"), ox.on("w:bCs")),
                custom=True,
                quick=True,
            ),
            spec(
                S.AFFILIATION,
                "Affiliation",
                self.flush(ox.el("w:keepNext"), self.lines(b * 0.95, after=0)),
                (ox.on("w:i"), ox.on("w:iCs"), ox.color(c.muted), *ox.size(b * 0.95)),
                custom=True,
            ),
            spec(
                S.DATELINE,
                "Dateline",
                self.flush(self.lines(b * 0.9, before=b * 0.4, after=0)),
                (ox.color(c.muted), *ox.size(b * 0.9)),
                custom=True,
            ),
        ]

    def headings(self) -> list[ox.StyleSpec]:
        """``heading 1``–``3``: heading font and scale; level 1 in the accent colour (or under an
        accent rule when the theme's ``heading_style`` is ``rule``), level 3 italic, as in the PDF.
        """
        b, c = self.base, self.c
        ruled = self.theme.layout.heading_style == "rule"
        space = ((b * 1.3, b * 0.5), (b * 1.1, b * 0.4), (b * 1.0, b * 0.3))
        out = []
        for level in (1, 2, 3):
            before, after = space[level - 1]
            ppr: tuple[Any, ...] = self.flush(
                ox.el("w:keepNext"),
                ox.el("w:keepLines"),
                ox.el("w:suppressAutoHyphens"),
                self.lines(self.t.heading_size(level), 1.2, before=before, after=after),
                ox.el("w:outlineLvl", {"w:val": str(level - 1)}),
            )
            rpr: tuple[Any, ...] = self.heading_run(self.t.heading_size(level), ox.on("w:b"), ox.on("w:bCs"))
            if level == 1 and ruled:
                ppr += (ox.border(top=(2.5, c.accent, b * 0.45)),)
                rpr += (ox.color(c.text),)
            elif level == 1:
                rpr += (ox.color(c.accent),)
            else:
                rpr += (ox.color(c.text),)
            if level == 3:
                rpr += (ox.on("w:i"), ox.on("w:iCs"))
            out.append(
                ox.StyleSpec(
                    S.HEADINGS[level - 1],
                    f"heading {level}",
                    "paragraph",
                    based_on=S.NORMAL,
                    next=S.FIRST,
                    ppr=ppr,
                    rpr=rpr,
                    quick=True,
                    ui_priority=9,
                )
            )
        return out

    def quotes(self) -> list[ox.StyleSpec]:
        """Block quote (``Quote``) with a bar in ``quote_bar``, its attribution, and the pull quote
        (``Intense Quote``) between accent rules.
        """
        b, c = self.base, self.c
        indent = b * 2.1
        return [
            ox.StyleSpec(
                S.QUOTE,
                "Quote",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                quick=True,
                ui_priority=29,
                ppr=(
                    ox.border(left=(2.0, c.quote_bar, b * 0.9)),
                    self.lines(b, before=b * 0.8, after=b * 0.8),
                    ox.ind(left=indent),
                    ox.el("w:contextualSpacing"),
                ),
                rpr=(ox.on("w:i"), ox.on("w:iCs")),
            ),
            ox.StyleSpec(
                S.ATTRIBUTION,
                "Attribution",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                custom=True,
                ppr=(self.lines(b * 0.9, before=0, after=b * 0.8), ox.ind(left=indent), ox.jc("left")),
                rpr=(ox.color(c.muted), *ox.size(b * 0.9)),
            ),
            ox.StyleSpec(
                S.PULL_QUOTE,
                "Intense Quote",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                quick=True,
                ui_priority=30,
                ppr=self.flush(
                    ox.el("w:keepLines"),
                    ox.el("w:suppressAutoHyphens"),
                    ox.border(top=(1.0, c.accent, b * 0.6), bottom=(1.0, c.accent, b * 0.6)),
                    self.lines(b * 1.45, 1.25, before=b * 1.6, after=b * 1.6),
                    ox.jc("center"),
                ),
                rpr=self.heading_run(b * 1.45, ox.color(c.accent)),
            ),
        ]

    def lists(self) -> list[ox.StyleSpec]:
        """``List Bullet``, ``List Number`` and ``List Continue``, levels 1–3."""
        out = []
        step = self.list_step
        for level in range(3):
            suffix = f" {level + 1}" if level else ""
            left = (level + 1) * step
            for ids, name, num_id in (
                (S.BULLETS, "List Bullet", _Numbering.BULLET_NUM),
                (S.NUMBERS, "List Number", _Numbering.ORDERED_NUM),
            ):
                numpr = ox.el(
                    "w:numPr",
                    None,
                    ox.el("w:ilvl", {"w:val": str(level)}),
                    ox.el("w:numId", {"w:val": str(num_id)}),
                )
                ppr: tuple[Any, ...] = (
                    numpr,
                    self.lines(self.base, after=self.base * 0.2),
                    ox.ind(left=left, hanging=step),
                )
                out.append(
                    ox.StyleSpec(ids[level], name + suffix, "paragraph", based_on=S.NORMAL, ppr=ppr, ui_priority=99)
                )
            ppr = (self.lines(self.base, after=self.base * 0.2), ox.ind(left=left))
            out.append(
                ox.StyleSpec(
                    S.CONTINUES[level],
                    "List Continue" + suffix,
                    "paragraph",
                    based_on=S.NORMAL,
                    ppr=ppr,
                    ui_priority=99,
                )
            )
        return out

    @property
    def list_step(self) -> float:
        """The indent of one list level in points (the PDF's ``padding-left``)."""
        return self.base * 1.8

    def figures_and_tables(self) -> list[ox.StyleSpec]:
        """Figure, caption and credit, the ornamental rule, the table and its text, and the end matter."""
        b, c = self.base, self.c
        caption_size = b * 0.85
        cell = (b * 0.25, b * 0.6)
        header_rule = ox.border("w:tcBorders", bottom=(1.0, c.text, 0))
        return [
            ox.StyleSpec(
                S.FIGURE,
                "Figure",
                "paragraph",
                based_on=S.NORMAL,
                next=S.CAPTION,
                custom=True,
                # Single spacing, not exact: an exact line height would crop the picture.
                ppr=self.flush(ox.el("w:keepNext"), ox.spacing(before=b, after=b * 0.4, line=1.0), ox.jc("center")),
            ),
            ox.StyleSpec(
                S.CAPTION,
                "caption",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                quick=True,
                ui_priority=35,
                ppr=self.flush(ox.el("w:suppressAutoHyphens"), self.lines(caption_size, 1.3, before=b * 0.3, after=b)),
                rpr=self.heading_run(caption_size, ox.color(c.muted)),
            ),
            ox.StyleSpec(
                S.RULE,
                "Rule",
                "paragraph",
                based_on=S.NORMAL,
                next=S.FIRST,
                custom=True,
                ppr=self.flush(self.lines(b, before=b, after=b), ox.jc("center")),
                rpr=(ox.color(c.muted), self.letter_spacing(b, 0.6)),
            ),
            ox.StyleSpec(
                S.TABLE,
                "Article Table",
                "table",
                based_on="TableNormal",
                custom=True,
                tblpr=(
                    ox.el("w:jc", {"w:val": "center"}),
                    ox.border("w:tblBorders", bottom=(0.5, c.rule, 0), inside_h=(0.5, c.rule, 0)),
                    ox.el(
                        "w:tblCellMar",
                        None,
                        ox.el("w:top", {"w:w": ox.twips(cell[0]), "w:type": "dxa"}),
                        ox.el("w:left", {"w:w": ox.twips(cell[1]), "w:type": "dxa"}),
                        ox.el("w:bottom", {"w:w": ox.twips(cell[0]), "w:type": "dxa"}),
                        ox.el("w:right", {"w:w": ox.twips(cell[1]), "w:type": "dxa"}),
                    ),
                ),
                extra=(ox.table_style_part("firstRow", tcpr=(header_rule,)),),
            ),
            ox.StyleSpec(
                S.TABLE_TEXT,
                "Table Text",
                "paragraph",
                based_on=S.NORMAL,
                custom=True,
                ppr=self.flush(self.lines(b * 0.9, before=0, after=0)),
                rpr=tuple(ox.size(b * 0.9)),
            ),
            ox.StyleSpec(
                S.TABLE_HEADING,
                "Table Heading",
                "paragraph",
                based_on=S.TABLE_TEXT,
                custom=True,
                ppr=(ox.el("w:keepNext"),),
                rpr=self.heading_run(b * 0.9, ox.on("w:b"), ox.on("w:bCs")),
            ),
            ox.StyleSpec(
                S.END_MATTER,
                "End Matter",
                "paragraph",
                based_on=S.NORMAL,
                custom=True,
                # The rule and the space above are drawn once for the group: identical borders
                # merge, and contextual spacing drops the space between paragraphs of this style.
                ppr=self.flush(
                    ox.border(top=(0.6, c.rule, b * 0.6)),
                    self.lines(b * 0.88, before=b * 1.6, after=0),
                    ox.el("w:contextualSpacing"),
                ),
                rpr=(ox.color(c.muted), *ox.size(b * 0.88)),
            ),
        ]

    def notes_and_margins(self) -> list[ox.StyleSpec]:
        """Footnote text and reference, header and footer (the running title and the folio)."""
        b, c = self.base, self.c
        header_size = b * 0.78
        if self.theme.layout.title_case == "upper":
            header_case: tuple[Any, ...] = (ox.on("w:caps"), self.letter_spacing(header_size, 0.08))
        else:
            header_case = (ox.on("w:i"), ox.on("w:iCs"))
        return [
            ox.StyleSpec(
                S.NOTE_TEXT,
                "footnote text",
                "paragraph",
                based_on=S.NORMAL,
                ui_priority=99,
                hidden=True,
                ppr=self.flush(ox.el("w:suppressAutoHyphens"), self.lines(b * 0.8, 1.3, before=0, after=b * 0.2)),
                rpr=(ox.color(c.text), *ox.size(b * 0.8)),
            ),
            ox.StyleSpec(
                S.NOTE_REF,
                "footnote reference",
                "character",
                based_on="DefaultParagraphFont",
                ui_priority=99,
                hidden=True,
                rpr=(ox.color(c.accent), ox.el("w:vertAlign", {"w:val": "superscript"})),
            ),
            ox.StyleSpec(
                S.HEADER,
                "header",
                "paragraph",
                based_on=S.NORMAL,
                ui_priority=99,
                hidden=True,
                ppr=self.flush(
                    ox.border(bottom=(0.4, c.rule, 4)),
                    ox.el("w:suppressAutoHyphens"),
                    self.lines(header_size, 1.2, before=0, after=0),
                    ox.jc("center"),
                ),
                rpr=self.heading_run(header_size, ox.color(c.muted), *header_case),
            ),
            ox.StyleSpec(
                S.FOOTER,
                "footer",
                "paragraph",
                based_on=S.NORMAL,
                ui_priority=99,
                hidden=True,
                ppr=self.flush(self.lines(b * 0.8, 1.2, before=0, after=0), ox.jc("center")),
                rpr=self.heading_run(b * 0.8, ox.color(c.muted)),
            ),
        ]

    def characters(self) -> list[ox.StyleSpec]:
        """Character styles: emphasis, strong, code, links, and the small labels."""
        b, c = self.base, self.c

        def char(style_id: str, name: str, *rpr: Any, custom: bool = False, **kw: Any) -> ox.StyleSpec:
            return ox.StyleSpec(
                style_id, name, "character", based_on="DefaultParagraphFont", rpr=rpr, custom=custom, **kw
            )

        credit_size = b * 0.85 * 0.9
        return [
            char(S.EMPH, "Emphasis", ox.on("w:i"), ox.on("w:iCs"), quick=True, ui_priority=20),
            char(S.STRONG, "Strong", ox.on("w:b"), ox.on("w:bCs"), quick=True, ui_priority=22),
            char(
                S.CODE, "Verbatim Char", ox.fonts(self.mono_font), ox.on("w:noProof"), *ox.size(b * 0.92), custom=True
            ),
            char(
                S.LINK, "Hyperlink", ox.color(c.accent), ox.el("w:u", {"w:val": "single"}), ui_priority=99, hidden=True
            ),
            char(
                S.BYLINE_LABEL,
                "Byline Label",
                ox.on("w:b", False),
                ox.on("w:bCs", False),
                ox.color(c.muted),
                custom=True,
            ),
            char(
                S.CREDIT,
                "Credit",
                ox.on("w:caps"),
                self.letter_spacing(credit_size, 0.04),
                *ox.size(credit_size),
                custom=True,
            ),
            char(S.PULL_ATTRIBUTION, "Pull Quote Attribution", *ox.size(b * 1.45 * 0.6), custom=True),
        ]

    def doc_defaults(self, lang: str) -> Any:
        """``w:docDefaults``: the body font and size, the article's language, no spacing."""
        rpr = [ox.fonts(self.body_font), *ox.size(self.base)]
        if lang and lang != "und":
            attrs = {"w:val": lang}
            primary = lang.split("-")[0].lower()
            if primary in _RTL:
                attrs["w:bidi"] = lang
            if primary in _CJK:
                attrs["w:eastAsia"] = lang
            rpr.append(ox.el("w:lang", attrs))
        return ox.el(
            "w:docDefaults",
            None,
            ox.el("w:rPrDefault", None, ox.el("w:rPr", None, *rpr)),
            ox.el("w:pPrDefault", None, ox.el("w:pPr", None, ox.spacing(before=0, after=0, line=1.0))),
        )

    def install(self, styles_element: Any, lang: str) -> None:
        """Replace the template's styles and defaults in ``styles_element`` by this sheet's."""
        for old in styles_element.findall(qn("w:style")):
            styles_element.remove(old)
        old_defaults = styles_element.find(qn("w:docDefaults"))
        if old_defaults is not None:
            styles_element.remove(old_defaults)
        styles_element.insert(0, self.doc_defaults(lang))
        for spec in self.specs():
            styles_element.append(ox.style_element(spec))


_RTL = frozenset({"ar", "he", "fa", "ur", "ps", "sd", "yi", "dv", "ug", "ckb"})
_CJK = frozenset({"zh", "ja", "ko"})


# --------------------------------------------------------------------------- numbering


class _Numbering:
    """``numbering.xml``: one bullet and one decimal multi-level list, and a ``w:num`` per list."""

    BULLET_ABSTRACT, ORDERED_ABSTRACT = 0, 1
    BULLET_NUM, ORDERED_NUM = 1, 2
    """The instances the list styles name, for a list a user starts by hand in Word."""
    _BULLETS = ("•", "◦", "▪")
    LEVELS = 9

    def __init__(self, element: Any, step: float):
        self.element = element
        for child in list(element):
            element.remove(child)
        bullets = [("bullet", self._BULLETS[i % 3], (i + 1) * step, step) for i in range(self.LEVELS)]
        numbers = [("decimal", f"%{i + 1}.", (i + 1) * step, step) for i in range(self.LEVELS)]
        element.append(ox.abstract_num(self.BULLET_ABSTRACT, bullets))
        element.append(ox.abstract_num(self.ORDERED_ABSTRACT, numbers))
        element.append(ox.num(self.BULLET_NUM, self.BULLET_ABSTRACT))
        element.append(ox.num(self.ORDERED_NUM, self.ORDERED_ABSTRACT))
        self._next_id = 3

    def new_list(self, *, ordered: bool, level: int, start: int) -> int:
        """A new ``w:num`` for one list at ``level``; an ordered one restarts at ``start``."""
        num_id = self._next_id
        self._next_id += 1
        if ordered:
            self.element.append(ox.num(num_id, self.ORDERED_ABSTRACT, restart_level=level, start=start))
        else:
            self.element.append(ox.num(num_id, self.BULLET_ABSTRACT))
        return num_id


# --------------------------------------------------------------------------- the writer


class _Footnotes:
    """The footnotes part, made on the first note."""

    FIRST_ID = 2

    def __init__(self, document_part: Any):
        self.root = ox.footnotes_root()
        self.part = StoryPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self.root, document_part.package)
        document_part.relate_to(self.part, RT.FOOTNOTES)
        self.next_id = self.FIRST_ID

    def new(self) -> tuple[int, Any]:
        """A new empty ``w:footnote`` in the part, with its id."""
        note_id = self.next_id
        self.next_id += 1
        note = ox.footnote(note_id)
        self.root.append(note)
        return note_id, note


class _DocxWriter:
    """Builds one article's document; ``render_<NodeType>`` per node type, as the HTML renderer."""

    def __init__(self, article: m.Article, theme: Theme, fetcher: Fetcher):
        self.article = article
        self.theme = theme
        self.fetcher = fetcher
        self.labels = labels_for(article.lang)
        self.sheet = StyleSheet(theme)
        self.document = Document()
        self.part = self.document.part
        self.numbering = _Numbering(self.part.numbering_part.element, self.sheet.list_step)
        self.footnotes: _Footnotes | None = None
        body = self.document.element.body
        self._add = body.get_or_add_sectPr().addprevious
        self._story: Any = self.part
        self._paragraph_style: str | None = None
        self._list_depth = 0
        self._in_note = False
        self._first = True
        self._figures = 0

    # ------------------------------------------------------------------ the whole document

    def build(self) -> Any:
        """The python-docx ``Document``, filled."""
        self.prepare_package()
        self.sheet.install(self.document.styles.element, self.article.lang)
        self.setup_section()
        self.setup_settings()
        self.render_title_block()
        self._first = True
        self.blocks(self.article.body)
        self.render_end_matter()
        self.setup_core_properties()
        return self.document

    def prepare_package(self) -> None:
        """Drop what the python-docx template carries but this document must not: the thumbnail
        of an empty page, ``stylesWithEffects.xml`` (stale styles) and a custom XML item; replace
        ``app.xml``, which names another application.
        """
        package = self.part.package
        for rel_id, rel in list(package.rels.items()):
            if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
                del package.rels[rel_id]
        for rel_id, rel in list(self.part.rels.items()):
            if rel.reltype in (_STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
                self.part.drop_rel(rel_id)
        app = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, _APP_XML, package)
        package.relate_to(app, RT.EXTENDED_PROPERTIES)

    def setup_section(self) -> None:
        """Page size and margins from the theme (inner margin left, outer right), and the
        running header and footer.
        """
        page = self.theme.page
        section = self.document.sections[0]
        section.page_width = Twips(page.width.twips)
        section.page_height = Twips(page.height.twips)
        section.orientation = WD_ORIENT.LANDSCAPE if page.width > page.height else WD_ORIENT.PORTRAIT
        section.top_margin = Twips(page.margin_top.twips)
        section.bottom_margin = Twips(page.margin_bottom.twips)
        section.left_margin = Twips(page.margin_inner.twips)
        section.right_margin = Twips(page.margin_outer.twips)
        section.header_distance = Twips(round(page.margin_top.twips / 2))
        section.footer_distance = Twips(round(page.margin_bottom.twips / 2))
        section.gutter = Twips(0)
        self.setup_header(section)
        self.setup_footer(section)

    def setup_header(self, section: Any) -> None:
        """The running title in the header from page 2 on (the first page shows the title block)."""
        running = self.theme.running.header
        if running == "none":
            return
        text = self.article.publication or self.article.title if running == "publication" else self.article.title
        section.different_first_page_header_footer = True
        header = section.header
        header.is_linked_to_previous = False
        header.paragraphs[0]._p.append(ox.run(text))

    def setup_footer(self, section: Any) -> None:
        """The folio: a ``PAGE`` field (``PAGE / NUMPAGES`` for ``page-of-pages``), on every page."""
        style = self.theme.running.footer
        if style == "none":
            return
        footers = [section.footer]
        if section.different_first_page_header_footer:
            footers.append(section.first_page_footer)
        for footer in footers:
            footer.is_linked_to_previous = False
            p = footer.paragraphs[0]._p
            p.extend(ox.field_runs("PAGE", "1"))
            if style == "page-of-pages":
                p.append(ox.run(" / "))
                p.extend(ox.field_runs("NUMPAGES", "1"))

    def setup_settings(self) -> None:
        """Hyphenation, mirrored margins when inner and outer differ, and no stale proofing state
        (the template claims its spelling was checked, which would keep Word from checking ours).
        """
        settings = self.document.settings.element
        for tag in ("w:proofState", "w:savePreviewPicture"):
            for old in settings.findall(qn(tag)):
                settings.remove(old)
        if self.theme.text.hyphenate:
            ox.place(settings, ox.el("w:autoHyphenation"), ox.SETTINGS_ORDER)
            ox.place(settings, ox.el("w:doNotHyphenateCaps"), ox.SETTINGS_ORDER)
        if self.theme.page.margin_inner != self.theme.page.margin_outer:
            ox.place(settings, ox.el("w:mirrorMargins"), ox.SETTINGS_ORDER)
        compat = settings.find(qn("w:compat"))
        if compat is None:
            compat = ox.place(settings, ox.el("w:compat"), ox.SETTINGS_ORDER)
        # A justified line that ends in a line break stays unstretched, as in the PDF (Word's
        # "don't expand character spaces on a line ending with Shift+Return"); it comes first.
        compat.insert(0, ox.el("w:doNotExpandShiftReturn"))

    def setup_core_properties(self) -> None:
        """Title, authors, subject, keywords, language and reproducible dates."""
        a = self.article
        props = self.document.core_properties
        props.title = _clip(a.title)
        props.author = _clip("; ".join(author.name for author in a.authors))
        props.subject = _clip(a.summary or a.subtitle)
        props.keywords = _clip("; ".join(a.tags))
        props.language = _clip(a.lang)
        props.identifier = _clip(a.source_url)
        props.comments = ""
        props.category = ""
        props.last_modified_by = ""
        props.revision = 1
        when = build_datetime(a).astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
        props.created = props.modified = props.last_printed = when

    # ------------------------------------------------------------------ containers

    def paragraph(self, style_id: str) -> Any:
        """A new paragraph in ``style_id``, added where content goes now."""
        p = ox.paragraph(style_id)
        self._add(p)
        return p

    @contextmanager
    def into(self, container: Any, story: Any, paragraph_style: str | None) -> Iterator[None]:
        """Send content to ``container`` (a footnote), relating links and images from ``story``."""
        saved = (self._add, self._story, self._paragraph_style, self._list_depth, self._first)
        self._add, self._story, self._paragraph_style, self._list_depth = container.append, story, paragraph_style, 0
        try:
            yield
        finally:
            self._add, self._story, self._paragraph_style, self._list_depth, self._first = saved

    @contextmanager
    def styled(self, paragraph_style: str | None, *, depth: int | None = None) -> Iterator[None]:
        """Render paragraphs in ``paragraph_style`` (and lists at ``depth``) for a while."""
        saved = (self._paragraph_style, self._list_depth)
        self._paragraph_style = paragraph_style
        if depth is not None:
            self._list_depth = depth
        try:
            yield
        finally:
            self._paragraph_style, self._list_depth = saved

    # ------------------------------------------------------------------ dispatch

    def blocks(self, blocks: Iterable[m.Block]) -> None:
        """Render ``blocks`` in order."""
        for block in blocks:
            getattr(self, f"render_{type(block).__name__}")(block)

    def inlines(self, parent: Any, nodes: Iterable[m.Inline], marks: frozenset[str] = frozenset()) -> Any:
        """Append the runs of ``nodes`` to ``parent`` (a paragraph or hyperlink) and return it."""
        for node in nodes:
            getattr(self, f"render_{type(node).__name__}")(node, parent, marks)
        return parent

    def text_run(self, text: str, marks: frozenset[str]) -> Any:
        """A run of ``text`` in the character style of its strongest mark (see ``_RUN_STYLE_ORDER``)."""
        style = next((s for s in _RUN_STYLE_ORDER if s in marks), None)
        return ox.run(
            text,
            style_id=style,
            bold=S.STRONG in marks and style != S.STRONG,
            italic=S.EMPH in marks and style != S.EMPH,
        )

    # ------------------------------------------------------------------ inlines

    def render_Text(self, node: m.Text, parent: Any, marks: frozenset[str]) -> None:
        if node.text:
            parent.append(self.text_run(node.text, marks))

    def render_Emph(self, node: m.Emph, parent: Any, marks: frozenset[str]) -> None:
        self.inlines(parent, node.children, marks | {S.EMPH})

    def render_Strong(self, node: m.Strong, parent: Any, marks: frozenset[str]) -> None:
        self.inlines(parent, node.children, marks | {S.STRONG})

    def render_Code(self, node: m.Code, parent: Any, marks: frozenset[str]) -> None:
        if node.text:
            parent.append(self.text_run(node.text, marks | {S.CODE}))

    def render_LineBreak(self, node: m.LineBreak, parent: Any, marks: frozenset[str]) -> None:
        br = ox.run()
        br.append(ox.el("w:br"))
        parent.append(br)

    def render_Link(self, node: m.Link, parent: Any, marks: frozenset[str]) -> None:
        if not node.url or S.LINK in marks:  # no target, or a link inside a link: the text alone
            self.inlines(parent, node.children, marks)
            return
        self.inlines(self.hyperlink(parent, node.url, node.title), node.children, marks | {S.LINK})

    def hyperlink(self, parent: Any, url: str, title: str = "") -> Any:
        """A ``w:hyperlink`` to ``url`` appended to ``parent``: a bookmark for ``#name``, else an
        external relationship of the part the text is in.
        """
        if url.startswith("#"):
            link = ox.hyperlink(anchor=url[1:], tooltip=_clip(title))
        else:
            rel_id = self._story.relate_to(_uri(url), RT.HYPERLINK, is_external=True)
            link = ox.hyperlink(rel_id=rel_id, tooltip=_clip(title))
        parent.append(link)
        return link

    def render_Note(self, node: m.Note, parent: Any, marks: frozenset[str]) -> None:
        if self._in_note:  # Word has no note inside a note: its text in parentheses
            parent.append(self.text_run(" (", marks))
            for i, block in enumerate(node.blocks):
                if i:
                    parent.append(self.text_run(" ", marks))
                if isinstance(block, (m.Paragraph, m.Heading, m.PullQuote)):
                    self.inlines(parent, block.children, marks)
            parent.append(self.text_run(")", marks))
            return
        if self.footnotes is None:
            self.footnotes = _Footnotes(self.part)
            pr = ox.el("w:footnotePr", None, ox.el("w:footnote", {"w:id": "0"}), ox.el("w:footnote", {"w:id": "1"}))
            ox.place(self.document.settings.element, pr, ox.SETTINGS_ORDER)
        note_id, note = self.footnotes.new()
        parent.append(ox.footnote_reference_run(note_id, S.NOTE_REF))
        self._in_note = True
        try:
            with self.into(note, self.footnotes.part, S.NOTE_TEXT):
                self.blocks(node.blocks)
        finally:
            self._in_note = False
        self.mark_note(note)

    def mark_note(self, note: Any) -> None:
        """Put the note's own number (``w:footnoteRef``) at the start of its first paragraph."""
        first = note[0] if len(note) else None
        if first is None or first.tag != qn("w:p"):
            first = ox.paragraph(S.NOTE_TEXT)
            note.insert(0, first)
        at = 1 if len(first) and first[0].tag == qn("w:pPr") else 0
        first.insert(at, ox.footnote_mark_run(S.NOTE_REF))
        first.insert(at + 1, ox.run(" "))

    # ------------------------------------------------------------------ blocks

    def body_style(self) -> str:
        """The style of a plain paragraph here: the context's, else First Paragraph or Normal."""
        if self._paragraph_style is not None:
            return self._paragraph_style
        return S.FIRST if self._first else S.NORMAL

    def render_Paragraph(self, node: m.Paragraph) -> None:
        self.inlines(self.paragraph(self.body_style()), node.children)
        self._first = False

    def render_Heading(self, node: m.Heading) -> None:
        self.inlines(self.paragraph(S.HEADINGS[node.level - 1]), node.children)
        self._first = True

    def render_BlockQuote(self, node: m.BlockQuote) -> None:
        with self.styled(S.QUOTE):
            self.blocks(node.blocks)
        if node.attribution:
            self.inlines(self.paragraph(S.ATTRIBUTION), (m.Text("— "), *node.attribution))
        self._first = True

    def render_PullQuote(self, node: m.PullQuote) -> None:
        # One paragraph, the attribution after a line break, so the rules above and below
        # enclose both.
        p = self.inlines(self.paragraph(S.PULL_QUOTE), node.children)
        if node.attribution:
            self.render_LineBreak(m.LineBreak(), p, frozenset())
            self.inlines(p, (m.Text("— "), *node.attribution), frozenset({S.PULL_ATTRIBUTION}))
        self._first = True

    def render_ListBlock(self, node: m.ListBlock) -> None:
        depth = self._list_depth
        num_id = self.numbering.new_list(
            ordered=node.ordered, level=min(depth, _Numbering.LEVELS - 1), start=node.start
        )
        for item in node.items:
            self.list_item(item, ordered=node.ordered, depth=depth, num_id=num_id)
        self._first = True

    def list_item(self, item: Sequence[m.Block], *, ordered: bool, depth: int, num_id: int) -> None:
        """One item: a numbered paragraph (the item's first paragraph), then its other blocks,
        paragraphs in ``List Continue`` and lists one level deeper.
        """
        level = min(depth, 2)
        p = self.paragraph((S.NUMBERS if ordered else S.BULLETS)[level])
        numpr = ox.el(
            "w:numPr",
            None,
            ox.el("w:ilvl", {"w:val": str(min(depth, _Numbering.LEVELS - 1))}),
            ox.el("w:numId", {"w:val": str(num_id)}),
        )
        ox.place(ox.paragraph_properties(p), numpr, ox.PPR_ORDER)
        rest = list(item)
        head = rest[0] if rest else None
        if isinstance(head, m.Paragraph):
            self.inlines(p, head.children)
            rest = rest[1:]
        with self.styled(S.CONTINUES[level], depth=depth + 1):
            self.blocks(rest)

    def render_Figure(self, node: m.Figure) -> None:
        inline = self.picture(node)
        if inline is None:
            return
        p = self.paragraph(S.FIGURE)
        r = ox.run()
        r.append(ox.el("w:drawing", None, inline))
        p.append(r)
        if node.caption or node.credit:
            cap = self.inlines(self.paragraph(S.CAPTION), node.caption)
            if node.credit:
                if node.caption:
                    cap.append(ox.run(" "))
                cap.append(ox.run(f"{self.labels.photo}: {node.credit}", style_id=S.CREDIT))
        self._first = True

    def picture(self, node: m.Figure) -> Any:
        """The ``wp:inline`` of a figure's image, fitted to the text block; ``None`` when the
        image is refused, missing or not an image (each with a ``ResourceRefusedWarning``).
        """
        url = self.fetcher.to_url(node.src, self.article.base_dir)
        fetched = self.fetcher.fetch_or_none(url)
        if fetched is None:
            return None
        stream = _word_image(fetched[0])
        if stream is None:
            self.fetcher.refuse(url, "not an image format Word can show")
            return None
        rel_id, image = self._story.get_or_add_image(stream)
        cx, cy = self.fit(int(image.width), int(image.height))
        self._figures += 1
        inline = CT_Inline.new_pic_inline(self._figures, rel_id, image.filename, Emu(cx), Emu(cy))
        doc_pr = inline.docPr
        doc_pr.set("name", f"Figure {self._figures}")
        doc_pr.set("descr", node.alt)
        if not node.alt:
            _mark_decorative(doc_pr)
        return inline

    def fit(self, cx: int, cy: int) -> tuple[int, int]:
        """``(cx, cy)`` in EMU scaled down to the text width and three quarters of its height."""
        max_w = self.text_width * 12700
        max_h = self.text_height * 12700 * 0.75
        scale = min(1.0, max_w / max(cx, 1), max_h / max(cy, 1))
        return max(1, round(cx * scale)), max(1, round(cy * scale))

    @property
    def text_width(self) -> float:
        """The width of the text block in points."""
        page = self.theme.page
        return float(page.width - page.margin_inner - page.margin_outer)

    @property
    def text_height(self) -> float:
        """The height of the text block in points."""
        page = self.theme.page
        return float(page.height - page.margin_top - page.margin_bottom)

    def render_Rule(self, node: m.Rule) -> None:
        self.paragraph(S.RULE).append(ox.run("* * *"))
        self._first = True

    def render_Table(self, node: m.Table) -> None:
        rows = ([node.header] if node.header else []) + list(node.rows)
        cols = max(len(r) for r in rows) or 1
        width = round(self.text_width * 20)
        tbl = _table_skeleton(cols, width // cols, header=bool(node.header))
        self._add(tbl)
        for i, cells in enumerate(rows):
            is_header = bool(node.header) and i == 0
            tr = ox.el("w:tr")
            if is_header:
                tr.append(ox.el("w:trPr", None, ox.el("w:tblHeader")))
            for j in range(cols):
                tr.append(
                    self.table_cell(
                        cells[j] if j < len(cells) else (),
                        node.align[j] if j < len(node.align) else "",
                        width // cols,
                        is_header,
                    )
                )
            tbl.append(tr)
        if node.caption:
            self.inlines(self.paragraph(S.CAPTION), node.caption)
        self._first = True

    def table_cell(self, inlines: tuple[m.Inline, ...], align: str, width: int, header: bool) -> Any:
        """One ``w:tc`` holding one paragraph of ``inlines``, aligned as its column."""
        tc = ox.el("w:tc", None, ox.el("w:tcPr", None, ox.el("w:tcW", {"w:w": str(width), "w:type": "dxa"})))
        p = ox.paragraph(S.TABLE_HEADING if header else S.TABLE_TEXT)
        if align in ("center", "right"):
            ox.place(ox.paragraph_properties(p), ox.jc(align), ox.PPR_ORDER)  # type: ignore[arg-type]
        tc.append(self.inlines(p, inlines))
        return tc

    # ------------------------------------------------------------------ around the body

    def render_title_block(self) -> None:
        """Kicker (``Opini · DepokPos``), title, dek, byline with affiliations, and date."""
        a, labels = self.article, self.labels
        kicker = labels.opinion + (f" · {a.publication}" if a.publication else "")
        last = self.paragraph(S.KICKER)
        last.append(ox.run(kicker))
        last = self.paragraph(S.TITLE)
        last.append(ox.run(a.title))
        if a.subtitle:
            last = self.paragraph(S.SUBTITLE)
            last.append(ox.run(a.subtitle))
        if a.authors:
            last = self.paragraph(S.BYLINE)
            last.append(ox.run(labels.by, style_id=S.BYLINE_LABEL))
            last.append(ox.run(" " + join_names([au.name for au in a.authors], a.lang)))
            for author in a.authors:
                if author.affiliation:
                    text = f"{author.name}, {author.affiliation}" if len(a.authors) > 1 else author.affiliation
                    last = self.paragraph(S.AFFILIATION)
                    last.append(ox.run(text))
        if a.date is not None:
            last = self.paragraph(S.DATELINE)
            last.append(ox.run(format_article_date(a.date, a.lang)))
        # The space between the title block and the text belongs to the block's last paragraph,
        # whichever that is: the one direct paragraph property the exporter writes.
        ox.place(ox.paragraph_properties(last), ox.spacing(after=self.sheet.base * 2.2), ox.PPR_ORDER)

    def render_end_matter(self) -> None:
        """Author bios, disclosure, source URL and rights, after the body."""
        a, labels = self.article, self.labels
        for author in a.authors:
            if author.bio:
                p = self.paragraph(S.END_MATTER)
                p.append(ox.run(author.name, style_id=S.STRONG))
                p.append(ox.run(" " + author.bio))
        if a.disclosure:
            self.paragraph(S.END_MATTER).append(ox.run(f"{labels.disclosure}: {a.disclosure}"))
        if a.source_url:
            p = self.paragraph(S.END_MATTER)
            p.append(ox.run(labels.source + " "))
            if a.source_url.lower().startswith(("http://", "https://")):
                p = self.hyperlink(p, a.source_url)
            p.append(ox.run(a.source_url, style_id=S.LINK if p.tag == qn("w:hyperlink") else None))
        if a.rights:
            self.paragraph(S.END_MATTER).append(ox.run(a.rights))


def _clip(value: str) -> str:
    return value if len(value) <= _CORE_MAX else value[: _CORE_MAX - 1] + "…"


_URI_SAFE = ":/?#[]@!$&'()*+,;=%~"


def _uri(url: str) -> str:
    """``url`` as an ASCII URI for a relationship target: Word calls a document corrupt when a
    hyperlink target is not a valid URI (a space, a raw non-ASCII letter).
    """
    parts = urllib.parse.urlsplit(url.strip())
    netloc = parts.netloc
    if not netloc.isascii():
        userinfo, at, hostport = netloc.rpartition("@")
        host, colon, port = hostport.partition(":")
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            host = urllib.parse.quote(host, safe="")
        netloc = urllib.parse.quote(userinfo, safe=_URI_SAFE) + at + host + colon + port
    path, query, fragment = (urllib.parse.quote(x, safe=_URI_SAFE) for x in (parts.path, parts.query, parts.fragment))
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, query, fragment))


def _table_skeleton(cols: int, col_width: int, *, header: bool) -> Any:
    """An empty ``w:tbl`` in the article table style with its grid; rows are appended after."""
    look = {
        "w:val": "0420" if header else "0400",
        "w:firstRow": "1" if header else "0",
        "w:lastRow": "0",
        "w:firstColumn": "0",
        "w:lastColumn": "0",
        "w:noHBand": "0",
        "w:noVBand": "1",
    }
    tblpr = ox.el(
        "w:tblPr",
        None,
        ox.el("w:tblStyle", {"w:val": S.TABLE}),
        ox.el("w:tblW", {"w:w": "0", "w:type": "auto"}),
        ox.el("w:tblLook", look),
    )
    grid = ox.el("w:tblGrid", None, *(ox.el("w:gridCol", {"w:w": str(col_width)}) for _ in range(cols)))
    return ox.el("w:tbl", None, tblpr, grid)


def _word_image(data: bytes) -> io.BytesIO | None:
    """``data`` as a stream python-docx can place: as it is for PNG, JPEG, GIF, BMP and TIFF,
    converted to PNG by Pillow for anything else Pillow reads (WebP …); ``None`` otherwise (SVG …).
    """
    try:
        DocxImage.from_blob(data)
        return io.BytesIO(data)
    except Exception:  # python-docx raises several kinds for unknown or broken images
        pass
    try:
        with PILImage.open(io.BytesIO(data)) as im:
            im.load()
            out = io.BytesIO()
            im.convert("RGBA" if "A" in im.getbands() else "RGB").save(out, format="PNG")
    except Exception:  # Pillow raises many kinds for unreadable data
        return None
    out.seek(0)
    return out


def _mark_decorative(doc_pr: Any) -> None:
    """Mark an image without alt text as decorative (Office's ``adec:decorative``), so screen
    readers skip it instead of reading its file name.
    """
    ext_lst = ox.el("a:extLst", None, ox.el("a:ext", {"uri": _DECORATIVE_EXT}))
    decorative = etree.SubElement(ext_lst[0], f"{{{_DECORATIVE_NS}}}decorative", nsmap={"adec": _DECORATIVE_NS})
    decorative.set("val", "1")
    doc_pr.append(ext_lst)


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


class DocxExporter(Exporter):
    """Word (``.docx``) through python-docx: named styles from the theme, real footnotes, links,
    lists and fields; reproducible bytes under ``SOURCE_DATE_EPOCH``.
    """

    name: ClassVar[str] = "docx"
    suffix: ClassVar[str] = ".docx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    description: ClassVar[str] = "Word document with the theme's styles, real footnotes and links"
    requires: ClassVar[tuple[str, ...]] = ("docx",)

    def export(self, article: m.Article, theme: Theme, **options: Any) -> bytes:
        """Render ``article`` with ``theme`` as a DOCX and return its bytes.

        :param options: only the common ones (``allow_hosts``).
        """
        opts = self.resolve_options(options)
        fetcher = Fetcher(roots=[article.base_dir, *theme.template_dirs], allow_hosts=opts["allow_hosts"])
        document = _DocxWriter(article, theme, fetcher).build()
        buffer = io.BytesIO()
        document.save(buffer)
        return reproducible_zip(buffer.getvalue(), build_datetime(article))
