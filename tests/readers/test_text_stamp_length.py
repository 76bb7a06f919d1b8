"""A timestamp line is short: its pattern is not searched in a long line (whose search time grows
with the square of the line's length: one "word" ``12:30,12:30,…`` of 120 KB took minutes).
"""

from __future__ import annotations

from test_text_precision import PARAGRAPHS, kept, page, read, removed

from opedexport.readers._textlines import _STAMP_MAX_CHARS, _all_rules, _timestamp


def test_a_stamp_line_is_still_found() -> None:
    assert _timestamp("Updated on: March 4, 2024 / 10:07 AM / Valley Courier", _all_rules())


def test_a_line_longer_than_a_stamp_is_not_searched_for_one() -> None:
    line = "Updated on: March 4, 2024 / 10:07 AM " + "x" * _STAMP_MAX_CHARS
    assert len(line.split()) < 25  # few words: only its length tells it from a stamp
    assert not _timestamp(line, _all_rules())


def test_a_long_line_of_times_stays_and_is_read() -> None:
    line = "12:30," * 2000  # one word of 12 000 characters; about 20 s of searching before the bound
    result = read(page(line, ""))
    assert line not in removed(result)
    assert [t for t in kept(result) if t in PARAGRAPHS] == PARAGRAPHS
