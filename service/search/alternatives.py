"""Never a dead end: when the answer is empty or thin, the nearest real alternatives, labelled.

Kept apart from the hits (`alternatives`), so the answer's total stays the honest count of
what was asked. Three groups, each only when it has something to show:
- farther: the same search with the radius doubled step by step up to the maximum, stopping
  at the first radius that finds more; it reports that radius and the nearest new distance;
- online: the same filters attended online (meetings, telehealth), serving the place's state;
  by next start when the ask is for meetings or a time;
- helplines: helplines for the same needs (else any) that serve the place's state.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Collection, Sequence
from typing import Final, Literal
from urllib.parse import urlencode

import msgspec

from service.contract.documents import FILTER_FIELDS, SearchHit
from service.search.request import SearchRequest, request_pairs

# An answer this short on page 1 gets alternatives.
THIN_HITS: Final = 3
SHOWN_PER_GROUP: Final = 3
_TERMS: Final = {(f.param, t.code): t for f in FILTER_FIELDS for t in f.vocabulary.terms}
_TIME_FIELDS: Final[dict[str, object]] = {
    "open_now": None,
    "starts_within_min": None,
    "day": [],
    "time_from": None,
    "time_to": None,
}
AlternativeType = Literal["farther", "online", "helplines"]
# Runs one search, without understanding or alternatives: its hits and total.
Searcher = Callable[[SearchRequest], Awaitable[tuple[list[SearchHit], int]]]


class Alternative(msgspec.Struct, frozen=True, kw_only=True):
    """A labelled group of results that answer a nearby question, not the one asked."""

    type: AlternativeType
    en: str
    es: str
    # The query string of the search this group comes from.
    query: str
    total: int
    hits: list[SearchHit]
    radius_km: float | None = None
    nearest_km: float | None = None


def is_thin(page: int, hits: Sequence[SearchHit]) -> bool:
    """Whether an answer is empty or thin enough to offer alternatives."""
    return page == 1 and len(hits) < THIN_HITS


def radius_steps(radius_km: float, max_radius_km: float) -> list[float]:
    """The wider radii to try: doubling from `radius_km`, the last one the maximum."""
    steps: list[float] = []
    step = radius_km
    while step < max_radius_km:
        step = min(step * 2, max_radius_km)
        steps.append(step)
    return steps


def _what(request: SearchRequest) -> tuple[str, str]:
    """What was asked for, in words: the one kind, else the one need, else "results"."""
    for param in ("kind", "need"):
        codes = request.filters.get(param, [])
        if len(codes) == 1 and (term := _TERMS.get((param, codes[0]))) is not None:
            return term.en[0].lower() + term.en[1:], term.es[0].lower() + term.es[1:]
    return "results", "resultados"


def _query(request: SearchRequest) -> str:
    return urlencode(request_pairs(request), safe=",")


def _km(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value.is_integer() else f"{value:.1f}"


async def farther(
    request: SearchRequest,
    shown: Sequence[SearchHit],
    search: Searcher,
    *,
    radius_km: float,
    max_radius_km: float,
) -> Alternative | None:
    """The same search at the first wider radius that finds more, nearest first."""
    seen = {h.id for h in shown}
    for step in radius_steps(radius_km, max_radius_km):
        wider = msgspec.structs.replace(
            request, radius_km=step, sort="distance", page=1, per_page=len(seen) + SHOWN_PER_GROUP
        )
        hits, total = await search(wider)
        new = [h for h in hits if h.id not in seen and h.distance_km is not None]
        if not new:
            continue
        nearest = min(h.distance_km for h in new if h.distance_km is not None)
        en, es = _what(request)
        if shown:
            label_en = (
                f"Farther out: more {en} within {_km(step)} km, the nearest {_km(nearest)} km away"
            )
            label_es = (
                f"Más lejos: más {es} a menos de {_km(step)} km; lo más cercano a {_km(nearest)} km"
            )
        else:
            label_en = f"No {en} within {_km(radius_km)} km: the nearest are {_km(nearest)} km away"
            label_es = (
                f"Sin {es} a menos de {_km(radius_km)} km: lo más cercano está a {_km(nearest)} km"
            )
        return Alternative(
            type="farther",
            en=label_en,
            es=label_es,
            query=_query(msgspec.structs.replace(wider, per_page=None)),
            total=total,
            hits=new[:SHOWN_PER_GROUP],
            radius_km=step,
            nearest_km=round(nearest, 2),
        )
    return None


async def online(
    request: SearchRequest, search: Searcher, *, state: str | None, by_time: bool
) -> Alternative | None:
    """The same filters attended online, serving the place's state; soonest first for time asks."""
    if "online" in request.filters.get("attendance", []):
        return None
    filters = request.filters | {"attendance": ["online"]}
    asked = msgspec.structs.replace(
        request,
        filters=filters,
        sort="soonest" if by_time else request.sort,
        page=1,
        per_page=SHOWN_PER_GROUP,
        **_TIME_FIELDS,
    )
    hits, total = await search(asked)
    if not hits:
        return None
    en, es = _what(request)
    where_en, where_es = (f" serving {state}", f" para {state}") if state else ("", "")
    soon_en, soon_es = (", starting soonest", ", las próximas primero") if by_time else ("", "")
    return Alternative(
        type="online",
        en=f"Online {en}{where_en}{soon_en}",
        es=f"{es[0].upper()}{es[1:]} en línea{where_es}{soon_es}",
        query=_query(msgspec.structs.replace(asked, per_page=None)),
        total=total,
        hits=hits,
    )


async def helplines(
    request: SearchRequest,
    search: Searcher,
    *,
    state: str | None,
    any_need: bool = True,
    fixed: Collection[str] = (),
) -> Alternative | None:
    """Helplines for the same needs (else any, when `any_need`) that serve the place's state,
    still within the request's filters that `fixed` names (a partner's language, say)."""
    if request.filters.get("kind") == ["helpline"]:
        return None
    needs = request.filters.get("need", [])
    kept = {p: v for p, v in request.filters.items() if p in fixed and p not in {"kind", "need"}}
    tries = [{**kept, "kind": ["helpline"], "need": needs}] if needs else []
    if any_need or not needs:
        tries.append({**kept, "kind": ["helpline"]})
    for filters in tries:
        asked = SearchRequest(
            near=request.near, filters=filters, per_page=SHOWN_PER_GROUP, facets="none"
        )
        hits, total = await search(asked)
        if hits:
            where_en, where_es = (f" serving {state}", f" para {state}") if state else ("", "")
            return Alternative(
                type="helplines",
                en=f"Helplines{where_en}: call for advice and referrals",
                es=f"Líneas de ayuda{where_es}: llame para orientación y referencias",
                query=_query(msgspec.structs.replace(asked, per_page=None, facets=None)),
                total=total,
                hits=hits,
            )
    return None


async def alternatives(
    request: SearchRequest,
    shown: Sequence[SearchHit],
    search: Searcher,
    *,
    radius_km: float | None,
    max_radius_km: float,
    state: str | None,
    by_time: bool,
    fixed: Collection[str] = (),
) -> list[Alternative]:
    """The alternative groups of a thin answer to `request` (as the search ran it).

    `fixed` names parameters no alternative may change (a partner's presets): a group that
    would widen one of them is left out.
    """
    quiet = msgspec.structs.replace(request, facets="none")
    wanted = [
        farther(quiet, shown, search, radius_km=radius_km, max_radius_km=max_radius_km)
        if radius_km is not None and request.near and "radius_km" not in fixed
        else None,
        online(quiet, search, state=state, by_time=by_time) if "attendance" not in fixed else None,
        helplines(quiet, search, state=state, any_need="need" not in fixed, fixed=fixed)
        if "kind" not in fixed
        else None,
    ]
    found = await asyncio.gather(*(w for w in wanted if w is not None))
    return [group for group in found if group is not None]
