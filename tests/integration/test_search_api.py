"""The search API over the real seed data in a real Meilisearch."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from tests.problem import assert_problem

Client = TestClient[Litestar]


def search(client: Client, query: str) -> dict[str, Any]:
    response = client.get(f"/v1/search?{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_spanish_meetings_near_philadelphia_nearest_first(client: Client) -> None:
    body = search(client, "near=19103&radius_km=10&kind=meeting&language=es&sort=distance")
    hits = body["hits"]
    assert body["total"] >= 3
    assert hits, "expected real Spanish-language meetings in Philadelphia"
    distances = [h["distance_km"] for h in hits]
    assert distances == sorted(distances)
    assert all(0 <= d <= 10 for d in distances)
    for hit in hits:
        assert hit["kind"] == "meeting"
        assert "es" in hit["languages"]
        assert hit["provenance"]["source"] == "aasepia"
        assert {"id", "name", "kind", "distance_km"} <= hit.keys()
    assert body["origin"]["near"] == "19103"
    assert body["sort"] == "distance"


def test_facets_count_values_per_parameter(client: Client) -> None:
    body = search(client, "near=19103&radius_km=10&kind=meeting")
    facets = body["facets"]
    assert set(facets) == {
        "kind",
        "need",
        "language",
        "community",
        "accessibility",
        "attendance",
        "cost",
    }
    assert facets["kind"] == {"meeting": body["total"]}
    assert facets["language"]["es"] >= 1
    assert sum(facets["attendance"].values()) >= body["total"]


def test_repeated_keys_are_or_within_a_parameter(client: Client) -> None:
    es = search(client, "kind=meeting&language=es")["total"]
    pl = search(client, "kind=meeting&language=pl")["total"]
    both = search(client, "kind=meeting&language=es&language=pl")["total"]
    assert es > 0
    assert pl > 0
    assert max(es, pl) <= both <= es + pl


def test_parameters_are_and_across(client: Client) -> None:
    meetings = search(client, "kind=meeting")["total"]
    women = search(client, "kind=meeting&community=women")["total"]
    assert 0 < women < meetings


def test_city_state_and_coordinates_resolve_like_the_zip(client: Client) -> None:
    by_city = search(client, "near=Philadelphia,%20PA&kind=treatment&radius_km=5")
    by_point = search(client, "near=39.9526,-75.1652&kind=treatment&radius_km=5")
    assert by_city["total"] > 0
    assert by_point["total"] > 0
    assert all(h["distance_km"] <= 5 for h in by_city["hits"] + by_point["hits"])


def test_text_search_uses_synonyms(client: Client) -> None:
    moud = search(client, "q=suboxone&kind=treatment")
    assert moud["total"] > 0
    assert any("moud" in h["needs"] for h in moud["hits"])


def test_paging_is_stable_and_disjoint(client: Client) -> None:
    first = search(client, "kind=treatment&near=19103&per_page=5&page=1")
    second = search(client, "kind=treatment&near=19103&per_page=5&page=2")
    assert first["per_page"] == 5
    assert second["page"] == 2
    assert len(first["hits"]) == 5
    assert not {h["id"] for h in first["hits"]} & {h["id"] for h in second["hits"]}
    assert first["hits"][-1]["distance_km"] <= second["hits"][0]["distance_km"]


def test_without_a_place_there_is_no_distance(client: Client) -> None:
    body = search(client, "q=alcoholics&kind=meeting")
    assert body["sort"] == "relevance"
    assert body["origin"] is None or "origin" not in body
    assert all("distance_km" not in h for h in body["hits"])


def test_remote_helpline_is_found_by_text(client: Client) -> None:
    body = search(client, "kind=helpline&q=988")
    assert any(h["service_area"].get("nationwide") for h in body["hits"])


def test_resource_by_id_round_trips(client: Client) -> None:
    hit = search(client, "near=19103&kind=meeting&per_page=1")["hits"][0]
    response = client.get(f"/v1/resources/{hit['id']}")
    assert response.status_code == 200
    resource = response.json()
    assert resource["id"] == hit["id"]
    assert resource["name"] == hit["name"]
    assert "keywords" not in resource or resource["keywords"]


@pytest.mark.parametrize("resource_id", ["no-such-id", "bad id with spaces", "x" * 600])
def test_unknown_resource_is_404(client: Client, resource_id: str) -> None:
    assert_problem(client.get(f"/v1/resources/{resource_id}"), 404)


@pytest.mark.parametrize(
    ("query", "parameter", "allowed_fragment"),
    [
        ("kind=church", "kind", "meeting, treatment"),
        ("language=klingon", "language", "en, es"),
        ("attendance=zoom", "attendance", "in_person, online, hybrid, phone"),
        ("need=x%22%20OR%20kind%20%3D%20%22meeting", "need", "alcohol"),
        ("sort=nearest", "sort", "relevance, distance"),
        ("radius_km=1000&near=19103", "radius_km", "250"),
        ("per_page=500", "per_page", "50"),
        ("page=0", "page", "1000"),
        ("page=abc", "page", ""),
        ("near=123", "near", "5-digit ZIP"),
        ("near=91,200", "near", "lat"),
    ],
)
def test_bad_parameters_are_400_naming_parameter_and_allowed_values(
    client: Client, query: str, parameter: str, allowed_fragment: str
) -> None:
    body = assert_problem(client.get(f"/v1/search?{query}"), 400, parameter=parameter)
    assert allowed_fragment in body["detail"]


def test_unknown_place_is_422_naming_it(client: Client) -> None:
    body = assert_problem(client.get("/v1/search?near=00000"), 422, parameter="near")
    assert "00000" in body["detail"]
    body = assert_problem(client.get("/v1/search?near=Atlantis,%20PA"), 422, parameter="near")
    assert "Atlantis" in body["detail"]


def test_vocabularies_have_english_and_spanish_labels(client: Client) -> None:
    body = client.get("/v1/vocabularies").json()
    assert {
        "kinds",
        "needs",
        "communities",
        "accessibility",
        "attendance",
        "languages",
    } <= body.keys()
    spanish = next(t for t in body["languages"] if t["code"] == "es")
    assert spanish == {"code": "es", "en": "Spanish", "es": "Español"}


def test_health_and_readiness(client: Client, meili_server: ManagedMeilisearch) -> None:
    # The one replica by address alone (no key, no path), up since it answered last.
    replica = {"replica": meili_server.url, "up": True}
    assert client.get("/healthz").json() == {"status": "ok", "replicas": [replica]}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready"
    assert ready["documents"] > 20000


def test_openapi_document_lists_the_api(client: Client) -> None:
    schema = client.get("/schema/openapi.json").json()
    assert {
        "/v1/search",
        "/v1/resources/{resource_id}",
        "/v1/vocabularies",
        "/healthz",
        "/readyz",
    } <= set(schema["paths"])
    names = {p["name"] for p in schema["paths"]["/v1/search"]["get"]["parameters"]}
    assert {
        "q",
        "near",
        "radius_km",
        "kind",
        "need",
        "language",
        "community",
        "accessibility",
        "attendance",
        "sort",
        "page",
        "per_page",
    } <= names
