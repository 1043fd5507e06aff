"""Search parameter validation and Meilisearch filter building."""

from __future__ import annotations

from typing import Any

import pytest

from service.contract.filters import quote_value
from service.errors import BadParameterError
from service.search.query import (
    Limits,
    SearchParams,
    build_search_body,
    facets_by_param,
    filter_expression,
    validate_codes,
    validate_params,
)

LIMITS = Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50)


def params(**overrides: Any) -> SearchParams:
    base: dict[str, Any] = {
        "q": "",
        "near": None,
        "radius_km": None,
        "sort": None,
        "page": 1,
        "per_page": 20,
        "filters": {},
        "limits": LIMITS,
    }
    base.update(overrides)
    return validate_params(**base)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, ['status = "active"']),
        ({"kind": ["meeting"]}, ['status = "active"', ['kind = "meeting"']]),
        (
            {"language": ["es", "pt"], "kind": ["meeting"]},
            ['status = "active"', ['kind = "meeting"'], ['languages = "es"', 'languages = "pt"']],
        ),
        ({"language": ["ES", " es ", ""]}, ['status = "active"', ['languages = "es"']]),
        (
            {"need": ["moud"], "cost": ["medicaid", "sliding_scale"]},
            [
                'status = "active"',
                ['needs = "moud"'],
                ['costs = "medicaid"', 'costs = "sliding_scale"'],
            ],
        ),
        (
            {"community": ["lgbtq"], "accessibility": ["wheelchair"], "attendance": ["hybrid"]},
            [
                'status = "active"',
                ['communities = "lgbtq"'],
                ['accessibility = "wheelchair"'],
                ['attendance = "hybrid"'],
            ],
        ),
    ],
)
def test_filters_are_or_within_and_across(
    filters: dict[str, list[str]], expected: list[Any]
) -> None:
    assert filter_expression(params(filters=filters), None) == expected


def test_near_adds_radius_filter_in_metres_and_distance_sort() -> None:
    p = params(near="19103", radius_km=10.0)
    body = build_search_body(p, (39.952, -75.1735))
    assert body["filter"][-1] == "_geoRadius(39.952000, -75.173500, 10000)"
    assert body["sort"] == ["_geoPoint(39.952000, -75.173500):asc"]
    assert body["page"] == 1
    assert body["hitsPerPage"] == 20
    assert "keywords" not in body["attributesToRetrieve"]
    assert "_geo" in body["attributesToRetrieve"]


def test_relevance_sort_near_a_place_has_no_geo_sort() -> None:
    body = build_search_body(params(near="19103", sort="relevance"), (39.95, -75.17))
    assert "sort" not in body
    assert body["filter"][-1].startswith("_geoRadius(")


@pytest.mark.parametrize(
    ("overrides", "parameter", "fragment"),
    [
        ({"filters": {"kind": ["church"]}}, "kind", "Allowed values: meeting, treatment"),
        ({"filters": {"language": ['es" OR kind = "x']}}, "language", "not an allowed value"),
        ({"filters": {"need": ["_geoRadius(0,0,1)"]}}, "need", "Allowed values: alcohol"),
        ({"radius_km": 0.0}, "radius_km", "at most 250"),
        ({"radius_km": 500.0}, "radius_km", "at most 250"),
        ({"per_page": 51}, "per_page", "between 1 and 50"),
        ({"per_page": 0}, "per_page", "between 1 and 50"),
        ({"page": 0}, "page", "between 1 and 1000"),
        ({"sort": "nearest"}, "sort", "Allowed values: relevance, distance"),
        ({"sort": "distance"}, "sort", "needs a place"),
        ({"q": "x" * 201}, "q", "at most 200 characters"),
    ],
)
def test_bad_parameters_name_the_parameter(
    overrides: dict[str, Any], parameter: str, fragment: str
) -> None:
    with pytest.raises(BadParameterError) as info:
        params(**overrides)
    assert info.value.parameter == parameter
    assert fragment in info.value.detail


def test_bad_vocabulary_value_lists_allowed_values() -> None:
    with pytest.raises(BadParameterError) as info:
        validate_codes("attendance", ["zoom"])
    assert info.value.allowed == ("in_person", "online", "hybrid", "phone")


@pytest.mark.parametrize(
    ("near", "sort", "expected"),
    [(None, None, "relevance"), ("19103", None, "distance"), ("19103", "relevance", "relevance")],
)
def test_default_sort_depends_on_place(near: str | None, sort: str | None, expected: str) -> None:
    assert params(near=near, sort=sort).sort == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("es", '"es"'), ('a"b', '"a\\"b"'), ("a\\b", '"a\\\\b"')],
)
def test_quote_value(value: str, expected: str) -> None:
    assert quote_value(value) == expected


def test_facets_are_keyed_by_parameter() -> None:
    facets = facets_by_param({"languages": {"en": 3, "es": 5}, "kind": {"meeting": 8}})
    assert facets["language"] == {"es": 5, "en": 3}
    assert list(facets["language"]) == ["es", "en"]
    assert facets["kind"] == {"meeting": 8}
    assert facets["need"] == {}
