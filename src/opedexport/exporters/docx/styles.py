"""Styles: the theme's role table as Word styles (``styles.xml``), and the ids of every style the exporter uses."""

from __future__ import annotations

import copy
from typing import Any

from docx.oxml.ns import qn

from ...roles import Role, role_table
from ...theme import Theme
from .. import _docx_oxml as ox
from .notes import _Numbering


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
    """The theme's role table (:mod:`opedexport.roles`) as Word styles: ``specs()`` lists every style of the document.

    Sizes, spacing and colours are the role table's, which the CSS templates read too; nothing here
    derives them from the tokens.
    """

    def __init__(self, theme: Theme, *, book: bool = False):
        self.theme = theme
        self.book = book
        """A book's sheet: article titles are ``heading 1`` (styled as a title), article headings one
        level down, and the part, contents and contents-entry styles are added.
        """
        self.t = theme.text
        self.c = theme.colors
        self.r = role_table(theme)
        self.base = self.r.base
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
        title = self.r["title"]
        top = (3.0, self.c.text, title.extra["rule_above_gap"])
        bottom = (0.6, self.c.rule, title.extra["rule_below_gap"])
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

    def role_lines(self, role: Role, *which: str) -> Any:
        """``w:spacing`` of ``role``: its exact line height and its space ``before`` and ``after`` (or those named)."""
        space = {key: getattr(role, f"space_{key}") for key in which or ("before", "after")}
        return ox.spacing(line=role.line_height, exact=True, **space)

    def role_run(self, role: Role, *more: Any, force_color: bool = False) -> tuple[Any, ...]:
        """Run properties of ``role``: its font, size and colour where they differ from ``Normal``'s
        (the body role's, which every paragraph style is based on), then ``more``.
        """
        body = self.r["body"]
        out: list[Any] = []
        own_font = role.font != body.font or role.font_family != body.font_family
        if own_font:
            out.append(ox.fonts(role.font_family))
        if own_font or role.font_size != body.font_size:
            out.extend(ox.size(role.font_size))
        if force_color or role.color != body.color:
            out.append(ox.color(role.color))
        return (*out, *more)

    def tracking(self, role: Role) -> Any:
        """Run ``w:spacing`` (tracking) of ``role``'s letter spacing."""
        return ox.el("w:spacing", {"w:val": ox.twips(role.letter_spacing)})

    # ------------------------------------------------------------------ groups

    def defaults(self) -> list[ox.StyleSpec]:
        """The three default styles Word expects, ``Normal`` (the body text) and ``First Paragraph``."""
        body = self.r["body"]
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
                    self.role_lines(body),
                    ox.ind(first_line=body.first_line_indent),
                    ox.jc("both" if body.align == "justify" else "left"),
                ),
                rpr=(ox.fonts(body.font_family), ox.color(body.color), *ox.size(body.font_size)),
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
        r = self.r
        kicker = r["kicker"]
        title_ppr, title_rpr = self.title_look()
        case = ox.on("w:caps") if kicker.case == "upper" else ox.on("w:smallCaps")

        def spec(style_id: str, name: str, ppr: tuple[Any, ...], rpr: tuple[Any, ...], **kw: Any) -> ox.StyleSpec:
            ppr = (*ppr, *self.title_rules())  # a fresh element for each style
            return ox.StyleSpec(style_id, name, "paragraph", based_on=S.NORMAL, ppr=ppr, rpr=rpr, **kw)

        return [
            spec(
                S.KICKER,
                "Kicker",
                self.flush(ox.el("w:keepNext"), self.role_lines(kicker, "after")),
                self.role_run(kicker, ox.on("w:b"), case, self.tracking(kicker)),
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
                self.flush(ox.el("w:keepNext"), ox.el("w:suppressAutoHyphens"), self.role_lines(r["dek"], "after")),
                self.role_run(r["dek"], ox.on("w:i"), ox.on("w:iCs")),
                quick=True,
                ui_priority=11,
                next=S.BYLINE,
            ),
            spec(
                S.BYLINE,
                "Byline",
                self.flush(ox.el("w:keepNext"), self.role_lines(r["byline"], "after")),
                self.role_run(r["byline"], ox.on("w:b"), ox.on("w:bCs")),
                custom=True,
                quick=True,
            ),
            spec(
                S.AFFILIATION,
                "Affiliation",
                self.flush(ox.el("w:keepNext"), self.role_lines(r["affiliation"], "after")),
                self.role_run(r["affiliation"], ox.on("w:i"), ox.on("w:iCs")),
                custom=True,
            ),
            spec(
                S.DATELINE,
                "Dateline",
                self.flush(self.role_lines(r["dateline"])),
                self.role_run(r["dateline"]),
                custom=True,
            ),
        ]

    def title_look(self) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """``(paragraph, run)`` properties of an article's title: ``Title`` alone, ``heading 1`` in a book."""
        title = self.r["title"]
        ppr = self.flush(
            ox.el("w:keepNext"),
            ox.el("w:suppressAutoHyphens"),
            self.role_lines(title, "after"),
            *self.title_rules(),
        )
        rpr = self.role_run(title, ox.on("w:b"), ox.on("w:bCs"), ox.el("w:kern", {"w:val": "28"}), force_color=True)
        return ppr, rpr

    def heading_look(self, level: int) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
        """``(paragraph, run)`` properties of an article's section heading of ``level`` 1–3: heading
        font and scale; level 1 in the accent colour (or under an accent rule when the theme's
        ``heading_style`` is ``rule``), level 3 italic, as in the PDF.
        """
        heading = self.r[f"heading{level}"]
        ppr: tuple[Any, ...] = self.flush(
            ox.el("w:keepNext"),
            ox.el("w:keepLines"),
            ox.el("w:suppressAutoHyphens"),
            self.role_lines(heading),
        )
        rpr: tuple[Any, ...] = self.role_run(heading, ox.on("w:b"), ox.on("w:bCs"), force_color=True)
        if "rule_gap" in heading.extra:
            ppr += (ox.border(top=(2.5, self.c.accent, heading.extra["rule_gap"])),)
        if heading.style == "italic":
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
        r, c = self.r, self.c
        quote, attribution, pull = r["blockquote"], r["attribution"], r["pullquote"]
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
                    ox.border(left=(2.0, c.quote_bar, quote.extra["bar_gap"])),
                    self.role_lines(quote),
                    ox.ind(left=quote.indent_left),
                    ox.el("w:contextualSpacing"),
                ),
                rpr=self.role_run(quote, ox.on("w:i"), ox.on("w:iCs")),
            ),
            ox.StyleSpec(
                S.ATTRIBUTION,
                "Attribution",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                custom=True,
                ppr=(self.role_lines(attribution), ox.ind(left=attribution.indent_left), ox.jc("left")),
                rpr=self.role_run(attribution),
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
                    ox.border(
                        top=(1.0, pull.color, pull.extra["rule_gap"]), bottom=(1.0, pull.color, pull.extra["rule_gap"])
                    ),
                    self.role_lines(pull),
                    ox.jc("center"),
                ),
                rpr=self.role_run(pull),
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
                # Items are set ragged right: justified, a short item's few words spread across the line.
                ppr: tuple[Any, ...] = (
                    numpr,
                    self.role_lines(self.r["list"], "after"),
                    ox.ind(left=left, hanging=step),
                    ox.jc("left"),
                )
                out.append(
                    ox.StyleSpec(ids[level], name + suffix, "paragraph", based_on=S.NORMAL, ppr=ppr, ui_priority=99)
                )
            ppr = (self.role_lines(self.r["list"], "after"), ox.ind(left=left), ox.jc("left"))
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
    def list_after(self) -> float:
        """The space after a list in points, before the paragraph that follows: the paragraph spacing,
        but no less than the PDF's space below a list (0.7 em), so that a list is told apart from the
        text after it in a theme that sets paragraphs without space between them.
        """
        return max(self.r["body"].space_after, self.r["list"].extra["list_after"])

    @property
    def list_step(self) -> float:
        """The indent of one list level in points (the PDF's ``padding-left``)."""
        return self.r["list"].extra["step"]

    def figures_and_tables(self) -> list[ox.StyleSpec]:
        """Figure, caption and credit, the ornamental rule, the table and its text, and the end matter."""
        r, c = self.r, self.c
        caption, table, rule, end = r["caption"], r["table"], r["rule"], r["end_matter"]
        cell = (table.extra["cell_vertical"], table.extra["cell_horizontal"])
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
                ppr=self.flush(
                    ox.el("w:keepNext"),
                    ox.spacing(before=caption.extra["figure_gap"], after=0, line=1.0),
                    ox.jc("center"),
                ),
            ),
            ox.StyleSpec(
                S.CAPTION,
                "caption",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                quick=True,
                ui_priority=35,
                ppr=self.flush(ox.el("w:suppressAutoHyphens"), self.role_lines(caption)),
                rpr=self.role_run(caption),
            ),
            ox.StyleSpec(
                S.RULE,
                "Rule",
                "paragraph",
                based_on=S.NORMAL,
                next=S.FIRST,
                custom=True,
                ppr=self.flush(self.role_lines(rule), ox.jc("center")),
                rpr=self.role_run(rule, self.tracking(rule)),
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
                ppr=self.flush(ox.spacing(line=table.line_height, exact=True, before=0, after=0)),
                rpr=self.role_run(table),
            ),
            ox.StyleSpec(
                S.TABLE_HEADING,
                "Table Heading",
                "paragraph",
                based_on=S.TABLE_TEXT,
                custom=True,
                ppr=(ox.el("w:keepNext"),),
                rpr=self.heading_run(table.font_size, ox.on("w:b"), ox.on("w:bCs")),
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
                    ox.border(top=(0.6, c.rule, end.extra["rule_gap"])),
                    self.role_lines(end),
                    ox.el("w:contextualSpacing"),
                ),
                rpr=self.role_run(end),
            ),
        ]

    def notes_and_margins(self) -> list[ox.StyleSpec]:
        """Footnote text and reference, header and footer (the running title and the folio)."""
        c = self.c
        note, header, folio = self.r["footnote"], self.r["running_header"], self.r["folio"]
        if header.case == "upper":
            header_case: tuple[Any, ...] = (ox.on("w:caps"), self.tracking(header))
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
                ppr=self.flush(ox.el("w:suppressAutoHyphens"), self.role_lines(note)),
                rpr=self.role_run(note, force_color=True),
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
                    self.role_lines(header),
                    ox.jc("center"),
                ),
                rpr=self.role_run(header, *header_case),
            ),
            ox.StyleSpec(
                S.FOOTER,
                "footer",
                "paragraph",
                based_on=S.NORMAL,
                ui_priority=99,
                hidden=True,
                ppr=self.flush(self.role_lines(folio), ox.jc("center")),
                rpr=self.role_run(folio, *((self.tracking(folio),) if folio.letter_spacing else ())),
            ),
        ]

    def characters(self) -> list[ox.StyleSpec]:
        """Character styles: emphasis, strong, code, links, and the small labels."""
        c = self.c

        def char(style_id: str, name: str, *rpr: Any, custom: bool = False, **kw: Any) -> ox.StyleSpec:
            return ox.StyleSpec(
                style_id, name, "character", based_on="DefaultParagraphFont", rpr=rpr, custom=custom, **kw
            )

        credit, code = self.r["credit"], self.r["code"]
        return [
            char(S.EMPH, "Emphasis", ox.on("w:i"), ox.on("w:iCs"), quick=True, ui_priority=20),
            char(S.STRONG, "Strong", ox.on("w:b"), ox.on("w:bCs"), quick=True, ui_priority=22),
            char(
                S.CODE,
                "Verbatim Char",
                ox.fonts(code.font_family),
                ox.on("w:noProof"),
                *ox.size(code.font_size),
                custom=True,
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
                self.tracking(credit),
                *ox.size(credit.font_size),
                custom=True,
            ),
            char(
                S.PULL_ATTRIBUTION,
                "Pull Quote Attribution",
                *ox.size(self.r["pullquote"].extra["attribution_size"]),
                custom=True,
            ),
        ]

    def book_parts(self) -> list[ox.StyleSpec]:
        """A book's own styles: ``Part`` (a part's title on a page of its own, a ``heading 1`` so
        that pandoc reads it as a heading), ``TOC Heading`` and ``toc 1``, the contents' entries
        with a dotted tab to the page number.
        """
        part, heading, entry = self.r["part_title"], self.r["toc_heading"], self.r["toc_entry"]
        return [
            ox.StyleSpec(
                S.PART,
                "Part",
                "paragraph",
                based_on=S.HEADINGS[0],
                next=S.NORMAL,
                custom=True,
                quick=True,
                # The part's page has no number in the DOCX: the title stands where the PDF's number does.
                ppr=(
                    ox.spacing(line=part.line_height, exact=True, before=part.extra["page_drop"], after=0),
                    ox.jc("center"),
                ),
                rpr=(*ox.size(part.font_size), ox.color(part.color)),
            ),
            ox.StyleSpec(
                S.TOC_HEADING,
                "TOC Heading",
                "paragraph",
                based_on=S.NORMAL,
                next=S.NORMAL,
                ui_priority=39,
                hidden=True,
                ppr=self.flush(ox.el("w:keepNext"), self.role_lines(heading)),
                rpr=self.role_run(heading, ox.on("w:b"), ox.on("w:bCs")),
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
                    self.role_lines(entry),
                ),
                rpr=self.role_run(entry),
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
