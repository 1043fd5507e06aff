"""The index's stop words (service/contract/stop_words.py): the kept lists, as people type."""

from __future__ import annotations

import pytest

from service.contract.documents import INDEX_SETTINGS
from service.contract.stop_words import (
    KEPT_SEARCHABLE,
    SNOWBALL_ENGLISH,
    SNOWBALL_SPANISH,
    STOP_WORDS,
)


@pytest.mark.parametrize(
    "word",
    [
        "my",
        "My",
        "MY",
        "I",
        "i",
        "a",
        "para",
        "Para",
        "dónde",
        "Dónde",
        "donde",
        "esta",
        "está",
        "m",
        "t",
    ],
)
def test_words_that_never_decide_a_match_are_stop_words(word: str) -> None:
    assert word in STOP_WORDS


@pytest.mark.parametrize(
    "word", ["no", "No", "not", "out", "sin", "son", "only", "al", "ha", "shelter", "aa", "na"]
)
def test_words_that_say_something_stay_searchable(word: str) -> None:
    assert word not in STOP_WORDS


def test_every_kept_word_is_a_word_of_the_lists() -> None:
    assert set(KEPT_SEARCHABLE) <= set(SNOWBALL_ENGLISH) | set(SNOWBALL_SPANISH)


def test_the_index_gets_each_spelling_once_in_a_stable_order() -> None:
    assert INDEX_SETTINGS.stop_words == STOP_WORDS == tuple(sorted(set(STOP_WORDS)))
