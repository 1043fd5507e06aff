"""The stewards' word on cards and listing pages: an open report warns, a check clears the
stale warning at once (and in the index after the next sync), one query per results page,
and a database down leaves search working without the marks.

The data is the real Atlanta Meeting Guide sample of seed_data: "Original H.O.W." was last
updated by its feed on 2014-01-16, ten years before the feed's newest edit (2024-03-08), far
more than the default refresh period (the test sources file declares none); "Early Sunday
Morning" is of the feed's newest edition. The reports and the steward are invented for the
tests.
"""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
import sqlalchemy as sa
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.store.repository import Store
from tests.integration.conftest import IndexedSeed, settings_for
from tests.integration.test_corrections import MEETING, World, world  # noqa: F401
from tests.postgres_server import ManagedPostgres

STALE = "This listing may be out of date: call before you go."
REPORTED = "A problem was reported and is being checked: call before you go."
SEARCH = {"q": "Sunday", "kind": "meeting"}
LAGGING = "atlanta-aa-original-h-o-w"


def card_of(page: str, resource_id: str) -> str:
    found = re.search(rf'<article class="card" aria-labelledby="r-{resource_id}">.*?</article>',
                      page, re.S)  # fmt: skip
    assert found, f"no card for {resource_id}"
    return found.group(0)


def other_cards(page: str, resource_id: str) -> list[str]:
    cards = re.findall(r'<article class="card" aria-labelledby="r-([^"]+)">.*?</article>', page,
                       re.S)  # fmt: skip
    return [c for c in cards if c != resource_id]


def search_page(client: TestClient[Litestar], **more: str) -> str:
    response = client.get("/", params={**SEARCH, **more})
    assert response.status_code == 200, response.text
    return response.text


def verify(world: World, checked_on: str = "2026-11-30", listing: str = MEETING) -> None:  # noqa: F811
    response = world.client.post(
        f"/review/listings/{listing}/verify",
        data={"checked_on": checked_on, "csrf": world.csrf()},
        headers=world.auth,
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text


def lagging(world: World) -> dict[str, Any]:  # noqa: F811
    response = world.client.get(f"/v1/resources/{LAGGING}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_a_stewards_check_clears_the_stale_warning(world: World) -> None:  # noqa: F811
    assert lagging(world)["stale"] is True
    assert STALE in card_of(search_page(world.client), LAGGING)
    assert STALE in world.client.get(f"/r/{LAGGING}").text
    verify(world, listing=LAGGING)
    # At once on the pages, from the store: the check is the most recent date.
    card = card_of(search_page(world.client), LAGGING)
    assert STALE not in card
    assert "Checked by Atlanta Central Office on Nov 30, 2026" in card
    page = world.client.get(f"/r/{LAGGING}").text
    assert STALE not in page
    assert "Checked by Atlanta Central Office on Nov 30, 2026." in page
    spanish = world.client.get(f"/r/{LAGGING}", params={"lang": "es"}).text
    assert "Revisado por Atlanta Central Office el 30 nov 2026." in spanish
    # And in the index, for the API, once the indexer has applied it.
    assert world.run("sync")[0] == 0
    listing = lagging(world)
    assert listing["stale"] is False
    assert listing["checked"] == {"on": "2026-11-30", "by": "Atlanta Central Office"}


def test_an_old_check_does_not_clear_it(world: World) -> None:  # noqa: F811
    verify(world, "2024-01-02", listing=LAGGING)
    card = card_of(search_page(world.client), LAGGING)
    assert STALE in card
    assert "Checked by Atlanta Central Office on Jan 2, 2024" in card


def test_an_open_report_warns_on_its_card_and_page_only(world: World) -> None:  # noqa: F811
    verify(world)  # so that the only doubt left is the report
    before = search_page(world.client)
    assert REPORTED not in before
    others = other_cards(before, MEETING)
    world.report()
    page = search_page(world.client)
    assert REPORTED in card_of(page, MEETING)
    assert all(REPORTED not in card_of(page, i) for i in others)
    listing = world.client.get(f"/r/{MEETING}").text
    assert REPORTED in listing
    spanish = world.client.get(f"/r/{MEETING}", params={"lang": "es"}).text
    assert "Se informó de un problema y se está revisando: llame antes de ir." in spanish
    # The page's script swaps in this fragment: the same cards, the same marks.
    fragment = world.client.get("/partials/results", params=SEARCH).text
    assert REPORTED in card_of(fragment, MEETING)


def test_one_query_reads_the_marks_of_a_whole_page(world: World) -> None:  # noqa: F811
    world.report()
    store: Store = world.client.app.state.store
    statements: list[str] = []

    def seen(*args: Any) -> None:
        statements.append(str(args[2]))

    engine = store._engine.sync_engine  # the statements it sends are counted
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        page = search_page(world.client)
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert len(other_cards(page, MEETING)) >= 2
    reads = [s for s in statements if "reports" in s or "verifications" in s]
    assert len(reads) == 1, statements


def assert_pages_answer(
    client: TestClient[Litestar], params: dict[str, str], listing_id: str
) -> None:
    for path in ("/", "/partials/results", f"/r/{listing_id}"):
        started = time.monotonic()
        down = client.get(path, params=params)
        took_s = time.monotonic() - started
        assert down.status_code == 200, (path, down.text)
        assert 'class="card"' in down.text or 'class="listing"' in down.text
        assert REPORTED not in down.text
        # The store's timeout (1 s) bounds the wait, plus the search itself.
        assert took_s < 1.0 + 1.5, (path, took_s)


def test_search_works_without_the_database(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    try:
        own = ManagedPostgres()
        own.init()
        own.start()
    except Exception as exc:
        pytest.skip(f"PostgreSQL cannot run here: {exc}")
    try:
        url = own.new_database()
        settings = settings_for(
            meili_server, seed_index.name, database_url=url, database_timeout_s=1.0
        )
        with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
            params = {"near": "19103", "kind": "meeting"}
            first = client.get("/", params=params)
            assert first.status_code == 200
            listing_id = re.findall(r'aria-labelledby="r-([^"]+)"', first.text)[0]
            own.kill()
            assert_pages_answer(client, params, listing_id)
            # A frozen server (it accepts, then never answers) is cut off by the timeout too.
            own.start()
            own.freeze()
            try:
                assert_pages_answer(client, params, listing_id)
            finally:
                own.thaw()
    finally:
        own.stop()
        own.remove()


def test_the_review_pages_speak_spanish_and_keep_it(world: World) -> None:  # noqa: F811
    report_id = world.report()
    spanish = {**world.auth, "Accept-Language": "es-MX,es;q=0.9"}
    queue = world.client.get("/review", headers=spanish)
    assert queue.status_code == 200
    assert '<html lang="es">' in queue.text
    assert queue.headers["content-language"] == "es"
    assert "Informes abiertos" in queue.text
    assert "El horario está mal" in queue.text  # the reporter's problem, in Spanish
    assert "Open reports" not in queue.text
    page = world.client.get(f"/review/reports/{report_id}", params={"lang": "es"},
                            headers=world.auth).text  # fmt: skip
    for words in ("Informe: El horario está mal", "El recurso tal como se publica",
                  "Aceptar con una corrección", "Rechazar", "Marcar como verificado"):  # fmt: skip
        assert words in page
    assert 'name="lang" value="es"' in page
    # A decision made in Spanish comes back to the queue in Spanish.
    done = world.client.post(
        f"/review/listings/{MEETING}/verify",
        data={"checked_on": "2026-11-30", "csrf": world.csrf(), "lang": "es"},
        headers=world.auth,
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == "/review?done=verify&lang=es"
    back = world.client.get(done.headers["location"], headers=world.auth).text
    assert "Marcado como verificado." in back
    listing = world.client.get(f"/review/listings/{MEETING}?lang=es", headers=world.auth).text
    assert "Revisado por Atlanta Central Office el 2026-11-30." in listing
    # English stays the default, and the login page follows the browser too.
    assert "Open reports" in world.client.get("/review", headers=world.auth).text
    login = world.client.get("/review/login", headers={"Accept-Language": "es"}).text
    assert "Acceso para revisores" in login
    assert "Su clave de revisor" in login
