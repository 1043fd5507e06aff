"""`/r/{id}`: one listing's own page on the real seed index, English and Spanish."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import TestClient

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def nuevo_camino(client: TestClient[Litestar]) -> dict[str, Any]:
    """A real Philadelphia meeting that meets several times a week at one place: one listing
    with those times (indexer/consolidate.py), though its feed lists it once per time."""
    response = client.get(
        "/v1/search?near=19103&kind=meeting&q=Nuevo+Camino&literal=true&sort=distance"
    )
    hits = [h for h in response.json()["hits"] if h["name"] == "Nuevo Camino"]
    assert hits, "the seed data has Nuevo Camino in South Philadelphia"
    hit: dict[str, Any] = hits[0]
    assert len(hit["schedule"]["slots"]) >= 2, "Nuevo Camino meets several times a week"
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
    # Its weekly times, from the feed's five entries, are on its one page.
    times = "Mon, Wed, Thu, Sat 7:00 PM" if lang == "en" else "lun, mié, jue, sáb 19:00"
    assert times in page
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
