"""The plain-text reader: an article copied from a web page into a ``.txt`` file.

The first non-empty line is the title. A few lines after it may hold a byline
(``Oleh: Nama, Afiliasi``, ``By Jane Doe and John Roe``), an affiliation line
and a dateline; they fill the article's metadata. Boilerplate lines (``Baca
juga: …``, ``Advertisement``, share buttons, newsletter pleas …) are removed by
rules that are data: one TOML file per language in ``readers/rules/``, all of
whose boilerplate rules apply to every text. A run of trailer lines after the
last paragraph (``Editor: …``, ``*Penulis adalah dosen …``) is removed too; a
note describing the writer becomes the author's bio.

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
_SCENE_BREAK = re.compile(r"[*\-_•~=·\s]{3,}")
#: An academic degree or suffix written after a name and a comma: "M.Si.", "Ph.D.", "S.Sos", "MA", "Jr.".
_DEGREE = re.compile(
    r"(?:[A-Z][A-Za-z]{0,3}\.)+[A-Za-z]{0,4}\.?|(?:PhD|MA|MSc|MBA|MPhil|SH|SE|ST|MM|MH|MD|Jr|Sr|III?|IV)\.?"
)
#: Lower-case words that may stand inside a personal name.
_NAME_PARTICLES = frozenset({"bin", "binti", "van", "von", "der", "den", "de", "da", "del", "di", "al", "el", "ibn"})
_NOT_BYLINE_PART = re.compile(r"(?:editor|penyunting|redaktur|reporter|pewarta|foto|photo)\b", re.IGNORECASE)
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


def _is_writer_note(line: str, rules: Sequence[_LanguageRules]) -> bool:
    bare = _undecorate(line)
    return any(p.fullmatch(bare) for r in rules for p in r.writer_notes)


# --------------------------------------------------------------------------- the reader


@dataclass(slots=True)
class _Lines:
    """The input's lines and what has been taken out of them so far."""

    text: list[str]
    removed: dict[int, Removal]

    def live(self, start: int = 0) -> list[int]:
        """Indexes of the non-blank lines from ``start`` on that are still in."""
        return [i for i in range(start, len(self.text)) if self.text[i] and i not in self.removed]

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
            else:
                notes.append(f"language {lang}: detected from stop words (confidence {confidence:.2f})")
        rules = _ordered_rules(lang)

        title = lines.text[live[0]]
        lines.remove(live[0], "metadata:title")
        for i in lines.live(live[0] + 1)[: _HEADER_LINES + 1]:  # the title again, as the page shows it twice
            if same_title(lines.text[i], title):
                lines.remove(i, DUPLICATE_TITLE)
                break
        authors, date, end = self._header(lines, live[0] + 1, rules)
        disclosure, date = self._trailer(lines, end, rules, authors, date)
        if disclosure and len(authors) == 1:
            authors[0] = replace(authors[0], bio=disclosure)
            disclosure = ""
        elif disclosure:
            notes.append("the note about the writer names no single author: it became the disclosure")
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
            source_path=source.path,
        )
        return ReadResult(article, tuple(sorted(lines.removed.values(), key=lambda r: r.line)), tuple(notes))

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
            elif _is_writer_note(line, rules):
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
