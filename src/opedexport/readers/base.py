"""What every reader is: a class that declares itself and turns a :class:`Source` into a :class:`ReadResult`.

Readers import the model and nothing of the exporters.
"""

from __future__ import annotations

import codecs
import os
import stat
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from .. import limits
from ..errors import InputError, LimitError
from ..model import Article

__all__ = ["DEFAULT_MAX_INPUT_BYTES", "ReadResult", "Reader", "Removal", "Source"]

#: Inputs larger than this many bytes are refused (configurable per call).
DEFAULT_MAX_INPUT_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Source:
    """One input: its bytes and, when it came from a file, the file's path."""

    data: bytes
    """The raw bytes as received."""
    path: Path | None = None
    """The file it was read from; ``None`` for text given in code."""
    decoded: bool = False
    """Whether ``data`` is UTF-8 that the caller decoded already (``read(text=str)``): a reader must not
    decode it again by the charset the text declares."""

    @classmethod
    def from_path(cls, path: str | Path, *, max_bytes: int = DEFAULT_MAX_INPUT_BYTES) -> Source:
        """Read ``path``, refusing files larger than ``max_bytes``; errors name the file.

        The size is checked before reading, and the read stops past ``max_bytes`` whatever the size
        said (a file that grows). Only a regular file is read: a FIFO (which would wait for a writer for
        ever), a device or a socket is refused, checked on the file opened, so no swap can slip by.
        """
        p = Path(path)
        try:
            # O_NONBLOCK: opening a FIFO does not wait for a writer (and changes nothing for a file)
            fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
            with open(fd, "rb") as stream:
                status = os.fstat(stream.fileno())
                if not stat.S_ISREG(status.st_mode):
                    raise InputError("not a regular file (a pipe, a device or a socket cannot be read)", path=p)
                size = status.st_size
                if size > max_bytes:
                    raise LimitError(f"input is {size} bytes, over the limit of {max_bytes}", path=p)
                data = stream.read(max_bytes + 1)
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=p) from None
        if len(data) > max_bytes:
            raise LimitError(f"input is over the limit of {max_bytes} bytes", path=p)
        return cls(data, p)

    @property
    def label(self) -> str:
        """How errors name this input: the path, or ``<string>``."""
        return str(self.path) if self.path is not None else "<string>"

    def text(self) -> str:
        """The data decoded as UTF-8 (a BOM is dropped, CRLF becomes LF).

        :raises InputError: naming the file and line of the first byte that is not UTF-8,
            or saying that the input is empty.
        :raises LimitError: when the data is over :data:`opedexport.limits.MAX_TEXT_BYTES`
            (text is parsed before anything else can be counted, and parsing is what costs memory).
        """
        data = self.data
        if len(data) > limits.MAX_TEXT_BYTES:
            raise LimitError(limits.over("bytes of text", len(data), "MAX_TEXT_BYTES"), path=self.path or "<string>")
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise InputError(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
                "save the file as UTF-8 and try again",
                path=self.path or "<string>",
                line=line,
            ) from None
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise InputError("the input is empty", path=self.path or "<string>")
        return text


@dataclass(frozen=True, slots=True)
class Removal:
    """A line of the input that a reader removed on purpose, so an editor can check it."""

    line: int
    """1-based line number in the input."""
    text: str
    """The removed text."""
    rule: str
    """Which rule removed it (for example ``boilerplate:read-also``)."""


@dataclass(frozen=True, slots=True)
class ReadResult:
    """What a reader returns: the article and a report of what it removed or doubted."""

    article: Article
    """The article read."""
    removed: tuple[Removal, ...] = ()
    """Lines removed as boilerplate or consumed as metadata, in input order."""
    notes: tuple[str, ...] = field(default=())
    """Other remarks for the editor (for example how the language was decided)."""


class Reader(ABC):
    """Base class of readers. Subclasses declare themselves with class attributes,
    and are registered under the entry-point group ``opedexport.readers``.
    """

    #: The format name used with ``read(..., format=NAME)`` and ``--from``.
    name: ClassVar[str]
    #: File suffixes (lower case, with the dot) this reader claims.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: One line for ``opedexport formats``.
    description: ClassVar[str] = ""
    #: Importable modules the reader needs; when one is missing the registry says so.
    requires: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def read(self, source: Source, *, lang: str | None = None) -> ReadResult:
        """Read ``source`` into an article.

        :param lang: a BCP 47 tag that overrides any language stated or detected;
            ``None`` means state or detect.
        :raises InputError: for input that cannot be read, naming the file and line.
        """
