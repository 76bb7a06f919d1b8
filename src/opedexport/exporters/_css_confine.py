"""Keep a stylesheet packaged with a book (or a web page) to what is packaged with it.

A theme's templates are trusted to style, not to make the reader fetch anything: a stylesheet put
into an EPUB or the HTML export may refer only to the resources written with it (the theme's fonts).
:func:`confine_css` drops every ``@import`` rule and every declaration (or rule) that refers, by
``url()``, ``src()`` or a string in ``image-set()`` and the like, to anything else: a remote URL, a
``file:`` URL, a path outside the package. The PDF needs no such step: WeasyPrint reads every
resource through the :class:`~opedexport.fetch.Fetcher`, which refuses them.

The stylesheet is parsed with tinycss2 (which WeasyPrint depends on). A stylesheet with nothing to
drop is returned as it is, character for character, so the built-in themes' output does not change.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ResourceRefusedWarning, ThemeError

if TYPE_CHECKING:
    from ..theme import Theme

__all__ = ["confine_css", "css_urls", "packaged_url", "template_file"]

#: CSS functions whose string arguments are URLs (besides ``url()``, whose argument always is one).
_URL_STRING_FUNCTIONS = frozenset(
    {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade", "-webkit-cross-fade"}
)
#: At-rules whose block holds rules (not declarations).
_RULE_LIST_AT_RULES = frozenset(
    {"media", "supports", "layer", "container", "document", "-moz-document", "scope", "starting-style"}
)


def template_file(theme: Theme, name: str) -> str:
    """The file the template ``name`` of ``theme`` is read from (the theme's own, else the one it extends)."""
    for folder in theme.template_dirs:
        path = Path(folder) / "templates" / name
        if path.is_file():
            return str(path)
    return name


def packaged_url(names: Iterable[str], *, folder: str = "") -> Callable[[str], bool]:
    """A test of a stylesheet's URLs: ``True`` for a fragment (``#id``), or for a relative URL that,
    resolved against ``folder`` (the stylesheet's folder in the package), names one of ``names``.

    :param names: the package's files, as POSIX paths relative to its root (``fonts/Body.ttf``).
    :param folder: the stylesheet's folder, relative to the same root (``css``), or ``""`` for the root.
    """
    import posixpath
    import urllib.parse

    packaged = frozenset(names)

    def allowed(url: str) -> bool:
        if url.startswith("#"):
            return True
        parts = urllib.parse.urlsplit(url)
        if parts.scheme or parts.netloc or parts.path.startswith("/") or "\\" in parts.path or not parts.path:
            return False
        path = posixpath.normpath(posixpath.join(folder, urllib.parse.unquote(parts.path)))
        return path in packaged

    return allowed


def confine_css(
    css: str, allowed: Callable[[str], bool], *, what: str, source: str = "", written: Iterable[str] = ()
) -> str:
    """``css`` without ``@import`` rules and without the declarations whose URLs ``allowed`` refuses.

    Everything dropped is reported in one :class:`~opedexport.errors.ResourceRefusedWarning`.

    :param allowed: whether a URL the stylesheet refers to is packaged with it (see :func:`packaged_url`).
    :param what: what the stylesheet goes into, for the warning (``"the EPUB"``).
    :param source: the theme file the stylesheet comes from, named in the warning when known.
    :param written: URLs the exporter gave the templates, each allowed, written ``url("…")``: a
        stylesheet that refers to nothing but these is seen to be so without parsing it (a page's
        stylesheet holds its fonts as ``data:`` URLs, hundreds of kilobytes to tokenise).
    :returns: ``css`` itself when nothing refers outside the package, else the confined stylesheet.
    :raises ThemeError: for a stylesheet nested too deep to be parsed (thousands of brackets).
    """
    rest = css
    for url in written:
        rest = rest.replace(f'url("{url}")', "")
    if not _may_refer(rest):
        # No URL, @import or URL-taking function can be spelt (escapes need a backslash) in what is
        # left, and what was taken out can only be read as one of those references or as inert text.
        return css
    try:
        result, dropped = _confine(css, allowed)
    except RecursionError:  # tinycss2 and the URL search recurse into nested blocks: ((((…
        raise ThemeError(
            "the stylesheet nests blocks or brackets too deep to be checked (thousands deep); nest them less",
            path=source or None,
        ) from None
    if dropped:
        more = f"; and {len(dropped) - 3} more" if len(dropped) > 3 else ""
        shown = "; ".join(_short(d) for d in dropped[:3]) + more
        origin = f"theme file {source}" if source else "the theme's stylesheet"
        warnings.warn(
            ResourceRefusedWarning(
                f"{origin}: dropped from the stylesheet of {what} what refers to resources not packaged with it "
                f"({shown}); a theme's stylesheet may refer only to the theme's fonts"
            ),
            stacklevel=3,
        )
    return result


def _may_refer(css: str) -> bool:
    """Whether ``css`` may refer to anything at all (a cheap test before parsing it)."""
    lower = css.lower()
    return "\\" in css or "url" in lower or "@import" in lower or "src(" in lower or "image" in lower or "fade" in lower


def _short(text: str) -> str:
    text = " ".join(text.split()).rstrip(";")
    return text if len(text) <= 100 else text[:97] + "..."


def _confine(css: str, allowed: Callable[[str], bool]) -> tuple[str, list[str]]:
    """The stylesheet with what refers outside dropped, and a text for each thing dropped."""
    import tinycss2  # type: ignore[import-untyped]

    rules = tinycss2.parse_stylesheet(css, skip_comments=False, skip_whitespace=False)
    dropped: list[str] = []
    out = _rules(rules, allowed, dropped)
    if not dropped:
        return css, []
    return out, dropped


def _rules(nodes: list[Any], allowed: Callable[[str], bool], dropped: list[str]) -> str:
    """Serialise a list of rules (and, in a nested block, declarations), leaving out what refers outside."""
    import tinycss2

    parts: list[str] = []
    for node in nodes:
        kind = node.type
        if kind == "error":
            # tinycss2 reports what it cannot parse; a reader would skip it too, unless it hides a URL.
            continue
        if kind == "at-rule" and node.lower_at_keyword == "import":
            dropped.append(node.serialize())
            continue
        if kind == "at-rule" and node.lower_at_keyword == "namespace":
            parts.append(node.serialize())  # names a namespace; nothing is read from its URL
            continue
        if kind == "declaration":
            if _refers_outside(node.value, allowed):
                dropped.append(node.serialize())
                continue
            parts.append(node.serialize() + ";")
            continue
        if kind in ("qualified-rule", "at-rule"):
            if _refers_outside(node.prelude, allowed):
                dropped.append(node.serialize())
                continue
            if node.content is None or not _refers_outside(node.content, allowed):
                parts.append(node.serialize())
                continue
            if kind == "at-rule" and node.lower_at_keyword in _RULE_LIST_AT_RULES:
                inner = tinycss2.parse_rule_list(node.content, skip_comments=False, skip_whitespace=False)
            else:
                inner = tinycss2.parse_blocks_contents(node.content, skip_comments=False, skip_whitespace=False)
            head = ("@" + node.at_keyword if kind == "at-rule" else "") + tinycss2.serialize(node.prelude)
            parts.append(head + "{" + _rules(inner, allowed, dropped) + "}")
            continue
        parts.append(node.serialize())  # white space, comments, and ; between declarations
    return "".join(parts)


def _refers_outside(tokens: list[Any] | None, allowed: Callable[[str], bool]) -> bool:
    """Whether a URL in ``tokens`` (at any depth) is not allowed."""
    return any(not allowed(url) for url in _urls(tokens or [], None))


def css_urls(nodes: Iterable[Any]) -> Iterable[str]:
    """Every URL that tinycss2 ``nodes`` (rules, declarations or component values) refer to, at any depth."""
    for node in nodes:
        if node.type in ("qualified-rule", "at-rule"):
            yield from _urls(node.prelude, None)
            yield from _urls(node.content or [], None)
        elif node.type == "declaration":
            yield from _urls(node.value, None)
        else:
            yield from _urls([node], None)


def _urls(tokens: Iterable[Any], function: str | None) -> Iterable[str]:
    for token in tokens:
        kind = token.type
        if kind == "url" or (kind == "string" and function in _URL_STRING_FUNCTIONS):
            yield token.value.strip()
        elif kind == "function":
            yield from _urls(token.arguments, token.lower_name)
        elif kind in ("() block", "[] block", "{} block"):
            yield from _urls(token.content, None)
