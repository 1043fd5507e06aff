"""Remote services and online meetings in place searches: who serves the place's state.

Over the real seed (FindTreatment's California telehealth, the national helplines, online
meetings of the Philadelphia intergroup) and a small index with invented telehealth
services for Pennsylvania, New Jersey and the whole country (tests/data/schedules/).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.settings import PROJECT_ROOT
from tests.integration.conftest import settings_for
from tests.integration.schedules_edge_index import build_edge_index

Client = TestClient[Litestar]
# Every national helpline of the seed file: all serve every place.
HELPLINES = {
    f"pathways-helplines-{record['source_record_id']}"
    for record in json.loads(
        (PROJECT_ROOT / "seed_data" / "pathways" / "helplines.json").read_text(encoding="utf-8")
    )
}


def search(client: Client, query: str) -> dict[str, Any]:
    response = client.get(f"/v1/search?{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids(client: Client, query: str) -> set[str]:
    body = search(client, f"{query}&per_page=50")
    assert body["total"] == len(body["hits"])
    return {hit["id"] for hit in body["hits"]}


def test_telehealth_near_a_california_zip_is_every_service_for_california(
    client: Client,
) -> None:
    everywhere = search(client, "kind=telehealth")
    near_la = search(client, "kind=telehealth&near=90012&per_page=50")
    assert near_la["total"] == everywhere["total"] > 0
    assert near_la["origin"]["state"] == "CA"
    for hit in near_la["hits"]:
        assert "CA" in hit["service_area"]["states"]
        assert "distance_km" not in hit
    assert near_la["facets"]["kind"] == {"telehealth": near_la["total"]}


def test_telehealth_near_a_pennsylvania_zip_is_none_of_californias(client: Client) -> None:
    body = search(client, "kind=telehealth&near=19103")
    assert body["total"] == 0
    assert body["origin"]["state"] == "PA"


def test_nationwide_helplines_are_in_every_place_search(client: Client) -> None:
    for near in ("19103", "90012", "Kansas%20City,%20MO", "47.6,-122.3"):
        assert ids(client, f"kind=helpline&near={near}") == HELPLINES


def test_remote_services_follow_local_ones_under_distance_sort(client: Client) -> None:
    body = search(client, "near=19103&radius_km=1&kind=treatment&kind=helpline&per_page=50")
    hits = body["hits"]
    local = [h for h in hits if "distance_km" in h]
    remote = [h for h in hits if "distance_km" not in h]
    assert local
    assert {h["id"] for h in remote} == HELPLINES
    assert hits == local + remote
    assert body["facets"]["kind"] == {"treatment": len(local), "helpline": len(HELPLINES)}
    assert body["total"] == len(hits)


def test_online_meetings_join_a_place_search_only_when_asked(client: Client) -> None:
    local = search(client, "near=19103&kind=meeting&per_page=50")
    assert all("distance_km" in hit for hit in local["hits"])
    asked = search(client, "near=19103&kind=meeting&include_online=true")
    assert asked["total"] > local["total"]
    online = search(client, "near=19103&kind=meeting&attendance=online&per_page=50")
    assert online["total"] > 0
    for hit in online["hits"]:
        assert "online" in hit["attendance"]
        assert "distance_km" in hit or "PA" in hit["service_area"]["states"]
    # Under the distance sort the remote ones come last: on the last page.
    last = search(
        client,
        f"near=19103&kind=meeting&attendance=online&per_page=50&page={online['total_pages']}",
    )
    remote = [hit for hit in last["hits"] if "distance_km" not in hit]
    assert remote, "the Philadelphia intergroup lists online meetings for Pennsylvania"
    assert all("PA" in hit["service_area"]["states"] for hit in remote)


def test_online_meetings_are_found_without_a_place(client: Client) -> None:
    body = search(client, "kind=meeting&attendance=online&per_page=50")
    assert body["total"] > 1000
    assert all("online" in hit["attendance"] for hit in body["hits"])


@pytest.fixture(scope="module")
def edge_client(
    meili_server: ManagedMeilisearch,
    gazetteer: Gazetteer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Client]:
    index = build_edge_index(meili_server, tmp_path_factory.mktemp("remote_sources"))
    with TestClient(create_app(settings_for(meili_server, index), gazetteer=gazetteer)) as c:
        yield c


@pytest.mark.parametrize(
    ("near", "expected"),
    [
        ("19103", {"edge-remote-telehealth-pa", "edge-remote-telehealth-us"}),
        ("Hoboken,%20NJ", {"edge-remote-telehealth-nj", "edge-remote-telehealth-us"}),
        ("90012", {"edge-remote-telehealth-us"}),
    ],
)
def test_telehealth_serving_the_state_and_none_other(
    edge_client: Client, near: str, expected: set[str]
) -> None:
    assert ids(edge_client, f"kind=telehealth&near={near}") == expected


def test_a_state_helpline_is_only_in_that_states_searches(edge_client: Client) -> None:
    assert ids(edge_client, "kind=helpline&near=19103") == HELPLINES | {"edge-remote-helpline-pa"}
    assert ids(edge_client, "kind=helpline&near=90012") == HELPLINES


def test_facets_count_local_and_remote_together(edge_client: Client) -> None:
    body = search(edge_client, "near=19103&per_page=50")
    kinds = body["facets"]["kind"]
    assert kinds == {"meeting": 3, "telehealth": 2, "helpline": len(HELPLINES) + 1}
    assert sum(kinds.values()) == body["total"] == len(body["hits"])
