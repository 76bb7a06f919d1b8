"""The plain-text reader on whole pages copied from a browser: the article found among menus, share rows,
link lists, comments and footers; nothing dropped without a report; disclosure and publication taken."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from opedexport.model import Author, Block, Heading, Paragraph, plain_text
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.text import TextReader

COPIED = Path(__file__).resolve().parents[1] / "data" / "text" / "copied"
PAGES = sorted(COPIED.glob("*.txt"))


def read_file(path: Path) -> ReadResult:
    return TextReader().read(Source.from_path(path))


def read_text(text: str, lang: str | None = None) -> ReadResult:
    return TextReader().read(Source(text.encode()), lang=lang)


def outline(body: tuple[Block, ...]) -> list[tuple[str, str]]:
    return [
        ("H" if isinstance(b, Heading) else "P", plain_text(b.children))
        for b in body
        if isinstance(b, (Heading, Paragraph))
    ]


def rules(result: ReadResult) -> dict[int, str]:
    return {r.line: r.rule for r in result.removed}


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the line of ``path`` that is exactly ``text``."""
    return path.read_text(encoding="utf-8").split("\n").index(text) + 1


# --------------------------------------------------------------------------- the article among the page


def test_english_page_keeps_the_article_and_only_it() -> None:
    result = read_file(COPIED / "en_page.txt")
    blocks = outline(result.article.body)
    assert [kind for kind, _ in blocks] == ["P", "P", "H", "P", "P", "P"]
    assert blocks[0][1].startswith("For most of the last century, engineers treated urban rivers as drains")
    assert blocks[1][1].endswith("where a river used to be.")
    assert blocks[2] == ("H", "A Different Kind of Infrastructure")
    assert blocks[-1][1] == (
        "None of this is cheap, and none of it happens quickly. But the alternative is to keep paying for "
        "repairs to a system that was designed for a climate we no longer have."
    )
    text = " ".join(t for _, t in blocks)
    for chrome in ("cookies", "Flood barriers", "riverfan", "Great piece", "corner shop", "Privacy", "Instagram"):
        assert chrome not in text


def test_english_page_metadata() -> None:
    article = read_file(COPIED / "en_page.txt").article
    assert article.title == "Why Cities Should Stop Paving Their Rivers"  # the site name left the title ...
    assert article.publication == "The Harbour Ledger"  # ... for the publication
    assert article.authors == (
        Author("Maria Lindqvist", bio="Maria Lindqvist is a hydrologist and the author of a book on urban water."),
    )
    assert article.date == dt.date(2024, 3, 4)
    assert article.disclosure == "The views expressed here are the author's own."
    assert article.lang == "en"


def test_english_page_removal_rules() -> None:
    path = COPIED / "en_page.txt"
    removed = rules(read_file(path))
    assert removed[line_of(path, "Skip to main content")] == "page:before-article"
    assert removed[line_of(path, "Accept")] == "page:before-article"
    assert removed[line_of(path, "Facebook Twitter WhatsApp Email")] == "boilerplate:share"  # a bare row of networks
    assert removed[line_of(path, "Related")] == "boilerplate:related"
    assert removed[line_of(path, "Flood barriers fail in the north")] == "page:link-list"
    assert removed[line_of(path, "Why insurers are leaving the coast")] == "page:link-list"
    follow = "Follow The Harbour Ledger on Instagram, click here for more stories like this."
    assert removed[line_of(path, follow)] == "boilerplate:call-to-action"
    assert removed[line_of(path, "The views expressed here are the author's own.")] == "metadata:disclosure"
    comment = "Great piece, we need more of this in our town and I hope the council is listening to every word of it."
    assert removed[line_of(path, comment)] == "page:after-article"
    assert removed[line_of(path, "Let the trains run all night")] == "page:after-article"
    assert removed[line_of(path, "© 2024 The Harbour Ledger. All rights reserved.")] == "boilerplate:copyright"


def test_indonesian_page_keeps_the_article_and_only_it() -> None:
    result = read_file(COPIED / "id_page.txt")
    blocks = outline(result.article.body)
    assert [kind for kind, _ in blocks] == ["P", "P", "H", "P", "P", "P"]
    assert blocks[0][1].startswith("Selama puluhan tahun, sungai di kota-kota kita")
    assert blocks[2] == ("H", "Memberi Ruang pada Sungai")
    assert blocks[-1][1].endswith("iklim yang sudah tidak ada lagi.")
    text = " ".join(t for _, t in blocks)
    for chrome in ("cookie", "Tanggul Jebol", "Google News", "Harga Cabai", "Kebijakan Privasi", "penulis tamu"):
        assert chrome not in text


def test_indonesian_page_metadata() -> None:
    path = COPIED / "id_page.txt"
    result = read_file(path)
    article = result.article
    assert article.title == "Menjaga Sungai Kota dari Beton"
    assert article.publication == "Kabar Banua"  # named by the follow-us line (and the copyright line)
    assert article.authors == (
        Author(
            "Siti Rahmawati",
            "Dosen Teknik Sipil Universitas Lambung Mangkurat",
            bio="Penulis adalah dosen Teknik Sipil Universitas Lambung Mangkurat, Banjarmasin.",
        ),
    )
    assert article.date == dt.date(2024, 3, 4)
    assert article.disclosure == "Siti Rahmawati adalah penulis tamu. Opini ini sepenuhnya tanggung jawab penulis."
    assert article.lang == "id"
    removed = rules(result)
    assert (
        removed[line_of(path, "Ikuti berita Kabar Banua di Google News, klik di sini.")] == "boilerplate:call-to-action"
    )
    assert removed[line_of(path, "Facebook Instagram YouTube TikTok")] == "boilerplate:share"
    assert removed[line_of(path, "Taman Kota Baru di Bekas Rel Kereta")] == "page:link-list"
    assert removed[line_of(path, "Tulis Komentar")] == "page:after-article"


def test_spanish_page() -> None:
    """Spanish has a rules file (es.toml) since more languages came: it is detected and its rules apply."""
    result = read_file(COPIED / "es_page.txt")
    article = result.article
    assert article.lang == "es"
    assert any("language es: detected" in note for note in result.notes)
    assert article.title == "La ciudad que devolvió su río a los vecinos"
    assert article.publication == "Diario del Valle"
    blocks = outline(article.body)
    assert [kind for kind, _ in blocks] == ["P", "P", "P"]
    assert blocks[0][1].startswith("Durante décadas el río estuvo escondido")
    assert blocks[-1][1].endswith("sin dañar las casas.")


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_nothing_is_lost_unreported(path: Path) -> None:
    """Every non-blank line is in the body or in ``removed`` (with its line and rule), never in both."""
    result = read_file(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    body = " ".join(t for _, t in outline(result.article.body))
    removed = rules(result)
    assert [r.line for r in result.removed] == sorted(removed)
    for number, line in enumerate(lines, 1):
        text = " ".join(line.split())
        if not text:
            continue
        if number in removed:
            assert removed[number]
            assert text not in body or len(text.split()) < 3, (number, text)
        else:
            assert text in body, (number, text)


# --------------------------------------------------------------------------- a clean copy stays whole


def test_clean_copy_keeps_its_short_closing_lines() -> None:
    text = (
        "Judul Opini\n\n"
        "Oleh: Budi Santoso\n\n"
        "Paragraf pertama ini cukup panjang untuk menjadi bagian dari artikel yang sedang kita baca bersama.\n\n"
        "Paragraf kedua juga cukup panjang sehingga tulisan ini terlihat seperti sebuah opini yang utuh.\n\n"
        "Paragraf ketiga menutup argumen dengan kalimat yang sama panjangnya dengan paragraf sebelumnya.\n\n"
        "Semoga.\n\n"
        "Wallahualam\n"
    )
    result = read_text(text)
    assert [t for _, t in outline(result.article.body)][-2:] == ["Semoga.", "Wallahualam"]
    assert not [r for r in result.removed if r.rule.startswith("page:")]


def test_clean_copy_keeps_a_closing_list() -> None:
    """Short lines after the prose are a page's footer only when the page had chrome above or boilerplate below."""
    paragraph = "Paragraf ini cukup panjang untuk menjadi bagian dari artikel opini yang sedang kita baca bersama."
    items = ["Referensi:", "Badan Pusat Statistik (2023)", "Bank Dunia (2022)", "Kementerian Keuangan (2024)"]
    result = read_text("Judul Opini\n\n" + f"{paragraph}\n\n" * 4 + "\n\n".join(items) + "\n")
    kept = [t for _, t in outline(result.article.body)]
    assert kept[-4:] == items
    assert not [r for r in result.removed if r.rule.startswith("page:")]


def test_a_quote_introduced_by_says_does_not_end_the_article() -> None:
    paragraph = "The council spent three years on the plan and heard from hundreds of residents in the process."
    text = (
        "A River Returns\n\n"
        + f"{paragraph}\n\n" * 3
        + "The mayor says:\n\n"
        + "We should have done this twenty years ago, and I am sorry that it took us so long to act on it.\n\n"
        + "The work starts in spring and should be finished before the end of next year, the council said.\n"
    )
    blocks = outline(read_text(text).article.body)
    assert blocks[-1][1].startswith("The work starts in spring")
    assert ("P", "The mayor says:") in blocks


# --------------------------------------------------------------------------- lexicons


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Facebook Twitter WhatsApp LinkedIn", "boilerplate:share"),
        ("WhatsApp | Telegram | Copy link", "boilerplate:share"),
        ("Follow DepokPos on Instagram, click here", "boilerplate:call-to-action"),
        ("Subscribe to our YouTube channel", "boilerplate:newsletter"),  # the older, exact rules come first
        ("Follow us on Twitter for the latest news.", "boilerplate:follow-us"),
        ("Like The Daily Ledger on Facebook and share it with a friend", "boilerplate:call-to-action"),
        ("Download the app from Google Play", "boilerplate:call-to-action"),
        ("Ikuti berita DepokPos di Google News, klik di sini", "boilerplate:call-to-action"),
        ("Gabung ke saluran WhatsApp kami, klik link ini", "boilerplate:call-to-action"),
        ("Klik di sini untuk berlangganan", "boilerplate:click-here"),
        ("Tonton video selengkapnya di YouTube", "boilerplate:call-to-action"),
    ],
)
def test_calls_to_action_and_platform_rows_are_removed(line: str, rule: str) -> None:
    result = read_text(f"Judul\n\nParagraf pertama yang cukup panjang.\n\n{line}\n\nParagraf kedua.\n")
    assert rules(result)[5] == rule
    assert line not in " ".join(t for _, t in outline(result.article.body))


@pytest.mark.parametrize(
    "line",
    [
        "Follow the money and you will find Facebook at the centre of it.",
        "Ikuti saja perdebatan di Twitter, maka Anda akan paham polarisasi kita.",
        "Share prices on the exchange fell for a third day.",
        "Twitter and Facebook both refused to comment on the report.",
    ],
)
def test_sentences_naming_platforms_are_kept(line: str) -> None:
    result = read_text(f"Judul\n\nParagraf pertama yang cukup panjang.\n\n{line}\n\nParagraf kedua.\n")
    assert ("P", line) in outline(result.article.body)


# --------------------------------------------------------------------------- disclosure and publication


@pytest.mark.parametrize(
    "line",
    [
        "The views expressed are the author's own.",
        "The views expressed in this article are solely those of the author.",
        "Disclaimer: the author holds shares in a water utility.",
        "Budi Santoso adalah penulis tamu. Opini ini sepenuhnya tanggung jawab penulis.",
        "Tulisan ini sepenuhnya tanggung jawab penulis.",
    ],
)
def test_disclosures_go_to_the_disclosure_field(line: str) -> None:
    result = read_text(f"Judul\n\nParagraf pertama yang cukup panjang.\n\nParagraf kedua.\n\n{line}\n")
    assert result.article.disclosure == line
    assert rules(result)[7] == "metadata:disclosure"
    assert line not in " ".join(t for _, t in outline(result.article.body))


@pytest.mark.parametrize(
    "line",
    [
        "Copyright © 2024 Harian Contoh. All rights reserved.",
        "© Copyright Harian Contoh 2024",
        "Hak Cipta © 2010-2024 Harian Contoh",
    ],
)
def test_publication_from_a_copyright_line(line: str) -> None:
    result = read_text(f"Judul\n\nParagraf pertama.\n\nParagraf kedua.\n\n{line}\n")
    assert result.article.publication == "Harian Contoh"


def test_a_short_text_keeps_its_language() -> None:
    """Few stop words make a weak guess, but a text made of them is still in that language."""
    result = read_text("Judul\n\nIni adalah tulisan yang pendek.\n")
    assert result.article.lang == "id"


def test_a_title_separator_alone_names_no_publication() -> None:
    """ "Jokowi - Prabowo" is a headline, not a headline and a site: the page never names "Prabowo" again."""
    result = read_text("Jokowi - Prabowo\n\nParagraf pertama yang cukup panjang.\n\nParagraf kedua.\n")
    assert result.article.title == "Jokowi - Prabowo"
    assert result.article.publication == ""


# --------------------------------------------------------------------------- text the page repeats


PROSE = [
    "The council spent three years on the plan and heard from hundreds of residents along the way.",
    "Most of them wanted the same thing, which was a river they could walk beside on a summer evening.",
    "Engineers warned that the old channel could not cope with the storms the city now sees every year.",
    "The work starts in spring and should be finished before the end of next year, the council said.",
]


def test_a_hidden_copy_of_the_article_and_a_cut_teaser_are_removed() -> None:
    joined = " ".join(PROSE)
    teaser = PROSE[0][:60] + "..."
    text = "A River Returns\n\n" + "\n\n".join([*PROSE, teaser, joined]) + "\n"
    result = read_text(text)
    assert [t for _, t in outline(result.article.body)] == PROSE
    assert rules(result)[11] == "page:repeated-text"
    assert rules(result)[13] == "page:repeated-text"


def test_a_line_repeated_on_purpose_stays() -> None:
    """Recipes and lists repeat a line whole (the same meal on two days): that is content."""
    meal = "Asparagus and eggs with half a cup of sweet potato and one teaspoon of olive oil on the side."
    text = "Meal Plan\n\n" + "\n\n".join([PROSE[0], "Day One", meal, PROSE[1], "Day Two", meal, PROSE[2]]) + "\n"
    kept = [t for _, t in outline(read_text(text).article.body)]
    assert kept.count(meal) == 2
