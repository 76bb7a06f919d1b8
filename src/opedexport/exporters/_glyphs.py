"""Characters no font can show: a PDF draws them as empty boxes, so the exporter says so.

The theme's own fonts are asked first (their character maps, read once a process with fontTools, which
WeasyPrint brings); a character none of them has may still come from a font installed on the machine
(the theme's ``fallback`` names), which fontconfig's ``fc-list`` is asked about. Text in the Latin
ranges is not checked: every text font has it, and it is nearly all an article holds.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
import unicodedata
import warnings
from collections.abc import Iterable
from pathlib import Path

from ..errors import LayoutWarning

__all__ = ["missing_characters", "warn_of_missing_characters"]

#: Up to here (Latin, Latin-1, Latin Extended-A and -B) every text font has the characters.
_LATIN_END = 0x024F
#: At most this many characters are asked about (one ``fc-list`` each): enough to say what is missing.
_ASK_AT_MOST = 8


@functools.cache
def _font_characters(path: str, stamp: tuple[int, int]) -> frozenset[int]:
    """The code points ``path``'s character map holds (``stamp``: its size and modification time)."""
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            return frozenset(font.getBestCmap() or ())
    except Exception:  # a font fontTools cannot read: WeasyPrint will say so; nothing is known here
        return frozenset()


@functools.lru_cache(maxsize=4096)
def _installed_font_has(char: str) -> bool | None:
    """Whether a font installed on this machine has ``char`` (``None``: fontconfig cannot be asked);
    remembered for the process, as WeasyPrint's own font configuration is.
    """
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    try:
        done = subprocess.run(
            [fc_list, f":charset={ord(char):x}", "family"],
            capture_output=True,
            timeout=10,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.returncode == 0 and bool(done.stdout.strip())


def missing_characters(text: str, font_files: Iterable[Path]) -> list[str]:
    """The characters of ``text`` (letters, marks, numbers, symbols, punctuation) that no font of
    ``font_files`` has and, as far as fontconfig can tell, no installed font has either; at most
    :data:`_ASK_AT_MOST` of them, in order of first appearance.
    """
    wanted = [
        c
        for c in dict.fromkeys(text)
        if ord(c) > _LATIN_END and unicodedata.category(c)[0] in "LMNSP" and unicodedata.category(c) != "Mn"
    ]
    if not wanted:
        return []
    covered: set[int] = set()
    for path in dict.fromkeys(font_files):
        try:
            stat = path.stat()
        except OSError:
            continue
        covered |= _font_characters(str(path), (stat.st_size, stat.st_mtime_ns))
    missing = [c for c in wanted if ord(c) not in covered]
    by_script: dict[str, str] = {}
    for c in missing:
        by_script.setdefault(_script(c), c)
    firsts = list(by_script.values())[:_ASK_AT_MOST]
    # One character of each script first, so that a script no font has is found behind many characters
    # of one an installed font has (a Thai word after a page of Greek); then more of the scripts lacking.
    lacking = {_script(c) for c in firsts if _installed_font_has(c) is False}
    rest = sorted((c for c in missing if c not in firsts), key=lambda c: _script(c) not in lacking)
    asked = {*firsts, *rest[: _ASK_AT_MOST - len(firsts)]}
    return [c for c in missing if c in asked and _installed_font_has(c) is False]


def _script(char: str) -> str:
    """The script of ``char``, near enough: the first word of its Unicode name (``GREEK``, ``CJK``, ``THAI``)."""
    return unicodedata.name(char, "").split(" ", 1)[0]


def warn_of_missing_characters(text: str, font_files: Iterable[Path]) -> None:
    """Warn (one :class:`~opedexport.errors.LayoutWarning`) of characters of ``text`` no font can show."""
    missing = missing_characters(text, font_files)
    if missing:
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in missing)
        warnings.warn(
            LayoutWarning(
                f"pdf: no font of the theme or of this machine has {shown}: the PDF shows an empty box for "
                "each; install a font that has them (Noto: fonts-noto-cjk for Chinese, Japanese and Korean, "
                "fonts-noto-color-emoji for emoji) or add one to the theme"
            ),
            stacklevel=3,
        )
