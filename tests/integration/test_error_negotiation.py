"""Errors by content negotiation: browsers get a page in their language with the crisis
lines; API clients (and every machine endpoint) keep problem+json."""

from __future__ import annotations

import html

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch, free_port
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.settings import Settings
from tests.integration.conftest import IndexedSeed, settings_for
from tests.problem import assert_problem

# What Chromium sends when a person opens a link.
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,*/*;q=0.8"


def assert_error_page(text: str, status: int, title: str, lang: str) -> None:
    assert f'<html lang="{lang}">' in text
    assert title in text
    assert f"Error {status}" in text
    # The crisis lines, as on every page.
    assert 'href="tel:988"' in text
    assert 'href="sms:988"' in text
    assert 'href="tel:+18006624357"' in text
    assert "Traceback" not in text


@pytest.mark.parametrize(
    ("accept_language", "lang", "title"),
    [("en-US,en;q=0.9", "en", "We couldn't find that page"), ("es-MX", "es", "No encontramos")],
)
def test_a_mistyped_address_is_a_page_in_the_visitors_language(
    client: TestClient[Litestar], accept_language: str, lang: str, title: str
) -> None:
    response = client.get(
        "/shortlists", headers={"Accept": BROWSER, "Accept-Language": accept_language}
    )
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["content-language"] == lang
    assert response.headers["cache-control"] == "no-store"
    assert_error_page(html.unescape(response.text), 404, title, lang)


def test_api_clients_keep_problem_json(client: TestClient[Litestar]) -> None:
    assert_problem(client.get("/shortlists"), 404)
    assert_problem(client.get("/shortlists", headers={"Accept": "application/json"}), 404)
    # Machine endpoints answer problem+json even to a browser's Accept header.
    for path in ("/v1/resources/no-such-id", "/hsds/services/no-such-id"):
        assert_problem(client.get(path, headers={"Accept": BROWSER}), 404)
    assert_problem(client.get("/v1/search?kind=spaceship", headers={"Accept": BROWSER}), 400)


def test_a_wrong_method_is_a_page_too(client: TestClient[Litestar]) -> None:
    response = client.post("/", headers={"Accept": BROWSER})
    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert "allow" in response.headers


def test_too_many_requests_is_a_page_that_says_wait(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    settings = settings_for(meili_server, seed_index.name, client_rate_limit_per_min=2)
    with TestClient(create_app(settings, gazetteer=gazetteer)) as limited:
        statuses = [limited.get("/", headers={"Accept": BROWSER}).status_code for _ in range(4)]
        response = limited.get("/?lang=es", headers={"Accept": BROWSER})
        assert statuses[-1] == 429
        assert response.status_code == 429
        assert response.headers["retry-after"].isdigit()
        assert_error_page(html.unescape(response.text), 429, "Demasiadas búsquedas a la vez", "es")
        assert_problem(limited.get("/v1/search?kind=helpline"), 429)


def test_search_down_is_a_page_with_the_crisis_lines(gazetteer: Gazetteer) -> None:
    # Nothing listens on this port: every request to Meilisearch fails to connect.
    settings = settings_for_nowhere()
    with TestClient(create_app(settings, gazetteer=gazetteer)) as down:
        response = down.get("/r/pathways-helplines-988", headers={"Accept": BROWSER})
        assert response.status_code == 503
        assert response.headers["retry-after"].isdigit()
        assert_error_page(html.unescape(response.text), 503, "Search isn't working right now", "en")
        assert_problem(down.get("/v1/resources/pathways-helplines-988"), 503)


def settings_for_nowhere() -> Settings:
    return Settings(
        meili_url=f"http://127.0.0.1:{free_port()}",
        meili_api_key="x" * 16,
        index_name="nowhere",
        search_timeout_s=1.0,
        client_rate_limit_per_min=0,
    )
