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


def test_a_listing_lagging_its_own_source_is_stale_and_one_in_step_is_not(
    client: TestClient[Litestar],
) -> None:
    # "Manor of Living" was last edited on 2020-01-13 in a feed whose newest edit is
    # 2022-10-14: more than the feed's two years behind it.
    meeting = hits(client, q="Manor of Living", kind="meeting")
    assert meeting
    assert meeting[0]["name"] == "Manor of Living"
    assert meeting[0]["stale"] is True
    one = client.get(f"/v1/resources/{meeting[0]['id']}")
    assert one.json()["stale"] is True
    # SAMHSA's substance use list, taken in 2020-21, dates its records 2020-04-09 to 2021-01-09:
    # old, but within a year of its own newest (its age is on the card's source line).
    treatment = hits(client, q="Mayhill Hospital", kind="treatment")
    assert treatment
    provenance = treatment[0]["provenance"]
    assert isinstance(provenance, dict)
    assert provenance["source_updated_at"] == "2021-01-09"
    assert treatment[0]["stale"] is False
    helplines = hits(client, kind="helpline")
    assert helplines
    assert {h["stale"] for h in helplines} == {False}


def test_the_setting_is_the_period_of_sources_that_declare_none(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    settings = settings_for(meili_server, seed_index.name, stale_after_days=100_000.0)
    with TestClient(create_app(settings, gazetteer=gazetteer, clock=lambda: NOW)) as client:
        meeting = hits(client, q="Manor of Living", kind="meeting")
        assert meeting
        # The Philadelphia feed declares `refresh_days = 730` in seed_data/sources.toml: its
        # own period wins over the service's default, however long that is.
        provenance = meeting[0]["provenance"]
        assert isinstance(provenance, dict)
        assert provenance["refresh_days"] == 730
        assert meeting[0]["stale"] is True
