"""The article model: one typed, immutable tree that every reader fills and every exporter walks.

An :class:`Article` carries metadata and a body of :data:`Block` nodes; blocks
hold :data:`Inline` nodes. All nodes are frozen, slotted dataclasses that
validate themselves when built, in the manner of panflute's elements and
markdown-it-py's ``Token``.

Text is normalised once, here, so no exporter has to care: every string
field is put in Unicode NFC and stripped of characters that XML 1.0 cannot
carry (C0 controls other than tab and newline, C1 controls, lone surrogates,
U+FFFE and U+FFFF). Removing anything emits a
:class:`~opedexport.errors.TextNormalisedWarning` naming the field. Link
targets with a scheme other than http, https, mailto or tel (``javascript:``,
``data:``, ``file:`` …) are dropped the same way, so such a link renders as
its text alone.
"""

from __future__ import annotations

import datetime as dt
import html
import ipaddress
import re
import unicodedata
import urllib.parse
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from .errors import ModelError, TextNormalisedWarning

if TYPE_CHECKING:
    from .theme import Theme

__all__ = [
    "Article",
    "Author",
    "Block",
    "BlockQuote",
    "Code",
    "Collection",
    "Emph",
    "Figure",
    "Heading",
    "Inline",
    "LineBreak",
    "Link",
    "ListBlock",
    "Note",
    "Paragraph",
    "Part",
    "PullQuote",
    "Rule",
    "Strong",
    "Table",
    "Text",
    "clean_text",
    "is_lang_tag",
    "is_safe_link",
    "iter_nodes",
    "link_url",
    "notes_in_order",
    "plain_text",
    "web_url",
]

# C0 controls but tab and newline, CR (normalised away by readers), C1 controls,
# surrogates (only lone ones can exist in a Python str), and the two non-characters.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The schemes a link target may have; any other (``javascript:``, ``data:``, ``file:`` …) is refused.
SAFE_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
#: What a browser or a reader ignores inside a scheme: spaces, controls, soft hyphens and zero-width characters.
_IGNORED_IN_SCHEME = re.compile("[\x00-\x20\x7f-\x9f\u00ad\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SCHEME = re.compile(r"^([^/?#]*?):")
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
#: What a URL may hold unencoded besides ASCII letters and digits (WHATWG's URL code points), and ``%``.
_URL_SAFE = "!$&'()*+,-./:;=?@_~%"
_LONE_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_HOST = re.compile(r"^[a-z0-9_-]+(?:\.[a-z0-9_-]+)*\.?$")


def is_safe_link(url: str) -> bool:
    """Whether ``url`` may be a link target: http, https, mailto or tel, or relative, or a fragment (``#part``).

    The scheme is looked for the way a hostile page would hide it: case does not matter, HTML character
    references are decoded (``&#106;avascript:``, ``javascript&colon;``) and spaces, control and invisible
    characters anywhere are ignored (a space before ``javascript:``, a tab inside it), so ``javascript:``,
    ``vbscript:``, ``data:``, ``file:`` and any other scheme are refused in every disguise. A colon
    before the first ``/``, ``?`` or ``#`` that makes no allowed scheme is refused too.
    """
    probe = url
    for _ in range(4):  # character references inside character references (&amp;#106;)
        decoded = html.unescape(probe)
        if decoded == probe:
            break
        probe = decoded
    match = _SCHEME.match(_IGNORED_IN_SCHEME.sub("", probe))
    return match is None or match.group(1).lower() in SAFE_SCHEMES


def clean_text(value: str, where: str) -> str:
    """Return ``value`` in NFC with the characters XML cannot carry removed.

    :param where: the field's name, used in the warning when anything is removed.
    """
    if not isinstance(value, str):
        raise ModelError(f"{where} must be a string, got {type(value).__name__}")
    bad = _XML_ILLEGAL.findall(value)
    if bad:
        shown = ", ".join(sorted({f"U+{ord(c):04X}" for c in bad}))
        warnings.warn(
            TextNormalisedWarning(f"{where}: removed {len(bad)} character(s) XML cannot carry ({shown})"),
            stacklevel=4,
        )
        value = _XML_ILLEGAL.sub("", value)
    return unicodedata.normalize("NFC", value)


def is_lang_tag(value: str) -> bool:
    """Whether ``value`` has the shape of a BCP 47 language tag (``id``, ``en-GB``, ``zh-Hant-TW``):
    the one test every reader and the model use.
    """
    return bool(_LANG_TAG.match(value))


def web_url(url: str) -> str:
    """``url`` as a valid absolute ``http(s):``, ``mailto:`` or ``tel:`` URL, or ``""`` when it cannot be one.

    Characters a URL may not hold (spaces, quotes, ``|``, ``{`` …, and anything not ASCII) are
    percent-encoded, a lone ``%`` becomes ``%25``, an international host name is IDNA-encoded and any
    user name or password in it is left out. A URL without a host, with a host that is no host name or
    IP address, or with a port out of range gives ``""``. Applying it twice changes nothing.
    """

    def encode(text: str) -> str:
        return urllib.parse.quote(_LONE_PERCENT.sub("%25", text), safe=_URL_SAFE)

    url = url.strip()
    try:
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme in ("mailto", "tel"):
            rest = url[len(scheme) + 1 :]
            return f"{scheme}:{encode(rest)}" if rest.strip() else ""
        if scheme not in ("http", "https"):
            return ""
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # a malformed IPv6 address or port
        return ""
    if ":" in host:
        try:
            host = f"[{ipaddress.IPv6Address(host).compressed}]"
        except ValueError:
            return ""
    else:
        try:
            host = host.encode("idna").decode("ascii").lower()
        except UnicodeError:
            return ""
        if not _HOST.match(host):
            return ""
    netloc = host if port is None else f"{host}:{port}"
    return urllib.parse.urlunsplit((scheme, netloc, encode(parts.path), encode(parts.query), encode(parts.fragment)))


def link_url(url: str, base: str = "") -> str:
    """The target to write for a link to ``url`` in a file that stands alone, or ``""`` for the text alone.

    A PDF, an EPUB or a DOCX has nothing a relative or fragment-only target (``other.html``, ``#part``)
    could point at, so such a target is resolved against ``base`` (the article's canonical URL) when
    there is one and dropped otherwise: left as it is, WeasyPrint would make it a ``file:`` URL into
    the folder the PDF was made in, EPUBCheck would call it a broken reference, and Word would open a
    file next to the document. The result is a valid URL (see :func:`web_url`) or ``""``.
    """
    if not url:
        return ""
    try:
        if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https", "mailto", "tel"):
            if not base:
                return ""
            url = urllib.parse.urljoin(base, url)
    except ValueError:  # a malformed IPv6 address
        return ""
    return web_url(url)


def _clean_fields(node: object, *names: str) -> None:
    cls = type(node).__name__
    for name in names:
        object.__setattr__(node, name, clean_text(getattr(node, name), f"{cls}.{name}"))


def _check_tuple(node: object, name: str, kinds: tuple[type, ...]) -> None:
    """Coerce a list to a tuple and check each member's type."""
    value = getattr(node, name)
    if isinstance(value, list):
        value = tuple(value)
        object.__setattr__(node, name, value)
    cls = type(node).__name__
    if not isinstance(value, tuple):
        raise ModelError(f"{cls}.{name} must be a tuple, got {type(value).__name__}")
    for item in value:
        if not isinstance(item, kinds):
            names = " or ".join(k.__name__ for k in kinds)
            raise ModelError(f"{cls}.{name} holds a {type(item).__name__}; expected {names}")


# --------------------------------------------------------------------------- inlines


@dataclass(frozen=True, slots=True)
class Text:
    """A run of plain text."""

    text: str
    """The characters, NFC-normalised. Never contains a newline that matters: use :class:`LineBreak`."""

    def __post_init__(self) -> None:
        _clean_fields(self, "text")


@dataclass(frozen=True, slots=True)
class Emph:
    """Emphasised (usually italic) inlines."""

    children: tuple[Inline, ...]
    """The emphasised content."""

    def __post_init__(self) -> None:
        _check_tuple(self, "children", INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class Strong:
    """Strongly emphasised (usually bold) inlines."""

    children: tuple[Inline, ...]
    """The content."""

    def __post_init__(self) -> None:
        _check_tuple(self, "children", INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink around inlines."""

    children: tuple[Inline, ...]
    """The link text."""
    url: str
    """The target. An unsafe scheme (``javascript:``, ``file:`` …) is replaced by ``""``
    with a warning; an empty URL renders as the text alone."""
    title: str = ""
    """An optional tooltip title; ``""`` means none."""

    def __post_init__(self) -> None:
        _check_tuple(self, "children", INLINE_TYPES)
        _clean_fields(self, "url", "title")
        url = self.url.strip()
        if url and not is_safe_link(url):
            warnings.warn(TextNormalisedWarning(f"Link.url: dropped unsafe link target {url[:60]!r}"), stacklevel=3)
            url = ""
        object.__setattr__(self, "url", url)


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code, set in the theme's monospaced font."""

    text: str
    """The code, verbatim."""

    def __post_init__(self) -> None:
        _clean_fields(self, "text")


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break inside a paragraph."""


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote: an inline at its call site that holds blocks, as pandoc's ``Note [Block]``.

    Exporters number notes in document order; the model stores no numbers.
    """

    blocks: tuple[Block, ...]
    """The note's content: usually one paragraph."""

    def __post_init__(self) -> None:
        _check_tuple(self, "blocks", BLOCK_TYPES)
        if not self.blocks:
            raise ModelError("Note.blocks must not be empty")


Inline: TypeAlias = Text | Emph | Strong | Link | Code | LineBreak | Note
INLINE_TYPES: tuple[type, ...] = (Text, Emph, Strong, Link, Code, LineBreak, Note)

# --------------------------------------------------------------------------- blocks


@dataclass(frozen=True, slots=True)
class Heading:
    """A section heading inside the body (the article title is not a heading).

    Levels are relative, the same whatever the source: the title is above every heading; the
    highest heading level the body uses is level 1, the next level it uses is 2, the next 3, and
    any deeper one 3 as well, so no level is skipped. Markdown ``##``/``###``, a DOCX's Heading 1
    and Heading 2 and HTML ``<h2>``/``<h3>`` all give levels 1 and 2, and ``##`` then ``####``
    gives 1 then 2. A heading that opens the body and repeats the title is not kept. Exporters
    write level 1 as ``<h2>`` under the title's ``<h1>`` (``<h3>``, ``<h4>`` for 2 and 3) and as
    Word's Heading 1 (2, 3).
    """

    level: int
    """1, 2 or 3: section, subsection, sub-subsection (see the class docstring for how readers rank them)."""
    children: tuple[Inline, ...]
    """The heading text."""

    def __post_init__(self) -> None:
        if isinstance(self.level, bool) or not isinstance(self.level, int) or not 1 <= self.level <= 3:
            raise ModelError(f"Heading.level must be 1, 2 or 3, got {self.level!r}")
        _check_tuple(self, "children", INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of body text."""

    children: tuple[Inline, ...]
    """The paragraph's content."""

    def __post_init__(self) -> None:
        _check_tuple(self, "children", INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A quotation set off from the text, with an optional attribution."""

    blocks: tuple[Block, ...]
    """The quoted content."""
    attribution: tuple[Inline, ...] = ()
    """Who said it; ``()`` means no attribution line."""

    def __post_init__(self) -> None:
        _check_tuple(self, "blocks", BLOCK_TYPES)
        _check_tuple(self, "attribution", INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class PullQuote:
    """A short excerpt repeated in display type to draw the eye (not read aloud twice:
    exporters mark it as presentational where the format allows).
    """

    children: tuple[Inline, ...]
    """The excerpt."""
    attribution: tuple[Inline, ...] = ()
    """Optional attribution; ``()`` means none."""

    def __post_init__(self) -> None:
        _check_tuple(self, "children", INLINE_TYPES)
        _check_tuple(self, "attribution", INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class ListBlock:
    """An ordered or unordered list; items hold blocks, so lists nest."""

    ordered: bool
    """``True`` for a numbered list."""
    items: tuple[tuple[Block, ...], ...]
    """One tuple of blocks per item."""
    start: int = 1
    """The first number of an ordered list (ignored when unordered)."""

    def __post_init__(self) -> None:
        items = self.items
        if isinstance(items, list):
            items = tuple(items)
        items = tuple(tuple(i) if isinstance(i, list) else i for i in items)
        object.__setattr__(self, "items", items)
        if not items:
            raise ModelError("ListBlock.items must not be empty")
        for item in items:
            if not isinstance(item, tuple) or not all(isinstance(b, BLOCK_TYPES) for b in item):
                raise ModelError("ListBlock.items must be tuples of blocks")
        if isinstance(self.start, bool) or not isinstance(self.start, int) or self.start < 0:
            raise ModelError(f"ListBlock.start must be a whole number >= 0, got {self.start!r}")


@dataclass(frozen=True, slots=True)
class Figure:
    """An image with its alt text, caption and credit kept apart."""

    src: str
    """Path relative to the article's folder (or the theme), or a URL the fetcher may refuse."""
    alt: str = ""
    """Text that replaces the image for a reader who cannot see it; ``""`` marks it decorative."""
    caption: tuple[Inline, ...] = ()
    """The visible caption; ``()`` means none."""
    credit: str = ""
    """Photographer or source line; ``""`` means none."""

    def __post_init__(self) -> None:
        _clean_fields(self, "src", "alt", "credit")
        if not self.src.strip():
            raise ModelError("Figure.src must not be empty")
        _check_tuple(self, "caption", INLINE_TYPES)


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break (horizontal rule)."""


_ALIGNS = ("", "left", "center", "right")


@dataclass(frozen=True, slots=True)
class Table:
    """A simple table: one header row, body rows of inline cells."""

    header: tuple[tuple[Inline, ...], ...]
    """Header cells; ``()`` means no header row."""
    rows: tuple[tuple[tuple[Inline, ...], ...], ...]
    """Body rows, each a tuple of cells, each cell a tuple of inlines."""
    align: tuple[str, ...] = ()
    """Per column: ``""``, ``"left"``, ``"center"`` or ``"right"``; ``()`` means all default."""
    caption: tuple[Inline, ...] = ()
    """Optional caption; ``()`` means none."""

    def __post_init__(self) -> None:
        def cells(value: object, what: str) -> tuple[tuple[Inline, ...], ...]:
            if not isinstance(value, (tuple, list)):
                raise ModelError(f"Table.{what} must be a tuple of cells")
            out = tuple(tuple(c) for c in value)
            for c in out:
                if not all(isinstance(i, INLINE_TYPES) for i in c):
                    raise ModelError(f"Table.{what}: a cell must hold inlines only")
            return out

        object.__setattr__(self, "header", cells(self.header, "header"))
        object.__setattr__(self, "rows", tuple(cells(r, "rows") for r in self.rows))
        object.__setattr__(self, "align", tuple(self.align))
        _check_tuple(self, "caption", INLINE_TYPES)
        for a in self.align:
            if a not in _ALIGNS:
                raise ModelError(f"Table.align values must be one of {_ALIGNS}, got {a!r}")
        if not self.rows and not self.header:
            raise ModelError("Table must have a header or at least one row")


Block: TypeAlias = Heading | Paragraph | BlockQuote | PullQuote | ListBlock | Figure | Rule | Table
BLOCK_TYPES: tuple[type, ...] = (Heading, Paragraph, BlockQuote, PullQuote, ListBlock, Figure, Rule, Table)

# --------------------------------------------------------------------------- article


@dataclass(frozen=True, slots=True)
class Author:
    """One author of the article."""

    name: str
    """The name as it should be printed."""
    affiliation: str = ""
    """Role or institution printed after the name; ``""`` means none."""
    bio: str = ""
    """A short biography for the end of the article; ``""`` means none."""
    url: str = ""
    """A home page; ``""`` means none. An unsafe scheme is dropped with a warning, as for :class:`Link`."""

    def __post_init__(self) -> None:
        _clean_fields(self, "name", "affiliation", "bio", "url")
        object.__setattr__(self, "name", " ".join(self.name.split()))
        if not self.name:
            raise ModelError("Author.name must not be empty")
        url = self.url.strip()
        if url and not is_safe_link(url):
            warnings.warn(TextNormalisedWarning(f"Author.url: dropped unsafe link target {url[:60]!r}"), stacklevel=3)
            url = ""
        object.__setattr__(self, "url", url)


@dataclass(frozen=True, slots=True)
class Article:
    """One opinion article: metadata and body.

    Equality compares content only; :attr:`source_path` is carried along for
    resolving relative images but never compared or serialised.
    """

    title: str
    """The headline. Required and never empty."""
    body: tuple[Block, ...] = ()
    """The article's blocks in reading order."""
    subtitle: str = ""
    """The dek (standfirst); ``""`` means none."""
    authors: tuple[Author, ...] = ()
    """Bylines in order; ``()`` means unsigned."""
    date: dt.date | None = None
    """Publication date; ``None`` means undated."""
    publication: str = ""
    """The outlet's name, used in running headers and the title block; ``""`` means none."""
    lang: str = "und"
    """BCP 47 language tag such as ``id`` or ``en``; ``"und"`` means undetermined."""
    tags: tuple[str, ...] = ()
    """Keywords."""
    summary: str = ""
    """A one-paragraph summary for metadata; ``""`` means none (the dek is used instead)."""
    source_url: str = ""
    """The canonical URL of the published article; ``""`` means none. Exporters print it as a link and
    resolve the article's relative links against it, so it is kept as a valid absolute http(s) URL
    (see :func:`web_url`); anything else (``javascript:``, a relative path …) is dropped with a warning."""
    rights: str = ""
    """Copyright or licence statement; ``""`` means none."""
    disclosure: str = ""
    """Conflict-of-interest or affiliation disclosure printed after the body; ``""`` means none."""
    cover: str = ""
    """Cover image path relative to the article's folder; ``""`` means none (exporters may generate one)."""
    source_path: Path | None = field(default=None, compare=False)
    """The file this article was read from; ``None`` when built in code. Not serialised."""

    def __post_init__(self) -> None:
        _clean_fields(
            self, "title", "subtitle", "publication", "lang", "summary", "source_url", "rights", "disclosure", "cover"
        )
        object.__setattr__(self, "title", " ".join(self.title.split()))
        if not self.title:
            raise ModelError("Article.title must not be empty")
        url = web_url(self.source_url) if self.source_url.strip() else ""
        if self.source_url.strip() and not url.startswith(("http://", "https://")):
            shown = self.source_url.strip()[:60]
            warnings.warn(
                TextNormalisedWarning(f"Article.source_url: dropped {shown!r}, not an absolute http(s) URL"),
                stacklevel=3,
            )
            url = ""
        object.__setattr__(self, "source_url", url)
        if not _LANG_TAG.match(self.lang):
            raise ModelError(f"Article.lang must be a BCP 47 tag such as 'id' or 'en', got {self.lang!r}")
        if self.date is not None and (not isinstance(self.date, dt.date) or isinstance(self.date, dt.datetime)):
            raise ModelError(f"Article.date must be a datetime.date or None, got {self.date!r}")
        _check_tuple(self, "body", BLOCK_TYPES)
        _check_tuple(self, "authors", (Author,))
        _check_tuple(self, "tags", (str,))
        object.__setattr__(self, "tags", tuple(clean_text(t, "Article.tags").strip() for t in self.tags))
        if self.source_path is not None and not isinstance(self.source_path, Path):
            object.__setattr__(self, "source_path", Path(self.source_path))

    def replace(self, **changes: Any) -> Article:
        """Return a copy with ``changes`` applied (the copy is validated again)."""
        return replace(self, **changes)

    @property
    def base_dir(self) -> Path | None:
        """The folder relative resources resolve against; ``None`` when built in code."""
        return self.source_path.parent if self.source_path is not None else None

    @property
    def language(self) -> str:
        """The primary language subtag in lower case (``"id"`` for ``"id-ID"``)."""
        return self.lang.split("-")[0].lower()


Node: TypeAlias = Inline | Block
NODE_TYPES: dict[str, type] = {t.__name__: t for t in (*INLINE_TYPES, *BLOCK_TYPES, Author, Article)}


def iter_nodes(root: Article | Node | tuple[Node, ...]) -> Iterator[Node]:
    """Yield every block and inline under ``root`` in document order (depth first)."""
    if isinstance(root, tuple):
        for item in root:
            yield from iter_nodes(item)
        return
    if isinstance(root, Article):
        yield from iter_nodes(root.body)
        return
    yield root
    for f in fields(root):
        value = getattr(root, f.name)
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, (tuple, *INLINE_TYPES, *BLOCK_TYPES)):
                    yield from iter_nodes(item)


def notes_in_order(article: Article) -> list[Note]:
    """The footnotes of ``article`` in the order their calls appear (number = index + 1)."""
    return [n for n in iter_nodes(article) if isinstance(n, Note)]


def plain_text(nodes: tuple[Inline, ...] | Inline) -> str:
    """The text of inlines without markup; notes are left out, line breaks become spaces."""
    if not isinstance(nodes, tuple):
        nodes = (nodes,)
    out: list[str] = []
    for node in nodes:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, LineBreak):
            out.append(" ")
        elif isinstance(node, (Emph, Strong, Link)):
            out.append(plain_text(node.children))
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Part:
    """A group of articles with an optional title (``""``: the book has no parts)."""

    title: str
    articles: tuple[Article, ...]


@dataclass(frozen=True, slots=True)
class Collection:
    """A book of articles. Immutable; build it with :func:`load_manifest` or in code."""

    title: str
    parts: tuple[Part, ...]
    subtitle: str = ""
    editors: tuple[Author, ...] = ()
    publication: str = ""
    date: dt.date | None = None
    lang: str = "und"
    """The book's language: its own pages (title page, contents) follow it; each article keeps its own ``lang``."""
    cover: str = ""
    """Cover image relative to the manifest's folder; ``""``: exporters generate one."""
    rights: str = ""
    theme: str = ""
    """The theme the manifest asks for; ``""``: the caller's choice."""
    source_path: Path | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", " ".join(clean_text(self.title, "Collection.title").split()))
        if not self.title:
            raise ModelError("Collection.title must not be empty")
        if not _LANG_TAG.match(self.lang):
            raise ModelError(f"Collection.lang must be a BCP 47 tag such as 'id' or 'en', got {self.lang!r}")
        if not any(p.articles for p in self.parts):
            raise ModelError("Collection must hold at least one article")

    @property
    def articles(self) -> list[Article]:
        """Every article in book order."""
        return [a for part in self.parts for a in part.articles]

    @property
    def base_dir(self) -> Path | None:
        """The manifest's folder (cover and article paths resolve against it)."""
        return self.source_path.parent if self.source_path is not None else None

    def as_article(self) -> Article:
        """The book's own metadata as an Article with an empty body (for title pages and metadata).

        Its authors are the editors, or, with no editors, every distinct author of the articles.
        """
        authors: list[Author] = list(self.editors)
        if not authors:
            for article in self.articles:
                for author in article.authors:
                    if author.name not in {a.name for a in authors}:
                        authors.append(author)
        return Article(
            title=self.title,
            subtitle=self.subtitle,
            authors=tuple(authors),
            date=self.date,
            publication=self.publication,
            lang=self.lang,
            rights=self.rights,
            cover=self.cover,
            source_path=self.source_path,
        )

    def load_theme(self, **overrides: Any) -> Theme:
        """The theme the manifest names (``default`` if none), confined to the manifest's folder.

        It must be a built-in name or a folder inside :attr:`base_dir`, and what it extends, its
        font files and its templates must stay inside that folder or the built-in themes. A
        collection built in code (no :attr:`source_path`) may only name a built-in theme.

        :param overrides: as :meth:`Theme.load`'s.
        :raises ThemeError: for an invalid theme or one that reaches outside.
        """
        from .theme import Theme, themes_dir  # the model needs no theme until a book asks for its own

        return Theme.load(self.theme or "default", within=self.base_dir or themes_dir(), **overrides)

    def all_authors(self) -> list[Author]:
        """Every distinct author of every article, in order of first appearance."""
        seen: dict[str, Author] = {}
        for article in self.articles:
            for author in article.authors:
                seen.setdefault(author.name, author)
        return list(seen.values())

    def numbered(self) -> Iterator[tuple[int, Part, Article]]:
        """``(chapter number from 1, part, article)`` in book order."""
        n = 0
        for part in self.parts:
            for article in part.articles:
                n += 1
                yield n, part, article
