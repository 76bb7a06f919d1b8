"""The README's main job: every article in source/ to PDF, EPUB and DOCX, judged as a reader would."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest

import opedexport
from opedexport.model import Heading, Paragraph, plain_text

SOURCE = Path(__file__).resolve().parents[1] / "source"
BOILERPLATE = ("Bacaan Lainnya", "Ingin produk, bisnis atau agenda Anda diliput", "Pos terkait", "081281731818")
ARTICLES = sorted(p for p in SOURCE.iterdir() if p.is_file())

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not shutil.which("qpdf"), reason="poppler/qpdf")


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("out")
    proc = subprocess.run(
        [sys.executable, "-m", "opedexport", "build", str(SOURCE), "--out", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return target


def squash(text: str) -> str:
    """Text without line-end hyphenation and with white space folded, for order checks."""
    text = re.sub(r"(\w)[\u2010\u00ad]\n(\w)", r"\1\2", text)  # the hyphenation hyphen, not a real "-"
    return " ".join(text.split())


def expected_lines(path: Path) -> list[str]:
    article = opedexport.read(path)
    lines = [article.title, *(a.name for a in article.authors), *(a.affiliation for a in article.authors)]
    for block in article.body:
        if isinstance(block, (Heading, Paragraph)):
            lines.append(plain_text(block.children))
    return lines


def in_order(haystack: str, needles: list[str]) -> None:
    position = 0
    for needle in needles:
        # the first and the last words of each line of text, in order (a paragraph may run on
        # into the next column or page, with a running header or page number in between)
        words = needle.split()
        probes = [" ".join(words)] if len(words) <= 12 else [" ".join(words[:6]), " ".join(words[-6:])]
        for probe in probes:
            found = haystack.find(probe, position)
            assert found >= 0, f"{probe!r} missing or out of order"
            position = found + len(probe)


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_pdf_of_each_source_article(out: Path, path: Path) -> None:
    pdf = out / f"{path.stem}.pdf"
    assert subprocess.run(["qpdf", "--check", str(pdf)], capture_output=True, check=False).returncode == 0
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    article = opedexport.read(path)
    assert f"Title:           {article.title}" in info
    assert "Author:          Ratu Hanun T.W.A" in info
    text = squash(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout)
    in_order(text, expected_lines(path))
    for junk in BOILERPLATE:
        assert junk not in text
    assert "Oleh Ratu Hanun T.W.A" in text


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_epub_and_docx_of_each_source_article(out: Path, path: Path) -> None:
    with zipfile.ZipFile(out / f"{path.stem}.epub") as book:
        xhtml = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    words = squash(re.sub(r"<[^>]+>", " ", xhtml))
    in_order(words, expected_lines(path)[3:])
    document = docx.Document(str(out / f"{path.stem}.docx"))
    text = squash(" ".join(p.text for p in document.paragraphs))
    in_order(text, expected_lines(path))
    for junk in BOILERPLATE:
        assert junk not in words and junk not in text


def test_markdown_and_text_sources_give_the_same_body() -> None:
    md = opedexport.read(SOURCE / "nato-diplomasi-pertahanan.md")
    txt = opedexport.read(SOURCE / "000_ed708197f1b9d573.txt")
    assert md.body == txt.body
    assert (md.title, md.authors, md.lang) == (txt.title, txt.authors, txt.lang)
