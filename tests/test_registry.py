from __future__ import annotations

from importlib.metadata import entry_points

import pytest

from opedexport.errors import RegistryError
from opedexport.exporters.base import Exporter
from opedexport.model import Article
from opedexport.readers.base import Reader, ReadResult, Source
from opedexport.registry import EXPORTERS_GROUP, READERS_GROUP, Registry
from opedexport.theme import Theme


class ShoutReader(Reader):
    name = "shout"
    suffixes = (".shout",)

    def read(self, source: Source, *, lang: str | None = None) -> ReadResult:
        return ReadResult(Article(title=source.text().strip().upper()))


class NeedsMissing(Exporter):
    name = "needs-missing"
    suffix = ".nm"
    media_type = "application/x-nm"
    requires = ("opedexport_no_such_module_xyz",)

    def export(self, article: Article, theme: Theme, **options: object) -> bytes:
        raise AssertionError("never called")


def test_builtins_come_from_entry_points_like_third_parties() -> None:
    declared_readers = {ep.name for ep in entry_points(group=READERS_GROUP)}
    declared_exporters = {ep.name for ep in entry_points(group=EXPORTERS_GROUP)}
    assert {"markdown", "text", "json"} <= declared_readers
    assert {"pdf", "epub", "docx"} <= declared_exporters
    reg = Registry()
    assert set(reg.readers.names()) == declared_readers
    assert reg.readers.slots["markdown"].entry_point is not None


def test_lookup_by_suffix_and_name() -> None:
    reg = Registry()
    assert reg.reader_for_path("a/b/article.MD").name == "markdown"
    assert reg.reader_for_path("x.txt").name == "text"
    assert reg.reader("json").name == "json"


def test_unknown_names_list_what_is_available() -> None:
    reg = Registry()
    with pytest.raises(RegistryError, match="unknown exporter 'odt'.*docx.*epub.*pdf"):
        reg.exporter("odt")
    with pytest.raises(RegistryError, match=r"no reader for files ending in '\.rtf'.*\.md") as info:
        reg.reader_for_path("story.rtf")
    assert str(info.value).startswith("story.rtf: ")


def test_plugin_registers_and_duplicates_are_refused() -> None:
    reg = Registry()
    reg.add_reader(ShoutReader)
    reg.add_reader(ShoutReader)  # the same class again is harmless
    assert reg.reader_for_path("x.shout") is ShoutReader
    assert ShoutReader().read(Source(b"hello")).article.title == "HELLO"

    class OtherShout(ShoutReader):
        pass

    with pytest.raises(RegistryError, match="already registered"):
        reg.add_reader(OtherShout)
    with pytest.raises(RegistryError, match="already registered"):
        reg.add_reader(ShoutReader, name="markdown")  # a built-in name is taken too


def test_missing_dependency_is_a_clear_error() -> None:
    reg = Registry()
    reg.add_exporter(NeedsMissing)
    with pytest.raises(RegistryError, match="needs opedexport_no_such_module_xyz.*not installed.*available: .*pdf"):
        reg.exporter("needs-missing")
    names = {name: problem for name, _, problem in reg.exporters.all()}
    assert "not installed" in names["needs-missing"]


def test_non_plugin_classes_are_refused() -> None:
    with pytest.raises(RegistryError, match="not a Reader"):
        Registry().add_reader(int)  # type: ignore[arg-type]
