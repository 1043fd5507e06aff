"""One search, start to finish: a SearchRequest and the service's parts -> a SearchResponse.

`/v1/search`, its CSV export, the page and the embed all call `run_search`, so they check,
filter, rank and answer alike.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Final

import msgspec

from service.contract.documents import SearchHit
from service.errors import BadParameterError, UnknownPlaceError
from service.places.cities import CityChoice
from service.places.geocoder import GazetteerGeocoder, PlaceNotFoundError, PlaceSyntaxError
from service.places.units import distance_km
from service.schedules.params import Clock, TimeFilter, parse_instant, parse_zone
from service.search.alternatives import Alternative, alternatives, is_thin
from service.search.applying import Understood, applied, is_literal, read_request, understood
from service.search.boosts import boost_clause, rest_clause, summed_facets, tier_plan
from service.search.client import MeiliSearchResult, SearchIndex
from service.search.crisis import CrisisBlock, crisis_lines
from service.search.freshness import Freshness, with_stale
from service.search.nearby import PlaceCaches, place_results
from service.search.query import Limits, SearchParams, build_search_body, facets_by_param
from service.search.request import SearchRequest, validated
from service.search.result_cache import ResultCache
from service.search.timed import asked, schedule_search, time_clauses, with_occurrences
from service.search.understanding import Understanding

API_PER_PAGE: Final = 20
# `at` stands in for "now" only where it changes what Meilisearch is asked; elsewhere the
# key leaves it out, so the same question is reused from minute to minute.
_ANY_TIME: Final = datetime(2000, 1, 1, tzinfo=UTC)
_result_decoder: Final = msgspec.msgpack.Decoder(MeiliSearchResult)


class SearchOrigin(msgspec.Struct, frozen=True, kw_only=True):
    """The place a search was made near, as resolved."""

    near: str
    lat: float
    lng: float
    radius_km: float
    # USPS state of the place: remote services serving it are included (README).
    state: str | None = None
    # Other places of a bare city name (the most populous one was chosen), as `near` values.
    others: list[str] = msgspec.field(default_factory=list)


class SearchResponse(msgspec.Struct, frozen=True, kw_only=True):
    """One page of results with totals and facet counts; crisis lines before anything else."""

    # Set when q reads as a crisis, whatever else was asked (also with literal=true).
    crisis: CrisisBlock | None = None
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    total_pages: int
    sort: str
    facets: dict[str, dict[str, int]]
    origin: SearchOrigin | None = None
    # What was read from q and applied; None with literal=true or when nothing was read.
    understood: Understood | None = None
    # For an empty or thin first page: labelled results that answer nearby questions.
    alternatives: list[Alternative] = msgspec.field(default_factory=list)


class SearchDeps(msgspec.Struct, frozen=True, kw_only=True):
    """The parts of the service a search uses, from the app's state."""

    index: SearchIndex
    geocoder: GazetteerGeocoder
    limits: Limits
    clock: Clock
    freshness: Freshness
    result_cache: ResultCache[bytes]
    places: PlaceCaches


def empty_response(per_page: int) -> SearchResponse:
    """An answer with no hits, for a search that cannot match anything."""
    return SearchResponse(
        hits=[], total=0, page=1, per_page=per_page, total_pages=0, sort="relevance", facets={}
    )


def resolve_near_state(
    geocoder: GazetteerGeocoder, near: str
) -> tuple[tuple[float, float], str | None]:
    """(lat, lng) and USPS state of `near`, resolved offline; 400 for bad syntax, 422 if unknown."""
    place = resolve_near(geocoder, near).place
    return (place.lat, place.lng), place.state


def resolve_near(geocoder: GazetteerGeocoder, near: str) -> CityChoice:
    """`near` resolved offline, a bare city name to its most populous place (others offered)."""
    try:
        return geocoder.gazetteer.resolve_choice(near)
    except PlaceSyntaxError as exc:
        raise BadParameterError("near", f"near: {exc}") from exc
    except PlaceNotFoundError as exc:
        raise UnknownPlaceError(near) from exc


def with_distances(hits: list[SearchHit], origin: tuple[float, float]) -> list[SearchHit]:
    """Hits with `distance_km` from the origin, measured with geopy."""
    return [
        msgspec.structs.replace(
            hit, distance_km=round(distance_km(origin, (hit.geo.lat, hit.geo.lng)), 2)
        )
        if hit.geo is not None
        else hit
        for hit in hits
    ]


async def run_search(
    request: SearchRequest,
    deps: SearchDeps,
    *,
    per_page: int = API_PER_PAGE,
    fixed: Collection[str] = (),
    offer_alternatives: bool = True,
) -> SearchResponse:
    """Understand q, check the request, search (through the result cache) and answer one page,
    with crisis lines first when q reads as a crisis and alternatives when the page is thin.

    `per_page` is the surface's default page size, used when the request gives none; `fixed`
    names the parameters a partner presets, which no alternative may widen; a surface that
    cannot show alternatives (the CSV file) turns them off.
    """
    now = deps.clock()
    # Read before the request is checked, so whatever it adds is validated and quoted like
    # the visitor's own filters; read even when literal, as a crisis always gets crisis help.
    reading = read_request(
        request,
        at=parse_instant(request.at, now=now),
        tz=parse_zone(request.tz),
        places=deps.geocoder.gazetteer,
    )
    literal = is_literal(request) or reading is None
    asked = request if literal or reading is None else applied(request, reading)
    # Boosts rank within the order the search would use by default; an order the request
    # names (nearest first, soonest first) is kept strictly.
    boost = (
        None if literal or reading is None or asked.sort else boost_clause(reading.boost_params())
    )
    answer = (
        _boosted_answer(asked, boost, deps, per_page=per_page, now=now)
        if boost is not None
        else _answer(asked, deps, per_page=per_page, now=now)
    )
    crisis: CrisisBlock | None = None
    if reading is not None and reading.crisis:
        (response, params), crisis = await asyncio.gather(
            answer, crisis_lines(deps.index, deps.result_cache)
        )
    else:
        response, params = await answer
    return msgspec.structs.replace(
        response,
        crisis=crisis,
        understood=None if literal or reading is None else understood(request, reading),
        alternatives=await _alternatives(asked, reading, response, params, deps, fixed)
        if offer_alternatives and is_thin(response.page, response.hits)
        else [],
    )


async def _boosted_answer(
    request: SearchRequest, clause: str, deps: SearchDeps, *, per_page: int, now: datetime
) -> tuple[SearchResponse, SearchParams]:
    """The answer to the request with the boosted tier's hits first (service/search/boosts.py)."""
    first, params = await _answer(request, deps, per_page=per_page, now=now, extra=(clause,))
    if params.sort == "soonest":
        return await _answer(request, deps, per_page=per_page, now=now)
    size = first.per_page
    plan = tier_plan(first.page, size, first.total)
    rest_pages = [s.page for s in plan.rest] or [1]
    rests = await asyncio.gather(
        *(
            _answer(
                msgspec.structs.replace(request, page=page, per_page=size),
                deps,
                per_page=per_page,
                now=now,
                extra=(rest_clause(clause),),
            )
            for page in rest_pages
        )
    )
    by_page = {page: answer for page, (answer, _params) in zip(rest_pages, rests, strict=True)}
    hits = [hit for s in plan.boosted for hit in first.hits[s.start : s.stop]]
    hits += [hit for s in plan.rest for hit in by_page[s.page].hits[s.start : s.stop]]
    rest = rests[0][0]
    total = first.total + rest.total
    response = msgspec.structs.replace(
        first,
        hits=hits,
        total=total,
        total_pages=math.ceil(total / size) if size else 0,
        facets=summed_facets(first.facets, rest.facets),
    )
    return response, params


async def _answer(
    request: SearchRequest,
    deps: SearchDeps,
    *,
    per_page: int,
    now: datetime,
    extra: Sequence[str] = (),
) -> tuple[SearchResponse, SearchParams]:
    """The honest answer to the request as given (plus `extra` filter clauses): no reading
    of q."""
    params, time_filter = validated(request, limits=deps.limits, now=now, per_page=per_page)
    choice = resolve_near(deps.geocoder, params.near) if params.near else None
    origin = (choice.place.lat, choice.place.lng) if choice else None
    state = choice.place.state if choice else None
    result = _result_decoder.decode(
        await deps.result_cache.get(
            _result_key(params, origin, state, time_filter, extra),
            lambda: _results(deps.index, deps.places, params, origin, state, time_filter, extra),
        )
    )
    hits = with_occurrences(result.hits, time_filter)
    hits = with_stale(hits, deps.freshness, now=now)
    found = _origin(params, origin, state)
    if found is not None and choice is not None and choice.others:
        found = msgspec.structs.replace(found, others=[p.label for p in choice.others])
    response = SearchResponse(
        hits=hits,
        total=result.totalHits,
        page=params.page,
        per_page=params.per_page,
        total_pages=result.totalPages,
        sort=params.sort,
        facets=facets_by_param(result.facetDistribution),
        origin=found,
    )
    return response, params


async def _alternatives(
    asked: SearchRequest,
    reading: Understanding | None,
    response: SearchResponse,
    params: SearchParams,
    deps: SearchDeps,
    fixed: Collection[str],
) -> list[Alternative]:
    async def search(request: SearchRequest) -> tuple[list[SearchHit], int]:
        try:
            answer, _params = await _answer(request, deps, per_page=API_PER_PAGE, now=deps.clock())
        except BadParameterError:
            return [], 0
        return answer.hits, answer.total

    origin = response.origin
    kinds = dict(params.filters).get("kind", ())
    return await alternatives(
        asked,
        response.hits,
        search,
        radius_km=origin.radius_km if origin else None,
        max_radius_km=deps.limits.max_radius_km,
        state=origin.state if origin else None,
        by_time=(reading is not None and reading.time is not None)
        or "meeting" in kinds
        or asked.open_now is not None
        or asked.starts_within_min is not None
        or bool(asked.day),
        fixed=fixed,
    )


async def _results(
    search_index: SearchIndex,
    places: PlaceCaches,
    params: SearchParams,
    origin: tuple[float, float] | None,
    state: str | None,
    time_filter: TimeFilter,
    extra: Sequence[str] = (),
) -> bytes:
    """What Meilisearch answers to the validated question, with distances, encoded (a
    third of the memory of the decoded hits: the cache keeps these bytes)."""
    if origin is not None:
        clauses = [*await time_clauses(search_index, time_filter), *extra]
        placed = await place_results(
            search_index,
            params,
            origin,
            state=state,
            extra=clauses,
            caches=places,
            at=time_filter.at,
            slots=asked(time_filter),
        )
        result = msgspec.structs.replace(placed, hits=with_distances(placed.hits, origin))
    else:
        body = build_search_body(params, None)
        body["filter"] = [*body["filter"], *extra]
        result = await schedule_search(
            search_index, body, time_filter=time_filter, sort=params.sort
        )
    return msgspec.msgpack.encode(result)


def _result_key(
    params: SearchParams,
    origin: tuple[float, float] | None,
    state: str | None,
    time_filter: TimeFilter,
    extra: Sequence[str] = (),
) -> bytes:
    """Everything `_results` depends on besides the index's content."""
    asks_time = time_filter.filters or params.sort == "soonest"
    time_key = msgspec.structs.replace(
        time_filter, viewer_tz=None, at=time_filter.at if asks_time else _ANY_TIME
    )
    return msgspec.json.encode((params, origin, state, time_key, tuple(extra)))


def _origin(
    params: SearchParams, origin: tuple[float, float] | None, state: str | None = None
) -> SearchOrigin | None:
    if origin is None or params.near is None:
        return None
    return SearchOrigin(
        near=params.near, lat=origin[0], lng=origin[1], radius_km=params.radius_km, state=state
    )
