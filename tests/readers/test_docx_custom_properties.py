"""The DOCX reader's custom document properties (docProps/custom.xml): publication, rights and source URL."""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape, quoteattr

import pytest
from docx import Document
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part

from opedexport.model import Article
from opedexport.readers.base import Source
from opedexport.readers.docx import DocxReader

_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"


def custom_xml(props: dict[str, str]) -> bytes:
    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{n}" name={quoteattr(name)}><vt:lpwstr>{escape(value)}</vt:lpwstr></property>'
        for n, (name, value) in enumerate(props.items(), 2)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        f'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">{items}</Properties>'
    ).encode()


def docx_with(props: dict[str, str]) -> bytes:
    """A Word document made with python-docx, carrying ``props`` in a related docProps/custom.xml part."""
    doc = Document()
    doc.add_heading("Sungai Kota", level=0)
    doc.add_paragraph("Paragraf pertama tulisan ini cukup panjang untuk dibaca sebagai isi artikel.")
    package = doc.part.package
    part = Part(PackURI("/docProps/custom.xml"), CT.OFC_CUSTOM_PROPERTIES, custom_xml(props), package)
    package.relate_to(part, RT.CUSTOM_PROPERTIES)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def read(data: bytes) -> Article:
    return DocxReader().read(Source(data)).article


def test_custom_properties_fill_publication_rights_and_source() -> None:
    article = read(
        docx_with(
            {
                "Publication": "Kabar Banua",
                "Rights": "© 2024 Kabar Banua",
                "SourceURL": "https://kabarbanua.example/opini/sungai-kota",
            }
        )
    )
    assert article.publication == "Kabar Banua"
    assert article.rights == "© 2024 Kabar Banua"
    assert article.source_url == "https://kabarbanua.example/opini/sungai-kota"


@pytest.mark.parametrize(
    ("name", "field"),
    [
        ("publication", "publication"),
        ("PUBLICATION", "publication"),
        ("Publisher", "publication"),
        ("rights", "rights"),
        ("Copyright", "rights"),
        ("Source", "source_url"),
        ("Source URL", "source_url"),
        ("source_url", "source_url"),
    ],
)
def test_property_names_are_compared_without_case_or_spacing(name: str, field: str) -> None:
    value = "https://example.org/a" if field == "source_url" else "Harian Contoh"
    article = read(docx_with({name: value}))
    assert getattr(article, field) == value


def test_unrelated_properties_and_unsafe_urls_are_ignored() -> None:
    article = read(docx_with({"ContentTypeId": "0x0101", "Source": "javascript:alert(1)", "Owner": "Jane"}))
    assert (article.publication, article.rights, article.source_url) == ("", "", "")


def test_custom_part_found_by_its_usual_name_without_a_relationship() -> None:
    buffer = io.BytesIO()
    base = docx_with({})
    with zipfile.ZipFile(io.BytesIO(base)) as src, zipfile.ZipFile(buffer, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "_rels/.rels":
                data = data.replace(RT.CUSTOM_PROPERTIES.encode(), b"urn:x-removed")
            if item.filename == "docProps/custom.xml":
                data = custom_xml({"Publication": "Harian Contoh"})
            dst.writestr(item, data)
    assert read(buffer.getvalue()).publication == "Harian Contoh"


def test_no_custom_part_changes_nothing() -> None:
    doc = Document()
    doc.add_heading("Sungai Kota", level=0)
    doc.add_paragraph("Paragraf pertama tulisan ini cukup panjang untuk dibaca sebagai isi artikel.")
    out = io.BytesIO()
    doc.save(out)
    article = read(out.getvalue())
    assert (article.publication, article.rights, article.source_url) == ("", "", "")
