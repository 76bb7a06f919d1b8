"""Themes: one folder of tokens (``theme.toml``) and templates that drive the PDF, the EPUB and the DOCX alike.

A theme is looked up by name among the built-ins (``styles/`` in a checkout,
``opedexport/styles`` inside an installed wheel) or given as a path to a
folder. A theme may ``extends = "<name or relative path>"`` another and
override only some tokens; templates are then looked up in the theme's own
folder first, then in the theme it extends, down to the built-in
``default`` (as Pelican's ``ChoiceLoader``).

Tokens (every one is optional in a theme that extends another)::

    name = "default"            description = "…"        extends = "default"
    [page]     size = "A4" | "Letter" | "210mm 297mm"; margin_top, margin_bottom, margin_inner, margin_outer
    [fonts.body|heading|mono]   family, regular, italic, bold, bold_italic (font files), fallback = [...]
    [text]     size, leading, title_size, dek_size, heading_scale, paragraph_spacing, first_line_indent,
               align = "justify" | "left", hyphenate, hyphenate_min_word, hyphenate_min_before, hyphenate_min_after,
               fit_leading, fit_spacing, fit_word_spacing, fit_letter_spacing (how far the PDF may tighten an
               article to save a last page of a few lines; see the default theme.toml)
    [colors]   text, accent, muted, rule, background, quote_bar
    [running]  header = "publication" | "title" | "none", footer = "page" | "page-of-pages" | "none"
    [layout]   title_block = "ruled" | "plain", title_case = "normal" | "upper", heading_style = "plain" | "rule",
               drop_cap (bool), columns (1 or 2, PDF only)

An unknown token, a wrong unit, a missing font file or a file that is not a font is a
:class:`~opedexport.errors.ThemeError` naming the file and the key.

A theme loaded ``within`` a folder (a collection manifest's theme) is confined: it is a
built-in name or a folder inside that folder, and what it extends, its font files and its
templates must resolve (symbolic links followed) inside that folder or the built-in themes.
A theme the caller names directly may live anywhere. Every template is rendered sandboxed
(see :mod:`opedexport.exporters._html`).
"""

from __future__ import annotations

import copy
import os
import re
import tomllib
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from functools import cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal

from .errors import ThemeError, ThemeWarning
from .units import Length, UnitError

__all__ = [
    "Colors",
    "FontRole",
    "FrozenMap",
    "Layout",
    "Page",
    "Running",
    "TextStyle",
    "Theme",
    "contrast_problems",
    "contrast_ratio",
    "frozen",
    "load_theme",
    "parse_page_size",
    "themes_dir",
]

_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
PAGE_SIZES: dict[str, tuple[str, str]] = {
    "a4": ("210mm", "297mm"),
    "a5": ("148mm", "210mm"),
    "letter": ("8.5in", "11in"),
    "legal": ("8.5in", "14in"),
}
PAGE_SIZE_HELP = "A4, A5, Letter, Legal or 'WIDTH HEIGHT' such as '6in 9in'"
"""The page sizes :func:`parse_page_size` accepts, for messages."""
_FONT_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"wOFF", b"wOF2")
"""The first four bytes of a TrueType, OpenType (CFF), Apple TrueType, WOFF and WOFF2 file."""


def themes_dir() -> Path:
    """The folder of the built-in themes: the checkout's ``styles/`` when running from one
    (an editable install), else ``opedexport/styles`` inside the installed wheel.
    """
    here = Path(__file__).resolve().parent
    checkout = here.parents[1] / "styles"
    if here.parent.name == "src" and checkout.is_dir():
        return checkout
    packaged = resources.files("opedexport").joinpath("styles")
    if packaged.is_dir():
        return Path(str(packaged))
    raise ThemeError("the built-in themes are missing from this installation (styles/ not found)")


@dataclass(frozen=True, slots=True)
class Page:
    """Page geometry for print (the EPUB ignores it; the DOCX uses it for its section)."""

    width: Length
    height: Length
    margin_top: Length
    margin_bottom: Length
    margin_inner: Length
    margin_outer: Length
    size_name: str
    """The name given (``"A4"``, ``"Letter"``) or ``"custom"``."""


@dataclass(frozen=True, slots=True)
class FontRole:
    """One role's font: family name, its files (``None`` where the theme ships none) and fallbacks."""

    family: str
    regular: Path | None
    italic: Path | None
    bold: Path | None
    bold_italic: Path | None
    fallback: tuple[str, ...]

    def files(self) -> list[tuple[str, str, Path]]:
        """``(style, weight, path)`` for each shipped file, for ``@font-face`` and embedding."""
        out = []
        for attr, style, weight in (
            ("regular", "normal", "normal"),
            ("italic", "italic", "normal"),
            ("bold", "normal", "bold"),
            ("bold_italic", "italic", "bold"),
        ):
            path = getattr(self, attr)
            if path is not None:
                out.append((style, weight, path))
        return out

    def stack(self) -> str:
        """A CSS font-family list: the family, then the fallbacks."""
        names = [self.family, *self.fallback]
        generic = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"}
        return ", ".join(n if n in generic else f'"{n}"' for n in names)


@dataclass(frozen=True, slots=True)
class TextStyle:
    """Body text and its scale."""

    size: Length
    leading: float
    title_size: Length
    dek_size: Length
    heading_scale: float
    paragraph_spacing: Length
    first_line_indent: Length
    align: Literal["justify", "left"]
    hyphenate: bool
    hyphenate_min_word: int
    hyphenate_min_before: int
    hyphenate_min_after: int
    fit_leading: float = 0.97
    """To save a last page of a few lines, the PDF may shrink the leading to this fraction (1: never)."""
    fit_spacing: float = 0.5
    """… and the space below the title block and above headings to this fraction (1: never)."""
    fit_word_spacing: float = 0.05
    """… and tighten the word spacing by up to this many em (0: never)."""
    fit_letter_spacing: float = 0.02
    """… and, as a last resort, the letter spacing by up to this many em (0: never)."""

    def heading_size(self, level: int) -> Length:
        """Size of a body heading of ``level`` (1 largest): the base size times the scale, per level."""
        return Length(self.size * self.heading_scale ** (3 - level))


@dataclass(frozen=True, slots=True)
class Colors:
    """Colours as ``#rrggbb``."""

    text: str
    accent: str
    muted: str
    rule: str
    background: str
    quote_bar: str


@dataclass(frozen=True, slots=True)
class Running:
    """Running header and footer."""

    header: Literal["publication", "title", "none"]
    footer: Literal["page", "page-of-pages", "none"]


@dataclass(frozen=True, slots=True)
class Layout:
    """Choices of arrangement that tokens alone decide."""

    title_block: Literal["ruled", "plain"]
    title_case: Literal["normal", "upper"]
    heading_style: Literal["plain", "rule"]
    drop_cap: bool
    columns: int


class FrozenMap(Mapping[str, Any]):
    """A read-only mapping (as :class:`types.MappingProxyType`, but picklable: themes travel to
    worker processes). Nested tables are frozen too, and lists become tuples (:func:`frozen`).
    """

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[str, Any] = MappingProxyType({})) -> None:
        self._data: dict[str, Any] = {str(k): frozen(v) for k, v in data.items()}

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def thaw(self) -> dict[str, Any]:
        """A plain, mutable deep copy (dicts and lists), as the tokens were read."""
        return {k: _thaw(v) for k, v in self._data.items()}


def frozen(value: Any) -> Any:
    """``value`` made immutable all the way down: mappings to :class:`FrozenMap`, lists to tuples."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap(value)
    if isinstance(value, (list, tuple)):
        return tuple(frozen(v) for v in value)
    return value


def _thaw(value: Any) -> Any:
    if isinstance(value, FrozenMap):
        return value.thaw()
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    return value


_CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("text", "align"): ("justify", "left"),
    ("running", "header"): ("publication", "title", "none"),
    ("running", "footer"): ("page", "page-of-pages", "none"),
    ("layout", "title_block"): ("ruled", "plain"),
    ("layout", "title_case"): ("normal", "upper"),
    ("layout", "heading_style"): ("plain", "rule"),
}
_TOP_KEYS = {"name", "description", "extends"}
_SECTIONS = {"page", "fonts", "text", "colors", "running", "layout"}
_FONT_ROLES = ("body", "heading", "mono")
_FONT_KEYS = {"family", "regular", "italic", "bold", "bold_italic", "fallback"}
_PAGE_KEYS = {"size", "margin_top", "margin_bottom", "margin_inner", "margin_outer"}


@dataclass(frozen=True, slots=True, eq=False)
class Theme:
    """A loaded, validated theme: every token typed, every font file resolved.

    Build one with :meth:`Theme.load`; exporters read its fields and
    :attr:`template_dirs`. Themes are immutable: :meth:`with_tokens` returns a new one.
    """

    name: str
    description: str
    path: Path
    """The folder of the theme itself."""
    template_dirs: tuple[Path, ...]
    """Where templates are looked up: this theme, then what it extends, down to ``default``."""
    page: Page
    fonts: Mapping[str, FontRole]
    """``"body"``, ``"heading"`` and ``"mono"`` (read-only)."""
    text: TextStyle
    colors: Colors
    running: Running
    layout: Layout
    tokens: FrozenMap
    """The merged raw tokens, as written (font paths made absolute); read-only all the way down
    (tables are :class:`FrozenMap`, arrays tuples): :meth:`with_tokens` makes a changed copy."""
    roots: tuple[Path, ...] = ()
    """The folders this theme may read files from (real paths); ``()``: anywhere (a caller's theme)."""

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, name_or_path: str | Path = "default", *, within: str | Path | None = None, **overrides: Any) -> Theme:
        """Load a built-in theme by name, or a theme folder (or its theme.toml) by path.

        :param within: confine the theme to this folder (a collection manifest's): ``name_or_path``
            is then a built-in name or a relative path inside ``within``, and what the theme extends,
            its fonts and its templates must stay inside ``within`` or the built-in themes.
            ``None``: the theme may come from anywhere (relative paths resolve against the working folder).
        :param overrides: tokens to change after loading, as ``section={"key": value}``,
            for example ``page={"size": "Letter"}``.
        :raises ThemeError: naming the file and key of anything invalid or outside ``within``.
        """
        roots: tuple[Path, ...] = ()
        if within is not None:
            roots = tuple(dict.fromkeys((Path(within).resolve(), themes_dir().resolve())))
        tokens, dirs, path = _load_chain(str(name_or_path), roots)
        given = {k: v for k, v in overrides.items() if v}
        try:
            theme = _build(_deep_merge(tokens, given), dirs, path, roots)
        except ThemeError as exc:
            if not given:
                raise
            error = exc
        else:
            _warn_low_contrast(theme, path)
            return theme
        _build(tokens, dirs, path, roots)  # the theme alone is at fault: its own error, naming its file
        raise ThemeError(f"{error.message} (in the overrides given, not in {path})") from None

    def with_tokens(self, **overrides: dict[str, Any]) -> Theme:
        """A copy with some tokens changed, as :meth:`load`'s ``overrides`` (and as confined)."""
        tokens = _deep_merge(self.tokens.thaw(), overrides)
        return _build(tokens, self.template_dirs, self.path, self.roots)

    # ------------------------------------------------------------------ helpers for exporters

    def all_font_files(self) -> list[tuple[str, str, str, Path]]:
        """``(family, style, weight, path)`` for every font file of every role, without repeats."""
        seen: set[Path] = set()
        out = []
        for role in _FONT_ROLES:
            font = self.fonts[role]
            for style, weight, path in font.files():
                if path not in seen:
                    seen.add(path)
                    out.append((font.family, style, weight, path))
        return out


def parse_page_size(size: str) -> tuple[Length, Length, str]:
    """``(width, height, name)`` of a page size: a name (``A4``, ``Letter`` …) or ``"WIDTH HEIGHT"``.

    :raises ValueError: saying what is accepted (:data:`PAGE_SIZE_HELP`).
    """
    size = size.strip()
    if size.lower() in PAGE_SIZES:
        w, h = PAGE_SIZES[size.lower()]
        return Length.parse(w), Length.parse(h), size
    parts = size.split()
    if len(parts) != 2:
        raise ValueError(f"must be {PAGE_SIZE_HELP}, got {size!r}")
    try:
        return Length.parse(parts[0]), Length.parse(parts[1]), "custom"
    except UnitError as exc:
        raise ValueError(f"has a bad length ({exc}); give {PAGE_SIZE_HELP}") from None


def _inside(path: Path, roots: tuple[Path, ...]) -> bool:
    """Whether ``path``'s real location is inside one of ``roots`` (``()``: no confinement)."""
    if not roots:
        return True
    real = path.resolve()
    return any(real.is_relative_to(root) for root in roots)


def _outside(what: str, path: Path, roots: tuple[Path, ...], *, at: Path | None = None) -> ThemeError:
    where = " or ".join(str(r) for r in roots)
    return ThemeError(
        f"{what} resolves to {path.resolve()}, outside {where}: a collection's theme may only use "
        "built-in themes and files inside the manifest's folder",
        path=at,
    )


def _find_theme_file(ref: str, relative_to: Path | None, roots: tuple[Path, ...] = ()) -> Path:
    candidates: list[Path] = []
    p = Path(ref)
    if roots:  # confined: relative to the folder that names it, or a built-in name; never the working folder
        if p.is_absolute():
            raise ThemeError(
                f"theme {ref!r}: an absolute path is not allowed here; "
                f"give a built-in name or a folder inside {roots[0]}"
            )
        candidates.append((relative_to or roots[0]) / p)
    else:
        if relative_to is not None and not p.is_absolute():
            candidates.append(relative_to / p)
        candidates.append(p)
    if "/" not in ref and "\\" not in ref:
        candidates.append(themes_dir() / ref)
    for c in candidates:
        found = None
        if c.is_file() and c.name == "theme.toml":
            found = c
        elif (c / "theme.toml").is_file():
            found = c / "theme.toml"
        if found is not None:
            if not _inside(found, roots):
                raise _outside(f"theme {ref!r}", found, roots)
            return found.resolve()
    builtins = ", ".join(sorted(d.name for d in themes_dir().iterdir() if (d / "theme.toml").is_file()))
    raise ThemeError(f"no theme {ref!r}: give a built-in name ({builtins}) or a folder with a theme.toml")


@cache
def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        line = None
        m = re.search(r"line (\d+)", str(exc))
        if m:
            line = int(m.group(1))
        raise ThemeError(f"invalid TOML: {exc}", path=path, line=line) from None
    except OSError as exc:
        raise ThemeError(f"cannot read theme: {exc.strerror}", path=path) from None
    _check_keys(data, path)
    # make font paths absolute relative to the file that names them
    for font in data.get("fonts", {}).values():
        for key in ("regular", "italic", "bold", "bold_italic"):
            if font.get(key):
                font[key] = str((path.parent / font[key]).resolve())
    return data


def _check_keys(data: dict[str, Any], path: Path) -> None:
    def bad(key: str, why: str = "unknown token") -> ThemeError:
        return ThemeError(f"{why}: {key}", path=path)

    for key, value in data.items():
        if key in _TOP_KEYS:
            continue
        if key not in _SECTIONS:
            raise bad(key)
        if not isinstance(value, dict):
            raise bad(key, "expected a table")
        if key == "fonts":
            for role, font in value.items():
                if role not in _FONT_ROLES:
                    raise bad(f"fonts.{role}", "unknown font role (body, heading, mono)")
                for fk in font:
                    if fk not in _FONT_KEYS:
                        raise bad(f"fonts.{role}.{fk}")
            continue
        allowed = _PAGE_KEYS if key == "page" else {f.name for f in fields(_SECTION_TYPES[key])}
        for sub in value:
            if sub not in allowed:
                raise bad(f"{key}.{sub}")


_SECTION_TYPES: dict[str, type] = {"text": TextStyle, "colors": Colors, "running": Running, "layout": Layout}


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """A new dict: ``base`` with ``over`` merged in, nested tables merged too; neither input is changed."""
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


#: A font family name: letters, digits, spaces, dots, hyphens and underscores (it goes into the CSS
#: between quotes, so no quote, backslash, brace, semicolon or angle bracket may reach it).
_FAMILY_NAME = re.compile(r"[^\W_][\w .-]{0,79}")


def _family_name(value: object, key: str, path: Path) -> str:
    """``value`` if it is a font family name a stylesheet can carry as it is, else a :class:`ThemeError`."""
    if not isinstance(value, str) or not _FAMILY_NAME.fullmatch(value):
        raise ThemeError(
            f"{key}: {value!r} is not a font family name (letters, digits, spaces, '.', '-' and '_', "
            "at most 80 characters)",
            path=path,
        )
    return value


def _check_font_file(value: str, key: str, theme_file: Path, roots: tuple[Path, ...]) -> Path:
    """The font file ``value`` names, checked: inside ``roots`` (before it is opened), present, a font."""
    p = Path(value)
    if not _inside(p, roots):
        raise _outside(key, p, roots, at=theme_file)
    if not p.is_file():
        raise ThemeError(f"{key}: font file not found: {p}", path=theme_file)
    try:
        with p.open("rb") as fh:
            head = fh.read(4)
    except OSError as exc:
        raise ThemeError(f"{key}: cannot read font file {p}: {exc.strerror}", path=theme_file) from None
    if head not in _FONT_MAGIC:
        raise ThemeError(
            f"{key}: {p} is not a font file; give a TrueType, OpenType, WOFF or WOFF2 font", path=theme_file
        )
    return p


def _load_chain(ref: str, roots: tuple[Path, ...] = ()) -> tuple[dict[str, Any], tuple[Path, ...], Path]:
    path = _find_theme_file(ref, None, roots)
    chain = [path]
    while True:
        parent_ref = _read_toml(chain[-1]).get("extends")
        if not parent_ref:
            break
        try:
            parent = _find_theme_file(str(parent_ref), chain[-1].parent, roots)
        except ThemeError as exc:
            raise ThemeError(f"extends: {exc.message}", path=chain[-1]) from None
        if parent in chain:
            raise ThemeError(f"themes extend each other in a loop: {parent_ref}", path=chain[-1])
        chain.append(parent)
    for p in chain:  # each font file is checked against the file that names it
        for role, font in _read_toml(p).get("fonts", {}).items():
            for key in ("regular", "italic", "bold", "bold_italic"):
                if font.get(key):
                    _check_font_file(font[key], f"fonts.{role}.{key}", p, roots)
    default = _find_theme_file("default", None)
    dirs = [p.parent for p in chain]
    if default not in chain:
        dirs.append(default.parent)
    tokens: dict[str, Any] = {}
    for p in reversed(chain):  # _deep_merge copies, so the cached files stay untouched
        tokens = _deep_merge(tokens, _read_toml(p))
    tokens["extends"] = _read_toml(path).get("extends", "")
    tokens["name"] = _read_toml(path).get("name", path.parent.name)
    return tokens, tuple(dirs), path


def _build(tokens: dict[str, Any], dirs: tuple[Path, ...], path: Path, roots: tuple[Path, ...] = ()) -> Theme:
    def get(section: str, key: str) -> Any:
        try:
            return tokens[section][key]
        except KeyError:
            raise ThemeError(f"missing token: {section}.{key}", path=path) from None

    def length(section: str, key: str, em: float | None = None) -> Length:
        try:
            return Length.parse(get(section, key), em=em)
        except UnitError as exc:
            raise ThemeError(f"{section}.{key}: {exc}", path=path) from None

    def choice(section: str, key: str) -> Any:
        value = get(section, key)
        allowed = _CHOICES[(section, key)]
        if value not in allowed:
            raise ThemeError(f"{section}.{key} must be one of {', '.join(allowed)}, got {value!r}", path=path)
        return value

    def number(section: str, key: str, kind: type = float, low: float = 0, high: float = 100) -> Any:
        value = get(section, key)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise ThemeError(f"{section}.{key} must be a number from {low} to {high}, got {value!r}", path=path)
        return kind(value)

    def optional(section: str, key: str, default: float, low: float, high: float) -> float:
        """A number token that themes written before it was added may leave out."""
        if key not in tokens.get(section, {}):
            return default
        return float(number(section, key, float, low, high))

    def flag(section: str, key: str) -> bool:
        value = get(section, key)
        if not isinstance(value, bool):
            raise ThemeError(f"{section}.{key} must be true or false, got {value!r}", path=path)
        return value

    try:
        width, height, size_name = parse_page_size(str(get("page", "size")))
    except ValueError as exc:
        raise ThemeError(f"page.size {exc}", path=path) from None
    page = Page(
        width=width,
        height=height,
        margin_top=length("page", "margin_top"),
        margin_bottom=length("page", "margin_bottom"),
        margin_inner=length("page", "margin_inner"),
        margin_outer=length("page", "margin_outer"),
        size_name=size_name,
    )

    fonts: dict[str, FontRole] = {}
    for role in _FONT_ROLES:
        spec = tokens.get("fonts", {}).get(role)
        if not spec or "family" not in spec:
            raise ThemeError(f"missing token: fonts.{role}.family", path=path)
        files: dict[str, Path | None] = {}
        for key in ("regular", "italic", "bold", "bold_italic"):
            value = spec.get(key)
            if value:
                files[key] = _check_font_file(str(value), f"fonts.{role}.{key}", path, roots)
            else:
                files[key] = None
        fallback = spec.get("fallback", ())
        if not isinstance(fallback, (list, tuple)):
            raise ThemeError(f"fonts.{role}.fallback: give a list of font family names", path=path)
        family = _family_name(spec["family"], f"fonts.{role}.family", path)
        names = tuple(_family_name(name, f"fonts.{role}.fallback", path) for name in fallback)
        fonts[role] = FontRole(family=family, fallback=names, **files)

    base = length("text", "size")
    text = TextStyle(
        size=base,
        leading=number("text", "leading", float, 0.8, 3),
        title_size=length("text", "title_size", base),
        dek_size=length("text", "dek_size", base),
        heading_scale=number("text", "heading_scale", float, 1, 2),
        paragraph_spacing=length("text", "paragraph_spacing", base),
        first_line_indent=length("text", "first_line_indent", base),
        align=choice("text", "align"),
        hyphenate=flag("text", "hyphenate"),
        hyphenate_min_word=number("text", "hyphenate_min_word", int, 2, 30),
        hyphenate_min_before=number("text", "hyphenate_min_before", int, 1, 10),
        hyphenate_min_after=number("text", "hyphenate_min_after", int, 1, 10),
        fit_leading=optional("text", "fit_leading", 0.97, 0.9, 1),
        fit_spacing=optional("text", "fit_spacing", 0.5, 0, 1),
        fit_word_spacing=optional("text", "fit_word_spacing", 0.05, 0, 0.15),
        fit_letter_spacing=optional("text", "fit_letter_spacing", 0.02, 0, 0.05),
    )
    colors_kwargs = {}
    for f in fields(Colors):
        value = get("colors", f.name)
        if not isinstance(value, str) or not _COLOR.match(value):
            raise ThemeError(f"colors.{f.name} must be a colour like #8a1c1c, got {value!r}", path=path)
        if len(value) == 4:
            value = "#" + "".join(c * 2 for c in value[1:])
        colors_kwargs[f.name] = value.lower()
    columns = number("layout", "columns", int, 1, 2)
    return Theme(
        name=str(tokens.get("name", path.parent.name)),
        description=str(tokens.get("description", "")),
        path=path.parent,
        template_dirs=dirs,
        page=page,
        fonts=FrozenMap(fonts),
        text=text,
        colors=Colors(**colors_kwargs),
        running=Running(header=choice("running", "header"), footer=choice("running", "footer")),
        layout=Layout(
            title_block=choice("layout", "title_block"),
            title_case=choice("layout", "title_case"),
            heading_style=choice("layout", "heading_style"),
            drop_cap=flag("layout", "drop_cap"),
            columns=columns,
        ),
        tokens=FrozenMap(tokens),
        roots=roots,
    )


# --------------------------------------------------------------------------- contrast (WCAG 2.2)

#: WCAG 2.2 AA minimum contrast of text against its background (success criterion 1.4.3).
TEXT_CONTRAST = 4.5
#: WCAG 2.2 minimum contrast of a link's colour against the text around it, when colour alone tells it
#: apart (technique G183); an underlined link needs none.
LINK_CONTRAST = 3.0


def _relative_luminance(color: str) -> float:
    """WCAG's relative luminance of ``#rrggbb`` (0 for black, 1 for white)."""
    channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG's contrast ratio of two ``#rrggbb`` colours, from 1 (the same) to 21 (black on white)."""
    a, b = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def contrast_problems(colors: Colors, *, links_underlined: bool = True) -> list[str]:
    """What keeps ``colors`` from WCAG 2.2 AA contrast, one sentence each; empty when they meet it.

    Text (``text``), secondary text (``muted``: bylines, captions, notes) and links and kickers
    (``accent``) need 4.5:1 against ``background``. A link told apart from the text around it by its
    colour alone also needs 3:1 against ``text``; the built-in templates underline links in running
    text (EPUB and PDF), so that check applies only with ``links_underlined=False``. Rules and bars
    (``rule``, ``quote_bar``) are decoration and not checked.
    """
    problems = []
    for key, use in (("text", "text"), ("muted", "secondary text"), ("accent", "links and kickers")):
        color = getattr(colors, key)
        ratio = contrast_ratio(color, colors.background)
        if ratio < TEXT_CONTRAST:
            problems.append(
                f"colors.{key} {color} ({use}) on colors.background {colors.background} has a contrast of "
                f"{ratio:.2f}:1, below the {TEXT_CONTRAST}:1 of WCAG AA; darken one or lighten the other"
            )
    if not links_underlined:
        ratio = contrast_ratio(colors.accent, colors.text)
        if ratio < LINK_CONTRAST:
            problems.append(
                f"colors.accent {colors.accent} (links) next to colors.text {colors.text} has a contrast of "
                f"{ratio:.2f}:1, below the {LINK_CONTRAST}:1 that tells links apart without an underline"
            )
    return problems


def _warn_low_contrast(theme: Theme, path: Path) -> None:
    """Warn (one :class:`~opedexport.errors.ThemeWarning`, one line) of the colours of ``theme`` below WCAG AA."""
    problems = contrast_problems(theme.colors)
    if problems:
        warnings.warn(ThemeWarning(f"{path}: {'; '.join(problems)}"), stacklevel=3)


def load_theme(theme: str | os.PathLike[str] | Theme = "default", **overrides: Any) -> Theme:
    """A :class:`Theme` from a built-in name, a folder path, or a Theme (returned as is unless ``overrides``)."""
    if isinstance(theme, Theme):
        return theme.with_tokens(**overrides) if overrides else theme
    return Theme.load(os.fspath(theme), **overrides)
