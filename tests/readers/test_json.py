from __future__ import annotations

from pathlib import Path

import pytest

from opedexport.errors import InputError
from opedexport.model import Article, Heading, Note, Paragraph, Text
from opedexport.readers.base import Source
from opedexport.readers.json import JsonReader
from opedexport.serialize import article_to_json

ARTICLE = Article(
    title="Judul",
    lang="id",
    body=(
        Heading(1, (Text("Bagian"),)),
        Paragraph((Text("Isi."), Note((Paragraph((Text("Catatan."),)),)))),
    ),
)


def test_reader_declares_itself() -> None:
    assert JsonReader.name == "json"
    assert JsonReader.suffixes == (".json",)


def test_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(article_to_json(ARTICLE), "utf-8")
    result = JsonReader().read(Source.from_path(path))
    assert result.article == ARTICLE
    assert result.article.source_path == path


def test_reads_a_string_without_path() -> None:
    article = JsonReader().read(Source(article_to_json(ARTICLE).encode())).article
    assert article == ARTICLE
    assert article.source_path is None


def test_lang_argument_wins() -> None:
    assert JsonReader().read(Source(article_to_json(ARTICLE).encode()), lang="en").article.lang == "en"
    with pytest.raises(InputError, match=r"^<string>: Article\.lang"):
        JsonReader().read(Source(article_to_json(ARTICLE).encode()), lang="not a tag")


def test_syntax_error_names_file_and_line() -> None:
    with pytest.raises(InputError, match=r"^a\.json:3: invalid JSON"):
        JsonReader().read(Source(b'{\n  "title": "x",\n  oops\n}\n', Path("a.json")))


def test_value_error_names_file_and_json_path() -> None:
    data = b'{"title": "x", "body": [{"type": "Heading", "level": 0, "children": []}]}'
    with pytest.raises(InputError, match=r"^a\.json: \$\.body\[0\]\.level: Heading\.level must be 1, 2 or 3"):
        JsonReader().read(Source(data, Path("a.json")))


def test_empty_and_not_utf8() -> None:
    with pytest.raises(InputError, match="empty"):
        JsonReader().read(Source(b"\n", Path("a.json")))
    with pytest.raises(InputError, match=r"^a\.json:1: not UTF-8"):
        JsonReader().read(Source(b'{"title": "\xff"}', Path("a.json")))
