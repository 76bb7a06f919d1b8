"""What the exporters share, written once: the kicker and running-header text, document
identifiers and the reproducible zip (EPUB and DOCX are both zip packages).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable

from ..i18n import Labels
from ..model import Article, Collection
from ..serialize import article_to_dict, article_to_json
from ..theme import Theme

__all__ = [
    "collection_identifier",
    "credit_text",
    "epub_identifier",
    "kicker_text",
    "pdf_book_file_id",
    "pdf_file_id",
    "running_header_text",
    "write_zip",
    "zip_time",
]


# --------------------------------------------------------------------------- title block and page furniture


def kicker_text(article: Article, labels: Labels, separator: str = " · ") -> str:
    """The line above an article's title: "Opinion" in its language, then its publication if any."""
    return labels.opinion + (f"{separator}{article.publication}" if article.publication else "")


#: A credit that names its own kind first ("Foto: …", "Sumber: …", "Photo credit: …", "Ilustrasi: …"):
#: at most three words before a colon.
_LABELLED_CREDIT = re.compile(r"^[^\W\d_]+(?:[ -][^\W\d_]+){0,2}\s*:\s*\S")


def credit_text(credit: str, labels: Labels) -> str:
    """A figure's credit as printed: as the source wrote it when it names its kind ("Sumber: BPS"), else
    after the language's photo label ("Foto: Budi Santoso").
    """
    return credit if _LABELLED_CREDIT.match(credit) else f"{labels.photo}: {credit}"


def running_header_text(article: Article, theme: Theme) -> str:
    """The running header's text as the theme's ``running.header`` says (``none`` is the caller's to skip):
    the publication (else the title), or the title.
    """
    if theme.running.header == "publication":
        return article.publication or article.title
    return article.title


# --------------------------------------------------------------------------- identifiers


#: Names of the namespaces (uuid5 of these URLs) of identifiers derived from an article's content and
#: from a collection's. :mod:`uuid` (which brings :mod:`platform`) is imported by the identifiers'
#: functions: the DOCX, which needs none, never imports it.
_CONTENT_NS_URL = "https://opedexport.invalid/epub-identifier"
_COLLECTION_NS_URL = "https://opedexport.invalid/epub-collection-identifier"


def epub_identifier(article: Article) -> str:
    """The book's stable ``urn:uuid:`` identifier.

    Derived with uuid5 from the article's canonical URL when it has one (every
    export of the same published article is the same book), else from the
    article's content as JSON. The same article always gets the same identifier.
    """
    import uuid

    if article.source_url:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, article.source_url)}"
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, _CONTENT_NS_URL)
    return f"urn:uuid:{uuid.uuid5(namespace, article_to_json(article, indent=None))}"


def collection_identifier(collection: Collection) -> str:
    """A collection's stable ``urn:uuid:`` identifier: uuid5 of the book's content as JSON.

    The book's metadata, its parts and every article (as :func:`~opedexport.serialize.article_to_dict`
    gives it) count; where the manifest lies and which theme it names do not. The same
    book always gets the same identifier, and any change to its content gives another.
    """
    content = {
        "title": collection.title,
        "subtitle": collection.subtitle,
        "editors": [dataclasses.asdict(e) for e in collection.editors],
        "publication": collection.publication,
        "date": collection.date.isoformat() if collection.date else None,
        "lang": collection.lang,
        "cover": collection.cover,
        "rights": collection.rights,
        "parts": [
            {"title": part.title, "articles": [article_to_dict(a) for a in part.articles]} for part in collection.parts
        ],
    }
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    import uuid

    return f"urn:uuid:{uuid.uuid5(uuid.uuid5(uuid.NAMESPACE_URL, _COLLECTION_NS_URL), text)}"


def pdf_file_id(article: Article) -> bytes:
    """The permanent half of the PDF's ``/ID``: a digest of what identifies the article, the same every run."""
    parts = [article.title, article.lang, article.source_url, *(a.name for a in article.authors)]
    if article.date is not None:
        parts.append(article.date.isoformat())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32].encode("ascii")


def pdf_book_file_id(collection: Collection) -> bytes:
    """The permanent half of the book's ``/ID``: a digest of its title, language and articles."""
    parts = [collection.title, collection.lang, *(pdf_file_id(a).decode("ascii") for a in collection.articles)]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32].encode("ascii")


# --------------------------------------------------------------------------- the reproducible zip


def zip_time(when: dt.datetime) -> tuple[int, int, int, int, int, int]:
    """``when`` in UTC as a zip entry date, clamped to the years a zip can hold (1980-2107)."""
    when = when.astimezone(dt.UTC) if when.tzinfo else when
    if when.year < 1980:
        return (1980, 1, 1, 0, 0, 0)
    if when.year > 2107:
        return (2107, 12, 31, 23, 59, 58)
    return (when.year, when.month, when.day, when.hour, when.minute, when.second)


def write_zip(
    entries: Iterable[tuple[str, bytes]],
    when: dt.datetime,
    *,
    mode: int,
    level: int,
    stored: Callable[[str], bool] = lambda name: False,
) -> bytes:
    """A zip of ``entries`` in the order given, every entry stamped ``when`` (see :func:`zip_time`),
    made on Unix with permissions ``mode``: equal content gives equal bytes.

    :param level: the deflate level of compressed entries.
    :param stored: which entries are stored rather than deflated (an EPUB's ``mimetype``, images).
    """
    stamp = zip_time(when)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = mode << 16
            keep = stored(name)
            info.compress_type = zipfile.ZIP_STORED if keep else zipfile.ZIP_DEFLATED
            dst.writestr(info, data, compresslevel=None if keep else level)
    return out.getvalue()
