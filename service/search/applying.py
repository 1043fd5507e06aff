"""What was read in q, applied to a search, and said back so each reading can be taken back (pure).

The rules:
- explicit parameters always win: a parameter the request gives (partner presets included,
  as they arrive as the request's own filters and place) drops the readings of it;
- a confident reading (`Understanding.filters`) becomes that vocabulary filter;
- a time reading sets the schedule parameters only when `time_filters` (meetings, or nothing in
  particular): a shelter "tonight" keeps its time as a reading shown, not applied;
- a time reading that asks what is on from now on (now, today, tonight, this evening) also
  orders the answer soonest first when the request names no order, as the best meeting
  finders' "happening now" view does; a weekday or tomorrow keeps the default order;
- a place reading becomes `near` when the request gives none;
- the words left (`text`) are the full-text query;
- a crisis phrase with nothing else to search for (no text left, no filter read or given)
  asks for crisis lines (`need=crisis`, `kind=helpline`), not for the whole index;
- boosts never filter: they rank the boosted hits first (service/search/boosts.py) and are
  shown as readings.
Each shown reading carries `remove`: the query string of the same search with q minus the
reading's words, so a person (or a client) can take back one reading and keep the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final, Literal
from urllib.parse import urlencode

import msgspec

from service.contract.documents import FILTER_FIELDS
from service.contract.vocabulary import Term
from service.places.gazetteer import PlaceIndex
from service.search.request import SearchRequest, given_params, request_pairs
from service.search.understanding import Reading, Understanding, understand
from service.search.wording import words
from service.values import parse_flag

ReadingType = Literal["filter", "boost", "time", "place"]


def _term(param: str, code: str) -> Term:
    return next(
        t for f in FILTER_FIELDS if f.param == param for t in f.vocabulary.terms if t.code == code
    )


_CRISIS: Final = _term("need", "crisis")
_HELPLINE: Final = _term("kind", "helpline")
_TYPES: Final[dict[str, ReadingType]] = {
    "filter": "filter",
    "boost": "boost",
    "time": "time",
    "place": "place",
}
# Paging restarts on a changed question.
_NOT_REPEATED: Final = frozenset({"q", "page", "literal"})


class UnderstoodReading(msgspec.Struct, frozen=True, kw_only=True):
    """One reading of q, as the search used it, with the query string that drops it."""

    type: ReadingType
    param: str
    value: str
    phrase: str
    en: str
    es: str
    # Whether it changed which results match: False for a boost (ranking only) and for a time
    # read alongside a non-meeting ask (shown, not filtered on).
    applied: bool = True
    remove: str


class Understood(msgspec.Struct, frozen=True, kw_only=True):
    """What the search understood from q: the readings applied, the text searched."""

    q: str
    text: str
    readings: list[UnderstoodReading]
    # The same search with q's exact words (`literal=true`), as a query string.
    literal: str
    # Other places of the name read from q, as `near` values to offer.
    place_others: list[str] = msgspec.field(default_factory=list)


def is_literal(request: SearchRequest) -> bool:
    """Whether the request turns understanding off (`literal=true`)."""
    return parse_flag("literal", request.literal)


def read_request(
    request: SearchRequest, *, at: datetime, tz: str | None, places: PlaceIndex | None
) -> Understanding | None:
    """What q says, minus the readings of parameters the request gives; None without q."""
    if not request.q.strip():
        return None
    reading = understand(request.q, near=request.near, at=at, tz=tz, places=places)
    return _crisis_need(reading.without(given_params(request)), request)


def _crisis_need(reading: Understanding, request: SearchRequest) -> Understanding:
    if not reading.crisis or reading.text or reading.filters or request.filters:
        return reading
    crisis = next(r for r in reading.readings if r.kind == "crisis")
    need = Reading(
        kind="filter",
        param="need",
        value=_CRISIS.code,
        phrase=crisis.phrase,
        en=_CRISIS.en,
        es=_CRISIS.es,
    )
    # Crisis lines, not every service that lists crisis care among many others.
    kind = Reading(
        kind="filter",
        param="kind",
        value=_HELPLINE.code,
        phrase=crisis.phrase,
        en=_HELPLINE.en,
        es=_HELPLINE.es,
    )
    rest = tuple(r for r in reading.readings if r is not crisis)
    return msgspec.structs.replace(
        reading, filters=(need, kind), readings=(crisis, need, kind, *rest)
    )


def applied(request: SearchRequest, reading: Understanding) -> SearchRequest:
    """The request with the readings applied (see the module docstring)."""
    filters = dict(request.filters)
    for param, codes in reading.filter_params().items():
        filters.setdefault(param, codes)
    changes: dict[str, object] = {"filters": filters, "q": reading.text}
    if reading.time is not None and reading.time_filters:
        times = reading.time.params()
        changes |= {
            "open_now": times.get("open_now"),
            "starts_within_min": times.get("starts_within_min"),
            "day": list(times.get("day", [])),
            "time_from": times.get("time_from"),
            "time_to": times.get("time_to"),
        }
        if request.sort is None and reading.time.soon:
            changes["sort"] = "soonest"
    if reading.place is not None and request.near is None:
        changes["near"] = reading.place
    return msgspec.structs.replace(request, **changes)


def q_without(q: str, phrase: str) -> str:
    """q's words without the first run of `phrase`'s words (both folded alike)."""
    found, cut = words(q), words(phrase)
    for start in range(len(found) - len(cut) + 1):
        if cut and found[start : start + len(cut)] == cut:
            return " ".join(found[:start] + found[start + len(cut) :])
    return " ".join(found)


def _query(pairs: Sequence[tuple[str, str]]) -> str:
    return urlencode(list(pairs), safe=",")


def understood(request: SearchRequest, reading: Understanding) -> Understood | None:
    """The `understood` block of a response; None when nothing was read from q."""
    kept = [(k, v) for k, v in request_pairs(request) if k not in _NOT_REPEATED]
    shown = [r for r in reading.readings if r.kind != "crisis"]
    if not shown:
        return None

    def remove(phrase: str) -> str:
        rest = q_without(request.q, phrase)
        return _query([("q", rest), *kept] if rest else kept)

    return Understood(
        q=request.q,
        text=reading.text,
        readings=[
            UnderstoodReading(
                type=_type(r),
                param=r.param,
                value=r.value,
                phrase=r.phrase,
                en=r.en,
                es=r.es,
                applied=r.kind in ("filter", "place")
                or (r.kind == "time" and reading.time_filters),
                remove=remove(r.phrase),
            )
            for r in shown
        ],
        literal=_query([("q", request.q), *kept, ("literal", "true")]),
        place_others=list(reading.place_others),
    )


def _applied(reading: Reading, understanding: Understanding) -> bool:
    if reading.kind == "time":
        return understanding.time_filters
    return reading.kind in ("filter", "place")


def _type(reading: Reading) -> ReadingType:
    return _TYPES[reading.kind]
