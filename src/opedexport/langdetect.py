"""Guess the language of a text by counting stop words.

Each language opedexport knows has a rules file, ``readers/rules/<code>.toml``,
whose ``stopwords`` list drives detection; the same files hold the text
reader's boilerplate rules, byline prefixes and month names. Detection
therefore covers exactly the languages that have rules: adding a language
is adding one file (and its labels in ``labels.toml``).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from importlib import resources
from typing import Any

__all__ = ["detect_language", "known_languages", "language_rules"]

_RULES_PACKAGE = "opedexport.readers.rules"
#: A word; a hyphenated compound is one ("Non-Tradisional" holds no Italian "non").
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
#: Below this many stop-word hits the confidence is scaled down: a few words prove little.
_ENOUGH_HITS = 10
#: A text of at least this many words ...
_SHARE_MIN_WORDS = 20
#: ... of which fewer than this share are the winner's stop words ...
_MIN_SHARE = 0.08
#: ... and whose few stop words are weak evidence (those the winner owns, a word on k lists counting
#: 1/k, scaled down below ten hits, make less than this share of them) is in a language without rules
#: (Swedish, Polish …) whose short words ("en", "de", "na", "do") happen to be on some lists. Prose in
#: a language with rules has a share of 0.25 and more; an English list of sports results has 0.03,
#: but its stop words ("the", "of") are English only.
_MIN_OWNED = 0.5
#: A text of at least twenty words whose stop words of the winner are fewer than this many different
#: words ...
_FEW_DISTINCT = 6
#: ... and of whose words at least this share hold a letter the winner does not write (Danish "på",
#: Hungarian "kormány", Czech "přicházejí" for English or Portuguese) is in a language without rules.
#: Prose in a language with rules uses a dozen different stop words and more.
_MIN_FOREIGN = 0.05


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


@cache
def _letters(lang: str) -> frozenset[str]:
    """The letters ``lang`` writes: a to z, and every other letter its rules file uses (its stop words,
    month names, byline words …, and its optional ``letters`` string).
    """

    def strings(value: Any) -> Iterator[str]:
        if isinstance(value, str):
            yield value
        elif isinstance(value, (list, dict)):
            for item in value.values() if isinstance(value, dict) else value:
                yield from strings(item)

    text = "".join(strings(language_rules()[lang])).casefold()
    return frozenset("abcdefghijklmnopqrstuvwxyz").union(c for c in text if c.isalpha())


def _foreign(lang: str, words: list[str]) -> float:
    """The share of ``words`` (casefolded) holding a letter ``lang`` does not write."""
    letters = _letters(lang)
    return sum(any(c.isalpha() and c not in letters for c in w) for w in words) / len(words)


def _owned(lang: str, hits: Iterable[str], langs: Iterable[str]) -> float:
    """How much of ``hits`` (stop words of ``lang``) is ``lang``'s own: a word on k lists counts 1/k.

    A language that defers to another holding the word (Malay to Indonesian) is not counted in k.
    """
    langs = tuple(langs)
    owned = 0.0
    for word in hits:
        holders = [other for other in langs if word in _stopwords(other)]
        owners = [h for h in holders if not any(o in _defers_to(h) for o in holders)] or [lang]
        owned += 1 / len(owners)
    return owned


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
    :returns: ``("und", 0.0)`` when no stop word of a candidate occurs, when two
        languages tie for first place (and neither defers to the other), or when a text
        of at least twenty words has fewer than 8 % stop words of the winner and those are
        weak evidence (few, or mostly on other lists too), or when such a text uses fewer than six
        different stop words of the winner and 5 % of its words hold a letter the winner does not
        write (a rules file's letters): it is in a language without rules that shares a few short
        words with them.
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
    if (
        len(words) >= _SHARE_MIN_WORDS
        and len({w for w in words if w in _stopwords(lang)}) < _FEW_DISTINCT
        and _foreign(lang, words) >= _MIN_FOREIGN
    ):
        return "und", 0.0
    if (
        len(words) >= _SHARE_MIN_WORDS
        and best < _MIN_SHARE * len(words)
        and _owned(lang, [w for w in words if w in _stopwords(lang)], langs) * min(1.0, best / _ENOUGH_HITS)
        < _MIN_OWNED * best
    ):
        return "und", 0.0
    anyone = frozenset[str]().union(*(_stopwords(other) for other in langs))
    total = sum(w in anyone for w in words)
    return lang, round(best / total * min(1.0, total / _ENOUGH_HITS), 3)
