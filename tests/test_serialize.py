from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings

import opedexport
from opedexport.errors import InputError
from opedexport.model import Article, Heading, ListBlock, Paragraph, Table, Text
from opedexport.serialize import (
    SCHEMA_ID,
    article_from_dict,
    article_from_json,
    article_to_dict,
    article_to_json,
    json_schema,
    shipped_schema,
)
from strategies import articles

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "src" / "opedexport" / "article.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(json_schema(), format_checker=jsonschema.FormatChecker())


def _sources() -> list[Path]:
    """Every article in source/, whatever its format."""
    return sorted(p for p in (ROOT / "source").iterdir() if p.is_file())


def _read(path: Path) -> Article:
    return opedexport.read(path)


# --------------------------------------------------------------------------- schema


def test_shipped_schema_is_generated_from_the_model() -> None:
    assert SCHEMA_FILE.read_text("utf-8") == json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
    assert shipped_schema() == json_schema()


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())
    assert json_schema()["$id"] == SCHEMA_ID


def test_schema_refuses_what_the_decoder_refuses() -> None:
    assert not VALIDATOR.is_valid({"type": "Article"})
    assert not VALIDATOR.is_valid({"title": "x", "body": [{"type": "Nope"}]})
    assert not VALIDATOR.is_valid({"title": "x", "colour": "red"})


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_source_articles_round_trip(path: Path) -> None:
    article = _read(path)
    data = article_to_dict(article)
    VALIDATOR.validate(data)
    assert article_from_json(article_to_json(article)) == article
    assert article_from_dict(json.loads(article_to_json(article, indent=None))) == article


@pytest.mark.parametrize("path", _sources(), ids=lambda p: p.name)
def test_source_articles_round_trip_through_the_json_reader(path: Path, tmp_path: Path) -> None:
    article = opedexport.read(path)
    json_path = tmp_path / "article.json"
    assert opedexport.export(article, json_path) == json_path
    assert opedexport.read(json_path) == article


def test_every_source_format_is_covered() -> None:
    assert {p.suffix for p in _sources()} >= {".md", ".txt"}


def test_there_is_a_markdown_source() -> None:
    assert any(p.suffix == ".md" for p in _sources())


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(articles())
def test_generated_articles_round_trip(article: Article) -> None:
    text = article_to_json(article)
    VALIDATOR.validate(json.loads(text))
    assert article_from_json(text) == article


def test_defaults_are_left_out() -> None:
    data = article_to_dict(Article("T", body=(ListBlock(False, ((Paragraph(()),),)),)))
    assert data == {
        "$schema": SCHEMA_ID,
        "type": "Article",
        "title": "T",
        "body": [{"type": "ListBlock", "ordered": False, "items": [[{"type": "Paragraph", "children": []}]]}],
        "version": 1,
    }


def test_date_and_non_ascii() -> None:
    article = Article("Pangan dan cuaca — catatan", date=dt.date(2025, 5, 12), lang="id")
    text = article_to_json(article)
    assert '"date": "2025-05-12"' in text and "—" in text
    assert article_from_json(text) == article


def test_path_becomes_source_path() -> None:
    article = article_from_json('{"title": "x"}', path="dir/a.json")
    assert article.source_path == Path("dir/a.json")


# --------------------------------------------------------------------------- decode errors


def _error(doc: Any) -> str:
    with pytest.raises(InputError) as info:
        article_from_json(doc if isinstance(doc, str) else json.dumps(doc), path="a.json")
    return str(info.value)


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"title": "x", "body": [{"type": "Heading", "level": 4, "children": []}]}, "a.json: $.body[0].level: "),
        ({"title": "x", "body": [{"type": "Heading", "level": "1", "children": []}]}, "a.json: $.body[0].level: "),
        ({"title": "x", "body": [{"type": "Paragraph", "children": [{"type": "Rule"}]}]}, "$.body[0].children[0]: "),
        ({"title": "x", "body": [{"type": "Heading", "level": 1}]}, "$.body[0]: Heading needs the key 'children'"),
        ({"title": "x", "body": [{"type": []}]}, "$.body[0]: unknown or misplaced node type []"),
        ({"title": "x", "body": [{"type": "Rule", "version": 1}]}, "$.body[0]: unknown key(s) for Rule: version"),
        ({"title": "x", "authors": [{"affiliation": "U"}]}, "$.authors[0]: Author needs the key 'name'"),
        ({"title": "x", "date": "12 May 2025"}, "$.date: "),
        ({"title": "x", "tags": "a, b"}, "$.tags: expected an array"),
        ({"title": " "}, "$.title: Article.title must not be empty"),
        ({"title": "x", "colour": "red"}, "$: unknown key(s) for Article: colour"),
        ({"title": "x", "version": 2}, "a.json: unsupported article format version 2"),
        ([1], "$: expected an object"),
        ('{"title": "x",\n "body": [}', "a.json:2: invalid JSON"),
        ('{"body": ' * 100_000, "a.json: invalid JSON: nested too deeply"),
    ],
)
def test_decode_errors_name_the_place(doc: Any, expected: str) -> None:
    assert expected in _error(doc)


def test_table_cells_decode() -> None:
    table = Table(header=((Text("a"),),), rows=(((Text("1"),),),), align=("right",))
    article = Article("T", body=(Heading(2, (Text("h"),)), table))
    assert article_from_json(article_to_json(article)) == article
