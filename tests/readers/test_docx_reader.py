"""The DOCX reader: files written by python-docx, pandoc, LibreOffice and opedexport itself, and hostile zips."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import shutil
import subprocess
import uuid
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import OxmlElement
from hypothesis import given, settings
from hypothesis import strategies as st

import opedexport
from conftest import DATA, feature_article
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
    Rule,
    Strong,
    Table,
    Text,
    iter_nodes,
    notes_in_order,
    plain_text,
)
from opedexport.readers.base import ReadResult, Source
from opedexport.readers.docx import MAX_ENTRIES, DocxReader
from opedexport.serialize import article_to_json

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def read_bytes(data: bytes, *, path: str = "submission.docx", lang: str | None = None) -> ReadResult:
    return DocxReader().read(Source(data, Path(path)), lang=lang)


def read_path(path: Path, lang: str | None = None) -> ReadResult:
    return DocxReader().read(Source.from_path(path), lang=lang)


def outline(body: tuple[Block, ...]) -> list[str]:
    out = []
    for block in body:
        if isinstance(block, Heading):
            out.append(f"H{block.level} {plain_text(block.children)}")
        elif isinstance(block, Paragraph):
            out.append("P " + " ".join(plain_text(block.children).split()[:3]))
        else:
            out.append(type(block).__name__)
    return out


def note_texts(article: Article) -> list[str]:
    return [
        " ".join(plain_text(b.children) for b in n.blocks if isinstance(b, Paragraph)) for n in notes_in_order(article)
    ]


def links(article: Article) -> list[tuple[str, str]]:
    return [(plain_text(n.children), n.url) for n in iter_nodes(article) if isinstance(n, Link)]


def test_reader_declares_itself() -> None:
    assert DocxReader.name == "docx"
    assert DocxReader.suffixes == (".docx",)


# --------------------------------------------------------------------------- python-docx


def _hyperlink(paragraph: object, url: str, text: str) -> None:
    """Append a ``w:hyperlink`` to ``url`` (python-docx has no API for it)."""
    part = paragraph.part  # type: ignore[attr-defined]
    rel_id = part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel_id)
    run = OxmlElement("w:r")
    props = OxmlElement("w:rPr")
    style = OxmlElement("w:rStyle")
    style.set(qn("w:val"), "Hyperlink")
    props.append(style)
    run.append(props)
    t = OxmlElement("w:t")
    t.text = text
    run.append(t)
    link.append(run)
    paragraph._p.append(link)  # type: ignore[attr-defined]


def _notes_part(document: object, kind: str, notes: dict[int, str]) -> None:
    """Add ``word/<kind>s.xml`` holding ``notes`` and relate it from the document."""
    tag = f"w:{kind}"
    body = "".join(
        f'<{tag} w:id="{i}"><w:p><w:pPr><w:pStyle w:val="FootnoteText"/></w:pPr>'
        f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:{kind}Ref/></w:r>'
        f'<w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></{tag}>'
        for i, text in notes.items()
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:{kind}s {nsdecls("w")}>'
        f'<{tag} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></{tag}>{body}</w:{kind}s>'
    ).encode()
    part = document.part  # type: ignore[attr-defined]
    content_type = CT.WML_FOOTNOTES if kind == "footnote" else CT.WML_ENDNOTES
    reltype = RT.FOOTNOTES if kind == "footnote" else RT.ENDNOTES
    part.relate_to(Part(PackURI(f"/word/{kind}s.xml"), content_type, xml, part.package), reltype)


def _note_reference(paragraph: object, kind: str, note_id: int) -> None:
    run = paragraph.add_run()  # type: ignore[attr-defined]
    run._r.append(parse_xml(f'<w:{kind}Reference {nsdecls("w")} w:id="{note_id}"/>'))


def python_docx_file(path: Path) -> Path:
    """A submission written with python-docx: the features an author's Word file has."""
    doc = Document()
    props = doc.core_properties
    props.title = "Title in the properties (the Title paragraph wins)"
    props.author = "Rina Wulandari; Agus Salim"
    props.subject = "Sekolah perlu perpustakaan yang hidup."
    props.keywords = "pendidikan, literasi"
    props.language = "id"
    props.created = dt.datetime(2025, 3, 1, 9, 30)
    doc.add_heading("Perpustakaan Sekolah yang Hidup", level=0)
    doc.add_paragraph("Mengapa buku saja tidak cukup", style="Subtitle")
    doc.add_heading("Latar Belakang", level=1)
    p = doc.add_paragraph("Paragraf pembuka dengan ")
    p.add_run("tebal").bold = True
    p.add_run(", ")
    p.add_run("miring").italic = True
    p.add_run(", gaya ")
    p.add_run("Strong", style="Strong")
    p.add_run(" dan ")
    p.add_run("Emphasis", style="Emphasis")
    p.add_run(" serta ")
    _hyperlink(p, "https://example.org/literasi", "tautan")
    p.add_run(".")
    _note_reference(p, "footnote", 1)
    p = doc.add_paragraph("Sebuah baris")
    p.add_run().add_break()
    p.add_run("baris kedua, lalu tautan berbahaya ")
    _hyperlink(p, "javascript:alert(1)", "ini")
    p.add_run(".")
    _note_reference(p, "endnote", 1)
    doc.add_heading("Usulan", level=2)
    doc.add_paragraph("Butir pertama", style="List Bullet")
    doc.add_paragraph("Butir kedua", style="List Bullet")
    doc.add_paragraph("Anak bernomor", style="List Number 2")
    doc.add_paragraph("Kutipan dari seorang guru.", style="Quote")
    doc.add_paragraph("— Ibu Guru", style="Quote")
    doc.add_paragraph("Membaca adalah kebiasaan.", style="Intense Quote")
    outline_para = doc.add_paragraph("Subjudul Tanpa Gaya Judul")
    ppr = outline_para._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="1"/>'))
    doc.add_picture(str(DATA / "images" / "chart.png"))
    doc.inline_shapes[0]._inline.docPr.set("descr", "Grafik jumlah pengunjung")
    doc.add_paragraph("Gambar 1. Pengunjung perpustakaan", style="Caption")
    table = doc.add_table(rows=2, cols=2)
    table.rows[0]._tr.get_or_add_trPr().append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for (r, c), text in {(0, 0): "Sekolah", (0, 1): "Buku", (1, 0): "SD 1", (1, 1): "1.200"}.items():
        table.cell(r, c).text = text
    p = doc.add_paragraph("Penutup yang ")
    deleted = parse_xml(
        f'<w:del {nsdecls("w")} w:id="9" w:author="x"><w:r><w:delText>DIHAPUS </w:delText></w:r></w:del>'
    )
    p._p.append(deleted)
    p.add_run("singkat.")
    doc.add_paragraph("")  # an empty paragraph used for spacing
    _notes_part(doc, "footnote", {1: "Catatan kaki satu."})
    _notes_part(doc, "endnote", {1: "Catatan akhir satu."})
    doc.save(str(path))
    return path


@pytest.fixture(scope="module")
def python_docx(tmp_path_factory: pytest.TempPathFactory) -> ReadResult:
    with pytest.warns(
        TextNormalisedWarning, match=r"perpustakaan\.docx:\d+: dropped the unsafe link target 'javascript"
    ):
        return read_path(python_docx_file(tmp_path_factory.mktemp("python-docx") / "perpustakaan.docx"))


def test_python_docx_metadata(python_docx: ReadResult) -> None:
    article = python_docx.article
    assert article.title == "Perpustakaan Sekolah yang Hidup"
    assert article.subtitle == "Mengapa buku saja tidak cukup"
    assert article.authors == (Author("Rina Wulandari"), Author("Agus Salim"))
    assert article.date == dt.date(2025, 3, 1)
    assert article.lang == "id"
    assert article.summary == "Sekolah perlu perpustakaan yang hidup."
    assert article.tags == ("pendidikan", "literasi")


def test_python_docx_body(python_docx: ReadResult) -> None:
    article = python_docx.article
    # heading 1, heading 2, and a plain paragraph with outline level 1 (= heading 2).
    assert outline(article.body) == [
        "H1 Latar Belakang",
        "P Paragraf pembuka dengan",
        "P Sebuah baris baris",
        "H2 Usulan",
        "ListBlock",
        "BlockQuote",
        "PullQuote",
        "H2 Subjudul Tanpa Gaya Judul",
        "P [Grafik jumlah pengunjung]",
        "Table",
        "P Penutup yang singkat.",
    ]
    first = article.body[1]
    assert isinstance(first, Paragraph)
    assert first.children[:8] == (
        Text("Paragraf pembuka dengan "),
        Strong((Text("tebal"),)),
        Text(", "),
        Emph((Text("miring"),)),
        Text(", gaya "),
        Strong((Text("Strong"),)),
        Text(" dan "),
        Emph((Text("Emphasis"),)),
    )
    second = article.body[2]
    assert isinstance(second, Paragraph) and LineBreak() in second.children
    assert links(article) == [("tautan", "https://example.org/literasi")]
    assert note_texts(article) == ["Catatan kaki satu.", "Catatan akhir satu."]
    assert any("javascript" in n for n in python_docx.notes)


def test_python_docx_lists_quotes_figures_tables(python_docx: ReadResult) -> None:
    body = python_docx.article.body
    assert body[4] == ListBlock(
        False,
        (
            (Paragraph((Text("Butir pertama"),)),),
            (Paragraph((Text("Butir kedua"),)), ListBlock(True, ((Paragraph((Text("Anak bernomor"),)),),))),
        ),
    )
    assert body[5] == BlockQuote((Paragraph((Text("Kutipan dari seorang guru."),)),), (Text("Ibu Guru"),))
    assert body[6] == PullQuote((Text("Membaca adalah kebiasaan."),))
    # The embedded image is left out; its alt text and caption stay, in italics, and a note says so.
    assert body[8] == Paragraph((Emph((Text("[Grafik jumlah pengunjung] Gambar 1. Pengunjung perpustakaan"),)),))
    assert any("embedded image left out" in n for n in python_docx.notes)
    assert body[9] == Table(((Text("Sekolah"),), (Text("Buku"),)), (((Text("SD 1"),), (Text("1.200"),)),))
    assert "DIHAPUS" not in article_to_json(python_docx.article)


def test_registered_by_suffix(tmp_path: Path) -> None:
    with pytest.warns(TextNormalisedWarning, match="unsafe link target"):
        article = opedexport.read(python_docx_file(tmp_path / "a.docx"))
    assert article.title == "Perpustakaan Sekolah yang Hidup"


def test_lang_argument_and_core_language() -> None:
    doc = Document()
    doc.add_heading("A Heading That Becomes the Title", level=1)
    doc.add_paragraph("The council voted to close the library on Sundays, and the town is angry about it.")
    buf = io.BytesIO()
    doc.save(buf)
    result = read_bytes(buf.getvalue())
    # No Title paragraph and no title property: the opening heading is the title; python-docx's
    # template defaults (author "python-docx", created 2013) are not taken for metadata.
    assert result.article.title == "A Heading That Becomes the Title"
    assert result.article.authors == ()
    assert result.article.date is None
    assert result.article.lang == "en"  # detected
    assert read_bytes(buf.getvalue(), lang="en-GB").article.lang == "en-GB"


# --------------------------------------------------------------------------- pandoc


PANDOC_MD = """---
title: Pajak Karbon yang Adil
subtitle: Siapa yang membayar?
author:
  - Dewi Lestari
  - Hendra Gunawan
date: 2025-02-10
lang: id
keywords: [pajak, iklim]
---

# Pendahuluan

Pajak karbon harus **adil** bagi rumah tangga *miskin*, bukan hanya `efisien`,
kata [laporan ini](https://example.org/pajak).[^1]

## Pilihan Kebijakan

> Setiap rupiah dari pajak karbon harus kembali ke warga.
>
> — Menteri Keuangan

1. Dividen karbon
2. Subsidi transportasi

Paragraf penutup dengan catatan kedua.[^2]

[^1]: Lihat [kajian](https://example.org/kajian) tahun 2024.

[^2]: Catatan kedua.
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pandoc") is None, reason="pandoc is not installed")
def test_pandoc_docx(tmp_path: Path) -> None:
    (tmp_path / "in.md").write_text(PANDOC_MD, "utf-8")
    subprocess.run(["pandoc", "in.md", "-o", "out.docx"], cwd=tmp_path, check=True, capture_output=True, timeout=120)
    result = read_path(tmp_path / "out.docx")
    article = result.article
    assert article.title == "Pajak Karbon yang Adil"
    assert article.subtitle == "Siapa yang membayar?"
    assert article.authors == (Author("Dewi Lestari"), Author("Hendra Gunawan"))
    assert article.date == dt.date(2025, 2, 10)
    assert article.lang == "id"
    assert article.tags == ("pajak", "iklim")
    assert outline(article.body) == [
        "H1 Pendahuluan",
        "P Pajak karbon harus",
        "H2 Pilihan Kebijakan",
        "BlockQuote",
        "ListBlock",
        "P Paragraf penutup dengan",
    ]
    first = article.body[1]
    assert isinstance(first, Paragraph)
    assert Strong((Text("adil"),)) in first.children
    assert Emph((Text("miskin"),)) in first.children
    assert Code("efisien") in first.children
    # pandoc relates a note's links from the document part, not from footnotes.xml.
    assert links(article) == [("laporan ini", "https://example.org/pajak"), ("kajian", "https://example.org/kajian")]
    assert note_texts(article) == ["Lihat kajian tahun 2024.", "Catatan kedua."]
    quote = article.body[3]
    assert isinstance(quote, BlockQuote) and quote.attribution == (Text("Menteri Keuangan"),)
    listing = article.body[4]
    assert isinstance(listing, ListBlock) and listing.ordered and len(listing.items) == 2


# --------------------------------------------------------------------------- LibreOffice

FODT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:xlink="http://www.w3.org/1999/xlink" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
 office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
 <office:meta>
  <dc:title>Guru Honorer dan Janji Negara</dc:title>
  <dc:creator>Rina Wulandari</dc:creator>
  <meta:initial-creator>Rina Wulandari</meta:initial-creator>
  <dc:subject>Nasib guru honorer menunggu kepastian.</dc:subject>
  <dc:language>id-ID</dc:language>
  <meta:creation-date>2025-04-01T09:00:00</meta:creation-date>
 </office:meta>
 <office:automatic-styles>
  <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold"/></style:style>
  <style:style style:name="T2" style:family="text"><style:text-properties fo:font-style="italic"/></style:style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:p text:style-name="Title">Guru Honorer dan Janji Negara</text:p>
  <text:h text:outline-level="1">Bagian Pertama</text:h>
  <text:p text:style-name="Text_20_body">Guru honorer mengajar dengan <text:span text:style-name="T1">gaji kecil</text:span> dan
   <text:span text:style-name="T2">tanpa kepastian</text:span>, menurut <text:a xlink:type="simple"
   xlink:href="https://example.org/guru">data ini</text:a>.<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation><text:note-body><text:p text:style-name="Footnote">Data Kemendikbud 2024.</text:p></text:note-body></text:note></text:p>
  <text:h text:outline-level="2">Jalan Keluar</text:h>
  <text:p text:style-name="Quotations">Guru adalah tulang punggung pendidikan.</text:p>
  <text:list><text:list-item><text:p>Angkat menjadi ASN</text:p></text:list-item><text:list-item><text:p>Naikkan upah minimum guru</text:p></text:list-item></text:list>
  <text:p text:style-name="Text_20_body">Paragraf penutup.<text:note text:id="ftn2" text:note-class="endnote"><text:note-citation>i</text:note-citation><text:note-body><text:p text:style-name="Endnote">Catatan akhir.</text:p></text:note-body></text:note></text:p>
 </office:text></office:body>
</office:document>
"""


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> ReadResult:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    root = tmp_path_factory.mktemp("libreoffice")
    (root / "guru.fodt").write_text(FODT, "utf-8")
    profile = (root / f"lo-{uuid.uuid4().hex}").as_uri()
    command = ["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx"]
    subprocess.run(
        [*command, "--outdir", str(root), str(root / "guru.fodt")], capture_output=True, timeout=300, check=True
    )
    return read_path(root / "guru.docx")


@pytest.mark.slow
def test_libreoffice_docx(libreoffice: ReadResult) -> None:
    article = libreoffice.article
    assert article.title == "Guru Honorer dan Janji Negara"
    assert article.authors == (Author("Rina Wulandari"),)
    assert article.date == dt.date(2025, 4, 1)
    assert article.lang == "id-ID"
    assert article.summary == "Nasib guru honorer menunggu kepastian."
    assert outline(article.body) == [
        "H1 Bagian Pertama",
        "P Guru honorer mengajar",
        "H2 Jalan Keluar",
        "BlockQuote",
        "ListBlock",
        "P Paragraf penutup.",
    ]
    first = article.body[1]
    assert isinstance(first, Paragraph)
    assert Strong((Text("gaji kecil"),)) in first.children
    assert Emph((Text("tanpa kepastian"),)) in first.children
    assert links(article) == [("data ini", "https://example.org/guru")]
    assert note_texts(article) == ["Data Kemendikbud 2024.", "Catatan akhir."]
    listing = article.body[4]
    assert isinstance(listing, ListBlock) and not listing.ordered and len(listing.items) == 2


# --------------------------------------------------------------------------- round trip


def _as_read_back(article: Article) -> Article:
    """``article`` as the DOCX reader gives it back: a figure becomes its italic description, a table
    loses its column alignment (not read), and the source path is the DOCX's.
    """
    body: list[Block] = []
    for block in article.body:
        if isinstance(block, Figure):
            caption = plain_text(block.caption)
            photo = "Foto" if article.lang == "id" else "Photo"
            body.append(Paragraph((Emph((Text(f"[{block.alt}] {caption} {photo}: {block.credit}"),)),)))
        elif isinstance(block, Table):
            body.append(replace(block, align=()))
        else:
            body.append(block)
    return article.replace(body=tuple(body), cover="")


@pytest.mark.parametrize("lang", ["en", "id"])
def test_round_trip_through_the_docx_exporter(lang: str, tmp_path: Path) -> None:
    pytest.importorskip("opedexport.exporters.docx")
    (tmp_path / "images").mkdir()
    shutil.copy(DATA / "images" / "chart.png", tmp_path / "images" / "chart.png")
    original = feature_article(lang, tmp_path)
    path = tmp_path / "article.docx"
    path.write_bytes(opedexport.export_bytes(original, "docx"))
    back = read_path(path).article
    expected = _as_read_back(original)
    for name in ("title", "subtitle", "authors", "date", "publication", "lang", "tags", "summary", "source_url"):
        assert getattr(back, name) == getattr(expected, name), name
    assert (back.rights, back.disclosure) == (expected.rights, expected.disclosure)
    assert [type(b) for b in back.body] == [type(b) for b in expected.body]
    for got, want in zip(back.body, expected.body, strict=True):
        assert got == want
    assert notes_in_order(back) == notes_in_order(original)
    assert links(back) == links(original)
    assert isinstance(back.body[0], Paragraph) and isinstance(back.body[0].children[-1], Note)
    assert back.body.count(Rule()) == 1


# --------------------------------------------------------------------------- hostile and broken files


@functools.cache
def _python_docx_bytes() -> bytes:
    buf = io.BytesIO()
    doc = Document()
    doc.add_paragraph("Body text.")
    doc.save(buf)
    return buf.getvalue()


def _minimal_docx(document_xml: bytes | None = None, extra: dict[str, bytes] | None = None) -> bytes:
    """A valid DOCX from python-docx, with ``word/document.xml`` (and other entries) replaced."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(_python_docx_bytes())) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml" and document_xml is not None:
                data = document_xml
            dst.writestr(info.filename, data)
        for name, data in (extra or {}).items():
            dst.writestr(name, data)
    return out.getvalue()


def test_zip_bomb_is_refused_before_parsing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.docx"
    chunk = bytes(1024 * 1024)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<Types/>")
        with z.open("word/document.xml", "w", force_zip64=True) as f:  # 200 MB of zeros, streamed
            for _ in range(200):
                f.write(chunk)
    assert bomb.stat().st_size < 1024 * 1024
    with pytest.raises(LimitError, match=r"bomb\.docx: the DOCX expands to \d+ bytes, over the limit"):
        read_path(bomb)


def test_high_compression_ratio_is_refused(tmp_path: Path) -> None:
    data = _minimal_docx(extra={"word/media/padding.bin": bytes(20 * 1024 * 1024)})
    with pytest.raises(LimitError, match=r"word/media/padding\.bin expands \d+ times"):
        read_bytes(data)


def test_too_many_entries_are_refused() -> None:
    extra = {f"extra/item{i}.xml": b"<x/>" for i in range(MAX_ENTRIES)}
    with pytest.raises(LimitError, match=r"zip entries, over the limit of 1000"):
        read_bytes(_minimal_docx(extra=extra))


def test_external_entity_is_refused_and_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE x [<!ENTITY e SYSTEM "{secret.as_uri()}">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&e;</w:t></w:r></w:p></w:body></w:document>'
    ).encode()
    with pytest.raises(InputError, match=r"submission\.docx: word/document\.xml: a DOCTYPE is not allowed") as caught:
        read_bytes(_minimal_docx(xml))
    assert "root:x" not in str(caught.value)


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {c} "&{p};&{p};&{p};&{p};">' for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    xml = f'<?xml version="1.0"?><!DOCTYPE x [{entities}]><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&i;</w:t></w:r></w:p></w:body></w:document>'
    with pytest.raises(InputError, match="DOCTYPE"):
        read_bytes(_minimal_docx(xml.encode()))


def test_broken_inputs_name_the_file() -> None:
    with pytest.raises(InputError, match=r"^submission\.docx: the input is empty"):
        read_bytes(b"")
    with pytest.raises(InputError, match=r"^submission\.docx: not a DOCX file: not a zip archive"):
        read_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(InputError, match=r"^submission\.docx: word/document\.xml: not well-formed XML"):
        read_bytes(_minimal_docx(b"<w:document"))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(InputError, match=r"no document body"):
        read_bytes(out.getvalue())
    no_title = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>Just text.</w:t></w:r></w:p></w:body></w:document>'
    with pytest.raises(InputError, match=r"no title"):
        read_bytes(_minimal_docx(no_title.encode()))


# Pieces of WordprocessingML, one a line, put together at random.
W_FRAGMENTS = st.sampled_from(
    """<w:p>
</w:p>
<w:r>
</w:r>
<w:t>text, </w:t>
<w:br/>
<w:tab/>
<w:pPr><w:pStyle w:val="Heading1"/></w:pPr>
<w:pPr><w:pStyle w:val="Heading7"/></w:pPr>
<w:pPr><w:pStyle w:val="Title"/></w:pPr>
<w:pPr><w:pStyle w:val="Quote"/></w:pPr>
<w:pPr><w:pStyle w:val="Caption"/></w:pPr>
<w:pPr><w:numPr><w:ilvl w:val="7"/><w:numId w:val="1"/></w:numPr></w:pPr>
<w:pPr><w:outlineLvl w:val="x"/></w:pPr>
<w:pPr><w:outlineLvl w:val="6"/></w:pPr>
<w:rPr><w:b/><w:i w:val="0"/></w:rPr>
<w:footnoteReference w:id="5"/>
<w:hyperlink r:id="rId999">
</w:hyperlink>
<w:fldChar w:fldCharType="begin"/>
<w:instrText> HYPERLINK "https://example.org" </w:instrText>
<w:fldChar w:fldCharType="separate"/>
<w:fldChar w:fldCharType="end"/>
<w:drawing><wp:inline><wp:docPr id="1" name="p" descr="alt"/></wp:inline></w:drawing>
<w:tbl>
</w:tbl>
<w:tblPr><w:tblLook w:val="zz"/></w:tblPr>
<w:tr>
</w:tr>
<w:tc>
</w:tc>
<w:sdt><w:sdtContent>
</w:sdtContent></w:sdt>""".split("\n")
)


@settings(max_examples=150, deadline=None)
@given(st.lists(W_FRAGMENTS, max_size=40))
def test_any_document_xml_reads_or_fails_cleanly(parts: list[str]) -> None:
    xml = (
        f'<w:document xmlns:w="{W_NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
        ' xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        f'<w:body><w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>T</w:t></w:r></w:p>{"".join(parts)}</w:body></w:document>'
    )
    try:
        result = read_bytes(_minimal_docx(xml.encode()))
    except InputError:
        return
    assert result.article.title == "T"
    article_to_json(result.article)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_damaged_zips_fail_cleanly(data: st.DataObject) -> None:
    blob = bytearray(_minimal_docx())
    for _ in range(data.draw(st.integers(1, 8))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    with contextlib.suppress(InputError):
        read_bytes(bytes(blob))
