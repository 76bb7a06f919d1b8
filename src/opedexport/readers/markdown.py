"""The Markdown reader: CommonMark with YAML front matter, footnotes and tables.

The text is parsed with markdown-it-py (CommonMark preset, the ``table`` rule
on, the footnote plugin of mdit-py-plugins) and walked into the model. The
rules below are the whole dialect; nothing else is guessed.

Front matter
    An optional YAML block between a first line ``---`` and the next ``---``
    (or ``...``) line, read with ``yaml.safe_load`` semantics, so custom tags
    such as ``!!python/object`` are refused. Keys: ``title``, ``subtitle``,
    ``authors`` (a list of names or of ``{name, affiliation, bio, url}``) or
    its shorthand ``author`` (one name or one mapping), ``date`` (a YAML date
    or an ISO 8601 string), ``publication``, ``lang``, ``tags`` (a list, or a
    comma-separated string), ``summary``, ``source_url``, ``rights``,
    ``disclosure``, ``cover``. Any other key is an error naming the key and
    its line. Every value's type is checked: text fields take text (a number
    is written out), ``authors`` a list, every name and author field text;
    a wrong type is an error naming the key and the line of the item at
    fault, as is an impossible date such as ``2025-13-45``. YAML errors are
    said in plain words at the line where the problem starts (an unclosed
    quote or bracket: the line that opened it). The ``lang`` argument
    of :meth:`MarkdownReader.read` wins over ``lang:``.

Title and heading levels
    Without ``title:``, a level-1 heading that is the first block of the body
    becomes the title and leaves the body; with neither, reading fails. A
    heading that is the first block of the body and repeats the title (case,
    spaces, end punctuation and markup aside) is dropped as well. Both are
    listed in :attr:`~opedexport.readers.base.ReadResult.removed` (rules
    ``markdown:title-heading`` and ``duplicate-title``). The other headings
    are ranked as every reader ranks them: the highest level used is level 1,
    the next one used level 2, any deeper one level 3, so ``##`` and ``###``
    are levels 1 and 2 and ``##`` then ``####`` too.

Links
    Links keep http, https, mailto and tel targets, relative ones and
    fragments. Any other target (``javascript:``, ``vbscript:``, ``data:``,
    ``file:`` … in any case or disguise) is dropped with a warning naming the
    file and line, and the link's text stays. An image alone in its paragraph
    whose source CommonMark deems unsafe keeps its alt text alone, with a
    warning.

Figures
    An image alone in its paragraph is a :class:`~opedexport.model.Figure`:
    the alt text stays alt text, the image title (``![alt](src "Title")``)
    is the caption, and a caption ending in a parenthesised credit such as
    ``(Foto: X)``, ``(Photo: X)``, ``(Credit: X)``, ``(Sumber: X)`` or
    ``(Source: X)`` gives that credit, label included (``"Foto: X"``), since
    the label says what kind of credit it is. A relative ``src`` is
    percent-decoded back to the file name as written. An image inside running
    text keeps only its alt text: the model has no inline images.

Block quotes and pull quotes
    When the last line of a block quote starts with ``—``, ``―`` or ``--``,
    that line (or the whole last paragraph) is the attribution, without the
    dash, provided something is left to quote. A block quote whose first line
    is ``[!pullquote]`` (any case, as GitHub writes its alerts) is a
    :class:`~opedexport.model.PullQuote`; it may hold paragraphs only, joined
    by line breaks, and takes an attribution the same way.

Code
    The model has no code block, so a fenced or indented code block becomes
    a paragraph of :class:`~opedexport.model.Code` runs, one per line,
    joined by :class:`~opedexport.model.LineBreak`.

Footnotes
    ``[^label]`` references and ``[^label]:`` definitions (several
    paragraphs when indented), and pandoc's inline ``^[note]``. The note is
    placed at the first reference. A later reference to the same note adds
    nothing to the text (two calls of one note would print as two notes) and
    is reported in :attr:`~opedexport.readers.base.ReadResult.notes`, as is
    a definition nothing refers to.

Raw HTML
    Raw HTML never passes through as markup. It is parsed (the CommonMark
    ``html`` option is on, so tags do not show up as literal text) and each
    piece is reduced to its text with ``nh3.clean(x, tags=set())`` and
    ``html.unescape``; the contents of ``<script>`` and ``<style>`` are
    dropped. Every line where this happened is reported in the notes.

Text is kept as written: no smart quotes or dash replacement (``--`` stays
``--``). Soft line breaks become spaces, hard breaks
:class:`~opedexport.model.LineBreak`. Block quotes and lists nested past
markdown-it's limit (20 levels, a list counting two) are refused rather
than cut short, as is inline markup nested deeper than
:data:`opedexport.limits.MAX_NESTING` levels (with the blocks around it).

Limits
    Before the syntax tree is built, the tokens are counted against
    :mod:`opedexport.limits` (blocks, table cells, footnotes), so input past
    one is refused at the line where it goes over without building anything.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import nh3
import yaml
from markdown_it import MarkdownIt
from markdown_it.common.normalize_url import validateLink
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

from .. import limits
from ..errors import InputError, LimitError, ModelError, TextNormalisedWarning
from ..model import (
    Article,
    Author,
    Block,
    BlockQuote,
    Code,
    Emph,
    Figure,
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
from ._normalize import DUPLICATE_TITLE, heading_levels, link_target, same_title
from .base import Reader, ReadResult, Removal, Source

__all__ = ["MarkdownReader"]

_TEXT_KEYS = ("title", "subtitle", "publication", "lang", "summary", "source_url", "rights", "disclosure", "cover")
_KEYS = frozenset((*_TEXT_KEYS, "author", "authors", "date", "tags"))
_AUTHOR_KEYS = ("name", "affiliation", "bio", "url")

_PULLQUOTE_MARK = "[!pullquote]"
_ATTRIBUTION = re.compile(r"^(?:—|―|--)-?\s*")
_CREDIT = re.compile(
    r"^(?P<caption>.*?)\s*\((?P<credit>(?:foto|photo|credit|kredit|sumber|source)\s*:[^()]*)\)\s*$",
    re.IGNORECASE | re.DOTALL,
)
_SCRIPT_TAG = re.compile(r"^<(/?)(?:script|style)\b", re.IGNORECASE)
_BREAKS = ("softbreak", "hardbreak")
_CONTAINERS = ("blockquote_open", "list_item_open")
_TANGLED = (
    "a footnote definition (`[^label]:`) inside a quote or list of another footnote cannot be read; "
    "move it to a line of its own"
)
_TOO_DEEP = "markup nests too deeply to be read (brackets, notes or emphasis inside each other); flatten it"


class _Parser(MarkdownIt):
    """markdown-it that parses every link target, so the reader can drop an unsafe one with a warning
    instead of markdown-it leaving the whole link as literal text.
    """

    def validateLink(self, url: str) -> bool:
        return True


@cache
def _parser() -> MarkdownIt:
    return _Parser("commonmark", {"html": True, "typographer": False}).enable("table").use(footnote_plugin)


class MarkdownReader(Reader):
    """Reads CommonMark with YAML front matter, footnotes and tables (see the module docstring)."""

    name = "markdown"
    suffixes = (".md", ".markdown")
    description = "CommonMark with YAML front matter, footnotes and tables"

    def read(self, source: Source, *, lang: str | None = None) -> ReadResult:
        """Read ``source`` into an article; errors name the file and, where known, the line."""
        label = source.path or "<string>"
        text = source.text()
        data, key_lines, offset, body = _split_front_matter(text, label)
        meta = _metadata(data, key_lines, label)
        if lang is not None:
            meta["lang"] = lang
            key_lines.pop("lang", None)

        env: dict[str, Any] = {}
        try:
            tokens = _parser().parse(body, env)
        except RecursionError:  # brackets or inline notes nested hundreds deep
            raise InputError(_TOO_DEEP, path=label) from None
        _check_tokens(tokens, env, offset, label)
        try:
            root = SyntaxTreeNode(tokens)
        except ValueError:  # the footnote plugin loses tokens of a definition inside another's quote or list
            raise InputError(_TANGLED, path=label) from None
        nodes = [n for n in root.children if n.type != "footnote_block"]
        footnotes = {
            int(fn.meta["id"]): fn for block in root.children if block.type == "footnote_block" for fn in block.children
        }
        conv = _Converter(footnotes, offset, label)
        removed: list[Removal] = []
        try:
            title = meta.pop("title", "").strip()
            if not title and nodes and nodes[0].type == "heading" and nodes[0].tag == "h1":
                heading = nodes.pop(0)
                title = plain_text(conv.inlines_of(heading))
                line = conv.line_of(heading) or 1
                removed.append(Removal(line, body.split("\n")[line - offset - 1], "markdown:title-heading"))
            if not title.strip():
                raise InputError("no title: add `title:` to the front matter or start with a `# Heading`", path=label)
            if nodes and nodes[0].type == "heading" and _repeats(nodes[0], title):
                line = conv.line_of(nodes.pop(0)) or 1
                removed.append(Removal(line, body.split("\n")[line - offset - 1], DUPLICATE_TITLE))
            conv.levels = heading_levels(
                int(n.tag[1]) for n in _walk([*nodes, *footnotes.values()]) if n.type == "heading"
            )
            blocks = conv.blocks(nodes)
        except ModelError as exc:
            raise InputError(exc.message, path=label, line=conv.line or None) from None
        for key, fid in env.get("footnotes", {}).get("refs", {}).items():
            if fid < 0:
                conv.notes.append(f"footnote [^{key[1:]}] is defined but never referenced; it was left out")

        try:
            article = Article(title=title, body=tuple(blocks), source_path=source.path, **meta)
        except ModelError as exc:
            field = exc.message.partition(" ")[0].removeprefix("Article.")
            raise InputError(exc.message, path=label, line=key_lines.get(field)) from None
        return ReadResult(article, removed=tuple(removed), notes=tuple(conv.notes))


# --------------------------------------------------------------------------- front matter


#: Front matter longer than this is refused: metadata is a few lines, never megabytes.
MAX_FRONT_MATTER_BYTES = 64 * 1024


class _FrontMatterLoader(yaml.SafeLoader):
    """``SafeLoader`` (no custom tags) that also refuses aliases, so no alias bomb can expand."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "aliases (*name) are not allowed in front matter", event.start_mark
            )
        return super().compose_node(parent, index)

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """A YAML date, or an error at its line when it is no real date (``2025-13-45``)."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value} is not a real date ({exc}); write it as YYYY-MM-DD", node.start_mark
            ) from None


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _FrontMatterLoader.construct_yaml_timestamp)


def yaml_problem(exc: yaml.MarkedYAMLError) -> tuple[str, int | None]:
    """A PyYAML error in plain words, and the 0-based line where the problem starts.

    PyYAML reports an unclosed quote or bracket where it gave up (often the end of the text); the
    line where the quote or bracket was opened (its ``context_mark``) is where the fix belongs.
    """
    context, problem = exc.context or "", exc.problem or ""
    opened = exc.context_mark.line if exc.context_mark is not None else None
    found = exc.problem_mark.line if exc.problem_mark is not None else opened
    if "quoted scalar" in context and "end of stream" in problem:
        return "a quoted string opened here is never closed; add the closing quote", opened
    if context.startswith("while parsing a flow sequence"):
        return "a `[` list opened here is never closed with `]`", opened
    if context.startswith("while parsing a flow mapping"):
        return "a `{` mapping opened here is never closed with `}`", opened
    if context.startswith("while scanning a simple key"):
        return "this line is not `key: value` (no `:` after the key)", opened
    if problem.startswith("mapping values are not allowed"):
        return "a `:` inside a value, or a line indented under one; put the value in quotes", found
    if context.startswith("while parsing a block") and problem.startswith("expected <block end>"):
        return "this line is indented differently from the lines above it; line the keys and list items up", found
    if problem.startswith("found character '\\t' that cannot start"):
        return "a tab character; indent with spaces", found
    if problem.startswith("found character") and "cannot start any token" in problem:
        char = problem.split("'")[1] if problem.count("'") >= 2 else "this character"
        return f"a value cannot start with {char}; put the value in quotes", found
    if problem.startswith("found unknown escape character"):
        return f"{problem.removeprefix('found ')} in a double-quoted string; use single quotes", found
    if context.startswith("found duplicate anchor"):
        return "an anchor (`&name`) is given twice; front matter needs none", found
    if context.startswith("while scanning a block scalar"):
        return "`|` or `>` must end its line, the text following on the next lines", found
    return problem or context, found


def _split_front_matter(text: str, label: str | Path) -> tuple[dict[Any, Any], dict[str, int], int, str]:
    """Split ``text`` into (front matter, line of each key, lines before the body, body)."""
    lines = text.split("\n")
    if lines[0].rstrip() != "---":
        return {}, {}, 0, text
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise InputError("front matter: no closing `---` line", path=label, line=1)
    front = "\n".join(lines[1:end])
    if len(front.encode("utf-8")) > MAX_FRONT_MATTER_BYTES:
        raise LimitError(f"front matter is over the limit of {MAX_FRONT_MATTER_BYTES} bytes", path=label, line=1)
    loader: _FrontMatterLoader | None = None
    try:
        loader = _FrontMatterLoader(front)  # checks every character first: NUL, C0 controls …
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        message, at = yaml_problem(exc)
        raise InputError(f"front matter: {message}", path=label, line=at + 2 if at is not None else None) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses
        line = front[: exc.position].count("\n") + 2
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        raise InputError(f"front matter: the character {what} is not allowed", path=label, line=line) from None
    except (yaml.YAMLError, ValueError) as exc:  # impossible dates
        raise InputError(f"front matter: {exc}", path=label) from None
    finally:
        if loader is not None:
            loader.dispose()
    if data is None:
        data = {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise InputError("front matter must be a mapping of `key: value` lines", path=label, line=2)
    key_lines: dict[str, int] = {}
    for key_node, _value in node.value:
        key = str(key_node.value)
        line = key_node.start_mark.line + 2
        if key in key_lines:
            raise InputError(f"front matter: the key {key!r} is given twice", path=label, line=line)
        key_lines[key] = line
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise InputError(f"front matter: unknown key {key!r} (known keys: {known})", path=label, line=line)
        if isinstance(_value, yaml.SequenceNode):  # each item's line, for errors about one item
            for i, item in enumerate(_value.value):
                key_lines[f"{key}[{i}]"] = item.start_mark.line + 2
    return data, key_lines, end + 1, "\n".join(lines[end + 1 :])


def _kind(value: Any) -> str:
    """How an error names the YAML type of ``value``."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (a yes/no value)"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return "a date"
    return f"{value!r}" if value is None else type(value).__name__


def _metadata(data: dict[Any, Any], key_lines: dict[str, int], label: str | Path) -> dict[str, Any]:
    """The Article keyword arguments given by the front matter ``data``, every value's type checked.

    Text fields take text (a number is written out, as ``title: 1984`` means); ``authors`` takes a
    list of names or ``{name, affiliation, bio, url}`` mappings and ``author`` one of either, every
    name and field a text in its own right; ``tags`` a list of texts or one comma-separated text;
    ``date`` a YAML date or an ISO 8601 text. Errors name the key and the line of the item at fault.
    """

    def fail(key: str, message: str, item: int | None = None) -> InputError:
        line = key_lines.get(f"{key}[{item}]") if item is not None else None
        return InputError(f"front matter: {key}: {message}", path=label, line=line or key_lines.get(key))

    def text(key: str, value: Any, item: int | None = None) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise fail(key, f"expected text, got {_kind(value)}; put the value in quotes", item)

    meta: dict[str, Any] = {}
    for key in _TEXT_KEYS:
        if data.get(key) is not None:
            meta[key] = text(key, data[key])

    if data.get("author") is not None and data.get("authors") is not None:
        raise fail("author", "give either `author` or `authors`, not both")
    key = "authors" if data.get("authors") is not None else "author"
    people = data.get(key)
    if people is not None:
        if key == "authors" and not isinstance(people, list):
            raise fail(key, f"expected a list of names (one `- name` a line), got {_kind(people)}")
        if key == "author" and not isinstance(people, (str, dict)):
            raise fail(
                key, f"expected one name or one mapping with `name:`, got {_kind(people)}; use `authors:` for a list"
            )
        authors = []
        for i, person in enumerate(people if isinstance(people, list) else [people]):
            item = i if isinstance(people, list) else None
            if isinstance(person, str):
                person = {"name": person}
            if not isinstance(person, dict):
                raise fail(
                    key, f"expected a name or a mapping with `name:`, got {_kind(person)}; put names in quotes", item
                )
            extra = sorted(str(k) for k in person if k not in _AUTHOR_KEYS)
            if extra:
                raise fail(key, f"unknown author key(s) {', '.join(extra)} (known: {', '.join(_AUTHOR_KEYS)})", item)
            if person.get("name") is None:
                raise fail(key, "every author needs a `name`", item)
            for field, value in person.items():
                if value is not None and not isinstance(value, str):
                    raise fail(key, f"{field}: expected text, got {_kind(value)}; put the value in quotes", item)
            try:
                authors.append(Author(**{k: v for k, v in person.items() if v is not None}))
            except ModelError as exc:
                raise fail(key, exc.message, item) from None
        meta["authors"] = tuple(authors)

    date = data.get("date")
    if isinstance(date, dt.datetime):
        meta["date"] = date.date()
    elif isinstance(date, dt.date):
        meta["date"] = date
    elif isinstance(date, str):
        try:
            meta["date"] = dt.datetime.fromisoformat(date.strip()).date()
        except ValueError:
            raise fail("date", f"expected a date such as 2025-05-12, got {date!r}") from None
    elif date is not None:
        raise fail("date", f"expected a date such as 2025-05-12, got {_kind(date)}")

    tags = data.get("tags")
    if tags is not None:
        items = tags.split(",") if isinstance(tags, str) else tags
        if not isinstance(items, list):
            raise fail("tags", f"expected a list such as [politik, ekonomi], got {_kind(tags)}")
        words = (text("tags", v, i).strip() for i, v in enumerate(items) if v is not None)
        meta["tags"] = tuple(t for t in words if t)
    return meta


# --------------------------------------------------------------------------- body


class _Converter:
    """Walks markdown-it's syntax tree into model blocks and inlines."""

    def __init__(self, footnotes: dict[int, SyntaxTreeNode], offset: int, label: str | Path):
        self.footnotes = footnotes
        self.offset = offset
        self.label = label
        self.levels: dict[int, int] = {}
        """The model level of each heading level (``2`` for ``##``) the body uses."""
        self.line = 0
        """The file line of the block being converted, for errors and notes; 0 when unknown."""
        self.notes: list[str] = []
        self._placed: set[int] = set()
        self._skipping = False
        self._html_lines: set[int] = set()

    def line_of(self, node: SyntaxTreeNode) -> int:
        """The 1-based file line ``node`` starts on, or 0 when unknown."""
        return node.map[0] + 1 + self.offset if node.map else 0

    # ----------------------------------------------------------------- blocks

    def blocks(self, nodes: Iterable[SyntaxTreeNode]) -> list[Block]:
        """Convert block nodes, in order."""
        out: list[Block] = []
        for node in nodes:
            self.line = self.line_of(node) or self.line
            out.extend(self.block(node))
        return out

    def block(self, node: SyntaxTreeNode) -> list[Block]:
        """Convert one block node into zero or more blocks."""
        kind = node.type
        if kind == "paragraph":
            return self.paragraph(_inline_children(node))
        if kind == "heading":
            return [Heading(self.levels.get(int(node.tag[1]), 3), self.inlines_of(node))]
        if kind == "blockquote":
            return [self.quote(node)]
        if kind in ("bullet_list", "ordered_list"):
            items = tuple(tuple(self.blocks(item.children)) for item in node.children)
            start = int(node.attrs.get("start", 1))
            return [ListBlock(ordered=kind == "ordered_list", items=items, start=start)]
        if kind in ("fence", "code_block"):
            return [self.code_block(node.content)]
        if kind == "hr":
            return [Rule()]
        if kind == "table":
            return [self.table(node)]
        if kind == "html_block":
            text = " ".join(self.html_text(node.content).split())
            return [Paragraph((Text(text),))] if text else []
        return self.blocks(node.children)

    def paragraph(self, nodes: Sequence[SyntaxTreeNode]) -> list[Block]:
        """A paragraph, or a figure when it holds one image alone; nothing when it reduces to nothing."""
        if len(nodes) == 1 and nodes[0].type == "image" and (src := str(nodes[0].attrs.get("src", ""))).strip():
            if validateLink(src):
                return [self.figure(nodes[0])]
            warnings.warn(
                TextNormalisedWarning(
                    f"{self.label}:{self.line}: dropped the unsafe image source {src[:60]!r}; its alt text is kept"
                ),
                stacklevel=2,
            )
        children = self.inlines(nodes)
        return [Paragraph(children)] if children else []

    def figure(self, image: SyntaxTreeNode) -> Figure:
        """The figure of an image alone in its paragraph."""
        src = str(image.attrs["src"])
        if not urlsplit(src).scheme:
            src = unquote(src)
        caption = str(image.attrs.get("title") or "").strip()
        credit = ""
        match = _CREDIT.match(caption)
        if match:
            caption, credit = match["caption"], match["credit"].strip()
        return Figure(
            src=src,
            alt=plain_text(self.inlines(image.children)),
            caption=(Text(caption),) if caption else (),
            credit=credit,
        )

    def code_block(self, content: str) -> Paragraph:
        """A code block as one paragraph of code lines joined by line breaks."""
        children: list[Inline] = []
        for i, line in enumerate(content.rstrip("\n").split("\n")):
            if i:
                children.append(LineBreak())
            if line:
                children.append(Code(line))
        return Paragraph(tuple(children))

    def quote(self, node: SyntaxTreeNode) -> Block:
        """A block quote with its attribution, or a pull quote when marked ``[!pullquote]``."""
        parts: list[SyntaxTreeNode | list[SyntaxTreeNode]] = [
            list(_inline_children(k)) if k.type == "paragraph" else k for k in node.children
        ]
        pull = False
        first = parts[0] if parts else None
        if isinstance(first, list) and _starts_pullquote(first):
            pull = True
            del first[:2]  # the mark and the line break after it
            if not first:
                parts.pop(0)

        attribution: tuple[Inline, ...] = ()
        last = parts[-1] if parts else None
        if isinstance(last, list):
            cut = max((i for i, n in enumerate(last) if n.type in _BREAKS), default=-1)
            tail = last[cut + 1 :]
            if tail and tail[0].type == "text" and _ATTRIBUTION.match(tail[0].content) and (cut >= 0 or len(parts) > 1):
                attribution = _strip_dash(self.inlines(tail))
                if cut >= 0:
                    del last[cut:]
                else:
                    parts.pop()

        if pull:
            lines: list[Inline] = []
            for part in parts:
                if not isinstance(part, list):
                    raise InputError(
                        f"a pull quote ({_PULLQUOTE_MARK}) may hold paragraphs only, not a {part.type}",
                        path=self.label,
                        line=self.line_of(part) or None,
                    )
                lines.extend([LineBreak(), *self.inlines(part)] if lines else self.inlines(part))
            return PullQuote(tuple(lines), attribution)
        blocks: list[Block] = []
        for part in parts:
            blocks.extend(self.paragraph(part) if isinstance(part, list) else self.blocks([part]))
        return BlockQuote(tuple(blocks), attribution)

    def table(self, node: SyntaxTreeNode) -> Table:
        """A GFM table: header cells, body rows and per-column alignment."""
        header: tuple[tuple[Inline, ...], ...] = ()
        rows: list[tuple[tuple[Inline, ...], ...]] = []
        align: tuple[str, ...] = ()
        for section in node.children:
            for tr in section.children:
                self.line = self.line_of(tr) or self.line
                cells = tuple(self.inlines_of(cell) for cell in tr.children)
                if section.type == "thead":
                    header = cells
                    align = tuple(_align(cell) for cell in tr.children)
                else:
                    rows.append(cells)
        return Table(header, tuple(rows), align if any(align) else ())

    # ----------------------------------------------------------------- inlines

    def inlines_of(self, node: SyntaxTreeNode) -> tuple[Inline, ...]:
        """The inlines of a paragraph, heading or table cell."""
        return self.inlines(_inline_children(node))

    def inlines(self, nodes: Sequence[SyntaxTreeNode]) -> tuple[Inline, ...]:
        """Convert inline nodes; adjacent text is merged into one :class:`Text`."""
        self._skipping = False
        items = self._items(nodes)
        self._skipping = False
        out: list[Inline] = []
        run: list[str] = []
        for item in [*items, None]:
            if isinstance(item, str):
                run.append(item)
                continue
            if run and (text := "".join(run)):
                out.append(Text(text))
            run = []
            if item is not None:
                out.append(item)
        return tuple(out)

    def _items(self, nodes: Sequence[SyntaxTreeNode]) -> list[Inline | str]:
        """Inline nodes as model inlines, with plain text as ``str`` still to be merged."""
        out: list[Inline | str] = []
        for node in nodes:
            kind = node.type
            if kind == "html_inline":
                opens = _SCRIPT_TAG.match(node.content)
                if opens:
                    self._skipping = not opens.group(1)
                out.append(self.html_text(node.content))
                continue
            if self._skipping:
                continue
            if kind == "text":
                out.append(node.content)
            elif kind == "softbreak":
                out.append(" ")
            elif kind == "hardbreak":
                out.append(LineBreak())
            elif kind == "code_inline":
                out.append(Code(node.content))
            elif kind == "em":
                out.append(Emph(self._nested(node)))
            elif kind == "strong":
                out.append(Strong(self._nested(node)))
            elif kind == "link":
                url = link_target(str(node.attrs.get("href", "")), self.label, self.line or None)
                title = str(node.attrs.get("title") or "")
                children = self._nested(node)
                if url:
                    out.append(Link(children, url=url, title=title))
                else:  # the text alone, merged with the text around it
                    out.extend(c.text if isinstance(c, Text) else c for c in children)
            elif kind == "image":
                out.append(plain_text(self._nested(node)))
            elif kind == "footnote_ref":
                out.extend(self.note(node))
            else:
                out.extend(self._items(node.children))
        return out

    def _nested(self, node: SyntaxTreeNode) -> tuple[Inline, ...]:
        skipping = self._skipping
        children = self.inlines(node.children)
        self._skipping = skipping
        return children

    def note(self, ref: SyntaxTreeNode) -> list[Inline]:
        """The :class:`Note` for a footnote reference; nothing for a later reference to it."""
        fid = int(ref.meta["id"])
        label = ref.meta.get("label")
        name = f"[^{label}]" if label is not None else "inline footnote"
        if fid in self._placed:
            self.notes.append(
                f"line {self.line}: footnote {name} is referenced again; the note stays at its first reference only"
            )
            return []
        self._placed.add(fid)
        definition = self.footnotes.get(fid)
        line, skipping = self.line, self._skipping
        blocks = self.blocks(definition.children) if definition is not None else []
        self.line, self._skipping = line, skipping
        if not blocks:
            self.notes.append(f"line {self.line}: footnote {name} is empty; it was left out")
            return []
        return [Note(tuple(blocks))]

    def html_text(self, markup: str) -> str:
        """Raw HTML reduced to its text (script and style contents dropped), with a note for the editor."""
        if self.line not in self._html_lines:
            self._html_lines.add(self.line)
            self.notes.append(f"line {self.line}: raw HTML reduced to its text")
        return html.unescape(nh3.clean(markup, tags=set()))


_BLOCK_OPENS = frozenset(
    ("paragraph_open", "heading_open", "blockquote_open", "list_item_open", "table_open", "hr", "fence", "code_block")
)


def _check_tokens(tokens: Sequence[Token], env: dict[str, Any], offset: int, label: str | Path) -> None:
    """Refuse input past a limit before anything is built from it, naming the line where it goes over.

    Block quotes and lists nested past markdown-it's limit (where it would drop the deeper content),
    inline markup nested past :data:`~opedexport.limits.MAX_NESTING` (a syntax tree that deep cannot
    be walked), and more blocks, table cells or footnotes than the limits allow.
    """
    block_limit = int(_parser().options["maxNesting"])
    blocks = cells = 0
    notes = len(env.get("footnotes", {}).get("list", {}))
    if notes > limits.MAX_NOTES:
        raise LimitError(limits.over("footnotes", notes, "MAX_NOTES"), path=label)
    line: int | None = None
    for token in tokens:
        line = token.map[0] + 1 + offset if token.map else line
        if token.type in _CONTAINERS and token.level + 1 >= block_limit:
            message = f"block quotes and lists nest too deeply (at most {block_limit} levels, a list counting two)"
            raise InputError(message, path=label, line=line)
        if token.type in _BLOCK_OPENS:
            blocks += 1
            if blocks > limits.MAX_BLOCKS:
                raise LimitError(limits.over("blocks", blocks, "MAX_BLOCKS"), path=label, line=line)
        elif token.type in ("th_open", "td_open"):
            cells += 1
            if cells > limits.MAX_TABLE_CELLS:
                raise LimitError(limits.over("table cells", cells, "MAX_TABLE_CELLS"), path=label, line=line)
        elif token.type == "inline" and token.children:
            depth = token.level
            for child in token.children:
                depth += child.nesting
                if depth > limits.MAX_NESTING:
                    raise InputError(
                        f"emphasis, links and other markup nest deeper than {limits.MAX_NESTING} levels; "
                        "remove the extra `*`, `_` or brackets",
                        path=label,
                        line=line,
                    )


def _walk(nodes: Iterable[SyntaxTreeNode]) -> Iterator[SyntaxTreeNode]:
    """Every node under ``nodes``, depth first."""
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _repeats(heading: SyntaxTreeNode, title: str) -> bool:
    """Whether a heading node's text (markup and raw HTML left out) repeats ``title``; never one with a note."""
    parts: list[str] = []
    for node in _walk(_inline_children(heading)):
        if node.type == "footnote_ref":
            return False
        if node.type in ("text", "code_inline"):
            parts.append(node.content)
        elif node.type in _BREAKS:
            parts.append(" ")
    return same_title("".join(parts), title)


def _inline_children(node: SyntaxTreeNode) -> list[SyntaxTreeNode]:
    """The inline nodes of a paragraph, heading or table cell."""
    for child in node.children:
        if child.type == "inline":
            return list(child.children)
    return []


def _starts_pullquote(nodes: list[SyntaxTreeNode]) -> bool:
    """Whether a paragraph's first line is the pull-quote mark."""
    return (
        bool(nodes)
        and nodes[0].type == "text"
        and nodes[0].content.strip().lower() == _PULLQUOTE_MARK
        and (len(nodes) == 1 or nodes[1].type in _BREAKS)
    )


def _align(cell: SyntaxTreeNode) -> str:
    match = re.search(r"text-align:\s*(left|center|right)", str(cell.attrs.get("style", "")))
    return match.group(1) if match else ""


def _strip_dash(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``inlines`` without the leading attribution dash."""
    first = inlines[0]
    if not isinstance(first, Text):
        return inlines
    rest = _ATTRIBUTION.sub("", first.text, count=1)
    return ((Text(rest),) if rest else ()) + inlines[1:]
