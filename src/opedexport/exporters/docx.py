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
* **Books.** :meth:`DocxExporter.export_collection` writes a collection as one
  document with the same styles and rendering: a title page (the book's title
  block, editors after "Edited by"), the contents, then per part a page with
  its title (``Part``, based on ``heading 1``) and per article a section of its
  own: a new page, its title as running header from its second page, its
  footnotes numbered from 1. Article titles are ``heading 1`` in the look of
  ``Title``, so Word's contents, navigation and pandoc see them; the
  articles' headings move one level down. The contents is a real ``TOC``
  field written out already (entries linked to bookmarks on the titles, page
  numbers in ``PAGEREF`` fields) so it shows without updating fields: the page
  numbers are estimated by :class:`_Pagination`, and ``w:updateFields`` asks
  Word to recompute them on opening (LibreOffice shows them as written, and
  converts without a prompt). Each article is in its own language: its runs
  carry its ``w:lang`` when it is not the book's (Word hyphenates and checks
  spelling by it), and its labels ("By … and …", the kicker) and date are in
  that language; the book's title page and contents are in the book's.
* **Package.** The template's thumbnail, ``stylesWithEffects.xml`` and custom
  XML item are dropped, ``app.xml`` is replaced, core properties come from the
  article, every date of the file (core properties, zip entries) is
  :func:`~opedexport.exporters.base.build_datetime` (``SOURCE_DATE_EPOCH``, else
  the time of the build; never the article's date), and the zip is rewritten
  in a fixed order, so under ``SOURCE_DATE_EPOCH`` the same input gives the
  same bytes.

Not carried over: the drop cap and two columns (the PDF's), the font
fallback list (Word has none) and the font files (not embedded: Word and
LibreOffice substitute a font for a family that is not installed).
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import urllib.parse
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, ClassVar, Literal

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
from docx.section import Section
from docx.shared import Emu, Twips
from lxml import etree

from .. import model as m
from ..fetch import Fetcher
from ..i18n import format_article_date, join_names, labels_for
from ..model import Collection
from ..theme import Theme
from . import _docx_oxml as ox
from ._common import kicker_text, running_header_text, write_zip
from .base import Exporter, build_datetime

__all__ = ["DocxExporter", "StyleSheet", "reproducible_zip"]

_STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
_DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
_DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_SECT_IN_P = f"{qn('w:pPr')}/{qn('w:sectPr')}"
_CORE_MAX = 255  # python-docx refuses longer core-property strings
#: A book's contents: the paragraphs at outline level 1 (``\o "1-1"``, by style and, ``\u``, by
#: paragraph), parts and article titles, not the articles' own headings; entries linked to their
#: titles (``\h``), without page numbers in Word's Web view (``\z``).
_TOC_FIELD = 'TOC \\o "1-1" \\h \\z \\u'
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
    HEADINGS = ("Heading1", "Heading2", "Heading3", "Heading4")
    """An article's levels 1–3; in a book the article title is level 1 and its headings 2–4."""
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
    PART = "Part"
    TOC_HEADING = "TOCHeading"
    TOC = "TOC1"


#: Character styles in order of precedence: a run takes the first of its marks that is here.
_RUN_STYLE_ORDER = (S.LINK, S.CODE, S.STRONG, S.EMPH, S.PULL_ATTRIBUTION, S.BYLINE_LABEL, S.CREDIT)


# --------------------------------------------------------------------------- the style sheet


#: Built ``w:style`` elements per (theme folders, tokens, book): a batch builds each theme's styles once.
_STYLE_ELEMENTS: dict[tuple[Any, str, bool], list[Any]] = {}


class StyleSheet:
    """The theme's tokens as Word styles: ``specs()`` lists every style of the document.

    Sizes follow the PDF's stylesheet (``_base.css.j2``): the same multiples of the
    body size, the same colours for the same roles.
    """

    def __init__(self, theme: Theme, *, book: bool = False):
        self.theme = theme
        self.book = book
        """A book's sheet: article titles are ``heading 1`` (styled as a title), article headings one
        level down, and the part, contents and contents-entry styles are added.
        """
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
            *(self.book_parts() if self.book else ()),
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
        title_ppr, title_rpr = self.title_look()
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
            ox.StyleSpec(
                S.TITLE,
                "Title",
                "paragraph",
                based_on=S.NORMAL,
                next=S.SUBTITLE,
                quick=True,
                ui_priority=10,
                ppr=title_ppr,
                rpr=title_rpr,
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

    def title_look(self) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """``(paragraph, run)`` properties of an article's title: ``Title`` alone, ``heading 1`` in a book."""
        ppr = self.flush(
            ox.el("w:keepNext"),
            ox.el("w:suppressAutoHyphens"),
            self.lines(self.t.title_size, 1.12, after=self.base * 0.6),
            *self.title_rules(),
        )
        rpr = self.heading_run(
            self.t.title_size, ox.on("w:b"), ox.on("w:bCs"), ox.color(self.c.text), ox.el("w:kern", {"w:val": "28"})
        )
        return ppr, rpr

    def heading_look(self, level: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """``(paragraph, run)`` properties of an article's section heading of ``level`` 1–3: heading
        font and scale; level 1 in the accent colour (or under an accent rule when the theme's
        ``heading_style`` is ``rule``), level 3 italic, as in the PDF.
        """
        b, c = self.base, self.c
        before, after = ((b * 1.3, b * 0.5), (b * 1.1, b * 0.4), (b * 1.0, b * 0.3))[level - 1]
        ppr: tuple[Any, ...] = self.flush(
            ox.el("w:keepNext"),
            ox.el("w:keepLines"),
            ox.el("w:suppressAutoHyphens"),
            self.lines(self.t.heading_size(level), 1.2, before=before, after=after),
        )
        rpr: tuple[Any, ...] = self.heading_run(self.t.heading_size(level), ox.on("w:b"), ox.on("w:bCs"))
        if level == 1 and self.theme.layout.heading_style == "rule":
            ppr += (ox.border(top=(2.5, c.accent, b * 0.45)),)
            rpr += (ox.color(c.text),)
        elif level == 1:
            rpr += (ox.color(c.accent),)
        else:
            rpr += (ox.color(c.text),)
        if level == 3:
            rpr += (ox.on("w:i"), ox.on("w:iCs"))
        return ppr, rpr

    def headings(self) -> list[ox.StyleSpec]:
        """``heading 1``–``3`` in the looks of an article's section headings; in a book, ``heading 1``
        in the look of an article title and ``heading 2``–``4`` in those of its section headings.
        Each level is its outline level, so Word's navigation and contents follow it.
        """
        looks = [self.heading_look(level) for level in (1, 2, 3)]
        if self.book:
            looks.insert(0, self.title_look())
        out = []
        for i, (ppr, rpr) in enumerate(looks):
            out.append(
                ox.StyleSpec(
                    S.HEADINGS[i],
                    f"heading {i + 1}",
                    "paragraph",
                    based_on=S.NORMAL,
                    next=S.FIRST,
                    ppr=(*ppr, ox.el("w:outlineLvl", {"w:val": str(i)})),
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

    def book_parts(self) -> list[ox.StyleSpec]:
        """A book's own styles: ``Part`` (a part's title on a page of its own, a ``heading 1`` so
        that pandoc reads it as a heading), ``TOC Heading`` and ``toc 1``, the contents' entries
        with a dotted tab to the page number.
        """
        b, c = self.base, self.c
        return [
            ox.StyleSpec(
                S.PART,
                "Part",
                "paragraph",
                based_on=S.HEADINGS[0],
                next=S.NORMAL,
                custom=True,
                quick=True,
                ppr=(
                    self.lines(self.t.title_size * 1.15, 1.15, before=self.text_height * 0.3, after=0),
                    ox.jc("center"),
                ),
                rpr=(*ox.size(self.t.title_size * 1.15), ox.color(c.accent)),
            ),
            ox.StyleSpec(
                S.TOC_HEADING,
                "TOC Heading",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                ui_priority=39,
                hidden=True,
                ppr=self.flush(
                    ox.el("w:keepNext"),
                    self.lines(self.t.heading_size(1), 1.2, before=0, after=b * 1.5),
                ),
                rpr=self.heading_run(self.t.heading_size(1), ox.on("w:b"), ox.on("w:bCs"), ox.color(c.accent)),
            ),
            ox.StyleSpec(
                S.TOC,
                "toc 1",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                ui_priority=39,
                hidden=True,
                ppr=self.flush(
                    ox.tabs(("right", self.text_width, "dot")),
                    ox.el("w:suppressAutoHyphens"),
                    self.lines(b, before=b * 0.3, after=b * 0.3),
                ),
            ),
        ]

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

    def doc_defaults(self, lang: str) -> Any:
        """``w:docDefaults``: the body font and size, the document's language, no spacing."""
        rpr = [ox.fonts(self.body_font), *ox.size(self.base)]
        if lang and lang != "und":
            rpr.append(ox.language(lang))
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
        for style in self.style_elements():
            styles_element.append(style)

    def style_elements(self) -> list[Any]:
        """A fresh ``w:style`` element per spec: built once per theme in a process, copied after that."""
        key = (self.theme.template_dirs, repr(self.theme.tokens), self.book)
        built = _STYLE_ELEMENTS.get(key)
        if built is None:
            built = [ox.style_element(spec) for spec in self.specs()]
            if len(_STYLE_ELEMENTS) >= 16:
                _STYLE_ELEMENTS.pop(next(iter(_STYLE_ELEMENTS)))
            _STYLE_ELEMENTS[key] = built
        return [copy.deepcopy(style) for style in built]


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

    def since(self, first_id: int) -> list[Any]:
        """The notes numbered ``first_id`` and after."""
        return [n for n in self.root.findall(qn("w:footnote")) if int(n.get(qn("w:id"))) >= first_id]


@dataclass(slots=True)
class _Entry:
    """One line of a book's contents: a part or an article, its bookmark, and the pages it takes."""

    text: str
    bookmark: str
    lang: str
    pages: int


class _DocxWriter:
    """Builds one document, an article's or a book's; ``render_<NodeType>`` per node type, as the
    HTML renderer.

    The package, styles, settings, numbering, footnotes and the rendering of every node are shared:
    :meth:`write_article` makes an article's document and :meth:`write_book` a book's, and both
    render each article with :meth:`render_article`.
    """

    article: m.Article
    """The article being rendered (its folder for figures; its language in a book)."""
    fetcher: Fetcher
    """The fetcher of the article being rendered (its own folder and the theme's)."""

    def __init__(self, theme: Theme, *, lang: str, book: bool = False):
        self.theme = theme
        self.lang = lang
        self.book = book
        self.labels = labels_for(lang)
        self.when = build_datetime()
        """The document's own timestamp (core properties and zip entries): one moment for the whole file."""
        self.sheet = StyleSheet(theme, book=book)
        self.document = Document()
        self.part = self.document.part
        self.body = self.document.element.body
        self.numbering = _Numbering(self.part.numbering_part.element, self.sheet.list_step)
        self.footnotes: _Footnotes | None = None
        self._add = self.body.get_or_add_sectPr().addprevious
        self._story: Any = self.part
        self._paragraph_style: str | None = None
        self._list_depth = 0
        self._in_note = False
        self._first = True
        self._figures = 0
        self._bookmarks = 0
        self._heading_shift = 1 if book else 0
        self._first_page_folio = False

    # ------------------------------------------------------------------ whole documents

    def write_article(self, article: m.Article, fetcher: Fetcher) -> Any:
        """The python-docx ``Document`` of one article."""
        self.setup_document()
        section = self.document.sections[0]
        running = self.theme.running
        if running.header != "none":
            section.different_first_page_header_footer = True  # no running header over the title block
            text = running_header_text(article, self.theme)
            self.running_header(section, text)
        if running.footer != "none":
            self.folio(section.footer)
            if section.different_first_page_header_footer:
                self.folio(section.first_page_footer)
        self.render_article(article, fetcher, title_style=S.TITLE)
        self.setup_core_properties(
            title=article.title,
            authors=[a.name for a in article.authors],
            subject=article.summary or article.subtitle,
            keywords=article.tags,
            identifier=article.source_url,
            when=self.when,
        )
        return self.document

    def write_book(self, collection: Collection, fetcher_for: Callable[[m.Article], Fetcher]) -> Any:
        """The python-docx ``Document`` of a book: a title page, the contents, then each part's
        title on a page of its own and each article in a section of its own (its title in the
        running header, its footnotes numbered from 1).
        """
        self.setup_document()
        pagination = _Pagination(self.document.styles.element, self.theme, self.sheet)
        book = collection.as_article()
        by = self.labels.edited_by if collection.editors else self.labels.by
        self.render_title_block(book, kicker=book.publication, title_style=S.TITLE, by=by)
        self.end_section("title")
        contents = self.paragraph(S.TOC_HEADING)
        contents.append(ox.run(self.labels.contents))
        self.end_section("contents")
        entries: list[_Entry] = []
        left = len(collection.articles)
        for part in collection.parts:
            if part.title and part.articles:
                p = self.paragraph(S.PART)
                p.append(ox.run(part.title))
                entries.append(_Entry(part.title, self.bookmark(p), self.lang, 1))
                self.end_section("part")
            for article in part.articles:
                start = len(self.body) - 1  # the body's sectPr stays last
                first_note = self.footnotes.next_id if self.footnotes else _Footnotes.FIRST_ID
                title = self.render_article(article, fetcher_for(article), title_style=S.HEADINGS[0])
                content = list(self.body)[start:-1]
                notes = self.footnotes.since(first_note) if self.footnotes else []
                if article.lang != self.lang:
                    _tag_language([*content, *notes], article.lang)
                pages = pagination.pages(pagination.height(content) + pagination.notes_height(notes))
                entries.append(_Entry(article.title, self.bookmark(title), article.lang, pages))
                left -= 1
                self.end_section("article", header=article.title, lang=article.lang, final=not left)
        self.fill_contents(contents, entries, pagination)
        self.setup_core_properties(
            title=collection.title,
            authors=[a.name for a in (*collection.editors, *collection.all_authors())],
            subject=collection.subtitle,
            keywords=[tag for a in collection.articles for tag in a.tags],
            identifier="",
            when=self.when,
        )
        return self.document

    def render_article(self, article: m.Article, fetcher: Fetcher, *, title_style: str) -> Any:
        """Render ``article`` where content goes now: its title block, body and end matter, with
        labels and date in the article's language (in a book too).

        :returns: the paragraph of its title.
        """
        self.article = article
        self.fetcher = fetcher
        own, self.labels = self.labels, labels_for(article.lang)
        try:
            kicker = kicker_text(article, self.labels)
            title = self.render_title_block(article, kicker=kicker, title_style=title_style)
            self._first = True
            self.blocks(article.body)
            self.render_end_matter()
        finally:
            self.labels = own
        return title

    def setup_document(self) -> None:
        """The package, the styles, the settings and the page, before any content."""
        self.prepare_package()
        self.sheet.install(self.document.styles.element, self.lang)
        self.setup_page(self.document.sections[0])
        self._page = copy.deepcopy(self.body.sectPr)  # a book's sections copy the page, before any header
        self.setup_settings()

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

    def setup_page(self, section: Any) -> None:
        """Page size and margins from the theme (inner margin left, outer right)."""
        page = self.theme.page
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

    def running_header(self, section: Any, text: str, lang: str = "") -> None:
        """The section's own running header (from its second page when it has a distinct first page):
        ``text``, in ``lang`` when that is not the document's.
        """
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]._p
        p.append(ox.run(text))
        if lang and lang != self.lang:
            _tag_language([p], lang)

    def folio(self, footer: Any) -> None:
        """A footer of its own showing the folio: a ``PAGE`` field (``PAGE / NUMPAGES`` for ``page-of-pages``)."""
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]._p
        p.extend(ox.field_runs("PAGE", "1"))
        if self.theme.running.footer == "page-of-pages":
            p.append(ox.run(" / "))
            p.extend(ox.field_runs("NUMPAGES", "1"))

    def end_section(
        self,
        kind: Literal["title", "contents", "part", "article"],
        *,
        header: str = "",
        lang: str = "",
        final: bool = False,
    ) -> Any:
        """Close a book's section of ``kind`` here: what follows starts on a new page.

        A section inherits the headers and footers it does not define from the one before, as
        in Word. The title page's defines none: no folio. The contents' defines the folio as
        its footer, which every later section inherits. Parts and articles have a distinct
        first page, without running header: the first of them defines the first-page footer
        (the folio again) that the others inherit, and an article's section has its ``header``
        (its title) as running header. The ``final`` section is the body's own ``w:sectPr``;
        it also restarts footnote numbers (see :meth:`setup_settings`).

        :returns: the paragraph that carries the section's properties (``None`` for the final
            one); for the contents, an empty paragraph after its heading, which the entries go before.
        """
        sect_pr = self.body.sectPr if final else copy.deepcopy(self._page)
        section = Section(sect_pr, self.part)
        folio = self.theme.running.footer != "none"
        if kind == "contents" and folio:
            self.folio(section.footer)
        if kind in ("part", "article"):
            section.different_first_page_header_footer = True
            if folio and not self._first_page_folio:
                self.folio(section.first_page_footer)
                self._first_page_folio = True
        if header and self.theme.running.header != "none":
            self.running_header(section, header, lang)
        if final:
            ox.place(sect_pr, ox.el("w:footnotePr", None, _restart_each_section()), ox.SECTPR_ORDER)
            return None
        last = self.body.sectPr.getprevious()
        if kind == "contents" or last is None or last.tag != qn("w:p") or last.find(_SECT_IN_P) is not None:
            last = self.paragraph(S.NORMAL)
        ox.place(ox.paragraph_properties(last), sect_pr, ox.PPR_ORDER)
        return last

    def bookmark(self, p: Any) -> str:
        """Bookmark the content of paragraph ``p`` (a title, for the contents) and return the name."""
        self._bookmarks += 1
        name = f"_Toc{self._bookmarks:09d}"  # hidden, as the bookmarks Word makes for its contents
        ox.bookmark(p, self._bookmarks, name)
        return name

    def fill_contents(self, heading: Any, entries: Sequence[_Entry], pagination: _Pagination) -> None:
        """Write the contents after ``heading``: a ``TOC`` field whose result is already there, one
        ``toc 1`` paragraph per entry, linked to its title, with a ``PAGEREF`` field showing the
        estimated page number (see :class:`_Pagination`).

        The section's properties stay in the empty paragraph after the field: LibreOffice loses
        them inside the field's last paragraph (and the folios with them).
        """
        paragraphs, numbers = [], []
        for i, entry in enumerate(entries):
            p = ox.paragraph(S.TOC)
            if i == 0:
                p.extend(ox.field_begin(_TOC_FIELD))
            link = ox.hyperlink(anchor=entry.bookmark)
            title = ox.run(entry.text)
            if entry.lang != self.lang:
                _tag_language([title], entry.lang)
            pageref = ox.field_runs(f"PAGEREF {entry.bookmark} \\h", "")
            link.extend([title, ox.run("\t"), *pageref])
            p.append(link)
            paragraphs.append(p)
            numbers.append(pageref[3])  # the result's run, filled in below
        paragraphs[-1].append(ox.field_end())
        at = heading
        for p in paragraphs:
            at.addnext(p)
            at = p
        # The title page, then the contents; each part and article starts a page of its own.
        page = 2 + pagination.pages(pagination.height([heading, *paragraphs]))
        for entry, number in zip(entries, numbers, strict=True):
            number.append(ox.el("w:t"))
            number[-1].text = str(page)
            page += entry.pages

    def setup_settings(self) -> None:
        """Hyphenation, mirrored margins when inner and outer differ, and no stale proofing state
        (the template claims its spelling was checked, which would keep Word from checking ours).

        A book also asks Word to update its fields on opening (``w:updateFields``: the contents'
        page numbers, which the exporter can only estimate; LibreOffice ignores it and shows the
        estimate), and restarts footnote numbers in each section: ``w:numRestart`` in the
        document-wide ``w:footnotePr`` (Word applies it to every section without its own) and in
        the final section's (LibreOffice reads only that one, as a document-wide setting, and then
        restarts at every outline-level-1 paragraph: each article title). Earlier sections carry
        none: LibreOffice 7.4 numbers every note 0 when they do.
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
        if self.book:
            ox.place(settings, ox.el("w:updateFields", {"w:val": "true"}), ox.SETTINGS_ORDER)
        compat = settings.find(qn("w:compat"))
        if compat is None:
            compat = ox.place(settings, ox.el("w:compat"), ox.SETTINGS_ORDER)
        # A justified line that ends in a line break stays unstretched, as in the PDF (Word's
        # "don't expand character spaces on a line ending with Shift+Return"); it comes first.
        compat.insert(0, ox.el("w:doNotExpandShiftReturn"))

    def setup_core_properties(
        self,
        *,
        title: str,
        authors: Iterable[str],
        subject: str,
        keywords: Iterable[str],
        identifier: str,
        when: dt.datetime,
    ) -> None:
        """Title, authors and keywords (each once, in order), subject, language and reproducible dates."""
        props = self.document.core_properties
        props.title = _clip(title)
        props.author = _clip("; ".join(dict.fromkeys(authors)))
        props.subject = _clip(subject)
        props.keywords = _clip("; ".join(dict.fromkeys(keywords)))
        props.language = _clip(self.lang)
        props.identifier = _clip(identifier)
        props.comments = ""
        props.category = ""
        props.last_modified_by = ""
        props.revision = 1
        stamp = when.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
        # W3CDTF needs a four-digit year: a SOURCE_DATE_EPOCH before 1970 is stamped 1970.
        props.created = props.modified = props.last_printed = max(stamp, dt.datetime(1970, 1, 1))

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
        # A relative target is resolved against the article's canonical URL, or dropped (see m.link_url).
        url = node.url if node.url.startswith("#") else m.link_url(node.url, self.article.source_url)
        if not url or S.LINK in marks:  # no target, or a link inside a link: the text alone
            self.inlines(parent, node.children, marks)
            return
        self.inlines(self.hyperlink(parent, url, node.title), node.children, marks | {S.LINK})

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
            if self.book:  # see setup_settings
                pr.insert(0, _restart_each_section())
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
        self.inlines(self.paragraph(S.HEADINGS[node.level - 1 + self._heading_shift]), node.children)
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
        fetched = self.fetcher.fetch_image_or_none(url)  # the image check, by content, before anything decodes it
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
        max_w = self.sheet.text_width * 12700
        max_h = self.sheet.text_height * 12700 * 0.75
        scale = min(1.0, max_w / max(cx, 1), max_h / max(cy, 1))
        return max(1, round(cx * scale)), max(1, round(cy * scale))

    def render_Rule(self, node: m.Rule) -> None:
        self.paragraph(S.RULE).append(ox.run("* * *"))
        self._first = True

    def render_Table(self, node: m.Table) -> None:
        rows = ([node.header] if node.header else []) + list(node.rows)
        cols = max(len(r) for r in rows) or 1
        width = round(self.sheet.text_width * 20)
        tbl = _table_skeleton(cols, width // cols, header=bool(node.header), caption=m.plain_text(node.caption))
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

    def render_title_block(self, a: m.Article, *, kicker: str, title_style: str, by: str = "") -> Any:
        """Kicker (``Opini · DepokPos``), title (in ``title_style``), dek, byline (after ``by``, else
        the language's "By") with affiliations, and date, with labels and date in the language of
        :attr:`labels` (the article's, see :meth:`render_article`). A book's title page is the book's own title block
        (:meth:`~opedexport.collection.Collection.as_article`), its byline naming the editors.

        :returns: the title's paragraph.
        """
        labels = self.labels
        if kicker:
            last = self.paragraph(S.KICKER)
            last.append(ox.run(kicker))
        last = title = self.paragraph(title_style)
        last.append(ox.run(a.title))
        if a.subtitle:
            last = self.paragraph(S.SUBTITLE)
            last.append(ox.run(a.subtitle))
        if a.authors:
            last = self.paragraph(S.BYLINE)
            last.append(ox.run(by or labels.by, style_id=S.BYLINE_LABEL))
            last.append(ox.run(" " + join_names([au.name for au in a.authors], labels.lang)))
            for author in a.authors:
                if author.affiliation:
                    text = f"{author.name}, {author.affiliation}" if len(a.authors) > 1 else author.affiliation
                    last = self.paragraph(S.AFFILIATION)
                    last.append(ox.run(text))
        if a.date is not None:
            last = self.paragraph(S.DATELINE)
            last.append(ox.run(format_article_date(a.date, labels.lang)))
        # The space between the title block and the text belongs to the block's last paragraph,
        # whichever that is: the one direct paragraph property the exporter writes.
        ox.place(ox.paragraph_properties(last), ox.spacing(after=self.sheet.base * 2.2), ox.PPR_ORDER)
        return title

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


def _tag_language(elements: Iterable[Any], lang: str) -> None:
    """Set ``w:lang`` on every run in ``elements``: the language of an article in a book of another.

    Only runs (not styles) carry it, so each article keeps the document's styles; an article in
    the book's own language inherits it from the document defaults.
    """
    if not lang or lang == "und":
        return
    for element in elements:
        for r in element.iter(qn("w:r")):
            rpr = r.find(qn("w:rPr"))
            if rpr is None:
                rpr = ox.el("w:rPr")
                r.insert(0, rpr)
            ox.place(rpr, ox.language(lang), ox.RPR_ORDER)


def _restart_each_section() -> Any:
    """``w:numRestart``: footnote numbers start again in each section (each article of a book)."""
    return ox.el("w:numRestart", {"w:val": "eachSect"})


@cache
def _font(path: Path) -> Any:
    """A font file loaded by Pillow (FreeType) at 100 px, to measure text; ``None`` when unreadable."""
    from PIL import ImageFont  # only books measure text

    try:
        return ImageFont.truetype(str(path), 100)
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class _Metrics:
    """What a paragraph style says about the space its paragraphs take, in points."""

    size: float
    line: float
    before: float
    after: float
    left: float
    right: float
    first: float
    font: Path | None
    wide: bool
    """Capitals or small capitals: wider than the font's measure of the text."""


class _Pagination:
    """Estimates the pages that content already written takes in Word, for a book's contents.

    A book's contents must show page numbers before any word processor has laid the book out:
    Word recomputes them when it updates the fields (the document asks it to), LibreOffice shows
    them as written. Converting with LibreOffice to find the pages would be exact for LibreOffice
    but takes seconds and a LibreOffice; instead each paragraph's lines are counted from the
    width of its text, measured with the theme's own font files, and its height is taken from its
    style (the same exact line heights and spacing Word uses). Footnotes, figures and tables count
    too. Not modelled: hyphenation and word wrap (each line is taken as full), keep-with-next and
    widow control, and a font Word substitutes when the theme's is not installed; :attr:`FILL`
    allows for the space those leave at page bottoms. The estimate is close, not exact.
    """

    FILL = 0.94
    """The share of the text block taken on an average page."""

    def __init__(self, styles: Any, theme: Theme, sheet: StyleSheet):
        self._styles = {s.get(qn("w:styleId")): s for s in styles.findall(qn("w:style"))}
        faces = {(False, False): "regular", (False, True): "italic", (True, False): "bold", (True, True): "bold_italic"}
        self._files: dict[tuple[str, bool, bool], Path | None] = {}
        for role in theme.fonts.values():
            for (bold, italic), face in faces.items():
                self._files.setdefault((role.family, bold, italic), getattr(role, face) or role.regular)
        self._base = sheet.base
        self.text_width = sheet.text_width
        self.text_height = sheet.text_height
        self._metrics: dict[str, _Metrics] = {}

    def pages(self, height: float) -> int:
        """The pages that ``height`` points of content take, starting on a new page."""
        return max(1, math.ceil(height / (self.text_height * self.FILL)))

    def height(self, elements: Iterable[Any], width: float | None = None) -> float:
        """The height in points of body ``elements`` (paragraphs and tables) set ``width`` wide."""
        width = self.text_width if width is None else width
        total = 0.0
        for element in elements:
            if element.tag == qn("w:p"):
                total += self.paragraph(element, width)
            elif element.tag == qn("w:tbl"):
                total += self.table(element, width)
        return total

    def notes_height(self, notes: Sequence[Any]) -> float:
        """The height of footnotes (``w:footnote``), with a separator line for them."""
        if not notes:
            return 0.0
        return self._base * 1.5 + sum(self.height(note) for note in notes)

    def table(self, tbl: Any, width: float) -> float:
        """A table's height: each row as tall as its tallest cell, cells sharing the width equally."""
        total = 0.0
        for tr in tbl.findall(qn("w:tr")):
            cells = tr.findall(qn("w:tc"))
            cell_width = width / max(1, len(cells)) - self._base * 1.2
            total += max((self.height(tc, cell_width) for tc in cells), default=0.0) + self._base * 0.5
        return total

    def paragraph(self, p: Any, width: float) -> float:
        """A paragraph's height: its lines (from the width of each piece between line breaks),
        its pictures and its spacing.
        """
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        metrics = self.metrics(style.get(qn("w:val")) if style is not None else S.NORMAL)
        after = metrics.after
        direct = p.find(f"{qn('w:pPr')}/{qn('w:spacing')}")
        if direct is not None and direct.get(qn("w:after")) is not None:
            after = int(direct.get(qn("w:after"))) / 20
        pieces, pictures = [""], 0.0
        for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), f"{{{_WP}}}extent"):
            if node.tag == qn("w:t"):
                pieces[-1] += node.text or ""
            elif node.tag == qn("w:tab"):
                pieces[-1] += " "
            elif node.tag == qn("w:br"):
                pieces.append("")
            else:
                pictures += int(node.get("cy", "0")) / 12700
        room = max(width - metrics.left - metrics.right, self._base * 4)
        lines = 0
        for i, piece in enumerate(pieces):
            if piece or not pictures:
                measured = self.measure(piece, metrics) + (metrics.first if i == 0 else 0.0)
                lines += max(1, math.ceil(measured / room))
        return lines * metrics.line + pictures + metrics.before + after

    def measure(self, text: str, metrics: _Metrics) -> float:
        """The width of ``text`` on one line, in points."""
        font = _font(metrics.font) if metrics.font is not None else None
        width = font.getlength(text) / 100 * metrics.size if font is not None else len(text) * metrics.size * 0.5
        return float(width) * (1.15 if metrics.wide else 1.0)

    def metrics(self, style_id: str) -> _Metrics:
        """The :class:`_Metrics` of a paragraph style, following ``w:basedOn``."""
        if style_id in self._metrics:
            return self._metrics[style_id]
        chain: list[Any] = []
        style = self._styles.get(style_id)
        while style is not None and len(chain) < 10:
            chain.append(style)
            based = style.find(qn("w:basedOn"))
            style = self._styles.get(based.get(qn("w:val"))) if based is not None else None

        def attr(path: str, name: str) -> str | None:
            for s in chain:
                found = s.find(path)
                if found is not None and found.get(qn(name)) is not None:
                    return str(found.get(qn(name)))
            return None

        def twips(path: str, name: str) -> float:
            value = attr(path, name)
            return int(value) / 20 if value is not None else 0.0

        def on(tag: str) -> bool:
            for s in chain:
                found = s.find(f"{qn('w:rPr')}/{qn(tag)}")
                if found is not None:
                    return found.get(qn("w:val")) not in ("0", "false")
            return False

        half_points = attr(f"{qn('w:rPr')}/{qn('w:sz')}", "w:val")
        size = int(half_points) / 2 if half_points is not None else self._base
        spacing, ind = f"{qn('w:pPr')}/{qn('w:spacing')}", f"{qn('w:pPr')}/{qn('w:ind')}"
        line = attr(spacing, "w:line")
        if line is None:
            height = size * 1.2
        elif attr(spacing, "w:lineRule") == "exact":
            height = int(line) / 20
        else:
            height = size * 1.2 * int(line) / 240
        family = attr(f"{qn('w:rPr')}/{qn('w:rFonts')}", "w:ascii") or ""
        metrics = _Metrics(
            size=size,
            line=height,
            before=twips(spacing, "w:before"),
            after=twips(spacing, "w:after"),
            left=twips(ind, "w:left"),
            right=twips(ind, "w:right"),
            first=twips(ind, "w:firstLine"),
            font=self._files.get((family, on("w:b"), on("w:i"))),
            wide=on("w:caps") or on("w:smallCaps"),
        )
        self._metrics[style_id] = metrics
        return metrics


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


def _table_skeleton(cols: int, col_width: int, *, header: bool, caption: str = "") -> Any:
    """An empty ``w:tbl`` in the article table style with its grid; rows are appended after.

    A table with a caption also carries it as its alternative text (``w:tblCaption``, Word's "Alt Text"
    title of a table), which screen readers announce on entering the table.
    """
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
    if caption.strip():
        tblpr.append(ox.el("w:tblCaption", {"w:val": _clip(caption.strip())}))
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
        from PIL import Image as PILImage  # only figures need it

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
    with zipfile.ZipFile(io.BytesIO(data)) as src:
        names = src.namelist()
        names.sort(key=lambda n: n != "[Content_Types].xml")  # stable: the rest keep python-docx's order
        entries = [(name, src.read(name)) for name in names]
    return write_zip(entries, when, mode=0o644, level=6)


class DocxExporter(Exporter):
    """Word (``.docx``) through python-docx: named styles from the theme, real footnotes, links,
    lists and fields; reproducible bytes under ``SOURCE_DATE_EPOCH``.
    """

    name: ClassVar[str] = "docx"
    suffix: ClassVar[str] = ".docx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    description: ClassVar[str] = "Word document with the theme's styles, real footnotes and links"
    requires: ClassVar[tuple[str, ...]] = ("docx",)

    supports_collections: ClassVar[bool] = True

    def export(self, article: m.Article, theme: Theme, **options: Any) -> bytes:
        """Render ``article`` with ``theme`` as a DOCX and return its bytes.

        :param options: only the common ones (``allow_hosts``).
        """
        opts = self.resolve_options(options)
        writer = _DocxWriter(theme, lang=article.lang)
        document = writer.write_article(article, _fetcher(article, theme, opts))
        return _save(document, writer.when)

    def export_collection(self, collection: Collection, theme: Theme, **options: Any) -> bytes:
        """Render ``collection`` as one Word book: a title page, the contents (a ``TOC`` field
        already filled in, with estimated page numbers that Word updates on opening), each part's
        title on a page, and each article in a section of its own, with its title as running
        header, its footnotes numbered from 1, and its runs, labels and date in its own language;
        the title page and the contents are in the book's language.

        :param options: only the common ones (``allow_hosts``).
        """
        opts = self.resolve_options(options)
        writer = _DocxWriter(theme, lang=collection.lang, book=True)
        document = writer.write_book(collection, lambda article: _fetcher(article, theme, opts, collection.base_dir))
        return _save(document, writer.when)


def _fetcher(article: m.Article, theme: Theme, options: dict[str, Any], book_dir: Path | None = None) -> Fetcher:
    """A fetcher that reads from the article's own folder (and in a book, the manifest's, which
    holds every article) and the theme's only.
    """
    roots = [article.base_dir, book_dir, *theme.template_dirs]
    return Fetcher(roots=roots, allow_hosts=options["allow_hosts"])


def _save(document: Any, when: dt.datetime) -> bytes:
    """The bytes of ``document``, stamped ``when`` (see :func:`reproducible_zip`)."""
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible_zip(buffer.getvalue(), when)
