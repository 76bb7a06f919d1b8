"""The HTML reader finds the article on pages shaped like the ones it used to get wrong.

Each page under tests/data/html/ is written here, shaped like one failure class seen on real sites
(no benchmark page is copied): a page wrapped in one ASP.NET ``<form>``, a body written as text
between ``<br>``, a page of eight ``<article>`` elements, a body split over two elements, an article
in a box whose class names comments, a slideshow and an "Updated" stamp in the body, a decoded
string that declares another charset, a page without a title, a guest writer's disclosure.
Whatever text of the page does not reach the article is listed in ``removed``.
"""

from __future__ import annotations

import io
import re
import warnings
from pathlib import Path

import lxml.html
import pytest

import opedexport
from opedexport.errors import TextNormalisedWarning
from opedexport.model import (
    Article,
    Block,
    BlockQuote,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    PullQuote,
    Table,
    notes_in_order,
    plain_text,
)
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.html import HtmlReader

DATA = Path(__file__).resolve().parents[1] / "data" / "html"


def read_page(name: str) -> ReadResult:
    return HtmlReader().read(Source.from_path(DATA / name))


def read_html(markup: str) -> ReadResult:
    return HtmlReader().read(Source(markup.encode("utf-8"), Path("page.html")))


def lines(block: Block) -> list[str]:
    if isinstance(block, (Paragraph, Heading, PullQuote)):
        return [plain_text(block.children)]
    if isinstance(block, BlockQuote):
        return [line for b in block.blocks for line in lines(b)]
    if isinstance(block, ListBlock):
        return [line for item in block.items for b in item for line in lines(b)]
    if isinstance(block, Table):
        return [plain_text(cell) for row in (block.header, *block.rows) for cell in row]
    return []


def body_text(article: Article) -> str:
    return "\n".join(line for block in article.body for line in lines(block))


def test_a_page_wrapped_in_one_form_is_read() -> None:
    """ASP.NET wraps the whole page in a <form>: the form holds the article, so it is no chrome."""
    result = read_page("aspnet_form_en.html")
    text = body_text(result.article)
    assert text.startswith("Every weekday at five, the branch library")
    assert "put evening hours back in next year's budget" in text
    assert "Contact the newsroom" not in text
    assert result.article.title == "Why Our Libraries Need Longer Hours"
    assert result.article.publication == "The Riverside Ledger"


def test_a_body_of_text_between_line_breaks_is_found() -> None:
    """No <p>, no known class: the runs of text between <br> count as paragraphs, and outweigh a sidebar."""
    article = read_page("br_body_en.html").article
    paragraphs = [plain_text(b.children) for b in article.body if isinstance(b, Paragraph)]
    assert len(paragraphs) == 6
    assert paragraphs[0].startswith("For twenty years, every candidate")
    assert paragraphs[-1].startswith("The council meets on Thursday")
    assert "Classifieds" not in body_text(article)


def test_of_many_articles_the_one_showing_the_title_is_taken() -> None:
    """Eight <article> elements; the longest is a recommended post, the one with the title is the article."""
    result = read_page("many_articles_en.html")
    text = body_text(result.article)
    assert text.startswith("When a chair breaks in a classroom")
    assert "A short teaser" not in text
    assert any("Letters from the harbour" in r.text for r in result.removed)


def test_a_body_split_in_two_keeps_both_parts() -> None:
    """Two elements of the same body class inside one article: both are the body, the ad between is not."""
    result = read_page("split_body_en.html")
    paragraphs = [plain_text(b.children) for b in result.article.body if isinstance(b, Paragraph)]
    assert [p.split()[0] for p in paragraphs] == ["Free", "A", "Charging", "Towns"]
    assert [r.rule for r in result.removed if r.text == "Advertisement"] == ["boilerplate:advert"]


def test_an_article_in_a_box_named_for_comments_is_kept_and_the_comments_are_not() -> None:
    result = read_page("social_comments_en.html")
    text = body_text(result.article)
    assert text.startswith("Each spring the Alder rises")
    assert "turned the land into parks" in text
    assert "forty years" not in text
    assert any(r.text.startswith("32 comments") and r.rule == "chrome:comment" for r in result.removed)


def test_a_slideshow_and_an_updated_stamp_leave_the_body_and_are_listed() -> None:
    result = read_page("slideshow_updated_en.html")
    text = body_text(result.article)
    assert text.startswith("The night train to the coast")
    assert "Passengers board" not in text and "Updated 6:40" not in text
    assert len(result.article.body) == 3
    rules = {r.text[:20]: r.rule for r in result.removed}
    assert rules["Updated 6:40 am, Tue"] == "chrome:timestamp"
    assert rules["Passengers board the"] == "chrome:slideshow"


def test_a_decoded_string_is_not_decoded_again_by_its_declared_charset() -> None:
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
        "<title>城市需要更多的公园</title></head><body><article><h1>城市需要更多的公园</h1>"
        "<p>每个街区都应该有一个孩子们可以安全玩耍的地方，老人也可以在那里散步和休息。</p>"
        "<p>公园不是奢侈品，而是城市健康的一部分，它们降低温度，吸收雨水，让邻居相识。</p>"
        "</article></body></html>"
    )
    result = opedexport.read_result(text=page, format="html")
    assert result.article.title == "城市需要更多的公园"
    assert body_text(result.article).startswith("每个街区都应该有一个孩子们")
    assert not any("gb2312" in note for note in result.notes)
    # A text stream is decoded already too.
    assert opedexport.read(io.StringIO(page), format="html").title == "城市需要更多的公园"
    # The same page as bytes still obeys its charset.
    as_bytes = opedexport.read_result(text=page.encode("gb2312"), format="html")
    assert as_bytes.article.title == "城市需要更多的公园"


BODY = (
    "<p>Every town needs a place where the young and the old can sit together, talk, and watch the world go by.</p>"
    "<p>A bench costs little, a square costs more, and both repay the town many times over in the years to come.</p>"
)


def test_a_page_without_a_title_takes_its_first_heading() -> None:
    article = read_html(f"<html><body><article><h2>A Bench for Every Square</h2>{BODY}</article></body></html>").article
    assert article.title == "A Bench for Every Square"
    assert body_text(article).startswith("Every town needs a place")


def test_a_page_without_any_title_is_untitled_with_a_warning() -> None:
    with pytest.warns(TextNormalisedWarning, match="names no title"):
        article = read_html(f"<html><body><article>{BODY}</article></body></html>").article
    assert article.title == "Untitled"
    assert body_text(article).startswith("Every town needs a place")


def test_a_page_with_a_title_gives_no_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        article = read_html(f"<html><head><title>Benches</title></head><body><article>{BODY}</article></body></html>")
    assert article.article.title == "Benches"


def test_a_guest_writers_disclosure_goes_to_the_disclosure_field() -> None:
    result = read_page("guest_author_id.html")
    article = result.article
    assert article.disclosure == "Rina Wulandari adalah penulis tamu. Opini ini sepenuhnya tanggung jawab penulis."
    assert "penulis tamu" not in body_text(article)
    assert any(r.rule == "metadata:disclosure" and "penulis tamu" in r.text for r in result.removed)


def test_a_disclosure_as_the_last_paragraph_of_the_body() -> None:
    page = (
        "<html><head><title>Benches</title></head><body><article>"
        f"{BODY}<p><em>The views expressed are the author's own.</em></p></article></body></html>"
    )
    result = read_html(page)
    assert result.article.disclosure == "The views expressed are the author's own."
    assert len(result.article.body) == 2


def test_the_publication_comes_from_the_copyright_line() -> None:
    assert read_page("guest_author_id.html").article.publication == "Harian Contoh"


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("Copyright © 2019 Kompas.com - All rights reserved", "Kompas.com"),
        ("&copy; 2010-2024 The Daily Planet, Inc. All rights reserved.", "The Daily Planet"),
        ("Follow The Daily Planet on Twitter", "The Daily Planet"),
        ("Ikuti Harian Contoh di Instagram", "Harian Contoh"),
    ],
)
def test_the_publication_from_a_copyright_or_follow_us_line(line: str, name: str) -> None:
    page = f"<html><head><title>Benches</title></head><body><article>{BODY}</article><footer><p>{line}</p></footer>"
    assert read_html(page).article.publication == name


def test_the_publication_stated_by_the_page_wins_over_its_copyright_line() -> None:
    page = (
        '<html><head><title>Benches</title><meta property="og:site_name" content="Daily Planet Online"></head>'
        f"<body><article>{BODY}</article><footer><p>© 2024 Planet Media Group</p></footer></body></html>"
    )
    assert read_html(page).article.publication == "Daily Planet Online"


def blocks_of_text(page: Path) -> list[tuple[int, str]]:
    """Each block of text in the page's body: paragraphs, headings, list items, cells, runs between <br>."""
    root = lxml.html.fromstring(page.read_bytes())
    for el in root.iter("script", "style", "title"):
        el.drop_tree()
    out = []
    for el in root.find("body").iter():
        if not isinstance(el.tag, str):
            continue
        runs = [el.text or "", *(c.tail or "" for c in el)]
        if el.tag in ("p", "li", "h1", "h2", "h3", "td", "a", "span", "div", "caption"):
            out.extend((el.sourceline, " ".join(run.split())) for run in runs if len(run.split()) >= 2)
    return out


@pytest.mark.parametrize(
    "name",
    [
        "aspnet_form_en.html",
        "br_body_en.html",
        "many_articles_en.html",
        "split_body_en.html",
        "social_comments_en.html",
        "slideshow_updated_en.html",
        "guest_author_id.html",
        "wordpress_en.html",
        "guardian_opinion_en.html",
        "detik_kolom_id.html",
    ],
)
def test_no_text_is_lost_unreported(name: str) -> None:
    """Every block of text in the page reaches the body or the metadata, or is listed in removed."""
    result = read_page(name)
    article = result.article
    kept = " ".join(
        [
            body_text(article),
            article.title,
            article.subtitle,
            article.disclosure,
            article.publication,
            *(a.name for a in article.authors),
            *(a.bio for a in article.authors),
            *(text for b in article.body for text in _captions(b)),
            *(line for note in notes_in_order(article) for b in note.blocks for line in lines(b)),
        ]
    )
    kept = " ".join(kept.split())
    removed = " ".join(r.text for r in result.removed)
    for line, text in blocks_of_text(DATA / name):
        words = text[:60]
        assert words in kept or words in removed or _in_removed(text, result), f"line {line}: {text!r} lost"


def _captions(block: Block) -> list[str]:
    """A figure's or table's caption, credit and alt text."""
    caption = getattr(block, "caption", ())
    return [plain_text(caption), getattr(block, "credit", ""), getattr(block, "alt", "")]


def _in_removed(text: str, result: ReadResult) -> bool:
    """Whether ``text`` is in a removal, punctuation and spacing aside (``A | B`` is read ``A B``)."""
    letters = re.sub(r"\W", "", text[:60])
    return any(letters in re.sub(r"\W", "", r.text) for r in result.removed)


def test_a_menu_is_one_removal_not_one_per_link() -> None:
    result = read_page("guest_author_id.html")
    menu = [r for r in result.removed if "Beranda" in r.text]
    assert len(menu) == 1
    assert menu[0].rule == "chrome:nav"
    assert menu[0].line == 8


def test_an_updated_stamp_written_as_a_paragraph_is_removed() -> None:
    page = (
        "<html><head><title>Benches</title></head><body><article>"
        f"{BODY}<p><em>Updated at 1:23 p.m.</em></p><p>Update on the vote: the motion passed 7 to 2 after a long debate.</p>"
        "</article></body></html>"
    )
    result = read_html(page)
    assert "Updated at" not in body_text(result.article)
    assert "Update on the vote" in body_text(result.article)
    assert ("Updated at 1:23 p.m.", "chrome:timestamp") in {(r.text, r.rule) for r in result.removed}


def test_an_image_box_with_a_caption_is_a_figure_not_a_paragraph() -> None:
    """A box holding one image and an element whose class says caption is read as a figure."""
    page = (
        "<html><head><title>Benches</title></head><body><article><div class='article-body'>"
        f"{BODY}<div class='photo'><p class='withoutCaption'><img src='bench.jpg' alt='A bench'></p>"
        "<span class='newsCaption'>A bench in the old square (Image: Ana Ruiz)</span></div>"
        "<a class='read-more-big' href='/more'>Also on the site: ten more benches we love</a>"
        "</div></article></body></html>"
    )
    result = read_html(page)
    figures = [b for b in result.article.body if isinstance(b, Figure)]
    assert len(figures) == 1
    assert figures[0].src == "bench.jpg"
    assert plain_text(figures[0].caption).startswith("A bench in the old square")
    assert "A bench in the old square" not in body_text(result.article)
    assert "ten more benches" not in body_text(result.article)
    assert any("ten more benches" in r.text and r.rule == "chrome:read-more" for r in result.removed)


def test_lists_of_links_inside_the_body_are_chrome_and_linked_prose_is_not() -> None:
    page = (
        "<html><head><title>Benches</title></head><body><article><div class='entry-content'>"
        f"{BODY}"
        "<div><p>Councillor <a href='/p/ann-lee'>Ann Lee</a> and Mayor <a href='/p/tom-ode'>Tom Ode</a> "
        "<span class='card'><a href='/p/tom-ode'>Tom Ode: profile, votes and speeches</a></span> agreed.</p></div>"
        "<ul><li><a href='/a'>Ten parks worth the bus ride this spring</a></li></ul>"
        "<div><h3>Read these next</h3><ul><li><a href='/b'>Why squares matter</a></li>"
        "<li><a href='/c'>The case for shade</a></li></ul></div>"
        "<p><strong><a href='/app'>GET OUR APP BY CLICKING HERE</a></strong></p>"
        "</div></article></body></html>"
    )
    result = read_html(page)
    text = body_text(result.article)
    assert "Councillor Ann Lee and Mayor Tom Ode" in text
    for gone in ("Ten parks worth", "Read these next", "Why squares matter", "GET OUR APP"):
        assert gone not in text
        assert any(gone in r.text and r.rule == "chrome:links" for r in result.removed), gone


def test_an_article_element_around_the_headline_only_does_not_hide_the_body() -> None:
    """Some sites wrap only the headline and byline in <article>; the body that follows it is the article."""
    paragraphs = "".join(
        f"<p>Paragraph {n} of the piece, long enough to count, with commas, clauses, and a point to make.</p>"
        for n in range(1, 9)
    )
    page = (
        "<html><head><title>Benches</title></head><body><article><h1>Benches</h1><p>By Ann Lee</p></article>"
        f"<div class='story'>{paragraphs}</div><div class='more'><a href='/x'>More from the city desk</a></div>"
        "</body></html>"
    )
    text = body_text(read_html(page).article)
    assert text.startswith("Paragraph 1 of the piece") and "Paragraph 8" in text


def test_figure_credit_outside_the_caption_other_lazy_sources_and_left_over_text() -> None:
    page = (
        "<html><head><title>Benches</title></head><body><div class='wrap'><h1>Benches</h1>"
        "Posted: 2025-03-04 10:00<div class='entry-content'>"
        f"{BODY}"
        "<figure><img class='lazy' data-normal='https://img.example/bench.jpg?w=780' alt='A bench'>"
        "<figcaption>The old square</figcaption><div class='Figure-credit'>(Ana Ruiz / City Press)</div>"
        "<div class='shareBox'><p>Link to this photo</p></div></figure>"
        "</div></div></body></html>"
    )
    result = read_html(page)
    figures = [b for b in result.article.body if isinstance(b, Figure)]
    assert [(f.src, plain_text(f.caption), f.credit) for f in figures] == [
        ("https://img.example/bench.jpg?w=780", "The old square", "Ana Ruiz / City Press")
    ]
    rules = {r.text: r.rule for r in result.removed}
    assert rules["Posted: 2025-03-04 10:00"] == "chrome:outside-article"
    assert rules["Link to this photo"] in ("chrome:figure-extra", "chrome:share")


COMMENT = (
    "<p>I have read this twice, and I still think the author is wrong about the cost, the timing, and the people "
    "it would help, because the figures in the report say something else entirely, as anyone can check.</p>"
)


@pytest.mark.parametrize("wrapper", ["article", "div"])
def test_long_comments_under_a_short_article_without_class_names(wrapper: str) -> None:
    """No class name helps: the paragraphs near the title's heading are the article, not the longer thread."""
    comments = "".join(f"<{wrapper}><b>Reader {n}</b>{COMMENT}</{wrapper}>" for n in range(6))
    page = (
        "<html><head><title>Benches | The Ledger</title></head><body><div><div><h1>Benches</h1>"
        f"<div>{BODY}{BODY.replace('Every town', 'Each village')}<p>So fund them, this year, not next.</p></div></div>"
        f"<div><h2>Comments</h2>{comments}</div></div></body></html>"
    )
    result = read_html(page)
    text = body_text(result.article)
    assert text.startswith("Every town needs a place")
    assert "I have read this twice" not in text


def test_the_title_matches_a_heading_with_typographic_quotes() -> None:
    comments = "".join(f"<article>{COMMENT * 4}</article>" for _ in range(3))
    page = (
        "<html><head><meta property='og:title' content=\"It's Time for Benches\"></head><body>"
        f"<article><h1>It’s Time for Benches</h1>{BODY * 3}</article><div>{comments}</div></body></html>"
    )
    text = body_text(read_html(page).article)
    assert "Every town needs a place" in text
    assert "I have read this twice" not in text
