"""What stewards say about the listings a page shows: an open report, a newer check.

Read with one query per page of cards (service/store/repository.py `listing_marks`); when the
database is down or slow the page goes on without them (no warning, no error), since a
search must never fail for the sake of a note on its cards.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import datetime

import msgspec

from service.contract.documents import Checked, SearchHit
from service.errors import StorageUnavailableError
from service.search.freshness import Freshness, hit_is_stale
from service.search.run import SearchResponse
from service.store.repository import Store

logger = logging.getLogger("pathways.web")


class Marks(msgspec.Struct, frozen=True, kw_only=True):
    """Listings with a report waiting for a steward, and each listing's latest check."""

    reported: frozenset[str] = frozenset()
    checked: dict[str, Checked] = msgspec.field(default_factory=dict)


async def read_marks(store: Store | None, ids: Iterable[str]) -> Marks:
    """The marks of these listings; none without a store or when it does not answer."""
    wanted = list(dict.fromkeys(ids))
    if store is None or not wanted:
        return Marks()
    try:
        reported, checks = await store.listing_marks(wanted)
    except StorageUnavailableError:
        logger.warning("the reports database did not answer; cards are shown without its marks")
        return Marks()
    return Marks(
        reported=frozenset(reported),
        checked={
            i: Checked(on=v.checked_on.isoformat(), by=v.organisation) for i, v in checks.items()
        },
    )


def marked_hits(
    hits: Sequence[SearchHit], marks: Marks, freshness: Freshness, *, now: datetime
) -> list[SearchHit]:
    """The hits with a check newer than the index's taken in, and `stale` worked out again."""
    out = []
    for hit in hits:
        check = marks.checked.get(hit.id)
        if check is None or (hit.checked is not None and hit.checked.on >= check.on):
            out.append(hit)
            continue
        stale = hit_is_stale(hit, freshness, now=now, checked=check)
        out.append(msgspec.structs.replace(hit, checked=check, stale=stale))
    return out


def response_ids(result: SearchResponse) -> list[str]:
    """The ids of every listing an answer shows: its hits and its alternatives'."""
    return [h.id for h in result.hits] + [h.id for g in result.alternatives for h in g.hits]


def marked_response(
    result: SearchResponse, marks: Marks, freshness: Freshness, *, now: datetime
) -> SearchResponse:
    """The answer with the stewards' checks taken into its hits and alternatives."""
    if not marks.checked:
        return result
    return msgspec.structs.replace(
        result,
        hits=marked_hits(result.hits, marks, freshness, now=now),
        alternatives=[
            msgspec.structs.replace(g, hits=marked_hits(g.hits, marks, freshness, now=now))
            for g in result.alternatives
        ],
    )
