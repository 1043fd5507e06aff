"""Time parameters -> Meilisearch filters, and their validation (400s naming the parameter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from service.contract.documents import WEEKDAYS, TimeSlot
from service.errors import BadParameterError
from service.schedules.filters import (
    NEVER,
    day_time_clause,
    day_time_ranges,
    open_now_clause,
    start_windows,
    starts_within_clause,
    time_filter_clauses,
)
from service.schedules.params import TimeFilter, validate_time_params
from service.schedules.weekly import MINUTES_PER_WEEK, slot_occurrence_after
from service.search.query import Limits, place_clause, validate_params

NY, CHICAGO, DETROIT, LONDON, SYDNEY = (
    "America/New_York",
    "America/Chicago",
    "America/Detroit",
    "Europe/London",
    "Australia/Sydney",
)
SAT = 5 * 1440
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.mark.parametrize(
    ("days", "time_from", "time_to", "expected"),
    [
        (("sat",), 18 * 60, 22 * 60, ((SAT + 1080, SAT + 1319),)),
        (("sat",), None, None, ((SAT, SAT + 1439),)),
        (("sat",), 23 * 60, None, ((SAT + 1380, SAT + 1439),)),
        (("sat",), None, 60, ((SAT, SAT + 59),)),
        # Crossing midnight: Saturday 22:00 to Sunday 02:00, Sunday night into Monday.
        (("sat",), 22 * 60, 2 * 60, ((SAT + 1320, SAT + 1559),)),
        (("sun",), 22 * 60, 2 * 60, ((0, 119), (6 * 1440 + 1320, MINUTES_PER_WEEK - 1))),
        (("mon", "tue"), None, None, ((0, 2879),)),
        ((), 7 * 60, 8 * 60, tuple((d * 1440 + 420, d * 1440 + 479) for d in range(7))),
    ],
)
def test_day_time_ranges(
    days: tuple[Any, ...], time_from: int | None, time_to: int | None, expected: tuple[Any, ...]
) -> None:
    assert day_time_ranges(days, time_from, time_to) == expected


def test_day_time_clause_text() -> None:
    assert day_time_clause(("sat",), 1080, 1320) == "start_minutes 8280 TO 8519"
    assert day_time_clause(("sun",), 1320, 120) == (
        "start_minutes 0 TO 119 OR start_minutes 9960 TO 10079"
    )
    assert day_time_clause((), None, None) is None


@pytest.mark.parametrize(
    ("at", "zones", "expected"),
    [
        # Saturday 19:30 in New York and Detroit, 18:30 in Chicago: one test per local time.
        (
            "2026-11-29T00:30:00Z",
            (NY, CHICAGO, DETROIT),
            f'(schedule.timezone = "{CHICAGO}" AND open_buckets = {(SAT + 1110) // 15}) OR '
            f'(schedule.timezone IN ["{DETROIT}", "{NY}"] AND open_buckets = {(SAT + 1170) // 15})',
        ),
        # The same UTC time a month earlier is 20:30 in New York (summer time).
        (
            "2026-11-01T00:30:00Z",
            (NY,),
            f'(schedule.timezone = "{NY}" AND open_buckets = {(SAT + 1230) // 15})',
        ),
        ("2026-11-29T00:30:00Z", (), NEVER),
    ],
)
def test_open_now_clause(at: str, zones: tuple[str, ...], expected: str) -> None:
    assert open_now_clause(instant(at), zones) == expected


@pytest.mark.parametrize(
    ("at", "minutes", "zone", "expected"),
    [
        ("2026-11-28T19:00:00-05:00", 90, NY, ((SAT + 1140, SAT + 1230),)),
        # Sunday 23:30 + 90 minutes wraps into Monday.
        ("2026-11-29T23:30:00-05:00", 90, NY, ((0, 60), (10050, 10079))),
        # 01:30 EST on the spring-forward night, for an hour (to 03:30 EDT): 02:00-02:59 do
        # not exist and a start written there is held an hour later, so 02:00-02:30 count
        # (held 03:00-03:30) and 02:31-02:59 do not.
        ("2026-03-08T01:30:00-05:00", 60, NY, ((8730, 8790), (8820, 8850))),
        # 03:05 EDT just after it: 02:05-02:59 are held at 03:05-03:59, still to come.
        ("2026-03-08T03:05:00-04:00", 60, NY, ((8765, 8819), (8825, 8885))),
        # 01:30 EDT on the fall-back night: the hour after holds 01:30-01:59 once only.
        ("2026-11-01T01:30:00-04:00", 60, NY, ((8730, 8759),)),
        # 01:30 EST, the second pass: 01:30-01:59 starts happened in the first.
        ("2026-11-01T01:30:00-05:00", 60, NY, ((8760, 8790),)),
        # Sydney, summer time ending at 03:00 AEDT on 5 April (back to 02:00 AEST).
        ("2026-04-05T02:30:00+11:00", 60, SYDNEY, ((8790, 8819),)),
    ],
)
def test_start_windows(at: str, minutes: int, zone: str, expected: tuple[Any, ...]) -> None:
    assert start_windows(instant(at), minutes, zone) == expected


@pytest.mark.parametrize(
    ("at", "zone"),
    [
        ("2026-03-08T00:50:00-05:00", NY),
        ("2026-03-08T03:05:00-04:00", NY),
        ("2026-11-01T00:40:00-04:00", NY),
        ("2026-11-01T01:20:00-05:00", NY),
        ("2026-03-29T00:30:00+00:00", LONDON),
        ("2026-10-25T01:10:00+01:00", LONDON),
        ("2026-04-05T01:45:00+11:00", SYDNEY),
        ("2026-10-04T01:45:00+10:00", SYDNEY),
        ("2026-11-28T19:00:00-05:00", NY),
    ],
)
def test_start_windows_agree_with_next_occurrence(at: str, zone: str) -> None:
    """A start minute is in the window exactly when its next occurrence lies in the window."""
    start = instant(at)
    minutes = 90
    windows = start_windows(start, minutes, zone)
    for offset in range(-180, minutes + 180, 5):
        wall = (start + timedelta(minutes=offset)).astimezone(ZoneInfo(zone))
        minute = wall.weekday() * 1440 + wall.hour * 60 + wall.minute
        slot = TimeSlot(day=WEEKDAYS[wall.weekday()], start=f"{wall.hour:02d}:{wall.minute:02d}")
        occurs = slot_occurrence_after(slot, zone, start)
        expected = occurs <= start + timedelta(minutes=minutes)
        found = any(low <= minute <= high for low, high in windows)
        assert found is expected, (wall.isoformat(), occurs.isoformat())


def test_starts_within_groups_zones_with_the_same_window() -> None:
    clause = starts_within_clause(instant("2026-11-28T19:00:00-05:00"), 60, (NY, DETROIT))
    assert clause == (
        f'(schedule.timezone IN ["{DETROIT}", "{NY}"] AND '
        f"(start_minutes {SAT + 1140} TO {SAT + 1200}))"
    )
    assert starts_within_clause(NOW, 60, ()) == NEVER


def test_a_zone_without_a_start_window_drops_out_of_the_clause() -> None:
    # 01:45 EST on the fall-back night, the repeated hour's second pass: no New York start
    # falls in the next 14 minutes, so New York has no window (an empty clause is invalid).
    at = instant("2026-11-01T06:45:00+00:00")
    assert starts_within_clause(at, 14, (NY,)) == NEVER
    assert "()" not in starts_within_clause(at, 14, (NY, "America/Chicago"))


def test_time_filter_clauses_are_anded() -> None:
    time_filter = TimeFilter(
        at=instant("2026-11-28T19:00:00-05:00"),
        open_now=True,
        starts_within_min=30,
        days=("sat",),
        time_from_min=1080,
    )
    clauses = time_filter_clauses(time_filter, (NY,))
    assert clauses == [
        f'(schedule.timezone = "{NY}" AND open_buckets = {(SAT + 1140) // 15})',
        f'(schedule.timezone = "{NY}" AND (start_minutes {SAT + 1140} TO {SAT + 1170}))',
        f"start_minutes {SAT + 1080} TO {SAT + 1439}",
    ]


@pytest.mark.parametrize(
    ("state", "online", "expected"),
    [
        (None, False, "R"),
        (
            "PA",
            False,
            '(R) OR ((service_area.nationwide = true OR service_area.states = "PA") '
            'AND kind != "meeting")',
        ),
        ("CA", True, '(R) OR ((service_area.nationwide = true OR service_area.states = "CA"))'),
    ],
)
def test_place_clause_adds_remote_services_of_the_state(
    state: str | None, online: bool, expected: str
) -> None:
    assert place_clause("R", state, online=online) == expected


def validate(**overrides: Any) -> TimeFilter:
    values: dict[str, Any] = {
        "open_now": None,
        "starts_within_min": None,
        "day": None,
        "time_from": None,
        "time_to": None,
        "at": None,
        "tz": None,
        "now": NOW,
    }
    values.update(overrides)
    return validate_time_params(**values)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, TimeFilter(at=NOW)),
        (
            {"at": "2026-11-28T19:00:30.5-05:00", "tz": "America/Los_Angeles"},
            TimeFilter(at=instant("2026-11-28T19:00:00-05:00"), viewer_tz="America/Los_Angeles"),
        ),
        ({"at": "2026-11-29T00:00:00Z"}, TimeFilter(at=instant("2026-11-29T00:00:00+00:00"))),
        # An unencoded "+" arrives as a space.
        ({"at": "2026-11-28T19:00:00 05:00"}, TimeFilter(at=instant("2026-11-28T19:00:00+05:00"))),
        (
            {"open_now": "TRUE", "starts_within_min": "90", "day": ["SAT", "mon", "sat", ""]},
            TimeFilter(at=NOW, open_now=True, starts_within_min=90, days=("mon", "sat")),
        ),
        ({"open_now": "0"}, TimeFilter(at=NOW)),
        (
            {"time_from": "22:00", "time_to": "02:00"},
            TimeFilter(at=NOW, time_from_min=1320, time_to_min=120),
        ),
        ({"time_to": "24:00"}, TimeFilter(at=NOW, time_to_min=1440)),
    ],
)
def test_valid_time_params(overrides: dict[str, Any], expected: TimeFilter) -> None:
    assert validate(**overrides) == expected


@pytest.mark.parametrize(
    ("overrides", "parameter", "fragment"),
    [
        ({"open_now": "maybe"}, "open_now", "true or false"),
        ({"starts_within_min": "0"}, "starts_within_min", "1 to 1440"),
        ({"starts_within_min": "1441"}, "starts_within_min", "1 to 1440"),
        ({"starts_within_min": "1.5"}, "starts_within_min", "whole minutes"),
        ({"starts_within_min": "-5"}, "starts_within_min", "whole minutes"),
        ({"day": ["saturday"]}, "day", "mon, tue, wed, thu, fri, sat, sun"),
        ({"day": ['sat" OR kind = "x']}, "day", "Allowed values"),
        ({"time_from": "7pm"}, "time_from", "HH:MM from 00:00 to 23:59"),
        ({"time_from": "24:00"}, "time_from", "HH:MM from 00:00 to 23:59"),
        ({"time_to": "25:00"}, "time_to", "HH:MM from 00:00 to 24:00"),
        ({"time_from": "18:00", "time_to": "18:00"}, "time_to", "differ"),
        ({"at": "2026-11-28T19:00:00"}, "at", "with an offset"),
        ({"at": "2026-11-28"}, "at", "with an offset"),
        ({"at": "tomorrow"}, "at", "ISO 8601"),
        ({"at": "1900-01-01T00:00:00Z"}, "at", "1971 to 2100"),
        ({"tz": "Mars/Olympus"}, "tz", "IANA time zone"),
        ({"tz": "Eastern Standard Time"}, "tz", "IANA time zone"),
        ({"tz": "../../etc/passwd"}, "tz", "IANA time zone"),
    ],
)
def test_bad_time_params_name_the_parameter(
    overrides: dict[str, Any], parameter: str, fragment: str
) -> None:
    with pytest.raises(BadParameterError) as info:
        validate(**overrides)
    assert info.value.parameter == parameter
    assert parameter in info.value.detail
    assert fragment in info.value.detail


@pytest.mark.parametrize(
    ("q", "near", "attendance", "sort", "expected"),
    [
        ("", None, ["online"], None, "soonest"),  # browsing online meetings: by time
        ("", None, ["phone"], None, "soonest"),
        ("women", None, ["online"], None, "relevance"),  # a text search: by relevance
        ("", "19103", ["online"], None, "distance"),
        ("", None, ["in_person"], None, "relevance"),
        ("", None, ["online"], "relevance", "relevance"),
        ("", None, [], "soonest", "soonest"),
    ],
)
def test_default_sort_browses_online_meetings_by_time(
    q: str, near: str | None, attendance: list[str], sort: str | None, expected: str
) -> None:
    params = validate_params(
        q=q,
        near=near,
        radius_km=None,
        sort=sort,
        page=1,
        per_page=20,
        filters={"attendance": attendance},
        limits=Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50),
    )
    assert params.sort == expected
