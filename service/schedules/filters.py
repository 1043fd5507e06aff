"""The time parameters of a search -> Meilisearch filters on the derived schedule fields.

The index stores, per document, venue-local minutes of the week (`start_minutes`) and the
quarter hours it is open (`open_buckets`), plus its IANA zone (`schedule.timezone`).
`day`, `time_from` and `time_to` are venue-local, so they need no zone. `open_now` and
`starts_within_min` are about an instant: for each zone present in the index the instant
becomes that zone's local minute, and the per-zone conditions are OR-ed:
`(schedule.timezone IN ["America/New_York", ...] AND open_buckets = 470) OR (...)`.
Zone names come from the index, never from the request, and are quoted all the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Final

import msgspec

from service.contract.documents import WEEKDAYS, Schedule, Weekday
from service.contract.filters import quote_value
from service.schedules.params import TimeFilter
from service.schedules.weekly import (
    BUCKET_MIN,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    local_minute,
    minute_of_week,
    parse_hhmm,
    wall_clock_instant,
    zone_info,
)

ZONE_ATTRIBUTE: Final = "schedule.timezone"
# Matches nothing: no document has a negative bucket. Used when no zone is indexed.
NEVER: Final = "open_buckets = -1"
# Around a daylight-saving change the local minutes of a window are found one by one,
# looking this far beyond its ends for wall-clock times the change moved into it.
_DST_MARGIN_MIN: Final = 120

MinuteRange = tuple[int, int]


def zone_test(zones: Sequence[str]) -> str:
    """`schedule.timezone = "X"` or `schedule.timezone IN ["X", "Y"]`, quoted."""
    if len(zones) == 1:
        return f"{ZONE_ATTRIBUTE} = {quote_value(zones[0])}"
    return f"{ZONE_ATTRIBUTE} IN [{', '.join(quote_value(z) for z in zones)}]"


def ranges_test(ranges: Sequence[MinuteRange]) -> str:
    """`start_minutes A TO B OR ...` for inclusive venue-local minute ranges."""
    return " OR ".join(f"start_minutes {low} TO {high}" for low, high in ranges)


def merge_ranges(ranges: Iterable[MinuteRange]) -> tuple[MinuteRange, ...]:
    """Inclusive ranges sorted, with overlapping or touching ones joined."""
    merged: list[MinuteRange] = []
    for low, high in sorted(ranges):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return tuple(merged)


def wrap_range(low: int, high: int) -> tuple[MinuteRange, ...]:
    """A local window from `low` to `high` (inclusive), split where the week wraps."""
    if high >= low:
        return ((low, high),)
    return ((0, high), (low, MINUTES_PER_WEEK - 1))


def start_windows(at: datetime, within_min: int, zone: str) -> tuple[MinuteRange, ...]:
    """Local minutes of the week whose weekly start falls within [at, at + within_min].

    Exact across daylight-saving changes: a start counts when its real occurrence (see
    service/schedules/weekly.py for skipped and repeated times) lies in the window.
    """
    end = at + timedelta(minutes=within_min)
    tz = zone_info(zone)
    local_at, local_end = at.astimezone(tz), end.astimezone(tz)
    # A change shortly before `at` matters too: a start it skipped (02:30) happens after
    # it (03:30), and the repeated hour's second pass holds no first-pass starts.
    earlier = (at - timedelta(minutes=_DST_MARGIN_MIN)).astimezone(tz)
    if earlier.utcoffset() == local_at.utcoffset() == local_end.utcoffset():
        return wrap_range(minute_of_week(local_at), minute_of_week(local_end))
    found: list[int] = []
    naive = local_at.replace(tzinfo=None) - timedelta(minutes=_DST_MARGIN_MIN)
    last = local_end.replace(tzinfo=None) + timedelta(minutes=_DST_MARGIN_MIN)
    while naive <= last:
        minute_of_day = naive.hour * 60 + naive.minute
        if at <= wall_clock_instant(naive.date(), minute_of_day, zone) <= end:
            found.append(minute_of_week(naive))
        naive += timedelta(minutes=1)
    return merge_ranges((minute, minute) for minute in found)


def open_now_clause(at: datetime, zones: Sequence[str]) -> str:
    """Documents open at `at` in their own zone's wall-clock quarter hour."""
    by_bucket: dict[int, list[str]] = defaultdict(list)
    for zone in sorted(zones):
        by_bucket[local_minute(at, zone) // BUCKET_MIN].append(zone)
    parts = [
        f"({zone_test(names)} AND open_buckets = {bucket})"
        for bucket, names in sorted(by_bucket.items())
    ]
    return " OR ".join(parts) or NEVER


def starts_within_clause(at: datetime, within_min: int, zones: Sequence[str]) -> str:
    """Documents with a start in the next `within_min` minutes after `at`, in their zone."""
    by_window: dict[tuple[MinuteRange, ...], list[str]] = defaultdict(list)
    for zone in sorted(zones):
        by_window[start_windows(at, within_min, zone)].append(zone)
    # A zone can have no window at all: the repeated hour's second pass starts nothing new.
    parts = [
        f"({zone_test(names)} AND ({ranges_test(ranges)}))"
        for ranges, names in sorted(by_window.items())
        if ranges
    ]
    return " OR ".join(parts) or NEVER


def day_time_ranges(
    days: Sequence[Weekday], time_from_min: int | None, time_to_min: int | None
) -> tuple[MinuteRange, ...]:
    """Venue-local start ranges for days and a [from, to) time window (may cross midnight)."""
    low = time_from_min or 0
    high = MINUTES_PER_DAY if time_to_min is None else time_to_min
    ranges: list[MinuteRange] = []
    for day in days or WEEKDAYS:
        base = WEEKDAYS.index(day) * MINUTES_PER_DAY
        if high > low:
            ranges.append((base + low, base + high - 1))
            continue
        # Crossing midnight: the window belongs to the day it starts on.
        ranges.append((base + low, base + MINUTES_PER_DAY - 1))
        if high > 0:
            next_day = (base + MINUTES_PER_DAY) % MINUTES_PER_WEEK
            ranges.append((next_day, next_day + high - 1))
    return merge_ranges(ranges)


def day_time_clause(
    days: Sequence[Weekday], time_from_min: int | None, time_to_min: int | None
) -> str | None:
    """The `day` / `time_from` / `time_to` filter, or None when none was given."""
    if not days and time_from_min is None and time_to_min is None:
        return None
    return ranges_test(day_time_ranges(days, time_from_min, time_to_min))


def needs_zones(time_filter: TimeFilter) -> bool:
    """Whether the filter depends on the instant, so the indexed zones must be known."""
    return time_filter.open_now or time_filter.starts_within_min is not None


def time_filter_clauses(time_filter: TimeFilter, zones: Sequence[str]) -> list[str]:
    """The filter clauses (AND-ed) of the time parameters."""
    clauses: list[str] = []
    if time_filter.open_now:
        clauses.append(open_now_clause(time_filter.at, zones))
    if time_filter.starts_within_min is not None:
        clauses.append(starts_within_clause(time_filter.at, time_filter.starts_within_min, zones))
    day_time = day_time_clause(time_filter.days, time_filter.time_from_min, time_filter.time_to_min)
    if day_time is not None:
        clauses.append(day_time)
    return clauses


def asked_slots(schedule: Schedule | None, time_filter: TimeFilter) -> Schedule | None:
    """The schedule with only the slots the `day` / `time_from` / `time_to` filter asks for.

    A meeting with several weekly times found by "Saturday evening" shows its Saturday
    evening time as its next one; without those parameters, or when no slot matches
    (the filter did not select it by them), the schedule is returned whole.
    """
    days, low, high = time_filter.days, time_filter.time_from_min, time_filter.time_to_min
    if schedule is None or (not days and low is None and high is None):
        return schedule
    ranges = day_time_ranges(days, low, high)
    kept = tuple(
        slot
        for slot in schedule.slots
        if any(
            a <= WEEKDAYS.index(slot.day) * MINUTES_PER_DAY + parse_hhmm(slot.start) <= b
            for a, b in ranges
        )
    )
    return msgspec.structs.replace(schedule, slots=kept) if kept else schedule
