"""What a book costs WeasyPrint, counted rather than timed (issue 19, case c): one layout of the whole
book even when a note strays, one decoding of a figure every chapter shows, and the tighter settings
of a chapter scoped to the chapter.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import DATA, feature_article
from opedexport.collection import Collection, Part
from opedexport.errors import LayoutWarning
from opedexport.exporters import pdf as pdfmod
from opedexport.exporters._html import css_for
from opedexport.exporters.pdf import PdfExporter
from opedexport.theme import Theme


def three_chapters(root: Path) -> Collection:
    """Three feature articles in folders of their own, each with its own copy of the same chart."""
    articles = []
    for n, lang in enumerate(("id", "en", "id")):
        folder = root / f"a{n}"
        (folder / "images").mkdir(parents=True)
        shutil.copy(DATA / "images" / "chart.png", folder / "images" / "chart.png")
        articles.append(feature_article(lang, folder))
    return Collection(title="Tiga Bab", parts=(Part("", tuple(articles)),), lang="id")


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pages of each layout WeasyPrint makes from now on."""
    weasyprint = pdfmod.import_weasyprint()
    made: list[int] = []
    original = weasyprint.HTML.render

    def render(self: Any, *args: Any, **kwargs: Any) -> Any:
        document = original(self, *args, **kwargs)
        made.append(len(document.pages))
        return document

    monkeypatch.setattr(weasyprint.HTML, "render", render)
    return made


def test_a_book_with_a_stray_note_is_laid_out_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renders: list[int]
) -> None:
    # However the layout falls, say a note strayed: an article would be laid out again to place it.
    monkeypatch.setattr(pdfmod, "misplaced_notes", lambda document: [(1, 5, 6)])
    with pytest.warns(LayoutWarning, match="footnote 1 is printed on page 6, its call on page 5"):
        data = PdfExporter().export_collection(three_chapters(tmp_path), Theme.load())
    assert data.startswith(b"%PDF-")
    assert len(renders) == 1 and renders[0] > 3


def test_a_figure_every_chapter_shows_is_decoded_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renders: list[int]
) -> None:
    from weasyprint import images

    decoded: list[str] = []
    original = images.RasterImage.__init__

    def init(self: Any, pillow_image: Any, image_id: str, *args: Any, **kwargs: Any) -> None:
        decoded.append(image_id)
        original(self, pillow_image, image_id, *args, **kwargs)

    monkeypatch.setattr(images.RasterImage, "__init__", init)
    PdfExporter().export_collection(three_chapters(tmp_path), Theme.load())
    assert len(renders) == 1
    assert len(decoded) == 1  # three folders, three files, one content: one image


@pytest.mark.parametrize("theme", ["default", "modern", "newspaper"])
def test_the_books_tighter_settings_are_for_a_chapter_alone(theme: str) -> None:
    # An article is set tighter as a whole (<html class="fit-N">); a book, chapter by chapter, so its
    # stylesheet holds no rule an article's class could trigger.
    loaded = Theme.load(theme)
    assert "html.fit-1" in css_for(loaded, "print") and "article.chapter.fit-" not in css_for(loaded, "print")
    book = css_for(loaded, "print", book=True)
    assert "html.fit-" not in book
    assert all(f"article.chapter.fit-{step} " in book for step in (1, 2, 3))
