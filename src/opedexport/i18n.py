"""Labels and dates in the article's language.

Labels are data (``labels.toml``); dates are formatted by Babel with the
language's own month names (``12 Mei 2025`` for ``id``, ``May 12, 2025`` for ``en``).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.core import Locale

__all__ = ["Labels", "format_article_date", "join_names", "labels_for"]


@cache
def _all_labels() -> dict[str, dict[str, str]]:
    text = resources.files("opedexport").joinpath("labels.toml").read_text("utf-8")
    return tomllib.loads(text)


class Labels:
    """The labels of one language, with English as the fallback for anything missing."""

    __slots__ = ("_table", "lang")

    def __init__(self, lang: str):
        self.lang = lang
        table = dict(_all_labels()["en"])
        table.update(_all_labels().get(lang.split("-")[0].lower(), {}))
        self._table = table

    def __getitem__(self, key: str) -> str:
        return self._table[key]

    def __getattr__(self, key: str) -> str:
        try:
            return self._table[key]
        except KeyError:
            raise AttributeError(key) from None


@cache
def labels_for(lang: str) -> Labels:
    """The :class:`Labels` for a BCP 47 tag (``id``, ``en-GB`` …)."""
    return Labels(lang)


@cache
def _locale(lang: str) -> Locale:
    # Babel is imported here, not at the top: an article without a date never needs it.
    from babel.core import Locale, UnknownLocaleError

    try:
        return Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def format_article_date(date: dt.date, lang: str) -> str:
    """``date`` in the long format of ``lang`` (``12 Mei 2025``, ``May 12, 2025``)."""
    from babel.dates import format_date

    return format_date(date, format="long", locale=_locale(lang))


def join_names(names: Sequence[str], lang: str) -> str:
    """``A``, ``A and B``, ``A, B and C`` with the language's word for *and*."""
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + f" {labels_for(lang)['and']} " + names[-1]
