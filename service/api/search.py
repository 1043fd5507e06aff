"""`GET /v1/search`: filtered, location-aware search."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Final

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from service.contract.documents import SearchHit
from service.errors import BadParameterError, UnknownPlaceError
from service.places.geocoder import GazetteerGeocoder, PlaceSyntaxError, parse_place
from service.places.units import distance_km
from service.schedules.params import Clock, TimeFilter, parse_flag, validate_time_params
from service.search.client import MeiliSearchResult, SearchIndex
from service.search.freshness import Freshness, with_stale
from service.search.nearby import place_results
from service.search.query import (
    Limits,
    SearchParams,
    build_search_body,
    facets_by_param,
    validate_params,
)
from service.search.result_cache import ResultCache
from service.search.timed import schedule_search, time_clauses, with_occurrences

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


class SearchResponse(msgspec.Struct, frozen=True, kw_only=True):
    """One page of results with totals and facet counts."""

    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    total_pages: int
    sort: str
    facets: dict[str, dict[str, int]]
    origin: SearchOrigin | None = None


def resolve_near_state(
    geocoder: GazetteerGeocoder, near: str
) -> tuple[tuple[float, float], str | None]:
    """(lat, lng) and USPS state of `near`, resolved offline; 400 for bad syntax, 422 if unknown."""
    try:
        parse_place(near)
    except PlaceSyntaxError as exc:
        raise BadParameterError("near", f"near: {exc}") from exc
    location = geocoder.geocode(near, exactly_one=True)
    if location is None or isinstance(location, list):
        raise UnknownPlaceError(near)
    state = location.raw.get("state") if isinstance(location.raw, dict) else None
    return (float(location.latitude), float(location.longitude)), state


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


Repeated = Annotated[list[str] | None, QueryParameter(required=False)]
Flag = Annotated[str | None, QueryParameter(required=False, description="true or false")]


@get("/v1/search", summary="Search resources", tags=["search"])
async def search(
    search_index: NamedDependency[SearchIndex],
    geocoder: NamedDependency[GazetteerGeocoder],
    limits: NamedDependency[Limits],
    clock: NamedDependency[Clock],
    freshness: NamedDependency[Freshness],
    result_cache: NamedDependency[ResultCache[bytes]],
    q: Annotated[
        str, QueryParameter(description="Text to search for (at most 200 characters)")
    ] = "",
    near: Annotated[
        str | None,
        QueryParameter(description='A 5-digit ZIP code, "City, ST", or "lat,lng"'),
    ] = None,
    radius_km: Annotated[
        float | None, QueryParameter(description="Search radius around `near`, in km")
    ] = None,
    kind: Repeated = None,
    need: Repeated = None,
    language: Repeated = None,
    community: Repeated = None,
    accessibility: Repeated = None,
    attendance: Repeated = None,
    cost: Repeated = None,
    sort: Annotated[
        str | None, QueryParameter(description="relevance, distance or soonest")
    ] = None,
    page: Annotated[int, QueryParameter(description="Page number, from 1")] = 1,
    per_page: Annotated[int, QueryParameter(description="Results per page")] = 20,
    open_now: Flag = None,
    starts_within_min: Annotated[
        str | None, QueryParameter(description="Starts within this many minutes (1-1440)")
    ] = None,
    day: Annotated[
        list[str] | None, QueryParameter(required=False, description="mon..sun, repeatable")
    ] = None,
    time_from: Annotated[
        str | None, QueryParameter(description="Starts at or after HH:MM, venue-local")
    ] = None,
    time_to: Annotated[
        str | None, QueryParameter(description="Starts before HH:MM (24:00 allowed), venue-local")
    ] = None,
    at: Annotated[
        str | None, QueryParameter(description="ISO 8601 instant with offset used as now")
    ] = None,
    tz: Annotated[
        str | None, QueryParameter(description="Viewer's IANA zone for next_occurrence_viewer")
    ] = None,
    include_closed: Flag = None,
    include_online: Flag = None,
    facets: Annotated[
        str | None,
        QueryParameter(
            description="Facet counts to return: all (default), none, or a comma-separated "
            "list of filter parameters (kind,language,...)"
        ),
    ] = None,
) -> SearchResponse:
    """Search by text, place and vocabulary filters; repeated keys are OR, keys are AND."""
    time_filter = validate_time_params(
        open_now=open_now,
        starts_within_min=starts_within_min,
        day=day,
        time_from=time_from,
        time_to=time_to,
        at=at,
        tz=tz,
        now=clock(),
    )
    params = validate_params(
        q=q,
        near=near,
        radius_km=radius_km,
        sort=sort,
        page=page,
        per_page=per_page,
        filters={
            "kind": kind,
            "need": need,
            "language": language,
            "community": community,
            "accessibility": accessibility,
            "attendance": attendance,
            "cost": cost,
        },
        limits=limits,
        include_closed=parse_flag("include_closed", include_closed),
        include_online=parse_flag("include_online", include_online),
        facets=facets,
    )
    origin, state = resolve_near_state(geocoder, params.near) if params.near else (None, None)
    result = _result_decoder.decode(
        await result_cache.get(
            _result_key(params, origin, state, time_filter),
            lambda: _results(search_index, params, origin, state, time_filter),
        )
    )
    hits = with_occurrences(result.hits, time_filter)
    hits = with_stale(hits, freshness, now=clock())
    return SearchResponse(
        hits=hits,
        total=result.totalHits,
        page=params.page,
        per_page=params.per_page,
        total_pages=result.totalPages,
        sort=params.sort,
        facets=facets_by_param(result.facetDistribution),
        origin=_origin(params, origin, state),
    )


async def _results(
    search_index: SearchIndex,
    params: SearchParams,
    origin: tuple[float, float] | None,
    state: str | None,
    time_filter: TimeFilter,
) -> bytes:
    """What Meilisearch answers to the validated question, with distances, encoded (a
    third of the memory of the decoded hits: the cache keeps these bytes)."""
    if origin is not None:
        extra = await time_clauses(search_index, time_filter)
        placed = await place_results(search_index, params, origin, state=state, extra=extra)
        result = msgspec.structs.replace(placed, hits=with_distances(placed.hits, origin))
    else:
        body = build_search_body(params, None)
        result = await schedule_search(
            search_index, body, time_filter=time_filter, sort=params.sort
        )
    return msgspec.msgpack.encode(result)


def _result_key(
    params: SearchParams,
    origin: tuple[float, float] | None,
    state: str | None,
    time_filter: TimeFilter,
) -> bytes:
    """Everything `_results` depends on besides the index's content."""
    asks_time = time_filter.filters or params.sort == "soonest"
    time_key = msgspec.structs.replace(
        time_filter, viewer_tz=None, at=time_filter.at if asks_time else _ANY_TIME
    )
    return msgspec.json.encode((params, origin, state, time_key))


def _origin(
    params: SearchParams, origin: tuple[float, float] | None, state: str | None = None
) -> SearchOrigin | None:
    if origin is None or params.near is None:
        return None
    return SearchOrigin(
        near=params.near, lat=origin[0], lng=origin[1], radius_km=params.radius_km, state=state
    )
