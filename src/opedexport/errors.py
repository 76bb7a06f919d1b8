"""Errors and warnings raised by opedexport.

Every error derives from :class:`OpedexportError` and knows, where it can,
the file and the line it is about, so that a command-line user sees one
clear line such as ``article.md:3: front matter: mapping values are not
allowed here`` instead of a traceback.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "ExportError",
    "InputError",
    "LimitError",
    "ModelError",
    "OpedexportError",
    "OpedexportWarning",
    "RegistryError",
    "ResourceRefusedWarning",
    "TextNormalisedWarning",
    "ThemeError",
    "ThemeWarning",
]


class OpedexportError(Exception):
    """Base class of every error this package raises on purpose.

    :param message: what went wrong, as one sentence for a human.
    :param path: the file the error is about, or ``None`` when it is not
        about a file (for example an Article built in code).
    :param line: the 1-based line in ``path``, or ``None`` when unknown.
    """

    def __init__(self, message: str, *, path: str | Path | None = None, line: int | None = None):
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = str(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return f"{where}{self.message}"

    def __reduce__(self) -> tuple[object, ...]:
        # Keep errors picklable, so they cross process-pool boundaries intact.
        return (_rebuild, (type(self), self.message, self.path, self.line))


def _rebuild(cls: type[OpedexportError], message: str, path: Path | None, line: int | None) -> OpedexportError:
    return cls(message, path=path, line=line)


class InputError(OpedexportError):
    """The input could not be read: empty, not UTF-8, bad front matter, no title."""


class ModelError(OpedexportError, ValueError):
    """A model node was built with an invalid value (the message names the field)."""


class ThemeError(OpedexportError):
    """A theme is invalid: unknown token, wrong unit, missing font file or template."""


class RegistryError(OpedexportError):
    """An unknown or unavailable format, or a duplicate registration."""


class ExportError(OpedexportError):
    """An exporter failed to produce its output."""


class LimitError(InputError):
    """An input exceeded a configured limit (size, pixels, time)."""


class OpedexportWarning(UserWarning):
    """Base class of the warnings this package emits."""


class TextNormalisedWarning(OpedexportWarning):
    """Characters that XML cannot carry were removed from a text field."""


class ResourceRefusedWarning(OpedexportWarning):
    """An outside resource (file or URL) was refused by the fetcher and skipped."""


class LayoutWarning(OpedexportWarning):
    """The layout engine could not honour a rule of the layout (a footnote printed on another page than its call)."""


class ThemeWarning(OpedexportWarning):
    """A theme loads but falls short of a rule it should meet (its colours' contrast, for WCAG 2.2 AA)."""
