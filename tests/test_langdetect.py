"""Stop-word language detection over the languages that have rules files."""

from __future__ import annotations

from importlib import resources

import pytest

from opedexport.langdetect import detect_language, known_languages

INDONESIAN = (
    "Diplomasi pertahanan merupakan salah satu strategi yang dapat dilakukan oleh negara-negara untuk "
    "menghadapi isu pertahanan. Negara yang semula hanya berfokus pada keamanan militer, kini tak lagi "
    "menjadi tumpuan utama, dan hal ini harus ditangani secara serius."
)
ENGLISH = (
    "Coastal cities across Southeast Asia are sinking faster than the sea is rising. The cost of doing "
    "nothing is already visible in flooded streets, and it will only grow if the councils wait."
)


def test_known_languages_are_exactly_the_rules_files() -> None:
    files = {
        entry.name.removesuffix(".toml")
        for entry in resources.files("opedexport.readers.rules").iterdir()
        if entry.name.endswith(".toml")
    }
    assert set(known_languages()) == files
    assert {"en", "id"} <= files


@pytest.mark.parametrize(("text", "lang"), [(INDONESIAN, "id"), (ENGLISH, "en")])
def test_detects_language_with_high_confidence(text: str, lang: str) -> None:
    found, confidence = detect_language(text)
    assert found == lang
    assert 0.8 <= confidence <= 1.0


@pytest.mark.parametrize("text", ["", "12345 !!! 678", "Lorem ipsum dolor sit amet"])
def test_nothing_scores_means_und(text: str) -> None:
    assert detect_language(text) == ("und", 0.0)


def test_a_tie_means_und() -> None:
    assert detect_language("the yang") == ("und", 0.0)


def test_few_stop_words_give_low_confidence() -> None:
    lang, confidence = detect_language("the harbour")
    assert lang == "en"
    assert 0.0 < confidence < 0.5


def test_mixed_text_goes_to_the_majority() -> None:
    lang, confidence = detect_language(INDONESIAN + " Read more: the best of the week")
    assert lang == "id"
    assert 0.5 < confidence < 1.0


def test_candidates_restrict_the_choice() -> None:
    mixed = INDONESIAN + " " + ENGLISH
    assert detect_language(mixed, candidates=["en-GB"])[0] == "en"
    assert detect_language(mixed, candidates=["id-ID"])[0] == "id"
    assert detect_language(ENGLISH, candidates=["sw", "ja"]) == ("und", 0.0)  # no rules files
    assert detect_language(ENGLISH, candidates=[]) == ("und", 0.0)
