"""An SVG figure made fit to be packaged in an EPUB or an HTML page, where a reader shows it as it is.

The PDF draws an SVG with WeasyPrint, which runs no script and reads what the SVG shows through the
:class:`~opedexport.fetch.Fetcher`. An e-reader or a browser would run its scripts and fetch what it
refers to, so an SVG put into a book or a page must hold no script and refer to nothing outside
itself. :func:`packaged_svg` takes an SVG that has passed the one image check
(:func:`opedexport.images.inspect_image`: size, depth, ``<use>`` expansion, entities) and refuses one
with a script, an event handler, a ``<foreignObject>``, or a reference (``href``, ``url()`` in an
attribute or a style sheet, ``@import``) to anything but a fragment of itself or an embedded
``data:`` raster image. What it returns is the SVG as parsed, written again without its DOCTYPE,
comments and processing instructions (an ``<?xml-stylesheet?>`` would load a style sheet).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..images import ImageRefused
from ._css_confine import _may_refer

__all__ = ["packaged_svg"]

#: Elements that run code or embed another document.
_ACTIVE = frozenset({"script", "foreignObject", "handler", "listener", "iframe", "embed", "object", "audio", "video"})
#: The embedded images an SVG may show: a ``data:`` URL of a raster type every reader shows.
_DATA_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif)[;,]", re.IGNORECASE)
_LINK_SCHEMES = ("http:", "https:", "mailto:")
_XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_XHTML = "http://www.w3.org/1999/xhtml"
#: Elements that set another attribute of their target while the SVG runs (SMIL animation).
_ANIMATION = frozenset({"set", "animate"})

Embed = Callable[[str], str]
"""The ``data:`` URL of the raster image at an absolute URL; raises :class:`ImageRefused` when it cannot be."""


def packaged_svg(data: bytes, *, url: str = "", embed: Embed | None = None) -> bytes:
    """``data`` (an SVG the image check accepted) written again, fit to be packaged.

    :param url: where the SVG was read from; the images it shows resolve against it.
    :param embed: gives the ``data:`` URL of a raster image an ``<image>`` shows (by its absolute
        URL), read through the same fetcher as the SVG; ``None`` refuses such an SVG.
    :raises ImageRefused: for an SVG with a script, an event handler, embedded content, or a
        reference to something outside itself that cannot be embedded; the message says which.
    """
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ImageRefused(f"a broken SVG ({exc})") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        # The image check looks for "<!ENTITY" in UTF-8 and UTF-16 bytes; in another encoding (UTF-7)
        # it is spelt otherwise. Written again without its DOCTYPE, the SVG would use undeclared entities.
        raise ImageRefused("an SVG that declares XML entities (not allowed: they can expand without bound)")
    try:
        return _packaged(root, url, embed)
    except RecursionError:  # tinycss2 and the URL search recurse into nested blocks: ((((…
        raise ImageRefused("an SVG whose style nests too deep to be checked") from None


def _packaged(root: Any, url: str, embed: Embed | None) -> bytes:
    from lxml import etree

    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        qname = etree.QName(el)
        name = qname.localname
        if qname.namespace == _XHTML:
            # A browser showing the SVG as a document makes these HTML elements: an <img src> loads,
            # a <meta http-equiv="refresh"> navigates (and the element's attributes are not checked here).
            raise ImageRefused(f"an SVG holding an HTML <{name}>, which a browser would load or run")
        if name in _ACTIVE:
            raise ImageRefused(f"an SVG holding a <{name}>, which an e-reader or a browser would run or load")
        if name == "style":
            _check_css("".join(el.itertext()), stylesheet=True)
        if name in _ANIMATION and el.get("attributeName", "").rpartition(":")[2].strip() == "href":
            # <set attributeName="href" to="javascript:…"> makes a link run script, or an <image> fetch.
            raise ImageRefused(f"an SVG whose <{name}> changes a reference, which could refer outside it")
        for key, value in el.attrib.items():
            attr = etree.QName(key).localname
            if attr.lower().startswith("on"):
                raise ImageRefused(f"an SVG with an event handler ({attr}), which a browser would run")
            if attr == "href":
                href = value.strip()
                if name in ("image", "feImage") and embed is not None and _is_outside(href):
                    el.set(key, embed(_absolute(el, href, url)))
                    continue
                _check_href(name, href)
            elif attr == "style" or _may_refer(value):  # url(), image-set("…"), src("…"), escapes
                _check_css(value, stylesheet=False)
    out: bytes = etree.tostring(root, encoding="utf-8", xml_declaration=True)
    return out


def _is_outside(href: str) -> bool:
    return bool(href) and not href.startswith("#") and not href.lower().startswith("data:")


def _absolute(el: Any, href: str, url: str) -> str:
    """``href`` made absolute against the ``xml:base`` of ``el`` and its ancestors, then ``url``."""
    import urllib.parse

    bases = [a.get(_XML_BASE) for a in [el, *el.iterancestors()] if a.get(_XML_BASE)]
    base = url
    for xml_base in reversed(bases):
        base = urllib.parse.urljoin(base, xml_base)
    return urllib.parse.urljoin(base, href) if base else href


def _check_href(element: str, href: str) -> None:
    if not href or href.startswith("#"):
        return
    if element == "a" and href.lower().startswith(_LINK_SCHEMES):
        return  # a link, followed only when the reader chooses to
    if element in ("image", "feImage") and _DATA_IMAGE.match(href):
        return
    shown = href if len(href) < 80 else href[:77] + "..."
    raise ImageRefused(f"an SVG whose <{element}> refers outside it ({shown}), which cannot be packaged with it")


def _check_css(css: str, *, stylesheet: bool) -> None:
    """Refuse CSS (a ``<style>`` or an attribute's value) that imports or refers to anything but a fragment."""
    import tinycss2  # type: ignore[import-untyped]

    from ._css_confine import css_urls

    if stylesheet:
        nodes: list[Any] = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        if any(n.type == "at-rule" and n.lower_at_keyword == "import" for n in nodes):
            raise ImageRefused("an SVG whose style sheet has an @import, which cannot be packaged with it")
    else:
        nodes = tinycss2.parse_component_value_list(css)
    for url in css_urls(nodes):
        if not url.startswith("#"):
            shown = url if len(url) < 80 else url[:77] + "..."
            raise ImageRefused(f"an SVG whose style refers outside it ({shown}), which cannot be packaged with it")
