"""Numbering and notes: the lists of ``numbering.xml`` and the footnotes part."""

from __future__ import annotations

from typing import Any

from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.oxml.ns import qn
from docx.parts.story import StoryPart

from .. import _docx_oxml as ox

# --------------------------------------------------------------------------- numbering


class _Numbering:
    """``numbering.xml``: one bullet and one decimal multi-level list, and a ``w:num`` per list."""

    BULLET_ABSTRACT, ORDERED_ABSTRACT = 0, 1
    BULLET_NUM, ORDERED_NUM = 1, 2
    """The instances the list styles name, for a list a user starts by hand in Word."""
    _BULLETS = ("•", "◦", "▪")
    LEVELS = 9

    def __init__(self, element: Any, step: float):
        self.element = element
        for child in list(element):
            element.remove(child)
        bullets = [("bullet", self._BULLETS[i % 3], (i + 1) * step, step) for i in range(self.LEVELS)]
        numbers = [("decimal", f"%{i + 1}.", (i + 1) * step, step) for i in range(self.LEVELS)]
        element.append(ox.abstract_num(self.BULLET_ABSTRACT, bullets))
        element.append(ox.abstract_num(self.ORDERED_ABSTRACT, numbers))
        element.append(ox.num(self.BULLET_NUM, self.BULLET_ABSTRACT))
        element.append(ox.num(self.ORDERED_NUM, self.ORDERED_ABSTRACT))
        self._next_id = 3

    def new_list(self, *, ordered: bool, level: int, start: int) -> int:
        """A new ``w:num`` for one list at ``level``; an ordered one restarts at ``start``."""
        num_id = self._next_id
        self._next_id += 1
        if ordered:
            self.element.append(ox.num(num_id, self.ORDERED_ABSTRACT, restart_level=level, start=start))
        else:
            self.element.append(ox.num(num_id, self.BULLET_ABSTRACT))
        return num_id


class _Footnotes:
    """The footnotes part, made on the first note."""

    FIRST_ID = 2

    def __init__(self, document_part: Any):
        self.root = ox.footnotes_root()
        self.part = StoryPart(PackURI("/word/footnotes.xml"), CT.WML_FOOTNOTES, self.root, document_part.package)
        document_part.relate_to(self.part, RT.FOOTNOTES)
        self.next_id = self.FIRST_ID

    def new(self) -> tuple[int, Any]:
        """A new empty ``w:footnote`` in the part, with its id."""
        note_id = self.next_id
        self.next_id += 1
        note = ox.footnote(note_id)
        self.root.append(note)
        return note_id, note

    def since(self, first_id: int) -> list[Any]:
        """The notes numbered ``first_id`` and after."""
        return [n for n in self.root.findall(qn("w:footnote")) if int(n.get(qn("w:id"))) >= first_id]
