"""The writer: the article model walked into a python-docx document, every block in a named style."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml.ns import qn
from docx.oxml.shape import CT_Inline
from docx.section import Section
from docx.shared import Emu, Twips

from ... import model as m
from ...fetch import Fetcher
from ...i18n import format_article_date, join_names, labels_for
from ...model import Collection
from ...theme import Theme
from .. import _docx_oxml as ox
from .._common import credit_text, kicker_text, running_header_text
from ..base import build_datetime
from .elements import (
    _APP_XML,
    _SECT_IN_P,
    _STYLES_WITH_EFFECTS,
    _TOC_FIELD,
    _clip,
    _mark_decorative,
    _restart_each_section,
    _table_skeleton,
    _tag_language,
    _uri,
    _word_image,
)
from .notes import _Footnotes, _Numbering
from .pagination import _Pagination
from .styles import _RUN_STYLE_ORDER, S, StyleSheet

#: What :meth:`_DocxWriter.picture` gives for an SVG figure: no picture, but its texts are kept.
_NO_PICTURE = object()


@dataclass(slots=True)
class _Entry:
    """One line of a book's contents: a part or an article, its bookmark, and the pages it takes."""

    text: str
    bookmark: str
    lang: str
    pages: int


class _DocxWriter:
    """Builds one document, an article's or a book's; ``render_<NodeType>`` per node type, as the
    HTML renderer.

    The package, styles, settings, numbering, footnotes and the rendering of every node are shared:
    :meth:`write_article` makes an article's document and :meth:`write_book` a book's, and both
    render each article with :meth:`render_article`.
    """

    article: m.Article
    """The article being rendered (its folder for figures; its language in a book)."""
    fetcher: Fetcher
    """The fetcher of the article being rendered (its own folder and the theme's)."""

    def __init__(self, theme: Theme, *, lang: str, book: bool = False):
        self.theme = theme
        self.lang = lang
        self.book = book
        self.labels = labels_for(lang)
        self.when = build_datetime()
        """The document's own timestamp (core properties and zip entries): one moment for the whole file."""
        self.sheet = StyleSheet(theme, book=book)
        self.document = Document()
        self.part = self.document.part
        self.body = self.document.element.body
        self.numbering = _Numbering(self.part.numbering_part.element, self.sheet.list_step)
        self.footnotes: _Footnotes | None = None
        self._add = self.body.get_or_add_sectPr().addprevious
        self._story: Any = self.part
        self._paragraph_style: str | None = None
        self._list_depth = 0
        self._in_note = False
        self._first = True
        self._last_paragraph: Any = None
        self._figures = 0
        self._bookmarks = 0
        self._heading_shift = 1 if book else 0
        self._first_page_folio = False

    # ------------------------------------------------------------------ whole documents

    def write_article(self, article: m.Article, fetcher: Fetcher) -> Any:
        """The python-docx ``Document`` of one article."""
        self.setup_document()
        section = self.document.sections[0]
        running = self.theme.running
        if running.header != "none":
            section.different_first_page_header_footer = True  # no running header over the title block
            text = running_header_text(article, self.theme)
            self.running_header(section, text)
        if running.footer != "none":
            self.folio(section.footer)
            if section.different_first_page_header_footer:
                self.folio(section.first_page_footer)
        self.render_article(article, fetcher, title_style=S.TITLE)
        self.setup_core_properties(
            title=article.title,
            authors=[a.name for a in article.authors],
            subject=article.summary or article.subtitle,
            keywords=article.tags,
            identifier=article.source_url,
            when=self.when,
        )
        return self.document

    def write_book(self, collection: Collection, fetcher_for: Callable[[m.Article], Fetcher]) -> Any:
        """The python-docx ``Document`` of a book: a title page, the contents, then each part's
        title on a page of its own and each article in a section of its own (its title in the
        running header, its footnotes numbered from 1).
        """
        self.setup_document()
        pagination = _Pagination(self.document.styles.element, self.theme, self.sheet)
        book = collection.as_article()
        by = self.labels.edited_by if collection.editors else self.labels.by
        self.render_title_block(book, kicker=book.publication, title_style=S.TITLE, by=by)
        self.end_section("title")
        contents = self.paragraph(S.TOC_HEADING)
        contents.append(ox.run(self.labels.contents))
        self.end_section("contents")
        entries: list[_Entry] = []
        left = len(collection.articles)
        for part in collection.parts:
            if part.title and part.articles:
                p = self.paragraph(S.PART)
                p.append(ox.run(part.title))
                entries.append(_Entry(part.title, self.bookmark(p), self.lang, 1))
                self.end_section("part")
            for article in part.articles:
                start = len(self.body) - 1  # the body's sectPr stays last
                first_note = self.footnotes.next_id if self.footnotes else _Footnotes.FIRST_ID
                title = self.render_article(article, fetcher_for(article), title_style=S.HEADINGS[0])
                content = list(self.body)[start:-1]
                notes = self.footnotes.since(first_note) if self.footnotes else []
                if article.lang != self.lang:
                    _tag_language([*content, *notes], article.lang)
                pages = pagination.pages(pagination.height(content) + pagination.notes_height(notes))
                entries.append(_Entry(article.title, self.bookmark(title), article.lang, pages))
                left -= 1
                self.end_section("article", header=article.title, lang=article.lang, final=not left)
        self.fill_contents(contents, entries, pagination)
        self.setup_core_properties(
            title=collection.title,
            authors=[a.name for a in (*collection.editors, *collection.all_authors())],
            subject=collection.subtitle,
            keywords=[tag for a in collection.articles for tag in a.tags],
            identifier="",
            when=self.when,
        )
        return self.document

    def render_article(self, article: m.Article, fetcher: Fetcher, *, title_style: str) -> Any:
        """Render ``article`` where content goes now: its title block, body and end matter, with
        labels and date in the article's language (in a book too).

        :returns: the paragraph of its title.
        """
        self.article = article
        self.fetcher = fetcher
        own, self.labels = self.labels, labels_for(article.lang)
        try:
            kicker = kicker_text(article, self.labels)
            title = self.render_title_block(article, kicker=kicker, title_style=title_style)
            self._first = True
            self.blocks(article.body)
            self.render_end_matter()
        finally:
            self.labels = own
        return title

    def setup_document(self) -> None:
        """The package, the styles, the settings and the page, before any content."""
        self.prepare_package()
        self.sheet.install(self.document.styles.element, self.lang)
        self.setup_page(self.document.sections[0])
        self._page = copy.deepcopy(self.body.sectPr)  # a book's sections copy the page, before any header
        self.setup_settings()

    def prepare_package(self) -> None:
        """Drop what the python-docx template carries but this document must not: the thumbnail
        of an empty page, ``stylesWithEffects.xml`` (stale styles) and a custom XML item; replace
        ``app.xml``, which names another application.
        """
        package = self.part.package
        for rel_id, rel in list(package.rels.items()):
            if rel.reltype in (RT.THUMBNAIL, RT.EXTENDED_PROPERTIES):
                del package.rels[rel_id]
        for rel_id, rel in list(self.part.rels.items()):
            if rel.reltype in (_STYLES_WITH_EFFECTS, RT.CUSTOM_XML):
                self.part.drop_rel(rel_id)
        app = Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, _APP_XML, package)
        package.relate_to(app, RT.EXTENDED_PROPERTIES)

    def setup_page(self, section: Any) -> None:
        """Page size and margins from the theme (inner margin left, outer right)."""
        page = self.theme.page
        section.page_width = Twips(page.width.twips)
        section.page_height = Twips(page.height.twips)
        section.orientation = WD_ORIENT.LANDSCAPE if page.width > page.height else WD_ORIENT.PORTRAIT
        section.top_margin = Twips(page.margin_top.twips)
        section.bottom_margin = Twips(page.margin_bottom.twips)
        section.left_margin = Twips(page.margin_inner.twips)
        section.right_margin = Twips(page.margin_outer.twips)
        section.header_distance = Twips(round(page.margin_top.twips / 2))
        section.footer_distance = Twips(round(page.margin_bottom.twips / 2))
        section.gutter = Twips(0)

    def running_header(self, section: Any, text: str, lang: str = "") -> None:
        """The section's own running header (from its second page when it has a distinct first page):
        ``text``, in ``lang`` when that is not the document's.
        """
        header = section.header
        header.is_linked_to_previous = False
        p = header.paragraphs[0]._p
        p.append(ox.run(text))
        if lang and lang != self.lang:
            _tag_language([p], lang)

    def folio(self, footer: Any) -> None:
        """A footer of its own showing the folio: a ``PAGE`` field (``PAGE / NUMPAGES`` for ``page-of-pages``)."""
        footer.is_linked_to_previous = False
        p = footer.paragraphs[0]._p
        p.extend(ox.field_runs("PAGE", "1"))
        if self.theme.running.footer == "page-of-pages":
            p.append(ox.run(" / "))
            p.extend(ox.field_runs("NUMPAGES", "1"))

    def end_section(
        self,
        kind: Literal["title", "contents", "part", "article"],
        *,
        header: str = "",
        lang: str = "",
        final: bool = False,
    ) -> Any:
        """Close a book's section of ``kind`` here: what follows starts on a new page.

        A section inherits the headers and footers it does not define from the one before, as
        in Word. The title page's defines none: no folio. The contents' defines the folio as
        its footer, which every later section inherits. Parts and articles have a distinct
        first page, without running header: the first of them defines the first-page footer
        (the folio again) that the others inherit, and an article's section has its ``header``
        (its title) as running header. The ``final`` section is the body's own ``w:sectPr``;
        it also restarts footnote numbers (see :meth:`setup_settings`).

        :returns: the paragraph that carries the section's properties (``None`` for the final
            one); for the contents, an empty paragraph after its heading, which the entries go before.
        """
        sect_pr = self.body.sectPr if final else copy.deepcopy(self._page)
        section = Section(sect_pr, self.part)
        folio = self.theme.running.footer != "none"
        if kind == "contents" and folio:
            self.folio(section.footer)
        if kind in ("part", "article"):
            section.different_first_page_header_footer = True
            if folio and not self._first_page_folio:
                self.folio(section.first_page_footer)
                self._first_page_folio = True
        if header and self.theme.running.header != "none":
            self.running_header(section, header, lang)
        if final:
            ox.place(sect_pr, ox.el("w:footnotePr", None, _restart_each_section()), ox.SECTPR_ORDER)
            return None
        last = self.body.sectPr.getprevious()
        if kind == "contents" or last is None or last.tag != qn("w:p") or last.find(_SECT_IN_P) is not None:
            last = self.paragraph(S.NORMAL)
        ox.place(ox.paragraph_properties(last), sect_pr, ox.PPR_ORDER)
        return last

    def bookmark(self, p: Any) -> str:
        """Bookmark the content of paragraph ``p`` (a title, for the contents) and return the name."""
        self._bookmarks += 1
        name = f"_Toc{self._bookmarks:09d}"  # hidden, as the bookmarks Word makes for its contents
        ox.bookmark(p, self._bookmarks, name)
        return name

    def fill_contents(self, heading: Any, entries: Sequence[_Entry], pagination: _Pagination) -> None:
        """Write the contents after ``heading``: a ``TOC`` field whose result is already there, one
        ``toc 1`` paragraph per entry, linked to its title, with a ``PAGEREF`` field showing the
        estimated page number (see :class:`_Pagination`).

        The section's properties stay in the empty paragraph after the field: LibreOffice loses
        them inside the field's last paragraph (and the folios with them).
        """
        paragraphs, numbers = [], []
        for i, entry in enumerate(entries):
            p = ox.paragraph(S.TOC)
            if i == 0:
                p.extend(ox.field_begin(_TOC_FIELD))
            link = ox.hyperlink(anchor=entry.bookmark)
            title = ox.run(entry.text)
            if entry.lang != self.lang:
                _tag_language([title], entry.lang)
            pageref = ox.field_runs(f"PAGEREF {entry.bookmark} \\h", "")
            link.extend([title, ox.run("\t"), *pageref])
            p.append(link)
            paragraphs.append(p)
            numbers.append(pageref[3])  # the result's run, filled in below
        paragraphs[-1].append(ox.field_end())
        at = heading
        for p in paragraphs:
            at.addnext(p)
            at = p
        # The title page, then the contents; each part and article starts a page of its own.
        page = 2 + pagination.pages(pagination.height([heading, *paragraphs]))
        for entry, number in zip(entries, numbers, strict=True):
            number.append(ox.el("w:t"))
            number[-1].text = str(page)
            page += entry.pages

    def setup_settings(self) -> None:
        """Hyphenation, mirrored margins when inner and outer differ, and no stale proofing state
        (the template claims its spelling was checked, which would keep Word from checking ours).

        A book also asks Word to update its fields on opening (``w:updateFields``: the contents'
        page numbers, which the exporter can only estimate; LibreOffice ignores it and shows the
        estimate), and restarts footnote numbers in each section: ``w:numRestart`` in the
        document-wide ``w:footnotePr`` (Word applies it to every section without its own) and in
        the final section's (LibreOffice reads only that one, as a document-wide setting, and then
        restarts at every outline-level-1 paragraph: each article title). Earlier sections carry
        none: LibreOffice 7.4 numbers every note 0 when they do.
        """
        settings = self.document.settings.element
        for tag in ("w:proofState", "w:savePreviewPicture"):
            for old in settings.findall(qn(tag)):
                settings.remove(old)
        if self.theme.text.hyphenate:
            ox.place(settings, ox.el("w:autoHyphenation"), ox.SETTINGS_ORDER)
            ox.place(settings, ox.el("w:doNotHyphenateCaps"), ox.SETTINGS_ORDER)
        if self.theme.page.margin_inner != self.theme.page.margin_outer:
            ox.place(settings, ox.el("w:mirrorMargins"), ox.SETTINGS_ORDER)
        if self.book:
            ox.place(settings, ox.el("w:updateFields", {"w:val": "true"}), ox.SETTINGS_ORDER)
        compat = settings.find(qn("w:compat"))
        if compat is None:
            compat = ox.place(settings, ox.el("w:compat"), ox.SETTINGS_ORDER)
        # A justified line that ends in a line break stays unstretched, as in the PDF (Word's
        # "don't expand character spaces on a line ending with Shift+Return"); it comes first.
        compat.insert(0, ox.el("w:doNotExpandShiftReturn"))

    def setup_core_properties(
        self,
        *,
        title: str,
        authors: Iterable[str],
        subject: str,
        keywords: Iterable[str],
        identifier: str,
        when: dt.datetime,
    ) -> None:
        """Title, authors and keywords (each once, in order), subject, language and reproducible dates."""
        props = self.document.core_properties
        props.title = _clip(title)
        props.author = _clip("; ".join(dict.fromkeys(authors)))
        props.subject = _clip(subject)
        props.keywords = _clip("; ".join(dict.fromkeys(keywords)))
        props.language = _clip(self.lang)
        props.identifier = _clip(identifier)
        props.comments = ""
        props.category = ""
        props.last_modified_by = ""
        props.revision = 1
        stamp = when.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)
        # W3CDTF needs a four-digit year: a SOURCE_DATE_EPOCH before 1970 is stamped 1970.
        props.created = props.modified = props.last_printed = max(stamp, dt.datetime(1970, 1, 1))

    # ------------------------------------------------------------------ containers

    def paragraph(self, style_id: str) -> Any:
        """A new paragraph in ``style_id``, added where content goes now."""
        p = ox.paragraph(style_id)
        self._add(p)
        self._last_paragraph = p
        return p

    @contextmanager
    def into(self, container: Any, story: Any, paragraph_style: str | None) -> Iterator[None]:
        """Send content to ``container`` (a footnote), relating links and images from ``story``."""
        saved = (self._add, self._story, self._paragraph_style, self._list_depth, self._first)
        self._add, self._story, self._paragraph_style, self._list_depth = container.append, story, paragraph_style, 0
        try:
            yield
        finally:
            self._add, self._story, self._paragraph_style, self._list_depth, self._first = saved

    @contextmanager
    def styled(self, paragraph_style: str | None, *, depth: int | None = None) -> Iterator[None]:
        """Render paragraphs in ``paragraph_style`` (and lists at ``depth``) for a while."""
        saved = (self._paragraph_style, self._list_depth)
        self._paragraph_style = paragraph_style
        if depth is not None:
            self._list_depth = depth
        try:
            yield
        finally:
            self._paragraph_style, self._list_depth = saved

    # ------------------------------------------------------------------ dispatch

    def blocks(self, blocks: Iterable[m.Block]) -> None:
        """Render ``blocks`` in order."""
        for block in blocks:
            getattr(self, f"render_{type(block).__name__}")(block)

    def inlines(self, parent: Any, nodes: Iterable[m.Inline], marks: frozenset[str] = frozenset()) -> Any:
        """Append the runs of ``nodes`` to ``parent`` (a paragraph or hyperlink) and return it."""
        for node in nodes:
            getattr(self, f"render_{type(node).__name__}")(node, parent, marks)
        return parent

    def text_run(self, text: str, marks: frozenset[str]) -> Any:
        """A run of ``text`` in the character style of its strongest mark (see ``_RUN_STYLE_ORDER``)."""
        style = next((s for s in _RUN_STYLE_ORDER if s in marks), None)
        return ox.run(
            text,
            style_id=style,
            bold=S.STRONG in marks and style != S.STRONG,
            italic=S.EMPH in marks and style != S.EMPH,
        )

    # ------------------------------------------------------------------ inlines

    def render_Text(self, node: m.Text, parent: Any, marks: frozenset[str]) -> None:
        if node.text:
            parent.append(self.text_run(node.text, marks))

    def render_Emph(self, node: m.Emph, parent: Any, marks: frozenset[str]) -> None:
        self.inlines(parent, node.children, marks | {S.EMPH})

    def render_Strong(self, node: m.Strong, parent: Any, marks: frozenset[str]) -> None:
        self.inlines(parent, node.children, marks | {S.STRONG})

    def render_Code(self, node: m.Code, parent: Any, marks: frozenset[str]) -> None:
        if node.text:
            parent.append(self.text_run(node.text, marks | {S.CODE}))

    def render_LineBreak(self, node: m.LineBreak, parent: Any, marks: frozenset[str]) -> None:
        br = ox.run()
        br.append(ox.el("w:br"))
        parent.append(br)

    def render_Link(self, node: m.Link, parent: Any, marks: frozenset[str]) -> None:
        # A relative target is resolved against the article's canonical URL, or dropped (see m.link_url).
        url = node.url if node.url.startswith("#") else m.link_url(node.url, self.article.source_url)
        if not url or S.LINK in marks:  # no target, or a link inside a link: the text alone
            self.inlines(parent, node.children, marks)
            return
        self.inlines(self.hyperlink(parent, url, node.title), node.children, marks | {S.LINK})

    def hyperlink(self, parent: Any, url: str, title: str = "") -> Any:
        """A ``w:hyperlink`` to ``url`` appended to ``parent``: a bookmark for ``#name``, else an
        external relationship of the part the text is in.
        """
        if url.startswith("#"):
            link = ox.hyperlink(anchor=url[1:], tooltip=_clip(title))
        else:
            rel_id = self._story.relate_to(_uri(url), RT.HYPERLINK, is_external=True)
            link = ox.hyperlink(rel_id=rel_id, tooltip=_clip(title))
        parent.append(link)
        return link

    def render_Note(self, node: m.Note, parent: Any, marks: frozenset[str]) -> None:
        if self._in_note:  # Word has no note inside a note: its text in parentheses
            parent.append(self.text_run(" (", marks))
            for i, block in enumerate(node.blocks):
                if i:
                    parent.append(self.text_run(" ", marks))
                if isinstance(block, (m.Paragraph, m.Heading, m.PullQuote)):
                    self.inlines(parent, block.children, marks)
            parent.append(self.text_run(")", marks))
            return
        if self.footnotes is None:
            self.footnotes = _Footnotes(self.part)
            pr = ox.el("w:footnotePr", None, ox.el("w:footnote", {"w:id": "0"}), ox.el("w:footnote", {"w:id": "1"}))
            if self.book:  # see setup_settings
                pr.insert(0, _restart_each_section())
            ox.place(self.document.settings.element, pr, ox.SETTINGS_ORDER)
        note_id, note = self.footnotes.new()
        parent.append(ox.footnote_reference_run(note_id, S.NOTE_REF))
        self._in_note = True
        try:
            with self.into(note, self.footnotes.part, S.NOTE_TEXT):
                self.blocks(node.blocks)
        finally:
            self._in_note = False
        self.mark_note(note)

    def mark_note(self, note: Any) -> None:
        """Put the note's own number (``w:footnoteRef``) at the start of its first paragraph."""
        first = note[0] if len(note) else None
        if first is None or first.tag != qn("w:p"):
            first = ox.paragraph(S.NOTE_TEXT)
            note.insert(0, first)
        at = 1 if len(first) and first[0].tag == qn("w:pPr") else 0
        first.insert(at, ox.footnote_mark_run(S.NOTE_REF))
        first.insert(at + 1, ox.run(" "))

    # ------------------------------------------------------------------ blocks

    def body_style(self) -> str:
        """The style of a plain paragraph here: the context's, else First Paragraph or Normal."""
        if self._paragraph_style is not None:
            return self._paragraph_style
        return S.FIRST if self._first else S.NORMAL

    def render_Paragraph(self, node: m.Paragraph) -> None:
        self.inlines(self.paragraph(self.body_style()), node.children)
        self._first = False

    def render_Heading(self, node: m.Heading) -> None:
        self.inlines(self.paragraph(S.HEADINGS[node.level - 1 + self._heading_shift]), node.children)
        self._first = True

    def render_BlockQuote(self, node: m.BlockQuote) -> None:
        with self.styled(S.QUOTE):
            self.blocks(node.blocks)
        if node.attribution:
            self.inlines(self.paragraph(S.ATTRIBUTION), (m.Text("— "), *node.attribution))
        self._first = True

    def render_PullQuote(self, node: m.PullQuote) -> None:
        # One paragraph, the attribution after a line break, so the rules above and below
        # enclose both.
        p = self.inlines(self.paragraph(S.PULL_QUOTE), node.children)
        if node.attribution:
            self.render_LineBreak(m.LineBreak(), p, frozenset())
            self.inlines(p, (m.Text("— "), *node.attribution), frozenset({S.PULL_ATTRIBUTION}))
        self._first = True

    def render_ListBlock(self, node: m.ListBlock) -> None:
        depth = self._list_depth
        num_id = self.numbering.new_list(
            ordered=node.ordered, level=min(depth, _Numbering.LEVELS - 1), start=node.start
        )
        for item in node.items:
            self.list_item(item, ordered=node.ordered, depth=depth, num_id=num_id)
        last = self._last_paragraph
        if depth == 0 and last is not None:
            # Space after the list's last paragraph (an item's or a nested list's), before the text after it.
            space = self.sheet.lines(self.sheet.base, after=self.sheet.list_after)
            ox.place(ox.paragraph_properties(last), space, ox.PPR_ORDER)
        self._first = True

    def list_item(self, item: Sequence[m.Block], *, ordered: bool, depth: int, num_id: int) -> None:
        """One item: a numbered paragraph (the item's first paragraph), then its other blocks,
        paragraphs in ``List Continue`` and lists one level deeper.
        """
        level = min(depth, 2)
        p = self.paragraph((S.NUMBERS if ordered else S.BULLETS)[level])
        numpr = ox.el(
            "w:numPr",
            None,
            ox.el("w:ilvl", {"w:val": str(min(depth, _Numbering.LEVELS - 1))}),
            ox.el("w:numId", {"w:val": str(num_id)}),
        )
        ox.place(ox.paragraph_properties(p), numpr, ox.PPR_ORDER)
        rest = list(item)
        head = rest[0] if rest else None
        if isinstance(head, m.Paragraph):
            self.inlines(p, head.children)
            rest = rest[1:]
        with self.styled(S.CONTINUES[level], depth=depth + 1):
            self.blocks(rest)

    def render_Figure(self, node: m.Figure) -> None:
        inline = self.picture(node)
        if inline is None:
            return
        if inline is _NO_PICTURE:  # an SVG: its text alternative stands in its place
            if node.alt:
                self.paragraph(S.FIGURE).append(ox.run(node.alt))
        else:
            p = self.paragraph(S.FIGURE)
            r = ox.run()
            r.append(ox.el("w:drawing", None, inline))
            p.append(r)
        if node.caption or node.credit:
            cap = self.inlines(self.paragraph(S.CAPTION), node.caption)
            if node.credit:
                if node.caption:
                    cap.append(ox.run(" "))
                cap.append(ox.run(credit_text(node.credit, self.labels), style_id=S.CREDIT))
        self._first = True

    def picture(self, node: m.Figure) -> Any:
        """The ``wp:inline`` of a figure's image, fitted to the text block; ``None`` when the
        image is refused, missing or not an image (each with a ``ResourceRefusedWarning``);
        ``_NO_PICTURE`` for an SVG (with the warning), which Word documents cannot hold.
        """
        url = self.fetcher.to_url(node.src, self.article.base_dir)
        fetched = self.fetcher.fetch_image_or_none(url)  # the image check, by content, before anything decodes it
        if fetched is None:
            return None
        if fetched[1] == "image/svg+xml":
            why = "an SVG image, which a DOCX cannot hold: left out, its text alternative and caption kept"
            self.fetcher.refuse(url, why)
            return _NO_PICTURE
        stream = _word_image(fetched[0])
        if stream is None:
            self.fetcher.refuse(url, "not an image format Word can show")
            return None
        rel_id, image = self._story.get_or_add_image(stream)
        cx, cy = self.fit(int(image.width), int(image.height))
        self._figures += 1
        inline = CT_Inline.new_pic_inline(self._figures, rel_id, image.filename, Emu(cx), Emu(cy))
        doc_pr = inline.docPr
        doc_pr.set("name", f"Figure {self._figures}")
        doc_pr.set("descr", node.alt)
        if not node.alt:
            _mark_decorative(doc_pr)
        return inline

    def fit(self, cx: int, cy: int) -> tuple[int, int]:
        """``(cx, cy)`` in EMU scaled down to the text width and three quarters of its height."""
        max_w = self.sheet.text_width * 12700
        max_h = self.sheet.text_height * 12700 * 0.75
        scale = min(1.0, max_w / max(cx, 1), max_h / max(cy, 1))
        return max(1, round(cx * scale)), max(1, round(cy * scale))

    def render_Rule(self, node: m.Rule) -> None:
        self.paragraph(S.RULE).append(ox.run("* * *"))
        self._first = True

    def render_Table(self, node: m.Table) -> None:
        rows = ([node.header] if node.header else []) + list(node.rows)
        cols = max(len(r) for r in rows) or 1
        width = round(self.sheet.text_width * 20)
        tbl = _table_skeleton(cols, width // cols, header=bool(node.header), caption=m.plain_text(node.caption))
        self._add(tbl)
        for i, cells in enumerate(rows):
            is_header = bool(node.header) and i == 0
            tr = ox.el("w:tr")
            if is_header:
                tr.append(ox.el("w:trPr", None, ox.el("w:tblHeader")))
            for j in range(cols):
                tr.append(
                    self.table_cell(
                        cells[j] if j < len(cells) else (),
                        node.align[j] if j < len(node.align) else "",
                        width // cols,
                        is_header,
                    )
                )
            tbl.append(tr)
        if node.caption:
            self.inlines(self.paragraph(S.CAPTION), node.caption)
        self._first = True

    def table_cell(self, inlines: tuple[m.Inline, ...], align: str, width: int, header: bool) -> Any:
        """One ``w:tc`` holding one paragraph of ``inlines``, aligned as its column."""
        tc = ox.el("w:tc", None, ox.el("w:tcPr", None, ox.el("w:tcW", {"w:w": str(width), "w:type": "dxa"})))
        p = ox.paragraph(S.TABLE_HEADING if header else S.TABLE_TEXT)
        if align in ("center", "right"):
            ox.place(ox.paragraph_properties(p), ox.jc(align), ox.PPR_ORDER)  # type: ignore[arg-type]
        tc.append(self.inlines(p, inlines))
        return tc

    # ------------------------------------------------------------------ around the body

    def render_title_block(self, a: m.Article, *, kicker: str, title_style: str, by: str = "") -> Any:
        """Kicker (``Opini · DepokPos``), title (in ``title_style``), dek, byline (after ``by``, else
        the language's "By") with affiliations, and date, with labels and date in the language of
        :attr:`labels` (the article's, see :meth:`render_article`). A book's title page is the book's own title block
        (:meth:`~opedexport.collection.Collection.as_article`), its byline naming the editors.

        :returns: the title's paragraph.
        """
        labels = self.labels
        if kicker:
            last = self.paragraph(S.KICKER)
            last.append(ox.run(kicker))
        last = title = self.paragraph(title_style)
        last.append(ox.run(a.title))
        if a.subtitle:
            last = self.paragraph(S.SUBTITLE)
            last.append(ox.run(a.subtitle))
        if a.authors:
            last = self.paragraph(S.BYLINE)
            last.append(ox.run(by or labels.by, style_id=S.BYLINE_LABEL))
            last.append(ox.run(" " + join_names([au.name for au in a.authors], labels.lang)))
            for author in a.authors:
                if author.affiliation:
                    text = f"{author.name}, {author.affiliation}" if len(a.authors) > 1 else author.affiliation
                    last = self.paragraph(S.AFFILIATION)
                    last.append(ox.run(text))
        if a.date is not None:
            last = self.paragraph(S.DATELINE)
            last.append(ox.run(format_article_date(a.date, labels.lang)))
        # The space between the title block and the text belongs to the block's last paragraph,
        # whichever that is: the one direct paragraph property the exporter writes.
        block_after = self.sheet.r["title"].extra["block_after"]
        ox.place(ox.paragraph_properties(last), ox.spacing(after=block_after), ox.PPR_ORDER)
        return title

    def render_end_matter(self) -> None:
        """Author bios, disclosure, source URL and rights, after the body."""
        a, labels = self.article, self.labels
        for author in a.authors:
            if author.bio:
                p = self.paragraph(S.END_MATTER)
                p.append(ox.run(author.name, style_id=S.STRONG))
                p.append(ox.run(" " + author.bio))
        if a.disclosure:
            self.paragraph(S.END_MATTER).append(ox.run(f"{labels.disclosure}: {a.disclosure}"))
        if a.source_url:
            p = self.paragraph(S.END_MATTER)
            p.append(ox.run(labels.source + " "))
            if a.source_url.lower().startswith(("http://", "https://")):
                p = self.hyperlink(p, a.source_url)
            p.append(ox.run(a.source_url, style_id=S.LINK if p.tag == qn("w:hyperlink") else None))
        if a.rights:
            self.paragraph(S.END_MATTER).append(ox.run(a.rights))
