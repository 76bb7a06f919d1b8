"""The role table is the one source of every format's looks (issue 16).

For every role of every built-in theme and of a custom one (body size, heading scale and accent
changed), the DOCX style that carries the role (``styles.xml`` of an exported document, parsed,
``w:basedOn`` followed) and the role's rule in the EPUB's CSS (parsed with tinycss2, em converted
to points) carry the table's size, spacing and colour; roles drawn only on the printed page
(footnotes, running header, folio) are checked in the print CSS. One changed token moves all three
formats.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tinycss2
from lxml import etree

from conftest import DATA, feature_article
from opedexport import model as m
from opedexport.cli import main
from opedexport.exporters._html import css_for
from opedexport.exporters.docx import DocxExporter, StyleSheet
from opedexport.exporters.epub import EpubExporter
from opedexport.roles import BOOK_ROLES, ROLE_NAMES, Role, RoleTable, role_table
from opedexport.theme import Theme

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PRINT_ONLY = {"footnote", "running_header", "folio"}
#: A book's roles: in a collection's DOCX and print CSS (the EPUB's book keeps its own rules).
BOOK = BOOK_ROLES
#: Roles whose CSS rule sits inside another role's element: their em and inherited values are that role's.
PARENT = {"credit": "caption"}
#: Character styles in the DOCX: no paragraph spacing of their own.
CHARACTER = {"credit", "code"}


def custom_theme(folder: Path) -> Theme:
    """A theme that changes the body size, the heading scale and the accent colour."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "theme.toml").write_text(
        'name = "custom"\nextends = "default"\n'
        '[text]\nsize = "12.5pt"\nheading_scale = 1.35\n'
        '[colors]\naccent = "#1d5c2e"\nquote_bar = "#1d5c2e"\n',
        encoding="utf-8",
    )
    return Theme.load(folder)


@pytest.fixture(params=["default", "modern", "newspaper", "custom"])
def theme(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Theme:
    if request.param == "custom":
        return custom_theme(tmp_path_factory.mktemp("themes") / "custom")
    return Theme.load(request.param)


_ARTICLE: list[m.Article] = []


@pytest.fixture(autouse=True, scope="module")
def _article(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The every-element article, its figure in place."""
    folder = tmp_path_factory.mktemp("article")
    (folder / "images").mkdir()
    shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
    _ARTICLE[:] = [feature_article("en", folder)]


def article() -> m.Article:
    return _ARTICLE[0]


# --------------------------------------------------------------------------- DOCX


class DocxStyles:
    """``styles.xml`` of a DOCX: a property of a style, ``w:basedOn`` followed down to the defaults."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            root = etree.fromstring(z.read("word/styles.xml"))
        self.parse(root)

    @classmethod
    def of_book(cls, theme: Theme) -> DocxStyles:
        """The styles a collection's DOCX is written with."""
        sheet = StyleSheet(theme, book=True)
        root = etree.Element(W + "styles", nsmap={"w": W[1:-1]})
        sheet.install(root, "en")
        self = cls.__new__(cls)
        self.parse(root)
        return self

    def parse(self, root: Any) -> None:
        self.styles = {s.get(W + "styleId"): s for s in root.iter(W + "style")}
        self.defaults = root.find(W + "docDefaults")

    def chain(self, style_id: str) -> Iterator[Any]:
        style = self.styles[style_id]
        while style is not None:
            yield style
            based = style.find(W + "basedOn")
            style = self.styles.get(based.get(W + "val")) if based is not None else None

    def attr(self, style_id: str, path: str, name: str) -> str | None:
        """The first value of ``path``'s ``w:name`` attribute up the chain (then in the defaults)."""
        for element in [*self.chain(style_id), self.defaults]:
            found = element.find(path)
            if found is not None and found.get(W + name) is not None:
                return str(found.get(W + name))
        return None

    def size(self, style_id: str) -> float:
        value = self.attr(style_id, f"{W}rPr/{W}sz", "val")
        assert value is not None
        return int(value) / 2

    def color(self, style_id: str) -> str | None:
        value = self.attr(style_id, f"{W}rPr/{W}color", "val")
        return None if value is None else "#" + value.lower()

    def spacing(self, style_id: str, name: str) -> float:
        value = self.attr(style_id, f"{W}pPr/{W}spacing", name)
        return 0.0 if value is None else int(value) / 20


def test_docx_styles_carry_the_table(theme: Theme) -> None:
    table = role_table(theme)
    article_styles = DocxStyles(DocxExporter().export(article(), theme))
    book_styles = DocxStyles.of_book(theme)
    assert set(table) == set(ROLE_NAMES)
    for name, role in table.items():
        styles = book_styles if name in BOOK else article_styles
        sid = role.docx_style
        if not sid:  # drawn by the PDF only (the DOCX's book title page is the article title block's styles)
            assert name in BOOK and name.startswith(("book_", "toc_")), name
            continue
        assert sid in styles.styles, f"{name}: no DOCX style {sid}"
        where = f"{theme.name} {name} ({sid})"
        assert styles.size(sid) == round(role.font_size * 2) / 2, where
        color = styles.color(sid)
        if name in CHARACTER:  # a character style takes the colour of the paragraph it is in
            assert color is None or color == role.color, where
            continue
        assert color == role.color, where
        assert styles.spacing(sid, "line") == pytest.approx(role.line_height, abs=0.05), where
        if name == "part_title":  # no number on the DOCX's part page: the title stands where it does in the PDF
            assert styles.spacing(sid, "before") == pytest.approx(role.extra["page_drop"], abs=0.05), where
            assert styles.spacing(sid, "after") == pytest.approx(role.space_after, abs=0.05), where
        elif name != "table":  # in the DOCX, the table's role styles the text of its cells, set without spacing
            assert styles.spacing(sid, "before") == pytest.approx(role.space_before, abs=0.05), where
            assert styles.spacing(sid, "after") == pytest.approx(role.space_after, abs=0.05), where
        if role.letter_spacing:
            tracking = styles.attr(sid, f"{W}rPr/{W}spacing", "val")
            assert tracking is not None and int(tracking) / 20 == pytest.approx(role.letter_spacing, abs=0.05), where


# --------------------------------------------------------------------------- CSS


def declarations(css: str, selector: str) -> dict[str, list[Any]]:
    """The declarations of every rule whose selector list names ``selector``, later ones winning.

    ``@page @top-center``-style selectors name a margin box of the plain ``@page`` rule.
    """
    out: dict[str, list[Any]] = {}
    rules = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
    if selector.startswith("@page "):
        box = selector.split()[1][1:]
        for rule in rules:
            if (
                rule.type == "at-rule"
                and rule.lower_at_keyword == "page"
                and not tinycss2.serialize(rule.prelude).strip()
            ):
                for inner in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
                    if inner.type == "at-rule" and inner.lower_at_keyword == box:
                        out.update(_decls(inner.content))
        return out
    for rule in rules:
        if rule.type != "qualified-rule":
            continue
        names = [" ".join(s.split()) for s in tinycss2.serialize(rule.prelude).split(",")]
        if selector in names:
            out.update(_decls(rule.content))
    return out


def _decls(content: list[Any]) -> dict[str, list[Any]]:
    found = {}
    for d in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
        if d.type == "declaration":
            found[d.lower_name] = [t for t in d.value if t.type not in ("whitespace", "comment")]
    return found


def points(token: Any, em: float) -> float | None:
    """A CSS length token in points (em of ``em`` points); ``None`` for ``auto``."""
    if token.type == "ident" and token.lower_value == "auto":
        return None
    if token.type == "number" and token.value == 0:
        return 0.0
    assert token.type == "dimension", token
    unit = token.lower_unit
    assert unit in ("pt", "em"), token
    return float(token.value) * (em if unit == "em" else 1)


def box(values: list[Any], em: float) -> tuple[float | None, ...]:
    """``margin``'s 1–4 values as (top, right, bottom, left)."""
    v = [points(t, em) for t in values]
    top, right, bottom, left = {1: v * 4, 2: v * 2, 3: [*v, v[1]], 4: v}[len(v)]
    return top, right, bottom, left


def check_rule(role: Role, table: RoleTable, theme: Theme, decls: dict[str, list[Any]], *, em: float) -> None:
    """``role``'s rule carries its size, line height, spacing, colour and tracking; a size or colour it
    does not declare is inherited, and then the table must say the inherited one.
    """
    parent = table[PARENT[role.name]] if role.name in PARENT else None
    where = f"{theme.name} {role.name} ({role.css_selector})"
    parent_size = parent.font_size if parent else (em if em != 1 else table.base)
    if "font-size" in decls:
        size = points(decls["font-size"][0], parent_size)
        assert size == pytest.approx(role.font_size, abs=0.01), where
    else:
        assert role.font_size == pytest.approx(parent_size), f"{where}: inherits its size"
    if "line-height" in decls:
        assert float(decls["line-height"][0].value) * role.font_size == pytest.approx(role.line_height, abs=0.01), where
    if "color" in decls:
        assert tinycss2.serialize(decls["color"]) == role.color, where
    else:
        assert role.color == (parent.color if parent else theme.colors.text), f"{where}: inherits its colour"
    if role.css_selector.startswith("@page"):  # a margin box's margins place it in the page's margin
        decls = {k: v for k, v in decls.items() if not k.startswith("margin")}
    if "margin" in decls:
        top, _, bottom, left = box(decls["margin"], em)
        assert top == pytest.approx(role.space_before, abs=0.01), where
        assert bottom == pytest.approx(role.space_after, abs=0.01), where
        if role.indent_left and role.name != "list":
            indent = (left or 0.0) + (points(decls["padding-left"][0], em) or 0.0 if "padding-left" in decls else 0.0)
            assert indent == pytest.approx(role.indent_left, abs=0.01), where
    if "margin-top" in decls:
        assert points(decls["margin-top"][0], em) == pytest.approx(role.space_before, abs=0.01), where
    if "margin-left" in decls:
        assert points(decls["margin-left"][0], em) == pytest.approx(role.indent_left, abs=0.01), where
    if "letter-spacing" in decls:
        assert points(decls["letter-spacing"][0], role.font_size) == pytest.approx(role.letter_spacing, abs=0.01), where
    elif role.letter_spacing:
        raise AssertionError(f"{where}: no letter-spacing for the table's {role.letter_spacing}pt")


def epub_css(theme: Theme) -> str:
    with zipfile.ZipFile(io.BytesIO(EpubExporter().export(article(), theme))) as z:
        (name,) = [n for n in z.namelist() if n.endswith(".css")]
        return z.read(name).decode("utf-8")


def test_epub_css_carries_the_table(theme: Theme) -> None:
    """The EPUB's CSS is relative: em of the body size (the reader's), converted with the table's body size."""
    table = role_table(theme)
    css = epub_css(theme)
    for name, role in table.items():
        if name in PRINT_ONLY | BOOK:
            continue
        decls = declarations(css, role.css_selector)
        assert decls, f"{theme.name} {name}: no rule {role.css_selector!r} in the EPUB's CSS"
        check_rule(role, table, theme, decls, em=table.base)


def test_print_css_carries_the_table(theme: Theme) -> None:
    """The PDF's CSS, in points, for every role (those drawn on the page only included)."""
    table = role_table(theme)
    css = css_for(theme, "print", book=True)
    for name, role in table.items():
        decls = declarations(css, role.css_selector)
        assert decls, f"{theme.name} {name}: no rule {role.css_selector!r} in the print CSS"
        if name == "footnote":  # a note's size is set in points; its margin is the space after
            assert points(decls["font-size"][0], 1) == pytest.approx(role.font_size, abs=0.01)
            assert box(decls["margin"], 1)[2] == pytest.approx(role.space_after, abs=0.01)
            continue
        if name == "pullquote" and theme.layout.columns == 2:  # smaller in the PDF's narrow columns
            assert points(decls["font-size"][0], 1) == pytest.approx(role.extra["columns_size"], abs=0.01)
            role = dataclasses.replace(role, font_size=role.extra["columns_size"])
            role = dataclasses.replace(role, line_height=role.font_size * table.ratio(table[name]))
        check_rule(role, table, theme, decls, em=1 if name in PRINT_ONLY else table.base)


def test_the_drifted_values_are_one() -> None:
    """The values that had drifted between the CSS and the DOCX are the PDF's in both (issue 16)."""
    theme = Theme.load("default")
    b = float(theme.text.size)
    r = role_table(theme)
    styles = DocxStyles(DocxExporter().export(article(), theme))
    assert r["pullquote"].space_before == r["pullquote"].space_after == pytest.approx(b * 1.2)
    assert styles.spacing("IntenseQuote", "before") == pytest.approx(b * 1.2, abs=0.05)
    assert styles.spacing("FootnoteText", "line") == pytest.approx(b * 0.8 * 1.32, abs=0.05)
    assert styles.spacing("Caption", "before") == pytest.approx(b * 0.4, abs=0.05)
    assert styles.spacing("Figure", "after") == 0


# --------------------------------------------------------------------------- one token, three formats


def pdf_sizes(data: bytes, text: str) -> set[float]:
    """The font sizes (points, rounded) at which the PDF draws runs containing ``text``."""
    from pypdf import PdfReader

    sizes: set[float] = set()

    def visit(chunk: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        if text in chunk:
            sizes.add(round(size * abs(tm[3] * cm[3]), 1))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def test_one_token_moves_every_format(tmp_path: Path) -> None:
    """The heading scale and the accent, changed in a theme, move the DOCX style, the EPUB rule and the PDF."""
    from opedexport.exporters.pdf import PdfExporter

    base = Theme.load("default")
    folder = tmp_path / "scaled"
    folder.mkdir()
    (folder / "theme.toml").write_text(
        'extends = "default"\n[text]\nheading_scale = 1.4\n[colors]\naccent = "#1d5c2e"\n', encoding="utf-8"
    )
    scaled = Theme.load(folder)
    before, after = role_table(base)["heading1"], role_table(scaled)["heading1"]
    assert after.font_size == pytest.approx(float(base.text.size) * 1.4**2) != before.font_size
    assert after.color == "#1d5c2e" != before.color
    for theme, role in ((base, before), (scaled, after)):
        styles = DocxStyles(DocxExporter().export(article(), theme))
        assert styles.size("Heading1") == round(role.font_size * 2) / 2
        assert styles.color("Heading1") == role.color
        decls = declarations(epub_css(theme), ".article-body h2")
        assert points(decls["font-size"][0], float(theme.text.size)) == pytest.approx(role.font_size, abs=0.01)
        assert tinycss2.serialize(decls["color"]) == role.color
        heading = next(b for b in article().body if isinstance(b, m.Heading) and b.level == 1)
        words = "".join(i.text for i in heading.children if isinstance(i, m.Text)).split()[0]
        assert round(role.font_size, 1) in pdf_sizes(PdfExporter().export(article(), theme), words)


# --------------------------------------------------------------------------- theme show


def test_theme_show_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    folder = tmp_path / "custom"
    theme = custom_theme(folder)
    assert main(["theme", "show", str(folder), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    table = role_table(theme)
    assert list(data["roles"]) == list(ROLE_NAMES)
    for name, shown in data["roles"].items():
        role = table[name]
        assert shown["font_family"] == role.font_family
        assert shown["font_size_pt"] == round(role.font_size, 3)
        assert shown["line_height_pt"] == round(role.line_height, 3)
        assert shown["space_before_pt"] == round(role.space_before, 3)
        assert shown["space_after_pt"] == round(role.space_after, 3)
        assert re.fullmatch(r"#[0-9a-f]{6}", shown["color"])
        assert shown["docx_style"] == (role.docx_style or None)
        assert shown["css_selector"] == role.css_selector
    assert data["roles"]["heading1"]["font_size_pt"] == round(12.5 * 1.35**2, 3)
    assert data["roles"]["kicker"]["color"] == "#1d5c2e"


def test_theme_show_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["theme", "show", "modern"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0] == "modern: roles (lengths in points)"
    row = next(line for line in lines if line.startswith("pullquote "))
    assert "14.50" in row and "#1f5fa8" in row and "IntenseQuote" in row


def test_theme_show_unknown_theme_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["theme", "show", "no-such-theme"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "no theme 'no-such-theme'" in err


def test_themes_still_lists(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["themes"]) == 0
    assert capsys.readouterr().out.split()[0] == "default"


def test_copied_theme_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A theme folder copied elsewhere (its fonts beside it) shows the same table as the built-in."""
    from opedexport.theme import themes_dir

    shutil.copytree(themes_dir(), tmp_path / "styles")
    assert main(["theme", "show", str(tmp_path / "styles" / "newspaper"), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown == role_table(Theme.load("newspaper")).as_json()
