"""`sort=soonest`: results by when they are on next, open ones first, paged consistently.

Meilisearch sorts by stored values, and "minutes from now" changes every minute and with
each venue's zone, so it cannot be stored. Instead the results are cut into tiers by time
ahead, each a filter on the derived schedule fields (service/schedules/filters.py): open now;
starting within 15, 30 and 60 minutes, 2, 4, 8 and 24 hours; later, or with no times.
The tiers' counts (and the facets) come from parallel requests, the page is cut from the
tiers in order, and the page's hits are ordered by their exact next start. So the order is
exact across pages between tiers, and within a tier Meilisearch's relevance order decides
which hits fall on which page. Totals and facets are those of the whole filtered search.
When the search asks for days or hours ("this evening"), a page is ordered by the next of the
times asked for (`slots`), the time its cards show; the tiers count any of a meeting's weekly
times, so across pages a meeting with another time sooner may come a tier early.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable
from datetime import datetime
from itertools import pairwise
from typing import Any, Final

from service.contract.documents import Schedule, SearchHit
from service.schedules.filters import open_now_clause, starts_within_clause
from service.schedules.weekly import in_progress, next_occurrence
from service.search.client import MeiliSearchResult, SearchIndex

TIER_EDGES_MIN: Final = (15, 30, 60, 120, 240, 480, 1440)
_LAST: Final = float("inf")
SlotPick = Callable[[Schedule | None], Schedule | None]


def whole(schedule: Schedule | None) -> Schedule | None:
    """Every weekly time of the schedule (no days or hours asked)."""
    return schedule


def tier_filters(at: datetime, zones: tuple[str, ...]) -> list[str]:
    """Disjoint filters, soonest first: open now, starting within each edge, the rest."""
    open_now = open_now_clause(at, zones)
    # "Within E minutes" means a start before at + E: minutes are whole, so E - 1 inclusive.
    reached = [open_now] + [
        f"({open_now}) OR ({starts_within_clause(at, edge - 1, zones)})" for edge in TIER_EDGES_MIN
    ]
    tiers = [open_now]
    tiers += [f"({current}) AND NOT ({previous})" for previous, current in pairwise(reached)]
    tiers.append(f"NOT ({reached[-1]})")
    return tiers


def soonest_key(hit: SearchHit, at: datetime, slots: SlotPick = whole) -> float:
    """Minutes until the hit is next on (at the times `slots` keeps): 0 when open, infinity
    without times or zone."""
    schedule = slots(hit.schedule)
    if in_progress(schedule, at):
        return 0.0
    when = next_occurrence(schedule, at)
    return (when - at).total_seconds() / 60 if when is not None else _LAST


async def soonest_search(
    search_index: SearchIndex,
    body: dict[str, Any],
    *,
    at: datetime,
    zones: tuple[str, ...],
    slots: SlotPick = whole,
) -> MeiliSearchResult:
    """One page of `body`'s search ordered soonest first, with its total and facets."""
    page, per_page = int(body["page"]), int(body["hitsPerPage"])
    base = [*body["filter"]]
    head = {k: v for k, v in body.items() if k not in ("page", "hitsPerPage", "facets", "sort")}
    tiers = tier_filters(at, zones)
    summary, *counted = await asyncio.gather(
        search_index.search({**body, "page": 1, "hitsPerPage": 0}),
        *(
            search_index.search({**head, "filter": [*base, tier], "page": 1, "hitsPerPage": 0})
            for tier in tiers
        ),
    )
    start, end, position = (page - 1) * per_page, page * per_page, 0
    slices: list[dict[str, Any]] = []
    for tier, result in zip(tiers, counted, strict=True):
        low, high = max(start, position), min(end, position + result.totalHits)
        if low < high:
            slices.append(
                {**head, "filter": [*base, tier], "offset": low - position, "limit": high - low}
            )
        position += result.totalHits
    parts = await asyncio.gather(*(search_index.search(query) for query in slices))
    # One sort over the page: the tiers' slices are in order already for every weekly time,
    # and this also orders a page by the times asked for.
    hits = sorted(
        (hit for part in parts for hit in part.hits), key=lambda h: soonest_key(h, at, slots)
    )
    return MeiliSearchResult(
        hits=hits,
        totalHits=summary.totalHits,
        totalPages=math.ceil(summary.totalHits / per_page),
        facetDistribution=summary.facetDistribution,
    )
