"""Small exporters that tests register, as a third party would, to test the API and CLI without rendering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from opedexport.exporters.base import Exporter, Option
from opedexport.model import Article
from opedexport.registry import registry
from opedexport.theme import Theme


class TitleExporter(Exporter):
    """A tiny exporter for API tests: the title and theme name as text."""

    name = "test-title"
    suffix = ".ttl"
    media_type = "text/plain"
    options: ClassVar[Mapping[str, Option]] = {"shout": Option(False, "upper-case the title")}

    def export(self, article: Article, theme: Theme, **options: object) -> bytes:
        title = article.title.upper() if options["shout"] else article.title
        return f"{title}|{theme.name}".encode()


class BrokenExporter(TitleExporter):
    name = "test-broken"
    suffix = ".brk"

    def export(self, article: Article, theme: Theme, **options: object) -> bytes:
        raise RuntimeError("boom")


registry.add_exporter(TitleExporter)
registry.add_exporter(BrokenExporter)


registry.add_exporter(TitleExporter)
registry.add_exporter(BrokenExporter)


class SlowExporter(TitleExporter):
    """Never finishes on its own: stands for a runaway layout."""

    name = "test-slow"
    suffix = ".slow"

    def export(self, article: Article, theme: Theme, **options: object) -> bytes:
        while True:
            sum(range(1000))


registry.add_exporter(SlowExporter)
