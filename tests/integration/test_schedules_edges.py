"""Time filters on both sides of daylight-saving changes, in a small index of its own.

The index holds real seed files (the national helplines, the Atlanta feed) and the invented
edge cases of tests/data/schedules/ (see its README), published by the real indexer.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from tests.integration.conftest import settings_for
from tests.integration.schedules_edge_index import build_edge_index

Client = TestClient[Litestar]
FIXED_NOW = datetime(2026, 10, 31, 23, 30, tzinfo=UTC)  # Saturday 19:30 in New York (EDT)


@pytest.fixture(scope="module")
def edge_index(meili_server: ManagedMeilisearch, tmp_path_factory: pytest.TempPathFactory) -> str:
    return build_edge_index(meili_server, tmp_path_factory.mktemp("edge_sources"))


@pytest.fixture(scope="module")
def edge_client(
    meili_server: ManagedMeilisearch, edge_index: str, gazetteer: Gazetteer
) -> Iterator[Client]:
    app = create_app(
        settings_for(meili_server, edge_index), gazetteer=gazetteer, clock=lambda: FIXED_NOW
    )
    with TestClient(app) as client:
        yield client


def ids(client: Client, query: str) -> set[str]:
    response = client.get(f"/v1/search?{query}&per_page=50")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["total"] == len(body["hits"])
    return {hit["id"] for hit in body["hits"]}


HELPLINES = {
    "pathways-helplines-988-lifeline",
    "pathways-helplines-samhsa-national-helpline",
    "pathways-helplines-veterans-crisis-line",
}
NY_NIGHT = "edge-dst-night-new-york"
LONDON_NIGHT = "edge-dst-night-london"
SYDNEY = "edge-sunday-morning-sydney"
SAT_EVENING = "edge-saturday-evening-no-zone"
SAT_ONLINE = "edge-saturday-online-no-zone"


def test_the_helplines_are_the_real_24_7_records(edge_client: Client) -> None:
    assert ids(edge_client, "kind=helpline&q=national") >= {
        "pathways-helplines-samhsa-national-helpline"
    }
    assert HELPLINES <= ids(edge_client, "kind=helpline")


@pytest.mark.parametrize(
    ("at", "open_meetings"),
    [
        # 23:30 UTC is 19:30 in Philadelphia before clocks go back, 18:30 after; it is
        # also Sunday 10:30 in Sydney (summer time), when the Sydney meeting is on.
        ("2026-10-31T23:30:00Z", {SAT_EVENING, SYDNEY}),
        ("2026-11-07T23:30:00Z", {SYDNEY}),
        ("2026-11-08T00:30:00Z", {SAT_EVENING}),
        # The 01:30-02:30 meeting on the spring-forward night: 01:45 EST, then 03:15 EDT.
        ("2026-03-08T06:45:00Z", {NY_NIGHT}),
        ("2026-03-08T07:15:00Z", set()),
        # ... and on the fall-back night the clock reads 01:45 twice: open both times.
        ("2026-11-01T05:45:00Z", {NY_NIGHT}),
        ("2026-11-01T06:45:00Z", {NY_NIGHT}),
        # London skips 01:00-01:59 on 29 March: at 01:15 UTC the clock shows 02:15 BST,
        # inside the wall-clock hours 01:30-02:30; at 00:45 GMT it has not begun.
        # (It is also Saturday 20:15 in Chicago, the online meeting's zone.)
        ("2026-03-29T01:15:00Z", {LONDON_NIGHT, SAT_ONLINE}),
        ("2026-03-29T00:45:00Z", set()),
        # Sydney's summer time ends on 5 April: 10:30 AEST is open, 11:30 AEDT is not.
        # (00:30 UTC is 01:30 BST in London that night.)
        ("2026-04-05T00:30:00Z", {SYDNEY, LONDON_NIGHT}),
        ("2026-03-29T00:30:00Z", set()),
        # The online meeting without a zone took the source's (Chicago): Saturday 20:15 CST
        # (and 02:15 GMT in London).
        ("2026-11-29T02:15:00Z", {SAT_ONLINE, LONDON_NIGHT}),
    ],
)
def test_open_now_on_both_sides_of_dst_changes(
    edge_client: Client, at: str, open_meetings: set[str]
) -> None:
    found = ids(edge_client, f"open_now=true&kind=meeting&at={at}")
    assert found == open_meetings
    # Helplines open 24/7 are open at every instant.
    assert HELPLINES <= ids(edge_client, f"open_now=true&kind=helpline&at={at}")


def test_open_now_uses_the_clock_when_no_instant_is_given(edge_client: Client) -> None:
    body = edge_client.get("/v1/search?open_now=true&kind=meeting").json()
    by_id = {hit["id"]: hit for hit in body["hits"]}
    assert set(by_id) == {SAT_EVENING, SYDNEY}
    assert all(hit["open_now"] is True for hit in body["hits"])
    # Today's 19:00 has begun, so the next start is a week on, after clocks go back.
    assert by_id[SAT_EVENING]["next_occurrence"] == "2026-11-07T19:00:00-05:00"


@pytest.mark.parametrize(
    ("at", "minutes", "expected"),
    [
        # 01:00 EST on the spring-forward night: the 01:30 meeting starts in 30 minutes.
        ("2026-03-08T01:00:00-05:00", 30, {NY_NIGHT}),
        ("2026-03-08T01:00:00-05:00", 29, set()),
        # 00:50 GMT in London, the night 01:00-02:00 is skipped: 01:30 is held at 02:30 BST,
        # 40 minutes later. (Chicago's Saturday 20:00 online meeting starts in 10.)
        ("2026-03-29T00:50:00Z", 39, {SAT_ONLINE}),
        ("2026-03-29T00:50:00Z", 40, {LONDON_NIGHT, SAT_ONLINE}),
        # Friday 23:00 in Sydney's autumn: the Sunday 10:00 meeting is 35 hours away.
        ("2026-04-03T23:00:00+11:00", 1440, set()),
    ],
)
def test_starts_within_minutes_across_dst(
    edge_client: Client, at: str, minutes: int, expected: set[str]
) -> None:
    query = f"starts_within_min={minutes}&kind=meeting&at={at.replace('+', '%2B')}"
    assert ids(edge_client, query) == expected


def test_by_appointment_and_untimed_never_match_time_filters(edge_client: Client) -> None:
    every = ids(edge_client, "kind=meeting")
    assert "edge-by-appointment" in every
    timed = ids(edge_client, "kind=meeting&time_from=00:00&time_to=24:00")
    assert "edge-by-appointment" not in timed
    assert timed == every - {"edge-by-appointment"}
    resource = edge_client.get("/v1/resources/edge-by-appointment").json()
    assert resource["schedule"]["by_appointment"] is True


def test_zone_from_coordinates_and_from_the_source(edge_client: Client) -> None:
    evening = edge_client.get(f"/v1/resources/{SAT_EVENING}").json()
    online = edge_client.get(f"/v1/resources/{SAT_ONLINE}").json()
    assert evening["schedule"]["timezone"] == "America/New_York"
    assert online["schedule"]["timezone"] == "America/Chicago"
    # The derived index fields are internal.
    assert "start_minutes" not in evening
    assert "open_buckets" not in evening


def test_next_occurrence_in_venue_and_viewer_zones(edge_client: Client) -> None:
    body = edge_client.get(
        "/v1/search?kind=meeting&at=2026-04-04T12:00:00Z&tz=America/New_York&per_page=50"
    ).json()
    by_id = {hit["id"]: hit for hit in body["hits"]}
    sydney = by_id[SYDNEY]
    assert sydney["next_occurrence"] == "2026-04-05T10:00:00+10:00"
    assert sydney["next_occurrence_viewer"] == "2026-04-04T20:00:00-04:00"
    assert by_id[NY_NIGHT]["next_occurrence"] == "2026-04-05T01:30:00-04:00"
    assert "next_occurrence" not in by_id["edge-by-appointment"]
