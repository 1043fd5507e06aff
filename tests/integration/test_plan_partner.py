"""A plan opened from a partner's embed: the partner's presets hold in every section.

On the real seed index. The partner is invented for the test (a Spanish-speaking centre in
Philadelphia that presets its place, a radius and Spanish); the visitor's answers try to
widen each preset (another city, a wider radius, English).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local import ManagedMeilisearch
from service.app import create_app
from service.http.partners import parse_partners
from service.places.geocoder import Gazetteer, GazetteerGeocoder
from service.plan.answers import read_answers
from service.plan.assemble import run_plan
from service.search.client import SearchIndex
from service.search.freshness import Freshness
from service.search.nearby import PlaceCaches
from service.search.query import Limits
from service.search.result_cache import ResultCache
from service.search.run import SearchDeps
from service.web.embedding import partner_scope
from service.web.plan import with_partner
from tests.integration.conftest import IndexedSeed, settings_for

ORIGIN = "http://127.0.0.1:9"
PARTNERS = f"""
[[partner]]
key = "centro-es"
name = "Centro de Recuperación (test)"
origins = ["{ORIGIN}"]
[partner.presets]
near = "19103"
radius_km = 25
language = ["es"]
"""
PARTNER = parse_partners(PARTNERS).get("centro-es")
AT = "2026-12-01T12:00:00-05:00"
WIDENING = {
    "concern": ["alcohol", "opioids"],
    "near": ["94103"],
    "radius_km": ["100"],
    "language": ["en"],
    "at": [AT],
}


async def _no_version() -> None:
    return None


@pytest.fixture(scope="module")
def client(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    gazetteer: Gazetteer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TestClient[Litestar]]:
    partners: Path = tmp_path_factory.mktemp("plan-partner") / "partners.toml"
    partners.write_text(PARTNERS, encoding="utf-8")
    settings = settings_for(meili_server, seed_index.name, partners_file=partners)
    with TestClient(create_app(settings, gazetteer=gazetteer)) as test_client:
        yield test_client


async def test_no_answer_widens_the_presets(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    assert PARTNER is not None
    index = SearchIndex(
        url=meili_server.url,
        api_key=meili_server.master_key,
        index_name=seed_index.name,
        timeout_s=10.0,
    )
    deps = SearchDeps(
        index=index,
        geocoder=GazetteerGeocoder(gazetteer),
        limits=Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50),
        clock=lambda: datetime.now(UTC),
        freshness=Freshness(),
        result_cache=ResultCache(_no_version, timeout_s=10.0, max_entries=0),
        places=PlaceCaches(),
    )
    try:
        answers = with_partner(read_answers(WIDENING), PARTNER)
        assert (answers.near, answers.radius_km) == ("19103", 25.0)
        plan = await run_plan(answers, deps, scope=partner_scope(PARTNER))
    finally:
        await index.aclose()
    picks = [p for s in plan.sections for p in s.picks]
    assert picks
    for pick in picks:
        assert "es" in pick.hit.languages, pick.hit.name
        if pick.hit.distance_km is not None:
            assert pick.hit.distance_km <= 25.0, pick.hit.name
    for section in plan.sections:
        for alternative in section.alternatives:
            assert all("es" in hit.languages for hit in alternative.hits), alternative.en
        assert "language=es" in section.query or not section.query
    # Crisis lines are never narrowed away.
    assert plan.crisis.lines


def test_the_widget_links_to_the_plan_with_the_partner(client: TestClient[Litestar]) -> None:
    config = client.get("/embed/v1/config?partner=centro-es", headers={"Origin": ORIGIN})
    assert config.status_code == 200
    assert config.json()["plan_url"].endswith("/plan?lang=en&partner=centro-es")
    assert config.json()["strings"]["embed_open_plan"] == "Make a support plan"


def test_the_plan_page_through_a_partner(client: TestClient[Litestar]) -> None:
    form = client.get("/plan?partner=centro-es")
    assert form.status_code == 200
    assert "Opened from Centro de Recuperación (test)" in form.text
    assert "(Spanish, 19103)" in form.text
    assert 'action="/plan?partner=centro-es"' in form.text
    answered = client.post(
        "/plan?partner=centro-es", data={"concern": "alcohol", "near": "94103", "at": AT}
    )
    assert answered.status_code == 200
    assert 'id="plan-title"' in answered.text
    # The link to share keeps the partner; the answers stay in the fragment.
    assert "/plan?partner=centro-es#concern=alcohol" in answered.text
    assert "JavaScript" in answered.text


def test_an_unknown_partner_is_named(client: TestClient[Litestar]) -> None:
    response = client.get("/plan?partner=nobody")
    assert response.status_code == 400
    assert "partner" in response.text
