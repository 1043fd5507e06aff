"""The search parameters are declared once (SearchRequest, FILTER_FIELDS) and every surface
reads, checks and documents them from there."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import UTC, datetime
from typing import Any, Final

import msgspec
import pytest
from litestar import Litestar

from service.api.feeds import FEED_PATH
from service.app import create_app
from service.contract.documents import FILTER_FIELDS
from service.errors import BadParameterError, UnknownPlaceError
from service.places.geocoder import Gazetteer, GazetteerGeocoder
from service.search.query import Limits
from service.search.request import (
    FEED_PARAMS,
    HSDS_PARAMS,
    SearchRequest,
    filter_params,
    query_names,
    query_params,
    search_request,
    validated,
)
from service.search.run import resolve_near_state
from service.settings import PROJECT_ROOT, Settings
from service.values import cut, is_true, parse_flag, shown

LIMITS: Final = Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50)
NOW: Final = datetime(2026, 11, 28, 18, 30, tzinfo=UTC)
# What each operation reads besides SearchRequest's parameters (its own, from Litestar).
OWN_PARAMETERS: Final[dict[str, tuple[str, ...]]] = {
    "/embed/v1/search": ("partner",),
    "/hsds/services": ("search", "page", "per_page", "taxonomy_term_id", "full", "format"),
}
SURFACES: Final[dict[str, tuple[str, ...]]] = {
    "/v1/search": query_names(),
    "/v1/search.csv": query_names(),
    "/embed/v1/search": query_names(),
    FEED_PATH: query_names(FEED_PARAMS),
    "/hsds/services": query_names(HSDS_PARAMS),
}


@pytest.fixture(scope="module")
def app() -> Litestar:
    # The document is built without a Meilisearch: nothing here searches.
    return create_app(Settings(meili_url="http://127.0.0.1:9", meili_api_key="unused"))


def _parameters(app: Litestar, path: str) -> list[dict[str, Any]]:
    document = app.openapi_schema.to_schema()
    parameters: list[dict[str, Any]] = document["paths"][path]["get"]["parameters"]
    return parameters


@pytest.mark.parametrize("path", list(SURFACES))
def test_each_surface_documents_the_parameters_of_the_declaration(app: Litestar, path: str) -> None:
    parameters = _parameters(app, path)
    names = [p["name"] for p in parameters]
    own = OWN_PARAMETERS.get(path, ())
    assert names == [*own, *SURFACES[path]]
    described = {p.name: p.description for p in query_params()}
    for parameter in parameters:
        if parameter["name"] in own:
            continue
        assert parameter["description"] == described[parameter["name"]], parameter["name"]
        assert parameter["description"], parameter["name"]


def test_every_parameter_of_the_declaration_is_described() -> None:
    params = query_params()
    assert [p.name for p in params if not p.description] == []
    assert [p.name for p in params if p.repeated] == [*filter_params(), "day"]
    # One parameter per filter of the contract, in place of the `filters` field.
    assert [f.param for f in FILTER_FIELDS] == list(filter_params())
    fields = [f.name for f in msgspec.structs.fields(SearchRequest)]
    assert [n for n in query_names() if n not in filter_params()] == [
        n for n in fields if n != "filters"
    ]


def test_a_query_string_becomes_a_typed_request() -> None:
    request = search_request(
        {
            "q": ["coffee"],
            "kind": ["meeting", ""],
            "day": ["mon", "tue"],
            "radius_km": ["12.5"],
            "page": ["1", "3"],
            "per_page": [""],
            "open_now": ["yes"],
            "unknown": ["x"],
        }
    )
    assert request == SearchRequest(
        q="coffee",
        filters={"kind": ["meeting"]},
        day=["mon", "tue"],
        radius_km=12.5,
        page=3,
        open_now="yes",
    )
    assert search_request({"q": ["x"], "near": ["19103"]}, only={"near"}) == SearchRequest(
        near="19103"
    )


@pytest.mark.parametrize(
    ("query", "parameter", "detail"),
    [
        ({"radius_km": ["far"]}, "radius_km", "radius_km: Expected `float`, got `str`"),
        ({"page": ["two"]}, "page", "page: Expected `int`, got `str`"),
        ({"per_page": ["1e9x"]}, "per_page", "per_page: Expected `int`, got `str`"),
    ],
)
def test_a_value_of_the_wrong_type_names_its_parameter(
    query: dict[str, list[str]], parameter: str, detail: str
) -> None:
    with pytest.raises(BadParameterError) as caught:
        search_request(query)
    assert (caught.value.parameter, caught.value.detail) == (parameter, detail)


def test_a_request_is_checked_into_the_search_and_its_time_filter() -> None:
    request = search_request(
        {
            "near": ["19103"],
            "kind": ["MEETING", "meeting"],
            "open_now": ["on"],
            "include_closed": ["1"],
            "facets": ["none"],
        }
    )
    params, time_filter = validated(request, limits=LIMITS, now=NOW, per_page=10)
    assert (params.near, params.radius_km, params.sort) == ("19103", 25.0, "distance")
    assert (params.filters, params.per_page, params.facets) == ((("kind", ("meeting",)),), 10, ())
    assert params.include_closed
    assert time_filter.open_now
    assert time_filter.at == NOW.replace(second=0)


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ({"kind": ["church"]}, "kind"),
        ({"include_online": ["maybe"]}, "include_online"),
        ({"open_now": ["maybe"]}, "open_now"),
        ({"day": ["someday"]}, "day"),
        ({"per_page": ["51"]}, "per_page"),
        ({"facets": ["kind,colour"]}, "facets"),
    ],
)
def test_checking_names_the_parameter_at_fault(query: dict[str, list[str]], parameter: str) -> None:
    with pytest.raises(BadParameterError) as caught:
        validated(search_request(query), limits=LIMITS, now=NOW)
    assert caught.value.parameter == parameter


@pytest.mark.parametrize(
    ("raw", "flag"),
    [("true", True), (" YES ", True), ("on", True), ("1", True), ("off", False), ("", False)],
)
def test_flags_have_one_set_of_words(raw: str, flag: bool) -> None:
    assert parse_flag("open_now", raw) is flag
    assert is_true(raw) is flag


def test_a_bad_flag_and_a_long_value_are_echoed_cut() -> None:
    long = "x" * 50
    with pytest.raises(BadParameterError) as caught:
        parse_flag("full", long)
    assert caught.value.detail == f"full='{'x' * 40}…' is not allowed: use true or false"
    assert (cut("short"), shown("short"), is_true(None)) == ("short", "'short'", False)


# A filter added to the contract, in a fresh interpreter (module constants are built from
# FILTER_FIELDS at import): every surface must read, check and document it untouched.
EXTRA_FILTER_SCRIPT: Final = textwrap.dedent(
    """
    import json

    import service.contract.documents as documents
    from service.contract.vocabulary import Term, Vocabulary

    TOPICS = Vocabulary(name="topics", terms=(Term(code="grief", en="Grief", es="Duelo"),))
    documents.FILTER_FIELDS = (
        *documents.FILTER_FIELDS,
        documents.FilterField(param="topic", attribute="tags", vocabulary=TOPICS),
    )

    from datetime import UTC, datetime

    from service.api.feeds import feed_query
    from service.app import create_app
    from service.http.partners import parse_partners
    from service.places.geocoder import Gazetteer, GazetteerGeocoder
    from service.search.query import Limits, build_search_body
    from service.search.request import search_request, validated
    from service.settings import Settings
    from service.web.embedding import embed_request
    from service.web.forms import form_view
    from service.web.page_query import page_query

    limits = Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50)
    app = create_app(Settings(meili_url="http://127.0.0.1:9", meili_api_key="unused"))
    paths = app.openapi_schema.to_schema()["paths"]
    request = search_request({"topic": ["GRIEF"]})
    params, _ = validated(request, limits=limits, now=datetime.now(UTC))
    partners = parse_partners(
        '[[partner]]\\nkey = "p"\\nname = "P"\\norigins = ["http://a"]\\n'
        '[partner.presets]\\ntopic = ["grief"]\\n'
    )
    partner = partners.get("p")
    pq = page_query({"topic": ["grief"], "q": ["x"]})
    geocoder = GazetteerGeocoder(Gazetteer.load())
    print(json.dumps({
        "documented": sorted(
            path for path, item in paths.items()
            if any(p["name"] == "topic" for p in item.get("get", {}).get("parameters", []))
        ),
        "facets_pattern": paths["/v1/search"]["get"]["parameters"][-1]["schema"]["pattern"],
        "filter": build_search_body(params, None)["filter"],
        "page_pairs": pq.pairs,
        "form_groups": [g.param for g in form_view(pq, "en", limits).groups],
        "form_label": form_view(pq, "en", limits).groups[-1].label,
        "embed_filters": embed_request({}, partner).filters,
        "preset": partner.presets.codes("topic"),
        "feed_filter": feed_query(geocoder, limits, search_request({"topic": ["grief"]}))[
            "filter"
        ],
    }))
    """
)


def test_a_filter_added_to_the_contract_reaches_every_surface() -> None:
    done = subprocess.run(
        [sys.executable, "-c", EXTRA_FILTER_SCRIPT],
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["documented"] == [
        "/embed/v1/search",
        "/hsds/services",
        "/v1/feeds/meeting-guide.json",
        "/v1/search",
        "/v1/search.csv",
    ]
    assert "|topic)" in found["facets_pattern"]
    assert ['tags = "grief"'] in found["filter"]
    assert found["page_pairs"] == [["q", "x"], ["topic", "grief"]]
    assert found["form_groups"][-1] == "topic"
    assert found["form_label"] == "Topics"
    assert found["embed_filters"] == {"topic": ["grief"]}
    assert found["preset"] == ["grief"]
    assert ['tags = "grief"'] in found["feed_filter"]


@pytest.fixture(scope="module")
def geocoder() -> GazetteerGeocoder:
    return GazetteerGeocoder(Gazetteer.load())


def test_a_place_is_resolved_once_to_a_point_and_its_state(geocoder: GazetteerGeocoder) -> None:
    (lat, lng), state = resolve_near_state(geocoder, "19103")
    assert (round(lat, 1), round(lng, 1), state) == (40.0, -75.2, "PA")
    assert resolve_near_state(geocoder, "39.95,-75.17")[0] == (39.95, -75.17)
    with pytest.raises(BadParameterError, match="near: ") as bad:
        resolve_near_state(geocoder, "123")
    assert bad.value.parameter == "near"
    with pytest.raises(UnknownPlaceError):
        resolve_near_state(geocoder, "Atlantis, PA")
