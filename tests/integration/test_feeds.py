"""The Meeting Guide feed over the real seed index: schema, round trip, CORS, conditional GETs."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from indexer.records import SourceConfig
from indexer.sources.meeting_guide.feed import to_document
from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.contract.documents import IndexDocument, TimeSlot
from service.formats.meeting_guide import slug_for
from service.places.geocoder import Gazetteer
from service.places.units import distance_km
from service.settings import PROJECT_ROOT
from tests.integration.conftest import IndexedSeed, run_indexer, settings_for
from tests.output_schemas import RELAXED_PATTERNS, errors, meeting_guide_validator
from tests.problem import assert_problem

Client = TestClient[Litestar]
FEED = "/v1/feeds/meeting-guide.json"


@pytest.fixture(scope="module")
def feed(client: Client) -> list[dict[str, Any]]:
    response = client.get(FEED)
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


@pytest.fixture(scope="module")
def meetings(meili_server: ManagedMeilisearch, seed_index: IndexedSeed) -> list[IndexDocument]:
    """Every meeting document of the seed index, read straight from Meilisearch."""
    response = httpx.post(
        f"{meili_server.url}/indexes/{seed_index.name}/documents/fetch",
        headers={"Authorization": f"Bearer {meili_server.master_key}"},
        json={"filter": 'kind = "meeting"', "limit": 100_000},
        timeout=30,
    )
    response.raise_for_status()
    return msgspec.convert(response.json()["results"], list[IndexDocument])


def test_feed_lists_every_meeting_once_per_weekly_slot(
    feed: list[dict[str, Any]], meetings: list[IndexDocument]
) -> None:
    expected = sum(max(1, len(doc.schedule.slots if doc.schedule else ())) for doc in meetings)
    # One document per meeting (indexer/consolidate.py): 7902 per-slot records make ~5000.
    assert len(meetings) > 4500
    assert sum(len(doc.schedule.slots) > 1 for doc in meetings if doc.schedule) > 500
    assert len(feed) == expected
    assert len({entry["slug"] for entry in feed}) == len(feed)
    assert all(len(entry["slug"]) <= 64 for entry in feed)
    # Temporarily closed meetings are listed, as feeds list them.
    closed = [e for e in feed if e.get("attendance_option") == "inactive"]
    assert closed
    assert all("TC" in e["types"] for e in closed)
    # One entry per weekly time of each closed meeting.
    assert sum(
        max(1, len(doc.schedule.slots if doc.schedule else ()))
        for doc in meetings
        if doc.status == "temporarily_closed"
    ) == len(closed)


def test_feed_validates_against_the_meeting_guide_schema(feed: list[dict[str, Any]]) -> None:
    assert errors(meeting_guide_validator(relaxed=True), feed) == []


def test_only_the_draft_schemas_address_and_phone_patterns_are_lifted(
    feed: list[dict[str, Any]],
) -> None:
    strict = list(meeting_guide_validator(relaxed=False).iter_errors(feed))
    assert strict, "the draft's patterns reject real addresses (see tests/output_schemas.py)"
    assert {(e.validator, e.absolute_path[-1]) for e in strict} <= {
        ("pattern", name) for name in RELAXED_PATTERNS
    }


def test_no_online_meeting_gets_a_point_or_a_venue(feed: list[dict[str, Any]]) -> None:
    online = [e for e in feed if e.get("attendance_option") == "online"]
    for entry in online:
        assert "latitude" not in entry
        assert "address" not in entry
        assert "location" not in entry
        # A town (or state) only, marked approximate, so clients list it but not in person.
        if "formatted_address" in entry:
            assert entry["approximate"] == "yes"
    assert "ONL" not in {code for e in feed for code in e.get("types", [])}
    # TSML UI drops a meeting without any place: almost every online one has its town.
    placed = sum("formatted_address" in e for e in online)
    assert placed / len(online) > 0.9


def _source_for(entry: dict[str, Any]) -> SourceConfig:
    return SourceConfig(
        id="roundtrip",
        name=entry.get("entity", "Round trip"),
        format="meeting_guide",
        path="feed.json",
        kind="meeting",
        licence="test",
    )


def test_feed_round_trips_through_our_importer(
    feed: list[dict[str, Any]], meetings: list[IndexDocument]
) -> None:
    by_slug = {entry["slug"]: entry for entry in feed}
    for doc in meetings:
        slots = doc.schedule.slots if doc.schedule else ()
        for slot in slots or (None,):
            entry = by_slug[slug_for(doc.id, slot, several=len(slots) > 1)]
            back = to_document(entry, _source_for(entry))
            assert back.name == doc.name
            assert back.schedule is not None
            got = [(s.day, s.start, s.end) for s in back.schedule.slots]
            assert got == ([(slot.day, slot.start, slot.end)] if slot else [])
            assert back.languages == doc.languages, doc.id
            assert back.status == doc.status, doc.id
            assert back.geo == doc.geo, doc.id
            # Phone-only meetings too: written "online" with a dial-in and no link, as TSML
            # does, and read back as by phone.
            assert back.attendance == doc.attendance, (doc.id, doc.attendance, back.attendance)


def test_feed_answers_cross_origin_gets(client: Client) -> None:
    response = client.get(FEED, headers={"Origin": "https://intergroup.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "etag" in response.headers["access-control-expose-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers
    preflight = client.options(
        FEED,
        headers={
            "Origin": "https://intergroup.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "if-none-match" in preflight.headers["access-control-allow-headers"].lower()
    assert "GET" in preflight.headers["access-control-allow-methods"]


def test_cors_is_for_the_feed_only(client: Client) -> None:
    response = client.get("/v1/search?q=aa", headers={"Origin": "https://intergroup.example"})
    assert "access-control-allow-origin" not in response.headers


def test_conditional_get_answers_304_without_a_body(client: Client) -> None:
    first = client.get(FEED, headers={"Accept-Encoding": "identity"})
    etag = first.headers["etag"]
    assert etag.startswith('"')
    assert first.headers["cache-control"] == "public, max-age=300"
    for header in (etag, f"W/{etag}", f'"nope", {etag}', "*"):
        again = client.get(FEED, headers={"If-None-Match": header, "Accept-Encoding": "identity"})
        assert again.status_code == 304, header
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert again.headers["access-control-allow-origin"] == "*"
    other = client.get(FEED, headers={"If-None-Match": '"nope"', "Accept-Encoding": "identity"})
    assert other.status_code == 200
    assert other.content == first.content


def test_gzip_is_its_own_representation(client: Client) -> None:
    plain = client.get(FEED, headers={"Accept-Encoding": "identity"})
    zipped = client.get(FEED, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Accept-Encoding"
    assert int(zipped.headers["content-length"]) < len(plain.content) / 3
    assert zipped.json() == plain.json()
    assert zipped.headers["etag"] != plain.headers["etag"]


def test_feed_filters_like_search(client: Client) -> None:
    query = "near=19103&radius_km=10&language=es"
    response = client.get(f"{FEED}?{query}")
    assert response.status_code == 200
    entries: list[dict[str, Any]] = response.json()
    assert entries
    for entry in entries:
        assert "S" in entry["types"]
        where = (entry["latitude"], entry["longitude"])
        assert distance_km((39.9522, -75.1656), where) <= 11
    search = client.get(f"/v1/search?{query}&kind=meeting&include_closed=true&per_page=50").json()
    assert search["total"] == len(search["hits"])
    # One entry per weekly time of each meeting found.
    expected: set[str] = set()
    for hit in search["hits"]:
        slots: list[TimeSlot | None] = [
            msgspec.convert(s, TimeSlot) for s in hit["schedule"]["slots"]
        ]
        several = len(slots) > 1
        expected |= {slug_for(hit["id"], slot, several=several) for slot in slots or [None]}
    assert {e["slug"] for e in entries} == expected
    assert client.get(f"{FEED}?{query}").headers["etag"] != client.get(FEED).headers["etag"]


@pytest.mark.parametrize(
    ("query", "parameter", "status"),
    [
        ("language=xx", "language", 400),
        ("radius_km=9999&near=19103", "radius_km", 400),
        ("near=Atlantis, ZZ", "near", 422),
        ("near=99999", "near", 422),
    ],
)
def test_bad_filters_are_problems_with_cors(
    client: Client, query: str, parameter: str, status: int
) -> None:
    response = client.get(f"{FEED}?{query}")
    assert_problem(response, status, parameter=parameter)
    assert response.headers["access-control-allow-origin"] == "*"


QUINTE_SOURCES = """
[[source]]
id = "quinte-aa"
name = "Quinte area, Ontario (AA)"
format = "meeting_guide"
path = "quinte-on.json"
kind = "meeting"
timezone = "America/Toronto"
fellowship = "AA"
licence = "Meeting Guide spec sample data, code4recovery/spec (MIT)"
"""


@pytest.fixture
def small_index(
    meili_server: ManagedMeilisearch, tmp_path: Path, gazetteer: Gazetteer
) -> Iterator[tuple[Client, Path, str]]:
    """A client over an index of its own: the real Quinte feed, published by the indexer."""
    shutil.copy(PROJECT_ROOT / "seed_data" / "meeting_guide" / "quinte-on.json", tmp_path)
    (tmp_path / "sources.toml").write_text(QUINTE_SOURCES, encoding="utf-8")
    name = f"feed_{uuid.uuid4().hex[:8]}"
    code, output = run_indexer(meili_server, name, tmp_path / "sources.toml")
    assert code == 0, output
    with TestClient(create_app(settings_for(meili_server, name), gazetteer=gazetteer)) as client:
        yield client, tmp_path, name
    httpx.delete(
        f"{meili_server.url}/indexes/{name}",
        headers={"Authorization": f"Bearer {meili_server.master_key}"},
    )


def test_etag_changes_when_the_index_does(
    small_index: tuple[Client, Path, str], meili_server: ManagedMeilisearch
) -> None:
    client, folder, name = small_index
    before = client.get(FEED)
    etag = before.headers["etag"]
    assert len(before.json()) == 45
    # The intergroup drops a meeting; the next indexer run swaps a new index in.
    records = json.loads((folder / "quinte-on.json").read_text(encoding="utf-8"))
    (folder / "quinte-on.json").write_text(json.dumps(records[1:]), encoding="utf-8")
    code, output = run_indexer(meili_server, name, folder / "sources.toml")
    assert code == 0, output
    after = client.get(FEED, headers={"If-None-Match": etag})
    assert after.status_code == 200
    assert after.headers["etag"] != etag
    assert len(after.json()) == 44
    assert client.get(FEED, headers={"If-None-Match": after.headers["etag"]}).status_code == 304
