from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from opedexport.errors import ModelError, TextNormalisedWarning
from opedexport.model import (
    Article,
    Author,
    BlockQuote,
    Code,
    Emph,
    Figure,
    Heading,
    LineBreak,
    Link,
    ListBlock,
    Note,
    Paragraph,
    Rule,
    Strong,
    Table,
    Text,
    iter_nodes,
    notes_in_order,
    plain_text,
)


def note(text: str) -> Note:
    return Note((Paragraph((Text(text),)),))


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize("level", [0, 4, -1, True, "1", 1.0])
def test_heading_level_refused(level: object) -> None:
    with pytest.raises(ModelError, match=r"Heading\.level"):
        Heading(level, ())  # type: ignore[arg-type]


@pytest.mark.parametrize("level", [1, 2, 3])
def test_heading_level_accepted(level: int) -> None:
    assert Heading(level, ()).level == level


@pytest.mark.parametrize("title", ["", "   ", "\n\t"])
def test_empty_title_refused(title: str) -> None:
    with pytest.raises(ModelError, match=r"Article\.title"):
        Article(title)


def test_title_and_author_whitespace_collapsed() -> None:
    assert Article("  A \n  title ").title == "A title"
    assert Author(" Ratu   Hanun ").name == "Ratu Hanun"
    with pytest.raises(ModelError, match=r"Author\.name"):
        Author(" ")


@pytest.mark.parametrize("lang", ["", "english!", "e", "id_ID", "en-", "1234"])
def test_bad_lang_refused(lang: str) -> None:
    with pytest.raises(ModelError, match=r"Article\.lang"):
        Article("T", lang=lang)


@pytest.mark.parametrize("lang", ["id", "en", "en-GB", "id-ID", "und", "zh-Hant-TW"])
def test_good_lang_accepted(lang: str) -> None:
    assert Article("T", lang=lang).lang == lang


def test_language_is_primary_subtag() -> None:
    assert Article("T", lang="ID-id").language == "id"


@pytest.mark.parametrize("bad", ["\x00", "\x0b", "\ud800", "\ufffe", "\uffff", "\x7f", "\x85", "\x1f"])
def test_xml_illegal_characters_removed_with_warning(bad: str) -> None:
    with pytest.warns(TextNormalisedWarning, match=r"Text\.text: removed 1 character"):
        assert Text(f"a{bad}b").text == "ab"


def test_warning_names_the_field() -> None:
    with pytest.warns(TextNormalisedWarning, match=r"Article\.title"):
        assert Article("Ti\x00tle").title == "Title"
    with pytest.warns(TextNormalisedWarning, match=r"Figure\.alt"):
        Figure("a.jpg", alt="x\x0b")
    with pytest.warns(TextNormalisedWarning, match=r"Article\.tags"):
        Article("T", tags=("a\ufffe",))


def test_tab_and_newline_kept_and_nfc_applied() -> None:
    assert Text("a\tb\nc").text == "a\tb\nc"
    assert Text("e\u0301").text == "\u00e9"


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:x", "data:text/html,x", "file:///etc/passwd", "vbscript:x"]
)
def test_unsafe_link_dropped(url: str) -> None:
    with pytest.warns(TextNormalisedWarning, match=r"Link\.url"):
        link = Link((Text("x"),), url)
    assert link.url == ""


@pytest.mark.parametrize(
    "url", ["https://a.org", "http://a.org", "mailto:a@b.org", "tel:+62", "#n1", "/p", "rel/page", ""]
)
def test_safe_link_kept(url: str) -> None:
    assert Link((), url).url == url


def test_children_types_checked_and_lists_coerced() -> None:
    assert Paragraph([Text("a")]).children == (Text("a"),)  # type: ignore[arg-type]
    with pytest.raises(ModelError, match=r"Paragraph\.children holds a Paragraph"):
        Paragraph((Paragraph(()),))  # type: ignore[arg-type]
    with pytest.raises(ModelError, match=r"BlockQuote\.blocks holds a Text"):
        BlockQuote((Text("x"),))  # type: ignore[arg-type]
    with pytest.raises(ModelError, match=r"Text\.text must be a string"):
        Text(1)  # type: ignore[arg-type]


def test_other_node_rules() -> None:
    with pytest.raises(ModelError, match=r"Note\.blocks"):
        Note(())
    with pytest.raises(ModelError, match=r"ListBlock\.items"):
        ListBlock(True, ())
    with pytest.raises(ModelError, match=r"ListBlock\.start"):
        ListBlock(True, ((),), start=-1)
    with pytest.raises(ModelError, match=r"Figure\.src"):
        Figure(" ")
    with pytest.raises(ModelError, match=r"Table\.align"):
        Table(((Text("a"),),), (), align=("middle",))
    with pytest.raises(ModelError, match="Table must have"):
        Table((), ())
    with pytest.raises(ModelError, match=r"Article\.date"):
        Article("T", date=dt.datetime(2025, 1, 1))
    assert ListBlock(True, [[Paragraph(())]]).items == ((Paragraph(()),),)  # type: ignore[arg-type]


def test_nodes_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Text("a").text = "b"  # type: ignore[misc]


def test_replace_validates_again() -> None:
    article = Article("T")
    assert article.replace(lang="id").lang == "id"
    with pytest.raises(ModelError, match=r"Article\.lang"):
        article.replace(lang="??")


def test_source_path_not_compared() -> None:
    a = Article("T", source_path=Path("x/a.md"))
    assert a == Article("T")
    assert a.base_dir == Path("x")
    assert Article("T").base_dir is None


# --------------------------------------------------------------------------- helpers


def test_plain_text() -> None:
    inlines = (
        Text("A "),
        Emph((Strong((Text("bold"),)),)),
        LineBreak(),
        Link((Text("link"),), "https://a.org"),
        note("left out"),
        Text(" "),
        Code("x=1"),
    )
    assert plain_text(inlines) == "A bold link x=1"
    assert plain_text(Text("one")) == "one"


def test_notes_in_order_is_document_order() -> None:
    inner = note("inner")
    first = Note((Paragraph((Text("first"), inner)),))
    article = Article(
        "T",
        body=(
            Paragraph((Text("a"), first)),
            ListBlock(False, ((Paragraph((note("in list"),)),),)),
            BlockQuote((Paragraph((note("in quote"),)),), attribution=(note("in attribution"),)),
            Table(((note("in header"),),), (((note("in cell"),),),)),
            Figure("f.jpg", caption=(note("in caption"),)),
            Rule(),
        ),
    )
    texts = [plain_text(n.blocks[0].children) for n in notes_in_order(article)]  # type: ignore[union-attr]
    assert texts == ["first", "inner", "in list", "in quote", "in attribution", "in header", "in cell", "in caption"]


def test_iter_nodes_visits_everything() -> None:
    article = Article("T", body=(Paragraph((Emph((Text("x"),)),)), Rule()))
    assert [type(n).__name__ for n in iter_nodes(article)] == ["Paragraph", "Emph", "Text", "Rule"]
