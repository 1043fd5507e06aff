"""Whether a listing is stale: last updated or verified at its source too long ago.

Computed when a result is served, from the dates the index stores (`provenance.updated_at`
and, for merged listings, each `also_from[].updated_at`: the most recent counts), so a
listing turns stale as time passes without any re-indexing. The age limit is the setting
PATHWAYS_STALE_AFTER_DAYS (default 365). A listing whose sources give no date at all is not
flagged: nothing says it is old, and `provenance.updated_at` shows that the date is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

import msgspec

from service.contract.documents import Provenance, SearchHit

DEFAULT_STALE_AFTER_DAYS: Final = 365.0


class Freshness(msgspec.Struct, frozen=True, kw_only=True):
    """The age after which a listing is flagged stale."""

    stale_after_days: float = DEFAULT_STALE_AFTER_DAYS


def parse_date(value: str | None) -> datetime | None:
    """An ISO 8601 date or date-time as an aware instant (UTC when it has no offset)."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def last_verified(provenances: Iterable[Provenance]) -> datetime | None:
    """The most recent date any source gives for a listing, or None when none gives one."""
    dates = [d for p in provenances if (d := parse_date(p.updated_at)) is not None]
    return max(dates, default=None)


def is_stale(provenances: Sequence[Provenance], *, now: datetime, stale_after_days: float) -> bool:
    """Whether the listing's most recent source date is older than `stale_after_days`."""
    verified = last_verified(provenances)
    return verified is not None and now - verified > timedelta(days=stale_after_days)


def with_stale(
    hits: Iterable[SearchHit], freshness: Freshness, *, now: datetime
) -> list[SearchHit]:
    """The hits with `stale` set for this instant."""
    return [
        msgspec.structs.replace(
            hit,
            stale=is_stale(
                (hit.provenance, *hit.also_from),
                now=now,
                stale_after_days=freshness.stale_after_days,
            ),
        )
        for hit in hits
    ]
