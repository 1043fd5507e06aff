"""`GET /v1/search`: filtered, location-aware search."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import QueryParameter

from service.documents import SearchHit
from service.errors import BadParameterError, UnknownPlaceError
from service.geo import GazetteerGeocoder, PlaceSyntaxError, distance_km, parse_place
from service.query import (
    Limits,
    SearchParams,
    build_search_body,
    facets_by_param,
    validate_params,
)
from service.search_client import SearchIndex


class SearchOrigin(msgspec.Struct, frozen=True, kw_only=True):
    """The place a search was made near, as resolved."""

    near: str
    lat: float
    lng: float
    radius_km: float


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


def resolve_near(geocoder: GazetteerGeocoder, near: str) -> tuple[float, float]:
    """(lat, lng) of `near`, resolved offline; raises 400 for bad syntax, 422 if unknown."""
    try:
        parse_place(near)
    except PlaceSyntaxError as exc:
        raise BadParameterError("near", f"near: {exc}") from exc
    location = geocoder.geocode(near, exactly_one=True)
    if location is None or isinstance(location, list):
        raise UnknownPlaceError(near)
    return (float(location.latitude), float(location.longitude))


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


@get("/v1/search", summary="Search resources", tags=["search"])
async def search(
    search_index: NamedDependency[SearchIndex],
    geocoder: NamedDependency[GazetteerGeocoder],
    limits: NamedDependency[Limits],
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
    sort: Annotated[str | None, QueryParameter(description="relevance or distance")] = None,
    page: Annotated[int, QueryParameter(description="Page number, from 1")] = 1,
    per_page: Annotated[int, QueryParameter(description="Results per page")] = 20,
) -> SearchResponse:
    """Search by text, place and vocabulary filters; repeated keys are OR, keys are AND."""
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
    )
    origin = resolve_near(geocoder, params.near) if params.near else None
    result = await search_index.search(build_search_body(params, origin))
    hits = with_distances(result.hits, origin) if origin else result.hits
    return SearchResponse(
        hits=hits,
        total=result.totalHits,
        page=params.page,
        per_page=params.per_page,
        total_pages=result.totalPages,
        sort=params.sort,
        facets=facets_by_param(result.facetDistribution),
        origin=_origin(params, origin),
    )


def _origin(params: SearchParams, origin: tuple[float, float] | None) -> SearchOrigin | None:
    if origin is None or params.near is None:
        return None
    return SearchOrigin(near=params.near, lat=origin[0], lng=origin[1], radius_km=params.radius_km)
