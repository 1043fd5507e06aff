"""Schedules over the real seed data: time filters, next occurrences, calendars, bad values."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.contract.documents import Schedule, TimeSlot
from service.schedules.weekly import in_progress
from tests.problem import assert_problem

Client = TestClient[Litestar]
AT = "2026-11-23T12:00:00Z"  # a Monday, US standard time
SAT_EVENING = "near=19103&kind=meeting&day=sat&time_from=18:00&time_to=22:00"


def search(client: Client, query: str) -> dict[str, Any]:
    response = client.get(f"/v1/search?{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def every_hit(client: Client, query: str) -> list[dict[str, Any]]:
    """All hits of a search, page by page."""
    first = search(client, f"{query}&per_page=50&page=1")
    hits = list(first["hits"])
    for page in range(2, first["total_pages"] + 1):
        hits += search(client, f"{query}&per_page=50&page={page}")["hits"]
    assert len(hits) == first["total"]
    return hits


def starts_saturday_evening(hit: dict[str, Any]) -> bool:
    return any(
        slot["day"] == "sat" and "18:00" <= slot["start"] < "22:00"
        for slot in hit["schedule"].get("slots", [])
    )


def test_saturday_evening_meetings_near_philadelphia(client: Client) -> None:
    hits = every_hit(client, f"{SAT_EVENING}&at={AT}")
    assert len(hits) >= 10, "expected real Saturday evening meetings around Philadelphia"
    for hit in hits:
        assert hit["kind"] == "meeting"
        assert hit["schedule"]["timezone"] == "America/New_York"
        assert starts_saturday_evening(hit), hit["schedule"]
        assert hit["distance_km"] <= 25
        when = datetime.fromisoformat(hit["next_occurrence"])
        assert when.isoformat().endswith("-05:00")
        assert when.weekday() == 5
        assert 18 <= when.hour < 22
        assert "next_occurrence_viewer" not in hit


def test_the_filter_is_exact_over_the_whole_result_set(client: Client) -> None:
    """The Meilisearch filter finds exactly the meetings the slots say, no more, no fewer."""
    every = every_hit(client, f"near=19103&kind=meeting&at={AT}")
    expected = {hit["id"] for hit in every if starts_saturday_evening(hit)}
    found = {hit["id"] for hit in every_hit(client, f"{SAT_EVENING}&at={AT}")}
    assert found == expected
    filtered = search(client, f"{SAT_EVENING}&at={AT}")
    assert filtered["facets"]["kind"] == {"meeting": len(expected)}


def test_next_occurrence_also_in_the_viewers_zone(client: Client) -> None:
    hits = every_hit(client, f"{SAT_EVENING}&tz=America/Los_Angeles&at={AT}")
    assert hits
    pacific = ZoneInfo("America/Los_Angeles")
    for hit in hits:
        venue = datetime.fromisoformat(hit["next_occurrence"])
        viewer = datetime.fromisoformat(hit["next_occurrence_viewer"])
        assert viewer == venue
        assert viewer.utcoffset() == venue.astimezone(pacific).utcoffset()
        assert hit["next_occurrence_viewer"].endswith("-08:00")
        assert (venue.hour - viewer.hour) % 24 == 3


@pytest.mark.parametrize(
    "at", ["2026-10-31T23:30:00Z", "2026-11-07T23:30:00Z", "2026-11-08T00:30:00Z"]
)
def test_open_now_matches_the_slots_on_both_sides_of_the_change(client: Client, at: str) -> None:
    instant = datetime.fromisoformat(at)
    every = every_hit(client, f"near=19103&kind=meeting&day=sat&at={at}")

    def open_at(hit: dict[str, Any]) -> bool:
        slots = tuple(TimeSlot(**slot) for slot in hit["schedule"]["slots"])
        schedule = Schedule(timezone=hit["schedule"]["timezone"], slots=slots)
        return in_progress(schedule, instant) is True

    expected = {hit["id"] for hit in every if open_at(hit)}
    found = every_hit(client, f"near=19103&kind=meeting&day=sat&open_now=true&at={at}")
    assert {hit["id"] for hit in found} == expected
    assert expected, "some Saturday meeting is on at 19:30 or 18:30"
    assert all(hit["open_now"] is True for hit in found)


def test_starts_within_is_a_window_from_the_instant(client: Client) -> None:
    at = "2026-11-28T18:30:00-05:00"
    hits = every_hit(client, f"near=19103&kind=meeting&starts_within_min=60&at={quote(at)}")
    assert hits
    instant = datetime.fromisoformat(at)
    for hit in hits:
        minutes = (datetime.fromisoformat(hit["next_occurrence"]) - instant).total_seconds() / 60
        assert 0 <= minutes <= 60


def test_time_window_across_midnight(client: Client) -> None:
    hits = every_hit(client, "kind=meeting&day=fri&time_from=23:00&time_to=01:00")
    assert hits, "the seed has late-night meetings"
    for hit in hits:
        assert any(
            (slot["day"] == "fri" and slot["start"] >= "23:00")
            or (slot["day"] == "sat" and slot["start"] < "01:00")
            for slot in hit["schedule"]["slots"]
        )


def test_hybrid_is_its_own_filterable_attendance(client: Client) -> None:
    body = search(client, "kind=meeting&attendance=hybrid&per_page=50")
    assert body["total"] > 0
    assert all("hybrid" in hit["attendance"] for hit in body["hits"])
    assert body["facets"]["attendance"]["hybrid"] == body["total"]


def test_temporarily_closed_listings_are_shown_when_asked(client: Client) -> None:
    default = search(client, "kind=meeting")
    everything = search(client, "kind=meeting&include_closed=true")
    assert everything["total"] > default["total"]
    # "No Other Way Out", 1315 Spruce St, Sundays 13:00: marked TC in the aasepia feed.
    query = "near=19107&radius_km=1&kind=meeting&day=sun&time_from=13:00&time_to=13:01"
    closed_id = "aasepia-meeting-1315-spruce-st-philadelphia-pa-19107-usa-0-130000"
    assert closed_id not in {hit["id"] for hit in search(client, query)["hits"]}
    shown = {hit["id"]: hit for hit in search(client, f"{query}&include_closed=true")["hits"]}
    assert shown[closed_id]["status"] == "temporarily_closed"


def test_a_meeting_as_a_calendar(client: Client) -> None:
    hit = search(client, f"{SAT_EVENING}&at={AT}&per_page=1")["hits"][0]
    for path in (f"/v1/resources/{hit['id']}.ics", f"/v1/resources/{hit['id']}/calendar.ics"):
        response = client.get(path)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/calendar")
        text = response.text
        assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
        assert text.endswith("END:VCALENDAR\r\n")
        assert "TZID:America/New_York\r\n" in text
        assert "DTSTART;TZID=America/New_York:" in text
        rrules = [line for line in text.split("\r\n") if line.startswith("RRULE:FREQ=WEEKLY")]
        assert any("SA" in line.split("BYDAY=")[1] for line in rrules)
        assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_calendar_problems(client: Client) -> None:
    assert_problem(client.get("/v1/resources/no-such-id.ics"), 404)
    assert_problem(client.get("/v1/resources/no-such-id/calendar.ics"), 404)
    treatment = search(client, "kind=treatment&per_page=1")["hits"][0]
    body = assert_problem(client.get(f"/v1/resources/{treatment['id']}.ics"), 404)
    assert body["type"].endswith("/no-weekly-schedule")
    appointment = search(client, "kind=meeting&q=appointment&per_page=50")["hits"]
    for hit in appointment:
        if hit["schedule"].get("by_appointment"):
            body = assert_problem(client.get(f"/v1/resources/{hit['id']}.ics"), 404)
            assert "by appointment" in body["detail"]


@pytest.mark.parametrize(
    ("query", "parameter", "fragment"),
    [
        ("open_now=maybe", "open_now", "true or false"),
        ("include_closed=2", "include_closed", "true or false"),
        ("include_online=yes-please", "include_online", "true or false"),
        ("starts_within_min=0", "starts_within_min", "1 to 1440"),
        ("starts_within_min=abc", "starts_within_min", "whole minutes"),
        ("day=saturday", "day", "mon, tue, wed, thu, fri, sat, sun"),
        ("time_from=7pm", "time_from", "HH:MM"),
        ("time_to=25:00", "time_to", "HH:MM"),
        ("time_from=18:00&time_to=18:00", "time_to", "differ"),
        ("at=2026-11-28T19:00:00", "at", "with an offset"),
        ("at=yesterday", "at", "ISO 8601"),
        ("tz=Mars/Olympus", "tz", "IANA time zone"),
    ],
)
def test_bad_time_values_are_400s_naming_the_parameter(
    client: Client, query: str, parameter: str, fragment: str
) -> None:
    body = assert_problem(client.get(f"/v1/search?{query}"), 400, parameter=parameter)
    assert fragment in body["detail"]


TIER_EDGES_MIN = (15, 30, 60, 120, 240, 480, 1440)


def tier_of(hit: dict[str, Any], at: datetime) -> int:
    """Which `sort=soonest` tier a hit belongs to, from what the hit says of itself."""
    if hit.get("open_now"):
        return 0
    if "next_occurrence" not in hit:
        return len(TIER_EDGES_MIN) + 1
    minutes = (datetime.fromisoformat(hit["next_occurrence"]) - at).total_seconds() / 60
    return next(
        (i for i, edge in enumerate(TIER_EDGES_MIN, 1) if minutes < edge),
        len(TIER_EDGES_MIN) + 1,
    )


def test_online_meetings_browse_soonest_first(client: Client) -> None:
    at = "2026-11-28T23:00:00Z"  # Saturday 18:00 in New York, 15:00 in California
    instant = datetime.fromisoformat(at)
    query = f"kind=meeting&attendance=online&at={at}&per_page=50"
    pages = [search(client, f"{query}&page={page}") for page in (1, 2, 3)]
    assert pages[0]["sort"] == "soonest"
    relevance = search(client, f"{query}&sort=relevance")
    assert pages[0]["total"] == relevance["total"] > 150
    assert pages[0]["facets"] == relevance["facets"]
    hits = [hit for page in pages for hit in page["hits"]]
    assert len({hit["id"] for hit in hits}) == 150
    tiers = [tier_of(hit, instant) for hit in hits]
    assert tiers == sorted(tiers)
    assert tiers[0] == 0, "some online meeting is on at that hour"
    for page in pages:
        keys = [
            0.0
            if hit.get("open_now")
            else (datetime.fromisoformat(hit["next_occurrence"]) - instant).total_seconds()
            for hit in page["hits"]
        ]
        assert keys == sorted(keys)


def test_soonest_near_a_place_is_measured_from_at(client: Client) -> None:
    # Wednesday 19:00 in Philadelphia: a Sunday 00:00 meeting is days away, not first.
    at = "2026-12-02T19:00:00-05:00"
    instant = datetime.fromisoformat(at)
    query = f"near=19103&kind=meeting&sort=soonest&at={quote(at)}&per_page=50"
    pages = [search(client, f"{query}&page={page}") for page in (1, 2)]
    nearest = search(client, "near=19103&kind=meeting&sort=distance")
    assert pages[0]["sort"] == "soonest"
    assert pages[0]["total"] == nearest["total"]
    hits = [hit for page in pages for hit in page["hits"]]
    assert len({hit["id"] for hit in hits}) == 100
    assert all(hit["distance_km"] <= 25 for hit in hits if "distance_km" in hit)
    tiers = [tier_of(hit, instant) for hit in hits]
    assert tiers == sorted(tiers)
    first = hits[0]
    assert (
        first.get("open_now")
        or (datetime.fromisoformat(first["next_occurrence"]) - instant).total_seconds() <= 3600
    ), "a Wednesday evening in Philadelphia has a meeting within the hour"
    for page in pages:
        keys = [
            0.0
            if hit.get("open_now")
            else (datetime.fromisoformat(hit["next_occurrence"]) - instant).total_seconds()
            for hit in page["hits"]
        ]
        assert keys == sorted(keys)
