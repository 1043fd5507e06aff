"""The HSDS 3.1 API over the real seed index, validated against the official HSDS schemas."""

from __future__ import annotations

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from service.formats.hsds_taxonomy import hsds_id
from tests.integration.conftest import wait_for_hsds_ids
from tests.output_schemas import (
    errors,
    hsds_page_validator,
    hsds_root_validator,
    hsds_service_validator,
)
from tests.problem import assert_problem

Client = TestClient[Litestar]
KINDS = ("meeting", "treatment", "telehealth", "helpline", "housing", "outreach", "health_center")


def get_page(client: Client, query: str) -> dict[str, Any]:
    response = client.get(f"/hsds/services?{query}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert errors(hsds_page_validator(), body) == []
    return body


@pytest.fixture(autouse=True, scope="module")
def _hsds_ids_built(client: Client) -> None:
    wait_for_hsds_ids(client, get_page(client, "per_page=1")["contents"][0]["id"])


def test_root_says_version_and_profile(client: Client) -> None:
    response = client.get("/hsds/")
    assert response.status_code == 200
    body = response.json()
    assert errors(hsds_root_validator(), body) == []
    assert body["version"] == "3.1"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"].endswith("/schema/openapi.json")
    assert client.get("/schema/openapi.json").status_code == 200


def test_paging_fields_are_consistent(client: Client) -> None:
    pages = [get_page(client, f"kind=housing&per_page=5&page={n}") for n in (1, 2, 3, 4, 5)]
    assert [p["size"] for p in pages] == [5, 5, 5, 3, 0]
    assert {p["total_items"] for p in pages} == {18}
    assert {p["total_pages"] for p in pages} == {4}
    assert [p["page_number"] for p in pages] == [1, 2, 3, 4, 5]
    assert [p["first_page"] for p in pages] == [True, False, False, False, False]
    assert [p["last_page"] for p in pages] == [False, False, False, True, True]
    assert not any(p["empty"] for p in pages)
    ids = [s["id"] for p in pages for s in p["contents"]]
    assert len(ids) == len(set(ids)) == 18


def test_every_service_can_be_listed(client: Client) -> None:
    first = get_page(client, "per_page=100")
    assert first["total_items"] > 40_000
    last = get_page(client, f"per_page=100&page={first['total_pages']}")
    assert last["last_page"]
    assert last["size"] == first["total_items"] - 100 * (first["total_pages"] - 1)


def test_an_empty_result_says_so(client: Client) -> None:
    body = get_page(client, "search=zzqqxxnothing")
    assert (body["total_items"], body["total_pages"], body["size"]) == (0, 0, 0)
    assert body["empty"]
    assert body["first_page"]
    assert body["contents"] == []


@pytest.mark.parametrize("kind", KINDS)
def test_full_services_of_every_kind_validate(client: Client, kind: str) -> None:
    body = get_page(client, f"kind={kind}&full=true&per_page=100")
    assert body["contents"], kind
    validator = hsds_service_validator()
    for service in body["contents"]:
        assert errors(validator, service) == [], service["id"]


def test_list_ids_open_the_full_service(client: Client) -> None:
    listed = get_page(client, "search=detox&per_page=5")["contents"]
    assert listed
    for summary in listed:
        response = client.get(f"/hsds/services/{summary['id']}")
        assert response.status_code == 200, response.text
        service = response.json()
        assert errors(hsds_service_validator(), service) == []
        assert service["id"] == summary["id"]
        assert service["name"] == summary["name"]


def test_meeting_in_person_has_location_schedules_and_timezone_offset(client: Client) -> None:
    # The Chester-Woodlyn group: the feed lists it once per weekly time; one service here.
    doc_id = "aasepia-meet-1937-macdade-blvd-woodlyn-pa-19094-usa-6-100000"
    service = client.get(f"/hsds/services/{hsds_id(doc_id)}").json()
    assert service["status"] == "active"
    [sal] = service["service_at_locations"]
    location = sal["location"]
    assert location["location_type"] == "physical"
    assert (location["latitude"], location["longitude"]) == (39.8712402, -75.3543743)
    assert location["addresses"][0]["address_1"] == "1937 West MacDade Boulevard"
    # One schedule per distinct hours, its days in `byday`: midnight is every day.
    rows = {(s["freq"], s["byday"], s["opens_at"]) for s in service["schedules"]}
    assert ("WEEKLY", "MO,TU,WE,TH,FR,SA,SU", "00:00:00") in rows
    assert len(service["schedules"]) > 5
    assert all(s["timezone"] in (-5.0, -4.0) for s in service["schedules"])
    assert service["languages"] == [
        {"id": hsds_id(f"{doc_id}#language:en"), "name": "English", "code": "en"}
    ]
    # A Pathways id opens the same service.
    assert client.get(f"/hsds/services/{doc_id}").json() == service


def test_temporarily_closed_services_are_listed_with_that_status(client: Client) -> None:
    doc_id = "aasepia-meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500"
    service = client.get(f"/hsds/services/{hsds_id(doc_id)}").json()
    assert service["status"] == "temporarily closed"


def test_taxonomy_term_filters_map_onto_our_vocabularies(client: Client) -> None:
    spanish = hsds_id("taxonomy_term:language:es")
    meeting = hsds_id("taxonomy_term:kind:meeting")
    body = get_page(client, f"taxonomy_term_id={spanish}&taxonomy_term_id={meeting}&full=true")
    by_terms = get_page(client, "language=es&kind=meeting")
    assert body["total_items"] == by_terms["total_items"] > 0
    for service in body["contents"]:
        terms = {a["taxonomy_term_id"] for a in service["attributes"]}
        assert {spanish, meeting} <= terms


def test_search_and_near_rank_like_v1_search(client: Client) -> None:
    query = "near=19103&radius_km=25&per_page=10"
    body = get_page(client, f"search=methadone&{query}")
    # HSDS searches the exact words: /v1/search does with literal=true.
    search = client.get(f"/v1/search?q=methadone&{query}&include_closed=true&literal=true").json()
    assert body["total_items"] == search["total"] > 0
    assert [s["id"] for s in body["contents"]] == [hsds_id(h["id"]) for h in search["hits"]]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("postcode=19103", "postcode"),
        ("modified_after=2024-01-01", "modified_after"),
        ("format=ndjson", "format"),
        ("taxonomy_term_id=00000000-0000-0000-0000-000000000000", "taxonomy_term_id"),
        ("per_page=101", "per_page"),
        ("page=0", "page"),
        ("language=xx", "language"),
        (f"search={'a' * 201}", "search"),
    ],
)
def test_bad_or_unsupported_parameters_are_400(client: Client, query: str, parameter: str) -> None:
    assert_problem(client.get(f"/hsds/services?{query}"), 400, parameter=parameter)


@pytest.mark.parametrize("service_id", ["00000000-0000-0000-0000-000000000000", "no-such-id", "!!"])
def test_unknown_service_is_404(client: Client, service_id: str) -> None:
    assert_problem(client.get(f"/hsds/services/{service_id}"), 404)
