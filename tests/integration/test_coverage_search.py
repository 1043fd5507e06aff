"""What the added real sources let people find: family groups, Alateen, medications by name."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.testing import TestClient

Client = TestClient[Litestar]


def search(client: Client, query: str) -> dict[str, Any]:
    response = client.get(f"/v1/search?{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_family_support_meetings_are_found_near_boston(client: Client) -> None:
    body = search(client, "near=02109&radius_km=40&kind=meeting&need=family_friends&facets=none")
    assert body["total"] >= 20
    assert all("family_friends" in h["needs"] for h in body["hits"])
    assert {h["organization"] for h in body["hits"]} == {"Al-Anon Family Groups"}


def test_alateen_is_findable_by_name(client: Client) -> None:
    body = search(client, "q=alateen&literal=true&kind=meeting&facets=none")
    alateen = [h for h in body["hits"] if "Alateen" in h["tags"]]
    # Al-Anon's `Y`: Alateen groups, young people, family support.
    assert len(alateen) >= 5, [h["name"] for h in body["hits"]]
    assert all({"young_people"} <= set(h["communities"]) for h in alateen)
    assert all("family_friends" in h["needs"] for h in alateen)


def test_online_al_anon_meetings_serve_massachusetts_not_virginia(client: Client) -> None:
    body = search(client, "q=keep+it+simple+afg&literal=true&attendance=online&facets=none")
    slug = "30793560-keep-it-simple-afg-formerly-medford"
    [hit] = [h for h in body["hits"] if h["provenance"]["source_record_id"] == slug]
    # Its feed address is a placeholder in Virginia Beach, VA.
    assert hit["service_area"] == {"states": ["MA"]}


def test_medications_filter_nationwide(client: Client) -> None:
    # Pittsburgh: outside California, where treatment attributes used to stop.
    body = search(client, "near=15222&radius_km=25&need=buprenorphine&facets=need")
    assert body["total"] >= 10
    assert all("buprenorphine" in h["needs"] for h in body["hits"])
    assert body["facets"]["need"]["buprenorphine"] == body["total"]


def test_a_provider_is_one_listing_that_says_its_medications(client: Client) -> None:
    body = search(client, "q=echo+treatment+center&literal=true&near=15301&radius_km=5")
    echo = [h for h in body["hits"] if h["name"] == "Echo Treatment Center"]
    assert len(echo) == 1
    sources = {echo[0]["provenance"]["source"], *(p["source"] for p in echo[0]["also_from"])}
    assert {"samhsa-su", "samhsa-moud"} <= sources
    assert "methadone" in echo[0]["needs"]


def test_brand_names_find_the_medication(client: Client) -> None:
    body = search(client, "q=vivitrol&literal=true&near=15222&radius_km=25&facets=none")
    assert body["hits"]
    # Every MOUD listing knows the brand names (need:moud's phrases); the naltrexone
    # providers also carry the label "Naltrexone (Vivitrol)".
    assert all("moud" in h["needs"] for h in body["hits"])
    assert any("naltrexone" in h["needs"] for h in body["hits"])
