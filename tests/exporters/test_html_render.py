from __future__ import annotations

import re

from lxml import etree

from conftest import feature_article
from opedexport import model as m
from opedexport.exporters._html import XHTML_NS, css_for, render_article, to_html_string, to_xhtml_bytes
from opedexport.theme import Theme

NS = {"h": XHTML_NS, "epub": "http://www.idpf.org/2007/ops"}


def keep(fig: m.Figure) -> str:
    return fig.src


def test_epub_tree_is_xhtml_with_epub3_footnotes() -> None:
    article = feature_article("en")
    rendered = render_article(article, Theme.load(), target="epub", image_src=keep)
    data = to_xhtml_bytes(rendered.root)
    root = etree.fromstring(data)  # well-formed XML
    assert root.get("lang") == "en"
    refs = root.findall(".//h:a[@epub:type='noteref']", NS)
    notes = root.findall(".//h:aside[@epub:type='footnote']", NS)
    assert [r.get("href") for r in refs] == ["#fn1", "#fn2"]
    assert [n.get("id") for n in notes] == ["fn1", "fn2"]
    backlinks = [a.get("href") for a in root.findall(".//h:aside//h:a[@role='doc-backlink']", NS)]
    assert backlinks == ["#fnref1", "#fnref2"]
    assert b"<script" not in data


def test_headings_are_numbered_and_shifted_below_the_title() -> None:
    rendered = render_article(feature_article("id"), Theme.load(), target="epub", image_src=keep)
    assert [(h.level, h.id, h.text) for h in rendered.headings] == [
        (1, "sec-1", "Bagian Pertama"),
        (2, "sec-2", "Subbagian"),
        (3, "sec-3", "Sub-subbagian"),
    ]
    root = rendered.root
    assert root.find(".//h:h2[@id='sec-1']", NS) is not None
    assert root.find(".//h:h4[@id='sec-3']", NS) is not None
    assert root.find(".//h:h1", NS).text == "Judul Uji Lengkap"


def test_pdf_html_has_float_footnotes_inline_and_no_namespaces() -> None:
    html = to_html_string(render_article(feature_article("en"), Theme.load(), target="pdf", image_src=keep).root)
    assert html.startswith("<!DOCTYPE html>")
    assert "xmlns" not in html and "epub:" not in html
    assert '<span class="footnote"><span class="footnote-part">First note with <em>italics</em></span></span>' in html
    assert "Second note, paragraph one." in html and "Note paragraph two." in html


def test_text_is_escaped_never_interpreted() -> None:
    article = m.Article(
        title="<script>alert(1)</script> & co",
        lang="en",
        body=(m.Paragraph((m.Text('<img src=x onerror="alert(1)">'),)),),
    )
    data = to_xhtml_bytes(render_article(article, Theme.load(), target="epub", image_src=keep).root)
    assert b"<script" not in data and b"<img" not in data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in data


def test_refused_figure_is_left_out_with_its_caption() -> None:
    article = feature_article("en")
    rendered = render_article(article, Theme.load(), target="epub", image_src=lambda fig: None)
    data = to_xhtml_bytes(rendered.root)
    assert b'<figure class="figure"' not in data and b"Figure caption" not in data
    assert rendered.images == []


def test_labels_follow_the_article_language() -> None:
    data = to_xhtml_bytes(render_article(feature_article("id"), Theme.load(), target="epub", image_src=keep).root)
    text = data.decode()
    assert '<span class="by">Oleh</span>' in text
    assert "Siti Rahma dan Budi Santoso" in text
    assert "12 Mei 2025" in text
    assert ">Catatan</h2>" in text
    assert "Foto: Tim Data" in text


def test_css_comes_from_tokens() -> None:
    default = Theme.load()
    changed = default.with_tokens(colors={"accent": "#123456"})
    assert "#123456" not in css_for(default, "print")
    assert "#123456" in css_for(changed, "print") and "#123456" in css_for(changed, "epub")
    assert "@page" in css_for(default, "print") and "@page" not in css_for(default, "epub")
    # reflowable: sizes and spacing in em, never in points (hairline borders may stay in pt)
    assert not re.search(r"(font-size|margin|padding|text-indent):[^;]*\dpt", css_for(default, "epub"))
    assert re.search(r"font-size: 11pt", css_for(default, "print"))
    # the rules for books only where a book is made
    assert "book-title" not in css_for(default, "print") and "book-title" in css_for(default, "print", book=True)
