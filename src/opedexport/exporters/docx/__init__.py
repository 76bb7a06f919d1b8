"""The DOCX exporter: a Word document built with python-docx, every block in a named style set from the theme.

The exporter walks the model itself (no HTML step). Its parts:

* **Styles** (:mod:`.styles`). ``styles.xml`` is rebuilt from the theme's role table
  (:mod:`opedexport.roles`, which the CSS templates read too) by
  :class:`StyleSheet`: the template's own styles (with their theme fonts and
  theme colours, which Word lets win over explicit values) are removed, and
  every style the article uses is written with explicit fonts, sizes, colours
  and spacing. Body paragraphs are ``Normal`` (first-line indent, alignment,
  leading, paragraph spacing as space after); the
  paragraph that opens the text or follows a heading, rule, figure, quote, list
  or table is ``First Paragraph`` (the name pandoc uses), which is ``Normal``
  without the indent, as the PDF does with CSS. Line spacing is exact (the
  theme's leading times each style's own size, CSS's unitless
  ``line-height``), not a multiple of Word's "single", which is the font's
  own line height (1.64 em for Charis SIL). Sizes, spacing and colours are the role table's: the
  accent for the kicker, level-1 headings, links, note calls and the pull
  quote; muted for dek, byline labels, captions, attributions and end
  matter; the title in the text colour. Word's built-in names are used
  where Word has one (``Title``, ``Subtitle``, ``heading 1``–``3``, ``Quote``,
  ``Intense Quote`` for pull quotes, ``List Bullet``/``List Number`` 1–3,
  ``List Continue``, ``caption``, ``footnote text``, ``Hyperlink``,
  ``Strong``, ``Emphasis``); the rest are custom (``Kicker``, ``Byline``,
  ``Affiliation``, ``Dateline``, ``Attribution``, ``Figure``, ``Rule``,
  ``Table Text``, ``End Matter``, ``Verbatim Char`` for code). Runs carry a
  character style only; where two marks meet (bold inside a link) the second is
  a direct ``w:b``/``w:i``, as no single style says both. Paragraph styles are
  set by id (``w:pStyle``), never looked up by name. The one direct paragraph
  property is the space after the title block, on whichever paragraph ends it;
  the ruled title block and the end matter get their rules from borders that
  Word and LibreOffice merge across paragraphs with identical borders.
* **Page.** Size and margins from the theme (inner margin left, outer right,
  mirrored when they differ); the running title in the header from page 2, a
  ``PAGE`` (or ``PAGE / NUMPAGES``) field in the footer of every page.
* **Numbering.** One multi-level bullet list and one multi-level decimal list
  are defined in ``numbering.xml``; every list in the article gets its own
  ``w:num`` instance, and an ordered one a ``w:startOverride`` of its ``start``,
  so numbering restarts per list. Nesting is the list level (``w:ilvl``) with
  the ``List Bullet 2``/``List Number 3`` … styles.
* **Footnotes** are real: a ``/word/footnotes.xml`` part (separator id 0,
  continuation separator id 1, notes from 2) related from the document, with
  ``w:footnoteReference`` runs in the text and ``footnote text`` /
  ``footnote reference`` styles. Links inside notes relate from that part.
* **Books.** :meth:`DocxExporter.export_collection` writes a collection as one
  document with the same styles and rendering: a title page (the book's title
  block, editors after "Edited by"), the contents, then per part a page with
  its title (``Part``, based on ``heading 1``) and per article a section of its
  own: a new page, its title as running header from its second page, its
  footnotes numbered from 1. Article titles are ``heading 1`` in the look of
  ``Title``, so Word's contents, navigation and pandoc see them; the
  articles' headings move one level down. The contents is a real ``TOC``
  field written out already (entries linked to bookmarks on the titles, page
  numbers in ``PAGEREF`` fields) so it shows without updating fields: the page
  numbers are estimated by :class:`_Pagination`, and ``w:updateFields`` asks
  Word to recompute them on opening (LibreOffice shows them as written, and
  converts without a prompt). Each article is in its own language: its runs
  carry its ``w:lang`` when it is not the book's (Word hyphenates and checks
  spelling by it), and its labels ("By … and …", the kicker) and date are in
  that language; the book's title page and contents are in the book's.
* **Package.** The template's thumbnail, ``stylesWithEffects.xml`` and custom
  XML item are dropped, ``app.xml`` is replaced, core properties come from the
  article, every date of the file (core properties, zip entries) is
  :func:`~opedexport.exporters.base.build_datetime` (``SOURCE_DATE_EPOCH``, else
  the time of the build; never the article's date), and the zip is rewritten
  in a fixed order, so under ``SOURCE_DATE_EPOCH`` the same input gives the
  same bytes.

Not carried over: the drop cap and two columns (the PDF's), the font
fallback list (Word has none) and the font files (not embedded: Word and
LibreOffice substitute a font for a family that is not installed).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from ... import model as m
from ...fetch import Fetcher
from ...model import Collection
from ...theme import Theme
from ..base import Exporter
from .package import _save, reproducible_zip
from .styles import StyleSheet
from .writer import _DocxWriter

__all__ = ["DocxExporter", "StyleSheet", "reproducible_zip"]


class DocxExporter(Exporter):
    """Word (``.docx``) through python-docx: named styles from the theme, real footnotes, links,
    lists and fields; reproducible bytes under ``SOURCE_DATE_EPOCH``.
    """

    name: ClassVar[str] = "docx"
    suffix: ClassVar[str] = ".docx"
    media_type: ClassVar[str] = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    description: ClassVar[str] = "Word document with the theme's styles, real footnotes and links"
    requires: ClassVar[tuple[str, ...]] = ("docx",)

    supports_collections: ClassVar[bool] = True

    def export(self, article: m.Article, theme: Theme, **options: Any) -> bytes:
        """Render ``article`` with ``theme`` as a DOCX and return its bytes.

        :param options: only the common ones (``allow_hosts``).
        """
        opts = self.resolve_options(options)
        writer = _DocxWriter(theme, lang=article.lang)
        document = writer.write_article(article, _fetcher(article, theme, opts))
        return _save(document, writer.when)

    def export_collection(self, collection: Collection, theme: Theme, **options: Any) -> bytes:
        """Render ``collection`` as one Word book: a title page, the contents (a ``TOC`` field
        already filled in, with estimated page numbers that Word updates on opening), each part's
        title on a page, and each article in a section of its own, with its title as running
        header, its footnotes numbered from 1, and its runs, labels and date in its own language;
        the title page and the contents are in the book's language.

        :param options: only the common ones (``allow_hosts``).
        """
        opts = self.resolve_options(options)
        writer = _DocxWriter(theme, lang=collection.lang, book=True)
        document = writer.write_book(collection, lambda article: _fetcher(article, theme, opts, collection.base_dir))
        return _save(document, writer.when)


def _fetcher(article: m.Article, theme: Theme, options: dict[str, Any], book_dir: Path | None = None) -> Fetcher:
    """A fetcher that reads from the article's own folder (and in a book, the manifest's, which
    holds every article) and the theme's only.
    """
    roots = [article.base_dir, book_dir, *theme.template_dirs]
    return Fetcher(roots=roots, allow_hosts=options["allow_hosts"])
