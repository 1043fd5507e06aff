"""Nearest-first search near a place without Meilisearch's geo filter or geo sort.

Meilisearch answers `_geoRadius` and `_geoPoint` sorting by loading its R-tree and walking
it outwards through every point, whatever the other filters; at 200,000 documents that is
most of a place search's cost (bench/RESULTS.md). Here, in two round trips of cheap
equality filters (service/places/cells.py):

1. one multi-search asks for the `geo_key` facet (each point, with how many matching
   documents sit there) over the cells straddling the circle's edge, and over a small disc
   around the place;
2. the edge points are measured with Meilisearch's own haversine, so that `(interior cells)
   OR (edge points inside)` is exactly the `_geoRadius` set; the disc's points, sorted by
   distance, give the page when it lies within the disc; a second multi-search counts the
   exact set (with facets when asked) and fetches the page's documents by point.

When an answer cannot be proven exact this way (the page reaches past the local results
into remote services, a facet would be cut short, or the disc holds too few results even at
the full radius), the search falls back to the straightforward Meilisearch query, so results
are always the same as `_geoRadius` plus `_geoPoint` sorting would give.

With text, "nearest first" is still strictly by distance: the probes and the fetch carry the
text, so the points hold only matching documents. (Meilisearch's own `sort` comes after the
relevance rules, so it would list a 10 km hit matching every word before a 1 km hit matching
fewer.) Only the fallback keeps Meilisearch's relevance-then-distance order.

`sort=soonest` near a place pages the exact circle by time ahead (service/search/soonest.py).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Final

import msgspec

from service.contract.documents import SearchHit
from service.contract.filters import quote_value
from service.places.cells import cover, parse_geo_key, within
from service.places.units import distance_m, km_to_m
from service.search.client import MeiliSearchResult, SearchIndex
from service.search.query import (
    MATCHING_STRATEGY,
    RETRIEVED_ATTRIBUTES,
    SearchParams,
    base_filters,
    build_search_body,
    online_asked,
    place_clause,
)
from service.search.soonest import SlotPick, soonest_search, whole
from service.search.timed import indexed_zones

FIRST_STAGE_M: Final = 5000.0
MAX_STAGE_HINTS: Final = 4096
# The clauses, not the cells: a 25 km circle's three clauses take about 14 KB (its cells as
# Python strings about twice that), so 1024 circles stay near 15 MB; one costs about 0.6 ms.
MAX_CIRCLES: Final = 1024
# Beyond this rank the page is left to Meilisearch's sort: deep pages are rare.
MAX_STAGED_RANK: Final = 200
# INDEX_SETTINGS faceting.maxValuesPerFacet: a facet this long may have been cut short.
MAX_FACET_VALUES: Final = 10000
GEO_KEY: Final = "geo_key"
GEO_CELLS: Final = "geo_cells"

Filter = list[str | list[str]]


class Point(msgspec.Struct, frozen=True):
    """A point holding matching documents, with its distance from the searched place.

    Meilisearch's distance sort ranks by whole metres (equal ones in its internal document
    order), so points are ranked by `rank_m`, the distance rounded as Rust rounds.
    """

    distance_m: float
    key: str
    count: int

    @property
    def rank_m(self) -> int:
        """The distance in whole metres, halves away from zero (Rust's round)."""
        return math.floor(self.distance_m + 0.5)


def in_clause(attribute: str, values: Sequence[str]) -> str:
    """`attribute IN [...]` of quoted values; values never come from user text."""
    return f"{attribute} IN [{', '.join(quote_value(v) for v in values)}]"


def cells_values(cells: Sequence[str]) -> str:
    """The quoted, comma-separated values of cell ids for an `IN [...]` clause.

    Cell ids are built from integers (places/cells.py `cell_id`: digits, '-' and ':'), so
    there is nothing for quote_value to escape; quoting them directly saves its two
    replacements per cell, several hundred per circle.
    """
    return ", ".join([f'"{cell}"' for cell in cells])


class CircleCells(msgspec.Struct, frozen=True, kw_only=True):
    """A circle's cover as the values of the filter clauses the search sends, built once per
    circle; the clauses themselves are put together when asked (one join, no quoting)."""

    # Of the cells wholly inside; "" when there are none.
    interior_values: str
    # Of the cells on the edge, whose points are measured one by one.
    boundary_values: str

    @property
    def interior(self) -> str | None:
        """`geo_cells IN [...]` of the cells wholly inside; None when there are none."""
        return f"{GEO_CELLS} IN [{self.interior_values}]" if self.interior_values else None

    @property
    def boundary(self) -> str:
        """`geo_cells IN [...]` of the cells on the edge."""
        return f"{GEO_CELLS} IN [{self.boundary_values}]"

    @property
    def whole(self) -> str:
        """Of both: every point within the circle is in one of these cells."""
        values = ", ".join(v for v in (self.interior_values, self.boundary_values) if v)
        return f"{GEO_CELLS} IN [{values}]"


def circle_cells(center: tuple[float, float], radius_m: float) -> CircleCells | None:
    """The cover of the circle as clauses; None where no cover is built (places/cells.py)."""
    found = cover(center, radius_m)
    if found is None:
        return None
    return CircleCells(
        interior_values=cells_values(found.interior),
        boundary_values=cells_values(found.boundary),
    )


def local_clause(interior: str | None, inside_keys: Sequence[str]) -> str:
    """Exactly the documents within the circle: whole interior cells, and edge points inside."""
    parts = [interior] if interior else []
    if inside_keys:
        parts.append(in_clause(GEO_KEY, inside_keys))
    # An empty circle: a clause that matches nothing (no document has an empty geo_key).
    return " OR ".join(f"({p})" for p in parts) if parts else f'{GEO_KEY} = ""'


def points(result: MeiliSearchResult, origin: tuple[float, float]) -> list[Point] | None:
    """The facet's points by distance; None when the facet may have been cut short."""
    counts = result.facetDistribution.get(GEO_KEY, {})
    if len(counts) >= MAX_FACET_VALUES:
        return None
    found = [Point(distance_m(origin, parse_geo_key(k)), k, n) for k, n in counts.items()]
    return sorted(found, key=lambda p: (p.distance_m, p.key))


def by_rank(near: Sequence[Point]) -> list[list[Point]]:
    """Points grouped by whole-metre distance: the groups Meilisearch cannot tell apart."""
    groups: list[list[Point]] = []
    for point in near:
        if groups and groups[-1][0].rank_m == point.rank_m:
            groups[-1].append(point)
        else:
            groups.append([point])
    return groups


def with_text(body: dict[str, Any], q: str) -> dict[str, Any]:
    """The body limited to documents matching `q` (as the full search matches them)."""
    return {**body, "q": q, "matchingStrategy": MATCHING_STRATEGY} if q else body


def facet_probe(base: Filter, cells: str, q: str = "") -> dict[str, Any]:
    """The points (and counts) of matching documents in these cells, no documents."""
    body = {"q": "", "filter": [*base, cells], "limit": 0, "facets": [GEO_KEY]}
    return with_text(body, q)


class PagePoints(msgspec.Struct, frozen=True):
    """The points holding a page's documents, and the rank of the first one's first document."""

    points: tuple[Point, ...]
    first_rank: int


def page_points(near: Sequence[Point], *, start: int, end: int) -> PagePoints | None:
    """The points holding ranks [start, end) of the nearest documents, or None if too few.

    Whole groups of equal whole-metre distance are taken, since their order is Meilisearch's.
    """
    chosen: list[Point] = []
    first_rank = 0
    rank = 0
    for group in by_rank(near):
        if rank >= end:
            break
        count = sum(p.count for p in group)
        if rank + count > start:
            if not chosen:
                first_rank = rank
            chosen.extend(group)
        rank += count
    return PagePoints(tuple(chosen), first_rank) if rank >= end else None


class PlaceCaches:
    """What place searches reuse from one request to the next, owned by the app's lifespan.

    Covers of circles depend only on the place and radius, so they repeat across filters;
    the disc that held a page last time is a hint for where to start, never an answer
    (results are still read and proven each time).
    """

    def __init__(self, *, max_circles: int = MAX_CIRCLES, max_hints: int = MAX_STAGE_HINTS):
        self.circle_cells = functools.lru_cache(maxsize=max_circles)(circle_cells)
        self._hints: dict[tuple[object, ...], float] = {}
        self._max_hints = max_hints

    def hint_m(self, key: tuple[object, ...]) -> float | None:
        """The disc radius that held this kind of page last time, if known."""
        return self._hints.get(key)

    def remember(self, key: tuple[object, ...], stage_m: float) -> None:
        """Keep the disc that held the page, dropping the oldest hint when full."""
        if len(self._hints) >= self._max_hints:
            self._hints.pop(next(iter(self._hints)))
        self._hints[key] = stage_m


class PlaceSearch:
    """One nearest-first search: parameters, place and the extra (time) filters."""

    def __init__(
        self,
        index: SearchIndex,
        params: SearchParams,
        origin: tuple[float, float],
        *,
        state: str | None,
        extra: Sequence[str],
        caches: PlaceCaches,
    ) -> None:
        self.index, self.params, self.origin, self.state = index, params, origin, state
        self.caches = caches
        self.circle_cells = caches.circle_cells
        self.radius_m = float(km_to_m(params.radius_km))
        self.base: Filter = [*base_filters(params), *extra]
        self.extra = list(extra)

    async def run(self) -> MeiliSearchResult:
        """The page of nearest results, total and facets, exactly as `_geoRadius` gives."""
        end = self.params.page * self.params.per_page
        start = end - self.params.per_page
        circle = self.circle_cells(self.origin, self.radius_m)
        stage_m = min(self.radius_m, self.caches.hint_m(self.hint_key) or FIRST_STAGE_M)
        disc = self.circle_cells(self.origin, stage_m)
        if circle is None or disc is None or end > MAX_STAGED_RANK:
            return await self.fallback()
        edge_result, near_result = await self.index.multi_search(
            [
                facet_probe(self.base, circle.boundary, self.params.q),
                facet_probe(self.base, disc.whole, self.params.q),
            ]
        )
        edge = points(edge_result, self.origin)
        if edge is None:
            return await self.fallback()
        inside = [p.key for p in edge if within(self.origin, parse_geo_key(p.key), self.radius_m)]
        local = local_clause(circle.interior, inside)
        chosen = await self.nearest(near_result, stage_m, start=start, end=end)
        if chosen is None:
            return await self.fallback(local)
        return await self.count_and_fetch(local, chosen, start=start)

    async def nearest(
        self, near_result: MeiliSearchResult, stage_m: float, *, start: int, end: int
    ) -> PagePoints | None:
        """The points of the page, widening the disc until it holds the page or the radius."""
        while True:
            near = points(near_result, self.origin)
            if near is None:
                return None
            # Every document nearer than stage_m is in the disc's cells, so the ranks of the
            # whole-metre groups wholly inside it are exact.
            within_stage = [p for p in near if p.rank_m + 1 <= stage_m]
            chosen = page_points(within_stage, start=start, end=end)
            if chosen is not None or stage_m >= self.radius_m:
                if chosen is not None:
                    self.remember(stage_m)
                return chosen
            found = sum(p.count for p in within_stage)
            grow = math.sqrt(2.0 * end / found) if found else 4.0
            stage_m = min(self.radius_m, stage_m * max(2.0, grow))
            disc = self.circle_cells(self.origin, stage_m)
            if disc is None:
                return None
            (near_result,) = await self.index.multi_search(
                [facet_probe(self.base, disc.whole, self.params.q)]
            )

    @property
    def hint_key(self) -> tuple[object, ...]:
        """What the disc needed for a page depends on: place, filters, text and page end."""
        end = self.params.page * self.params.per_page
        return (self.origin, repr(self.base), self.params.q, end)

    def remember(self, stage_m: float) -> None:
        """Keep the disc that held the page, for the next search of the same kind."""
        self.caches.remember(self.hint_key, stage_m)

    async def count_and_fetch(
        self, local: str, page: PagePoints, *, start: int
    ) -> MeiliSearchResult:
        """Total and facets of the exact set, and the page's documents by point."""
        whole = [*self.base, place_clause(local, self.state, online=online_asked(self.params))]
        count_body: dict[str, Any] = {"q": "", "filter": whole, "page": 1, "hitsPerPage": 0}
        if self.params.facets:
            count_body["facets"] = list(self.params.facets)
        wanted = sum(p.count for p in page.points)
        fetch_body = {
            "q": "",
            "filter": [*self.base, in_clause(GEO_KEY, [p.key for p in page.points])],
            "limit": wanted,
            "attributesToRetrieve": RETRIEVED_ATTRIBUTES,
        }
        counted, fetched = await self.index.multi_search(
            [with_text(count_body, self.params.q), with_text(fetch_body, self.params.q)]
        )
        skip = start - page.first_rank
        hits = self.ordered(fetched.hits)[skip : skip + self.params.per_page]
        per_page = self.params.per_page
        return MeiliSearchResult(
            hits=hits,
            totalHits=counted.totalHits,
            totalPages=-(-counted.totalHits // per_page),
            facetDistribution=counted.facetDistribution,
        )

    def ordered(self, hits: list[SearchHit]) -> list[SearchHit]:
        """Hits nearest first, as Meilisearch's distance sort gives them.

        Meilisearch ranks by distance in whole metres and orders equal ones by its internal
        document order; the fetch is unsorted, so it comes in that order, and a stable sort
        on the rounded distance keeps it.
        """

        def key(hit: SearchHit) -> float:
            geo = hit.geo
            if geo is None:
                return math.inf
            # Rust's round(): halves away from zero (Python's round() goes to even).
            return math.floor(distance_m(self.origin, (geo.lat, geo.lng)) + 0.5)

        return sorted(hits, key=key)

    async def exact_local(self) -> str | None:
        """The exact circle clause (one facet probe of the edge), or None if cut short."""
        circle = self.circle_cells(self.origin, self.radius_m)
        if circle is None:
            return None
        (edge_result,) = await self.index.multi_search(
            [facet_probe(self.base, circle.boundary, self.params.q)]
        )
        edge = points(edge_result, self.origin)
        if edge is None:
            return None
        inside = [p.key for p in edge if within(self.origin, parse_geo_key(p.key), self.radius_m)]
        return local_clause(circle.interior, inside)

    def body(self, local: str | None) -> dict[str, Any]:
        """The straightforward search body over the circle (exact cells when known)."""
        body = build_search_body(self.params, self.origin, origin_state=self.state, local=local)
        body["filter"] = [*body["filter"], *self.extra]
        return body

    async def fallback(self, local: str | None = None) -> MeiliSearchResult:
        """Meilisearch's own distance sort over the circle (exact cells when known)."""
        return await self.index.search(self.body(local))

    async def soonest(self, at: datetime, slots: SlotPick = whole) -> MeiliSearchResult:
        """The exact circle's results by time ahead of `at`: open now, then starting soonest."""
        body = self.body(await self.exact_local())
        zones = await indexed_zones(self.index)
        return await soonest_search(self.index, body, at=at, zones=zones, slots=slots)


async def place_results(
    index: SearchIndex,
    params: SearchParams,
    origin: tuple[float, float],
    *,
    state: str | None,
    extra: Sequence[str],
    caches: PlaceCaches,
    at: datetime | None = None,
    slots: SlotPick = whole,
) -> MeiliSearchResult:
    """A search near a place: staged nearest-first when sorting by distance (with or without
    text); soonest first from `at` when asked; otherwise Meilisearch's relevance over the
    exact set."""
    search = PlaceSearch(index, params, origin, state=state, extra=extra, caches=caches)
    if params.sort == "distance":
        return await search.run()
    if params.sort == "soonest" and at is not None:
        return await search.soonest(at, slots)
    return await search.fallback(await search.exact_local())
