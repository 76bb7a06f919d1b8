"""Shared fixtures: articles that cover every model element, in Indonesian and English."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from opedexport import model as m

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
DATA = TESTS / "data"
SOURCE = REPO / "source"

#: The tests build reproducibly: a document is stamped with this moment, so two builds of the same
#: input are equal byte for byte. Without ``SOURCE_DATE_EPOCH`` it is stamped with the time of the
#: build (tests that check that unset it: tests/exporters/test_dates.py).
TEST_EPOCH = 1700000000  # 2023-11-14T22:13:20Z
os.environ.setdefault("SOURCE_DATE_EPOCH", str(TEST_EPOCH))


def _t(text: str) -> m.Text:
    return m.Text(text)


def feature_article(lang: str, base_dir: Path | None = None) -> m.Article:
    """An article using every block and inline type, three heading levels, two footnotes and a figure."""
    idn = lang == "id"
    note1 = m.Note(
        (
            m.Paragraph(
                (
                    _t("Catatan pertama dengan " if idn else "First note with "),
                    m.Emph((_t("miring" if idn else "italics"),)),
                )
            ),
        )
    )
    note2 = m.Note(
        (
            m.Paragraph((_t("Catatan kedua, paragraf satu." if idn else "Second note, paragraph one."),)),
            m.Paragraph((_t("Paragraf dua catatan." if idn else "Note paragraph two."),)),
        )
    )
    body: tuple[m.Block, ...] = (
        m.Paragraph(
            (
                _t("Paragraf pembuka dengan " if idn else "Opening paragraph with "),
                m.Strong((_t("teks tebal" if idn else "bold text"),)),
                _t(", "),
                m.Emph((_t("teks miring" if idn else "italic text"),)),
                _t(", "),
                m.Code("kode()"),
                _t(" dan sebuah " if idn else " and a "),
                m.Link((_t("tautan" if idn else "link"),), "https://example.org/opini", "Example"),
                _t("."),
                note1,
            )
        ),
        m.Heading(1, (_t("Bagian Pertama" if idn else "First Section"),)),
        m.Paragraph(
            (
                _t(
                    "Isi bagian pertama, cukup panjang untuk dipenggal."
                    if idn
                    else "Body of the first section, long enough to be hyphenated."
                ),
                note2,
            )
        ),
        m.Heading(2, (_t("Subbagian" if idn else "Subsection"),)),
        m.BlockQuote(
            (
                m.Paragraph(
                    (
                        _t(
                            "Kutipan yang panjang dari seorang tokoh."
                            if idn
                            else "A long quotation from a public figure."
                        ),
                    )
                ),
            ),
            (_t("Tokoh Publik" if idn else "Public Figure"),),
        ),
        m.PullQuote((_t("Kutipan tarik yang mencolok." if idn else "A striking pull quote."),)),
        m.Heading(3, (_t("Sub-subbagian" if idn else "Sub-subsection"),)),
        m.ListBlock(
            False,
            (
                (m.Paragraph((_t("Butir satu" if idn else "Item one"),)),),
                (
                    m.Paragraph((_t("Butir dua" if idn else "Item two"),)),
                    m.ListBlock(True, ((m.Paragraph((_t("Anak satu" if idn else "Child one"),)),),), start=3),
                ),
            ),
        ),
        m.Figure(
            "images/chart.png",
            alt="Grafik batang merah" if idn else "A red bar chart",
            caption=(_t("Keterangan gambar" if idn else "Figure caption"),),
            credit="Tim Data" if idn else "Data Desk",
        ),
        m.Rule(),
        m.Table(
            header=((_t("Negara" if idn else "Country"),), (_t("Nilai" if idn else "Value"),)),
            rows=(((_t("Indonesia"),), (_t("42"),)), ((_t("Norwegia" if idn else "Norway"),), (_t("7"),))),
            align=("left", "right"),
            caption=(_t("Tabel contoh" if idn else "Sample table"),),
        ),
        m.Paragraph((_t("Baris satu" if idn else "Line one"), m.LineBreak(), _t("baris dua." if idn else "line two."))),
    )
    return m.Article(
        title="Judul Uji Lengkap" if idn else "A Complete Test Title",
        subtitle="Dek yang menjelaskan" if idn else "A dek that explains",
        authors=(
            m.Author("Siti Rahma", "Dosen Universitas Indonesia", bio="menulis tentang kebijakan."),
            m.Author("Budi Santoso"),
        )
        if idn
        else (m.Author("Jane Doe", "Professor of Politics"),),
        date=dt.date(2025, 5, 12),
        publication="DepokPos" if idn else "The Daily Test",
        lang=lang,
        tags=("uji", "opini") if idn else ("test", "opinion"),
        summary="Ringkasan artikel." if idn else "Article summary.",
        source_url="https://example.org/opini/uji" if idn else "https://example.org/test",
        rights="© 2025 Penulis" if idn else "© 2025 The Author",
        disclosure="Penulis tidak memiliki konflik kepentingan." if idn else "The author has no conflicts.",
        body=body,
        source_path=(base_dir / "article.md") if base_dir is not None else None,
    )


@pytest.fixture(params=["id", "en"])
def feature(request: pytest.FixtureRequest, tmp_path: Path) -> m.Article:
    """The every-element article in each language, with its figure file in place."""
    (tmp_path / "images").mkdir()
    shutil.copy(DATA / "images" / "chart.png", tmp_path / "images" / "chart.png")
    return feature_article(request.param, tmp_path)
