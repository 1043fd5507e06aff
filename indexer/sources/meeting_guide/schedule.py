"""Meeting Guide days and times -> a weekly Schedule.

Feeds send `day` as 0-6 (0 = Sunday), a numeric string (`"1"`), a list (edmonton's `[6]`)
or nothing (by appointment), and times as `HH:MM`, `HH:MM:SS` or `8:00 PM`. A meeting
without a day or a start time is listed by appointment, as TSML shows it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from indexer.normalize import clean_text
from indexer.records import RecordError
from service.contract.documents import Schedule, TimeSlot, Weekday

# Meeting Guide numbers days from Sunday.
DAYS: Final[tuple[Weekday, ...]] = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_TIME: Final = re.compile(r"^(\d{1,2}):(\d{2})(?::\d{2})?\s*(?:([AaPp])\.?[Mm]\.?)?$")


def parse_time(value: object, *, field: str = "time", end: bool = False) -> str | None:
    """A feed time as `HH:MM` (24-hour); `24:00` only as an end; None when absent."""
    text = clean_text(value)
    if text is None:
        return None
    match = _TIME.match(text)
    if match is None:
        raise RecordError(f"{field} {text!r} is not a time (HH:MM)")
    hours, minutes, half = int(match[1]), int(match[2]), match[3]
    if half is not None:
        if not 1 <= hours <= 12:
            raise RecordError(f"{field} {text!r} is not a 12-hour time")
        hours = hours % 12 + (12 if half in "Pp" else 0)
    if end and (hours, minutes) == (24, 0):
        return "24:00"
    if hours > 23 or minutes > 59:
        raise RecordError(f"{field} {text!r} is not a time of day")
    return f"{hours:02d}:{minutes:02d}"


def _day(item: object) -> int:
    if isinstance(item, int) and not isinstance(item, bool):
        day = item
    elif isinstance(item, str) and item.strip().isdigit():
        day = int(item.strip())
    else:
        raise RecordError(f"day {item!r} is not a number 0-6 (0 = Sunday)")
    if not 0 <= day <= 6:
        raise RecordError(f"day {item!r} is not 0-6 (0 = Sunday)")
    return day


def parse_days(value: object) -> tuple[int, ...]:
    """The days of a meeting (0 = Sunday), in feed order; empty when none is given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ()
    items = value if isinstance(value, list) else [value]
    return tuple(dict.fromkeys(_day(item) for item in items))


def parse_schedule(record: Mapping[str, Any], *, timezone: str | None) -> Schedule:
    """The weekly schedule of a meeting: one slot per day, or by appointment."""
    days = parse_days(record.get("day"))
    start = parse_time(record.get("time"))
    end = parse_time(record.get("end_time"), field="end_time", end=True)
    if not days or start is None:
        return Schedule(timezone=timezone, by_appointment=True)
    slots = tuple(TimeSlot(day=DAYS[day], start=start, end=end) for day in days)
    return Schedule(timezone=timezone, slots=slots)
