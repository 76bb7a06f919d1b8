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
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")  # a hyphenated compound is one word
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
    return frozenset(w.casefold().replace("’", "'") for w in language_rules()[lang].get("stopwords", ()))


@cache
def _defers_to(lang: str) -> frozenset[str]:
    """The languages that win a tie with ``lang`` (its rules file's ``defers_to``)."""
    return frozenset(language_rules()[lang].get("defers_to", ()))


def detect_language(text: str, candidates: Iterable[str] | None = None) -> tuple[str, float]:
    """Return the most likely language of ``text`` and a confidence between 0 and 1.

    Every word of ``text`` that is on a language's stop-word list scores one point
    for that language. Related languages share many stop words ("de", "que" in
    Spanish, Portuguese and French; most of Malay's and Indonesian's): a shared word
    scores for each of them, so the words only one of them uses decide. The
    confidence is the share of the text's stop words (each counted once, however
    many lists hold it) that are the winner's, scaled down when fewer than ten
    were found at all.

    A tie for first place between a language and one its rules file ``defers_to``
    (``ms.toml``: ``defers_to = ["id"]``) goes to the latter: a text that cannot tell
    Malay from Indonesian is Indonesian.

    :param candidates: BCP 47 codes to choose among (only their primary subtag is
        used); ``None`` means every language that has a rules file. Codes without
        rules are ignored.
    :returns: ``("und", 0.0)`` when no stop word of a candidate occurs, or when two
        languages tie for first place (and neither defers to the other).
    """
    known = known_languages()
    wanted = known if candidates is None else tuple(dict.fromkeys(c.split("-")[0].lower() for c in candidates))
    langs = [lang for lang in wanted if lang in known]
    words = [w.casefold().replace("’", "'") for w in _WORD.findall(text)]
    scores = sorted(((sum(w in _stopwords(lang) for w in words), lang) for lang in langs), reverse=True)
    if not scores or scores[0][0] == 0:
        return "und", 0.0
    best = scores[0][0]
    tied = [lang for score, lang in scores if score == best]
    winners = [lang for lang in tied if not any(other in _defers_to(lang) for other in tied)]
    if len(winners) != 1:
        return "und", 0.0
    lang = winners[0]
    anyone = frozenset[str]().union(*(_stopwords(other) for other in langs))
    total = sum(w in anyone for w in words)
    return lang, round(best / total * min(1.0, total / _ENOUGH_HITS), 3)
