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
title; it ends before the comments, an author box ("About the author") or a
closing copyright line, and at a break (:func:`_segments`: a run of chrome
holding boilerplate, such as a share row or a "More from …" heading) after
which the page reads as a list of teasers rather than prose. The page's
lines around it are removed as ``page:before-article`` and
``page:after-article`` (only when at least three lines would go, so a clean
copy keeps its closing lines), headline lists under "Related" or "Baca juga"
as ``page:link-list``, text the page repeats as ``page:repeated-text``, and
further datelines inside it (a full date with a time or a "Published"
label, on a line that is not prose) as ``page:timestamp``. Under the page's
repeated headline, a standfirst followed by the byline or dateline becomes
the article's subtitle (``metadata:subtitle``).
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
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ..errors import InputError
from ..langdetect import detect_language
from ..model import Article, Author, Block, Heading, Paragraph, Rule, Text
from ._normalize import DUPLICATE_TITLE, same_title
from ._textlines import (  # the rules and line classifiers this reader shares with the others
    _ANCHORED_CHROME_WEIGHT,
    _CHROME_MIN_LINES,
    _CHROME_SCORE,
    _CJK,
    _CLOSING_QUOTES,
    _HEADER_LINES,
    _HEADER_WINDOW,
    _HEADING_END,
    _HEADING_MAX_CHARS,
    _HEADING_MAX_WORDS,
    _LIST_HEADINGS,
    _LIST_MIN_LINES,
    _MIN_ANCHORED_SCORE,
    _MIN_ARTICLE_SCORE,
    _MIN_LANGUAGE_CONFIDENCE,
    _MIN_STOPWORD_DENSITY,
    _MIN_STOPWORD_SHARE,
    _PROSE_END,
    _PROSE_MIN_WORDS,
    _REPEATED_SHARE,
    _REPEATED_SOURCES,
    _RIGHTS,
    _SCENE_BREAK,
    _SHORT_SENTENCE_WORDS,
    _TITLE_CASE,
    _UNFINISHED_WEIGHT,
    _WORD,
    LineRules,
    _all_rules,
    _boilerplate,
    _collapse,
    _comment_marker,
    _disclosure,
    _is_affiliation,
    _is_writer_note,
    _LanguageRules,
    _lexicon_rule,
    _looks_like_body,
    _names_writer,
    _ordered_rules,
    _parse_byline,
    _parse_date,
    _publication,
    _site_names,
    _stopword_density,
    _timestamp,
    _undecorate,
)
from .base import Reader, ReadResult, Removal, Source

__all__ = ["LineRules", "TextReader"]

#: A run of this many chrome lines inside the article's span is a break between two parts of the page ...
_BREAK_LINES = 4
#: A standfirst (dek) under the page's headline has at most this many words ...
_DEK_MAX_WORDS = 60
#: ... and a byline or dateline within this many lines after it.
_DEK_WINDOW = 3
#: The boilerplate rule of the heading of a box about the author after the article: the article ends there.
_ABOUT_BOX = "boilerplate:about-box"
#: ... and a part beyond a break stays only when at least this share of its lines is prose.
_SEGMENT_PROSE_SHARE = 0.5
#: ... and holds a paragraph of at least this score (two short sentences' worth of words).
_SEGMENT_MIN_PARAGRAPH = 2 * _PROSE_MIN_WORDS


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


def _remove_timestamps(lines: _Lines, first: int, last: int, rules: Sequence[_LanguageRules], lang: str) -> None:
    """Remove the lines between ``first`` and ``last`` that only say when a story was published or updated.

    The header's dateline is taken before; these are the others: a second dateline under a standfirst,
    the date and time beside a byline, the dates of a list of teasers. A line that reads as prose (a
    sentence that mentions a date and a time) stays.
    """
    stopwords = rules[0].stopwords if rules and rules[0].lang == lang.split("-")[0].lower() else frozenset()
    for i in lines.live(first, last + 1):
        if _line_score(lines.text[i], stopwords) < 0 and _timestamp(lines.text[i], rules):
            lines.remove(i, "page:timestamp")


def _segments(
    scored: Sequence[tuple[int, float]], first: int, last: int, marked: frozenset[int], intros: frozenset[int]
) -> list[tuple[int, int]]:
    """Split positions ``first``..``last`` of ``scored`` at breaks between two parts of the page.

    A break is a run of at least :data:`_BREAK_LINES` chrome lines holding a marked line (one removed
    as boilerplate: a "Related" heading, a share row …). After a line that introduces a list (``intros``:
    it ends in a colon) the run's lines up to the first marked one are the list, kept with the part
    before. A line scoring zero (a short sentence) inside a run of chrome is part of the run.
    """
    segments: list[tuple[int, int]] = []
    start, run, run_start, mark, previous = first, 0, first, -1, -1
    for k in range(first, last + 1):
        score = scored[k][1]
        if score < 0 or (score == 0 and run):
            if run == 0:
                run_start, mark = k, -1
            run += 1
            if mark < 0 and k in marked:
                mark = k
        else:
            if score > 0 and run >= _BREAK_LINES and mark >= 0:
                split = mark if previous in intros else run_start
                if split > start:
                    segments.append((start, split - 1))
                    start = k
            if score > 0 or run == 0:
                previous = k
            run = 0
    segments.append((start, last))
    return segments


def _core_span(
    scored: Sequence[tuple[int, float]], first: int, last: int, marked: frozenset[int], intros: frozenset[int]
) -> tuple[int, int]:
    """Narrow the span ``first``..``last`` to the article: its core and the parts after it that read as prose.

    The span is cut into parts at breaks (:func:`_segments`). The core is the first part with
    :data:`_MIN_ARTICLE_SCORE` of prose (with none, the span stays whole); a part after it stays while at least
    :data:`_SEGMENT_PROSE_SHARE` of its scored lines are prose and one of them is a real paragraph, so
    a list of teasers (headline, author, date, first sentence) after a "More from …" heading goes. The
    items of a list introduced by a line ending in a colon do not count.
    """
    segments = _segments(scored, first, last, marked, intros)
    if len(segments) < 2:
        return first, last

    # The items of a list the article introduces with a colon are neither prose nor page.
    listed: set[int] = set()
    for intro in intros:
        item = intro + 1
        while item <= last and scored[item][1] <= 0 and item not in marked:
            listed.add(item)
            item += 1

    def prose(seg: tuple[int, int]) -> tuple[float, float]:
        values = [scored[k][1] for k in range(seg[0], seg[1] + 1) if scored[k][1] != 0 and k not in listed]
        positive = sum(s for s in values if s > 0)
        if max(values, default=0.0) < _SEGMENT_MIN_PARAGRAPH:
            return positive, 0.0
        return positive, sum(s > 0 for s in values) / len(values) if values else 0.0

    if max(prose(seg)[0] for seg in segments) < _MIN_ARTICLE_SCORE:  # too little prose to tell: keep all
        return first, last
    core = next(n for n, seg in enumerate(segments) if prose(seg)[0] >= _MIN_ARTICLE_SCORE)
    hi = core
    while hi + 1 < len(segments) and prose(segments[hi + 1])[1] >= _SEGMENT_PROSE_SHARE:
        hi += 1
    return segments[core][0], segments[hi][1]


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
        # Under the page's own headline, a standfirst may stand before the byline: it is the dek.
        subtitle = self._dek(lines, header_start + 1, rules) if header_start != live[0] else ""
        authors, date, end = self._header(lines, header_start + 1, rules)
        self._remove_link_lists(lines, first, last, rules, lang)
        _remove_timestamps(lines, first, last, rules, lang)
        about = _about_box_note(lines, end)
        note, date = self._trailer(lines, end, rules, authors, date)
        publication = self._remove_chrome(lines, live[0] + 1, first, last, rules)
        _remove_repeats(lines, live[0] + 1)
        more, date = self._trailer(lines, end, rules, authors, date)
        note = " ".join(n for n in (about, more, note) if n)
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
            subtitle=subtitle,
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
        for k in range(first, last + 1):  # the comments, an author box or a copyright line follow the article
            i = scored[k][0]
            following = lines.text[scored[k + 1][0]] if k + 1 < len(scored) else ""
            rule = lines.removed[i].rule if i in lines.removed else ""
            ends = rule == _ABOUT_BOX or (rule == "boilerplate:copyright" and bool(_RIGHTS.search(lines.text[i])))
            if total >= _MIN_ARTICLE_SCORE and (ends or _comment_marker(lines.text[i], following, rules)):
                last = k - 1
                while last > first and scored[last][1] < 0:
                    last -= 1
                break
            total += scored[k][1]
        marked = frozenset(k for k, (i, _) in enumerate(scored) if i in lines.removed)
        intros = frozenset(k for k, (i, _) in enumerate(scored) if lines.text[i].endswith(":"))
        first, last = _core_span(scored, first, last, marked, intros)
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
    def _dek(lines: _Lines, start: int, rules: Sequence[_LanguageRules]) -> str:
        """Take the standfirst that opens the header, when a byline or dateline follows it; return it or ``""``.

        The first line from ``start`` is the dek (rule ``metadata:subtitle``) when it is a block of its
        own, of :data:`_PROSE_MIN_WORDS` to :data:`_DEK_MAX_WORDS` words, and one of the
        :data:`_DEK_WINDOW` lines after it is a byline, a dateline or a timestamp.
        """
        live = lines.live(start)[: 1 + _DEK_WINDOW]
        if len(live) < 2:
            return ""
        first = live[0]
        text = lines.text[first]
        if first + 1 < len(lines.text) and lines.text[first + 1] and first + 1 not in lines.removed:
            return ""  # not a block of its own
        words = len(text.split())
        if not (_PROSE_MIN_WORDS <= words <= _DEK_MAX_WORDS) or _parse_byline(text, rules) or _parse_date(text, rules):
            return ""
        if not any(
            _parse_byline(lines.text[i], rules) or _parse_date(lines.text[i], rules) or _timestamp(lines.text[i], rules)
            for i in live[1:]
        ):
            return ""
        lines.remove(first, "metadata:subtitle")
        return text

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


#: At most this many lines under an author box's heading are the note about the writer.
_ABOUT_NOTE_LINES = 4


def _about_box_note(lines: _Lines, start: int) -> str:
    """The paragraph under the last heading of a box about the writer (``About the author``), where the
    article did not already end there: it is the note about the writer, removed as such. On a page
    copied whole the article ends at that heading and what follows went with the page.
    """
    heads = [i for i, removal in lines.removed.items() if i >= start and removal.rule == _ABOUT_BOX]
    if not heads:
        return ""
    taken: list[int] = []
    for i in range(max(heads) + 1, len(lines.text)):
        if i in lines.removed or (not lines.text[i] and taken) or len(taken) == _ABOUT_NOTE_LINES:
            break
        if lines.text[i]:
            taken.append(i)
    if not taken or not _looks_like_body(lines.text[taken[0]]):
        return ""
    for i in taken:
        lines.remove(i, "metadata:writer-note")
    return " ".join(_undecorate(lines.text[i]) for i in taken)


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
