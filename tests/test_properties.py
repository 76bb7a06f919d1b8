"""Property-based tests: any Article the model allows, exported by every exporter, is accepted by the judges.

Articles come from the model's strategies (``tests/strategies.py``: every node type, nested, every
metadata field), with one more paragraph of hostile text (C0 and C1 controls, lone surrogates,
noncharacters, bidi controls and any other code point), which the model cleans with a warning.

The outside judges are slow, so they do not run per example. Each ``@given`` test runs the cheap checks
inline (``qpdf --check`` for a PDF; for an EPUB and a DOCX: the zip is sound and every XML part parses,
and python-docx opens the DOCX). The judges' tests (marked slow) generate their own articles and run
EPUBCheck once over every book and LibreOffice once over every document, so they need no other test to
have run first. Next to each file lies the article as JSON, so a failure names an input that reproduces
it (``opedexport.read("….json")``).

How many examples: ``OPEDEXPORT_HYPOTHESIS_EXAMPLES`` (default 8) for the PDF and the EPUB, half as many
for the DOCX (LibreOffice is the slowest judge). CI keeps the default; by hand, for example::

    OPEDEXPORT_HYPOTHESIS_EXAMPLES=200 pytest tests/test_properties.py
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import judges
import opedexport
from opedexport import model as m
from opedexport.errors import ResourceRefusedWarning, TextNormalisedWarning
from opedexport.serialize import article_to_json
from strategies import articles

EXAMPLES = max(1, int(os.environ.get("OPEDEXPORT_HYPOTHESIS_EXAMPLES", "8")))
DOCX_EXAMPLES = max(1, EXAMPLES // 2)
#: The one date form EPUB's ``dcterms:modified`` and Word's core properties accept.
W3CDTF = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")

_SETTINGS = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

_HOSTILE_CHARS = "\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f\ud800\udbff\udc00\udfff\ufffe\uffff\ufeff\u200b\u202e\u2066"
hostile_text = st.lists(
    st.one_of(st.sampled_from(list(_HOSTILE_CHARS)), st.characters(codec=None)), min_size=1, max_size=30
).map("".join)


def _with_hostile_text(article: m.Article, text: str) -> m.Article:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", TextNormalisedWarning)
        return article.replace(body=(*article.body, m.Paragraph((m.Text(text),))))


generated = st.builds(_with_hostile_text, articles(), hostile_text)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("generated")


def export(article: m.Article, fmt: str) -> bytes:
    """Export ``article``; the only warnings allowed are refusals of its images (they name no real file)
    and, for any text, characters that no installed font has."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = opedexport.export_bytes(article, fmt)
    unexpected = [
        f"{w.category.__name__}: {w.message}"
        for w in caught
        if w.category is not ResourceRefusedWarning and "no font of the theme or of this machine" not in str(w.message)
    ]
    assert not unexpected, unexpected
    assert isinstance(data, bytes)
    return data


def keep(folder: Path, article: m.Article, data: bytes, suffix: str) -> Path:
    """Write ``data`` and the article's JSON beside it; return the file."""
    path = folder / f"{len(list(folder.iterdir())) // 2:04d}{suffix}"
    path.write_bytes(data)
    path.with_suffix(".json").write_text(article_to_json(article), encoding="utf-8")
    return path


def check_zip_of_xml(data: bytes) -> zipfile.ZipFile:
    """The zip is sound and every XML part in it parses (without DTDs, entities or the network)."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    for name in archive.namelist():
        if name.endswith((".xml", ".xhtml", ".opf", ".ncx", ".rels")):
            etree.fromstring(archive.read(name), parser=parser)
    return archive


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
@settings(max_examples=EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
@given(article=generated)
def test_pdf_of_any_article_passes_qpdf(article: m.Article, folder: Path) -> None:
    data = export(article, "pdf")
    path = keep(folder, article, data, ".pdf")
    proc = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 0, f"{path.with_suffix('.json')}: {proc.stdout[-500:]}{proc.stderr[-500:]}"


@settings(max_examples=EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
@given(article=generated)
def test_epub_of_any_article_is_well_formed(article: m.Article, folder: Path) -> None:
    data = export(article, "epub")
    archive = check_zip_of_xml(data)
    infos = archive.infolist()
    assert infos[0].filename == "mimetype" and archive.read("mimetype") == b"application/epub+zip"
    opf = etree.fromstring(archive.read("EPUB/content.opf"))
    assert opf.findtext("{*}metadata/{http://purl.org/dc/elements/1.1/}title") == article.title
    modified = opf.findtext("{*}metadata/{*}meta[@property='dcterms:modified']") or ""
    assert W3CDTF.fullmatch(modified), modified


@settings(max_examples=DOCX_EXAMPLES, **_SETTINGS)  # type: ignore[arg-type]
@given(article=generated)
def test_docx_of_any_article_reopens(article: m.Article, folder: Path) -> None:
    data = export(article, "docx")
    core = etree.fromstring(check_zip_of_xml(data).read("docProps/core.xml"))
    for name in ("created", "modified"):
        stamp = core.findtext(f"{{http://purl.org/dc/terms/}}{name}") or ""
        assert W3CDTF.fullmatch(stamp), stamp
    document = docx.Document(io.BytesIO(data))
    title = document.core_properties.title
    assert title and article.title.startswith(title.removesuffix("…"))
    assert any(p.text for p in document.paragraphs)
    assert export(article, "docx") == data  # the same bytes again


def generate(fmt: str, examples: int, folder: Path) -> list[Path]:
    """Files of ``examples`` generated articles in ``fmt``, each with its JSON beside it.

    Each judge's test makes its own, so it runs the same alone, with ``-m slow`` or in any order.
    """
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []

    @settings(max_examples=examples, **_SETTINGS)  # type: ignore[arg-type]
    @given(article=generated)
    def collect(article: m.Article) -> None:
        files.append(keep(folder, article, export(article, fmt), f".{fmt}"))

    collect()
    return files


@pytest.mark.slow
def test_epubcheck_accepts_every_generated_book(tmp_path: Path) -> None:
    if not judges.have_epubcheck():
        pytest.skip("EPUBCheck needs java and the epubcheck package")
    books = generate("epub", EXAMPLES, tmp_path)
    assert books
    results = judges.epubcheck_many(books)
    report = [
        f"{path.with_suffix('.json')}: " + "; ".join(result[3])
        for path, result in results.items()
        if result[:3] != (0, 0, 0)
    ]
    assert not report, "\n".join(report)


@pytest.mark.slow
@pytest.mark.skipif(not judges.have_libreoffice(), reason="LibreOffice (soffice) or pdftotext is not installed")
def test_libreoffice_opens_every_generated_document(tmp_path: Path) -> None:
    documents = generate("docx", DOCX_EXAMPLES, tmp_path / "in")
    assert documents
    pdfs = judges.libreoffice_to_pdf(documents, tmp_path)
    unopened = [str(path.with_suffix(".json")) for path in documents if path not in pdfs]
    assert not unopened, f"LibreOffice could not open the DOCX of {unopened}"
    for pdf in pdfs.values():
        judges.pdftotext(pdf)  # poppler reads what LibreOffice wrote
