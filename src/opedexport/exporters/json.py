"""The model itself as JSON: the hand-over format for CMSs and pipelines (what ``opedexport inspect`` prints)."""

from __future__ import annotations

from typing import Any

from ..model import Article
from ..serialize import article_to_json
from ..theme import Theme
from .base import Exporter

__all__ = ["JsonExporter"]


class JsonExporter(Exporter):
    """Writes the Article as JSON (schema: ``article.schema.json``); the theme plays no part."""

    name = "json"
    suffix = ".json"
    media_type = "application/json"
    description = "the article model as JSON (read back by the json reader)"

    def export(self, article: Article, theme: Theme, **options: Any) -> bytes:
        """The article's JSON, UTF-8, with a final newline."""
        return (article_to_json(article) + "\n").encode("utf-8")
