"""The role table: the style of every role the exporters draw, computed once from a theme's tokens.

A theme's tokens (``theme.toml``) say the body size, the heading scale, the colours. The looks derived
from them (the kicker at 0.82 of the body size, the title's leading, the pull quote's spacing …) are
decided here and nowhere else: the CSS templates (print, EPUB, web) and the DOCX styles read the same
:class:`Role` values, in points and ``#rrggbb``. A designer who changes a look changes it here, once,
and every format follows; ``opedexport theme show NAME`` prints the table.

Templates see the table as ``roles``: ``roles.kicker.font_size`` (points), ``roles.pt(x)`` and
``roles.em(x)`` (a length in points written as CSS, in points or in em of the body size: the one
conversion, done here), ``roles.ratio(role)`` (a role's line height as CSS's unitless multiple) and
``roles.ratio_of(x, y)`` (for an em relative to a parent's size). A role's ``extra`` holds its further
lengths (a rule's gap to the text, a list's step …).

Not in the table: what only the PDF's page layout computes from tokens (the drop cap's geometry from
the leading and font metrics, the tighter ``fit-*`` settings from ``text.fit_*``, the figure's
greatest height, the newspaper columns' gap) and the EPUB's own notes and title page.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from .theme import Theme

__all__ = ["BOOK_ROLES", "ROLE_NAMES", "Role", "RoleTable", "role_table"]


@dataclass(frozen=True, slots=True)
class Role:
    """One role's style: every length in points, every colour ``#rrggbb``."""

    name: str
    font: Literal["body", "heading", "mono"]
    """Which of the theme's fonts."""
    font_family: str
    font_size: float
    line_height: float
    """The distance between baselines."""
    space_before: float
    space_after: float
    indent_left: float
    """Where the text starts, from the text block's left edge."""
    first_line_indent: float
    align: Literal["left", "justify", "center"]
    weight: Literal["normal", "bold"]
    style: Literal["normal", "italic"]
    case: Literal["none", "upper", "small-caps"]
    letter_spacing: float
    color: str
    docx_style: str
    """The id (``w:styleId``) of the DOCX style that carries the role; ``""`` for a role the DOCX does not
    draw (a book's title page is the article title block's styles there)."""
    css_selector: str
    """The selector of the role's rule in the CSS (EPUB and PDF; ``@page …`` roles are in the PDF's only)."""
    extra: Mapping[str, float] = field(default_factory=dict)
    """Further lengths of the role, in points (a rule's gap, a list's step …)."""

    def as_json(self) -> dict[str, Any]:
        """The role as JSON: lengths as ``…_pt`` in points (rounded to 0.001)."""
        data = asdict(self)
        out: dict[str, Any] = {}
        for key, value in data.items():
            if key == "name":
                continue
            if key in _LENGTHS:
                out[f"{key}_pt"] = round(value, 3)
            elif key == "docx_style":
                out[key] = value or None
            elif key == "extra":
                out["extra_pt"] = {k: round(v, 3) for k, v in value.items()}
            else:
                out[key] = value
        return out


_LENGTHS = frozenset(
    {"font_size", "line_height", "space_before", "space_after", "indent_left", "first_line_indent", "letter_spacing"}
)

ROLE_NAMES = (
    "body",
    "kicker",
    "title",
    "dek",
    "byline",
    "affiliation",
    "dateline",
    "heading1",
    "heading2",
    "heading3",
    "blockquote",
    "attribution",
    "pullquote",
    "list",
    "caption",
    "credit",
    "rule",
    "code",
    "table",
    "footnote",
    "end_matter",
    "running_header",
    "folio",
    "book_publication",
    "book_title",
    "book_subtitle",
    "book_editors_label",
    "book_editor",
    "book_imprint",
    "toc_heading",
    "toc_part",
    "toc_entry",
    "toc_byline",
    "part_title",
)
"""Every role, in the order of a page; those from ``book_publication`` on are a book's (a collection's)."""

BOOK_ROLES = frozenset(ROLE_NAMES[ROLE_NAMES.index("book_publication") :])
"""A book's roles: its title page, contents and part pages."""


class RoleTable(Mapping[str, Role]):
    """The roles of one theme by name; in a template also ``roles.kicker`` and the unit helpers."""

    __slots__ = ("_roles", "base")

    def __init__(self, roles: dict[str, Role], base: float):
        self._roles = dict(roles)
        self.base = base
        """The body size in points: what ``em`` is relative to."""

    def __getitem__(self, name: str) -> Role:
        return self._roles[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._roles)

    def __len__(self) -> int:
        return len(self._roles)

    def pt(self, points: float) -> str:
        """``points`` as a CSS length in points (``"9.02pt"``)."""
        return f"{round(float(points), 3)}pt"

    def em(self, points: float) -> str:
        """``points`` as a CSS length in em of the body size (``"0.82em"``), for reflowable CSS."""
        return f"{round(float(points) / self.base, 4)}em"

    def ratio_of(self, points: float, of: float) -> float:
        """``points`` as a multiple of ``of`` (an em of a role's own size, for CSS relative to its parent)."""
        return round(float(points) / float(of), 4)

    def ratio(self, role: Role) -> float:
        """``role``'s line height as a multiple of its size (CSS's unitless ``line-height``)."""
        return round(role.line_height / role.font_size, 4)

    def as_json(self) -> dict[str, Any]:
        """``{"roles": {name: {...}}}``, as ``opedexport theme show --json`` prints it."""
        return {"roles": {name: role.as_json() for name, role in self._roles.items()}}


_TABLES: dict[tuple[Any, ...], RoleTable] = {}


def role_table(theme: Theme) -> RoleTable:
    """The role table of ``theme`` (computed once per set of tokens in a process)."""
    key = (theme.template_dirs, repr(theme.tokens))
    table = _TABLES.get(key)
    if table is None:
        table = _compute(theme)
        if len(_TABLES) >= 32:
            _TABLES.pop(next(iter(_TABLES)))
        _TABLES[key] = table
    return table


def _compute(theme: Theme) -> RoleTable:
    t, c, layout = theme.text, theme.colors, theme.layout
    b = float(t.size)
    lead = t.leading
    upper = layout.title_case == "upper"
    align_body: Literal["left", "justify"] = "justify" if t.align == "justify" else "left"
    roles: dict[str, Role] = {}

    def add(
        name: str,
        *,
        size: float,
        line: float,
        docx: str,
        css: str,
        font: Literal["body", "heading", "mono"] = "body",
        before: float = 0.0,
        after: float = 0.0,
        left: float = 0.0,
        first: float = 0.0,
        align: Literal["left", "justify", "center"] = "left",
        weight: Literal["normal", "bold"] = "normal",
        style: Literal["normal", "italic"] = "normal",
        case: Literal["none", "upper", "small-caps"] = "none",
        tracking: float = 0.0,
        color: str = c.text,
        extra: dict[str, float] | None = None,
    ) -> None:
        roles[name] = Role(
            name=name,
            font=font,
            font_family=theme.fonts[font].family,
            font_size=float(size),
            line_height=float(size) * line,
            space_before=float(before),
            space_after=float(after),
            indent_left=float(left),
            first_line_indent=float(first),
            align=align,
            weight=weight,
            style=style,
            case=case,
            letter_spacing=float(size) * tracking,
            color=color,
            docx_style=docx,
            css_selector=css,
            extra={k: float(v) for k, v in (extra or {}).items()},
        )

    add(
        "body",
        size=b,
        line=lead,
        after=float(t.paragraph_spacing),
        first=float(t.first_line_indent),
        align=align_body,
        docx="Normal",
        css=".article-body p",
    )
    add(
        "kicker",
        font="heading",
        size=b * 0.82,
        line=lead,
        after=b * 0.5,
        weight="bold",
        case="upper" if upper else "small-caps",
        tracking=0.08,
        color=c.accent,
        docx="Kicker",
        css=".kicker",
    )
    add(
        "title",
        font="heading",
        size=float(t.title_size),
        line=1.12,
        after=b * 0.6,
        weight="bold",
        docx="Title",
        css="h1.title",
        extra={
            # the ruled title block: a rule above (its gap to the text) and below, and the space after the block
            "rule_above_gap": b * 0.7,
            "rule_below_gap": b * 1.1,
            "block_after": b * 2.2,
        },
    )
    add(
        "dek",
        font="heading",
        size=float(t.dek_size),
        line=1.3,
        after=b * 0.9,
        style="italic",
        color=c.muted,
        docx="Subtitle",
        css=".dek",
    )
    add("byline", font="heading", size=b * 1.05, line=lead, weight="bold", docx="Byline", css=".byline .authors")
    add(
        "affiliation",
        size=b * 0.95,
        line=lead,
        style="italic",
        color=c.muted,
        docx="Affiliation",
        css=".byline .affiliation",
    )
    add("dateline", size=b * 0.9, line=lead, before=b * 0.4, color=c.muted, docx="Dateline", css=".dateline")
    for level, (before, after) in enumerate(((1.3, 0.5), (1.1, 0.4), (1.0, 0.3)), start=1):
        ruled = level == 1 and layout.heading_style == "rule"
        heading_color = c.accent if level == 1 and not ruled else c.text
        size = float(t.heading_size(level))
        add(
            f"heading{level}",
            font="heading",
            size=size,
            line=1.2,
            before=b * before,
            after=b * after,
            weight="bold",
            style="italic" if level == 3 else "normal",
            color=heading_color,
            docx=f"Heading{level}",
            css=f".article-body h{level + 1}",
            extra={"rule_gap": size * 0.45} if ruled else None,  # the accent rule above, its gap to the text
        )
    add(
        "blockquote",
        size=b,
        line=lead,
        before=b * 0.8,
        after=b * 0.8,
        left=b * 1.2 + b * 0.9,
        style="italic",
        docx="Quote",
        css=".article-body blockquote",
        extra={
            "bar_indent": b * 1.2,  # where the quote bar stands
            "bar_gap": b * 0.9,  # between the bar and the text
        },
    )
    add(
        "attribution",
        size=b * 0.9,
        line=lead,
        after=b * 0.8,
        left=b * 2.1,
        color=c.muted,
        docx="Attribution",
        css=".article-body .attribution",
        extra={
            "quote_gap": b * 0.2,  # between a quote and its attribution
        },
    )
    pull = b * 1.45
    add(
        "pullquote",
        font="heading",
        size=pull,
        line=1.25,
        before=b * 1.2,
        after=b * 1.2,
        align="center",
        color=c.accent,
        docx="IntenseQuote",
        css=".article-body aside.pullquote",
        extra={
            "rule_gap": b * 0.6,  # between the accent rules and the text
            "attribution_size": pull * 0.6,
            "columns_size": b * 1.25,  # in the PDF's two columns
        },
    )
    add(
        "list",
        size=b,
        line=lead,
        after=b * 0.2,
        left=b * 1.8,
        docx="ListBullet",
        css=".article-body li",
        extra={
            "step": b * 1.8,  # the indent of one level
            "list_before": b * 0.5,
            "list_after": b * 0.7,
            "nested_gap": b * 0.2,
        },
    )
    caption = b * 0.85
    add(
        "caption",
        font="heading",
        size=caption,
        line=1.3,
        before=b * 0.4,
        after=b,
        color=c.muted,
        docx="Caption",
        css=".article-body figcaption",
        extra={
            "figure_gap": b,  # above and below a figure
        },
    )
    add(
        "credit",
        font="heading",
        size=caption * 0.9,
        line=1.3,
        case="upper",
        tracking=0.04,
        color=c.muted,
        docx="Credit",
        css=".article-body figcaption .credit",
    )
    add(
        "rule",
        size=b,
        line=lead,
        before=b,
        after=b,
        align="center",
        tracking=0.6,
        color=c.muted,
        docx="Rule",
        css=".article-body hr::after",  # the asterisms (the rule's space is on .article-body hr)
    )
    add("code", font="mono", size=b * 0.92, line=lead, docx="VerbatimChar", css=".article-body code")
    add(
        "table",
        size=b * 0.9,
        line=lead,
        before=b * 0.8,
        after=b * 0.8,
        docx="TableText",
        css=".article-body table",
        extra={
            "cell_vertical": b * 0.9 * 0.25,  # a cell's padding: em of the table's text, as in the CSS
            "cell_horizontal": b * 0.9 * 0.6,
        },
    )
    add(
        "footnote",
        size=b * 0.8,
        line=1.32,
        after=b * 0.2,
        docx="FootnoteText",
        css=".footnote",
        extra={
            "area_gap": b * 1.1,  # the note area's distance from the text
            "area_padding": b * 0.55,  # between its rule and the first note
        },
    )
    add(
        "end_matter",
        size=b * 0.88,
        line=lead,
        before=b * 1.6,
        after=b * 0.4,
        color=c.muted,
        docx="EndMatter",
        css=".end-matter",
        extra={
            "rule_gap": b * 0.6,
        },
    )
    add(
        "running_header",
        font="heading",
        size=b * 0.78,
        line=1.2,
        align="center",
        style="normal" if upper else "italic",
        case="upper" if upper else "none",
        tracking=0.09 if upper else 0.0,
        color=c.muted,
        docx="Header",
        css="@page @top-center",
        extra={
            "rule_gap": b * 0.3,
            "margin_gap": float(theme.page.margin_top) * 0.28,  # from the text block up to its baseline
        },
    )
    add(
        "folio",
        font="heading",
        size=b * 0.8,
        line=1.2,
        align="center",
        tracking=0.04 if theme.running.footer == "page-of-pages" else 0.0,
        color=c.muted,
        docx="Footer",
        css="@page @bottom-center",
        extra={"margin_gap": float(theme.page.margin_bottom) * 0.3},  # from the text block down to its top
    )
    # A book's own roles (a collection's title page, contents and part pages).
    page = theme.page
    content_height = float(page.height - page.margin_top - page.margin_bottom)
    title = float(t.title_size)
    small_caps: Literal["upper", "small-caps"] = "upper" if upper else "small-caps"
    add(
        "book_publication",
        font="heading",
        size=b * 0.95,
        line=lead,
        after=b * 1.6,
        weight="bold",
        case=small_caps,
        tracking=0.1,
        color=c.accent,
        docx="",
        css=".book-publication",
        extra={
            "page_drop": content_height * 0.16,  # from the top of the text block down to the title page's rule
            "page_height": content_height - 1,  # the title page's box: the text block, less a point for rounding
            "rule_gap": b * 0.7,
        },
    )
    add(
        "book_title",
        font="heading",
        size=title * 1.6,
        line=1.06,
        after=b * 1.1,
        weight="bold",
        docx="",
        css="h1.book-title",
    )
    add(
        "book_subtitle",
        font="heading",
        size=float(t.dek_size) * 1.2,
        line=1.3,
        after=b * 3.2,
        style="italic",
        color=c.muted,
        docx="",
        css=".book-subtitle",
    )
    add(
        "book_editors_label",
        font="heading",
        size=b * 0.85,
        line=lead,
        after=b * 0.6,
        case=small_caps,
        tracking=0.08,
        color=c.muted,
        docx="",
        css=".book-editors-label",
        extra={"rule_gap": b * 0.9},
    )
    add(
        "book_editor",
        font="heading",
        size=b * 1.2,
        line=lead,
        after=b * 0.7,
        weight="bold",
        docx="",
        css=".book-editor-name",
        extra={"affiliation_size": b * 0.95},
    )
    add(
        "book_imprint",
        font="heading",
        size=b * 0.9,
        line=lead,
        after=b * 0.2,
        color=c.muted,
        docx="",
        css=".book-imprint",
        extra={"rule_gap": b * 0.6},
    )
    add(
        "toc_part",
        font="heading",
        size=b * 1.02,
        line=lead,
        after=b * 0.7,
        weight="bold",
        case=small_caps,
        tracking=0.06,
        color=c.accent,
        docx="",
        css="a.toc-part-link",
        extra={"rule_gap": b * 0.3, "part_gap": b * 1.5},  # the rule below; the space above a part (not the first)
    )
    add(
        "toc_byline",
        size=b * 0.9,
        line=lead,
        before=b * 0.1,
        style="italic",
        color=c.muted,
        docx="",
        css=".toc-byline",
    )
    add(
        "part_title",
        font="heading",
        size=title * 1.05,
        line=1.15,
        before=b * 1.4,
        align="center",
        docx="Part",
        css="h1.part-title",
        extra={
            "page_drop": content_height * 0.3,  # from the top of the text block down to the part's number
            "rule_gap": b * 1.1,  # between the rule above the title and the title
            "number_size": title * 1.5,
        },
    )
    add(
        "toc_heading",
        font="heading",
        size=title,
        line=1.1,
        before=content_height * 0.06,
        after=b * 1.8,
        weight="bold",
        docx="TOCHeading",
        css="h2.book-contents-heading",
        extra={"rule_gap": b * 0.7},
    )
    add(
        "toc_entry",
        font="heading",
        size=b * 1.05,
        line=1.3,
        after=b * 0.75,
        docx="TOC1",
        css="a.toc-link:not(.toc-part-link)",
        extra={"indent": b * 2.6},  # of an entry's text, after its number
    )
    return RoleTable({name: roles[name] for name in ROLE_NAMES}, b)
