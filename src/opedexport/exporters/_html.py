"""The model → HTML step shared by the PDF and EPUB exporters.

The page around the article (title block, byline, end matter) comes from the
theme's Jinja2 template ``article.html.j2``; the body is built node by node as
an lxml tree by :class:`BodyRenderer`, one method per node type (as
markdown-it-py's ``RendererHTML``), so escaping is never done by hand and the
result is always well-formed. The EPUB serialises the tree as XHTML; the PDF
hands WeasyPrint the same tree serialised as HTML.

Footnotes are rendered for the target: ``"float"`` puts the note's text at its
call site in a ``span.footnote`` (CSS ``float: footnote`` moves it to the foot
of the page in WeasyPrint); ``"aside"`` puts an EPUB 3 ``noteref`` at the call
site and collects ``aside`` footnotes with back links at the end.

Theme templates are rendered in Jinja's immutable sandbox: a template reads the values it is
given and calls their public methods, nothing more (no ``__globals__``, no mutation), so a
theme from a collection manifest cannot run code. A template that breaks the sandbox, or
fails in any other way, is a :class:`~opedexport.errors.ThemeError` naming the template file
and line. A confined theme (:attr:`Theme.roots`) also loads only templates whose real path is
inside its roots.
"""

from __future__ import annotations

import dataclasses
import os
import posixpath
import re
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import jinja2
import jinja2.exceptions
import jinja2.sandbox
from jinja2.loaders import split_template_path
from lxml import etree
from lxml.builder import ElementMaker

from .. import model as m
from ..errors import OpedexportError, ThemeError
from ..i18n import Labels, format_article_date, join_names, labels_for
from ..roles import role_table
from ..theme import Theme
from ._common import credit_text, running_header_text

__all__ = ["BodyRenderer", "Heading", "RenderedArticle", "css_for", "render_article", "to_html_string"]

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPS_NS = "http://www.idpf.org/2007/ops"
_EPUB_TYPE = f"{{{OPS_NS}}}type"
_VOID = {"br", "hr", "img", "meta", "link", "col", "wbr", "source", "input"}
_BODY_MARK = "opedexport-body"

ImageSrc = Callable[[m.Figure], "str | None"]
"""Maps a figure to the ``src`` to write, or ``None`` to leave the image out (refused or missing)."""


@dataclass(frozen=True, slots=True)
class Heading:
    """A body heading as the table of contents and the PDF outline need it."""

    level: int
    id: str
    text: str


@dataclass(slots=True)
class RenderedArticle:
    """An article rendered to an lxml tree, with what exporters need beside it."""

    root: Any
    """The ``<html>`` element."""
    headings: list[Heading] = field(default_factory=list)
    """Body headings in order, with their element ids."""
    images: list[tuple[m.Figure, str]] = field(default_factory=list)
    """Figures that were kept, with the ``src`` written for each."""


class BodyRenderer:
    """Renders blocks and inlines to lxml elements; ``render_<NodeType>`` per node type."""

    def __init__(
        self,
        *,
        notes: Literal["float", "aside"],
        labels: Labels,
        image_src: ImageSrc,
        id_prefix: str = "",
        base_url: str = "",
    ):
        self.E = ElementMaker(namespace=XHTML_NS, nsmap={None: XHTML_NS, "epub": OPS_NS})
        self.notes_mode = notes
        self.labels = labels
        self.image_src = image_src
        self.id_prefix = id_prefix
        self.base_url = base_url
        """What relative link targets resolve against (the article's canonical URL); ``""`` means nothing."""
        self._in_note = 0
        self._in_link = 0
        """How many notes deep the block being rendered is (a heading there is no section of the article)."""
        self.note_count = 0
        self.asides: list[Any] = []
        self.headings: list[Heading] = []
        self.images: list[tuple[m.Figure, str]] = []

    # ------------------------------------------------------------------ dispatch

    def blocks(self, blocks: Iterable[m.Block]) -> list[Any]:
        """Render ``blocks`` to a list of elements."""
        out = []
        for block in blocks:
            el = getattr(self, f"render_{type(block).__name__}")(block)
            if el is not None:
                out.append(el)
        return out

    def inlines(self, parent: Any, inlines: Iterable[m.Inline]) -> Any:
        """Append ``inlines`` to ``parent`` (text and elements in order) and return ``parent``."""
        for node in inlines:
            item = getattr(self, f"render_{type(node).__name__}")(node)
            _append(parent, item)
        return parent

    # ------------------------------------------------------------------ inlines

    def render_Text(self, node: m.Text) -> str:
        return node.text

    def render_Emph(self, node: m.Emph) -> Any:
        return self.inlines(self.E.em(), node.children)

    def render_Strong(self, node: m.Strong) -> Any:
        return self.inlines(self.E.strong(), node.children)

    def render_Code(self, node: m.Code) -> Any:
        return self.E.code(node.text)

    def render_LineBreak(self, node: m.LineBreak) -> Any:
        return self.E.br()

    def render_Link(self, node: m.Link) -> Any:
        href = m.link_url(node.url, self.base_url)
        if not href or self._in_link:  # no target, or a link inside a link (HTML nests no links): the text
            return self.inlines(self.E.span(), node.children)
        children, notes = _split_notes(node.children)
        el = self.E.a(href=href)
        if node.title:
            el.set("title", node.title)
        self._in_link += 1
        try:
            self.inlines(el, children)
        finally:
            self._in_link -= 1
        if not notes:
            return el
        # A note called inside the link text is called right after it: a note call is a link itself.
        return self.inlines(self.E.span(el), notes)

    def render_Note(self, node: m.Note) -> Any:
        self.note_count += 1
        n = self.note_count
        if self.notes_mode == "float":
            note = self.E.span({"class": "footnote"})
            for i, block in enumerate(node.blocks):
                part = self.E.span({"class": "footnote-part"})
                if i:
                    _append(note, " ")
                self._flat_block(part, block)
                note.append(part)
            return note
        ref_id, note_id = f"{self.id_prefix}fnref{n}", f"{self.id_prefix}fn{n}"
        call = self.E.a(str(n), {"class": "noteref", "href": f"#{note_id}", "id": ref_id, "role": "doc-noteref"})
        call.set(_EPUB_TYPE, "noteref")
        aside = self.E.aside({"class": "footnote", "id": note_id, "role": "doc-footnote"})
        aside.set(_EPUB_TYPE, "footnote")
        for i, block in enumerate(node.blocks):
            self._in_note += 1
            try:
                rendered = self.blocks([block])
            finally:
                self._in_note -= 1
            if i == 0 and rendered and _local(rendered[0].tag) == "p":
                back = self.E.a(f"{n}.", {"href": f"#{ref_id}", "role": "doc-backlink", "class": "backlink"})
                back.tail = " " + (rendered[0].text or "")
                rendered[0].text = None
                rendered[0].insert(0, back)
            aside.extend(rendered)
        if not len(aside) or _local(aside[0].tag) != "p":
            back = self.E.p(self.E.a(f"{n}.", {"href": f"#{ref_id}", "role": "doc-backlink", "class": "backlink"}))
            aside.insert(0, back)
        self.asides.append(aside)
        return self.E.sup(call)

    def _flat_block(self, parent: Any, block: m.Block) -> None:
        """A block inside a float footnote: inline content only (a footnote is a span in a paragraph)."""
        if isinstance(block, (m.Paragraph, m.Heading, m.PullQuote)):
            self.inlines(parent, block.children)
        elif isinstance(block, m.BlockQuote):
            for b in block.blocks:
                self._flat_block(parent, b)
        elif isinstance(block, m.ListBlock):
            for i, item in enumerate(block.items):
                _append(parent, f"{i + block.start}. " if block.ordered else "• ")
                for b in item:
                    self._flat_block(parent, b)
                _append(parent, " ")
        elif isinstance(block, m.Table):
            for row in (block.header, *block.rows):
                for cell in row:
                    self.inlines(parent, cell)
                    _append(parent, " ")
        elif isinstance(block, m.Figure):
            _append(parent, block.alt)

    # ------------------------------------------------------------------ blocks

    def render_Paragraph(self, node: m.Paragraph) -> Any:
        return self.inlines(self.E.p(), node.children)

    def render_Heading(self, node: m.Heading) -> Any:
        if self._in_note:  # inside a footnote: no section, so neither an id nor a place in the contents
            return self.inlines(getattr(self.E, f"h{node.level + 1}")(), node.children)
        hid = f"{self.id_prefix}sec-{len(self.headings) + 1}"
        el = self.inlines(getattr(self.E, f"h{node.level + 1}")(id=hid), node.children)
        self.headings.append(Heading(node.level, hid, m.plain_text(node.children)))
        return el

    def render_BlockQuote(self, node: m.BlockQuote) -> Any:
        quote = self.E.blockquote(*self.blocks(node.blocks))
        if not node.attribution:
            return quote
        cap = self.inlines(self.E.figcaption({"class": "attribution"}, "— "), node.attribution)
        return self.E.figure({"class": "quote"}, quote, cap)

    def render_PullQuote(self, node: m.PullQuote) -> Any:
        # A pull quote repeats the text: screen readers are told it is a pull quote.
        aside = self.E.aside({"class": "pullquote", "role": "doc-pullquote"})
        aside.append(self.inlines(self.E.p(), node.children))
        if node.attribution:
            aside.append(self.inlines(self.E.p({"class": "attribution"}, "— "), node.attribution))
        return aside

    def render_ListBlock(self, node: m.ListBlock) -> Any:
        el = self.E.ol() if node.ordered else self.E.ul()
        if node.ordered and node.start != 1:
            el.set("start", str(node.start))
        for item in node.items:
            li = self.E.li()
            if len(item) == 1 and isinstance(item[0], m.Paragraph):
                self.inlines(li, item[0].children)  # tight item
            else:
                li.extend(self.blocks(item))
            el.append(li)
        return el

    def render_Figure(self, node: m.Figure) -> Any:
        src = self.image_src(node)
        if src is None:
            return None
        self.images.append((node, src))
        fig = self.E.figure({"class": "figure"}, self.E.img(src=src, alt=node.alt))
        if node.caption or node.credit:
            cap = self.inlines(self.E.figcaption(), node.caption)
            if node.credit:
                if node.caption:
                    _append(cap, " ")
                cap.append(self.E.span({"class": "credit"}, credit_text(node.credit, self.labels)))
            fig.append(cap)
        return fig

    def render_Rule(self, node: m.Rule) -> Any:
        return self.E.hr()

    def render_Table(self, node: m.Table) -> Any:
        table = self.E.table()
        if node.caption:
            table.append(self.inlines(self.E.caption(), node.caption))

        def row(cells: tuple[tuple[m.Inline, ...], ...], tag: str) -> Any:
            tr = self.E.tr()
            for i, cell in enumerate(cells):
                td = getattr(self.E, tag)()
                align = node.align[i] if i < len(node.align) else ""
                if align:
                    td.set("class", f"align-{align}")
                tr.append(self.inlines(td, cell))
            return tr

        if node.header:
            table.append(self.E.thead(row(node.header, "th")))
        if node.rows:
            table.append(self.E.tbody(*(row(r, "td") for r in node.rows)))
        return table


def _split_notes(inlines: tuple[m.Inline, ...]) -> tuple[tuple[m.Inline, ...], list[m.Note]]:
    """``inlines`` without the notes called in them (at any depth but inside a note), and those notes in order."""
    kept: list[m.Inline] = []
    notes: list[m.Note] = []
    for node in inlines:
        if isinstance(node, m.Note):
            notes.append(node)
        elif isinstance(node, (m.Emph, m.Strong, m.Link)):
            children, inner = _split_notes(node.children)
            kept.append(dataclasses.replace(node, children=children) if inner else node)
            notes.extend(inner)
        else:
            kept.append(node)
    return tuple(kept), notes


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _append(parent: Any, item: Any) -> None:
    """Append a string or an element to ``parent``, keeping lxml's text/tail model."""
    if isinstance(item, str):
        if len(parent):
            last = parent[-1]
            last.tail = (last.tail or "") + item
        else:
            parent.text = (parent.text or "") + item
    elif item is not None:
        parent.append(item)


# --------------------------------------------------------------------------- templates and CSS


class _ThemeLoader(jinja2.FileSystemLoader):
    """A theme folder's ``templates/``; with ``roots``, a template whose real path is outside them is refused
    before it is read (a symbolic link out of a manifest's folder).
    """

    def __init__(self, folder: Path, roots: tuple[Path, ...]) -> None:
        super().__init__(str(folder))
        self.roots = roots

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if self.roots:
            filename = posixpath.join(self.searchpath[0], *split_template_path(template))
            if os.path.isfile(filename):
                real = Path(filename).resolve()
                if not any(real.is_relative_to(root) for root in self.roots):
                    raise ThemeError(
                        f"template {template} resolves to {real}, outside "
                        f"{' or '.join(map(str, self.roots))}: a collection's theme may only use "
                        "built-in themes and files inside the manifest's folder",
                        path=filename,
                    )
        return super().get_source(environment, template)


class _ThemeEnvironment(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """The sandbox, with every failure of a template turned into a ThemeError naming its file and line."""

    def handle_exception(self, source: str | None = None) -> Any:
        try:
            super().handle_exception(source)
        except OpedexportError:
            raise
        except Exception as exc:
            raise _template_error(exc) from exc


def _template_error(exc: Exception) -> ThemeError:
    """``exc``, raised while compiling or rendering a template, as one line naming the template's file and line."""
    filename: str | None = None
    line: int | None = None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        filename, line = exc.filename, exc.lineno
        what = f"template syntax error: {exc.message}"
    else:
        # Jinja rewrites the traceback so that a template's frames carry its file name and line.
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename.endswith(".j2") and os.path.isfile(frame.filename):
                filename, line = frame.filename, frame.lineno
        if isinstance(exc, jinja2.exceptions.SecurityError):
            what = (
                f"refused by the template sandbox: {str(exc).rstrip('.')}; "
                "a theme template may only use the values it is given"
            )
        else:
            what = f"template error: {type(exc).__name__}: {exc}"
    return ThemeError(what, path=filename, line=line)


@lru_cache(maxsize=16)
def _environment(template_dirs: tuple[Path, ...], roots: tuple[Path, ...] = ()) -> jinja2.Environment:
    loader = jinja2.ChoiceLoader([_ThemeLoader(d / "templates", roots) for d in template_dirs])
    env = _ThemeEnvironment(
        loader=loader,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2", "xhtml.j2"), default=False),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        # Jinja's optimizer folds constant expressions while compiling, to save time at each render:
        # a one-shot command renders each template once, and pays more to fold (a sixth of the
        # compile time of the built-in themes' templates) than folding saves. The output is the same.
        optimized=False,
    )
    env.filters["css_string"] = _css_string
    return env


def _css_string(value: str) -> str:
    """Quote ``value`` as a CSS string."""
    return '"' + re.sub(r'["\\\n]', lambda mt: "\\" + format(ord(mt.group()), "x") + " ", value) + '"'


def environment(theme: Theme) -> jinja2.Environment:
    """The sandboxed Jinja2 environment of ``theme``: its templates first, then those it extends."""
    return _environment(theme.template_dirs, theme.roots)


_CSS_CACHE: dict[tuple[tuple[Path, ...], tuple[Path, ...], str, str, bool], str] = {}


def css_for(theme: Theme, target: Literal["print", "epub"], *, book: bool = False) -> str:
    """The stylesheet of ``theme`` for ``target``, generated from its tokens (cached per set of tokens).

    :param book: with the rules for a collection's book (title page, contents, parts, chapters); the
        templates see it as ``book``. An article alone leaves them out: less to compile and to match.
    """
    key = (theme.template_dirs, theme.roots, repr(theme.tokens), target, book)  # roots: a confined theme re-checks
    if key not in _CSS_CACHE:
        template = environment(theme).get_template(f"{target}.css.j2")
        _CSS_CACHE[key] = template.render(theme=theme, roles=role_table(theme), book=book)
    return _CSS_CACHE[key]


def title_block_context(article: m.Article, theme: Theme, *, labels_lang: str | None = None) -> dict[str, Any]:
    """What the title-block templates need: labels in ``labels_lang`` (default: the article's language)."""
    label_lang = labels_lang or article.lang
    labels = labels_for(label_lang)
    return {
        "article": article,
        "theme": theme,
        "labels": labels,
        "lang": article.lang,
        "labels_lang": label_lang,
        "author_names": join_names([a.name for a in article.authors], label_lang),
        "date_text": format_article_date(article.date, article.lang) if article.date else "",
        "date_iso": article.date.isoformat() if article.date else "",
        "kicker": labels.opinion,
        "running_header": running_header_text(article, theme),
    }


def render_article(
    article: m.Article,
    theme: Theme,
    *,
    target: Literal["pdf", "epub"],
    image_src: ImageSrc,
    stylesheets: Iterable[str] = (),
    id_prefix: str = "",
    labels_lang: str | None = None,
) -> RenderedArticle:
    """Render ``article`` to an lxml ``<html>`` tree with the theme's template.

    :param target: ``"pdf"`` (float footnotes, plain HTML) or ``"epub"`` (XHTML, EPUB 3 footnotes).
    :param image_src: decides each figure's ``src`` (or drops it).
    :param stylesheets: hrefs of ``<link rel="stylesheet">`` in the head.
    :param id_prefix: put before every element id (heading, note), so chapters of one book never share an id.
    :param labels_lang: the language of labels ("By", "Notes" …), for an article in a book of another
        language; ``None`` means the article's own. The article keeps its own ``lang``.
    """
    xhtml = target == "epub"
    labels = labels_for(labels_lang or article.lang)
    renderer = BodyRenderer(
        notes="aside" if xhtml else "float",
        labels=labels,
        image_src=image_src,
        id_prefix=id_prefix,
        base_url=article.source_url,
    )
    body_elements = renderer.blocks(article.body)
    context = title_block_context(article, theme, labels_lang=labels_lang)
    context.update(target=target, stylesheets=list(stylesheets), body_mark=_BODY_MARK)
    text = environment(theme).get_template("article.html.j2").render(**context)
    root = etree.fromstring(text.encode("utf-8"), parser=_PARSER)
    mark = root.find(f".//{{{XHTML_NS}}}div[@id='{_BODY_MARK}']")
    if mark is None:
        raise jinja2.TemplateError(f'article.html.j2 must contain <div id="{_BODY_MARK}"/> where the body goes')
    section = renderer.E.div({"class": "article-body"})
    section.extend(body_elements)
    if renderer.asides:
        notes = renderer.E.section({"class": "footnotes", "role": "doc-endnotes"})
        notes.set(_EPUB_TYPE, "endnotes")
        heading = renderer.E.h2(labels.notes, {"class": "notes-heading"})
        if labels.lang != article.lang:  # a label in the book's language inside a chapter in another
            heading.set("lang", labels.lang)
            heading.set("{http://www.w3.org/XML/1998/namespace}lang", labels.lang)
        notes.append(heading)
        notes.extend(renderer.asides)
        section.append(notes)
    mark.getparent().replace(mark, section)
    return RenderedArticle(root=root, headings=renderer.headings, images=renderer.images)


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def to_html_string(root: Any) -> str:
    """Serialise a rendered tree as plain HTML (no namespaces), for WeasyPrint."""
    root = etree.fromstring(etree.tostring(root))  # copy
    for el in root.iter():
        if isinstance(el.tag, str):
            el.tag = etree.QName(el).localname
            for name in list(el.attrib):
                if name.startswith("{"):
                    del el.attrib[name]
    etree.cleanup_namespaces(root)
    return "<!DOCTYPE html>\n" + str(etree.tostring(root, method="html", encoding="unicode"))


def to_xhtml_bytes(root: Any) -> bytes:
    """Serialise a rendered tree as an XHTML document (XML declaration, HTML5 doctype)."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>"))
