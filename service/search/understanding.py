"""What a person's own words ask for: `understand(q)` -> filters, boosts, time, place, crisis.

Pure: no I/O; the lexicon (service/search/lexicon.toml) is read once per process, the
gazetteer is passed in. Words are folded and stemmed alike on both sides (wording.py).

Steps, each taking the words it uses so that no word is read twice:
1. crisis phrases ("kill myself", "quiero morir"), one typo allowed in longer words;
2. place words (place_words.py): a ZIP, "in|near|en|cerca de <city>", a trailing "City ST";
3. lexicon phrases, longest first (one typo allowed in words of six letters or more);
4. time words (time_words.py);
5. what is left, minus stop words, is the text for full-text search ("" if nothing is left).

The confidence rule. A kind or need stated plainly ("shelter", "AA meeting", "detox",
"naloxone", "en español", "online") is a filter: the person asks for exactly that. A weaker or
ambiguous hint ("pills", "using", "free", "just got out of jail", "my daughter") is a boost:
it may rank, never exclude. Which phrase is which is data (each lexicon entry's `strength`).
Two rules on top:
- someone else's use ("my husband drinks", "mi hija usa drogas"): the relative is a
  family_friends boost, and what they use becomes a boost too, since what helps the family
  (Al-Anon, Nar-Anon) is indexed under family_friends, not under the substance;
- a relative alone ("My Sisters Place") reads as nothing.
A code read both as a filter and as a boost is a filter. Spanish words ("quiero", "dónde")
add a Spanish-language boost. Explicit API parameters always win: the caller drops the
readings of parameters it was given with `Understanding.without(params)`; a `near` given
explicitly means place words in q are removed from the text but not read as a place.
Time words filter schedules only when the ask is for meetings, or for nothing in particular
(`time_filters`): shelters, helplines and most services publish no schedule, so "a place to
stay tonight" keeps its time as a reading to show, not as a filter that would empty the page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Final, Literal

import msgspec

from service.contract.documents import FILTER_FIELDS
from service.places.gazetteer import PlaceIndex
from service.search.place_words import read_place
from service.search.time_words import TimeAsk, read_time
from service.search.wording import (
    MIN_TYPO_LETTERS,
    Lexicon,
    Sense,
    corrected,
    lexicon,
    stem,
    words,
)

ReadingKind = Literal["filter", "boost", "time", "place", "crisis"]
TIME_PARAMS: Final = frozenset({"open_now", "starts_within_min", "day", "time_from", "time_to"})
_TERMS: Final = {(f.param, t.code): t for f in FILTER_FIELDS for t in f.vocabulary.terms}
_CRISIS_LABELS: Final = ("Crisis help first", "Ayuda en crisis primero")
_SUBSTANCES: Final = frozenset({"alcohol", "drugs", "opioids", "substance_use"})
_SPANISH: Final = frozenset(
    "quiero necesito donde puedo busco tengo ayuda para las una estoy hay mi mis esta".split()
)


class Reading(msgspec.Struct, frozen=True, kw_only=True):
    """One thing understood: what it sets, the words it came from, and how to show it."""

    kind: ReadingKind
    param: str
    value: str
    phrase: str
    en: str
    es: str


class Understanding(msgspec.Struct, frozen=True, kw_only=True):
    """What q asks for, ready to apply to a search (see the module docstring)."""

    q: str
    text: str
    filters: tuple[Reading, ...] = ()
    boosts: tuple[Reading, ...] = ()
    time: TimeAsk | None = None
    time_filters: bool = False
    place: str | None = None
    place_others: tuple[str, ...] = ()
    crisis: bool = False
    readings: tuple[Reading, ...] = ()

    def without(self, params: Iterable[str]) -> Understanding:
        """The same understanding minus the readings of parameters given explicitly."""
        given = frozenset(params)
        explicit_place = "near" in given
        result = msgspec.structs.replace(
            self,
            filters=tuple(r for r in self.filters if r.param not in given),
            boosts=tuple(r for r in self.boosts if r.param not in given),
            time=None if given & TIME_PARAMS else self.time,
            time_filters=self.time_filters and not given & TIME_PARAMS,
            place=None if explicit_place else self.place,
            place_others=() if explicit_place else self.place_others,
        )
        return msgspec.structs.replace(result, readings=_readings(result, self.readings))

    def filter_params(self) -> dict[str, list[str]]:
        """The filters as search parameters: param -> codes (OR-ed)."""
        return _by_param(self.filters)

    def boost_params(self) -> dict[str, list[str]]:
        """The boosts as param -> codes, for ranking only."""
        return _by_param(self.boosts)


def understand(
    q: str,
    *,
    near: str | None = None,
    at: datetime,
    tz: str | None = None,
    places: PlaceIndex | None = None,
) -> Understanding:
    """Read q (see the module docstring); `at` is aware, `tz` the person's IANA zone if known."""
    lex = lexicon()
    found = words(q)
    taken = [False] * len(found)
    crisis = _crisis(found, taken, lex)
    place_phrase, choice = read_place(found, taken, lex, places)
    place_taken = list(taken)
    senses = _senses(found, taken, lex, crisis=bool(crisis))
    filters, boosts = _sorted(senses, found, place_taken, lex, crisis=bool(crisis))
    kinds = {r.value for r in filters if r.param == "kind"}
    meetings = "meeting" in kinds or not any(r.param in ("kind", "need") for r in filters)
    time = read_time(found, taken, at=at, tz=tz, meetings=meetings)
    result = Understanding(
        q=q,
        text=" ".join(
            w for w, used in zip(found, taken, strict=True) if not used and w not in lex.stop_words
        ),
        filters=filters,
        boosts=boosts,
        time=time,
        time_filters=time is not None and meetings,
        crisis=bool(crisis),
    )
    if choice is not None and near is None:
        result = msgspec.structs.replace(result, place=choice[0], place_others=choice[1])
    prior: list[Reading] = []
    if crisis:
        prior.append(_reading("crisis", "crisis", "true", crisis, *_CRISIS_LABELS))
    if result.place is not None:
        label = result.place
        prior.append(
            _reading("place", "near", label, place_phrase, f"near {label}", f"cerca de {label}")
        )
    return msgspec.structs.replace(result, readings=_readings(result, tuple(prior)))


def reads_as_crisis(q: str) -> bool:
    """Whether q holds a crisis phrase (the lexicon's, typos forgiven), read alone."""
    found = words(q)
    return bool(_crisis(found, [False] * len(found), lexicon()))


def _crisis(found: Sequence[str], taken: list[bool], lex: Lexicon) -> str:
    fixed = [_typo_fixed(w, lex) for w in found]
    phrases: list[str] = []
    for start in range(len(found)):
        for size in range(min(lex.crisis_longest, len(found) - start), 0, -1):
            if (
                not any(taken[start : start + size])
                and tuple(fixed[start : start + size]) in lex.crisis
            ):
                taken[start : start + size] = [True] * size
                phrases.append(" ".join(found[start : start + size]))
                break
    return ", ".join(phrases)


def _typo_fixed(word: str, lex: Lexicon) -> str:
    if len(word) < 5 or word in lex.known_words:
        return word
    return corrected(word, lex.crisis_typos, lex.crisis_words)


def _spelled(word: str, lex: Lexicon) -> str:
    if len(word) < MIN_TYPO_LETTERS or word in lex.stop_words or word.isdigit():
        return word
    return corrected(word, lex.typos, lex.known_words)


def _senses(
    found: Sequence[str], taken: list[bool], lex: Lexicon, *, crisis: bool = False
) -> list[tuple[Sense, str]]:
    stems = [stem(_spelled(w, lex), lex.forms) for w in found]
    read: list[tuple[Sense, str]] = []
    relatives: list[tuple[int, int]] = []
    index = 0
    while index < len(found):
        for size in range(min(lex.longest, len(found) - index), 0, -1):
            if any(taken[index : index + size]):
                continue
            senses = lex.phrases.get(tuple(stems[index : index + size]))
            if senses is not None:
                phrase = " ".join(found[index : index + size])
                read.extend((sense, phrase) for sense in senses)
                taken[index : index + size] = [True] * size
                if all(sense.context for sense in senses):
                    relatives.append((index, index + size))
                index += size
                break
        else:
            index += 1
    # A relative alone reads as nothing, its words stay text ("My Sisters Place"); beside a
    # crisis phrase it is who the crisis is about ("my friend is overdosing").
    if not crisis and all(sense.context for sense, _phrase in read):
        for start, end in relatives:
            taken[start:end] = [False] * (end - start)
    return read


def _sorted(
    senses: list[tuple[Sense, str]],
    found: Sequence[str],
    place_taken: list[bool],
    lex: Lexicon,
    *,
    crisis: bool = False,
) -> tuple[tuple[Reading, ...], tuple[Reading, ...]]:
    plain = [(s, p) for s, p in senses if not s.context]
    relatives = [(s, p) for s, p in senses if s.context] if plain or crisis else []
    filters: dict[tuple[str, str], Reading] = {}
    boosts: dict[tuple[str, str], Reading] = {}
    for sense, phrase in plain + relatives:
        weak = sense.strength == "boost" or (
            bool(relatives) and sense.param == "need" and sense.code in _SUBSTANCES
        )
        reading = _vocabulary_reading("boost" if weak else "filter", sense, phrase)
        (boosts if weak else filters).setdefault((sense.param, sense.code), reading)
    spanish = next(
        (w for w, p in zip(found, place_taken, strict=True) if not p and w in _SPANISH), None
    )
    if spanish is not None:
        sense = Sense(param="language", code="es", strength="boost")
        boosts.setdefault(("language", "es"), _vocabulary_reading("boost", sense, spanish))
    return tuple(filters.values()), tuple(r for k, r in boosts.items() if k not in filters)


def _vocabulary_reading(kind: ReadingKind, sense: Sense, phrase: str) -> Reading:
    term = _TERMS[(sense.param, sense.code)]
    return _reading(kind, sense.param, sense.code, phrase, term.en, term.es)


def _reading(kind: ReadingKind, param: str, value: str, phrase: str, en: str, es: str) -> Reading:
    return Reading(kind=kind, param=param, value=value, phrase=phrase, en=en, es=es)


def _readings(
    result: Understanding, prior: tuple[Reading, ...] | list[Reading]
) -> tuple[Reading, ...]:
    kept = [
        r for r in prior if r.kind == "crisis" or (r.kind == "place" and result.place is not None)
    ]
    if result.time is not None:
        time = result.time
        value = "&".join(
            f"{k}={v if isinstance(v, str) else ','.join(v)}" for k, v in time.params().items()
        )
        kept.append(_reading("time", "time", value, time.phrase, time.en, time.es))
    ordered = [r for r in kept if r.kind == "crisis"] + list(result.filters)
    return (*ordered, *(r for r in kept if r.kind != "crisis"), *result.boosts)


def _by_param(readings: Iterable[Reading]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for reading in readings:
        grouped.setdefault(reading.param, []).append(reading.value)
    return grouped
