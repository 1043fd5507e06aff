"""Whatever a client puts in a URL, no route answers 500 or shows where the service lives.

Property tests over every GET route of the real app (partners and admin routes on): any
query string (`?&` alone included), any Unicode digit in the integer parameters of the API,
the page, the embed and the CSV export, and any path under `/static/`. Requests are sent as
raw ASGI calls (tests/integration/raw_asgi.py), so no client tidies them first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final
from urllib.parse import quote, quote_from_bytes

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.contract.short_codes import short_code
from service.places.geocoder import Gazetteer
from service.settings import PROJECT_ROOT
from tests.integration.conftest import IndexedSeed, settings_for
from tests.integration.raw_asgi import RawAnswer, raw_get

PROPERTY: Final = settings(
    deadline=None,
    max_examples=150,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ADMIN_TOKEN: Final = "t" * 40
PARTNER_ORIGIN: Final = "http://localhost:8001"
# A shipped asset and the OpenAPI file, for the routes that take path parameters (the
# resource ids are a real seed record's).
PATH_VALUES: Final = {"name": "pathways.css", "path": "openapi.json"}
INTEGER_PARAMS: Final = ("starts_within_min", "page", "per_page")
SURFACES: Final = ("/v1/search", "/v1/search.csv", "/", "/embed/v1/search", "/embed/v1/frame")


# The example partner's origin and presets, with a limit no property run reaches (one test
# address sends every example; a real partner's visitors each get a share).
PARTNERS_TOML: Final = f"""
[[partner]]
key = "demo"
name = "Property tests"
origins = ["{PARTNER_ORIGIN}"]
rate_limit_per_min = 100000

[partner.presets]
near = "Philadelphia, PA"
radius_km = 40
"""


@pytest.fixture(scope="module")
def app_client(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    gazetteer: Gazetteer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient[Litestar]]:
    partners = tmp_path_factory.mktemp("faults") / "partners.toml"
    partners.write_text(PARTNERS_TOML, encoding="utf-8")
    settings = settings_for(
        meili_server, seed_index.name, admin_token=ADMIN_TOKEN, partners_file=partners
    )
    with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        yield client


@pytest.fixture(scope="module")
def get_paths(app_client: TestClient[Litestar]) -> list[str]:
    """Every GET route with its path parameters filled in with values that exist."""
    some_id = app_client.get("/v1/search", params={"per_page": 1}).json()["hits"][0]["id"]
    values = {**PATH_VALUES, "resource_id": some_id, "hsds_id": some_id,
              "codes": short_code(some_id)}  # fmt: skip
    return [
        re.sub(r"\{(\w+):\w+\}", lambda m: values[m.group(1)], route.path)
        for route in app_client.app.routes
        if "GET" in getattr(route, "methods", ())
    ]


def assert_no_fault(answer: RawAnswer) -> None:
    """No error of ours, and no file system path of the install in the body.

    A 503 with Retry-After (Meilisearch slower than the timeout on a busy machine) is the
    service working as documented, not a fault.
    """
    unavailable = answer.status == 503 and "retry-after" in answer.headers
    assert answer.status < 500 or unavailable, answer.body[:300]
    assert str(PROJECT_ROOT).encode() not in answer.body
    assert b"Traceback" not in answer.body


def any_query_string() -> st.SearchStrategy[bytes]:
    """Raw query strings: separators alone, keys without values, encoded junk, known keys."""
    keys = st.one_of(
        st.sampled_from(["q", "near", "page", "per_page", "kind", "partner", "lang", "ids"]),
        st.text(max_size=8),
    )
    pieces = st.one_of(
        st.sampled_from([b"", b"&", b"=", b"&&", b"=&=", b"%", b"%zz", b"+", b"%00", b";"]),
        st.tuples(keys, st.text(max_size=12)).map(
            lambda kv: (quote(kv[0]) + "=" + quote(kv[1])).encode()
        ),
        st.binary(max_size=12).map(lambda b: quote_from_bytes(b, safe="&=%").encode()),
    )
    return st.lists(pieces, max_size=6).map(b"".join)


@PROPERTY
@given(data=st.data(), query=any_query_string())
def test_any_query_string_on_any_route_is_never_a_fault(
    app_client: TestClient[Litestar], get_paths: list[str], data: st.DataObject, query: bytes
) -> None:
    path = data.draw(st.sampled_from(get_paths))
    method = data.draw(st.sampled_from(["GET", "HEAD"]))
    headers = [
        (b"origin", PARTNER_ORIGIN.encode()),
        (b"authorization", b"Bearer " + ADMIN_TOKEN.encode()),
    ]
    answer = raw_get(app_client, path.encode(), query, method=method, headers=headers)
    assert_no_fault(answer)
    assert answer.status != 405
    if method == "HEAD":
        assert answer.body == b""


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/v1/search", "/", "/static/pathways.css"])
@pytest.mark.parametrize("query", [b"&", b"&&", b"=", b"&=&"])
def test_empty_pairs_alone_are_no_parameters(
    app_client: TestClient[Litestar], path: str, query: bytes
) -> None:
    assert raw_get(app_client, path.encode(), query).status == 200


NON_ASCII_DIGITS: Final = st.characters(categories=["Nd", "No", "Nl"]).filter(
    lambda c: not c.isascii()
)


@PROPERTY
@given(
    surface=st.sampled_from(SURFACES),
    param=st.sampled_from(INTEGER_PARAMS),
    value=st.lists(
        st.one_of(NON_ASCII_DIGITS, st.sampled_from("0123456789")), min_size=1, max_size=4
    )
    .map("".join)
    .filter(lambda v: not v.isascii()),
)
def test_a_digit_of_another_script_is_a_bad_parameter(
    app_client: TestClient[Litestar], surface: str, param: str, value: str
) -> None:
    query = f"partner=demo&q=aa&{param}={quote(value)}".encode()
    answer = raw_get(
        app_client, surface.encode(), query, headers=[(b"origin", PARTNER_ORIGIN.encode())]
    )
    assert_no_fault(answer)
    assert answer.status == 400, (surface, param, value)


@pytest.mark.parametrize("value", ["²", "١٢", "߁", "①", "Ⅻ"])
def test_superscripts_and_other_digits_in_minutes_are_a_400_naming_the_parameter(
    client: TestClient[Litestar], value: str
) -> None:
    response = client.get("/v1/search", params={"starts_within_min": value})
    assert response.status_code == 400
    assert response.json()["parameter"] == "starts_within_min"


@PROPERTY
@given(
    name=st.one_of(
        st.text(max_size=20),
        st.sampled_from([".", "..", "%00", "%2e%2e%2fpages.py", "..%2f..%2fsettings.py", "", "/"]),
        st.binary(max_size=12).map(lambda b: quote_from_bytes(b, safe="/%.")),
    )
)
def test_any_static_path_is_a_file_or_a_plain_404(
    app_client: TestClient[Litestar], name: str
) -> None:
    raw = b"/static/" + (name if "%" in name else quote(name, safe="/.")).encode()
    answer = raw_get(app_client, raw)
    assert_no_fault(answer)
    assert answer.status in {200, 404}, raw
    assert b"site-packages" not in answer.body


@pytest.mark.parametrize("raw", [b"/static/%00", b"/static/.", b"/static/..", b"/static/"])
def test_odd_static_paths_are_404_without_an_install_path(
    app_client: TestClient[Litestar], raw: bytes
) -> None:
    answer = raw_get(app_client, raw)
    assert answer.status == 404
    assert str(PROJECT_ROOT).encode() not in answer.body


def test_the_shipped_assets_are_served(app_client: TestClient[Litestar]) -> None:
    css = raw_get(app_client, b"/static/pathways.css")
    assert css.status == 200
    assert css.headers["content-type"].startswith("text/css")
    assert css.headers["cache-control"] == "public, max-age=600"
    assert (
        raw_get(app_client, b"/static/pathways.js")
        .headers["content-type"]
        .startswith("text/javascript")
    )
