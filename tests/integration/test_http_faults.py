"""Answers a client can rely on: HEAD, caching, public fields, HTML errors, partner limits.

Each test is one defect found by trying the service as an attacker or an operator would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch, free_port
from service.app import create_app
from service.contract.documents import INTERNAL_FIELDS
from service.http.rate_limit import visitor_share
from service.places.geocoder import Gazetteer
from service.settings import PROJECT_ROOT, Settings
from tests.integration.conftest import IndexedSeed, settings_for
from tests.integration.raw_asgi import raw_get
from tests.problem import assert_problem

PARTNERS: Final = PROJECT_ROOT / "config" / "partners.toml"
ORIGIN: Final = "http://localhost:8001"
# The example partner of config/partners.toml.
PARTNER: Final = "demo"


@pytest.mark.parametrize(
    "path",
    ["/healthz", "/readyz", "/v1/search?q=aa", "/v1/vocabularies", "/", "/static/pathways.css"],
)
def test_head_answers_as_get_without_a_body(client: TestClient[Litestar], path: str) -> None:
    got = client.get(path)
    head = client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == got.headers["content-type"]


@pytest.mark.parametrize(
    "path", ["/v1/search?q=aa", "/v1/vocabularies", "/readyz", "/v1/resources/nope"]
)
def test_json_answers_say_how_to_cache_them(client: TestClient[Litestar], path: str) -> None:
    assert client.get(path).headers["cache-control"] == "no-store"


def test_a_resource_and_a_hit_carry_no_internal_fields(client: TestClient[Litestar]) -> None:
    hit = client.get("/v1/search", params={"q": "aa", "per_page": 1}).json()["hits"][0]
    resource = client.get(f"/v1/resources/{hit['id']}").json()
    assert resource["id"] == hit["id"]
    assert not INTERNAL_FIELDS & set(resource)
    assert not INTERNAL_FIELDS & set(hit)


@pytest.fixture(scope="module")
def limited(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> Iterator[TestClient[Litestar]]:
    """The app with a client limit of 2 a minute, so that the third request is refused."""
    settings = settings_for(
        meili_server, seed_index.name, client_rate_limit_per_min=2, partners_file=PARTNERS
    )
    with TestClient(create_app(settings, gazetteer=gazetteer)) as test_client:
        for _ in range(2):
            test_client.get("/v1/vocabularies")
        yield test_client


@pytest.mark.parametrize("path", ["/", "/shortlist", f"/embed/v1/frame?partner={PARTNER}"])
def test_a_page_over_the_rate_limit_is_a_page_with_the_crisis_lines(
    limited: TestClient[Litestar], path: str
) -> None:
    response = limited.get(path)
    assert response.status_code == 429
    assert response.headers["content-type"].startswith("text/html")
    assert int(response.headers["retry-after"]) >= 1
    assert 'href="tel:988"' in response.text
    assert response.text.index("tel:988") < response.text.index('id="results"')


def test_the_embed_apis_429_is_readable_by_the_widget(limited: TestClient[Litestar]) -> None:
    response = limited.get(f"/embed/v1/search?partner={PARTNER}", headers={"Origin": ORIGIN})
    assert_problem(response, 429)
    assert response.headers["access-control-allow-origin"] == ORIGIN
    assert "Retry-After" in response.headers["access-control-expose-headers"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_html_503_pages_say_when_to_come_back(gazetteer: Gazetteer, lang: str) -> None:
    down = Settings(
        meili_url=f"http://127.0.0.1:{free_port()}",
        meili_api_key="k" * 16,
        client_rate_limit_per_min=0,
        partners_file=PARTNERS,
        search_timeout_s=1.0,
    )
    with TestClient(create_app(down, gazetteer=gazetteer)) as test_client:
        for path in ["/?q=aa", f"/embed/v1/frame?partner={PARTNER}&q=aa", "/shortlist?ids=x1"]:
            response = test_client.get(path + f"&lang={lang}")
            assert response.status_code == 503, path
            assert response.headers["content-type"].startswith("text/html")
            assert int(response.headers["retry-after"]) >= 1, path
            assert "tel:988" in response.text


def test_one_client_cannot_use_up_a_partners_quota(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    settings = settings_for(meili_server, seed_index.name, partners_file=PARTNERS)
    app = create_app(settings, gazetteer=gazetteer)
    limit = app.state.partners.get(PARTNER).rate_limit_per_min
    share = visitor_share(limit)
    assert share < limit
    with TestClient(app) as test_client:
        url = f"/embed/v1/config?partner={PARTNER}"
        statuses = [test_client.get(url).status_code for _ in range(limit)]
        # Without an Origin, as a script would: only its own share, then 429 for it alone.
        assert statuses[:share] == [200] * share
        assert set(statuses[share:]) == {429}
        # Another visitor (another address) still gets through.
        other = raw_get(
            test_client,
            b"/embed/v1/config",
            f"partner={PARTNER}".encode(),
            headers=[(b"origin", ORIGIN.encode())],
            client_host="192.0.2.7",
        )
        assert other.status == 200


@pytest.mark.parametrize("path", ["/", "/shortlist"])
def test_a_refused_request_on_a_page_is_a_page_with_the_crisis_lines(
    client: TestClient[Litestar], path: str
) -> None:
    # Refused by the request limits before the page's handler runs.
    response = client.get(path + "?" + "&".join(["kind=meeting"] * 21))
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert 'href="tel:988"' in response.text
