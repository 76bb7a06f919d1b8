"""What every reader does the same way, whatever the format: link targets, heading levels, a repeated title.

Links
    :func:`link_target` is the one test of a link target read from any input: an http, https,
    mailto or tel target, a relative one or a fragment is kept; any other scheme (``javascript:``,
    ``vbscript:``, ``data:``, ``file:`` …, in any case, with spaces, control characters or character
    references hiding it, see :func:`~opedexport.model.is_safe_link`) is dropped with a
    :class:`~opedexport.errors.TextNormalisedWarning` naming the file and line, and the link's text stays
    as plain text. :func:`safe_url` is the same test without the warning, for targets that are
    metadata rather than links in the text.

Heading levels
    :func:`heading_levels` ranks the heading levels a source uses, as the model defines them (see
    :class:`~opedexport.model.Heading`): the title is above every heading, the highest level used in the
    body is level 1, the next one used level 2, the next level 3, and every deeper one level 3 as well.

A heading that repeats the title
    :func:`same_title` says whether a heading's text is the title again, compared without case, runs
    of white space, punctuation at either end, and markup (the caller passes plain text). A reader
    drops such a heading at the top of the body and lists it in
    :attr:`~opedexport.readers.base.ReadResult.removed` under the rule :data:`DUPLICATE_TITLE`.
"""

from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from ..errors import TextNormalisedWarning
from ..model import Emph, Inline, LineBreak, Link, Strong, Text, is_safe_link

__all__ = ["DUPLICATE_TITLE", "heading_levels", "link_target", "safe_url", "same_title", "strip_inlines"]

#: The rule name under which a heading that repeats the title is listed in ``ReadResult.removed``.
DUPLICATE_TITLE = "duplicate-title"

#: Characters the WHATWG URL parser removes: C0 controls and spaces at the ends, tabs and newlines anywhere.
_URL_ENDS = "".join(chr(c) for c in range(0x21))


def _trimmed(url: str) -> str:
    return url.strip(_URL_ENDS).replace("\t", "").replace("\n", "").replace("\r", "")


def safe_url(url: str, base: str = "") -> str:
    """``url`` made absolute against ``base`` (when it has one), or ``""`` when it is not a link worth keeping.

    Kept: http, https, mailto and tel targets, and relative ones (against an http(s) ``base`` they become
    absolute). Refused: links within the page (``#…``) and every other scheme (``javascript:``, ``file:``,
    ``data:`` …, however disguised), without a warning.
    """
    url = _trimmed(url)
    if not url or url.startswith("#") or not is_safe_link(url):
        return ""
    try:
        if base and not urlsplit(url).scheme:
            url = urljoin(base, url)
        urlsplit(url)
    except ValueError:  # an invalid IPv6 host and the like
        return ""
    return url


def link_target(url: str, where: str | Path | None, line: int | None = None, *, base: str = "") -> str:
    """The target to keep for a link to ``url`` read from ``where``, or ``""`` for the link's text alone.

    Fragments (``#part``) and relative targets are kept (made absolute against ``base`` when given);
    an unsafe target is dropped with a :class:`~opedexport.errors.TextNormalisedWarning` that names
    the file and, when known, the line: ``article.md:12: dropped the unsafe link target 'javascript:…'``.
    """
    url = _trimmed(url)
    if not url:
        return ""
    if not is_safe_link(url):
        place = f"{where if where is not None else '<string>'}{f':{line}' if line else ''}"
        warnings.warn(
            TextNormalisedWarning(f"{place}: dropped the unsafe link target {url[:60]!r}; the link text is kept"),
            stacklevel=2,
        )
        return ""
    if url.startswith("#"):
        return url
    return safe_url(url, base)


def heading_levels(levels: Iterable[int]) -> dict[int, int]:
    """The model level of each heading level a source uses: ranked from 1 by depth, no gaps, at most 3.

    ``{2, 3}`` (Markdown ``##`` and ``###``) gives ``{2: 1, 3: 2}``; ``{2, 4}`` gives ``{2: 1, 4: 2}``;
    ``{1, 2, 3, 4}`` gives ``{1: 1, 2: 2, 3: 3, 4: 3}``.
    """
    return {level: min(rank, 3) for rank, level in enumerate(sorted(set(levels)), 1)}


def _comparable(text: str) -> str:
    text = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    start, end = 0, len(text)
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return text[start:end]


def same_title(text: str, title: str) -> bool:
    """Whether ``text`` (a heading's plain text) repeats ``title``.

    Compared without case, with runs of white space as one space, and without the punctuation,
    quotes and symbols at either end (``"The Title."`` repeats ``the title``).
    """
    mine = _comparable(text)
    return bool(mine) and mine == _comparable(title)


def strip_inlines(inlines: tuple[Inline, ...]) -> tuple[Inline, ...]:
    """``inlines`` without white space and line breaks at either end, looking into emphasis and links
    (an empty one is dropped).
    """
    out = list(inlines)
    for end in (0, -1):
        while out:
            node = out[end]
            if isinstance(node, LineBreak) or (isinstance(node, Text) and not node.text.strip()):
                out.pop(end)
            elif isinstance(node, Text):
                out[end] = Text(node.text.lstrip() if end == 0 else node.text.rstrip())
                break
            elif isinstance(node, (Emph, Strong, Link)):
                inner = strip_inlines(node.children)
                if inner:
                    out[end] = replace(node, children=inner)
                    break
                out.pop(end)
            else:
                break
    return tuple(out)
