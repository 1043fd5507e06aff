"""Security headers on every answer: each route of the app, each method, and every error.

Every answer has a Content-Security-Policy naming no third-party host, nosniff, a
no-referrer policy and a permissions policy; pages may be framed by nobody except the
partner iframe, which each partner's own origins (and only those) may frame.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest
from litestar import Litestar
from litestar.routes import HTTPRoute
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.contract.short_codes import short_code
from service.places.geocoder import Gazetteer
from tests.integration.conftest import IndexedSeed, settings_for, wait_for_hsds_ids

PARTNERS: Final = {
    "alpha": ("https://alpha.example", "https://alpha2.example:8443"),
    "beta": ("https://beta.example",),
}
TOKEN: Final = "t" * 40  # invented for the test
SELF_SOURCES: Final = {"'self'", "'none'", "data:"}
# Example query strings that make a route do its real work.
QUERIES: Final = {
    "/": "near=19103&kind=meeting",
    "/partials/results": "near=19103",
    "/v1/search": "near=19103&kind=meeting",
    "/v1/search.csv": "near=19103&kind=meeting",
    "/v1/feeds/meeting-guide.json": "near=19103&radius_km=3",
    "/hsds/services": "per_page=2",
    "/embed/v1/config": "partner=alpha",
    "/embed/v1/search": "partner=alpha&q=meeting",
    "/embed/v1/results": "partner=alpha&q=meeting",
    "/embed/v1/frame": "partner=alpha",
}


# Elements that load what they name (a plain link is navigation, not a load).
LOADING_TAG: Final = re.compile(
    r"<(?:script|img|iframe|link|source|video|audio|object|embed)\b[^>]*"
    r"(?:src|href|data)=[\"'](https?://[^\"']+)"
)


def partners_toml() -> str:
    """Two partners with their origins (invented for the test)."""
    return "".join(
        f'[[partner]]\nkey = "{key}"\nname = "{key} test"\norigins = {list(origins)!r}\n'.replace(
            "'", '"'
        )
        for key, origins in PARTNERS.items()
    )


@pytest.fixture(scope="module")
def app_client(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    gazetteer: Gazetteer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient[Litestar]]:
    partners = tmp_path_factory.mktemp("headers") / "partners.toml"
    partners.write_text(partners_toml(), encoding="utf-8")
    settings = settings_for(
        meili_server, seed_index.name, partners_file=partners, admin_token=TOKEN
    )
    with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        yield client


def csp_directives(header: str) -> dict[str, list[str]]:
    """A Content-Security-Policy as directive -> sources."""
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def assert_secure(response: httpx.Response, *, framed_by: tuple[str, ...] = ()) -> None:
    """The headers every answer must carry; `framed_by` the origins allowed to frame it."""
    where = f"{response.request.method} {response.request.url} -> {response.status_code}"
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff", where
    assert headers["referrer-policy"] == "no-referrer", where
    assert "geolocation=(self)" in headers["permissions-policy"], where
    directives = csp_directives(headers["content-security-policy"])
    for name, sources in directives.items():
        allowed = SELF_SOURCES | (set(framed_by) if name == "frame-ancestors" else set())
        assert set(sources) <= allowed, (where, name, sources)
    ancestors = directives["frame-ancestors"]
    assert ancestors == (list(framed_by) or ["'none'"]), where
    if ancestors == ["'none'"]:
        assert headers["x-frame-options"] == "DENY", where
    else:
        assert "x-frame-options" not in headers, where
    if headers.get("content-type", "").startswith("text/html"):
        assert directives["script-src"] == ["'self'"], where
        assert directives["default-src"] == ["'self'"], where
        assert headers["cross-origin-opener-policy"] == "same-origin", where


def concrete_paths(app: Litestar, doc_id: str, hsds_id: str) -> Iterator[tuple[str, str]]:
    """(method, URL) for every method of every route, path parameters filled in."""
    values = {
        "resource_id": doc_id,
        "hsds_id": hsds_id,
        "codes": short_code(doc_id),
        "name": "pathways.css",
        "path": "openapi.json",
    }
    for route in app.routes:
        assert isinstance(route, HTTPRoute)
        path = re.sub(r"\{(\w+):\w+\}", lambda m: values[m.group(1)], route.path)
        query = QUERIES.get(route.path)
        url = f"{path}?{query}" if query else path
        for method in sorted(route.methods):
            yield method, url


def test_every_route_and_method_sends_the_headers(app_client: TestClient[Litestar]) -> None:
    hit = app_client.get("/v1/search", params={"q": "meeting"}).json()["hits"][0]
    hsds_id = app_client.get("/hsds/services?per_page=1").json()["contents"][0]["id"]
    wait_for_hsds_ids(app_client, hsds_id)
    seen = 0
    for method, url in concrete_paths(app_client.app, hit["id"], hsds_id):
        response = app_client.request(method, url)
        assert response.status_code < 500, (method, url, response.text[:300])
        framed = PARTNERS["alpha"] if url.startswith("/embed/v1/frame") and method == "GET" else ()
        assert_secure(response, framed_by=framed)
        seen += 1
    assert seen >= 50


@pytest.mark.parametrize("key", sorted(PARTNERS))
def test_each_partner_may_frame_only_its_own_iframe(
    app_client: TestClient[Litestar], key: str
) -> None:
    response = app_client.get("/embed/v1/frame", params={"partner": key, "near": "19103"})
    assert response.status_code == 200
    assert_secure(response, framed_by=PARTNERS[key])


def test_the_unknown_partner_page_may_be_framed_by_anyone_and_loads_nothing(
    app_client: TestClient[Litestar],
) -> None:
    response = app_client.get("/embed/v1/frame", params={"partner": "nobody"})
    assert response.status_code == 403
    directives = csp_directives(response.headers["content-security-policy"])
    assert directives["frame-ancestors"] == ["*"]
    assert all(set(s) <= SELF_SOURCES for n, s in directives.items() if n != "frame-ancestors")


@pytest.mark.parametrize(
    ("method", "url", "headers", "status"),
    [
        ("GET", "/no/such/page", {}, 404),
        ("POST", "/v1/search", {}, 405),
        ("GET", "/v1/search?kind=nope", {}, 400),
        ("GET", "/v1/search?near=00000", {}, 422),
        ("GET", "/v1/resources/no-such-id", {}, 404),
        ("GET", "/v1/search?q=" + "a" * 5000, {}, 414),
        ("GET", "/v1/search", {"x-filler": "a" * 9000}, 431),
        ("GET", "/v1/search?" + "&".join(["day=mon"] * 30), {}, 400),
        ("POST", "/admin/reload-partners", {}, 401),
        ("POST", "/admin/reload-partners", {"content-length": "99999999"}, 413),
    ],
)
def test_error_answers_send_the_headers(
    app_client: TestClient[Litestar], method: str, url: str, headers: dict[str, str], status: int
) -> None:
    response = app_client.request(method, url, headers=headers)
    assert response.status_code == status, response.text
    assert_secure(response)


def test_rate_limited_answers_send_the_headers(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    settings = settings_for(meili_server, seed_index.name, client_rate_limit_per_min=1)
    with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        assert client.get("/v1/vocabularies").status_code == 200
        response = client.get("/v1/vocabularies")
    assert response.status_code == 429
    assert_secure(response)


def test_https_answers_ask_for_https_from_then_on(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    app = create_app(settings_for(meili_server, seed_index.name), gazetteer=gazetteer)
    with TestClient(app, base_url="https://pathways.example") as client:
        assert client.get("/healthz").headers["strict-transport-security"].startswith("max-age=")
    with TestClient(app) as client:
        assert "strict-transport-security" not in client.get("/healthz").headers


def test_the_page_policy_names_no_other_host() -> None:
    # The shipped templates and scripts load nothing from elsewhere either.
    web = Path(__file__).resolve().parents[2] / "service" / "web"
    for path in [
        *web.glob("templates/*.html"),
        *web.glob("static/*.js"),
        *web.glob("static/*.css"),
    ]:
        text = path.read_text(encoding="utf-8")
        for url in re.findall(LOADING_TAG, text):
            # The widget's usage comment names the Pathways host itself.
            if not url.startswith("https://PATHWAYS_HOST/"):
                pytest.fail(f"{path.name} loads {url}")
