"""Compatibility module: :class:`Collection` and :class:`Part` live in :mod:`opedexport.model`,
:func:`load_manifest` (the manifest reader) in :mod:`opedexport.readers.manifest`.

Kept so that ``from opedexport.collection import Collection, Part, load_manifest`` keeps working;
new code imports from the package root (``opedexport.Collection``, ``opedexport.load_manifest``).
"""

from __future__ import annotations

from .model import Collection, Part
from .readers.manifest import load_manifest

__all__ = ["Collection", "Part", "load_manifest"]
