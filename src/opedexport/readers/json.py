"""The JSON reader: an article in the model's own JSON form (see :mod:`opedexport.serialize`).

This is how a CMS or a pipeline hands an article over without Markdown. The
document must follow the published schema (``article.schema.json``); a syntax
error names the file and line, a wrong value names the file and the JSON path
(``$.body[0].level``).
"""

from __future__ import annotations

from ..errors import InputError, ModelError
from ..serialize import article_from_json
from .base import Reader, ReadResult, Source

__all__ = ["JsonReader"]


class JsonReader(Reader):
    """Reads an article from its JSON form."""

    name = "json"
    suffixes = (".json",)
    description = "the article model as JSON (schema: article.schema.json)"

    def read(self, source: Source, *, lang: str | None = None) -> ReadResult:
        """Read ``source``; ``lang`` replaces the document's ``lang``."""
        article = article_from_json(source.text(), path=source.path or "<string>")
        changes: dict[str, object] = {}
        if source.path is None:
            changes["source_path"] = None
        if lang is not None:
            changes["lang"] = lang
        if changes:
            try:
                article = article.replace(**changes)
            except ModelError as exc:
                raise InputError(exc.message, path=source.path or "<string>") from None
        return ReadResult(article)
