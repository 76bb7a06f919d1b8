"""opedexport: one opinion article, three outputs (PDF, EPUB 3, DOCX), one model and one theme.

The public API is what this module exposes::

    import opedexport
    article = opedexport.read("source/op-ed.md")
    opedexport.export(article, "out/op-ed.pdf")                  # writes a file: format from the suffix
    data = opedexport.export_bytes(article, "epub", theme="modern")  # bytes back, nothing written

Readers and exporters are plugins found through the entry-point groups
``opedexport.readers`` and ``opedexport.exporters``.
"""

from ._version import version as _version
from .api import (
    export,
    export_bytes,
    export_collection,
    export_collection_bytes,
    formats,
    load_theme,
    read,
    read_result,
)
from .batch import BatchResult, JobResult, export_many
from .errors import (
    ExportError,
    InputError,
    LayoutWarning,
    LimitError,
    ModelError,
    OpedexportError,
    OpedexportWarning,
    RegistryError,
    ResourceRefusedWarning,
    TextNormalisedWarning,
    ThemeError,
    ThemeWarning,
)
from .model import Article, Author, Collection, Part
from .readers.base import ReadResult
from .readers.manifest import load_manifest
from .theme import Theme

__all__ = [
    "Article",
    "Author",
    "BatchResult",
    "Collection",
    "ExportError",
    "InputError",
    "JobResult",
    "LayoutWarning",
    "LimitError",
    "ModelError",
    "OpedexportError",
    "OpedexportWarning",
    "Part",
    "ReadResult",
    "RegistryError",
    "ResourceRefusedWarning",
    "TextNormalisedWarning",
    "Theme",
    "ThemeError",
    "ThemeWarning",
    "__version__",
    "export",
    "export_bytes",
    "export_collection",
    "export_collection_bytes",
    "export_many",
    "formats",
    "load_manifest",
    "load_theme",
    "read",
    "read_result",
]


def __getattr__(name: str) -> str:
    """``__version__``, read from the installed metadata when first asked for (see :mod:`._version`)."""
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
