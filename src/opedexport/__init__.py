"""opedexport: one opinion article, three outputs (PDF, EPUB 3, DOCX), one model and one theme.

The public API is what this module exposes::

    import opedexport
    article = opedexport.read("source/op-ed.md")
    opedexport.export(article, "out/op-ed.pdf")            # format from the suffix
    data = opedexport.export(article, "epub", theme="modern")  # bytes back

Readers and exporters are plugins found through the entry-point groups
``opedexport.readers`` and ``opedexport.exporters``.
"""

from .api import export, export_collection, formats, load_theme, read, read_result
from .batch import BatchResult, JobResult, export_many
from .collection import Collection, Part, load_manifest
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
from .model import Article, Author
from .readers.base import ReadResult
from .theme import Theme

__version__ = "0.1.0"

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
    "export_collection",
    "export_many",
    "formats",
    "load_manifest",
    "load_theme",
    "read",
    "read_result",
]
