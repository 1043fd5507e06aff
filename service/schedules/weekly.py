"""Weekly schedules in venue-local time: minute-of-week maths, occurrences, open hours.

Shared by the indexer (the derived, filterable fields of every timed schedule) and the
service (the next occurrence of a hit, and the local minutes the time filters look for).
Pure: what depends on the time takes the instant `at`; nothing reads the clock.

Conventions, documented in the README ("Schedules and remote services"):
- Minute of the week: Monday 00:00 venue-local is 0, Sunday 23:59 is 10079.
- A slot without an end lasts `DEFAULT_DURATION_MIN`. An end before the start runs past
  midnight when that makes at most `MAX_OVERNIGHT_MIN`; otherwise (feeds write "12:15-01:15"
  for 12:15-13:15, "17:30-16:30") the end is taken as a typo and the default applies, as
  it does for an end equal to the start.
- "Open" / "in progress" is wall-clock time at the venue, at quarter-hour resolution: a slot
  is open in every quarter hour [q, q + 15 min) it overlaps.
- A wall-clock start that a daylight-saving change skips happens when the clock shows the
  same distance past the change (02:30 on a spring-forward night is 03:30); a start the
  change repeats happens the first time (fold 0).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from functools import cache
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from service.contract.documents import WEEKDAYS, Schedule, TimeSlot

MINUTES_PER_DAY: Final = 1440
MINUTES_PER_WEEK: Final = 7 * MINUTES_PER_DAY
BUCKET_MIN: Final = 15
BUCKETS_PER_WEEK: Final = MINUTES_PER_WEEK // BUCKET_MIN
DEFAULT_DURATION_MIN: Final = 60
MAX_OVERNIGHT_MIN: Final = 12 * 60
_DAY_INDEX: Final = {day: index for index, day in enumerate(WEEKDAYS)}


class ScheduleFields(msgspec.Struct, frozen=True, kw_only=True):
    """The derived index fields of one schedule (venue-local minutes of the week)."""

    start_minutes: tuple[int, ...] = ()
    open_buckets: tuple[int, ...] = ()


def parse_hhmm(text: str) -> int:
    """Minutes since midnight of `HH:MM` (`24:00` is 1440)."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def slot_start_minute(slot: TimeSlot) -> int:
    """The slot's start as a minute of the week."""
    return _DAY_INDEX[slot.day] * MINUTES_PER_DAY + parse_hhmm(slot.start)


def slot_duration_min(slot: TimeSlot) -> int:
    """How long the slot lasts, in minutes (see the module notes for missing or odd ends)."""
    if slot.end is None:
        return DEFAULT_DURATION_MIN
    start, end = parse_hhmm(slot.start), parse_hhmm(slot.end)
    if end > start:
        return end - start
    overnight = end + MINUTES_PER_DAY - start
    if end == start or overnight > MAX_OVERNIGHT_MIN:
        return DEFAULT_DURATION_MIN
    return overnight


def is_timed(schedule: Schedule | None) -> bool:
    """Whether the schedule has weekly times (not by appointment, not empty)."""
    return schedule is not None and not schedule.by_appointment and bool(schedule.slots)


def slot_buckets(slot: TimeSlot) -> range:
    """Quarter hours of the week the slot overlaps; may run past the week's end (wrap)."""
    start = slot_start_minute(slot)
    last = start + slot_duration_min(slot) - 1
    return range(start // BUCKET_MIN, last // BUCKET_MIN + 1)


def schedule_fields(schedule: Schedule | None) -> ScheduleFields:
    """The filterable fields of a schedule; empty for by-appointment or untimed ones."""
    if schedule is None or not is_timed(schedule):
        return ScheduleFields()
    starts = sorted({slot_start_minute(slot) for slot in schedule.slots})
    buckets = sorted(
        {bucket % BUCKETS_PER_WEEK for slot in schedule.slots for bucket in slot_buckets(slot)}
    )
    return ScheduleFields(start_minutes=tuple(starts), open_buckets=tuple(buckets))


@cache
def zone_info(name: str) -> ZoneInfo:
    """The ZoneInfo of an IANA name (cached); raises ZoneInfoNotFoundError or ValueError."""
    return ZoneInfo(name)


def is_known_zone(name: str | None) -> bool:
    """Whether the name is an IANA zone this machine's tz database has."""
    if not name:
        return False
    try:
        zone_info(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def minute_of_week(local: datetime) -> int:
    """The minute of the week a (local) datetime's wall clock shows."""
    return local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute


def local_minute(at: datetime, zone: str) -> int:
    """The venue-local minute of the week at the instant `at`."""
    return minute_of_week(at.astimezone(zone_info(zone)))


def wall_clock_instant(day: date, minute_of_day: int, zone: str) -> datetime:
    """The instant a venue's clock shows `minute_of_day` on `day` (DST rules above)."""
    tz = zone_info(zone)
    naive = datetime.combine(day, clock_time()) + timedelta(minutes=minute_of_day)
    # fold=0 takes the first of a repeated time; the round trip through UTC moves a skipped
    # time to the wall-clock reading of the same instant (02:30 EST -> 03:30 EDT).
    return naive.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def slot_occurrence_after(slot: TimeSlot, zone: str, at: datetime) -> datetime:
    """The first start of a weekly slot at or after the instant `at`, in the venue's zone."""
    local_now = at.astimezone(zone_info(zone))
    minute = parse_hhmm(slot.start)
    ahead = (_DAY_INDEX[slot.day] - local_now.weekday()) % 7
    instant = wall_clock_instant(local_now.date() + timedelta(days=ahead), minute, zone)
    if instant < at:  # earlier today: next week's
        instant = wall_clock_instant(local_now.date() + timedelta(days=ahead + 7), minute, zone)
    return instant


def next_occurrence(schedule: Schedule | None, at: datetime) -> datetime | None:
    """The next start at or after `at`, with the venue's offset; None without times or zone."""
    if schedule is None or not is_timed(schedule) or not is_known_zone(schedule.timezone):
        return None
    zone = schedule.timezone
    assert zone is not None  # noqa: S101 - checked by is_known_zone
    return min(slot_occurrence_after(slot, zone, at) for slot in schedule.slots)


def in_progress(schedule: Schedule | None, at: datetime) -> bool | None:
    """Whether a slot is open at `at` (venue wall clock, quarter hours); None if unknown."""
    if schedule is None or not is_timed(schedule) or not is_known_zone(schedule.timezone):
        return None
    assert schedule.timezone is not None  # noqa: S101 - checked by is_known_zone
    bucket = local_minute(at, schedule.timezone) // BUCKET_MIN
    return any(
        bucket in slot_buckets(slot) or bucket + BUCKETS_PER_WEEK in slot_buckets(slot)
        for slot in schedule.slots
    )
