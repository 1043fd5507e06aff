"""The iCalendar writer: RFC 5545 lines, folding, escaping, VTIMEZONE rules, weekly events.

The meeting below is invented (an example name and address) to exercise escaping and
grouping; zones and their rules come from the tz database.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.contract.documents import (
    Address,
    Contact,
    GeoPoint,
    IndexDocument,
    Provenance,
    Schedule,
    TimeSlot,
)
from service.schedules.ics import calendar_text, escape_text, fold_line, vtimezone_lines

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday


def meeting(schedule: Schedule) -> IndexDocument:
    return IndexDocument(
        id="example-1",
        kind="meeting",
        name="Saturday Night Live; Group, Example",
        status="active",
        address=Address(formatted="100 Example St, Philadelphia, PA 19103"),
        geo=GeoPoint(lat=39.95, lng=-75.17),
        schedule=schedule,
        contact=Contact(meeting_url="https://example.org/join"),
        provenance=Provenance(source="example", source_name="Example", source_record_id="1"),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [("a,b;c\\d", "a\\,b\\;c\\\\d"), ("line 1\nline 2", "line 1\\nline 2"), ("plain", "plain")],
)
def test_escape_text(text: str, expected: str) -> None:
    assert escape_text(text) == expected


def test_fold_line_keeps_lines_within_75_octets_and_utf8_whole() -> None:
    line = "DESCRIPTION:" + "Reunión en español. " * 10
    folded = fold_line(line)
    parts = folded.split("\r\n")
    assert parts[-1] == ""
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:-1])
    assert "".join(p.removeprefix(" ") for p in parts) == line


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        (
            "America/New_York",
            [
                "BEGIN:VTIMEZONE",
                "TZID:America/New_York",
                "BEGIN:DAYLIGHT",
                "DTSTART:20250309T020000",
                "TZOFFSETFROM:-0500",
                "TZOFFSETTO:-0400",
                "TZNAME:EDT",
                "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
                "END:DAYLIGHT",
                "BEGIN:STANDARD",
                "DTSTART:20251102T020000",
                "TZOFFSETFROM:-0400",
                "TZOFFSETTO:-0500",
                "TZNAME:EST",
                "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
                "END:STANDARD",
                "END:VTIMEZONE",
            ],
        ),
        (
            "Australia/Sydney",
            [
                "BEGIN:VTIMEZONE",
                "TZID:Australia/Sydney",
                "BEGIN:STANDARD",
                "DTSTART:20250406T030000",
                "TZOFFSETFROM:+1100",
                "TZOFFSETTO:+1000",
                "TZNAME:AEST",
                "RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU",
                "END:STANDARD",
                "BEGIN:DAYLIGHT",
                "DTSTART:20251005T020000",
                "TZOFFSETFROM:+1000",
                "TZOFFSETTO:+1100",
                "TZNAME:AEDT",
                "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=1SU",
                "END:DAYLIGHT",
                "END:VTIMEZONE",
            ],
        ),
        (
            "America/Phoenix",
            [
                "BEGIN:VTIMEZONE",
                "TZID:America/Phoenix",
                "BEGIN:STANDARD",
                "DTSTART:20250101T000000",
                "TZOFFSETFROM:-0700",
                "TZOFFSETTO:-0700",
                "TZNAME:MST",
                "END:STANDARD",
                "END:VTIMEZONE",
            ],
        ),
    ],
)
def test_vtimezone_from_the_tz_database(zone: str, expected: list[str]) -> None:
    assert vtimezone_lines(zone, 2025) == expected


@pytest.mark.parametrize(
    ("zone", "rules"),
    [
        (
            "Europe/London",
            ["RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"],
        ),
        # The last Sunday of September, which is also the 4th in 2025: not "4SU".
        (
            "Pacific/Chatham",
            ["RRULE:FREQ=YEARLY;BYMONTH=4;BYDAY=1SU", "RRULE:FREQ=YEARLY;BYMONTH=9;BYDAY=-1SU"],
        ),
    ],
)
def test_vtimezone_yearly_rules(zone: str, rules: list[str]) -> None:
    assert [line for line in vtimezone_lines(zone, 2025) if line.startswith("RRULE")] == rules


def test_a_zone_without_a_yearly_rule_lists_its_changes() -> None:
    lines = vtimezone_lines("Asia/Jerusalem", 2025)  # the Friday before the last Sunday
    assert not [line for line in lines if line.startswith("RRULE")]
    assert "DTSTART:20250328T020000" in lines
    assert len([line for line in lines if line == "BEGIN:DAYLIGHT"]) == 12


def test_calendar_groups_slots_by_time_and_starts_at_the_next_occurrence() -> None:
    schedule = Schedule(
        timezone="America/New_York",
        slots=(
            TimeSlot(day="sat", start="19:00", end="20:30"),
            TimeSlot(day="mon", start="19:00", end="20:30"),
            TimeSlot(day="wed", start="12:00"),
        ),
    )
    text = calendar_text(meeting(schedule), schedule, "America/New_York", NOW, url=None)
    lines = text.split("\r\n")
    assert text.endswith("END:VCALENDAR\r\n")
    assert lines[:5] == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Pathways//Pathways API//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
    ]
    first = lines.index("BEGIN:VEVENT")
    assert lines[first : first + 9] == [
        "BEGIN:VEVENT",
        "UID:example-1-0@pathways",
        "DTSTAMP:20261123T120000Z",
        "DTSTART;TZID=America/New_York:20261123T190000",  # Monday 19:00, later today
        "DURATION:PT90M",
        "RRULE:FREQ=WEEKLY;BYDAY=MO,SA",
        "SUMMARY:Saturday Night Live\\; Group\\, Example",
        "LOCATION:100 Example St\\, Philadelphia\\, PA 19103",
        "GEO:39.950000;-75.170000",
    ]
    assert "DESCRIPTION:Join online: https://example.org/join" in lines
    assert "DTSTART;TZID=America/New_York:20261125T120000" in lines
    assert "DURATION:PT60M" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 2
    assert lines.count("BEGIN:VTIMEZONE") == 1


def test_a_start_the_clocks_skip_keeps_its_wall_clock_time() -> None:
    schedule = Schedule(timezone="America/New_York", slots=(TimeSlot(day="sun", start="02:30"),))
    at = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
    text = calendar_text(meeting(schedule), schedule, "America/New_York", at)
    # 2026-03-08 02:30 does not exist; calendars hold it at 03:30 by RFC 5545 3.3.5.
    assert "DTSTART;TZID=America/New_York:20260308T023000\r\n" in text
