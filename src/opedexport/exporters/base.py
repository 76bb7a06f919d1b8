"""What every exporter is: a class that declares itself and turns an Article and a Theme into bytes.

Exporters import the model and the theme and nothing of the readers.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from ..buildtime import build_datetime
from ..errors import ExportError
from ..model import Article, Collection
from ..theme import Theme

__all__ = ["COMMON_OPTIONS", "Exporter", "Option", "build_datetime"]


@dataclass(frozen=True, slots=True)
class Option:
    """One documented exporter option with its default (as WeasyPrint's ``DEFAULT_OPTIONS``)."""

    default: Any
    """The value used when the caller gives none."""
    help: str
    """One line for ``opedexport formats`` and the README."""
    choices: tuple[Any, ...] = ()
    """The allowed values; ``()`` means any value of the default's type."""


#: Options every exporter accepts.
COMMON_OPTIONS: Mapping[str, Option] = {
    "allow_hosts": Option((), "host names whose http(s) images may be fetched (default: none, nothing is fetched)"),
}


class Exporter(ABC):
    """Base class of exporters. Subclasses declare themselves with class attributes,
    and are registered under the entry-point group ``opedexport.exporters``.

    An exporter is stateless between calls except for caches that make the next
    document faster (fonts, parsed CSS); one instance may export many articles.
    """

    #: The format name used with ``export(..., "NAME")`` and ``--format``.
    name: ClassVar[str]
    #: The file suffix of the output, with the dot.
    suffix: ClassVar[str]
    #: The output's media type.
    media_type: ClassVar[str]
    #: One line for ``opedexport formats``.
    description: ClassVar[str] = ""
    #: Importable modules the exporter needs; when one is missing the registry says so.
    requires: ClassVar[tuple[str, ...]] = ()
    #: Options this exporter understands, with defaults; any other option is an error.
    options: ClassVar[Mapping[str, Option]] = {}

    def resolve_options(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Defaults updated with ``given``; an unknown option or a value outside its choices is an error."""
        options = {**COMMON_OPTIONS, **self.options}
        unknown = sorted(set(given) - set(options))
        if unknown:
            known = ", ".join(sorted(options))
            raise ExportError(f"{self.name}: unknown option(s) {', '.join(unknown)} (known: {known})")
        out = {name: opt.default for name, opt in options.items()}
        for name, value in given.items():
            choices = options[name].choices
            if choices and value not in choices:
                raise ExportError(f"{self.name}: option {name} must be one of {', '.join(map(str, choices))}")
            out[name] = value
        return out

    #: Whether :meth:`export_collection` is implemented.
    supports_collections: ClassVar[bool] = False

    def export_collection(self, collection: Collection, theme: Theme, **options: Any) -> bytes:
        """Render a whole :class:`~opedexport.collection.Collection` as one book.

        :raises ExportError: when this format cannot export collections (the default).
        """
        raise ExportError(f"the {self.name} exporter cannot export collections")

    def export_files(self, article: Article, theme: Theme, *, stem: str, **options: Any) -> dict[str, bytes]:
        """The files an export of ``article`` writes: relative POSIX path → bytes, the document first.

        Most formats are one file, ``STEM`` + :attr:`suffix` (this default); a format that can write
        assets beside its document (the HTML page with ``assets="folder"``) returns them all, and
        :func:`opedexport.export` writes them next to the document's path.

        :param stem: the document's file name without its suffix.
        """
        return {f"{stem}{self.suffix}": self.export(article, theme, **options)}

    @abstractmethod
    def export(self, article: Article, theme: Theme, **options: Any) -> bytes:
        """Render ``article`` with ``theme`` and return the file's bytes.

        :param options: the exporter's own options (see :attr:`options`).
        :raises ExportError: when the output cannot be produced.
        """
