"""Name → reader and exporter classes.

Built-in readers and exporters are declared in ``pyproject.toml`` under the
entry-point groups ``opedexport.readers`` and ``opedexport.exporters``, exactly
as a third-party plugin declares its own, and are found the same way. Code may
also add classes directly with :meth:`Registry.add_reader` and
:meth:`Registry.add_exporter`. A second class under a name already taken is
refused, as Sphinx's ``add_builder`` refuses one.

Classes are loaded lazily: looking up ``"docx"`` never imports WeasyPrint.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import Generic, TypeVar

from .errors import RegistryError
from .exporters.base import COMMON_OPTIONS, Exporter, Option
from .readers.base import Reader

__all__ = ["COMMON_OPTIONS", "EXPORTERS_GROUP", "READERS_GROUP", "Exporter", "Option", "Reader", "Registry", "registry"]

READERS_GROUP = "opedexport.readers"
EXPORTERS_GROUP = "opedexport.exporters"

P = TypeVar("P", Reader, Exporter)


@dataclass
class _Slot(Generic[P]):
    """One registered name: an entry point not yet loaded, or a class."""

    entry_point: EntryPoint | None
    cls: type[P] | None


class _Kind(Generic[P]):
    def __init__(self, what: str, group: str, base: type[P]):
        self.what = what
        self.group = group
        self.base: type[P] = base
        self.slots: dict[str, _Slot[P]] = {}
        self.loaded_entry_points = False

    def add(self, cls: type[P], *, name: str | None = None) -> None:
        if not (isinstance(cls, type) and issubclass(cls, self.base)):
            raise RegistryError(f"{cls!r} is not a {self.base.__name__} subclass")
        key = name or cls.name
        self._load_entry_points()
        slot = self.slots.get(key)
        if slot is not None and slot.cls is not cls:
            raise RegistryError(f"a {self.what} named {key!r} is already registered")
        self.slots[key] = _Slot(None, cls)

    def _load_entry_points(self) -> None:
        if self.loaded_entry_points:
            return
        self.loaded_entry_points = True
        for ep in entry_points(group=self.group):
            old = self.slots.get(ep.name)
            if old is not None and old.entry_point is not None and old.entry_point.value != ep.value:
                raise RegistryError(
                    f"two {self.what}s are registered as {ep.name!r}: {old.entry_point.value} and {ep.value}"
                )
            self.slots.setdefault(ep.name, _Slot(ep, None))

    def names(self) -> list[str]:
        self._load_entry_points()
        return sorted(self.slots)

    def require_known(self, name: str) -> None:
        """Raise :class:`RegistryError` unless ``name`` is registered; unlike :meth:`get`, import nothing."""
        self._load_entry_points()
        if name not in self.slots:
            raise RegistryError(f"unknown {self.what} {name!r}; available: {', '.join(self.names()) or 'none'}")

    def get(self, name: str) -> type[P]:
        self.require_known(name)
        slot = self.slots[name]
        if slot.cls is None:
            assert slot.entry_point is not None
            try:
                loaded = slot.entry_point.load()
            except ImportError as exc:
                raise RegistryError(
                    f"the {self.what} {name!r} cannot be loaded ({exc}); "
                    f"available: {', '.join(n for n in self.names() if n != name)}"
                ) from None
            if not (isinstance(loaded, type) and issubclass(loaded, self.base)):
                raise RegistryError(f"entry point {slot.entry_point.value} is not a {self.base.__name__}")
            slot.cls = loaded
        missing = [mod for mod in slot.cls.requires if importlib.util.find_spec(mod) is None]
        if missing:
            raise RegistryError(
                f"the {self.what} {name!r} needs {', '.join(missing)}, which is not installed "
                f"(pip install {' '.join(missing)}); available: "
                f"{', '.join(n for n in self.names() if n != name)}"
            )
        return slot.cls

    def all(self) -> list[tuple[str, type[P] | None, str]]:
        """``(name, class or None, problem)`` for each name, loading each."""
        out: list[tuple[str, type[P] | None, str]] = []
        for name in self.names():
            try:
                out.append((name, self.get(name), ""))
            except RegistryError as exc:
                out.append((name, None, exc.message))
        return out


#: The usual reader name of suffixes not named like their reader (a hint for the search order only).
_LIKELY_READER = {".md": "markdown", ".markdown": "markdown", ".txt": "text", ".htm": "html"}


class Registry:
    """The readers and exporters known to this process."""

    def __init__(self) -> None:
        self.readers: _Kind[Reader] = _Kind("reader", READERS_GROUP, Reader)  # type: ignore[type-abstract]
        self.exporters: _Kind[Exporter] = _Kind("exporter", EXPORTERS_GROUP, Exporter)  # type: ignore[type-abstract]

    def add_reader(self, cls: type[Reader], *, name: str | None = None) -> None:
        """Register a reader class under ``name`` (default: its ``name``); duplicates are refused."""
        self.readers.add(cls, name=name)

    def add_exporter(self, cls: type[Exporter], *, name: str | None = None) -> None:
        """Register an exporter class under ``name`` (default: its ``name``); duplicates are refused."""
        self.exporters.add(cls, name=name)

    def reader(self, name: str) -> type[Reader]:
        """The reader class registered as ``name``."""
        return self.readers.get(name)

    def exporter(self, name: str) -> type[Exporter]:
        """The exporter class registered as ``name``."""
        return self.exporters.get(name)

    def reader_for_path(self, path: str | Path) -> type[Reader]:
        """The reader that claims ``path``'s suffix; an unclaimed suffix is an error listing the known ones."""
        suffix = Path(path).suffix.lower()
        # The reader named like the suffix (or its usual name) is tried first, so that only one
        # module is imported for a file of a known kind.
        likely = _LIKELY_READER.get(suffix, suffix.lstrip("."))
        for name in sorted(self.readers.names(), key=lambda n: n != likely):
            try:
                cls = self.readers.get(name)
            except RegistryError:
                continue
            if suffix in cls.suffixes:
                return cls
        known = sorted({s for _, cls, _ in self.readers.all() if cls for s in cls.suffixes})
        raise RegistryError(
            f"no reader for files ending in {suffix or '(no suffix)'!r}; known: {', '.join(known)}", path=path
        )

    def exporter_for_suffix(self, suffix: str) -> type[Exporter]:
        """The exporter whose output suffix is ``suffix`` (``.pdf`` …)."""
        # The exporter named like the suffix is tried first, so only one module is imported.
        likely = suffix.lower().lstrip(".")
        names = self.exporters.names()
        for name in sorted(names, key=lambda n: n != likely):
            try:
                cls = self.exporters.get(name)
            except RegistryError:
                continue
            if cls.suffix == suffix.lower():
                return cls
        raise RegistryError(f"no exporter writes {suffix!r} files; formats: {', '.join(self.exporters.names())}")


#: The process-wide registry that :func:`opedexport.read` and :func:`opedexport.export` use.
registry = Registry()
