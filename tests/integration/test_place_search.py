"""The staged place search gives exactly what Meilisearch's `_geoRadius` + `_geoPoint` give.

Every case is run twice on the real seed index: through the API (cells, facet probes and
staged discs, service/search/nearby.py) and straight to Meilisearch in the straightforward
form. Totals, facets, and the distances and documents of the page must agree.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.places.geocoder import Gazetteer
from service.places.units import distance_m
from service.search.query import Limits, build_search_body, facets_by_param, validate_params
from tests.integration.conftest import IndexedSeed

LIMITS = Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50)

CASES: list[dict[str, Any]] = [
    {"near": "19103", "kind": ["meeting"]},
    {"near": "19103", "kind": ["meeting"], "language": ["es"], "radius_km": 10},
    {"near": "19103", "kind": ["treatment"], "page": 3, "per_page": 10},
    {"near": "19103", "kind": ["treatment"], "need": ["moud"], "radius_km": 50},
    {"near": "Philadelphia, PA", "kind": ["health_center"]},
    {"near": "92648", "kind": ["meeting"], "attendance": ["hybrid"]},
    {"near": "95112", "kind": ["meeting"], "per_page": 50, "page": 2},
    {"near": "90012", "kind": ["treatment", "telehealth"]},
    {"near": "64113", "radius_km": 5},
    {"near": "79107", "kind": ["meeting"], "radius_km": 100},
    {"near": "20032", "kind": ["housing"]},
    {"near": "10472", "radius_km": 2},
    {"near": "59801", "kind": ["treatment"], "radius_km": 250},
    {"near": "39.9526,-75.1652", "kind": ["meeting"], "radius_km": 0.5},
    {"near": "49707", "kind": ["meeting"]},
    # Few local results: the page runs into remote helplines (the fallback's distance sort).
    {"near": "59801", "kind": ["helpline", "treatment"], "radius_km": 3},
    # Past the staged ranks: Meilisearch sorts.
    {"near": "19103", "kind": ["meeting"], "page": 12},
    # Around the pole no cover is built: Meilisearch's own radius answers.
    {"near": "89.9,0", "radius_km": 250},
    {"near": "71.29,-156.79", "radius_km": 250},
    # Nothing at all near the place.
    {"near": "99501", "kind": ["housing"], "radius_km": 1},
]


def direct(
    server: ManagedMeilisearch, index: str, case: dict[str, Any], gazetteer: Gazetteer
) -> dict[str, Any]:
    """The same question as Meilisearch's straightforward query answers it."""
    filters = {
        k: case.get(k)
        for k in ("kind", "need", "language", "community", "accessibility", "attendance", "cost")
    }
    params = validate_params(
        q=case.get("q", ""),
        near=case["near"],
        radius_km=case.get("radius_km"),
        sort="distance",
        page=case.get("page", 1),
        per_page=case.get("per_page", 20),
        filters=filters,
        limits=LIMITS,
    )
    place = gazetteer.resolve(case["near"])
    body = build_search_body(params, (place.lat, place.lng), origin_state=place.state)
    response = httpx.post(
        f"{server.url}/indexes/{index}/search",
        json=body,
        headers={"Authorization": f"Bearer {server.master_key}"},
        timeout=30,
    )
    response.raise_for_status()
    result: dict[str, Any] = response.json()
    return result


def direct_all(
    server: ManagedMeilisearch, index: str, case: dict[str, Any], gazetteer: Gazetteer
) -> list[dict[str, Any]]:
    """Every document of the case's circle matching its text, in Meilisearch's relevance order."""
    params = validate_params(
        q=case.get("q", ""),
        near=case["near"],
        radius_km=case.get("radius_km"),
        sort="relevance",
        page=1,
        per_page=50,
        filters={k: case.get(k) for k in ("kind", "need", "language")},
        limits=LIMITS,
    )
    place = gazetteer.resolve(case["near"])
    body = build_search_body(params, (place.lat, place.lng), origin_state=place.state)
    body.pop("page")
    body.pop("hitsPerPage")
    body["limit"] = 1000
    response = httpx.post(
        f"{server.url}/indexes/{index}/search",
        json=body,
        headers={"Authorization": f"Bearer {server.master_key}"},
        timeout=30,
    )
    response.raise_for_status()
    hits: list[dict[str, Any]] = response.json()["hits"]
    assert len(hits) < 1000
    return hits


def whole_metres(origin: tuple[float, float], hit: dict[str, Any]) -> float:
    """The distance Meilisearch ranks by (whole metres); no point sorts last."""
    geo = hit.get("_geo")
    if not geo:
        return math.inf
    return math.floor(distance_m(origin, (geo["lat"], geo["lng"])) + 0.5)


def _query(case: dict[str, Any]) -> str:
    pairs: list[tuple[str, Any]] = []
    for key, value in case.items():
        pairs.extend((key, v) for v in value) if isinstance(value, list) else pairs.append(
            (key, value)
        )
    return urlencode([*pairs, ("sort", "distance")])


@pytest.mark.parametrize("case", CASES, ids=[_query(c) for c in CASES])
def test_same_answer_as_geo_radius_and_geo_sort(
    client: TestClient[Litestar],
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    gazetteer: Gazetteer,
    case: dict[str, Any],
) -> None:
    api = client.get(f"/v1/search?{_query(case)}")
    assert api.status_code == 200, api.text
    ours = api.json()
    theirs = direct(meili_server, seed_index.name, case, gazetteer)
    assert ours["total"] == theirs["totalHits"]
    assert ours["facets"] == facets_by_param(theirs["facetDistribution"])
    their_m = [h.get("_geoDistance") for h in theirs["hits"]]
    our_ids = [h["id"] for h in ours["hits"]]
    assert len(our_ids) == len(their_m)
    # Same documents in the same order (ties in Meilisearch's internal order on both sides),
    # at the same distances.
    assert our_ids == [h["id"] for h in theirs["hits"]]
    for hit, metres in zip(ours["hits"], their_m, strict=True):
        if metres is None:
            assert hit.get("distance_km") is None
        else:
            assert hit["distance_km"] == pytest.approx(metres / 1000, abs=0.006)


# Text and distance, literal and understood ("big book" names a kind of AA meeting: it stays
# text either way). Meilisearch's `sort` rule comes after its relevance rules, so straight to
# Meilisearch a far hit matching every word comes before a near one matching fewer; "nearest
# first" here is strictly by distance over the same matching set.
TEXT_CASES: list[dict[str, Any]] = [
    {"near": "19103", "q": "big book", "kind": ["meeting"], "literal": "true"},
    {"near": "19103", "q": "big book", "kind": ["meeting"]},
    {"near": "19103", "q": "women step study", "literal": "true", "per_page": 10, "page": 2},
    {"near": "20001", "q": "shelter family", "literal": "true", "radius_km": 10},
]


@pytest.mark.parametrize("case", TEXT_CASES, ids=[_query(c) for c in TEXT_CASES])
def test_text_nearest_first_is_strictly_by_distance(
    client: TestClient[Litestar],
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    gazetteer: Gazetteer,
    case: dict[str, Any],
) -> None:
    ours = client.get(f"/v1/search?{_query(case)}").json()
    theirs = direct(meili_server, seed_index.name, case, gazetteer)
    assert ours["total"] == theirs["totalHits"]
    place = gazetteer.resolve(case["near"])
    matching = direct_all(meili_server, seed_index.name, case, gazetteer)
    # Meilisearch's matching set in its relevance order, sorted by whole metres (stable).
    by_distance = sorted(matching, key=lambda h: whole_metres((place.lat, place.lng), h))
    per_page, page = case.get("per_page", 20), case.get("page", 1)
    expected = by_distance[(page - 1) * per_page : page * per_page]
    assert [h["id"] for h in ours["hits"]] == [h["id"] for h in expected]
    distances = [h["distance_km"] for h in ours["hits"] if h.get("distance_km") is not None]
    assert distances == sorted(distances)
    assert distances, "the case should find local results"
