"""Fuzzing every reader: whatever the bytes, the answer is an Article or an OpedexportError.

Random bytes, and random structure near each format (front matter and Markdown-ish text, HTML tags,
ZIP packages that are almost a DOCX, JSON that is almost an article), go through
``opedexport.read`` as bytes and as files. Anything but an :class:`~opedexport.model.Article` or an
:class:`~opedexport.errors.OpedexportError` (a ``RecursionError``, a ``KeyError`` from deep in a
library, a ``zipfile.BadZipFile`` …) fails the test.

How many examples: ``OPEDEXPORT_HYPOTHESIS_EXAMPLES`` (default 8) times five per strategy, since
reading is fast::

    OPEDEXPORT_HYPOTHESIS_EXAMPLES=200 pytest tests/test_fuzz_readers.py
"""

from __future__ import annotations

import io
import json
import os
import warnings
import zipfile
from functools import cache
from pathlib import Path

import docx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import opedexport
from opedexport import model as m
from opedexport.errors import OpedexportError, OpedexportWarning
from opedexport.serialize import article_to_json

EXAMPLES = 5 * max(1, int(os.environ.get("OPEDEXPORT_HYPOTHESIS_EXAMPLES", "8")))
_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
FORMATS = ("markdown", "text", "html", "json", "docx")
_SUFFIX = {"markdown": ".md", "text": ".txt", "html": ".html", "json": ".json", "docx": ".docx"}


def outcome(data: bytes, format: str, folder: Path | None = None) -> m.Article | OpedexportError:
    """Read ``data`` as ``format`` (from a file in ``folder`` when given); the article, or the error raised."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OpedexportWarning)  # warnings are allowed; only the outcome counts
        try:
            if folder is None:
                return opedexport.read(text=data, format=format)
            path = folder / f"input{_SUFFIX[format]}"
            path.write_bytes(data)
            return opedexport.read(path)
        except OpedexportError as exc:
            assert exc.message and "\n" not in str(exc), f"not one line: {exc!r}"
            assert "internal error" not in str(exc)
            return exc


def check(data: bytes, format: str, folder: Path | None = None) -> None:
    result = outcome(data, format, folder)
    assert isinstance(result, (m.Article, OpedexportError)), repr(result)


# --------------------------------------------------------------------------- strategies

_WORDS = st.sampled_from(["Judul", "kata", "the", "op-ed", "Ünïcode", "日本語", "x", "1984", " ", "\t", "\u200b"])
_MD_PIECES = st.sampled_from(
    [
        "*", "**", "_", "__", "`", "``", "[", "]", "(", ")", "](http://e.org)", "![", "^[", "[^1]", "[^1]: ",
        "<em>", "</em>", "<script>", "</script>", "<!--", "-->", "&amp;", "&#0;", "\\", "|", "| --- |", "\n",
        "\n\n", "> ", "> [!pullquote]\n", "- ", "1. ", "# ", "## ", "---\n", "```\n", "    ", "— ", "\x00", "\r",
    ]
)  # fmt: skip
markdownish = st.lists(st.one_of(_MD_PIECES, _WORDS), max_size=60).map("".join)

_YAML_VALUES = st.sampled_from(
    [
        "T", '"T', "'T'", "[a, b", "[a, b]", "{name: A}", "{name: A", "5", "yes", "null", "2025-13-45",
        "2025-05-12", "'2025-02-30'", "- a", "a: b", "|", ">-", "&x a", "*x", "!!python/object:os.system {}",
        "\t1", "@x", "`x`", "\"a\\qb\"", "[[[[", "{a: [b, {c: d}]}", "1e400", "0x1F", "~",
    ]
)  # fmt: skip
_KEYS = st.sampled_from(
    ["title", "subtitle", "author", "authors", "date", "tags", "lang", "summary", "source_url", "cover", "x"]
)
_LINES = st.one_of(
    st.tuples(_KEYS, _YAML_VALUES).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(st.sampled_from(["  - ", "  ", " - ", "    name: "]), _YAML_VALUES).map("".join),
    _YAML_VALUES,
)
front_matter = st.lists(_LINES, max_size=8).map(lambda lines: "---\n" + "\n".join(lines) + "\n---\n")
markdown_documents = st.tuples(st.one_of(st.just(""), front_matter), markdownish).map("".join)

_TAGS = st.sampled_from(
    ["p", "em", "strong", "a", "h1", "h2", "article", "main", "div", "table", "tr", "td", "th", "ul", "ol", "li",
     "blockquote", "figure", "img", "figcaption", "script", "style", "sup", "br", "hr", "meta", "title", "svg",
     "template", "iframe", "math", "span", "time", "aside", "nav", "footer", "header", "pre", "code"]
)  # fmt: skip
_ATTRS = st.sampled_from(
    ["", ' href="javascript:x"', ' src="x.png"', ' alt="a"', ' class="byline"', ' property="og:title" content="T"',
     ' itemprop="author"', ' datetime="2025-13-45"', ' name="author" content="A"', ' rowspan="9999"',
     ' colspan="-1"', ' type="application/ld+json"', ' id="x"']
)  # fmt: skip
_HTML_PIECES = st.one_of(
    st.tuples(_TAGS, _ATTRS).map(lambda t: f"<{t[0]}{t[1]}>"),
    _TAGS.map(lambda t: f"</{t}>"),
    _WORDS,
    st.sampled_from(["&nbsp;", "&#x0;", "<!--", "-->", "<![CDATA[", '{"@type": "NewsArticle"', "<", ">", "\n"]),
)
html_documents = st.lists(_HTML_PIECES, max_size=60).map(lambda parts: "<html><body>" + "".join(parts))

_JSON_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True), st.text(max_size=8)
)
json_values = st.recursive(
    _JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(["type", "children", "text", "x"]), inner)
    ),
    max_leaves=20,
)
_ARTICLE = json.loads(
    article_to_json(
        m.Article(
            title="T",
            body=(
                m.Paragraph((m.Text("a"), m.Emph((m.Text("b"),)), m.Note((m.Paragraph((m.Text("n"),)),)))),
                m.Table(((m.Text("h"),),), (((m.Text("c"),),),)),
                m.ListBlock(False, ((m.Paragraph((m.Text("i"),)),),)),
            ),
            authors=(m.Author("A"),),
        )
    )
)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    """Every path to a value inside the JSON ``value``."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


_ARTICLE_PATHS = _paths(_ARTICLE)


@st.composite
def json_documents(draw: st.DrawFn) -> str:
    """A valid article's JSON with one value, somewhere in it, replaced by a random one."""
    doc = json.loads(json.dumps(_ARTICLE))
    path = draw(st.sampled_from(_ARTICLE_PATHS[1:]))
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = draw(json_values)
    return json.dumps(doc)


@cache
def _docx_entries() -> dict[str, bytes]:
    out = io.BytesIO()
    document = docx.Document()
    document.add_heading("Judul", level=1)
    document.add_paragraph("Isi tulisan.")
    document.save(out)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
        return {name: z.read(name) for name in z.namelist()}


_XML_PIECES = st.sampled_from(
    ["<w:p>", "</w:p>", "<w:r>", "</w:r>", "<w:t>", "</w:t>", "x", "<w:tbl>", "<w:tr>", "<w:tc>", "<w:b/>",
     '<w:pStyle w:val="Heading1"/>', "<w:pPr>", "</w:pPr>", "<w:rPr>", "</w:rPr>", '<w:footnoteReference w:id="9"/>',
     '<w:numPr><w:ilvl w:val="99"/><w:numId w:val="-1"/></w:numPr>', "<!DOCTYPE x [<!ENTITY a 'b'>]>", "&a;",
     '<w:hyperlink r:id="rId99">', "</w:hyperlink>", "<", "&"]
)  # fmt: skip


@st.composite
def docx_documents(draw: st.DrawFn) -> bytes:
    """A package near a DOCX: a real one's parts, some dropped, replaced by random bytes or random XML."""
    entries = dict(_docx_entries())
    for name in draw(st.lists(st.sampled_from(sorted(entries)), max_size=3)):
        how = draw(st.sampled_from(["drop", "bytes", "xml", "truncate"]))
        if how == "drop":
            entries.pop(name, None)
        elif how == "bytes":
            entries[name] = draw(st.binary(max_size=64))
        elif how == "truncate" and name in entries:
            entries[name] = entries[name][: draw(st.integers(0, len(entries[name])))]
        else:
            body = "".join(draw(st.lists(_XML_PIECES, max_size=30)))
            entries[name] = (
                '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f"<w:body>{body}</w:body></w:document>"
            ).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    data = out.getvalue()
    if draw(st.booleans()):  # flip a few bytes of the ZIP itself
        raw = bytearray(data)
        for i in draw(st.lists(st.integers(0, len(raw) - 1), max_size=3)):
            raw[i] ^= 0xFF
        data = bytes(raw)
    return data


# --------------------------------------------------------------------------- the tests


@_SETTINGS
@given(data=st.binary(max_size=300), format=st.sampled_from(FORMATS))
def test_random_bytes_to_every_reader(data: bytes, format: str) -> None:
    check(data, format)


@_SETTINGS
@given(text=markdown_documents)
def test_random_markdown_with_front_matter(text: str) -> None:
    check(text.encode("utf-8", "surrogatepass"), "markdown")


@_SETTINGS
@given(text=st.one_of(markdownish, st.text(max_size=200)))
def test_random_plain_text(text: str) -> None:
    check(text.encode("utf-8", "surrogatepass"), "text")


@_SETTINGS
@given(text=html_documents)
def test_random_html(text: str) -> None:
    check(text.encode("utf-8"), "html")


@_SETTINGS
@given(text=st.one_of(json_documents(), json_values.map(json.dumps)))
def test_random_json(text: str) -> None:
    check(text.encode("utf-8"), "json")


@_SETTINGS
@given(data=docx_documents())
def test_random_docx(data: bytes) -> None:
    check(data, "docx")


@_SETTINGS
@given(data=st.one_of(markdown_documents.map(str.encode), st.binary(max_size=200)), format=st.sampled_from(FORMATS))
def test_random_files(data: bytes, format: str, tmp_path: Path) -> None:
    check(data, format, tmp_path)


def test_known_bad_inputs_found_by_fuzzing() -> None:
    """Inputs that once escaped as something else than an OpedexportError."""
    for text in (
        "---\ndate: 2025-13-45\n---\n# T\n",  # ValueError from PyYAML's date constructor
        "# T\n\n" + "*" * 1000 + "x" + "*" * 1000 + "\n",  # RecursionError in markdown-it's syntax tree
        "[^1]: > [^1]: ",  # ValueError: the footnote plugin's tokens do not nest
        "# T\n\n[^1]: - [^2]: x\n",
    ):
        assert isinstance(outcome(text.encode(), "markdown"), OpedexportError), text
    # A DOCX whose end record puts the central directory further on than it is: zipfile then
    # seeks to a negative offset (ValueError) when an entry is opened.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in sorted(_docx_entries().items(), key=lambda item: item[0] != "_rels/.rels"):
            z.writestr(name, data)  # the part read first, first: its offset turns negative
    raw = bytearray(out.getvalue())
    end = raw.rindex(b"PK\x05\x06")
    offset = int.from_bytes(raw[end + 16 : end + 20], "little")
    raw[end + 16 : end + 20] = (offset + 1000).to_bytes(4, "little")
    result = outcome(bytes(raw), "docx")
    assert isinstance(result, OpedexportError) and "cannot be unpacked" in result.message
    # A central directory asking for a ZIP version zipfile does not know (NotImplementedError).
    raw = bytearray(out.getvalue())
    central = raw.index(b"PK\x01\x02")
    raw[central + 6 : central + 8] = (235).to_bytes(2, "little")
    assert isinstance(outcome(bytes(raw), "docx"), OpedexportError)
    # A part with a NUL: libxml2's message has a line break in it; the error stays one line.
    entries = {**_docx_entries(), "_rels/.rels": b"<\x00"}
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)
    result = outcome(out.getvalue(), "docx")
    assert isinstance(result, OpedexportError) and "not well-formed XML" in result.message
