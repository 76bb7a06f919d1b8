"""The plain-text reader: an article copied from a web page into a ``.txt`` file.

The first non-empty line is the title. A few lines after it may hold a byline
(``Oleh: Nama, Afiliasi``, ``By Jane Doe and John Roe``), an affiliation line
and a dateline; they fill the article's metadata. Boilerplate lines (``Baca
juga: …``, ``Advertisement``, share buttons, newsletter pleas …) are removed by
rules that are data: one TOML file per language in ``readers/rules/``, all of
whose boilerplate rules apply to every text. A run of trailer lines after the
last paragraph (``Editor: …``, ``*Penulis adalah dosen …``) is removed too; a
note describing the writer becomes the author's bio.

A page copied whole (select all, copy) brings the page around the article:
menus, cookie notices, share rows, link lists, readers' comments, teasers of
other stories and footers. The article is found as the run of lines that
scores best as prose (:func:`_line_score`: length, closing punctuation, the
share of capitalised words, and the stop words of the text's language when it
is known), starting under the page's own headline when the page repeats the
title; it ends before the comments or a closing copyright line. The page's
lines around it are removed as ``page:before-article`` and
``page:after-article`` (only when at least three lines would go, so a clean
copy keeps its closing lines), headline lists under "Related" or "Baca juga"
as ``page:link-list``, and text the page repeats as ``page:repeated-text``.
Lexicons in the rules files (platforms, call-to-action verbs, click-here
tails) remove calls to action and bare rows of platform names; a disclosure
("The views expressed are the author's own.", "… adalah penulis tamu. Opini
ini sepenuhnya tanggung jawab penulis.") goes to the article's disclosure; the
publication is the page title's site name ("… - The Daily Ledger") when the
page confirms it, else the name a follow-us or copyright line gives.

Blocks are separated by blank lines; the lines of a block are joined with a
space. A short line without closing punctuation, alone between blank lines and
followed by a paragraph, is a section heading (always level 1: the text has
no levels). The title repeated on one of the next lines, as a page copied
whole often shows it twice, is removed (rule ``duplicate-title``). The text
has no links. Every removed line is reported
in :attr:`ReadResult.removed`, so an editor can check that no sentence was cut.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from ..errors import InputError
from ..langdetect import detect_language, language_rules
from ..model import Article, Author, Block, Heading, Paragraph, Rule, Text
from ._normalize import DUPLICATE_TITLE, same_title
from .base import Reader, ReadResult, Removal, Source

__all__ = ["LineRules", "TextReader"]

#: How many lines after the title may hold the byline, affiliation and dateline.
_HEADER_LINES = 4
#: The header scan stops at body text: a line of more than this many words ...
_HEADER_MAX_WORDS = 25
#: ... or a sentence of at least this many words.
_BODY_MIN_WORDS = 8
_SENTENCE_END = tuple('.!?…"”')
#: Heading limits: fewer words than this, at most this many characters.
_HEADING_MAX_WORDS = 12
_HEADING_MAX_CHARS = 90
_HEADING_END = tuple('.!?:;,"”…')

_DECORATION = " *_-–—•·|[]<>=~"
#: When the detected language is a weak guess (confidence below this) and fewer of the text's words
#: than this share are its stop words, the text is in another language whose few short words (such
#: as "a") happen to be on the list: the language is undetermined.
_MIN_LANGUAGE_CONFIDENCE = 0.5
_MIN_STOPWORD_SHARE = 0.08
#: Page chrome: a line is prose when it has at least this many words (CJK characters count half) ...
_PROSE_MIN_WORDS = 8
#: ... a short sentence, neither prose nor chrome, at least this many.
_SHORT_SENTENCE_WORDS = 4
_PROSE_END = (".", "!", "?", "…", ":", ";", "。", "！", "？")
_CLOSING_QUOTES = ")\"”’»]'"
#: More than this share of capitalised words makes a long line a headline or menu, not prose.
_TITLE_CASE = 0.6
#: What a line that is not prose scores (each one pushes the article's edges inwards).
_CHROME_SCORE = -2.0
#: Long lines without closing punctuation or with too few stop words count this share of their length.
_UNFINISHED_WEIGHT = 0.3
_MIN_STOPWORD_DENSITY = 0.1
#: A run of prose scoring less than this (about two short paragraphs) is no article to cut a page down to.
_MIN_ARTICLE_SCORE = 30.0
#: Under the title repeated on the page, one paragraph of prose is enough.
_MIN_ANCHORED_SCORE = 10.0
#: A prose line is a repeat when this share of its runs of four words is in the body already.
_REPEATED_SHARE = 0.8
#: ... and it joins at least this many earlier lines.
_REPEATED_SOURCES = 3
_WORD = re.compile(r"\w+")
_LETTERS = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
#: What a chrome line weighs in the run under the title repeated on the page.
_ANCHORED_CHROME_WEIGHT = 0.5
#: The article starts within this many lines after the title repeated on the page.
_HEADER_WINDOW = 15
#: Lines before or after the article are page chrome only when there are at least this many.
_CHROME_MIN_LINES = 3
#: A call to action has at most this many words; a disclosure at most this many characters.
_CTA_MAX_WORDS = 20
_DISCLOSURE_MAX_CHARS = 600
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
#: Boilerplate lines that head a list of links to other stories.
_LIST_HEADINGS = frozenset({"boilerplate:related", "boilerplate:read-also"})
_LIST_MIN_LINES = 2
#: A copyright line that closes an article or a page (not a photo credit such as "© Jane Doe").
_RIGHTS = re.compile(r"rights reserved|hak cipta|^\W*(?:copyright\s*)?(?:©|\(c\)|copyright)\s*\d{4}\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_TITLE_SEPARATOR = re.compile(r"\s[|–—-]\s|\s::\s|\s»\s")
_COPYRIGHT = re.compile(
    r"(?:copyright|hak cipta)?\s*(?:©|\(c\)|copyright)\s*(?:\d{4}(?:\s*[-–]\s*\d{4})?)?\s*,?\s*(?P<name>[^©]{2,80})",
    re.IGNORECASE,
)
_SCENE_BREAK = re.compile(r"[*\-_•~=·\s]{3,}")
#: An academic degree or suffix written after a name and a comma: "M.Si.", "Ph.D.", "S.Sos", "MA", "Jr.".
_DEGREE = re.compile(
    r"(?:[A-Z][A-Za-z]{0,3}\.)+[A-Za-z]{0,4}\.?|(?:PhD|MA|MSc|MBA|MPhil|SH|SE|ST|MM|MH|MD|Jr|Sr|III?|IV)\.?"
)
#: Lower-case words that may stand inside a personal name.
_NAME_PARTICLES = frozenset({"bin", "binti", "van", "von", "der", "den", "de", "da", "del", "di", "al", "el", "ibn"})
_NOT_BYLINE_PART = re.compile(r"(?:editor|penyunting|redaktur|reporter|pewarta|foto|photo)\b", re.IGNORECASE)
#: A publication's name in a follow-us line: one to five capitalised words ("DepokPos", "The Jakarta Post").
_PUBLICATION = r"(?P<name>(?:[A-Z0-9][\w.&'’-]*)(?:\s+[A-Z0-9][\w.&'’-]*){0,4})"
_TIME = (
    r"(?:(?:\s*[,|·•–—-]?\s*|T)(?:(?:pukul|jam|at|@)\s*)?\d{1,2}[:.]\d{2}(?::\d{2})?"
    r"\s*(?:[ap]\.?m\.?)?\s*(?:[A-Za-z]{2,4}|[+-]\d{2}:?\d{2}|Z)?)?"
)


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _undecorate(line: str) -> str:
    """The line without emphasis marks, footnote stars and wrapping parentheses."""
    line = re.sub(r"^\*+\)\s*", "", line).strip(_DECORATION)
    if line.startswith("(") and line.endswith(")") and "(" not in line[1:-1]:
        line = line[1:-1].strip(_DECORATION)
    return line


def _words_regex(words: Sequence[str]) -> str:
    """An alternation of literal words, longest first, spaces matching any white space."""
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class _BoilerplateRule:
    id: str
    anywhere: tuple[re.Pattern[str], ...]
    trailer: tuple[re.Pattern[str], ...]


@dataclass(frozen=True, slots=True)
class _LanguageRules:
    """One language's rules file, compiled."""

    lang: str
    boilerplate: tuple[_BoilerplateRule, ...]
    byline: re.Pattern[str]
    joiners: re.Pattern[str]
    affiliation_hints: re.Pattern[str]
    writer_notes: tuple[re.Pattern[str], ...]
    dates: tuple[re.Pattern[str], ...]
    months: Mapping[str, int]
    day_first: bool
    stopwords: frozenset[str]
    disclosures: tuple[re.Pattern[str], ...]
    call_to_action: re.Pattern[str]
    platform_row: re.Pattern[str]
    follow_name: tuple[re.Pattern[str], ...]
    comment_markers: tuple[re.Pattern[str], ...]
    comment_authors: tuple[re.Pattern[str], ...]
    writer_verbs: re.Pattern[str]


def _compile(lang: str, data: Mapping[str, Any]) -> _LanguageRules:
    def patterns(items: Sequence[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in items)

    months: dict[str, int] = {k.casefold(): int(v) for k, v in data.get("months", {}).items()}
    month = _words_regex(list(months)) or "(?!)"
    weekday = _words_regex(data.get("weekdays", [])) or "(?!)"
    label = _words_regex(data.get("date_labels", [])) or "(?!)"
    prefix = (
        rf"(?:(?:{label})\s*:?\s*)?(?:[^\W\d][\w.'’ ]{{0,40}}?\s*[,–—-]\s*)?"
        rf"(?:(?:{weekday})\b\.?\s*,?\s*)?(?:(?:{label})\s*:?\s*)?"
    )
    cores = (
        rf"(?P<d>\d{{1,2}})\s+(?P<mon>{month})\b\.?,?\s+(?P<y>\d{{4}})",
        rf"(?P<mon>{month})\b\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})",
        r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",
        r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})",
    )
    joiners = _words_regex([*data.get("author_joiners", []), "&"])
    cta = _words_regex(data.get("cta_verbs", [])) or "(?!)"
    platform = _words_regex(data.get("platforms", [])) or "(?!)"
    click = _words_regex(data.get("click_here", [])) or "(?!)"
    preposition = _words_regex(data.get("platform_prepositions", [])) or "(?!)"
    return _LanguageRules(
        lang=lang,
        boilerplate=tuple(
            _BoilerplateRule(r["id"], patterns(r.get("patterns", [])), patterns(r.get("trailer_patterns", [])))
            for r in data.get("boilerplate", [])
        ),
        byline=re.compile(
            rf"(?:{_words_regex(data.get('byline_prefixes', [])) or '(?!)'})(?:\s*[:\-–—]\s*|\s+)(?P<rest>.+)",
            re.IGNORECASE,
        ),
        joiners=re.compile(rf"\s+(?:{joiners})\s+", re.IGNORECASE),
        affiliation_hints=re.compile(rf"\b(?:{_words_regex(data.get('affiliation_hints', [])) or '(?!)'})\b", re.I),
        writer_notes=patterns(data.get("writer_notes", [])),
        dates=tuple(re.compile(rf"{prefix}(?:{core}){_TIME}\.?", re.IGNORECASE) for core in cores),
        months=months,
        day_first=data.get("numeric_date_order", "dmy") == "dmy",
        stopwords=frozenset(w.casefold() for w in data.get("stopwords", ())),
        disclosures=patterns(data.get("disclosures", [])),
        call_to_action=re.compile(
            rf"(?:{cta})\b.{{0,120}}?\b(?:(?:{preposition})\s+(?:\S+\s+)?(?:{platform})\b(?:[\s,.:;!–—-]*(?:{click})\b.{{0,60}}"
            rf"|[^,.!?;]{{0,40}}[.!]?)|(?:{click})\b.{{0,60}})|(?:{click})\b.{{0,80}}",
            re.IGNORECASE,
        ),
        platform_row=re.compile(rf"(?:(?:{platform})[\s,|·•/]*){{2,}}", re.IGNORECASE),
        comment_markers=patterns(data.get("comment_markers", [])),
        comment_authors=patterns(data.get("comment_authors", [])),
        writer_verbs=re.compile(rf"(?:{_words_regex(data.get('writer_verbs', [])) or '(?!)'})\b", re.IGNORECASE),
        follow_name=tuple(
            re.compile(p.replace("{name}", _PUBLICATION).replace("{platform}", platform), re.IGNORECASE)
            for p in data.get("follow_publication", [])
        ),
    )


@cache
def _all_rules() -> tuple[_LanguageRules, ...]:
    return tuple(_compile(lang, data) for lang, data in language_rules().items())


def _ordered_rules(lang: str) -> tuple[_LanguageRules, ...]:
    """Every language's rules, those of ``lang`` first."""
    primary = lang.split("-")[0].lower()
    return tuple(sorted(_all_rules(), key=lambda r: r.lang != primary))


# --------------------------------------------------------------------------- line classifiers


def _boilerplate(line: str, rules: Sequence[_LanguageRules], *, trailer: bool) -> str | None:
    """The id of the first boilerplate rule that matches the whole line, or ``None``."""
    bare = line.strip(_DECORATION)
    if not bare:
        return None
    for lang in rules:
        for rule in lang.boilerplate:
            if any(p.fullmatch(bare) for p in (*rule.anywhere, *(rule.trailer if trailer else ()))):
                return rule.id
    return None


def _parse_date(line: str, rules: Sequence[_LanguageRules]) -> dt.date | None:
    """The date a dateline states, trying each language's month names and numeric order in turn."""
    line = _undecorate(line)
    if len(line) > 80:
        return None
    for lang in rules:
        for pattern in lang.dates:
            m = pattern.fullmatch(line)
            if not m:
                continue
            g = m.groupdict()
            if g.get("mon"):
                day, month = int(g["d"]), lang.months[g["mon"].casefold()]
            elif g.get("m"):
                day, month = int(g["d"]), int(g["m"])
            else:
                first, second = int(g["a"]), int(g["b"])
                day, month = (first, second) if lang.day_first else (second, first)
            try:
                return dt.date(int(g["y"]), month, day)
            except ValueError:
                continue
    return None


def _looks_like_name(text: str) -> bool:
    tokens = text.replace(",", " ").split()
    return 0 < len(tokens) <= 10 and all(
        not any(c.isdigit() for c in t) and (t[0].isupper() or t.casefold() in _NAME_PARTICLES) for t in tokens
    )


def _parse_byline(line: str, rules: Sequence[_LanguageRules]) -> list[Author]:
    """The authors a byline names, or ``[]`` when the line is not a byline."""
    line = _undecorate(line)
    if len(line.split()) > _HEADER_MAX_WORDS or line.endswith(("?", "!")):
        return []
    for lang in rules:
        m = lang.byline.fullmatch(line)
        if m and (authors := _split_authors(m["rest"], lang)):
            return authors
    return []


def _split_authors(rest: str, lang: _LanguageRules) -> list[Author]:
    """Split what follows a byline prefix into authors sharing one affiliation."""
    # "Name | Editor: X" — keep what is not another credit.
    first, *others = (p.strip() for p in rest.split("|"))
    rest = ", ".join([first, *(p for p in others if p and not _NOT_BYLINE_PART.match(p))])
    paren = re.fullmatch(r"(?P<names>[^()]+?)\s*\((?P<aff>[^()]+)\)", rest)
    segments = _comma_segments(paren["names"] if paren else rest)
    if not segments:
        return []
    if paren:
        names, affiliation = segments, paren["aff"]
    else:
        names, affiliation = segments[:1], ", ".join(segments[1:])
        # "Jane Doe, John Roe and Ann Lee": these commas separate names, not an affiliation.
        tail = [*segments[1:-1], *lang.joiners.split(segments[-1])]
        if (
            lang.joiners.search(affiliation)
            and not lang.affiliation_hints.search(affiliation)
            and all(_looks_like_name(p) and len(p.split()) >= 2 for p in tail)
        ):
            names, affiliation = segments, ""
    people = [p.strip(" *†") for seg in names for p in lang.joiners.split(seg)]
    if not all(_looks_like_name(p) for p in people):
        return []
    return [Author(p, affiliation.strip(" *†")) for p in people]


def _comma_segments(text: str) -> list[str]:
    """Split at commas, keeping academic degrees with the name before them ("A. Budiman, M.Si.")."""
    segments: list[str] = []
    for seg in (s.strip(" *†") for s in text.split(",")):
        if segments and _DEGREE.fullmatch(seg):
            segments[-1] += ", " + seg
        elif seg:
            segments.append(seg)
    return segments


def _looks_like_body(line: str) -> bool:
    """Whether a line is surely body text: long, or a full sentence of some length."""
    words = len(line.split())
    return words > _HEADER_MAX_WORDS or (words >= _BODY_MIN_WORDS and line.endswith(_SENTENCE_END))


def _is_affiliation(line: str, rules: Sequence[_LanguageRules]) -> bool:
    """Whether a line after a byline is only the author's affiliation ("Dosen Universitas Indonesia")."""
    bare = _undecorate(line)
    return (
        0 < len(bare.split()) <= 15
        and not bare.endswith(("?", "!", ":"))
        and any(r.affiliation_hints.search(bare) for r in rules)
    )


def _names_writer(line: str, authors: Sequence[Author], rules: Sequence[_LanguageRules]) -> bool:
    """Whether a trailer line describes a byline's author by name ("Jane Doe is a professor of law at …")."""
    bare = _undecorate(line)
    if len(bare.split()) > _HEADER_MAX_WORDS * 2 or not bare.endswith(_SENTENCE_END):
        return False
    return any(
        bare.startswith(a.name + " ") and r.writer_verbs.match(bare, len(a.name) + 1) for a in authors for r in rules
    )


def _is_writer_note(line: str, rules: Sequence[_LanguageRules]) -> bool:
    bare = _undecorate(line)
    return any(p.fullmatch(bare) for r in rules for p in r.writer_notes)


def _stopword_density(text: Sequence[str], indexes: Sequence[int], lang: str) -> float:
    """The share of the words of the lines ``indexes`` of ``text`` that are stop words of ``lang``."""
    stopwords = next((r.stopwords for r in _all_rules() if r.lang == lang), frozenset())
    words = [w.casefold() for i in indexes for w in _LETTERS.findall(text[i])]
    return sum(w in stopwords for w in words) / len(words) if words else 0.0


def _lexicon_rule(line: str, rules: Sequence[_LanguageRules]) -> str | None:
    """The rule a short promotional line breaks, found from the language's lexicons, or ``None``.

    ``call-to-action``: a line that opens with a call to action (follow, subscribe, share …) and
    names a platform or ends in a click-here tail; ``share``: a bare row of platform names.
    """
    bare = line.strip(_DECORATION)
    if not bare or len(bare.split()) > _CTA_MAX_WORDS:
        return None
    for lang in rules:
        if lang.platform_row.fullmatch(bare):
            return "share"
        if lang.call_to_action.fullmatch(bare):
            return "call-to-action"
    return None


def _disclosure(line: str, rules: Sequence[_LanguageRules]) -> bool:
    """Whether a line is the author's disclosure ("The views expressed are the author's own.")."""
    bare = _undecorate(line)
    return len(bare) <= _DISCLOSURE_MAX_CHARS and any(p.fullmatch(bare) for r in rules for p in r.disclosures)


def _comment_marker(line: str, following: str, rules: Sequence[_LanguageRules]) -> bool:
    """Whether a line opens the readers' comments ("12 Comments", "Leave a Reply", "Tulis komentar").

    A commenter's signature ("jdoe says:") opens them too when it is dated or the line after it is a date.
    """
    bare = line.strip(_DECORATION + "()")
    if not 0 < len(bare.split()) <= _HEADING_MAX_WORDS:
        return False
    if any(p.fullmatch(bare) for r in rules for p in r.comment_markers):
        return True
    return any(p.fullmatch(bare) for r in rules for p in r.comment_authors) and bool(
        _YEAR.search(bare) or _parse_date(following, rules)
    )


def _publication(texts: Sequence[str], rules: Sequence[_LanguageRules]) -> str:
    """The publication a follow-us line among ``texts`` names, or else a copyright line, or ``""``.

    ``Ikuti DepokPos di Google News`` and ``© 2024 DepokPos. All rights reserved.`` both name ``DepokPos``.
    """
    for text in texts:
        bare = _undecorate(text)
        for lang in rules:
            for pattern in lang.follow_name:
                if (m := pattern.fullmatch(bare)) and _proper_name(m["name"]):
                    return m["name"].strip(" .,")
    for text in texts:
        if m := _COPYRIGHT.fullmatch(_undecorate(text)):
            name = re.split(r"\.\s|[|,]|\s[-–—]\s", m["name"].strip())[0].strip(" .")
            name = re.sub(r"^(?:copyright|hak cipta)\s+|\s+\d{4}(?:\s*[-–]\s*\d{4})?$", "", name, flags=re.IGNORECASE)
            if _proper_name(name) and not re.search(r"rights|reserved|hak cipta", name, re.IGNORECASE):
                return name
    return ""


def _proper_name(name: str) -> bool:
    words = name.split()
    return 0 < len(words) <= 6 and all(w[0].isupper() or w[0].isdigit() for w in words)


def _site_names(title: str) -> tuple[str, list[str]]:
    """A page title split into the headline and the parts after a separator ("… - WSJ", "… | DepokPos")."""
    parts = [p.strip() for p in _TITLE_SEPARATOR.split(title) if p.strip()]
    if len(parts) < 2:
        return title, []
    head = max(parts, key=len)
    return head, [p for p in parts if p is not head and len(p.split()) <= 5]


def _line_score(line: str, stopwords: frozenset[str]) -> float:
    """How much a line looks like article prose: about its length in words when it does, negative when not.

    Language-neutral features (length, closing punctuation, the share of capitalised words) decide;
    the stop words of the article's language, when known, mark long lines that are not prose.
    """
    words = line.split()
    size = len(words) + len(_CJK.findall(line)) / 2
    sentence = line.rstrip(_CLOSING_QUOTES).endswith(_PROSE_END)
    cased = [w for w in words if w[:1].isalpha() and w[:1].upper() != w[:1].lower()]
    caps = sum(w[0].isupper() for w in cased) / len(cased) if len(cased) >= 4 else 0.0
    if size >= _PROSE_MIN_WORDS:
        if caps > _TITLE_CASE:  # a headline, a teaser or a menu written in title case
            return _CHROME_SCORE
        if not sentence and size < 2 * _PROSE_MIN_WORDS:  # a headline or link text: no closing punctuation
            return _CHROME_SCORE / 2
        value = size if sentence else size * _UNFINISHED_WEIGHT
        if stopwords and len(words) >= _PROSE_MIN_WORDS:
            density = sum(w.casefold().strip(".,;:!?\"'“”‘’()") in stopwords for w in words) / len(words)
            if density < _MIN_STOPWORD_DENSITY:
                value *= _UNFINISHED_WEIGHT
        return value
    if size >= _SHORT_SENTENCE_WORDS and sentence and caps <= 0.5:
        return 0.0
    return _CHROME_SCORE


def _anchored_span(scored: Sequence[tuple[int, float]], start: int) -> tuple[int, int] | None:
    """The run that starts at the first prose line soon after ``start`` and ends where its total peaks.

    Under the page's own headline the article is certain to start, so its lists and widgets (chrome
    scores) weigh only :data:`_ANCHORED_CHROME_WEIGHT` of their score: recall first.

    :returns: ``None`` when no prose follows within :data:`_HEADER_WINDOW` lines or the run is too weak.
    """
    window = scored[start : start + _HEADER_WINDOW]
    first = next((start + k for k, (_, score) in enumerate(window) if score > 0), None)
    if first is None:
        return None
    best, last, total = 0.0, first, 0.0
    for k in range(first, len(scored)):
        score = scored[k][1]
        total += score * _ANCHORED_CHROME_WEIGHT if score < 0 else score
        if total > best:
            best, last = total, k
    if best < _MIN_ANCHORED_SCORE:
        return None
    while last + 1 < len(scored) and scored[last + 1][1] >= 0:
        last += 1
    return first, last


def _remove_repeats(lines: _Lines, start: int) -> None:
    """Remove the prose lines that repeat the body's text: a teaser cut short, or paragraphs run together.

    A line of at least :data:`_PROSE_MIN_WORDS` words goes (rule ``page:repeated-text``) when nearly all
    of its runs of four words are in the lines kept before it, and it either ends in an ellipsis or
    joins :data:`_REPEATED_SOURCES` or more of them and is twice as long as the longest (a page's
    hidden copy of the article). Other repeated lines stay: recipes and lists repeat lines on purpose.
    """
    seen: dict[tuple[str, ...], int] = {}
    sizes: dict[int, int] = {}
    for i in lines.live(start):
        words = _WORD.findall(lines.text[i].casefold())
        sizes[i] = len(words)
        grams = {tuple(words[k : k + 4]) for k in range(len(words) - 3)}
        sources = {seen[g] for g in grams if g in seen}
        known = sum(g in seen for g in grams)
        repeated = len(words) >= _PROSE_MIN_WORDS and known >= _REPEATED_SHARE * len(grams)
        joined = len(sources) >= _REPEATED_SOURCES and len(words) >= 2 * max((sizes[k] for k in sources), default=0)
        if repeated and (joined or lines.text[i].endswith(("...", "…"))):
            lines.remove(i, "page:repeated-text")
            continue
        for g in grams:
            seen.setdefault(g, i)


def _article_span(scored: Sequence[tuple[int, float]]) -> tuple[int, int]:
    """The positions (first, last) in ``scored`` of the run of lines with the highest total score.

    The run is then widened over neighbouring lines that score zero or more (short sentences).
    """
    best, best_span = 0.0, (0, -1)
    total, start = 0.0, 0
    for k, (_, score) in enumerate(scored):
        if total <= 0:
            total, start = 0.0, k
        total += score
        if total > best:
            best, best_span = total, (start, k)
    first, last = best_span
    if best < _MIN_ARTICLE_SCORE:  # too little prose to tell the article from the page: keep everything
        return 0, len(scored) - 1
    while first > 0 and scored[first - 1][1] >= 0:
        first -= 1
    while last + 1 < len(scored) and scored[last + 1][1] >= 0:
        last += 1
    return first, last


# --------------------------------------------------------------------------- the reader


@dataclass(slots=True)
class _Lines:
    """The input's lines and what has been taken out of them so far."""

    text: list[str]
    removed: dict[int, Removal]

    def live(self, start: int = 0, stop: int | None = None) -> list[int]:
        """Indexes of the non-blank lines from ``start`` (up to ``stop``) that are still in."""
        end = len(self.text) if stop is None else stop
        return [i for i in range(start, end) if self.text[i] and i not in self.removed]

    def remove(self, i: int, rule: str) -> None:
        self.removed[i] = Removal(i + 1, self.text[i], rule)


class TextReader(Reader):
    """Reads an article copied from a web page as plain text (see the module docstring for the rules)."""

    name = "text"
    suffixes = (".txt",)
    description = "Plain text copied from a web page: title, byline, dateline and boilerplate found by rules"

    def read(self, source: Source, *, lang: str | None = None) -> ReadResult:
        """Read ``source``; see :meth:`Reader.read`.

        :raises InputError: when the input is empty, not UTF-8, or has no body after the title.
        """
        where = source.path or "<string>"
        lines = _Lines([_collapse(line) for line in source.text().split("\n")], {})
        every = _all_rules()
        for i in lines.live():
            if rule := _boilerplate(lines.text[i], every, trailer=False):
                lines.remove(i, f"boilerplate:{rule}")
        live = lines.live()
        if not live:
            raise InputError("no title: every line is boilerplate", path=where)

        notes: list[str] = []
        if lang:
            notes.append(f"language {lang}: given by the caller")
        else:
            lang, confidence = detect_language("\n".join(lines.text[i] for i in live))
            if lang == "und":
                notes.append("language undetermined: no known language's stop words prevail")
            elif (
                confidence < _MIN_LANGUAGE_CONFIDENCE
                and (density := _stopword_density(lines.text, live, lang)) < _MIN_STOPWORD_SHARE
            ):  # another language (without rules) shares a few short words with a known one
                notes.append(f"language undetermined: only {density:.0%} of the words are stop words of {lang}")
                lang = "und"
            else:
                notes.append(f"language {lang}: detected from stop words (confidence {confidence:.2f})")
        rules = _ordered_rules(lang)

        title = lines.text[live[0]]
        lines.remove(live[0], "metadata:title")
        headline, sites = _site_names(title)
        repeats = [i for i in lines.live(live[0] + 1) if any(same_title(lines.text[i], t) for t in (title, headline))]
        disclosures: list[str] = []
        for i in lines.live(live[0] + 1):
            if _disclosure(lines.text[i], rules):
                lines.remove(i, "metadata:disclosure")
                disclosures.append(_undecorate(lines.text[i]))
            elif rule := _lexicon_rule(lines.text[i], rules):
                lines.remove(i, f"boilerplate:{rule}")
        first, last = self._article(lines, live[0] + 1, rules, lang, repeats)
        header_start = max((i for i in repeats if i < first), default=live[0])
        near = lines.live(live[0] + 1)[: _HEADER_LINES + 1]  # the title again, as the page shows it twice
        for i in repeats:
            if i == header_start or i in near:
                lines.remove(i, DUPLICATE_TITLE)
        authors, date, end = self._header(lines, header_start + 1, rules)
        self._remove_link_lists(lines, first, last, rules, lang)
        note, date = self._trailer(lines, end, rules, authors, date)
        publication = self._remove_chrome(lines, live[0] + 1, first, last, rules)
        _remove_repeats(lines, live[0] + 1)
        more, date = self._trailer(lines, end, rules, authors, date)
        note = " ".join(n for n in (more, note) if n)
        if note and len(authors) == 1:
            authors[0] = replace(authors[0], bio=note)
        elif note:
            disclosures.insert(0, note)
            notes.append("the note about the writer names no single author: it became the disclosure")
        disclosure = " ".join(disclosures)
        # The page title's site name ("… - The Daily Ledger") when the page names the site again,
        # or shows the headline without it; else what a follow-us or copyright line names.
        if site := next((s for s in reversed(sites) if self._named_elsewhere(lines, s)), ""):
            publication = site
        elif sites and any(not same_title(lines.text[i], title) for i in repeats):
            publication = sites[-1]
        if sites and any(not same_title(lines.text[i], title) for i in repeats):
            title = headline
        body = _blocks(lines)
        if not body:
            raise InputError("no body text after the title", path=where, line=live[0] + 1)
        article = Article(
            title=title,
            body=tuple(body),
            authors=tuple(authors),
            date=date,
            lang=lang,
            disclosure=disclosure,
            publication=publication,
            source_path=source.path,
        )
        return ReadResult(article, tuple(sorted(lines.removed.values(), key=lambda r: r.line)), tuple(notes))

    @staticmethod
    def _article(
        lines: _Lines, start: int, rules: Sequence[_LanguageRules], lang: str, repeats: Sequence[int]
    ) -> tuple[int, int]:
        """The first and last line of the article's prose among the lines from ``start`` on.

        Every non-blank line from ``start`` on is scored by :func:`_line_score` (a line already
        removed as boilerplate counts as chrome); the article is the run with the highest total.
        The title repeated on the page marks where the article starts: the prose after it gets a bonus.
        """
        # Stop words only of a language known to be the text's: with none, the neutral features decide.
        stopwords = rules[0].stopwords if rules and rules[0].lang == lang.split("-")[0].lower() else frozenset()
        scored: list[tuple[int, float]] = []
        for i in range(start, len(lines.text)):
            if not lines.text[i]:
                continue
            if i in lines.removed:
                if lines.removed[i].rule.startswith("boilerplate:"):
                    scored.append((i, _CHROME_SCORE))
                continue
            scored.append((i, _line_score(lines.text[i], stopwords)))
        if not scored:
            return start, start - 1
        first, last = _article_span(scored)
        for k, (i, _) in enumerate(scored):  # the title repeated: the page's own headline over the article
            if i in repeats and (anchored := _anchored_span(scored, k + 1)):
                first, last = anchored
                break
        total = 0.0
        for k in range(first, last + 1):  # the readers' comments, or a copyright line, follow the article
            i = scored[k][0]
            following = lines.text[scored[k + 1][0]] if k + 1 < len(scored) else ""
            ends = (
                i in lines.removed
                and lines.removed[i].rule == "boilerplate:copyright"
                and bool(_RIGHTS.search(lines.text[i]))
            )
            if total >= _MIN_ARTICLE_SCORE and (ends or _comment_marker(lines.text[i], following, rules)):
                last = k - 1
                while last > first and scored[last][1] < 0:
                    last -= 1
                break
            total += scored[k][1]
        return scored[first][0], scored[last][0]

    @staticmethod
    def _remove_chrome(lines: _Lines, start: int, first: int, last: int, rules: Sequence[_LanguageRules]) -> str:
        """Remove the page around the article (menus, teasers, footers); return the publication it names.

        A side is removed only when it holds at least :data:`_CHROME_MIN_LINES` lines, so a clean copy
        keeps its short closing lines. Notes about the writer after the article stay for the trailer.
        """
        before = lines.live(start, first)
        after = lines.live(last + 1)
        page = len(before) >= _CHROME_MIN_LINES
        if page:
            for i in before:
                lines.remove(i, "page:before-article")
        # After the article, only a page's chrome goes: a copy whose top was clean keeps a closing
        # list (references, notes) unless boilerplate shows the page's footer around it.
        footer = any(lines.removed[i].rule.startswith("boilerplate:") for i in lines.removed if i > last)
        if len(after) >= _CHROME_MIN_LINES and (page or footer):
            for i in after:
                if not _is_writer_note(lines.text[i], rules):
                    lines.remove(i, "page:after-article")
        return _publication([r.text for i, r in sorted(lines.removed.items()) if i >= start], rules)

    @staticmethod
    def _remove_link_lists(lines: _Lines, first: int, last: int, rules: Sequence[_LanguageRules], lang: str) -> None:
        """Remove the lines of link lists inside the article: the headlines under "Related", "Read more" …

        After a line removed as a list heading (boilerplate ``related``, ``read-also``), a run of at
        least two lines that score as chrome is the list; its last line stays when prose follows it,
        as it may be the heading of the next section.
        """
        stopwords = rules[0].stopwords if rules and rules[0].lang == lang.split("-")[0].lower() else frozenset()
        run: list[int] = []
        in_list = False
        for i in [*range(first, last + 1), len(lines.text)]:
            if i < len(lines.text) and not lines.text[i]:
                continue
            chrome = i < len(lines.text) and i not in lines.removed and _line_score(lines.text[i], stopwords) < 0
            if in_list and chrome:
                run.append(i)
                continue
            if len(run) >= _LIST_MIN_LINES:
                prose_next = i < len(lines.text) and i not in lines.removed and i <= last
                for k in run[:-1] if prose_next else run:
                    lines.remove(k, "page:link-list")
            run = []
            in_list = i < len(lines.text) and i in lines.removed and lines.removed[i].rule in _LIST_HEADINGS

    @staticmethod
    def _named_elsewhere(lines: _Lines, name: str) -> bool:
        """Whether ``name`` (a part of the page title) occurs in a removed line other than the title."""
        folded = name.casefold()
        return any(r.rule != "metadata:title" and folded in r.text.casefold() for r in lines.removed.values())

    @staticmethod
    def _header(lines: _Lines, start: int, rules: Sequence[_LanguageRules]) -> tuple[list[Author], dt.date | None, int]:
        """Take the byline, affiliation and dateline from the first lines after the title.

        :returns: the authors, the date, and the index of the line after the last one taken.
        """
        authors: list[Author] = []
        date: dt.date | None = None
        byline: list[int] = []  # indexes in ``authors`` of the last byline's authors
        end = start
        for i in lines.live(start)[:_HEADER_LINES]:
            line = lines.text[i]
            if people := _parse_byline(line, rules):
                byline = list(range(len(authors), len(authors) + len(people)))
                authors += people
                lines.remove(i, "metadata:byline")
            elif byline and not any(authors[k].affiliation for k in byline) and _is_affiliation(line, rules):
                for k in byline:
                    authors[k] = replace(authors[k], affiliation=_undecorate(line))
                lines.remove(i, "metadata:byline")
                byline = []
            elif date is None and (date := _parse_date(line, rules)):
                lines.remove(i, "metadata:dateline")
                byline = []
            elif _looks_like_body(line):
                break
            else:  # a line the header may skip, such as a standfirst
                byline = []
                continue
            end = i + 1
        return authors, date, end

    @staticmethod
    def _trailer(
        lines: _Lines, start: int, rules: Sequence[_LanguageRules], authors: list[Author], date: dt.date | None
    ) -> tuple[str, dt.date | None]:
        """Remove the run of trailer lines at the end; return the note about the writer and the date."""
        notes: list[str] = []
        for i in reversed(lines.live(start)):
            line = lines.text[i]
            if rule := _boilerplate(line, rules, trailer=True):
                lines.remove(i, f"boilerplate:{rule}")
            elif _is_writer_note(line, rules) or _names_writer(line, authors, rules):
                lines.remove(i, "metadata:writer-note")
                notes.insert(0, _undecorate(line))
            elif date is None and (date := _parse_date(line, rules)):
                lines.remove(i, "metadata:dateline")
            else:
                break
        return " ".join(notes), date


def _blocks(lines: _Lines) -> list[Block]:
    """Group the remaining lines into blocks and make each a paragraph, heading or rule."""
    groups: list[list[str]] = [[]]
    for i, line in enumerate(lines.text):
        if line and i not in lines.removed:
            groups[-1].append(line)
        elif groups[-1]:
            groups.append([])
    groups = [g for g in groups if g]

    def heading_like(group: list[str]) -> bool:
        line = group[0]
        return (
            len(group) == 1
            and len(line) <= _HEADING_MAX_CHARS
            and len(line.split()) < _HEADING_MAX_WORDS
            and not line.endswith(_HEADING_END)
            and (line[0].isupper() or line[0].isdigit())
        )

    def paragraph(group: list[str]) -> bool:
        return not heading_like(group) and not _SCENE_BREAK.fullmatch(" ".join(group))

    blocks: list[Block] = []
    for n, group in enumerate(groups):
        text = " ".join(group)
        if _SCENE_BREAK.fullmatch(text):
            blocks.append(Rule())
        elif heading_like(group) and n + 1 < len(groups) and paragraph(groups[n + 1]):
            blocks.append(Heading(1, (Text(text),)))
        else:
            blocks.append(Paragraph((Text(text),)))
    return blocks


# --------------------------------------------------------------------------- for other readers


class LineRules:
    """The text reader's line rules, for readers of other formats (HTML, DOCX) to apply to one line.

    Every known language's rules apply, those of ``lang`` first, exactly as in
    :class:`TextReader`. Lines are compared with runs of white space collapsed.
    """

    def __init__(self, lang: str = "und"):
        self._rules = _ordered_rules(lang)

    def boilerplate(self, line: str, *, trailer: bool = False) -> str | None:
        """The id of the boilerplate rule the whole line matches (``"read-also"`` …), or ``None``.

        :param trailer: also try the rules that apply only after the last body paragraph.
        """
        return _boilerplate(_collapse(line), self._rules, trailer=trailer)

    def byline(self, line: str) -> list[Author]:
        """The authors a byline such as ``Oleh: Nama, Afiliasi`` names, or ``[]`` when it is none."""
        return _parse_byline(_collapse(line), self._rules)

    def names(self, text: str) -> list[Author]:
        """The authors of a byline without its prefix (``Jane Doe, Professor of Law``), or ``[]``."""
        text = _undecorate(_collapse(text))
        for lang in self._rules:
            if authors := _split_authors(text, lang):
                return authors
        return []

    def date(self, line: str) -> dt.date | None:
        """The date a dateline states (``Senin, 12 Mei 2025 10:15 WIB``), or ``None``."""
        return _parse_date(_collapse(line), self._rules)

    def writer_note(self, line: str) -> str:
        """The note about the writer a trailer line holds (``*) Penulis adalah …``), or ``""``."""
        line = _collapse(line)
        return _undecorate(line) if _is_writer_note(line, self._rules) else ""
