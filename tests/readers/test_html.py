"""The HTML reader: five pages shaped like real news sites, decoding, figures, footnotes and hostile pages."""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import opedexport
from loopback import Listener, listening
from opedexport.errors import InputError, LimitError, TextNormalisedWarning
from opedexport.model import (
    Article,
    Author,
    Block,
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
    Strong,
    Table,
    Text,
    iter_nodes,
    notes_in_order,
    plain_text,
)
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.html import HtmlReader, safe_url
from opedexport.serialize import article_to_json

DATA = Path(__file__).resolve().parents[1] / "data" / "html"


def read_page(name: str, lang: str | None = None) -> ReadResult:
    return HtmlReader().read(Source.from_path(DATA / name), lang=lang)


def read_html(markup: str | bytes, *, path: str = "page.html", lang: str | None = None) -> ReadResult:
    data = markup.encode("utf-8") if isinstance(markup, str) else markup
    return HtmlReader().read(Source(data, Path(path)), lang=lang)


def outline(body: tuple[Block, ...]) -> list[str]:
    """One line per block: ``H1 text``, ``P first words``, ``FIG alt``, ``Q``, ``L``, ``PQ``, ``T`` …"""
    out = []
    for block in body:
        if isinstance(block, Heading):
            out.append(f"H{block.level} {plain_text(block.children)}")
        elif isinstance(block, Paragraph):
            out.append("P " + " ".join(plain_text(block.children).split()[:3]))
        elif isinstance(block, Figure):
            out.append(f"FIG {block.alt}")
        else:
            out.append(
                {BlockQuote: "Q", ListBlock: "L", PullQuote: "PQ", Table: "T"}.get(type(block), type(block).__name__)
            )
    return out


def note_texts(article: Article) -> list[str]:
    return [
        " ".join(plain_text(b.children) for b in n.blocks if isinstance(b, Paragraph)) for n in notes_in_order(article)
    ]


def assert_absent(article: Article, *phrases: str) -> None:
    """None of ``phrases`` appears anywhere in the article (its JSON form, case-insensitively)."""
    dump = article_to_json(article).casefold()
    for phrase in phrases:
        assert phrase.casefold() not in dump, f"{phrase!r} leaked into the article"


def figures(article: Article) -> list[Figure]:
    return [n for n in iter_nodes(article) if isinstance(n, Figure)]


def test_reader_declares_itself() -> None:
    assert HtmlReader.name == "html"
    assert HtmlReader.suffixes == (".html", ".htm")


def test_registered_by_suffix() -> None:
    article = opedexport.read(DATA / "wordpress_en.html")
    assert article.title == "Shade Is a Public Good"
    assert article.source_path == DATA / "wordpress_en.html"


# --------------------------------------------------------------------------- WordPress (en)


@pytest.fixture(scope="module")
def wordpress() -> ReadResult:
    return read_page("wordpress_en.html")


def test_wordpress_metadata_from_json_ld_graph(wordpress: ReadResult) -> None:
    article = wordpress.article
    assert article.title == "Shade Is a Public Good"
    # The Article node names its author by @id only; the Person node in the @graph has the rest.
    assert article.authors == (
        Author(
            "Maya Lindqvist",
            "Associate Professor of Urban Planning, Lakeside University",
            url="https://civicledger.example/author/maya/",
        ),
    )
    assert article.date == dt.date(2025, 6, 2)
    assert article.lang == "en-US"
    assert article.publication == "The Civic Ledger"
    assert article.tags == ("urban planning", "climate", "trees")
    assert article.summary == "Why every city budget should treat street trees as infrastructure."
    assert article.source_url == "https://civicledger.example/2025/06/02/shade-is-a-public-good/"


def test_wordpress_body(wordpress: ReadResult) -> None:
    article = wordpress.article
    assert outline(article.body) == [
        "P Every summer the",
        "H1 Trees are infrastructure",
        "P A street tree",
        "FIG A row of elm trees shading a sidewalk",
        "P The cost of",
        "H2 What the budget should say",
        "L",
        "Q",
        "P Plant the trees",
    ]
    tree = article.body[2]
    assert isinstance(tree, Paragraph)
    assert Strong((Text("twenty degrees"),)) in tree.children
    assert Emph((Text("trees get volunteers"),)) in tree.children
    assert Link((Text("a study of forty cities"),), "https://example.org/heat-study") in tree.children
    quote = article.body[7]
    assert isinstance(quote, BlockQuote)
    assert plain_text(quote.attribution) == "Jane Jacobs Award jury, 2019"


def test_wordpress_figure_and_footnote(wordpress: ReadResult) -> None:
    article = wordpress.article
    (figure,) = figures(article)
    assert figure.src == "https://civicledger.example/wp-content/uploads/2025/06/elm-street.jpg"
    assert figure.alt == "A row of elm trees shading a sidewalk"
    assert plain_text(figure.caption) == "Elm Street in July, ten degrees cooler than the next block."
    assert figure.credit == "Photo: Ana Ruiz"
    # WordPress core footnotes: <sup data-fn><a href="#id"> and <ol class="wp-block-footnotes">; the ↩ link is gone.
    assert note_texts(article) == ["City heat survey, 2024 edition."]
    first = article.body[0]
    assert isinstance(first, Paragraph) and isinstance(first.children[1], Note)


def test_wordpress_chrome_is_gone(wordpress: ReadResult) -> None:
    assert_absent(
        wordpress.article,
        "Skip to content",
        "About us",
        "Share this",
        "Facebook",
        "Parks are not a luxury",
        "Posted in",
        "Tagged",
        "Bus lanes work",
        "Greg says",
        "Leave a Reply",
        "Recent Posts",
        "Proudly powered",
        "_wpemojiSettings",
        "wp--preset",
        "↩",
    )
    rules = {r.rule for r in wordpress.removed}
    assert {"chrome:share", "chrome:related"} <= rules


# --------------------------------------------------------------------------- Detik/Kompas-like (id)


@pytest.fixture(scope="module")
def detik() -> ReadResult:
    return read_page("detik_kolom_id.html")


def test_detik_metadata(detik: ReadResult) -> None:
    article = detik.article
    assert article.title == "Menata Ulang Transportasi Publik Jabodetabek"
    # JSON-LD names the author; the visible byline adds the affiliation; the trailer note becomes the bio.
    assert article.authors == (
        Author(
            "Ahmad Fauzi",
            "Dosen Ilmu Politik Universitas Gadjah Mada",
            bio="Penulis adalah dosen Ilmu Politik Universitas Gadjah Mada dan peneliti kebijakan transportasi.",
        ),
    )
    assert article.date == dt.date(2025, 5, 12)
    assert article.lang == "id"
    assert article.publication == "WartaKita"
    assert article.tags == ("transportasi", "jabodetabek", "kebijakan publik")


def test_detik_body(detik: ReadResult) -> None:
    article = detik.article
    assert outline(article.body) == [
        "FIG Penumpang KRL di Stasiun Manggarai",
        "P Jakarta - Setiap",
        "P Integrasi tarif yang",
        "H1 Satu Otoritas, Satu Peta",
        "P Kota-kota lain sudah",
        "P Tanpa otoritas tunggal,",
        "H1 Apa yang Harus Dilakukan",
        "L",
        "Q",
        "P Pemerintah pusat dan",
    ]
    (figure,) = figures(article)
    assert figure.src == "https://akcdn.wartakita.example/foto/krl.jpg"
    assert plain_text(figure.caption) == "Penumpang menunggu kereta di Stasiun Manggarai pada jam sibuk."
    assert figure.credit == "Foto: Rengga Sancaya/WartaKita"
    assert note_texts(article) == ["Data Badan Pengelola Transportasi Jabodetabek, 2024."]
    listing = article.body[7]
    assert isinstance(listing, ListBlock) and listing.ordered and len(listing.items) == 2


def test_detik_boilerplate_is_gone_and_reported(detik: ReadResult) -> None:
    assert_absent(
        detik.article,
        "Baca juga",
        "Mengapa Macet",
        "Subsidi yang Salah",
        "ADVERTISEMENT",
        "SCROLL TO CONTINUE",
        "IKLAN",
        "Bagikan",
        "Salin Link",
        "Berita Terpopuler",
        "Harga Cabai",
        "Komentar",
        "Pedoman Media Siber",
        "(ega/ega)",
        "googletag",
    )
    removed = {(r.text, r.rule) for r in detik.removed}
    assert ("Baca juga: Mengapa Macet Tak Kunjung Usai", "boilerplate:read-also") in removed
    assert ("Baca juga: Subsidi yang Salah Sasaran", "boilerplate:read-also") in removed
    assert ("(ega/ega)", "boilerplate:editor-trailer") in removed
    assert all(r.line > 40 for r in detik.removed if r.rule.startswith("boilerplate:"))  # lines in the page


# --------------------------------------------------------------------------- Guardian/NYT-like (en)


@pytest.fixture(scope="module")
def guardian() -> ReadResult:
    return read_page("guardian_opinion_en.html")


def test_guardian_metadata_prefers_json_ld(guardian: ReadResult) -> None:
    article = guardian.article
    # og:title carries the bylines and og:site_name another name: JSON-LD's OpinionNewsArticle wins.
    assert article.title == "The four-day week is a climate policy"
    assert article.subtitle == "Less commuting, less energy, more time"
    assert article.authors == (
        Author("Anna Berg", "Senior Research Fellow, Institute for Work and Time"),
        Author("Tomás Ortega", "Professor of Environmental Economics, University of Valencia"),
    )
    assert article.date == dt.date(2025, 2, 14)
    assert article.lang == "en-GB"
    assert article.publication == "The Morning Courier"
    assert article.tags == ("Working week", "Climate crisis", "Economics")
    assert article.rights == "© 2025 The Morning Courier"
    assert article.source_url == "https://www.courier.example/commentisfree/2025/feb/14/four-day-week-climate-policy"


def test_guardian_body(guardian: ReadResult) -> None:
    article = guardian.article
    assert outline(article.body) == [
        "FIG An empty open-plan office on a Friday",
        "P When Iceland trialled",
        "P Fewer commuting days",
        "H1 The numbers add up",
        "P A study by",
        "Q",
        "P None of this",
        "H1 What governments can do",
        "P Start with the",
    ]
    (figure,) = figures(article)
    assert plain_text(figure.caption) == "Offices stand half-empty on Fridays already."
    assert figure.credit == "Photograph: Lena Holm/Getty Images"
    quote = article.body[5]
    assert isinstance(quote, BlockQuote) and plain_text(quote.attribution) == "Amory Lovins"
    # role="doc-noteref" links to <aside role="doc-footnote">; the notes keep their markup.
    assert note_texts(article) == [
        "Association for Sustainability and Democracy, Going Public, 2021.",
        "Platform London, Stop the Clock, 2021.",
    ]
    links = [n for n in iter_nodes(notes_in_order(article)[1].blocks) if isinstance(n, Link)]
    assert [link.url for link in links] == ["https://example.org/stop-the-clock"]


def test_guardian_chrome_is_gone(guardian: ReadResult) -> None:
    assert_absent(
        guardian.article,
        "Skip to main content",
        "Support the Courier",
        "Share on Facebook",
        "Share via Email",
        "Advertisement",
        "Remote work did not save",
        "Sign up to This is Europe",
        "Most viewed",
        "Pandas escape",
        "Comments (142)",
        "discussion is closed",
        "Media Group",
        "isPaidContent",
        "[1]",
    )


# --------------------------------------------------------------------------- Substack-like (en)


@pytest.fixture(scope="module")
def substack() -> ReadResult:
    return read_page("substack_en.html")


def test_substack_metadata(substack: ReadResult) -> None:
    article = substack.article
    assert article.title == "The Quiet Collapse of Local News"
    assert article.subtitle == "What disappears when the town paper does"
    # The affiliation sits in the visible byline only, in its own element after a " · ".
    assert article.authors == (
        Author("Sam Whitfield", "Senior Fellow, Center for Civic Media", url="https://substack.example/@samwhitfield"),
    )
    assert article.date == dt.date(2025, 3, 4)
    assert article.publication == "The Long View"
    assert article.lang == "en"  # no language stated: detected
    assert any("detected" in n for n in substack.notes)


def test_substack_body(substack: ReadResult) -> None:
    article = substack.article
    assert outline(article.body) == [
        "P In 2004 my",
        "P This is not",
        "H1 What we lose",
        "P We lose the",
        "FIG An idle printing press in a closed newsroom",
        "H2 And what might replace it",
        "P Nonprofit newsrooms are",
        "P closures_2005_2024 = 2900",
        "P If you care",
    ]
    (figure,) = figures(article)
    assert figure.src == "https://substackcdn.example/image/fetch/w_1456/press.jpg"
    assert plain_text(figure.caption) == "The press of the Millbrook Gazette, idle since 2019."
    code = article.body[7]
    assert isinstance(code, Paragraph) and code.children == (Code("closures_2005_2024 = 2900"),)
    assert note_texts(article) == [
        "Pew Research Center, State of the News Media, 2023.",
        "Gao, Lee and Murphy, “Financing Dies in Darkness?”, 2020.",
    ]


def test_substack_chrome_is_gone(substack: ReadResult) -> None:
    assert_absent(
        substack.article,
        "Sign in",
        "Like 212",
        "48 comments",
        "Thanks for reading",
        "Type your email",
        "Discussion about this post",
        "school board scandal",
        "Start writing",
        "_preloads",
    )
    assert not any(plain_text(b.children) == "Share" for b in substack.article.body if isinstance(b, Paragraph))


# --------------------------------------------------------------------------- OpenGraph and a visible byline (id)


@pytest.fixture(scope="module")
def depokpos() -> ReadResult:
    return read_page("opengraph_byline_id.html")


def test_opengraph_page_metadata(depokpos: ReadResult) -> None:
    article = depokpos.article
    assert article.title == "Banjir Depok dan Hilangnya Situ"
    # No JSON-LD and no author meta: "Oleh: A dan B (Afiliasi)" read with the text reader's rules.
    assert article.authors == (
        Author("Siti Rahma", "Universitas Indonesia"),
        Author("Budi Santoso", "Universitas Indonesia"),
    )
    assert article.date == dt.date(2025, 1, 20)
    assert article.lang == "id"
    assert article.publication == "DepokPos"
    assert article.tags == ("banjir", "tata kota")
    assert article.summary == "Situ yang diuruk adalah banjir yang ditunda."


def test_opengraph_page_body_found_by_scoring(depokpos: ReadResult) -> None:
    # Nothing marks the body (no <article>, <main> or known class): the paragraphs' scores find it.
    article = depokpos.article
    assert outline(article.body) == [
        "P Hujan deras dua",
        "FIG Situ Rawa Besar yang menyempit karena permukiman",
        "P Jawabannya ada di",
        "H1 Situ sebagai Spons Kota",
        "P Situ bekerja seperti",
        "P Pemerintah kota perlu",
    ]
    (figure,) = figures(article)
    assert figure.src == "images/situ-rawa-besar.jpg"  # a saved page's own image: a relative path
    assert plain_text(figure.caption) == "Situ Rawa Besar kini tinggal separuh dari luasnya pada 1990-an."
    assert note_texts(article) == [
        "Data BPBD Kota Depok, Januari 2025.",
        "Lihat kajian Pusat Studi Perkotaan UI tentang daya tampung situ.",
    ]
    assert_absent(
        article,
        "Baca Juga",
        "Macet Margonda",
        "Google News",
        "Bagikan",
        "Artikel Terkait",
        "Terpopuler",
        "Pemadaman",
        "Hak Cipta",
        "Opini |",
        "Iklan",
    )


# --------------------------------------------------------------------------- smaller behaviours


PAGE = """<!doctype html><html{attrs}><head><meta charset="{charset}"><title>{title}</title></head>
<body><article><h1>{title}</h1>{body}</article></body></html>"""
TEXT = "<p>The council voted on Tuesday to close the library, and the town is angry about it.</p>"


def page(body: str = TEXT, *, title: str = "A Title", charset: str = "utf-8", attrs: str = "") -> str:
    return PAGE.format(attrs=attrs, charset=charset, title=title, body=body)


def test_lang_argument_wins_over_the_page() -> None:
    assert read_html(page(attrs=' lang="id"'), lang="en-GB").article.lang == "en-GB"
    assert read_html(page(attrs=' lang="id"')).article.lang == "id"
    assert read_html(page()).article.lang == "en"  # detected


def test_meta_charset_and_bom() -> None:
    latin = page("<p>Caf\xe9 owners say the r\xe9gime of permits is unfair to them all.</p>", charset="windows-1252")
    assert "Café" in plain_text(read_html(latin.encode("cp1252")).article.body[0].children)  # type: ignore[union-attr]
    utf16 = "\ufeff" + page("<p>Kafe di Depok mengeluh soal izin yang terlalu rumit bagi mereka.</p>")
    result = read_html(utf16.encode("utf-16-le"))
    assert plain_text(result.article.body[0].children).startswith("Kafe")  # type: ignore[union-attr]
    assert any("byte order mark" in n for n in result.notes)


def test_undecodable_and_empty_pages_name_the_file() -> None:
    with pytest.raises(InputError, match=r"^bad\.html:1: cannot decode the page as UTF-8"):
        read_html(b"<p>caf\xe9</p>", path="bad.html")
    with pytest.raises(InputError, match=r"^empty\.html: the input is empty"):
        read_html(b"  \n ", path="empty.html")


def test_no_article_found() -> None:
    chrome = "<html><body><nav><a href='/'>Home</a></nav><footer>© 2025</footer></body></html>"
    with pytest.raises(InputError, match=r"^page\.html: no article found"):
        read_html(chrome)


def test_too_deep_a_page_is_refused() -> None:
    with pytest.raises(LimitError, match="levels deep"):
        read_html(page("<div>" * 300 + "x" + "</div>" * 300))


def test_title_from_h1_and_heading_levels_by_rank() -> None:
    body = "<h3>First</h3><p>Some text here for the section.</p><h4>Second</h4><p>More text in it.</p>"
    article = read_html(f"<html><body><article><h1>Only an H1</h1>{body}</article></body></html>").article
    assert article.title == "Only an H1"
    assert outline(article.body)[::2] == ["H1 First", "H2 Second"]


def test_text_in_a_div_split_at_double_breaks() -> None:
    body = "<div class='entry-content'>First para, <b>bold</b>  here.<br><br>\n Second<br>line two. </div>"
    article = read_html(page(body)).article
    assert [b.children for b in article.body if isinstance(b, Paragraph)] == [
        (Text("First para, "), Strong((Text("bold"),)), Text(" here.")),
        (Text("Second"), LineBreak(), Text("line two.")),
    ]


def test_images_kept_only_as_relative_paths_or_http_urls() -> None:
    body = """
    <figure><img src="photos/a%20b.jpg" alt="local"><figcaption>Local file</figcaption></figure>
    <figure><img src="/wp-content/b.jpg" alt="rooted"></figure>
    <figure><img src="data:image/gif;base64,R0lGOD" data-src="https://cdn.example.org/lazy.jpg" alt="lazy"></figure>
    <figure><img src="../../etc/passwd" alt="escaping"><figcaption>Up and out</figcaption></figure>
    <figure><img src="data:image/png;base64,iVBORw0KGgo=" alt="inline data"></figure>
    <p>Enough text to make this the article body, with a comma or two, surely.</p>"""
    head = '<link rel="canonical" href="https://news.example.org/2025/opinion/piece">'
    result = read_html(f"<html><head>{head}</head><body><article><h1>T</h1>{body}</article></body></html>")
    assert [(f.src, f.alt) for f in figures(result.article)] == [
        ("photos/a b.jpg", "local"),
        ("https://news.example.org/wp-content/b.jpg", "rooted"),
        ("https://cdn.example.org/lazy.jpg", "lazy"),
    ]
    # A refused image keeps its caption as an italic paragraph; each refusal is noted.
    assert Paragraph((Emph((Text("Up and out"),)),)) in result.article.body
    assert sum("left out" in n for n in result.notes) == 2


def test_pull_quote_and_table() -> None:
    body = """<p>Text before the quote, long enough to count as a paragraph.</p>
    <figure class="wp-block-pullquote"><blockquote><p>Shade is a public good.</p><cite>The editors</cite></blockquote></figure>
    <table><thead><tr><th>City</th><th>Trees</th></tr></thead><tbody><tr><td>Depok</td><td>12</td></tr></tbody>
    <caption>Canopy</caption></table>"""
    article = read_html(page(body)).article
    assert PullQuote((Text("Shade is a public good."),), (Text("The editors"),)) in article.body
    assert (
        Table(((Text("City"),), (Text("Trees"),)), (((Text("Depok"),), (Text("12"),)),), caption=(Text("Canopy"),))
        in article.body
    )


def test_a_footnote_referenced_twice_is_placed_once() -> None:
    body = """<p>One<a href="#n1" class="footnote-ref">1</a> and again<a href="#n1" class="footnote-ref">1</a>.</p>
    <section class="footnotes"><ol><li id="n1">The note.</li></ol></section>"""
    result = read_html(page(body))
    assert note_texts(result.article) == ["The note."]
    assert any("referenced again" in n for n in result.notes)


def test_safe_url() -> None:
    assert safe_url("https://example.org/a") == "https://example.org/a"
    assert safe_url("/b?c=1", "https://example.org/x/y") == "https://example.org/b?c=1"
    assert safe_url("mailto:ed@example.org") == "mailto:ed@example.org"
    assert safe_url("relative/page.html") == "relative/page.html"
    for bad in ("javascript:alert(1)", "java\nscript:alert(1)", "file:///etc/passwd", "data:text/html,x", "#top", ""):
        assert safe_url(bad) == ""


# --------------------------------------------------------------------------- hostile pages


@pytest.fixture
def server() -> Iterator[Listener]:
    """A loopback HTTP server on a free port that records every request."""
    with listening() as listener:
        yield listener


def test_hostile_page_reads_nothing_outside_and_connects_nowhere(server: Listener, tmp_path: Path) -> None:
    loopback = server.url
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    hostile = f"""<!DOCTYPE html [<!ENTITY xxe SYSTEM "{secret.as_uri()}"><!ENTITY net SYSTEM "{loopback}/entity">]>
<html><head>
<link rel="stylesheet" href="file:///etc/passwd"><link rel="stylesheet" href="{loopback}/style.css">
<link rel="preload" href="{loopback}/preload"><meta http-equiv="refresh" content="0;url={loopback}/refresh">
<script src="{loopback}/script.js"></script><script>fetch("{loopback}/inline")</script>
<base href="{loopback}/base/"><style>@import url("{loopback}/import.css"); body {{ background: url("{loopback}/bg") }}</style>
</head><body onload="fetch('{loopback}/onload')">
<article><h1>A hostile page</h1>
<p>&xxe; &net; The council voted on Tuesday, after a long debate, to close the library on Sundays.</p>
<img src="file:///etc/passwd" onerror="fetch('{loopback}/onerror')" alt="">
<img src="{secret.as_uri()}" alt="secret">
<p style="background:url({loopback}/inline-style)">A link that runs script: <a href="javascript:fetch('{loopback}/js')">click</a>
and one to a file: <a href="file:///etc/passwd">passwd</a>.</p>
<iframe src="{loopback}/iframe"></iframe><object data="{loopback}/object"></object><embed src="{loopback}/embed">
<svg><image href="{loopback}/svg-image"/><script>alert(1)</script></svg>
<video src="{loopback}/video" poster="{loopback}/poster"></video>
<form action="{loopback}/form"><input name="q" value="injected"></form>
<noscript><img src="{loopback}/noscript"></noscript><template><p>template text</p></template>
</article></body></html>"""
    with pytest.warns(TextNormalisedWarning, match=r"hostile\.html:\d+: dropped the unsafe link target") as caught:
        result = read_html(hostile, path=str(tmp_path / "hostile.html"))
    assert len(caught) == 2  # javascript: and file:
    dump = article_to_json(result.article)
    assert "root:x:0:0" not in dump
    for leaked in ("javascript", "file://", "fetch(", "alert", "injected", "template text", "etc/passwd", "secret"):
        assert leaked not in dump, leaked
    assert server.paths == [] and server.connections == 0
    paragraphs = [plain_text(b.children) for b in result.article.body if isinstance(b, Paragraph)]
    assert paragraphs[1] == "A link that runs script: click and one to a file: passwd."
    assert not figures(result.article)


def test_a_page_linking_to_the_server_keeps_the_url_but_fetches_nothing(server: Listener) -> None:
    loopback = server.url
    body = f'<figure><img src="{loopback}/photo.jpg" alt="remote"><figcaption>Remote</figcaption></figure>' + TEXT
    article = read_html(page(body)).article
    assert [f.src for f in figures(article)] == [f"{loopback}/photo.jpg"]
    assert server.paths == [] and server.connections == 0


# --------------------------------------------------------------------------- robustness


def test_odd_json_ld_is_survived() -> None:
    odd = [
        '{"@type": 5, "headline": {"a": [1]}, "author": 7}',
        '{"@graph": "x"}',
        '[{"@type": ["NewsArticle"], "headline": ["", "Second"], "author": [null, "", {"@id": "#nobody"}],'
        ' "datePublished": 20250101, "inLanguage": {"alternateName": "not a tag!"}, "keywords": {"x": 1}}]',
        '{"@type": "Article", "headline": "Ctl\\u0001 \\ud800char", "author": {"@type": "Person", "name": "  "}}',
        "[" * 5000 + "]" * 5000,
        "not json at all",
    ]
    for data in odd:
        markup = f'<html><head><script type="application/ld+json">{data}</script></head><body>{page()}</body></html>'
        article = read_html(markup).article
        assert article.title in ("A Title", "Second", "Ctl char")


FRAGMENTS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div class='entry-content'>",
        "</div>",
        "<h2>",
        "</h2>",
        "<a href='#fn1' class='footnote-ref'>",
        "<a href='javascript:x'>",
        "</a>",
        "<li id='fn1'>",
        "<ol class='footnotes'>",
        "</ol>",
        "<blockquote>",
        "<br>",
        "<figure><img src='x.jpg' alt='a'><figcaption>c</figcaption></figure>",
        "<table><tr><td>1</td><td>2</td></tr>",
        "<img src='file:///etc/passwd'>",
        "<script>x</script>",
        "<nav>menu</nav>",
        "<article>",
        "<sup>1</sup>",
        "&amp;",
        "<em>",
        "<strong>",
        "<pre>code</pre>",
        "<ul><li>",
        "\x00",
        "\u202e",
        "Some words, and more words here. ",
    ]
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=40))
def test_any_markup_reads_or_fails_cleanly(parts: list[str]) -> None:
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", r"page.html:\d+: dropped the unsafe link target", TextNormalisedWarning)
            result = read_html("<h1>Title</h1>" + "".join(parts))
    except InputError:
        return
    assert result.article.title
    article_to_json(result.article)
