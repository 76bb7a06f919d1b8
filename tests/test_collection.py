"""Collections: the manifest (flat and in parts), its errors, and the Collection's helpers."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

import opedexport
from conftest import DATA
from opedexport import model as m
from opedexport.collection import Collection, Part, load_manifest
from opedexport.errors import InputError, ModelError

CORPUS = DATA / "collection"
MANIFEST = CORPUS / "manifest.yaml"

ONE = "---\ntitle: Satu\nauthor: {name: Ani, affiliation: Kampus A}\nlang: id\n---\n\nParagraf satu.[^1]\n\n[^1]: Catatan.\n"
TWO = "---\ntitle: Two\nauthors: [Bob, Ani]\nlang: en\n---\n\nParagraph two.\n"
THREE = "---\ntitle: Three\nauthor: Cai\nlang: en\n---\n\nParagraph three.\n"


@pytest.fixture
def book_dir(tmp_path: Path) -> Path:
    """A folder with three small articles under ``articles/``."""
    (tmp_path / "articles").mkdir()
    for name, text in (("one.md", ONE), ("two.md", TWO), ("three.md", THREE)):
        (tmp_path / "articles" / name).write_text(text, encoding="utf-8")
    return tmp_path


def write(folder: Path, text: str, name: str = "manifest.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the test corpus


def test_corpus_loads_in_parts() -> None:
    book = opedexport.load_manifest(MANIFEST)
    assert book.title == "Suara Publik 2025"
    assert book.subtitle == "Kumpulan opini tentang kota, iklim, dan warga"
    assert [e.name for e in book.editors] == ["Siti Rahma", "Jonathan Price"]
    assert book.editors[0].affiliation == "Editor Opini, Harian Nusantara"
    assert book.publication == "Harian Nusantara"
    assert book.date == dt.date(2025, 12, 31)
    assert book.lang == "id"
    assert book.source_path == MANIFEST and book.base_dir == CORPUS
    assert [p.title for p in book.parts] == ["Negara dan Warga", "Kota dan Lingkungan", "Pengetahuan dan Dunia"]
    assert [len(p.articles) for p in book.parts] == [4, 5, 3]
    articles = book.articles
    assert len(articles) == 12
    assert articles[0].title == "Cadangan Pangan Bukan Sekadar Gudang Beras"
    assert articles[-1].title == "ASEAN Needs a Climate Agreement With Teeth"
    # each article keeps its own language and folder
    assert sorted(a.lang for a in articles) == ["en"] * 6 + ["id"] * 6
    assert {a.base_dir for a in articles} == {CORPUS / "articles"}


def test_corpus_covers_what_the_book_exporters_test() -> None:
    """Footnotes in several articles, section headings, one figure, an article with two authors,
    full front matter and 250-600 words each."""
    book = load_manifest(MANIFEST)
    with_notes = [a for a in book.articles if list(m.notes_in_order(a))]
    assert len(with_notes) >= 6
    assert sum(1 for a in book.articles if any(isinstance(b, m.Heading) for b in a.body)) >= 5
    figures = [b for a in book.articles for b in a.body if isinstance(b, m.Figure)]
    assert [f.src for f in figures] == ["../images/chart.png"]
    assert (CORPUS / "images" / "chart.png").is_file()
    assert any(len(a.authors) == 2 for a in book.articles if a.lang == "id")
    assert any(len(a.authors) == 2 for a in book.articles if a.lang == "en")
    for article in book.articles:
        assert article.authors and all(a.affiliation for a in article.authors), article.title
        assert article.date is not None and article.publication and article.tags, article.title
        words = sum(len(m.plain_text(b.children).split()) for b in article.body if isinstance(b, m.Paragraph))
        assert 250 <= words <= 600, (article.title, words)


# --------------------------------------------------------------------------- flat manifests and keys


def test_flat_manifest_is_one_untitled_part(book_dir: Path) -> None:
    path = write(book_dir, "title: Buku\narticles:\n  - articles/one.md\n  - articles/two.md\n")
    book = load_manifest(path)
    assert len(book.parts) == 1 and book.parts[0].title == ""
    assert [a.title for a in book.articles] == ["Satu", "Two"]
    assert book.lang == "und" and book.editors == () and book.date is None
    assert book.subtitle == book.publication == book.cover == book.rights == book.theme == ""


def test_optional_keys(book_dir: Path) -> None:
    path = write(
        book_dir,
        "title: Buku\nsubtitle:\ndate: '2025-06-01'\nlang: id\ncover: cover.png\ntheme: modern\n"
        "rights: CC BY 4.0\npublication: 2025\narticles: [articles/one.md]\n",
    )
    book = load_manifest(path)
    assert book.subtitle == ""  # an empty value is no value, not "None"
    assert book.date == dt.date(2025, 6, 1)
    assert (book.cover, book.theme, book.rights, book.publication) == ("cover.png", "modern", "CC BY 4.0", "2025")


def test_lang_argument_overrides_the_manifest(book_dir: Path) -> None:
    path = write(book_dir, "title: Buku\nlang: id\narticles: [articles/two.md]\n")
    book = load_manifest(path, lang="en")
    assert book.lang == "en"
    assert book.articles[0].lang == "en"


@pytest.mark.parametrize(
    ("yaml_editors", "expected"),
    [
        ("editors: Siti Rahma", [("Siti Rahma", "")]),
        ("editors: [Siti Rahma, Budi]", [("Siti Rahma", ""), ("Budi", "")]),
        ("editors: {name: Siti, affiliation: Redaksi}", [("Siti", "Redaksi")]),
        ("editors:\n  - Siti\n  - name: Budi\n    affiliation: Tamu", [("Siti", ""), ("Budi", "Tamu")]),
        ("editors: []", []),
    ],
)
def test_editors_as_string_mapping_or_list(book_dir: Path, yaml_editors: str, expected: list[tuple[str, str]]) -> None:
    book = load_manifest(write(book_dir, f"title: Buku\n{yaml_editors}\narticles: [articles/one.md]\n"))
    assert [(e.name, e.affiliation) for e in book.editors] == expected


# --------------------------------------------------------------------------- errors


def raises(path: Path, match: str) -> InputError:
    with pytest.raises(InputError, match=match) as info:
        load_manifest(path)
    return info.value


def test_unknown_key(book_dir: Path) -> None:
    err = raises(
        write(book_dir, "title: Buku\nchapters: []\narticles: [articles/one.md]\n"), r"unknown key\(s\) chapters"
    )
    assert err.path == book_dir / "manifest.yaml"


def test_articles_and_parts_together(book_dir: Path) -> None:
    text = "title: Buku\narticles: [articles/one.md]\nparts:\n  - title: A\n    articles: [articles/two.md]\n"
    raises(write(book_dir, text), "not both")


@pytest.mark.parametrize("ref", ["../x.md", "articles/../../x.md", "/etc/passwd"])
def test_article_outside_the_folder(book_dir: Path, ref: str) -> None:
    (book_dir.parent / "x.md").write_text(ONE, encoding="utf-8")
    raises(write(book_dir, f"title: Buku\narticles:\n  - {ref}\n"), "outside the manifest's folder")


def test_article_outside_the_folder_in_a_part(book_dir: Path) -> None:
    text = "title: Buku\nparts:\n  - title: A\n    articles: [articles/one.md, ../x.md]\n"
    raises(write(book_dir, text), r"\.\./x\.md is outside")


def test_missing_article_names_the_article(book_dir: Path) -> None:
    err = raises(write(book_dir, "title: Buku\narticles: [articles/one.md, articles/gone.md]\n"), "gone.md")
    assert err.path is not None and err.path.name == "gone.md"


def test_bad_article_names_the_article_and_line(book_dir: Path) -> None:
    (book_dir / "articles" / "bad.md").write_text("---\ntitle: X\nwho: me\n---\n\nText.\n", encoding="utf-8")
    err = raises(write(book_dir, "title: Buku\narticles: [articles/bad.md]\n"), "who")
    assert err.path is not None and err.path.name == "bad.md"
    assert err.line == 3


def test_yaml_alias_refused(book_dir: Path) -> None:
    text = "title: &t Buku\nsubtitle: *t\narticles: [articles/one.md]\n"
    err = raises(write(book_dir, text), "alias")
    assert err.line == 2


def test_yaml_error_names_the_line(book_dir: Path) -> None:
    err = raises(write(book_dir, "title: Buku\narticles: [articles/one.md\n"), "manifest")
    assert err.line is not None


@pytest.mark.parametrize("text", ["articles: [articles/one.md]\n", "title: ''\narticles: [articles/one.md]\n"])
def test_no_title(book_dir: Path, text: str) -> None:
    raises(write(book_dir, text), "title")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("", "must be a mapping"),
        ("- a\n- b\n", "must be a mapping"),
        ("title: Buku\n", "articles must be a non-empty list"),
        ("title: Buku\narticles: []\n", "articles must be a non-empty list"),
        ("title: Buku\narticles: articles/one.md\n", "non-empty list"),
        ("title: Buku\narticles: [5]\n", "holds 5, not a path"),
        ("title: Buku\nparts: []\n", "parts must be a non-empty list"),
        ("title: Buku\nparts:\n  - title: A\n    intro: x\n    articles: [articles/one.md]\n", r"parts\[1\]"),
        ("title: Buku\nparts:\n  - title: A\n    articles: []\n", r"parts\[1\] must be a non-empty list"),
        ("title: [a, b]\narticles: [articles/one.md]\n", "title must be text"),
        ("title: Buku\nlang: en US\narticles: [articles/one.md]\n", "BCP 47"),
        ("title: Buku\ndate: 12\narticles: [articles/one.md]\n", "date must be YYYY-MM-DD"),
        ("title: Buku\ndate: '31-12-2025'\narticles: [articles/one.md]\n", "date must be YYYY-MM-DD"),
        ("title: Buku\ndate: 2025-13-01\narticles: [articles/one.md]\n", "month"),
        ("title: Buku\neditors: 12\narticles: [articles/one.md]\n", "editors must be"),
        ("title: Buku\neditors: [{affiliation: X}]\narticles: [articles/one.md]\n", "needs a name"),
        ("title: Buku\neditors: [{name: A, role: x}]\narticles: [articles/one.md]\n", r"unknown key\(s\) role"),
        ("title: Buku\neditors: ['']\narticles: [articles/one.md]\n", "name must not be empty"),
    ],
)
def test_bad_manifests(book_dir: Path, text: str, match: str) -> None:
    err = raises(write(book_dir, text), match)
    assert err.path == book_dir / "manifest.yaml"


def test_unreadable_manifest(tmp_path: Path) -> None:
    raises(tmp_path / "none.yaml", "cannot read manifest")
    (tmp_path / "latin1.yaml").write_bytes(b"title: Caf\xe9\n")
    raises(tmp_path / "latin1.yaml", "cannot read manifest")


# --------------------------------------------------------------------------- the Collection


def test_numbered_counts_across_parts(book_dir: Path) -> None:
    text = (
        "title: Buku\nparts:\n  - title: A\n    articles: [articles/one.md, articles/two.md]\n"
        "  - title: B\n    articles: [articles/three.md]\n"
    )
    book = load_manifest(write(book_dir, text))
    assert [(n, part.title, a.title) for n, part, a in book.numbered()] == [
        (1, "A", "Satu"),
        (2, "A", "Two"),
        (3, "B", "Three"),
    ]


def test_numbered_on_the_corpus() -> None:
    book = load_manifest(MANIFEST)
    numbered = list(book.numbered())
    assert [n for n, _, _ in numbered] == list(range(1, 13))
    assert [a for _, _, a in numbered] == book.articles
    assert [p.title for _, p, _ in numbered][3:5] == ["Negara dan Warga", "Kota dan Lingkungan"]


def test_all_authors_distinct_in_order(book_dir: Path) -> None:
    book = load_manifest(
        write(book_dir, "title: Buku\narticles: [articles/one.md, articles/two.md, articles/three.md]\n")
    )
    authors = book.all_authors()
    assert [a.name for a in authors] == ["Ani", "Bob", "Cai"]  # Ani of two.md is the one of one.md
    assert authors[0].affiliation == "Kampus A"


def test_all_authors_of_the_corpus() -> None:
    names = [a.name for a in load_manifest(MANIFEST).all_authors()]
    assert len(names) == len(set(names)) == 14
    assert names[0] == "Dewi Lestari Pratama"
    assert {"Emily Chen", "Samuel Adeyemi", "Ayu Kartika Sari", "Fajar Nugroho"} <= set(names)


def test_as_article_with_editors() -> None:
    book = load_manifest(MANIFEST)
    article = book.as_article()
    assert isinstance(article, m.Article)
    assert (article.title, article.subtitle, article.lang) == (book.title, book.subtitle, "id")
    assert [a.name for a in article.authors] == ["Siti Rahma", "Jonathan Price"]
    assert article.date == dt.date(2025, 12, 31) and article.publication == "Harian Nusantara"
    assert article.body == ()
    assert article.base_dir == CORPUS


def test_as_article_without_editors_lists_the_authors(book_dir: Path) -> None:
    book = load_manifest(write(book_dir, "title: Buku\narticles: [articles/one.md, articles/two.md]\n"))
    assert [a.name for a in book.as_article().authors] == ["Ani", "Bob"]


def test_collection_in_code() -> None:
    one = m.Article(title="Satu", lang="id", body=(m.Paragraph((m.Text("x"),)),))
    book = Collection(title="  Buku \n Saya ", parts=(Part("", (one,)),), lang="id")
    assert book.title == "Buku Saya" and book.base_dir is None and book.articles == [one]
    with pytest.raises(ModelError, match="title"):
        Collection(title=" ", parts=(Part("", (one,)),))
    with pytest.raises(ModelError, match="at least one article"):
        Collection(title="Buku", parts=(Part("A", ()),))
    with pytest.raises(ModelError, match="BCP 47"):
        Collection(title="Buku", parts=(Part("", (one,)),), lang="bahasa indonesia")


def test_manifest_elsewhere_reads_relative_to_itself(book_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Paths are relative to the manifest, not to the working directory."""
    write(book_dir, "title: Buku\narticles: [articles/one.md]\n")
    copy = tmp_path_factory.mktemp("copy") / "book"
    shutil.copytree(book_dir, copy)
    assert load_manifest(copy / "manifest.yaml").articles[0].source_path == (copy / "articles" / "one.md").resolve()
