"""Choosing the city a person means by a loose name: "Philadelphia", "Washington DC", "Reno NV".

`parse_place` wants "City, ST"; people write a bare name or leave the comma out. The rule a
person would expect: "City, ST" / "City ST" / "City State" names that city; a bare name means
the most populous place of that name, and the others of the same name are offered so the
person can switch ("Portland" -> Portland, OR, with Portland, ME offered). A bare name is
tried before a trailing state, so "Kansas City" stays a city and "New York" is the city.
Accents, case and punctuation are folded (`normalize_name`), so "Los Ángeles" works, and a
few nicknames are known ("Philly", "NYC", "DC", "SF").
"""

from __future__ import annotations

from typing import Final

import msgspec

from service.places.gazetteer import Place, PlaceIndex, normalize_name

# Names people use for a few large cities that no gazetteer row carries.
NICKNAMES: Final = {
    "philly": ("Philadelphia", "PA"),
    "nyc": ("New York", "NY"),
    "dc": ("Washington", "DC"),
    "sf": ("San Francisco", "CA"),
}
# Longest state names have three words ("District of Columbia", "New Hampshire" has two).
_MAX_STATE_WORDS: Final = 3
MAX_OTHERS: Final = 5


class CityChoice(msgspec.Struct, frozen=True, kw_only=True):
    """The place chosen for a loose city name, and others of the same name to offer."""

    place: Place
    others: tuple[Place, ...] = ()

    @property
    def ambiguous(self) -> bool:
        """Whether other places share the name (the page should offer them)."""
        return bool(self.others)


def choose_city(
    text: str, places: PlaceIndex, *, max_others: int = MAX_OTHERS
) -> CityChoice | None:
    """The city a loose name means, or None when no known place has that name."""
    words = text.replace(",", " , ").split()
    if not words:
        return None
    if "," in words:
        cut = len(words) - 1 - words[::-1].index(",")
        return _in_state(" ".join(words[:cut]), " ".join(words[cut + 1 :]), places)
    nickname = NICKNAMES.get(normalize_name(" ".join(words)))
    if nickname is not None:
        return _in_state(*nickname, places)
    named = places.cities_named(" ".join(words))
    if named:
        return CityChoice(place=named[0], others=tuple(named[1 : 1 + max_others]))
    for state_words in range(1, min(_MAX_STATE_WORDS, len(words) - 1) + 1):
        city, state = words[:-state_words], words[-state_words:]
        choice = _in_state(" ".join(city), " ".join(state), places)
        if choice is not None:
            return choice
    return None


def _in_state(city: str, state: str, places: PlaceIndex) -> CityChoice | None:
    if not city or places.state_code(state) is None:
        return None
    place = places.lookup_city(city, state)
    return CityChoice(place=place) if place is not None else None
