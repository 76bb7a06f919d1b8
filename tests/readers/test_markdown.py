from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from opedexport.errors import InputError, LimitError, TextNormalisedWarning
from opedexport.model import (
    Article,
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
    PullQuote,
    Rule,
    Strong,
    Table,
    Text,
    iter_nodes,
    notes_in_order,
    plain_text,
)
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.markdown import MarkdownReader

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "markdown"
SAMPLE_MD = ROOT / "source" / "nato-diplomasi-pertahanan.md"
SAMPLE_TXT = Path("/work/shared/samples/000_ed708197f1b9d573.txt")


def read(text: str | bytes, *, path: str = "article.md", lang: str | None = None) -> ReadResult:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return MarkdownReader().read(Source(data, Path(path)), lang=lang)


def body(text: str) -> tuple[object, ...]:
    return read("---\ntitle: T\n---\n" + text).article.body


def kinds(article: Article) -> set[str]:
    return {type(node).__name__ for node in iter_nodes(article)}


# --------------------------------------------------------------------------- the real article


def test_reader_declares_itself() -> None:
    assert MarkdownReader.name == "markdown"
    assert MarkdownReader.suffixes == (".md", ".markdown")


def test_sample_article_metadata() -> None:
    article = MarkdownReader().read(Source.from_path(SAMPLE_MD)).article
    assert article.title == "NATO, Jembatan Diplomasi Pertahanan dalam Menghadapi Ancaman Non-Tradisional"
    assert [(a.name, a.affiliation) for a in article.authors] == [("Ratu Hanun T.W.A", "Mahasiswi HI UIN Jakarta")]
    assert article.lang == "id"
    assert article.publication == "DepokPos"
    assert article.date is None
    assert article.source_url == ""
    assert "NATO" in article.tags
    assert article.source_path == SAMPLE_MD


def test_sample_article_body() -> None:
    article = MarkdownReader().read(Source.from_path(SAMPLE_MD)).article
    headings = [b for b in article.body if isinstance(b, Heading)]
    paragraphs = [b for b in article.body if isinstance(b, Paragraph)]
    assert [(h.level, plain_text(h.children)) for h in headings] == [(1, "Urgensi Diplomasi Pertahanan")]
    assert len(paragraphs) == 4
    assert len(article.body) == 5
    assert isinstance(article.body[2], Heading)


@pytest.mark.skipif(not SAMPLE_TXT.exists(), reason="the shared sample is not available")
def test_sample_paragraphs_are_the_received_text() -> None:
    received = SAMPLE_TXT.read_text("utf-8").split("\n\n")
    article = MarkdownReader().read(Source.from_path(SAMPLE_MD)).article
    for block in article.body:
        assert plain_text(block.children) in received  # type: ignore[union-attr]
    assert not any("Bacaan Lainnya" in plain_text(b.children) for b in article.body)  # type: ignore[union-attr]


# --------------------------------------------------------------------------- test articles


def test_english_article_uses_every_element() -> None:
    result = MarkdownReader().read(Source.from_path(DATA / "every-element.en.md"))
    article = result.article
    assert kinds(article) == {
        "Heading",
        "Paragraph",
        "BlockQuote",
        "PullQuote",
        "ListBlock",
        "Figure",
        "Rule",
        "Table",
        "Text",
        "Emph",
        "Strong",
        "Link",
        "Code",
        "LineBreak",
        "Note",
    }
    assert sorted({b.level for b in article.body if isinstance(b, Heading)}) == [1, 2, 3]
    assert article.lang == "en"
    assert article.date == dt.date(2025, 5, 12)
    assert [a.name for a in article.authors] == ["Maya Lindqvist", "Omar Haddad"]
    assert article.authors[0].url == "https://example.org/maya"
    assert article.tags == ("transport", "cities", "public policy")
    assert article.subtitle and article.summary and article.rights and article.disclosure
    assert article.source_url == "https://example.org/opinion/buses"
    assert article.cover == "images/cover.jpg"


def test_indonesian_article_title_from_heading() -> None:
    result = MarkdownReader().read(Source.from_path(DATA / "artikel-opini.id.md"))
    article = result.article
    assert article.title == "Menjaga Lumbung Padi di Tengah Cuaca yang Berubah"
    assert article.lang == "id"
    assert article.authors[0].affiliation == "Peneliti Pusat Kajian Pangan"
    assert article.tags == ("pangan", "pertanian", "kebijakan publik")
    # `##` becomes level 1 because the title came from the leading `#`
    assert [b.level for b in article.body if isinstance(b, Heading)] == [1, 1]
    assert result.removed[0].rule == "markdown:title-heading"
    assert result.removed[0].line == 10
    figure = next(b for b in article.body if isinstance(b, Figure))
    assert figure.credit == "Foto: Budi Santoso"
    quote = next(b for b in article.body if isinstance(b, BlockQuote))
    assert plain_text(quote.attribution) == "Seorang kepala desa di Indramayu"
    assert len(notes_in_order(article)) == 1


# --------------------------------------------------------------------------- front matter


def test_front_matter_author_shorthand_string() -> None:
    article = read("---\ntitle: T\nauthor: Jane Roe\ndate: '2024-02-29'\n---\nText.\n").article
    assert [a.name for a in article.authors] == ["Jane Roe"]
    assert article.date == dt.date(2024, 2, 29)


def test_lang_argument_wins_over_front_matter() -> None:
    assert read("---\ntitle: T\nlang: en\n---\nText.\n", lang="id").article.lang == "id"
    assert read("---\ntitle: T\n---\nText.\n").article.lang == "und"


def test_source_path_is_kept() -> None:
    assert read("# T\n", path="dir/a.md").article.source_path == Path("dir/a.md")


def test_title_from_front_matter_keeps_leading_heading() -> None:
    article = read("---\ntitle: Front\n---\n# One\n\n## Two\n\n#### Four\n").article
    assert article.title == "Front"
    assert [b.level for b in article.body if isinstance(b, Heading)] == [1, 2, 3]


def test_title_from_heading_shifts_levels() -> None:
    article = read("# Title\n\n## One\n\n### Two\n\n#### Three\n\n##### Deeper\n").article
    assert article.title == "Title"
    assert [b.level for b in article.body if isinstance(b, Heading)] == [1, 2, 3, 3]


# --------------------------------------------------------------------------- body features


def test_footnote_with_several_paragraphs() -> None:
    (para,) = body("Claim.[^1]\n\n[^1]: First.\n\n    Second *para*.\n")
    assert isinstance(para, Paragraph)
    note = para.children[-1]
    assert isinstance(note, Note)
    assert note.blocks == (
        Paragraph((Text("First."),)),
        Paragraph((Text("Second "), Emph((Text("para"),)), Text("."))),
    )


def test_footnote_referenced_twice_is_placed_once_and_reported() -> None:
    result = read("---\ntitle: T\n---\nA[^x] and B[^x].\n\n[^x]: Note.\n")
    assert len(notes_in_order(result.article)) == 1
    assert any("[^x]" in n and "again" in n and n.startswith("line 4:") for n in result.notes)


def test_unused_footnote_definition_is_reported() -> None:
    result = read("---\ntitle: T\n---\nText.\n\n[^gone]: Never cited.\n")
    assert result.article.body == (Paragraph((Text("Text."),)),)
    assert any("[^gone]" in n for n in result.notes)


def test_inline_footnote() -> None:
    (para,) = body("Text.^[An *inline* note.]\n")
    assert para.children[-1] == Note((Paragraph((Text("An "), Emph((Text("inline"),)), Text(" note."))),))  # type: ignore[attr-defined]


def test_figure_keeps_alt_caption_and_credit_apart() -> None:
    (fig,) = body('![A flooded street](img/flood.jpg "Jakarta after the rain (Foto: Rina Wijaya)")\n')
    assert fig == Figure(
        src="img/flood.jpg",
        alt="A flooded street",
        caption=(Text("Jakarta after the rain"),),
        credit="Foto: Rina Wijaya",
    )


def test_figure_without_title_and_with_spaces_in_src() -> None:
    (fig,) = body("![Alt](<my photo.jpg>)\n")
    assert fig == Figure(src="my photo.jpg", alt="Alt")
    (fig,) = body('![](https://example.org/a%20b.jpg "(Credit: AP)")\n')
    assert fig == Figure(src="https://example.org/a%20b.jpg", credit="Credit: AP")


def test_inline_image_keeps_alt_text_only() -> None:
    (para,) = body("See ![the *chart*](c.png) here.\n")
    assert para == Paragraph((Text("See the chart here."),))


def test_nested_lists_and_ordered_start() -> None:
    (lst,) = body("7. seven\n8. eight\n   - a\n   - b\n\n     1. deep\n")
    assert isinstance(lst, ListBlock)
    assert lst.ordered and lst.start == 7 and len(lst.items) == 2
    inner = lst.items[1][1]
    assert isinstance(inner, ListBlock) and not inner.ordered
    deepest = inner.items[1][-1]
    assert isinstance(deepest, ListBlock) and deepest.ordered and deepest.start == 1


def test_blockquote_attribution_on_last_line_or_paragraph() -> None:
    (q,) = body("> To be.\n> — Hamlet\n")
    assert q == BlockQuote((Paragraph((Text("To be."),)),), (Text("Hamlet"),))
    (q,) = body("> One.\n>\n> -- *Anon*\n")
    assert q == BlockQuote((Paragraph((Text("One."),)),), (Emph((Text("Anon"),)),))
    (q,) = body("> ―Sukarno\n")  # nothing left to quote: not an attribution
    assert q == BlockQuote((Paragraph((Text("―Sukarno"),)),))


def test_pull_quote() -> None:
    (pq,) = body("> [!PullQuote]\n> Words that *matter*.\n> — Editor\n")
    assert pq == PullQuote((Text("Words that "), Emph((Text("matter"),)), Text(".")), (Text("Editor"),))
    (pq,) = body("> [!pullquote]\n>\n> One.\n>\n> Two.\n")
    assert pq == PullQuote((Text("One."), LineBreak(), Text("Two.")))


def test_pull_quote_refuses_blocks_other_than_paragraphs() -> None:
    with pytest.raises(InputError, match=r"article\.md:5: .*pull quote"):
        read("---\ntitle: T\n---\n> [!pullquote]\n> - a list\n")


def test_table() -> None:
    (table,) = body("| a | *b* |\n|:--|--:|\n| 1 | `2` |\n| 3 |\n")
    assert table == Table(
        header=((Text("a"),), (Emph((Text("b"),)),)),
        rows=(((Text("1"),), (Code("2"),)), ((Text("3"),), ())),
        align=("left", "right"),
    )


def test_links_with_title_and_autolinks() -> None:
    (para,) = body('[site](https://example.org "The site") and <https://a.org>\n')
    assert para == Paragraph(
        (
            Link((Text("site"),), "https://example.org", "The site"),
            Text(" and "),
            Link((Text("https://a.org"),), "https://a.org"),
        )
    )


def test_code_span_fenced_code_and_breaks() -> None:
    blocks = body("Use `x = 1`.  \nNext\nline.\n\n```py\na = 1\n\nb = 2\n```\n\n    indented\n")
    assert blocks == (
        Paragraph((Text("Use "), Code("x = 1"), Text("."), LineBreak(), Text("Next line."))),
        Paragraph((Code("a = 1"), LineBreak(), LineBreak(), Code("b = 2"))),
        Paragraph((Code("indented"),)),
    )


def test_emphasis_strong_and_rule() -> None:
    blocks = body("*a* **b** ***c***\n\n---\n\nend -- as written --- too\n")
    assert blocks[0] == Paragraph(
        (Emph((Text("a"),)), Text(" "), Strong((Text("b"),)), Text(" "), Emph((Strong((Text("c"),)),)))
    )
    assert blocks[1] == Rule()
    assert blocks[2] == Paragraph((Text("end -- as written --- too"),))


def test_no_smart_typography() -> None:
    (para,) = body("\"quoted\" 'single' ... (c)\n")
    assert para == Paragraph((Text("\"quoted\" 'single' ... (c)"),))


def test_raw_html_is_reduced_to_text() -> None:
    result = read(
        "---\ntitle: T\n---\n"
        "Hi <b onclick=x>bold</b> and <script>alert(1)</script> end.\n\n"
        "<script>\nalert(2)\n</script>\n\n"
        "<style>p { color: red }</style>\n\n"
        "<div class='x'>Block &amp; text</div>\n"
    )
    texts = [plain_text(b.children) for b in result.article.body]  # type: ignore[union-attr]
    assert texts == ["Hi bold and  end.", "Block & text"]
    everything = repr(result.article)
    assert "<" not in everything
    assert "alert" not in everything and "onclick" not in everything and "color" not in everything
    assert any(n.startswith("line 4: raw HTML") for n in result.notes)


def test_unsafe_link_target_stays_text() -> None:
    with pytest.warns(TextNormalisedWarning, match=r"article\.md:4: dropped the unsafe link target 'javascript:"):
        (para,) = body("[x](javascript:alert(1))\n")
    assert isinstance(para, Paragraph) and para.children == (Text("x"),)
    assert not any(isinstance(n, Link) for n in iter_nodes(para))


# --------------------------------------------------------------------------- errors


def test_empty_file() -> None:
    with pytest.raises(InputError, match=r"^empty\.md: the input is empty"):
        read("  \n\n", path="empty.md")


def test_not_utf8() -> None:
    with pytest.raises(InputError, match=r"^latin\.md:2: not UTF-8"):
        read(b"# Title\ncaf\xe9\n", path="latin.md")


def test_broken_yaml_names_the_file_line() -> None:
    with pytest.raises(InputError) as info:
        read("---\ntitle: ok\nsubtitle: a: b\n---\nText.\n", path="bad.md")
    assert str(info.value).startswith("bad.md:3: front matter: ")
    assert info.value.line == 3


def test_broken_yaml_later_line() -> None:
    with pytest.raises(InputError, match=r"^bad\.md:5: front matter: "):
        read("---\ntitle: ok\ntags:\n  - a\n - b\n---\n", path="bad.md")


def test_unclosed_front_matter() -> None:
    with pytest.raises(InputError, match=r"^a\.md:1: front matter: no closing"):
        read("---\ntitle: T\n\nText.\n", path="a.md")


def test_unknown_key_names_key_and_line() -> None:
    with pytest.raises(InputError, match=r"^a\.md:3: front matter: unknown key 'titel'"):
        read("---\ntitle: T\ntitel: typo\n---\nText.\n", path="a.md")


def test_unknown_author_key() -> None:
    with pytest.raises(InputError, match=r"^a\.md:4: front matter: authors: unknown author key\(s\) email"):
        read("---\ntitle: T\nauthors:\n  - name: A\n    email: a@b\n---\n", path="a.md")


def test_bad_values_name_the_line() -> None:
    with pytest.raises(InputError, match=r"^a\.md:3: front matter: date: expected a date"):
        read("---\ntitle: T\ndate: yesterday\n---\n", path="a.md")
    with pytest.raises(InputError, match=r"^a\.md:2: front matter: title: expected text"):
        read("---\ntitle: [a, b]\n---\n", path="a.md")
    with pytest.raises(InputError, match=r"^a\.md:3: Article\.lang"):
        read("---\ntitle: T\nlang: not a tag\n---\n", path="a.md")
    with pytest.raises(InputError, match=r"^a\.md:3: front matter: the key 'title' is given twice"):
        read("---\ntitle: T\ntitle: U\n---\n", path="a.md")
    with pytest.raises(InputError, match=r"^a\.md:2: front matter must be a mapping"):
        read("---\n- a\n---\n", path="a.md")


def test_python_tag_refused() -> None:
    with pytest.raises(InputError, match=r"^a\.md:2: front matter: .*python/object"):
        read("---\ntitle: !!python/object:os.system {}\n---\n", path="a.md")


def test_no_title() -> None:
    with pytest.raises(InputError, match=r"^untitled\.md: no title: add `title:`"):
        read("Just a paragraph.\n\n# Late heading\n", path="untitled.md")
    with pytest.raises(InputError, match="no title"):
        read("---\nlang: id\n---\n## Not level one\n", path="untitled.md")


def test_nesting_past_the_parser_limit_is_refused_not_dropped() -> None:
    quote = read("# T\n\n" + "> " * 19 + "deep\n").article
    assert "deep" in repr(quote)
    with pytest.raises(InputError, match=r"^a\.md:3: block quotes and lists nest too deeply"):
        read("# T\n\n" + "> " * 20 + "deep\n", path="a.md")


def test_string_source_is_named() -> None:
    with pytest.raises(InputError, match=r"^<string>: no title"):
        MarkdownReader().read(Source(b"text\n"))


def test_yaml_alias_bomb_is_refused() -> None:
    bomb = (
        "---\n"
        'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
        "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "title: Bom\n"
        "---\n\nIsi.\n"
    )
    with pytest.raises(InputError, match=r"<string>:3: front matter: aliases \(\*name\) are not allowed"):
        MarkdownReader().read(Source(bomb.encode()))


def test_oversized_front_matter_is_refused() -> None:
    big = "---\ntitle: T\nsummary: " + "x" * (70 * 1024) + "\n---\n\nIsi.\n"
    with pytest.raises(LimitError, match="front matter is over the limit"):
        MarkdownReader().read(Source(big.encode()))
