from __future__ import annotations

import datetime as dt

from opedexport.i18n import format_article_date, join_names, labels_for


def test_labels_follow_the_language_with_english_fallback() -> None:
    assert labels_for("id").by == "Oleh"
    assert labels_for("id-ID")["notes"] == "Catatan"
    assert labels_for("en").contents == "Contents"
    assert labels_for("sw").by == "By"  # no Swahili labels yet: English
    assert labels_for("ms").title_page == "Title page"  # label missing in Malay: English


def test_dates_in_the_article_language() -> None:
    day = dt.date(2025, 5, 12)
    assert format_article_date(day, "id") == "12 Mei 2025"
    assert format_article_date(day, "en") == "May 12, 2025"
    assert format_article_date(day, "und") == "May 12, 2025"


def test_join_names() -> None:
    assert join_names([], "en") == ""
    assert join_names(["A"], "id") == "A"
    assert join_names(["A", "B"], "id") == "A dan B"
    assert join_names(["A", "B", "C"], "en") == "A, B and C"
