"""The plain-text reader: metadata, boilerplate, headings and the removal report."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from opedexport.errors import InputError
from opedexport.langdetect import language_rules
from opedexport.model import Author, Block, Heading, Paragraph, Rule, plain_text
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.text import TextReader

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "source" / "000_ed708197f1b9d573.txt"
DATA = REPO / "tests" / "data" / "text"


def read_file(path: Path, lang: str | None = None) -> ReadResult:
    return TextReader().read(Source.from_path(path), lang=lang)


def read_text(text: str, lang: str | None = None) -> ReadResult:
    return TextReader().read(Source(text.encode()), lang=lang)


def outline(body: tuple[Block, ...]) -> list[tuple[str, str]]:
    """("H", text) / ("P", text) / ("R", "") per block, for compact assertions."""
    out: list[tuple[str, str]] = []
    for block in body:
        if isinstance(block, Heading):
            assert block.level == 1
            out.append(("H", plain_text(block.children)))
        elif isinstance(block, Paragraph):
            out.append(("P", plain_text(block.children)))
        else:
            assert isinstance(block, Rule)
            out.append(("R", ""))
    return out


def removed(result: ReadResult) -> list[tuple[int, str]]:
    return [(r.line, r.rule) for r in result.removed]


# --------------------------------------------------------------------------- the sample


@pytest.fixture(scope="module")
def sample() -> ReadResult:
    return read_file(SAMPLE)


#: SHA-256 of ``../shared/samples/000_ed708197f1b9d573.txt`` as the brief hands it over; the copy in
#: ``source/`` is the repository's own, so this test runs on any clone, with or without ``../shared``.
SAMPLE_SHA256 = "a5f4f82c409bae854f187cecd2bd474b40644673f19912dfbc0821382c64bb97"


def test_sample_is_the_shared_sample_byte_for_byte() -> None:
    assert hashlib.sha256(SAMPLE.read_bytes()).hexdigest() == SAMPLE_SHA256
    shared = REPO.parent / "shared" / "samples" / "000_ed708197f1b9d573.txt"
    if shared.exists():  # where the shared folder is beside the checkout, it must still agree
        assert SAMPLE.read_bytes() == shared.read_bytes()


def test_sample_metadata(sample: ReadResult) -> None:
    article = sample.article
    assert article.title == "NATO, Jembatan Diplomasi Pertahanan dalam Menghadapi Ancaman Non-Tradisional"
    assert article.authors == (Author("Ratu Hanun T.W.A", "Mahasiswi HI UIN Jakarta"),)
    assert article.lang == "id"
    assert article.date is None
    assert article.source_path == SAMPLE


def test_sample_body(sample: ReadResult) -> None:
    blocks = outline(sample.article.body)
    assert [kind for kind, _ in blocks] == ["P", "P", "H", "P", "P"]
    assert blocks[2] == ("H", "Urgensi Diplomasi Pertahanan")
    starts = ["Dewasa ini", "Diplomasi pertahanan merupakan", "Seiring dengan", "Dengan bekerja sama"]
    paragraphs = [text for kind, text in blocks if kind == "P"]
    assert [p[: len(s)] for p, s in zip(paragraphs, starts, strict=True)] == starts
    body_text = "\n".join(text for _, text in blocks)
    for line in ("Bacaan Lainnya", "Pos terkait", "Ingin produk", "Oleh: Ratu", "Ratu Hanun"):
        assert line not in body_text


def test_sample_removed_report(sample: ReadResult) -> None:
    assert removed(sample) == [
        (1, "metadata:title"),
        (3, "metadata:byline"),
        (7, "boilerplate:related"),
        (17, "boilerplate:contact-promo"),
        (19, "boilerplate:related"),
    ]
    texts = {r.line: r.text for r in sample.removed}
    assert texts[7] == "Bacaan Lainnya"
    assert texts[17].startswith("Ingin produk, bisnis atau agenda Anda diliput dan tayang di DepokPos?")
    assert texts[19] == "Pos terkait"


def test_sample_notes_say_how_the_language_was_decided(sample: ReadResult) -> None:
    assert any("language id" in note and "detected" in note for note in sample.notes)


# --------------------------------------------------------------------------- own articles


def test_penulis_with_parenthesised_affiliation_and_place_dateline() -> None:
    result = read_file(DATA / "id_penulis_paren.txt")
    article = result.article
    assert article.title == "Menata Ulang Subsidi Pangan di Tengah Inflasi"
    assert article.authors == (Author("Siti Rahmawati", "Dosen Ilmu Politik Universitas Gadjah Mada"),)
    assert article.date == dt.date(2025, 3, 3)
    assert article.lang == "id"
    blocks = outline(article.body)
    assert blocks[0] == (
        "P",
        "Pemerintah kembali mengumumkan rencana penyesuaian subsidi pangan untuk tahun anggaran mendatang. "
        "Kebijakan ini disusun di tengah inflasi yang belum sepenuhnya terkendali dan daya beli yang melemah.",
    )
    assert [kind for kind, _ in blocks] == ["P", "P", "H", "P", "P", "H", "P"]
    assert [text for kind, text in blocks if kind == "H"] == ["Masalah Ketepatan Sasaran", "Jalan Keluar"]
    # Real sentences that merely start with a boilerplate word stay.
    assert ("P", "Ikuti perkembangan kebijakan ini dengan seksama, kata dia.") in blocks
    assert blocks[4][1].startswith("Iklan politik di media sosial")
    assert removed(result) == [
        (1, "metadata:title"),
        (3, "metadata:byline"),
        (5, "metadata:dateline"),
        (7, "boilerplate:advert"),
        (9, "boilerplate:advert"),
        (14, "boilerplate:read-also"),
        (22, "boilerplate:read-also"),
        (30, "boilerplate:editor-trailer"),
        (32, "boilerplate:tags-trailer"),
    ]


def test_two_authors_us_date_and_english_boilerplate() -> None:
    result = read_file(DATA / "en_two_authors.txt")
    article = result.article
    assert article.authors == (Author("Jane Doe"), Author("John Roe"))
    assert article.date == dt.date(2025, 5, 12)
    assert article.lang == "en"
    blocks = outline(article.body)
    assert [kind for kind, _ in blocks] == ["P", "H", "P", "H", "P"]
    # A comma inside a heading is fine; only closing punctuation disqualifies it.
    assert [text for kind, text in blocks if kind == "H"] == ["The Price of Delay", "Budgets, Not Promises"]
    assert removed(result) == [
        (1, "metadata:title"),
        (2, "metadata:byline"),
        (3, "metadata:dateline"),
        (5, "boilerplate:advert"),
        (9, "boilerplate:newsletter"),
        (15, "boilerplate:read-also"),
        (21, "boilerplate:share"),
        (23, "boilerplate:copyright"),
    ]


def test_oleh_with_degree_numeric_dateline_and_writer_trailer() -> None:
    result = read_file(DATA / "id_oleh_trailer.txt")
    article = result.article
    assert article.authors == (
        Author("Dr. A. Budiman, M.Si.", bio="Penulis adalah dosen Fakultas Hukum Universitas Andalas, Padang."),
    )
    assert article.date == dt.date(2025, 5, 12)  # 12/05 is day first in Indonesian
    blocks = outline(article.body)
    assert [kind for kind, _ in blocks] == ["P", "H", "P", "H", "P", "R", "P"]
    assert [text for kind, text in blocks if kind == "H"] == ["Pengawasan yang Lemah", "Peran Warga"]
    # The dateline prefix of the first paragraph is left alone; "Oleh sebab itu" is not a byline.
    assert blocks[0][1].startswith("PADANG – Dana desa")
    assert "Oleh sebab itu, pendampingan" in blocks[2][1]
    assert blocks[-1][1].endswith("menghargai kejujuran.")
    assert removed(result) == [
        (1, "metadata:title"),
        (3, "metadata:byline"),
        (5, "metadata:dateline"),
        (9, "boilerplate:read-also"),
        (23, "boilerplate:follow-us"),
        (25, "metadata:writer-note"),
        (27, "boilerplate:editor-trailer"),
    ]


def test_affiliation_line_after_byline_and_iso_dateline_before_it() -> None:
    result = read_file(DATA / "en_affiliation_line.txt")
    article = result.article
    assert article.date == dt.date(2025, 1, 20)
    assert article.authors == (
        Author(
            "Maria Santos",
            "Senior Fellow, Centre for Cultural Policy Studies",
            bio="The writer is a senior fellow at the Centre for Cultural Policy Studies in Manila.",
        ),
    )
    blocks = outline(article.body)
    assert [kind for kind, _ in blocks] == ["P", "P", "P"]
    assert blocks[-1] == ("P", "Cutting their budgets saves little money and costs a great deal of trust.")
    assert removed(result) == [
        (1, "metadata:title"),
        (3, "metadata:dateline"),
        (5, "metadata:byline"),
        (6, "metadata:byline"),
        (10, "boilerplate:follow-us"),
        (14, "boilerplate:related"),
        (16, "boilerplate:click-here"),
        (20, "metadata:writer-note"),
    ]


def test_ditulis_oleh_and_trailer_credits() -> None:
    result = read_file(DATA / "id_trailer_editor.txt")
    article = result.article
    assert article.authors == (Author("Andi Wijaya"),)
    assert article.date == dt.date(2025, 5, 12)
    blocks = outline(article.body)
    assert [kind for kind, _ in blocks] == ["P", "P", "H", "P"]
    assert blocks[0][1].startswith("JAKARTA – Transisi energi")
    assert blocks[2] == ("H", "Pendanaan")
    assert removed(result) == [
        (1, "metadata:title"),
        (2, "metadata:byline"),
        (3, "metadata:dateline"),
        (5, "boilerplate:advert"),
        (9, "boilerplate:related"),
        (13, "boilerplate:newsletter"),
        (19, "boilerplate:related"),
        (21, "boilerplate:widget"),
        (23, "boilerplate:editor-trailer"),
        (24, "boilerplate:copyright"),
        (25, "boilerplate:copyright"),
    ]


def test_byline_with_affiliation_after_comma_and_weekday_dateline() -> None:
    result = read_file(DATA / "en_by_affiliation.txt")
    article = result.article
    assert article.authors == (Author("Jane Doe", "Professor of Law and Economics at Yale University"),)
    assert article.date == dt.date(2025, 5, 12)
    blocks = outline(article.body)
    assert [kind for kind, _ in blocks] == ["P", "H", "P", "H", "P"]
    assert [text for kind, text in blocks if kind == "H"] == ["What a Treaty Would Do", "Who Pays"]
    assert removed(result) == [
        (1, "metadata:title"),
        (3, "metadata:byline"),
        (4, "metadata:dateline"),
        (8, "boilerplate:advert"),
        (14, "boilerplate:related"),
        (16, "boilerplate:share"),
        (17, "boilerplate:share"),
        (23, "boilerplate:tags-trailer"),
    ]


@pytest.mark.parametrize("path", [*sorted(DATA.glob("*.txt")), SAMPLE], ids=lambda p: p.name)
def test_removals_quote_the_input_and_never_reach_the_body(path: Path) -> None:
    try:
        result = read_file(path)
    except InputError:
        return  # title_only.txt, tested below
    lines = path.read_text(encoding="utf-8").split("\n")
    assert [r.line for r in result.removed] == sorted(r.line for r in result.removed)
    body = {plain_text(b.children) for b in result.article.body if isinstance(b, (Heading, Paragraph))}
    for r in result.removed:
        assert r.text == " ".join(lines[r.line - 1].split())
        assert r.text not in body
        assert re.fullmatch(r"(boilerplate:[a-z-]+|metadata:(title|byline|dateline|writer-note))", r.rule)


# --------------------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Oleh: Ratu Hanun T.W.A, Mahasiswi HI UIN Jakarta", [("Ratu Hanun T.W.A", "Mahasiswi HI UIN Jakarta")]),
        ("OLEH : Muhammad bin Salim", [("Muhammad bin Salim", "")]),
        ("Penulis: Budi Santoso | Editor: Rina Marlina", [("Budi Santoso", "")]),
        ("Written by Jane Doe", [("Jane Doe", "")]),
        ("Author: Jane Doe", [("Jane Doe", "")]),
        ("By Jane Doe, John Roe and Ann Lee", [("Jane Doe", ""), ("John Roe", ""), ("Ann Lee", "")]),
        (
            "By Jane Doe and John Roe, researchers at the Lowy Institute",
            [("Jane Doe", "researchers at the Lowy Institute"), ("John Roe", "researchers at the Lowy Institute")],
        ),
        (
            "By Jane Doe, Yale Law School and Harvard Kennedy School",
            [("Jane Doe", "Yale Law School and Harvard Kennedy School")],
        ),
        (
            "Oleh: Prof. Dr. Ir. H. Ahmad Sulaiman, M.Sc., Ph.D., Guru Besar IPB",
            [("Prof. Dr. Ir. H. Ahmad Sulaiman, M.Sc., Ph.D.", "Guru Besar IPB")],
        ),
    ],
)
def test_byline_forms(line: str, authors: list[tuple[str, str]]) -> None:
    result = read_text(f"Judul\n\n{line}\n\nIsi artikel yang cukup panjang untuk menjadi paragraf pertama.\n")
    assert [(a.name, a.affiliation) for a in result.article.authors] == authors
    assert removed(result) == [(1, "metadata:title"), (3, "metadata:byline")]
    assert len(result.article.body) == 1


@pytest.mark.parametrize(
    "line",
    [
        "Oleh sebab itu, kita harus bersiap menghadapi musim kemarau panjang.",
        "By 2030, half the city will be under water.",
        "By the time the report came out, it was too late.",
        "Oleh-oleh dari Bali",
    ],
)
def test_sentences_starting_like_a_byline_stay_in_the_body(line: str) -> None:
    result = read_text(f"Judul\n\n{line}\n\nParagraf berikutnya ada di sini, dan ia cukup panjang.\n")
    assert result.article.authors == ()
    assert plain_text(result.article.body[0].children) == line  # type: ignore[union-attr]


def test_byline_a_few_lines_down_after_a_dateline_and_a_dek() -> None:
    text = (
        "Title\n\nMonday, May 12, 2025\n\nA short standfirst line\n\nBy Jane Doe\n\nThe body of the article is here.\n"
    )
    result = read_text(text)
    assert result.article.authors == (Author("Jane Doe"),)
    assert result.article.date == dt.date(2025, 5, 12)
    assert [text for _, text in outline(result.article.body)] == [
        "A short standfirst line",
        "The body of the article is here.",
    ]
    assert removed(result) == [(1, "metadata:title"), (3, "metadata:dateline"), (7, "metadata:byline")]


def test_byline_after_the_first_paragraph_is_not_looked_for() -> None:
    text = "Judul\n\nParagraf pertama ada di sini, dan ini cukup panjang untuk isi.\n\nOleh: Budi Santoso\n\nAkhir.\n"
    result = read_text(text)
    assert result.article.authors == ()
    assert "Oleh: Budi Santoso" in [text for _, text in outline(result.article.body)]


def test_writer_note_with_several_authors_becomes_the_disclosure() -> None:
    text = (
        "Title\nBy Jane Doe and John Roe\n\nThe body is here.\n\nThe writers are researchers at the Lowy Institute.\n"
    )
    result = read_text(text)
    assert result.article.disclosure == "The writers are researchers at the Lowy Institute."
    assert all(a.bio == "" for a in result.article.authors)
    assert any("disclosure" in note for note in result.notes)


# --------------------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("Jakarta, 12 Mei 2025", dt.date(2025, 5, 12)),
        ("12 Mei 2025", dt.date(2025, 5, 12)),
        ("Senin, 12/05/2025 10:15 WIB", dt.date(2025, 5, 12)),
        ("Kamis, 15 Mei 2025 | 08:00 WIB", dt.date(2025, 5, 15)),
        ("Diterbitkan 3 Agu 2024", dt.date(2024, 8, 3)),
        ("JAKARTA – 1 Desember 2024", dt.date(2024, 12, 1)),
        ("May 12, 2025", dt.date(2025, 5, 12)),
        ("Published: 2025-05-12", dt.date(2025, 5, 12)),
        ("Updated May 12, 2025 at 10:15 a.m. EDT", dt.date(2025, 5, 12)),
        ("2025-05-12T10:15:00+07:00", dt.date(2025, 5, 12)),
    ],
)
def test_dateline_forms(line: str, date: dt.date) -> None:
    result = read_text(f"Judul\n\n{line}\n\nIsi artikel yang cukup panjang, dan ini paragrafnya.\n", lang="id")
    assert result.article.date == date
    assert removed(result) == [(1, "metadata:title"), (3, "metadata:dateline")]


@pytest.mark.parametrize("line", ["12 Mei", "31/02/2025", "Jakarta, kata dia, 12 Mei 2025 adalah hari yang penting."])
def test_not_a_dateline(line: str) -> None:
    result = read_text(f"Judul\n\n{line}\n\nIsi artikel yang cukup panjang, dan ini paragrafnya.\n")
    assert result.article.date is None
    assert line in [text for _, text in outline(result.article.body)]


# --------------------------------------------------------------------------- boilerplate


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("Baca Juga: Harga Beras Naik, Petani Justru Merugi", "read-also"),
        ("BACA JUGA: Harga Naik", "read-also"),
        ("[Baca juga: Harga Naik]", "read-also"),
        ("Read more: How Jakarta plans to move its capital", "read-also"),
        ("Read also: X", "read-also"),
        ("Artikel Terkait", "related"),
        ("Related: Dams on the Mekong", "related"),
        ("ADVERTISEMENT", "advert"),
        ("- Advertisement -", "advert"),
        ("(adv)", "advert"),
        ("Iklan", "advert"),
        ("Loading...", "widget"),
        ("Sign up for our newsletter", "newsletter"),
        ("Subscribe now", "newsletter"),
        ("Ikuti kami di Instagram @depokpos", "follow-us"),
        ("Ikuti berita terkini dan menarik lainnya di Google News", "follow-us"),
        ("Follow us on Twitter", "follow-us"),
        ("Share on Twitter", "share"),
        ("Bagikan artikel ini", "share"),
        ("Click here to read more", "click-here"),
        ("Copyright © 2024 Foo Media", "copyright"),
        ("© 2024 Foo Media", "copyright"),
        ("Hak cipta © 2024 Foo", "copyright"),
        ("Tags: a, b", "tags-trailer"),
        ("#subsidi #pangan", "tags-trailer"),
        ("Editor: Budi", "editor-trailer"),
        ("Untuk informasi pemasangan iklan hubungi WhatsApp 0812000000", "contact-promo"),
    ],
)
def test_boilerplate_between_paragraphs(line: str, rule: str) -> None:
    text = f"Judul\n\nParagraf pertama ada di sini.\n\n{line}\n\nParagraf kedua ada di sini.\n"
    result = read_text(text)
    assert removed(result) == [(1, "metadata:title"), (5, f"boilerplate:{rule}")]
    assert len(result.article.body) == 2


@pytest.mark.parametrize(
    "line",
    [
        "Ikuti perkembangan kebijakan ini dengan seksama, kata dia.",
        "Iklan politik di media sosial belum diatur dengan tegas.",
        "Baca juga laporan BPK tahun lalu, yang menunjukkan defisit.",
        "Berita terkait korupsi itu menyebar cepat.",
        "Ikuti saja perdebatan di Twitter, maka Anda akan paham polarisasi kita.",
        "Hak cipta adalah hak eksklusif pencipta.",
        "Subscribe to this view and you forget history.",
        "Sign up for the army, they said, and see the world.",
        "Copyright law in Indonesia lags behind technology.",
        "Related to this is the question of trust.",
        "Loading the ship took three days.",
        "Read more books, the minister urged.",
        "Share prices fell by ten percent.",
        "Penulis: Budi Santoso | Editor: Rina Marlina",  # a trailer credit, but not at the end
    ],
)
def test_sentence_containing_a_boilerplate_word_is_kept(line: str) -> None:
    text = f"Judul\n\nParagraf pertama ada di sini, dan ini cukup panjang untuk menjadi isi.\n\n{line}\n\nAkhir.\n"
    result = read_text(text)
    assert line in [text for _, text in outline(result.article.body)]
    assert removed(result) == [(1, "metadata:title")]


def test_boilerplate_before_the_title_is_skipped() -> None:
    result = read_text("Loading...\n\nJudul Sebenarnya\n\nIsinya di sini.\n")
    assert result.article.title == "Judul Sebenarnya"
    assert removed(result) == [(1, "boilerplate:widget"), (3, "metadata:title")]


def test_boilerplate_line_never_becomes_a_heading() -> None:
    result = read_text("Judul\n\nParagraf satu.\n\nBerita Terkait\n\nParagraf dua.\n")
    assert outline(result.article.body) == [("P", "Paragraf satu."), ("P", "Paragraf dua.")]


# --------------------------------------------------------------------------- headings and paragraphs


def test_heading_rules() -> None:
    text = (
        "Judul\n\n"
        "Paragraf pembuka yang cukup panjang.\n\n"
        "Bagian Pertama\n\n"  # heading
        "Isi bagian pertama.\n\n"
        "Kalimat pendek ini berakhir dengan titik.\n\n"  # closing punctuation: paragraph
        "Isi berikutnya.\n\n"
        "Sebuah baris yang terlalu panjang untuk menjadi judul bagian karena kata-katanya banyak sekali\n\n"
        "Isi lagi.\n\n"
        "Satu\nDua\n\n"  # two lines in one block: paragraph
        "Isi lagi.\n\n"
        "Judul Ganda A\n\n"  # followed by another heading-like line: paragraph
        "Judul Ganda B\n\n"
        "Isi terakhir.\n\n"
        "Salam Hangat\n"  # last line: paragraph
    )
    blocks = outline(read_text(text).article.body)
    headings = [t for k, t in blocks if k == "H"]
    assert headings == ["Bagian Pertama", "Judul Ganda B"]
    assert ("P", "Satu Dua") in blocks
    assert blocks[-1] == ("P", "Salam Hangat")


def test_whitespace_is_collapsed_and_crlf_read() -> None:
    result = read_text("Judul\r\n\r\nSatu   baris\t dengan\u00a0spasi\r\nyang berlanjut.\r\n")
    assert outline(result.article.body) == [("P", "Satu baris dengan spasi yang berlanjut.")]


# --------------------------------------------------------------------------- language


def test_lang_override_wins_and_is_reported() -> None:
    result = read_file(SAMPLE, lang="en-GB")
    assert result.article.lang == "en-GB"
    assert any("given by the caller" in note for note in result.notes)
    assert [r.line for r in result.removed] == [1, 3, 7, 17, 19]  # Indonesian rules still apply


def test_english_detected() -> None:
    result = read_file(DATA / "en_two_authors.txt")
    assert any("language en" in note and "detected" in note for note in result.notes)


def test_undetermined_language() -> None:
    result = read_text("Lorem Ipsum\n\nLorem ipsum dolor sit amet consectetur.\n")
    assert result.article.lang == "und"
    assert any("undetermined" in note for note in result.notes)


# --------------------------------------------------------------------------- errors


def test_file_with_only_a_title_names_the_file() -> None:
    path = DATA / "title_only.txt"
    with pytest.raises(InputError, match="no body text after the title") as info:
        read_file(path)
    assert info.value.path == path


@pytest.mark.parametrize("text", ["Judul\n", "Judul\n\nOleh: Seseorang\n", "  \n\n", "Loading...\n\nIklan\n"])
def test_no_body_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError):
        read_text(text)


def test_reader_declares_itself() -> None:
    assert TextReader.name == "text"
    assert TextReader.suffixes == (".txt",)
    assert TextReader.description


# --------------------------------------------------------------------------- rules data


@pytest.mark.parametrize("lang", sorted(language_rules()))
def test_rules_file_is_complete(lang: str) -> None:
    data = language_rules()[lang]
    assert data["stopwords"] and data["byline_prefixes"] and data["writer_notes"]
    assert set(data["months"].values()) == set(range(1, 13))
    assert data["numeric_date_order"] in {"dmy", "mdy"}
    for rule in data["boilerplate"]:
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", rule["id"])
        assert rule.get("patterns") or rule.get("trailer_patterns")
        for pattern in (*rule.get("patterns", ()), *rule.get("trailer_patterns", ())):
            re.compile(pattern)
