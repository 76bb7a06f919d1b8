"""A book's chapters in the laid-out PDF: a chapter whose last page would hold a few lines is set tighter
(:func:`_save_chapter_pages`, the book's counterpart of :func:`._pdf_layout._save_last_page`), and a
chapter in another language than the book is marked so in the structure tree (:func:`tag_languages`).

A chapter is an ``<article class="chapter" id="aN">`` of the book's HTML (:func:`.pdf.book_tree`).
"""

from __future__ import annotations

import functools
from typing import Any

from ._pdf_layout import (
    _FIT_STEPS,
    _LOG,
    FEW_LINES,
    _hole_count,
    _Layout,
    _parse_html,
    _save_last_page,
    _serialize_html,
    page_fills,
)

__all__ = ["chapter_pages", "tag_languages"]


def chapter_pages(document: Any) -> dict[str, list[int]]:
    """The pages (numbers from 1) that each chapter of a book reaches: an ``<article>`` with the class
    ``chapter``, by its ``id``, in document order.
    """
    found: dict[str, list[int]] = {}
    for number, page in enumerate(document.pages, start=1):
        for box in _outer_articles(page._page_box):
            chapter = box.element.get("id")
            if chapter and "chapter" in (box.element.get("class") or "").split():
                pages = found.setdefault(chapter, [])
                if number not in pages:
                    pages.append(number)
    return found


def _outer_articles(page_box: Any) -> list[Any]:
    """The outermost ``<article>`` boxes of a page, in document order; margin boxes (running heads,
    which WeasyPrint leaves out of the structure tree) are skipped.
    """
    if page_box is None:
        return []
    from weasyprint.formatting_structure import boxes

    found = []
    stack = [child for child in reversed(page_box.children) if not isinstance(child, boxes.MarginBox)]
    while stack:
        box = stack.pop()
        if getattr(box, "element_tag", None) == "article" and box.element is not None:
            found.append(box)
            continue
        stack.extend(reversed(getattr(box, "children", ()) or ()))
    return found


def _save_chapter_pages(html_text: str, document: Any, lay_out: _Layout, columns: int) -> tuple[str, Any]:
    """In a book, set a chapter whose last page would hold only a few lines a little tighter (the print
    stylesheet's ``article.chapter.fit-1``…``fit-3``, within the theme's ``fit_*`` tokens), if that
    saves the page.

    Each such chapter is laid out alone first (the book with every other chapter and the front matter
    left out: a chapter opens a page, so alone it breaks as in the book) and given the gentlest step
    that saves its last page, found as for an article (:func:`_save_last_page`). Laying out a chapter
    costs a fraction of the book; the book is then laid out once more, with the steps found, only if
    one was. That layout is kept if it has fewer pages, no chapter takes more pages than before and
    no page has a new hole.
    """
    fills = page_fills(document, columns)
    by_number = {fill.number: fill for fill in fills}
    before = chapter_pages(document)
    runts = []
    for chapter, numbers in before.items():
        last = by_number[numbers[-1]]
        if len(numbers) >= 2 and (last.lines <= FEW_LINES or max(last.bottoms) < last.height / 6):
            runts.append(chapter)
    if not runts:
        return html_text, document
    steps: dict[str, str] = {}
    for chapter in runts:
        alone = _only_chapter(html_text, chapter)
        alone_document = lay_out(alone)
        if len(alone_document.pages) != len(before[chapter]):  # alone it breaks otherwise: leave it
            continue
        marked, _ = _save_last_page(
            alone,
            alone_document,
            lay_out,
            columns,
            mark=functools.partial(_with_chapter_class, chapter=chapter),
        )
        chosen = [name for name in _chapter_class(marked, chapter) if name in _FIT_STEPS]
        if chosen:
            steps[chapter] = chosen[0]
    if not steps:
        _LOG.info("pdf: %d chapter(s) end on a page of a few lines; a tighter setting does not save them", len(runts))
        return html_text, document
    text = html_text
    for chapter, step in steps.items():
        text = _with_chapter_class(text, step, chapter=chapter)
    laid_out = lay_out(text)
    after = chapter_pages(laid_out)
    if (
        len(laid_out.pages) >= len(document.pages)
        or any(len(after.get(chapter, ())) > len(numbers) for chapter, numbers in before.items())
        or _hole_count(page_fills(laid_out, columns)) > _hole_count(fills)
    ):
        return html_text, document
    return text, laid_out


def _chapter(root: Any, chapter: str) -> Any:
    return next(el for el in root.iter("article") if el.get("id") == chapter)


def _chapter_class(html_text: str, chapter: str) -> list[str]:
    return (_chapter(_parse_html(html_text), chapter).get("class") or "").split()


def _with_chapter_class(html_text: str, name: str, *, chapter: str) -> str:
    """``html_text`` with the class ``name`` added to the chapter whose ``id`` is ``chapter``."""
    root = _parse_html(html_text)
    element = _chapter(root, chapter)
    element.set("class", f"{element.get('class', '')} {name}".strip())
    return _serialize_html(root)


def _only_chapter(html_text: str, chapter: str) -> str:
    """The book with its body holding only the chapter whose ``id`` is ``chapter``."""
    root = _parse_html(html_text)
    body = root.find("body")
    keep = _chapter(root, chapter)
    keep.getparent().remove(keep)
    keep.tail = None
    for child in list(body):
        body.remove(child)
    body.text = None
    body.append(keep)
    return _serialize_html(root)


def tag_languages(document: Any, pdf: Any) -> None:
    """A WeasyPrint ``finisher``: in a tagged PDF, give each article element (``/Art``, from an
    ``<article>``) whose ``lang`` is not the document's a ``/Lang`` of its own, so a book's chapter in
    another language is read aloud in its language (PDF 1.7, 14.9.2). WeasyPrint 70 writes only the
    document's ``/Lang``.

    WeasyPrint makes one ``/Art`` per page an article's box reaches, children of ``/Document`` in page
    order. On each page they are matched with the page's ``<article>`` boxes in the same order; a
    page whose counts differ is left as it is.
    """
    root_ref = pdf.catalog.get("StructTreeRoot")
    if root_ref is None:  # an untagged PDF
        return
    document_lang = getattr(pdf.catalog.get("Lang"), "string", None)
    structure_root = pdf.objects[int(root_ref.split()[0])]
    top = pdf.objects[int(structure_root["K"][0].split()[0])]
    arts: dict[bytes, list[Any]] = {}
    for ref in top["K"]:
        element = pdf.objects[int(ref.split()[0])]
        if element.get("S") == "/Art":
            arts.setdefault(element["Pg"], []).append(element)
    if not arts:
        return
    import pydyf  # WeasyPrint's own PDF writer, imported with it

    for page, page_ref in zip(document.pages, pdf.page_references, strict=False):
        elements = arts.get(page_ref, [])
        langs = [box.element.get("lang") for box in _outer_articles(getattr(page, "_page_box", None))]
        if len(elements) != len(langs):
            continue
        for element, lang in zip(elements, langs, strict=True):
            if lang and lang != document_lang:
                element["Lang"] = pydyf.String(lang)
