"""The installed distribution's version, read from its metadata (``pyproject.toml`` is the one place it is written).

It is looked up when first asked for, not on import: ``PYTHONWARNINGS=error::opedexport.errors.…``
imports this package while Python starts, before the installed distributions can be found.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _distribution_version

__all__ = ["version"]

_found: list[str] = []


def version() -> str:
    """The version of the installed ``opedexport`` distribution (``"0+unknown"`` when none is installed)."""
    if not _found:
        try:
            _found.append(_distribution_version("opedexport"))
        except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
            return "0+unknown"
    return _found[0]
