"""An attempt -> the SearchRequest values that ask it of the index (one per time window).

The plan asks nothing `/v1/search` could not: every request is a SearchRequest, checked and
quoted by `run_search` like a visitor's own.
"""

from __future__ import annotations

from typing import Final

import msgspec

from service.plan.answers import PlanAnswers
from service.plan.wanted import REMOTE_MODES, Wanted
from service.search.request import SearchRequest

# Room to choose from: picks come from different groups, and some hits break an answer the
# search cannot express (every accessibility need at once).
CANDIDATES_PER_REQUEST: Final = 20


def _filters(wanted: Wanted) -> dict[str, list[str]]:
    pairs = {
        "kind": wanted.kinds,
        "need": wanted.needs,
        "language": wanted.languages,
        # The search ORs a parameter's values: the group kind, if any, is the filter, and
        # the communities are checked on the hits (service/plan/wanted.py).
        "community": wanted.group_communities or wanted.communities,
        "accessibility": wanted.accessibility,
        "attendance": wanted.attendance,
        "cost": wanted.costs,
    }
    return {param: list(codes) for param, codes in pairs.items() if codes}


def search_requests(
    wanted: Wanted,
    answers: PlanAnswers,
    *,
    by_time: bool,
    starts_within_min: int | None = None,
    per_page: int = CANDIDATES_PER_REQUEST,
) -> list[SearchRequest]:
    """The searches of one attempt: one per wanted time window (else one), soonest first for
    meetings (near a place too), the others in the search's order (nearest first near one)."""
    remote = not wanted.attendance or bool(REMOTE_MODES & set(wanted.attendance))
    base = SearchRequest(
        near=wanted.near,
        radius_km=wanted.radius_km if wanted.near else None,
        filters=_filters(wanted),
        sort="soonest" if by_time else None,
        per_page=per_page,
        facets="none",
        day=list(wanted.days),
        at=answers.at,
        tz=answers.tz,
        starts_within_min=str(starts_within_min) if starts_within_min else None,
        include_online="true" if wanted.near and remote and "meeting" in wanted.kinds else None,
    )
    return [
        msgspec.structs.replace(base, time_from=window.start, time_to=window.end)
        for window in wanted.windows
    ] or [base]
