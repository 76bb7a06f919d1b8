"""A standalone, accessible HTML5 page: the article as the web would show it, from the same theme.

The article is rendered by the shared model → HTML step
(:func:`~opedexport.exporters._html.render_article`) in its EPUB form (footnotes as ``noteref``
links to notes collected at the end, each with a link back), then made a web page:

* the ``<article>`` stands in a ``<main>`` landmark, after a skip link; its header holds the title as
  the page's only ``<h1>``, and body headings start at ``<h2>`` (model level 1);
* the ``<head>`` says what the page is: ``<title>``, ``lang``, meta description (the summary, else the
  dek), the canonical URL (the article's ``source_url``), OpenGraph (``og:*``, ``article:*``) and a
  schema.org ``OpinionNewsArticle`` as JSON-LD, the page's only script;
* the stylesheet is the theme's ``web.css.j2``: the EPUB's rules from the same tokens, for screens
  (no ``@page``), with links underlined.

By default (``assets="inline"``) the page is one self-contained file: the CSS in a ``<style>``, the
theme's fonts subset to the characters of the article and embedded as ``data:`` URIs, figures
embedded as ``data:`` URIs. Figures are read through the same :class:`~opedexport.fetch.Fetcher` as
for the other formats (the article's folder, and hosts in ``allow_hosts``); a refused one is left out
with a :class:`~opedexport.errors.ResourceRefusedWarning`.

With ``assets="folder"`` the page ``NAME.html`` links its stylesheet, fonts and figures in a folder
``NAME_files/`` beside it. That writes several files, so it is done by :func:`export_folder` (or
:meth:`HtmlExporter.render_files`, which returns them); :meth:`HtmlExporter.export`, which returns one
file's bytes, only makes the inline page.

Nothing from the input becomes markup: text goes into lxml elements or through Jinja's autoescape,
and the JSON-LD escapes ``<``, ``>`` and ``&``. The page carries no time of its own, so the same input
always gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from lxml import etree
from lxml.builder import ElementMaker

from .. import model as m
from ..errors import ExportError
from ..fetch import Fetcher
from ..roles import role_table
from ..theme import Theme
from ._cover import fetch_image
from ._css_confine import confine_css, template_file
from ._html import XHTML_NS, environment, render_article, to_html_string
from .base import Exporter, Option

__all__ = ["HtmlExporter", "export_folder", "json_ld"]

_MAIN_ID = "main"
_FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}
_H = f"{{{XHTML_NS}}}"
_SKIP_LABELS = {"id": "Langsung ke isi", "en": "Skip to content"}


def json_ld(article: m.Article) -> dict[str, Any]:
    """The schema.org ``OpinionNewsArticle`` describing ``article``, as a JSON-LD object."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "OpinionNewsArticle",
        "headline": article.title,
        "inLanguage": article.lang,
    }
    if article.subtitle:
        data["alternativeHeadline"] = article.subtitle
    description = article.summary or article.subtitle
    if description:
        data["description"] = description
    authors = []
    for author in article.authors:
        person: dict[str, Any] = {"@type": "Person", "name": author.name}
        if author.affiliation:
            person["affiliation"] = {"@type": "Organization", "name": author.affiliation}
        if author.url:
            person["url"] = author.url
        authors.append(person)
    if authors:
        data["author"] = authors
    if article.date is not None:
        data["datePublished"] = article.date.isoformat()
    if article.publication:
        data["publisher"] = {"@type": "Organization", "name": article.publication}
    if article.source_url:
        data["url"] = article.source_url
        data["mainEntityOfPage"] = article.source_url
    if article.tags:
        data["keywords"] = list(article.tags)
    if article.rights:
        data["copyrightNotice"] = article.rights
    return data


def _script_json(data: Mapping[str, Any]) -> str:
    """``data`` as JSON safe inside ``<script>``: no ``<``, ``>`` or ``&`` (so never ``</script>`` or ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"


class HtmlExporter(Exporter):
    """A standalone HTML5 page: landmarks, metadata for search engines and social cards, assets embedded."""

    name: ClassVar[str] = "html"
    suffix: ClassVar[str] = ".html"
    media_type: ClassVar[str] = "text/html"
    description: ClassVar[str] = "standalone HTML5 page: accessible, JSON-LD and OpenGraph metadata, one file"
    options: ClassVar[Mapping[str, Option]] = {
        "assets": Option(
            "inline",
            "inline: one self-contained file; folder: NAME.html with NAME_files/ beside it (written by export())",
            ("inline", "folder"),
        ),
        "subset_fonts": Option(True, "embed only the glyphs the article uses (much smaller file)", (True, False)),
    }

    def export(self, article: m.Article, theme: Theme, **options: Any) -> bytes:
        """Render ``article`` with ``theme`` as one self-contained HTML page and return its bytes.

        :param options: ``allow_hosts`` (hosts images may be fetched from) and ``subset_fonts``.
        :raises ExportError: for ``assets="folder"``, which writes several files: use :func:`export_folder`.
        """
        opts = self.resolve_options(options)
        if opts["assets"] == "folder":
            raise ExportError(
                'html: assets="folder" writes a page and a folder beside it: use '
                'opedexport.export(article, "NAME.html", assets="folder"), or leave assets as inline'
            )
        files = self.render_files(article, theme, stem="article", **options)
        return files["article.html"]

    def export_files(self, article: m.Article, theme: Theme, *, stem: str, **options: Any) -> dict[str, bytes]:
        """The page ``STEM.html`` first, then (with ``assets="folder"``) its assets (see :meth:`render_files`)."""
        files = self.render_files(article, theme, stem=stem, **options)
        page = f"{stem}.html"
        return {page: files[page], **{name: data for name, data in files.items() if name != page}}

    def render_files(self, article: m.Article, theme: Theme, *, stem: str, **options: Any) -> dict[str, bytes]:
        """The page and, with ``assets="folder"``, its assets: relative POSIX path → bytes.

        The page is ``STEM.html``; the assets are under ``STEM_files/`` (``style.css``, ``fonts/``,
        ``images/``), as the page refers to them.

        :param stem: the page's file name without ``.html``.
        """
        opts = self.resolve_options(options)
        folder = opts["assets"] == "folder"
        assets_dir = f"{stem}_files"
        files: dict[str, bytes] = {}
        fetcher = Fetcher([article.base_dir], allow_hosts=tuple(opts["allow_hosts"]))
        by_src: dict[str, str | None] = {}

        def image_src(figure: m.Figure) -> str | None:
            url = fetcher.to_url(figure.src, article.base_dir)
            if url not in by_src:
                image = fetch_image(fetcher, url, svg=True)
                if image is None:
                    by_src[url] = None
                elif folder:
                    name = f"images/{hashlib.sha1(image.data).hexdigest()[:16]}.{image.extension}"
                    files[f"{assets_dir}/{name}"] = image.data
                    by_src[url] = f"{_url_path(assets_dir)}/{name}"
                else:
                    by_src[url] = _data_uri(image.media_type, image.data)
            return by_src[url]

        rendered = render_article(article, theme, target="epub", image_src=image_src)
        root = rendered.root
        chars = _text_of(root) if opts["subset_fonts"] else None
        font_src: dict[str, str] = {}
        for name, media_type, data in _fonts(theme, chars):
            if folder:
                files[f"{assets_dir}/fonts/{name}"] = data
                font_src[name] = f"fonts/{_url_path(name)}"
            else:
                font_src[name] = _data_uri(media_type, data)
        css = (
            environment(theme)
            .get_template("web.css.j2")
            .render(theme=theme, roles=role_table(theme), book=False, font_src=font_src)
        )
        ours = frozenset(font_src.values())  # the fonts written with the page, and nothing else
        css = confine_css(
            css,
            lambda url: url.startswith("#") or url in ours,
            what="the HTML page",
            source=template_file(theme, "web.css.j2"),
            written=ours,
        )
        if folder:
            files[f"{assets_dir}/style.css"] = css.encode("utf-8")
        _make_page(root, article, css=None if folder else css, stylesheet=f"{_url_path(assets_dir)}/style.css")
        files[f"{stem}.html"] = to_html_string(root).encode("utf-8")
        return files


def export_folder(
    article: m.Article,
    path: str | os.PathLike[str],
    theme: str | os.PathLike[str] | Theme = "default",
    **options: Any,
) -> list[Path]:
    """Write ``article`` as the page ``path`` (``NAME.html``) with its assets in ``NAME_files/`` beside it.

    :param options: as for :class:`HtmlExporter` (``assets`` is ``"folder"`` here).
    :returns: the files written, the page first.
    :raises ExportError: when a file cannot be written.
    """
    from .._files import write_files
    from ..theme import load_theme

    target = Path(path)
    files = HtmlExporter().export_files(article, load_theme(theme), stem=target.stem, **{**options, "assets": "folder"})
    return write_files(target, files)


def _url_path(name: str) -> str:
    """A file or folder name as a relative URL path."""
    from urllib.parse import quote

    return quote(name)


def _text_of(root: Any) -> str:
    """Every character the page may draw: its text, attribute texts, and what CSS and browsers add."""
    from .epub import _EXTRA_CHARS
    from .epub import _text_of as text_of

    text = text_of(root) + _EXTRA_CHARS
    return "".join(sorted(set(text + text.upper() + text.lower())))


def _fonts(theme: Theme, chars: str | None) -> list[tuple[str, str, bytes]]:
    """``(file name, media type, bytes)`` of each font file of ``theme``, subset to ``chars`` when given."""
    from .epub import _subset_font

    out: list[tuple[str, str, bytes]] = []
    seen: set[str] = set()
    for _family, _style, _weight, path in theme.all_font_files():
        if path.name in seen:  # the CSS names fonts by file name alone, as in the EPUB
            continue
        seen.add(path.name)
        data = _subset_font(str(path), path.stat().st_mtime_ns, chars) if chars is not None else None
        if data is None:
            data = path.read_bytes()
        out.append((path.name, _FONT_TYPES.get(path.suffix.lower(), "font/ttf"), data))
    return out


def _make_page(root: Any, article: m.Article, *, css: str | None, stylesheet: str) -> None:
    """Turn the rendered article (its EPUB form) into the web page, in place."""
    E = ElementMaker(namespace=XHTML_NS, nsmap={None: XHTML_NS})
    head = root.find(f"{_H}head")
    body = root.find(f"{_H}body")
    for link in head.findall(f"{_H}link"):
        head.remove(link)
    title = head.find(f"{_H}title")
    at = list(head).index(title) + 1

    def add(*elements: Any) -> None:
        nonlocal at
        for element in elements:
            head.insert(at, element)
            at += 1

    add(E.meta(name="viewport", content="width=device-width, initial-scale=1"))
    description = article.summary or article.subtitle
    if description and head.find(f"{_H}meta[@name='description']") is None:
        add(E.meta(name="description", content=description))
    if article.source_url:
        add(E.link(rel="canonical", href=article.source_url))
    og = [("og:type", "article"), ("og:title", article.title)]
    if description:
        og.append(("og:description", description))
    if article.source_url:
        og.append(("og:url", article.source_url))
    if article.publication:
        og.append(("og:site_name", article.publication))
    if article.date is not None:
        og.append(("article:published_time", article.date.isoformat()))
    og.extend(("article:author", a.name) for a in article.authors)
    og.extend(("article:tag", t) for t in article.tags if t)
    add(*(E.meta(property=prop, content=value) for prop, value in og))
    script = E.script(type="application/ld+json")
    script.text = _script_json(json_ld(article))
    add(script)
    if css is None:
        add(E.link(rel="stylesheet", href=stylesheet))
    else:
        style = E.style()
        style.text = css.replace("</", "<\\/")  # no "</style>" in a theme's CSS can end the element
        add(style)

    # Landmarks: a skip link, then the article inside <main>.
    body.set("class", (body.get("class") or "").replace("target-epub", "target-html"))
    main = E.main(id=_MAIN_ID, tabindex="-1")
    main.extend(list(body))  # a theme's template may put more than the <article> in the body
    body.append(main)
    lang = article.lang.split("-")[0].lower()
    skip = E.a(_SKIP_LABELS.get(lang, _SKIP_LABELS["en"]), {"class": "skip-link", "href": f"#{_MAIN_ID}"})
    if lang not in _SKIP_LABELS:
        skip.set("lang", "en")
    body.insert(0, skip)
    _close_heading_gaps(main)
    # The running header is for print (hidden in the EPUB too): a page does not repeat its publication.
    for p in root.iter(f"{_H}p"):
        if p.get("class") == "running-source":
            p.getparent().remove(p)
            break
    etree.cleanup_namespaces(root)


def _close_heading_gaps(main: Any) -> None:
    """Renumber headings that would skip a level (``<h1>`` then ``<h3>``), keeping which is under which.

    The title is the page's ``<h1>``; an article whose first section heading is of model level 2 would
    otherwise put an ``<h3>`` right after it, which screen readers announce as a missing level. Each
    heading becomes one level below the nearest heading before it of a smaller original level.
    """
    stack: list[tuple[int, int]] = [(1, 1)]  # (original level, new level) of the open headings; the title
    for heading in main.iter(*(f"{_H}h{n}" for n in range(1, 7))):
        level = int(etree.QName(heading).localname[1])
        while stack and stack[-1][0] >= level:
            stack.pop()
        new = stack[-1][1] + 1 if stack else 1
        if new != level:
            heading.tag = f"{_H}h{new}"
        stack.append((level, new))
