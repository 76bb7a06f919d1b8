"""The shape limits: input just over one is refused before anything is built, naming the limit.

The defaults in :mod:`opedexport.limits` are what ``benchmarks/worst_shapes.py`` measured to build
within 1 GiB; these tests read inputs just over (and at) each default without rendering, and build
one moderate input with lowered limits to show that what passes the check builds.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
import pytest

import opedexport
from opedexport import limits
from opedexport.errors import InputError, LimitError
from opedexport.model import Table, notes_in_order

Read = Callable[..., opedexport.Article]


@pytest.fixture
def md(tmp_path: Path) -> Read:
    """Read ``text`` from a file named ``name`` (``big.md`` unless given) in a fresh folder."""

    def read(text: str, name: str = "big.md") -> opedexport.Article:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return opedexport.read(path)

    return read


def table(cells: int, cols: int = 20) -> str:
    """A Markdown document with one table of ``cells`` cells (the header row included)."""
    rows = cells // cols - 1
    lines = ["# T", "", "| " + " | ".join("h" for _ in range(cols)) + " |", "|" + " - |" * cols]
    lines += ["| " + " | ".join(str(r) for _ in range(cols)) + " |" for r in range(rows)]
    return "\n".join(lines) + "\n"


def notes(count: int) -> str:
    refs = "".join(f"Claim {i}.[^{i}]\n\n" for i in range(count))
    return "# T\n\n" + refs + "".join(f"[^{i}]: Source {i}.\n\n" for i in range(count))


def assert_names_limit(exc: pytest.ExceptionInfo[LimitError], name: str) -> None:
    message = str(exc.value)
    assert f"over the limit of {getattr(limits, name)}" in message
    assert f"opedexport.limits.{name}" in message
    assert "\n" not in message


# --------------------------------------------------------------------------- just over each default


def test_table_just_over_the_cell_limit_is_refused_at_its_line(md: Read) -> None:
    assert limits.MAX_TABLE_CELLS % 20 == 0
    with pytest.raises(LimitError) as info:
        md(table(limits.MAX_TABLE_CELLS + 20))
    assert_names_limit(info, "MAX_TABLE_CELLS")
    assert str(info.value).startswith(str(info.value.path))
    assert info.value.path is not None and info.value.path.name == "big.md"
    assert info.value.line == 3 + limits.MAX_TABLE_CELLS // 20 + 1  # the row that goes over (after the rule)


def test_table_at_the_cell_limit_is_read(md: Read) -> None:
    (block,) = md(table(limits.MAX_TABLE_CELLS)).body
    assert isinstance(block, Table)
    assert len(block.header) + sum(len(r) for r in block.rows) == limits.MAX_TABLE_CELLS


def test_notes_just_over_the_limit_are_refused(md: Read) -> None:
    with pytest.raises(LimitError) as info:
        md(notes(limits.MAX_NOTES + 1))
    assert_names_limit(info, "MAX_NOTES")
    assert len(notes_in_order(md(notes(limits.MAX_NOTES)))) == limits.MAX_NOTES


def test_blocks_just_over_the_limit_are_refused_at_their_line(md: Read) -> None:
    text = "# T\n\n" + "".join(f"p{i}\n\n" for i in range(limits.MAX_BLOCKS))  # the title is a block too
    with pytest.raises(LimitError) as info:
        md(text)
    assert_names_limit(info, "MAX_BLOCKS")
    assert info.value.line == 3 + 2 * (limits.MAX_BLOCKS - 1)
    assert len(md(text.removesuffix(f"p{limits.MAX_BLOCKS - 1}\n\n")).body) == limits.MAX_BLOCKS - 1


def test_inline_nodes_just_over_the_limit_are_refused(md: Read) -> None:
    def paragraph(emphases: int) -> str:  # each `*a* ` is Emph(Text), then Text(" "): three nodes
        return "# T\n\n" + "*a* " * emphases + "b\n"

    over = limits.MAX_INLINES // 3 + 1
    with pytest.raises(LimitError) as info:
        md(paragraph(over))
    assert_names_limit(info, "MAX_INLINES")
    (block,) = md(paragraph(over - 2)).body
    assert len(block.children) == 2 * (over - 2)  # Emph, Text(" "), …, Emph, Text(" b")


def test_text_input_over_the_byte_limit_is_refused_before_parsing(md: Read) -> None:
    text = "# T\n\n" + "x" * limits.MAX_TEXT_BYTES
    for name in ("big.md", "big.txt", "big.json"):
        with pytest.raises(LimitError) as info:
            md(text, name)
        assert_names_limit(info, "MAX_TEXT_BYTES")
        assert info.value.path is not None and info.value.path.name == name


def test_text_over_the_character_limit_is_refused_for_every_reader(md: Read) -> None:
    words = ("kata " * 1000 + "\n\n") * (limits.MAX_TEXT_CHARS // 4999 + 1)  # 4999 characters a paragraph
    assert len(words.encode()) < limits.MAX_TEXT_BYTES
    for name, text in (("a.txt", "Judul\n\n" + words), ("a.md", "# Judul\n\n" + words)):
        with pytest.raises(LimitError) as info:
            md(text, name)
        assert_names_limit(info, "MAX_TEXT_CHARS")


def test_html_past_a_limit_is_refused_after_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 4)
    page = "<html><body><article><h1>T</h1><table>" + "<tr><td>a</td><td>b</td></tr>" * 3 + "</table>"
    path = tmp_path / "page.html"
    path.write_text(page + "<p>Isi tulisan yang cukup panjang.</p></article></body></html>", encoding="utf-8")
    with pytest.raises(LimitError) as info:
        opedexport.read(path)
    assert_names_limit(info, "MAX_TABLE_CELLS")
    assert info.value.path == path


def test_html_over_the_markup_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"<p>" + b"<b>a</b>" * (limits.MAX_MARKUP_BYTES // 8))
    with pytest.raises(LimitError) as info:
        opedexport.read(path)
    assert_names_limit(info, "MAX_MARKUP_BYTES")


def test_docx_part_over_the_markup_limit_is_refused_before_parsing(tmp_path: Path) -> None:
    document = io.BytesIO()
    docx.Document().save(document)
    path = tmp_path / "big.docx"
    with zipfile.ZipFile(document) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as dst:
        for name in src.namelist():
            data = src.read(name)
            if name == "word/document.xml":  # stored, not deflated: no zip-bomb ratio to trip first
                data = data.replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * (limits.MAX_MARKUP_BYTES // 6))
            dst.writestr(name, data)
    with pytest.raises(LimitError) as info:
        opedexport.read(path)
    assert_names_limit(info, "MAX_MARKUP_BYTES")
    assert "word/document.xml" in str(info.value)


def test_nesting_just_over_the_limit_is_a_clear_error_at_its_line(md: Read) -> None:
    stars = 2 * limits.MAX_NESTING  # `***` opens emphasis and strong: two levels for each pair of stars
    with pytest.raises(InputError) as info:
        md("# T\n\nok\n\n" + "*" * stars + "x" + "*" * stars + "\n")
    assert info.value.line == 5
    assert f"nest deeper than {limits.MAX_NESTING} levels" in str(info.value)
    md("# T\n\nok\n\n" + "*" * (stars - 4) + "x" + "*" * (stars - 4) + "\n")


def test_a_thousand_levels_of_emphasis_name_the_file_and_line(md: Read) -> None:
    with pytest.raises(InputError, match=r"deep\.md:3: emphasis, links and other markup nest deeper than"):
        md("# T\n\n" + "*" * 1000 + "x" + "*" * 1000 + "\n", "deep.md")


def test_raising_a_limit_lets_the_input_through(md: Read, monkeypatch: pytest.MonkeyPatch) -> None:
    text = table(limits.MAX_TABLE_CELLS + 20)
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", limits.MAX_TABLE_CELLS + 20)
    assert isinstance(md(text).body[0], Table)


def test_a_device_that_never_ends_is_not_read(tmp_path: Path) -> None:
    link = tmp_path / "endless.md"
    link.symlink_to("/dev/zero")  # stat says 0 bytes; reading it whole would never end
    with pytest.raises(InputError, match=r"endless\.md: not a regular file"):
        opedexport.read(link, max_bytes=1000)


# --------------------------------------------------------------------------- the manifest


def test_manifest_over_the_byte_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    manifest = tmp_path / "book.yaml"
    with manifest.open("wb") as f:  # 60 MB, sparse: reading it whole would show in the time and memory
        f.truncate(60 * 1024 * 1024)
    with pytest.raises(LimitError) as info:
        opedexport.load_manifest(manifest)
    assert_names_limit(info, "MAX_MANIFEST_BYTES")
    assert info.value.path == manifest


def test_manifest_just_over_the_byte_limit(tmp_path: Path) -> None:
    manifest = tmp_path / "book.yaml"
    head = "title: Buku\narticles: [a.md]\n"
    manifest.write_text(head + "#" * (limits.MAX_MANIFEST_BYTES - len(head)) + "\n", encoding="utf-8")
    with pytest.raises(LimitError) as info:
        opedexport.load_manifest(manifest)
    assert_names_limit(info, "MAX_MANIFEST_BYTES")


def test_manifest_with_too_many_entries_is_refused_before_any_article_is_read(tmp_path: Path) -> None:
    manifest = tmp_path / "book.yaml"
    entries = "".join(f"  - missing-{i}.md\n" for i in range(limits.MAX_MANIFEST_ENTRIES + 1))
    manifest.write_text("title: Buku\narticles:\n" + entries, encoding="utf-8")
    with pytest.raises(LimitError) as info:  # not "cannot read file" about the first missing article
        opedexport.load_manifest(manifest)
    assert_names_limit(info, "MAX_MANIFEST_ENTRIES")


def test_a_book_is_counted_as_a_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_NOTES", 3)
    for name in ("one", "two"):
        (tmp_path / f"{name}.md").write_text(notes(2), encoding="utf-8")
    manifest = tmp_path / "book.yaml"
    manifest.write_text("title: Buku\narticles: [one.md, two.md]\n", encoding="utf-8")
    with pytest.raises(LimitError) as info:
        opedexport.load_manifest(manifest)
    assert_names_limit(info, "MAX_NOTES")
    assert info.value.path == manifest


# --------------------------------------------------------------------------- what passes builds


def test_just_under_the_limits_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """A moderate input at lowered limits: what the check lets through, the exporters build."""
    monkeypatch.setattr(limits, "MAX_TABLE_CELLS", 200)
    monkeypatch.setattr(limits, "MAX_NOTES", 30)
    text = table(200).removesuffix("\n") + "\n\n" + notes(30).removeprefix("# T\n\n")
    article = opedexport.read(text=text, format="markdown")
    assert opedexport.export_bytes(article, "pdf")[:5] == b"%PDF-"
    for fmt in ("epub", "docx"):
        assert opedexport.export_bytes(article, fmt)[:2] == b"PK"
    with pytest.raises(LimitError):
        opedexport.read(text=text + "One more.[^x]\n\n[^x]: Over.\n", format="markdown")
