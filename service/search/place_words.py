"""Place words in a query: "in Philadelphia", "near 19103", "cerca de Los Ángeles" (pure).

Read before the lexicon, so the "CA" of "Los Angeles CA" is a state, not Cocaine Anonymous:
- a ZIP anywhere (one the gazetteer knows), with the preposition before it;
- "in", "near", "around", "close to", "en", "cerca de" followed by up to four words naming a
  city (service/places/cities.py chooses which), unless a lexicon phrase starts there
  ("in person", "en español");
- a trailing "City ST" ("AA meetings San Francisco CA", "detox philadelphia pa").
The place is returned as text for `near` (a ZIP or "City, ST"), with other places of the
same name to offer.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from service.places.cities import choose_city
from service.places.gazetteer import PlaceIndex
from service.search.wording import Lexicon, phrase_at

# (the text for `near`, the labels of other places of that name)
Chosen = tuple[str, tuple[str, ...]]
_PREPOSITIONS: Final = (("cerca", "de"), ("close", "to"), ("in",), ("near",), ("around",), ("en",))
_MAX_PLACE_WORDS: Final = 4


def read_place(
    found: Sequence[str], taken: list[bool], lex: Lexicon, places: PlaceIndex | None
) -> tuple[str, Chosen | None]:
    """The place words of a query and the place they name, marking the words in `taken`."""
    for index, word in enumerate(found):
        if len(word) == 5 and word.isdigit() and (places is None or places.lookup_zip(word)):
            start = _preposition_before(found, index)
            taken[start : index + 1] = [True] * (index + 1 - start)
            return " ".join(found[start : index + 1]), (word, ())
    if places is None:
        return "", None
    for index in range(len(found)):
        for prefix in _PREPOSITIONS:
            end = index + len(prefix)
            if tuple(found[index:end]) == prefix and (span := _city(found, end, places, lex)):
                taken[index : span[0]] = [True] * (span[0] - index)
                return " ".join(found[index : span[0]]), span[1]
    return _trailing_city(found, taken, lex, places)


def _trailing_city(
    found: Sequence[str], taken: list[bool], lex: Lexicon, places: PlaceIndex
) -> tuple[str, Chosen | None]:
    """A city and its state code ending the query ("AA meetings San Francisco CA")."""
    if len(found) < 2 or len(found[-1]) != 2 or places.state_code(found[-1]) is None:
        return "", None
    for size in range(min(_MAX_PLACE_WORDS, len(found)), 1, -1):
        start = len(found) - size
        if phrase_at(found, start, lex):
            continue
        choice = choose_city(" ".join(found[start:]), places)
        if choice is not None:
            taken[start:] = [True] * size
            return " ".join(found[start:]), (choice.place.label, ())
    return "", None


def _preposition_before(found: Sequence[str], index: int) -> int:
    for prefix in _PREPOSITIONS:
        if tuple(found[max(0, index - len(prefix)) : index]) == prefix:
            return index - len(prefix)
    return index


def _city(
    found: Sequence[str], start: int, places: PlaceIndex, lex: Lexicon
) -> tuple[int, Chosen] | None:
    if start >= len(found) or phrase_at(found, start, lex):
        return None
    for size in range(min(_MAX_PLACE_WORDS, len(found) - start), 0, -1):
        choice = choose_city(" ".join(found[start : start + size]), places)
        if choice is not None:
            others = tuple(p.label for p in choice.others)
            return start + size, (choice.place.label, others)
    return None
