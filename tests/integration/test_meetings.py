"""One card per meeting, on the real seed index: no group fills the first page, old links
redirect, and the Meeting Guide feed and the calendar give every weekly time back.

"Wyndmoor 12 Noon Meeting on the Field" is listed seven times in the Southeastern PA feed
(once a day); the index holds it once, under the smallest of its seven ids.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from indexer.consolidate import group_key
from indexer.dedupe import fold
from service.contract.documents import IndexDocument, TimeSlot
from service.formats.hsds import service_id
from service.formats.meeting_guide import slug_for
from service.places.units import distance_m

Client = TestClient[Litestar]
BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"
WYNDMOOR = "aasepia-meeting-1200-e-willow-grove-ave-wyndmoore-pa-19038-usa"
# Two of the six other ids the feed gives the same meeting (Wednesday and Saturday).
WYNDMOOR_OLD = (
    "aasepia-meeting-1200-east-willow-grove-ave-wyndmoor-pennsylvania-19038-usa",
    "aasepia-meeting-1200-e-willow-grove-avenue-wyndmoore-pa-19038-usa",
)
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _one_card(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two hits that one card should have shown: one name, one place, the same facts.

    A group whose facts differ by day (Newcomers on Thursday, Men on Saturday) rightly
    keeps one card per set of facts (indexer/consolidate.py)."""
    one, two = (msgspec.convert(h, IndexDocument) for h in (a, b))
    if group_key(one) is None or group_key(one) != group_key(two):
        return False
    if one.geo is not None and two.geo is not None:
        return distance_m((one.geo.lat, one.geo.lng), (two.geo.lat, two.geo.lng)) <= 50
    return one.geo is None and two.geo is None


@pytest.mark.parametrize(
    "query",
    [
        "near=19103&kind=meeting&per_page=20",
        "near=19103&kind=meeting&q=AA&per_page=20",
        "near=19103&q=i+want+to+stop+drinking&per_page=20",
        "near=19038&kind=meeting&sort=distance&per_page=20",
    ],
)
def test_no_two_of_the_first_twenty_meetings_are_one_group(client: Client, query: str) -> None:
    response = client.get(f"/v1/search?{query}")
    assert response.status_code == 200, response.text
    meetings = [h for h in response.json()["hits"] if h["kind"] == "meeting"]
    assert len(meetings) >= 10
    repeats = [
        (a["id"], b["id"]) for a, b in itertools.combinations(meetings, 2) if _one_card(a, b)
    ]
    assert repeats == []
    # And no group fills the page: at most three cards of one name (the seed's Sunrise
    # Semester has four sets of facts at 1904 Walnut St).
    names = [fold(h["name"]) for h in meetings]
    assert max(names.count(n) for n in names) <= 3


def test_a_daily_meeting_is_one_resource_with_every_day(client: Client) -> None:
    body = client.get(f"/v1/resources/{WYNDMOOR}").json()
    slots = body["schedule"]["slots"]
    assert [s["day"] for s in slots] == DAYS
    assert {s["start"] for s in slots} == {"12:00"}
    # The stored members and their ids are the indexer's business, never served.
    assert "former_ids" not in body
    assert "merged_records" not in body


@pytest.mark.parametrize("old", WYNDMOOR_OLD)
@pytest.mark.parametrize(
    ("path", "target", "headers"),
    [
        ("/v1/resources/{}", "/v1/resources/{}", {}),
        ("/v1/resources/{}.ics", "/v1/resources/{}.ics", {}),
        ("/v1/resources/{}/calendar.ics", "/v1/resources/{}/calendar.ics", {}),
        ("/r/{}?lang=es", "/r/{}?lang=es", {"Accept": BROWSER}),
        ("/hsds/services/{}", "/hsds/services/{}", {}),
    ],
)
def test_an_old_id_redirects_permanently(
    client: Client, old: str, path: str, target: str, headers: dict[str, str]
) -> None:
    response = client.get(path.format(old), headers=headers, follow_redirects=False)
    assert response.status_code == 308, response.text
    assert response.headers["location"] == target.format(WYNDMOOR)
    followed = client.get(path.format(old), headers=headers)
    assert followed.status_code == 200


@pytest.mark.parametrize("old", WYNDMOOR_OLD)
def test_an_old_hsds_uuid_redirects_to_the_listings(client: Client, old: str) -> None:
    path = f"/hsds/services/{service_id(old)}"
    response = client.get(path, follow_redirects=False)
    for _ in range(20):
        # The first UUID asked of a new index version builds the map of UUIDs in the
        # background and may answer 503 (Retry-After) while it does, as a client would see.
        if response.status_code != 503:
            break
        time.sleep(0.5)
        response = client.get(path, follow_redirects=False)
    assert response.status_code == 308, response.text
    assert response.headers["location"] == f"/hsds/services/{service_id(WYNDMOOR)}"
    assert client.get(response.headers["location"]).json()["id"] == service_id(WYNDMOOR)


@pytest.mark.parametrize(
    "path",
    [
        "/hsds/services/no-such-id",
        "/v1/resources/no-such-id",
        "/v1/resources/no-such-id.ics",
        "/r/no-such-id",
    ],
)
def test_an_unknown_id_is_still_404(client: Client, path: str) -> None:
    assert client.get(path, follow_redirects=False).status_code == 404


def test_the_meeting_guide_feed_gives_one_row_per_weekly_time(client: Client) -> None:
    feed = client.get("/v1/feeds/meeting-guide.json").json()
    resource = client.get(f"/v1/resources/{WYNDMOOR}").json()
    slots = resource["schedule"]["slots"]
    slugs = {slug_for(WYNDMOOR, _slot(slot), several=True) for slot in slots}
    rows = [e for e in feed if e["slug"] in slugs]
    assert len(rows) == len(slugs) == 7
    # Meeting Guide days: 0 is Sunday.
    got = sorted((e["day"], e["time"]) for e in rows)
    assert got == sorted(((DAYS.index(s["day"]) + 1) % 7, s["start"]) for s in slots)
    assert {e["name"] for e in rows} == {resource["name"]}


def _slot(raw: dict[str, Any]) -> TimeSlot:
    return TimeSlot(day=raw["day"], start=raw["start"], end=raw.get("end"))


def test_the_calendar_repeats_weekly_on_every_day(client: Client) -> None:
    text = client.get(f"/v1/resources/{WYNDMOOR}.ics").text
    # One start time and length: one weekly event on all seven days.
    assert text.count("BEGIN:VEVENT") == 1
    assert "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU" in text


def test_a_shortlist_link_with_an_old_id_shows_its_listing(client: Client) -> None:
    page = client.get(
        "/shortlist", params={"ids": ",".join(WYNDMOOR_OLD)}, headers={"Accept": BROWSER}
    )
    assert page.status_code == 200
    # Both old ids name the one meeting: one card.
    assert page.text.count(f'aria-labelledby="r-{WYNDMOOR}"') == 1
    assert page.text.count('<article class="card"') == 1
