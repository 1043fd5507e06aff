"""Schedule maths: slot lengths, derived index fields, next occurrences and open hours.

Clocks are pinned on both sides of daylight-saving changes in both hemispheres (2026: US
8 March / 1 November, UK 29 March / 25 October, Sydney 5 April / 4 October). The schedules
are invented edge cases; the zones and their rules are the tz database's.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from service.contract.documents import WEEKDAYS, Schedule, TimeSlot, Weekday
from service.schedules.weekly import (
    BUCKETS_PER_WEEK,
    ScheduleFields,
    in_progress,
    next_occurrence,
    schedule_fields,
    slot_duration_min,
    wall_clock_instant,
)

NY, LA, LONDON, SYDNEY = (
    "America/New_York",
    "America/Los_Angeles",
    "Europe/London",
    "Australia/Sydney",
)


def weekly(zone: str | None, *slots: tuple[Weekday, str, str | None]) -> Schedule:
    return Schedule(
        timezone=zone, slots=tuple(TimeSlot(day=d, start=s, end=e) for d, s, e in slots)
    )


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("start", "end", "minutes"),
    [
        ("19:00", None, 60),
        ("19:00", "20:30", 90),
        ("00:00", "24:00", 1440),
        ("23:30", "24:00", 30),
        ("23:00", "00:00", 60),  # runs to midnight
        ("22:30", "01:00", 150),  # past midnight
        ("12:15", "01:15", 60),  # "01:15" meant 13:15: 13 hours overnight is a typo
        ("17:30", "16:30", 60),  # a 23-hour meeting is a typo too
        ("10:00", "10:00", 60),  # no length given
    ],
)
def test_slot_duration(start: str, end: str | None, minutes: int) -> None:
    assert slot_duration_min(TimeSlot(day="mon", start=start, end=end)) == minutes


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (
            weekly(NY, ("mon", "19:00", "20:00")),
            ScheduleFields(start_minutes=(1140,), open_buckets=(76, 77, 78, 79)),
        ),
        (  # no end: the default hour; a 10-minute-past start still opens its quarter hour
            weekly(NY, ("tue", "07:10", None)),
            ScheduleFields(start_minutes=(1440 + 430,), open_buckets=(124, 125, 126, 127, 128)),
        ),
        (  # Sunday night into Monday morning wraps round the week
            weekly(LA, ("sun", "23:30", "00:30")),
            ScheduleFields(start_minutes=(10050,), open_buckets=(0, 1, 670, 671)),
        ),
        (  # no zone: venue-local fields still exist, so day/time filters find it
            weekly(None, ("sat", "18:00", "19:00")),
            ScheduleFields(start_minutes=(8280,), open_buckets=(552, 553, 554, 555)),
        ),
        (Schedule(timezone=NY, by_appointment=True), ScheduleFields()),
        (Schedule(timezone=NY), ScheduleFields()),
        (None, ScheduleFields()),
    ],
)
def test_schedule_fields(schedule: Schedule | None, expected: ScheduleFields) -> None:
    assert schedule_fields(schedule) == expected


def test_a_24_7_line_is_open_every_quarter_hour() -> None:
    fields = schedule_fields(weekly(NY, *((d, "00:00", "24:00") for d in WEEKDAYS)))
    assert fields.open_buckets == tuple(range(BUCKETS_PER_WEEK))
    assert fields.start_minutes == tuple(range(0, 10080, 1440))


@pytest.mark.parametrize(
    ("day", "minute", "zone", "expected"),
    [
        ("2026-03-08", 90, NY, "2026-03-08T01:30:00-05:00"),
        ("2026-03-08", 150, NY, "2026-03-08T03:30:00-04:00"),  # skipped: after the gap
        ("2026-11-01", 90, NY, "2026-11-01T01:30:00-04:00"),  # repeated: the first
        ("2026-03-29", 90, LONDON, "2026-03-29T02:30:00+01:00"),
        ("2026-10-25", 90, LONDON, "2026-10-25T01:30:00+01:00"),
        ("2026-10-04", 150, SYDNEY, "2026-10-04T03:30:00+11:00"),
        ("2026-04-05", 150, SYDNEY, "2026-04-05T02:30:00+11:00"),
    ],
)
def test_wall_clock_instant(day: str, minute: int, zone: str, expected: str) -> None:
    result = wall_clock_instant(datetime.fromisoformat(day).date(), minute, zone)
    assert result.isoformat() == expected


SAT_EVENING_NY = weekly(NY, ("sat", "19:00", "20:00"))
SUN_MORNING_SYDNEY = weekly(SYDNEY, ("sun", "10:00", "11:00"))
SUN_0130_LONDON = weekly(LONDON, ("sun", "01:30", "02:30"))
SUN_0130_NY = weekly(NY, ("sun", "01:30", "02:30"))


@pytest.mark.parametrize(
    ("schedule", "at", "expected"),
    [
        # New York, the Saturday before and the Sunday after clocks go back.
        (SAT_EVENING_NY, "2026-10-31T12:00:00-04:00", "2026-10-31T19:00:00-04:00"),
        (SAT_EVENING_NY, "2026-11-01T12:00:00-05:00", "2026-11-07T19:00:00-05:00"),
        (SAT_EVENING_NY, "2026-10-31T19:00:00-04:00", "2026-10-31T19:00:00-04:00"),  # now
        (SAT_EVENING_NY, "2026-10-31T19:01:00-04:00", "2026-11-07T19:00:00-05:00"),
        # ... and before / after they go forward; the instant may be given in any offset.
        (SAT_EVENING_NY, "2026-03-07T10:00:00Z", "2026-03-07T19:00:00-05:00"),
        (SAT_EVENING_NY, "2026-03-08T10:00:00Z", "2026-03-14T19:00:00-04:00"),
        # Sydney (southern hemisphere): summer time ends 5 April, starts 4 October.
        (SUN_MORNING_SYDNEY, "2026-04-04T12:00:00+11:00", "2026-04-05T10:00:00+10:00"),
        (SUN_MORNING_SYDNEY, "2026-03-29T12:00:00+11:00", "2026-04-05T10:00:00+10:00"),
        (SUN_MORNING_SYDNEY, "2026-03-28T12:00:00+11:00", "2026-03-29T10:00:00+11:00"),
        (SUN_MORNING_SYDNEY, "2026-10-03T12:00:00+10:00", "2026-10-04T10:00:00+11:00"),
        # London: 01:30 is skipped on 29 March (held at 02:30 BST), repeated on 25 October.
        (SUN_0130_LONDON, "2026-03-28T12:00:00Z", "2026-03-29T02:30:00+01:00"),
        (SUN_0130_LONDON, "2026-10-24T12:00:00Z", "2026-10-25T01:30:00+01:00"),
        # Between the two passes of 01:30 the weekly meeting has already happened.
        (SUN_0130_NY, "2026-11-01T01:45:00-04:00", "2026-11-08T01:30:00-05:00"),
        (SUN_0130_NY, "2026-11-01T01:15:00-05:00", "2026-11-08T01:30:00-05:00"),
    ],
)
def test_next_occurrence(schedule: Schedule, at: str, expected: str) -> None:
    result = next_occurrence(schedule, instant(at))
    assert result is not None
    assert result.isoformat() == expected


@pytest.mark.parametrize(
    ("schedule", "at", "viewer", "expected"),
    [
        (SAT_EVENING_NY, "2026-11-01T12:00:00-05:00", LA, "2026-11-07T16:00:00-08:00"),
        (SAT_EVENING_NY, "2026-03-07T12:00:00-05:00", LONDON, "2026-03-08T00:00:00+00:00"),
        (SAT_EVENING_NY, "2026-03-07T12:00:00-05:00", SYDNEY, "2026-03-08T11:00:00+11:00"),
        # US clocks have gone forward, the UK's not yet: five hours become four.
        (SAT_EVENING_NY, "2026-03-14T12:00:00-04:00", LONDON, "2026-03-14T23:00:00+00:00"),
        (SUN_MORNING_SYDNEY, "2026-04-04T12:00:00+11:00", NY, "2026-04-04T20:00:00-04:00"),
    ],
)
def test_next_occurrence_in_the_viewers_zone(
    schedule: Schedule, at: str, viewer: str, expected: str
) -> None:
    result = next_occurrence(schedule, instant(at))
    assert result is not None
    assert result.astimezone(ZoneInfo(viewer)).isoformat() == expected


@pytest.mark.parametrize(
    "schedule",
    [
        Schedule(timezone=NY, by_appointment=True),
        Schedule(timezone=NY),
        weekly(None, ("sat", "19:00", None)),
        weekly("Mars/Olympus", ("sat", "19:00", None)),
        None,
    ],
)
def test_no_occurrence_without_times_or_zone(schedule: Schedule | None) -> None:
    at = instant("2026-11-28T12:00:00Z")
    assert next_occurrence(schedule, at) is None
    assert in_progress(schedule, at) is None


@pytest.mark.parametrize(
    ("schedule", "at", "expected"),
    [
        # The same UTC time, 23:30Z, is 19:30 in New York before the change, 18:30 after.
        (SAT_EVENING_NY, "2026-10-31T23:30:00Z", True),
        (SAT_EVENING_NY, "2026-11-07T23:30:00Z", False),
        (SAT_EVENING_NY, "2026-11-08T00:30:00Z", True),
        (SAT_EVENING_NY, "2026-03-07T23:59:00-05:00", False),
        (SAT_EVENING_NY, "2026-03-14T19:59:00-04:00", True),
        (SAT_EVENING_NY, "2026-03-14T20:00:00-04:00", False),
        # The 01:30-02:30 meeting on the night clocks go forward: 01:45 EST, then 03:15 EDT.
        (SUN_0130_NY, "2026-03-08T06:45:00Z", True),
        (SUN_0130_NY, "2026-03-08T07:15:00Z", False),
        # ... and back: the venue's clock shows 01:45 twice, an hour apart; open both times.
        (SUN_0130_NY, "2026-11-01T05:45:00Z", True),
        (SUN_0130_NY, "2026-11-01T06:45:00Z", True),
        (SUN_MORNING_SYDNEY, "2026-04-05T00:30:00Z", True),  # 10:30 AEST
        (SUN_MORNING_SYDNEY, "2026-03-29T00:30:00Z", False),  # 11:30 AEDT
        (weekly(LA, ("sun", "23:30", "00:30")), "2026-11-30T08:15:00Z", True),  # Mon 00:15
    ],
)
def test_in_progress(schedule: Schedule, at: str, expected: bool) -> None:
    assert in_progress(schedule, instant(at)) is expected
