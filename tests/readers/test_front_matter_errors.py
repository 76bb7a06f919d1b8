"""Front-matter and manifest errors: one line naming the file, the line where the problem starts and the key.

Every front-matter key's type is checked (``authors: 5`` is no author named "5"), an impossible date
names its line, and PyYAML's problems are said in plain words at the line where they start (an
unclosed quote on line 2 is reported at line 2, not where PyYAML gave up).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import opedexport
from opedexport.errors import InputError
from opedexport.readers.base import Source
from opedexport.readers.markdown import MarkdownReader


def read(text: str) -> opedexport.Article:
    return MarkdownReader().read(Source(text.encode(), Path("a.md"))).article


def error(text: str) -> InputError:
    with pytest.raises(InputError) as info:
        read(text)
    message = str(info.value)
    assert "\n" not in message and "internal error" not in message
    assert message.startswith(f"a.md:{info.value.line}: ")
    return info.value


def front(*lines: str) -> str:
    return "---\n" + "\n".join(lines) + "\n---\n\nIsi.\n"


# --------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("lines", "line", "says"),
    [
        (("title: T", "authors: 5"), 3, "authors: expected a list of names"),
        (("title: T", "authors: Jane Roe"), 3, "authors: expected a list of names"),
        (("title: T", "authors:", "  - Jane Roe", "  - 5"), 5, "authors: expected a name or a mapping"),
        (("title: T", "authors:", "  - yes"), 4, "got true (a yes/no value)"),
        (("title: T", "authors:", "  - [a, b]"), 4, "authors: expected a name or a mapping with `name:`, got a list"),
        (("title: T", "authors:", "  - name: 5"), 4, "authors: name: expected text, got the number 5"),
        (("title: T", "authors:", "  - name: A", "    affiliation: [x]"), 4, "affiliation: expected text, got a list"),
        (("title: T", "author: [A, B]"), 3, "use `authors:` for a list"),
        (("title: T", "author: 5"), 3, "author: expected one name or one mapping"),
        (("title: T", "author: {name: A, bio: {x: 1}}"), 3, "bio: expected text, got a mapping"),
        (("title: yes",), 2, "title: expected text, got true"),
        (("title: {a: b}",), 2, "title: expected text, got a mapping"),
        (("title: T", "subtitle: 2025-05-12"), 3, "subtitle: expected text, got a date"),
        (("title: T", "tags: 5"), 3, "tags: expected a list such as [politik, ekonomi], got the number 5"),
        (("title: T", "tags:", "  - a", "  - [b]"), 5, "tags: expected text, got a list"),
        (("title: T", "date: [2025]"), 3, "date: expected a date such as 2025-05-12, got a list"),
        (("title: T", "date: 5"), 3, "date: expected a date such as 2025-05-12, got the number 5"),
        (("title: T", "date: '2025-13-45'"), 3, "date: expected a date such as 2025-05-12, got '2025-13-45'"),
    ],
)
def test_wrong_types_name_the_line_and_key(lines: tuple[str, ...], line: int, says: str) -> None:
    exc = error(front(*lines))
    assert exc.line == line
    assert says in exc.message


def test_right_types_still_read() -> None:
    article = read(
        front(
            "title: 1984",
            "authors:",
            "  - Jane Roe",
            "  - name: John Doe",
            "    affiliation: Universitas Indonesia",
            "tags: [2024, pemilu]",
            "date: 2025-05-12",
        )
    )
    assert article.title == "1984"
    assert [a.name for a in article.authors] == ["Jane Roe", "John Doe"]
    assert article.tags == ("2024", "pemilu")
    assert article.date == dt.date(2025, 5, 12)
    assert read(front("title: T", "author: {name: A}", "tags: a, b")).tags == ("a", "b")


@pytest.mark.parametrize("date", ["2025-13-45", "2025-02-30", "2025-00-10"])
def test_impossible_yaml_date_names_its_line(date: str) -> None:
    exc = error(front("title: T", "lang: id", f"date: {date}"))
    assert exc.line == 4
    assert exc.message.startswith(f"front matter: {date} is not a real date (")
    assert "YYYY-MM-DD" in exc.message


# --------------------------------------------------------------------------- YAML's own problems


@pytest.mark.parametrize(
    ("lines", "line", "says"),
    [
        (('title: "Judul', "lang: id"), 2, "a quoted string opened here is never closed"),
        (("title: T", "summary: 'Ringkas", "lang: id"), 3, "a quoted string opened here is never closed"),
        (("title: T", "tags: [a, b", "lang: id"), 3, "a `[` list opened here is never closed with `]`"),
        (("title: T", "author: {name: A", "lang: id"), 3, "a `{` mapping opened here is never closed with `}`"),
        (("title: T", "just some words", "lang: id"), 3, "this line is not `key: value`"),
        (("title: T", "subtitle: a: b"), 3, "a `:` inside a value"),
        (("title: T", "tags:", "  - a", " - b"), 5, "indented differently from the lines above it"),
        (("title: T", "\tlang: id"), 3, "a tab character; indent with spaces"),
        (("title: T", "lang: @id"), 3, "a value cannot start with @; put the value in quotes"),
        (('title: "a\\qb"',), 2, "unknown escape character 'q' in a double-quoted string; use single quotes"),
        (("title: |x", "  a"), 2, "`|` or `>` must end its line"),
        (("title: &a T", "lang: &a id"), 3, "an anchor (`&name`) is given twice"),
    ],
)
def test_yaml_problems_in_plain_words_where_they_start(lines: tuple[str, ...], line: int, says: str) -> None:
    exc = error(front(*lines))
    assert exc.line == line
    assert says in exc.message


def test_unclosed_quote_on_line_2_is_reported_at_line_2() -> None:
    exc = error('---\ntitle: "Judul tanpa tutup\nauthor: Jane\n---\n\nIsi.\n')
    assert str(exc) == "a.md:2: front matter: a quoted string opened here is never closed; add the closing quote"


def test_manifest_yaml_problems_name_the_line(tmp_path: Path) -> None:
    manifest = tmp_path / "book.yaml"
    manifest.write_text('title: "Buku\narticles: [a.md]\n', encoding="utf-8")
    with pytest.raises(InputError) as info:
        opedexport.load_manifest(manifest)
    assert (
        str(info.value) == f"{manifest}:1: manifest: a quoted string opened here is never closed; add the closing quote"
    )
    manifest.write_text("title: Buku\ndate: 2025-13-45\narticles: [a.md]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"book\.yaml:2: manifest: 2025-13-45 is not a real date"):
        opedexport.load_manifest(manifest)
