"""`/r/{id}`: one listing's own page on the real seed index, English and Spanish."""

from __future__ import annotations

import html
import re

import pytest
from litestar import Litestar
from litestar.testing import TestClient

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def nuevo_camino(client: TestClient[Litestar]) -> dict[str, object]:
    """A real Philadelphia meeting that meets several times a week at one place."""
    response = client.get(
        "/v1/search?near=19103&kind=meeting&q=Nuevo+Camino&literal=true&sort=distance"
    )
    hits = [h for h in response.json()["hits"] if h["name"] == "Nuevo Camino"]
    assert len(hits) >= 2, "the seed data has Nuevo Camino at several weekly times"
    hit: dict[str, object] = hits[0]
    return hit


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("en", ("Add to calendar", "Open in my maps app", "Send by text message", "Listed by")),
        (
            "es",
            (
                "Agregar al calendario",
                "Abrir en mi app de mapas",
                "Enviar por mensaje",
                "Publicado por",
            ),
        ),
    ],
)
def test_a_listing_page_has_everything_to_act_on(
    client: TestClient[Litestar], lang: str, words: tuple[str, ...]
) -> None:
    hit = nuevo_camino(client)
    response = client.get(f"/r/{hit['id']}?lang={lang}", headers={"Accept": BROWSER})
    assert response.status_code == 200
    assert response.headers["content-language"] == lang
    page = html.unescape(response.text)
    assert f'<html lang="{lang}">' in page
    assert re.search(r"<h1[^>]*>Nuevo Camino</h1>", page)
    for word in words:
        assert word in page
    assert f'href="/v1/resources/{hit["id"]}.ics"' in page
    assert re.search(r'href="geo:-?\d+\.\d+,-?\d+\.\d+\?q=', page)
    assert 'href="https://www.openstreetmap.org/?mlat=' in page
    assert 'href="sms:?&body=Nuevo%20Camino' in page
    # The next start, as an instant for the page's script and in the venue's time.
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:00-0[45]:00">', page)
    # Its other weekly times at the same place link to their own pages.
    assert page.count('href="/r/') >= 1
    # Where it comes from, and the slot for reporting a problem.
    assert "Southeastern PA Intergroup (AA)" in page
    assert 'id="report-problem"' in page
    # Nothing from another host is loaded: links only.
    assert "<iframe" not in page
    assert "<img" not in page


def test_cards_link_to_their_listing_page(client: TestClient[Litestar]) -> None:
    hit = nuevo_camino(client)
    page = client.get("/?near=19103&kind=meeting&language=es").text
    assert f'href="/r/{hit["id"]}"' in page


def test_an_unknown_listing_is_a_404_page(client: TestClient[Litestar]) -> None:
    response = client.get("/r/no-such-listing", headers={"Accept": BROWSER})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "couldn't find that page" in html.unescape(response.text)
