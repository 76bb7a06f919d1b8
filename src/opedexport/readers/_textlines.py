"""The lines of a copied text: the language rules (data in ``rules/*.toml``) compiled once, the
classifiers that tell a byline, a dateline, boilerplate or a call to action from a line of the article, and
:class:`LineRules`, which lends them to the other readers. The reader itself is :mod:`.text`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..langdetect import language_rules
from ..model import Author

__all__ = ["LineRules"]

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
#: A line stating when a story was published has at most this many words.
_STAMP_MAX_WORDS = 25
#: ... and at most this many characters: the stamp pattern's search takes time growing with the square
#: of the line's length, and a line of one long "word" (``12:30,12:30,…``) passes the word count.
_STAMP_MAX_CHARS = 400
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
    stamp: re.Pattern[str]
    #: Every boilerplate rule's patterns in one expression, a group ``r<n>`` for rule ``n``: one match a line.
    boilerplate_line: re.Pattern[str]
    #: The same with each rule's trailer patterns too.
    boilerplate_trailer: re.Pattern[str]


def _compile(lang: str, data: Mapping[str, Any]) -> _LanguageRules:
    def patterns(items: Sequence[str]) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(p, re.IGNORECASE) for p in items)

    months: dict[str, int] = {k.casefold(): int(v) for k, v in data.get("months", {}).items()}
    month = _words_regex(list(months)) or "(?!)"
    weekday = _words_regex(data.get("weekdays", [])) or "(?!)"
    label = _words_regex(data.get("date_labels", [])) or "(?!)"
    joiner = _words_regex(data.get("date_joiners", [])) or "(?!)"  # "12 de mayo de 2025"
    prefix = (
        rf"(?:(?:{label})\s*:?\s*)?(?:[^\W\d][\w.'’ ]{{0,40}}?\s*[,–—-]\s*)?"
        rf"(?:(?:{weekday})\b\.?\s*,?\s*)?(?:(?:{label})\s*:?\s*)?"
    )
    cores = (
        rf"(?P<d>\d{{1,2}})(?:\.|er|º)?\s+(?:(?:{joiner})\s+)?(?P<mon>{month})\b\.?,?\s+(?:(?:{joiner})\s+)?(?P<y>\d{{4}})",
        rf"(?P<mon>{month})\b\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})",
        r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})",
        r"(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{4})",
    )
    joiners = _words_regex([*data.get("author_joiners", []), "&"])
    # Prefixes that open a byline only in lower case (Italian "di Giulia Bianchi", not "Di Tengah …").
    lowercase = _words_regex(data.get("byline_prefixes_lowercase", [])) or "(?!)"
    byline = rf"{_words_regex(data.get('byline_prefixes', [])) or '(?!)'}|(?-i:{lowercase})"
    cta = _words_regex(data.get("cta_verbs", [])) or "(?!)"
    platform = _words_regex(data.get("platforms", [])) or "(?!)"
    click = _words_regex(data.get("click_here", [])) or "(?!)"
    preposition = _words_regex(data.get("platform_prepositions", [])) or "(?!)"
    stamp = re.compile(
        rf"\b(?:(?:{month})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|\d{{1,2}}\.?\s+(?:{month})\.?,?\s+\d{{4}}"
        rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}})\b.*?(?:\b\d{{1,2}}[:.]\d{{2}}\b|\b(?:{label})\b)"
        rf"|\b(?:\d{{1,2}}[:.]\d{{2}}\b|(?:{label})\b).*?\b(?:(?:{month})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
        rf"|\d{{1,2}}\.?\s+(?:{month})\.?,?\s+\d{{4}}|\d{{4}}-\d{{1,2}}-\d{{1,2}})\b",
        re.IGNORECASE,
    )
    rules = tuple(
        _BoilerplateRule(r["id"], patterns(r.get("patterns", [])), patterns(r.get("trailer_patterns", [])))
        for r in data.get("boilerplate", [])
    )

    def combined(trailer: bool) -> re.Pattern[str]:
        # One alternation for all rules (a boilerplate pattern must not name its own groups).
        alternatives = [
            f"(?P<r{n}>{'|'.join(f'(?:{p.pattern})' for p in (*rule.anywhere, *(rule.trailer if trailer else ())))})"
            for n, rule in enumerate(rules)
            if rule.anywhere or (trailer and rule.trailer)
        ]
        return re.compile("|".join(alternatives) or "(?!)", re.IGNORECASE)

    return _LanguageRules(
        lang=lang,
        boilerplate=rules,
        boilerplate_line=combined(False),
        boilerplate_trailer=combined(True),
        byline=re.compile(
            rf"(?:{byline})(?:\s*[:\-–—]\s*|\s+)(?P<rest>.+)",
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
        stamp=stamp,
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
        if m := (lang.boilerplate_trailer if trailer else lang.boilerplate_line).fullmatch(bare):
            # The first rule whose patterns match: the alternatives are tried in the rules' order.
            group = next(name for name, value in m.groupdict().items() if value is not None)
            return lang.boilerplate[int(group[1:])].id
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


def _timestamp(line: str, rules: Sequence[_LanguageRules]) -> bool:
    """Whether a short line states when something was published: a full date with a time or a label.

    ``Published 2:16 AM EST Nov 20, 2019``, ``20 Nov 2019 08:00 GMT``, ``Updated on: November 19, 2019``:
    the date's month names and the labels (``published``, ``diperbarui`` …) come from the lexicons.
    """
    return (
        len(line) <= _STAMP_MAX_CHARS
        and len(line.split()) <= _STAMP_MAX_WORDS
        and any(r.stamp.search(line) for r in rules)
    )


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
