"""Whether a listing is in doubt: older than its source's own refresh period (pure).

Each source's date for a listing (`provenance.updated_at`, and for merged listings each
`also_from[].updated_at`) stays good for that source's refresh period (`provenance.refresh_days`,
from `refresh_days` in the sources file, else the setting PATHWAYS_STALE_AFTER_DAYS, default
365), counted to the source's own newest date (`provenance.source_updated_at`, the edition the
index holds) when it has one, else to now. So a listing is in doubt when it lags behind the list
it comes from (a meeting last edited four years before the rest of its feed was), not merely
because the list is old: a whole list's age is shown on every card as its quiet "listed by ...,
updated ..." line, and a warning on every card would inform nobody. A steward's check
(`checked.on`) stays good for PATHWAYS_STALE_AFTER_DAYS from the day it was made. The listing is
stale when none of its dates is still good. A listing with no date at all is not flagged:
nothing says it is old, and `provenance.updated_at` shows that the date is unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Final

import msgspec

from service.contract.documents import Checked, Provenance, SearchHit

DEFAULT_STALE_AFTER_DAYS: Final = 365.0
FOREVER: Final = datetime.max.replace(tzinfo=UTC)


class Freshness(msgspec.Struct, frozen=True, kw_only=True):
    """The refresh period of sources that declare none, and of a steward's check."""

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


def good_until(
    provenances: Iterable[Provenance], checked: Checked | None, *, stale_after_days: float
) -> datetime | None:
    """When the listing turns stale (None: undated; `FOREVER`: in step with its source)."""
    ends = []
    for p in provenances:
        dated = parse_date(p.updated_at)
        if dated is not None:
            days = p.refresh_days if p.refresh_days is not None else stale_after_days
            end = dated + timedelta(days=days)
            edition = parse_date(p.source_updated_at)
            # In step with its source's edition: only a newer edition can put it in doubt.
            ends.append(FOREVER if edition is not None and edition <= end else end)
    checked_on = parse_date(checked.on) if checked is not None else None
    if checked_on is not None:
        # A check covers the whole day it was made on.
        ends.append(checked_on + timedelta(days=stale_after_days + 1))
    return max(ends, default=None)


def is_stale(
    provenances: Sequence[Provenance],
    *,
    now: datetime,
    stale_after_days: float,
    checked: Checked | None = None,
) -> bool:
    """Whether every date of the listing is older than its own refresh period."""
    until = good_until(provenances, checked, stale_after_days=stale_after_days)
    return until is not None and now > until


def hit_is_stale(
    hit: SearchHit, freshness: Freshness, *, now: datetime, checked: Checked | None = None
) -> bool:
    """Whether one hit is stale, counting its own check and `checked` (a newer one) if given."""
    checks = [c for c in (hit.checked, checked) if c is not None]
    latest = max(checks, key=lambda c: c.on, default=None)
    return is_stale(
        (hit.provenance, *hit.also_from),
        now=now,
        stale_after_days=freshness.stale_after_days,
        checked=latest,
    )


def with_stale(
    hits: Iterable[SearchHit], freshness: Freshness, *, now: datetime
) -> list[SearchHit]:
    """The hits with `stale` set for this instant."""
    return [
        msgspec.structs.replace(hit, stale=hit_is_stale(hit, freshness, now=now)) for hit in hits
    ]
