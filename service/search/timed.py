"""Schedules in a search: the zones the index holds, and each hit's next occurrence."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from service.contract.documents import SearchHit
from service.schedules.filters import (
    ZONE_ATTRIBUTE,
    asked_slots,
    needs_zones,
    time_filter_clauses,
)
from service.schedules.params import TimeFilter
from service.schedules.weekly import in_progress, is_known_zone, next_occurrence
from service.search.client import MeiliSearchResult, SearchIndex
from service.search.soonest import SlotPick, soonest_search


async def indexed_zones(search_index: SearchIndex) -> tuple[str, ...]:
    """The IANA zones of the indexed schedules, from a facet (one small request)."""
    result = await search_index.search({"q": "", "limit": 0, "facets": [ZONE_ATTRIBUTE]})
    counts = result.facetDistribution.get(ZONE_ATTRIBUTE, {})
    return tuple(sorted(zone for zone in counts if is_known_zone(zone)))


async def time_clauses(search_index: SearchIndex, time_filter: TimeFilter) -> list[str]:
    """The filter clauses of the time parameters (the index's zones read only when needed)."""
    zones = await indexed_zones(search_index) if needs_zones(time_filter) else ()
    return list(time_filter_clauses(time_filter, zones))


async def schedule_search(
    search_index: SearchIndex, body: dict[str, Any], *, time_filter: TimeFilter, sort: str
) -> MeiliSearchResult:
    """Run the search with the time filters added; `soonest` pages by time ahead."""
    soonest = sort == "soonest"
    zones = await indexed_zones(search_index) if soonest or needs_zones(time_filter) else ()
    body = {**body, "filter": [*body["filter"], *time_filter_clauses(time_filter, zones)]}
    if soonest:
        return await soonest_search(
            search_index, body, at=time_filter.at, zones=zones, slots=asked(time_filter)
        )
    return await search_index.search(body)


def asked(time_filter: TimeFilter) -> SlotPick:
    """The weekly times the filter's days and hours ask for (service/schedules/filters.py)."""
    return lambda schedule: asked_slots(schedule, time_filter)


def with_occurrences(hits: list[SearchHit], time_filter: TimeFilter) -> list[SearchHit]:
    """Hits with `next_occurrence` (venue offset), the viewer's copy, and `open_now`."""
    viewer = ZoneInfo(time_filter.viewer_tz) if time_filter.viewer_tz else None
    out: list[SearchHit] = []
    for hit in hits:
        # The next of the times asked for: one document holds all of a meeting's times.
        when = next_occurrence(asked_slots(hit.schedule, time_filter), time_filter.at)
        if when is None:
            out.append(hit)
            continue
        out.append(
            msgspec.structs.replace(
                hit,
                next_occurrence=when.isoformat(),
                next_occurrence_viewer=when.astimezone(viewer).isoformat() if viewer else None,
                open_now=in_progress(hit.schedule, time_filter.at),
            )
        )
    return out
