"""Guess the language of a text by counting stop words.

Each language opedexport knows has a rules file, ``readers/rules/<code>.toml``,
whose ``stopwords`` list drives detection; the same files hold the text
reader's boilerplate rules, byline prefixes and month names. Detection
therefore covers exactly the languages that have rules: adding a language
is adding one file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["detect_language", "known_languages", "language_rules"]

_RULES_PACKAGE = "opedexport.readers.rules"
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: Below this many stop-word hits the confidence is scaled down: a few words prove little.
_ENOUGH_HITS = 10


@cache
def language_rules() -> Mapping[str, Mapping[str, Any]]:
    """The parsed rules file of every known language, keyed by its BCP 47 code (the file's stem).

    Read once with :mod:`importlib.resources`, so it works from a checkout and from an installed wheel.
    """
    rules: dict[str, Mapping[str, Any]] = {}
    for entry in sorted(resources.files(_RULES_PACKAGE).iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            rules[entry.name.removesuffix(".toml")] = tomllib.loads(entry.read_text(encoding="utf-8"))
    return rules


def known_languages() -> tuple[str, ...]:
    """The codes of the languages that have a rules file, sorted."""
    return tuple(language_rules())


@cache
def _stopwords(lang: str) -> frozenset[str]:
    return frozenset(w.casefold() for w in language_rules()[lang].get("stopwords", ()))


def detect_language(text: str, candidates: Iterable[str] | None = None) -> tuple[str, float]:
    """Return the most likely language of ``text`` and a confidence between 0 and 1.

    Every word of ``text`` that is on a language's stop-word list scores one point
    for that language. The confidence is the winner's share of all points, scaled
    down when fewer than ten stop words were found at all.

    :param candidates: BCP 47 codes to choose among (only their primary subtag is
        used); ``None`` means every language that has a rules file. Codes without
        rules are ignored.
    :returns: ``("und", 0.0)`` when no stop word of a candidate occurs, or when two
        languages tie for first place.
    """
    known = known_languages()
    wanted = known if candidates is None else tuple(dict.fromkeys(c.split("-")[0].lower() for c in candidates))
    langs = [lang for lang in wanted if lang in known]
    words = [w.casefold() for w in _WORD.findall(text)]
    scores = sorted(((sum(w in _stopwords(lang) for w in words), lang) for lang in langs), reverse=True)
    total = sum(score for score, _ in scores)
    if total == 0 or (len(scores) > 1 and scores[0][0] == scores[1][0]):
        return "und", 0.0
    best, lang = scores[0]
    return lang, round(best / total * min(1.0, total / _ENOUGH_HITS), 3)
