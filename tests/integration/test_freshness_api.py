"""`stale` on results and resources, computed at query time from the sources' dates."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from tests.integration.conftest import IndexedSeed, settings_for

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def hits(client: TestClient[Litestar], **params: str) -> list[dict[str, object]]:
    response = client.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    found: list[dict[str, object]] = response.json()["hits"]
    return found


def test_old_lists_are_stale_and_recent_ones_are_not(client: TestClient[Litestar]) -> None:
    # SAMHSA's substance use list was taken on 2020-04-09; the helplines were checked recently.
    treatment = hits(client, q="Mayhill Hospital", kind="treatment")
    assert treatment
    assert treatment[0]["stale"] is True
    helplines = hits(client, kind="helpline")
    assert helplines
    assert {h["stale"] for h in helplines} == {False}
    one = client.get(f"/v1/resources/{treatment[0]['id']}")
    assert one.json()["stale"] is True


def test_the_setting_is_the_period_of_sources_that_declare_none(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    settings = settings_for(meili_server, seed_index.name, stale_after_days=100_000.0)
    with TestClient(create_app(settings, gazetteer=gazetteer, clock=lambda: NOW)) as client:
        treatment = hits(client, q="Mayhill Hospital", kind="treatment")
        assert treatment
        # SAMHSA's list declares `refresh_days = 365` in seed_data/sources.toml: its own
        # period wins over the service's default, however long that is.
        provenance = treatment[0]["provenance"]
        assert isinstance(provenance, dict)
        assert provenance["refresh_days"] == 365
        assert treatment[0]["stale"] is True
