"""The DOCX reader: an author's Word submission (also what pandoc, LibreOffice and opedexport write).

The package is opened with :mod:`zipfile` and checked before any XML is
parsed: at most 1000 entries, at most 100 MB uncompressed in all, and no entry
over 1 MiB that expands more than 100 times (a zip bomb); each breach is a
:class:`~opedexport.errors.LimitError` naming the file. Parts are read within
that budget and parsed by lxml without DTDs, entities or network
(``resolve_entities=False, load_dtd=False, no_network=True``); a part with a
DOCTYPE is refused outright. python-docx is not used for reading, so its
parser's settings do not matter.

Paragraphs (by style name, as Word stores built-in names in English whatever the
user's language, and by outline level)
    ``Title`` is the title, ``Subtitle`` the dek; ``heading 1``–``9``, and any
    other body paragraph with an outline level (``w:outlineLvl``, direct or from
    its style), are headings, renumbered by rank (so a document using heading 2 and 3 gets
    levels 1 and 2; at most 3). ``Quote``, ``Block Text``, ``Quotations``
    (LibreOffice) are block quotes (consecutive ones make one quote; an
    ``Attribution`` paragraph, or a last line opening with a dash, is its
    attribution); ``Intense Quote`` is a pull quote. A paragraph with numbering
    (``w:numPr``, direct or from its style, a format other than ``none``) is a
    list item at its ``w:ilvl``, bulleted or numbered as ``numbering.xml`` says
    and starting where it says; ``List Continue`` paragraphs continue the item.
    ``Source Code`` paragraphs are code. A paragraph holding only a horizontal
    line (``o:hr``), a ``Rule`` paragraph, or ``* * *`` is a rule. Tables are
    tables (a first row marked ``w:tblHeader`` or by the table look is the
    header; a one-cell table is read as its content); ``Caption``, ``Table
    Caption`` and ``Image Caption`` paragraphs caption the table or image next
    to them. Empty paragraphs and tables of contents are skipped.

Runs
    Bold and italic (``w:b``/``w:i`` on the run or in its character style, so
    also ``Strong`` and ``Emphasis``) give :class:`~opedexport.model.Strong` and
    :class:`~opedexport.model.Emph`; ``Verbatim Char`` and runs in a monospaced
    font give :class:`~opedexport.model.Code`; ``w:hyperlink`` (its ``r:id``
    looked up in the part's relationships) and ``HYPERLINK`` fields give links
    (http, https, mailto, tel and relative targets; any other, such as
    ``javascript:``, is dropped with a warning naming the file and paragraph,
    the text kept); line breaks are kept, page breaks dropped;
    deleted tracked changes are left out, insertions kept.

Notes
    ``w:footnoteReference`` and ``w:endnoteReference`` become a
    :class:`~opedexport.model.Note` at that place, holding the note's paragraphs
    from ``word/footnotes.xml`` or ``word/endnotes.xml``.

Images
    The reader writes no files, and the model's :class:`~opedexport.model.Figure`
    needs an image file beside the article, so an embedded image is left out:
    what describes it stays as an italic paragraph, its alt text
    (``wp:docPr/@descr``) in brackets followed by its caption, and a note names
    the image in :attr:`~opedexport.readers.base.ReadResult.notes`.

Metadata
    Visible paragraphs win over the core properties (``docProps/core.xml``),
    which are often a template's leftovers: the title from ``Title``, else
    ``dc:title``, else a heading opening the document (a heading opening the
    document that repeats the title is dropped, rule ``duplicate-title``; neither
    counts when heading levels are ranked); authors from
    ``Byline``/``Author`` paragraphs (with ``Affiliation`` paragraphs), else
    ``dc:creator`` split at ``;`` or ``,``; the date from a ``Date`` or
    ``Dateline`` paragraph, else ``dcterms:created``; the summary from
    ``Abstract``, else ``dc:subject`` or ``dc:description``; tags from
    ``cp:keywords``; the language from the ``lang`` argument, else
    ``dc:language``, else detected from the text. python-docx's template
    defaults (creator ``python-docx``, created 2013-12-23) are ignored. The
    custom properties (``docProps/custom.xml``) give the publication
    (``Publication``, ``Publisher``), rights (``Rights``, ``Copyright``) and
    source URL (``Source``, ``SourceURL``, ``URL``), names compared without case,
    when the visible paragraphs do not.
    opedexport's own title block and end matter (``Kicker``, ``Byline``,
    ``Affiliation``, ``Dateline``, ``End Matter``) are read back into the
    publication, authors, date, bios, disclosure, source URL and rights. A
    trailer ``*) Penulis adalah …`` becomes the bio of a single author. Each
    paragraph taken is listed in :attr:`~opedexport.readers.base.ReadResult.removed`,
    its ``line`` being the paragraph's number in the document.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from ...errors import InputError, ModelError
from ...i18n import labels_for
from ...langdetect import detect_language
from ...model import (
    Article,
    Author,
    Paragraph,
    Strong,
    is_lang_tag,
    plain_text,
)
from .._normalize import DUPLICATE_TITLE, heading_levels, safe_url, same_title
from ..base import Reader, ReadResult, Removal, Source
from ..text import LineRules
from .convert import (
    _assemble,
    _Converter,
    _Meta,
    _Para,
)
from .parts import (
    MAX_ENTRIES,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    _core,
    _custom,
    _iso_date,
    _Package,
    _w,
)

__all__ = ["MAX_ENTRIES", "MAX_RATIO", "MAX_UNCOMPRESSED", "DocxReader"]


class DocxReader(Reader):
    """Reads a Word document (see the module docstring)."""

    name = "docx"
    suffixes = (".docx",)
    description = "A Word document: styles to headings, quotes and lists; footnotes, links, core properties"

    def read(self, source: Source, *, lang: str | None = None) -> ReadResult:
        """Read ``source``; see :meth:`Reader.read`.

        :raises InputError: when the file is empty, not a DOCX, malformed, has a DOCTYPE, or has no title.
        :raises LimitError: when the zip breaks a limit (entries, size, expansion ratio).
        """
        where = source.path or "<string>"
        if not source.data:
            raise InputError("the input is empty", path=where)
        package = _Package(source.data, where)
        root_rels = package.rels("")
        document = package.related(root_rels, "officeDocument") or "word/document.xml"
        root = package.xml(document)
        body = root.find(_w("body")) if root is not None else None
        if body is None:
            raise InputError(f"not a DOCX file: no document body in {document}", path=where)
        notes: list[str] = []
        paras = _Converter(package, document, notes).paragraphs(body, document)
        core = _core(package, root_rels)

        text = " ".join(plain_text(p.inlines) for p in paras if p.kind in ("body", "heading", "item", "quote"))
        if lang:
            notes.append(f"language {lang}: given by the caller")
        elif is_lang_tag(core.get("language", "")):
            lang = core["language"]
            notes.append(f"language {lang}: stated by the document's properties")
        else:
            lang, confidence = detect_language(text)
            notes.append(f"language {lang}: detected from stop words (confidence {confidence:.2f})")
        rules = LineRules(lang)

        meta = _Meta()
        removed: list[Removal] = []
        kept = [p for p in paras if not _take(p, meta, removed)]
        _finish_meta(meta, core, rules, lang)
        custom = _custom(package, root_rels)  # visible paragraphs win here too
        meta.publication = meta.publication or custom.get("publication", "")
        meta.rights = meta.rights or custom.get("rights", "")
        if not meta.source_url and (url := safe_url(custom.get("source_url", ""))).startswith(("http://", "https://")):
            meta.source_url = url
        first = kept[0] if kept and kept[0].kind == "heading" else None
        if first is not None and (not meta.title or same_title(plain_text(first.inlines), meta.title)):
            text = " ".join(plain_text(first.inlines).split())
            removed.append(Removal(first.number, text, DUPLICATE_TITLE if meta.title else "metadata:title-heading"))
            meta.title = meta.title or text
            kept.pop(0)
        headings = [p for p in _walk(kept) if p.kind == "heading" and p.inlines]
        levels = heading_levels(p.level for p in headings)
        for para in headings:
            para.level = levels[para.level]
        blocks = _assemble(kept, notes)
        if not meta.title.strip():
            raise InputError("no title: give the document a Title paragraph or a title in its properties", path=where)
        last = blocks[-1] if blocks else None
        note = rules.writer_note(plain_text(last.children)) if isinstance(last, Paragraph) else ""
        if note and len(meta.authors) == 1 and not meta.authors[0].bio:
            meta.authors[0] = replace(meta.authors[0], bio=note)
            removed.append(Removal(kept[-1].number, note, "metadata:writer-note"))
            blocks.pop()
        tags = tuple(t for t in (s.strip() for s in re.split(r"[,;]", core.get("keywords", ""))) if t)
        try:
            article = Article(
                title=meta.title,
                body=tuple(blocks),
                subtitle=meta.subtitle,
                authors=tuple(meta.authors),
                date=meta.date,
                publication=meta.publication,
                lang=lang,
                tags=tags,
                summary=meta.summary if meta.summary != meta.subtitle else "",
                source_url=meta.source_url,
                rights=meta.rights,
                disclosure=meta.disclosure,
                source_path=source.path,
            )
        except ModelError as exc:
            raise InputError(exc.message, path=where) from None
        return ReadResult(article, tuple(sorted(removed, key=lambda r: r.line)), tuple(notes))


def _walk(paras: list[_Para]) -> Iterator[_Para]:
    """Every paragraph of ``paras``, those of one-cell tables included, in order."""
    for para in paras:
        yield para
        yield from _walk(para.cell_paras)


def _take(para: _Para, meta: _Meta, removed: list[Removal]) -> bool:
    """Take a title-block or end-matter paragraph into ``meta``; whether it was taken."""
    text = plain_text(para.inlines).strip()
    kind = para.kind
    if kind == "skip" or (not text and kind not in ("figure", "table", "cell", "rule")):
        return True
    if kind == "title" and not meta.title:
        meta.title = text
    elif kind == "subtitle" and not meta.subtitle:
        meta.subtitle = text
    elif kind == "byline":
        meta.bylines.append(text)
    elif kind == "affiliation":
        meta.affiliations.append(text)
    elif kind == "dateline":
        meta.datelines.append(text)
    elif kind == "kicker":
        meta.publication = text.partition(" · ")[2].strip()
    elif kind == "abstract" and not meta.summary:
        meta.summary = text
    elif kind == "endmatter":
        meta.end_matter.append(para.inlines)
    else:
        return False
    removed.append(Removal(para.number, text, f"metadata:{kind}"))
    return True


def _finish_meta(meta: _Meta, core: dict[str, str], rules: LineRules, lang: str) -> None:
    """Authors, date, bios, disclosure, source and rights from the paragraphs taken, else the core properties."""
    authors = [a for text in meta.bylines for a in rules.byline(text) or rules.names(text) or [Author(text)]]
    if not authors and (creator := core.get("creator", "")):
        authors = [Author(n) for n in re.split(r"\s*;\s*" if ";" in creator else r"\s*,\s*", creator) if n]
    for text in meta.affiliations:  # opedexport's: the affiliation alone, or "Name, affiliation" for several authors
        for i, author in enumerate(authors):
            if len(authors) == 1 or text.startswith(author.name + ", "):
                authors[i] = replace(author, affiliation=text.removeprefix(author.name + ", "))
                break
    labels = labels_for(lang)
    for inlines in meta.end_matter:
        text = plain_text(inlines).strip()
        first = inlines[0]
        named = plain_text(first.children) if isinstance(first, Strong) else ""
        if named and any(a.name == named for a in authors):
            authors = [replace(a, bio=text.removeprefix(named).strip()) if a.name == named else a for a in authors]
        elif text.startswith(labels.disclosure + ":"):
            meta.disclosure = text.removeprefix(labels.disclosure + ":").strip()
        elif text.startswith(labels.source + " "):
            meta.source_url = safe_url(text.removeprefix(labels.source).strip())
        else:
            meta.rights = meta.rights or text
    meta.authors = authors
    meta.date = next((d for t in meta.datelines if (d := rules.date(t) or _iso_date(t))), None)
    meta.title = meta.title or core.get("title", "")
    meta.summary = meta.summary or core.get("subject", "") or core.get("description", "")
    meta.date = meta.date or _iso_date(core.get("created", ""))
    meta.source_url = meta.source_url or safe_url(core.get("identifier", ""))
