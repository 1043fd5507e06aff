"""A plan's searches sent as multi-searches: the same plan, in far fewer round trips.

On the real seed index: every persona of tests/data/plan_eval asked with each search's
requests sent alone and with them batched (service/search/batching.py), the answers compared
byte for byte.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import msgspec
import pytest

from bench.plan_judging import Persona, load_personas, query_pairs
from meili_local import ManagedMeilisearch
from service.errors import SearchQueryError
from service.places.geocoder import Gazetteer, GazetteerGeocoder
from service.plan.answers import read_answers
from service.plan.assemble import run_plan
from service.search.batching import BatchedIndex
from service.search.client import SearchIndex
from service.search.freshness import Freshness
from service.search.nearby import PlaceCaches
from service.search.query import Limits
from service.search.result_cache import ResultCache
from service.search.run import SearchDeps
from tests.integration.conftest import IndexedSeed

PERSONAS = load_personas()
KEY_PERSONAS = {
    "es-mother-19103",
    "veteran-rural-delaware",
    "young-lgbtq-sf-secular",
    "dc-no-safe-place",
    "rochester-na-evenings",
    "skipped-everything",
}


async def _no_version() -> None:
    return None


@pytest.fixture
async def deps(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> AsyncIterator[SearchDeps]:
    index = SearchIndex(
        url=meili_server.url,
        api_key=meili_server.master_key,
        index_name=seed_index.name,
        timeout_s=10.0,
    )
    yield SearchDeps(
        index=index,
        geocoder=GazetteerGeocoder(gazetteer),
        limits=Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50),
        clock=lambda: datetime.now(UTC),
        freshness=Freshness(),
        # No cache: both plans ask Meilisearch everything.
        result_cache=ResultCache(_no_version, timeout_s=10.0, max_entries=0),
        places=PlaceCaches(),
    )
    await index.aclose()


def _answers(persona: Persona) -> dict[str, list[str]]:
    query: dict[str, list[str]] = defaultdict(list)
    for name, value in query_pairs(persona):
        query[name].append(value)
    return dict(query)


@pytest.mark.parametrize(
    "persona",
    [p for p in PERSONAS if p.id in KEY_PERSONAS],
    ids=[p.id for p in PERSONAS if p.id in KEY_PERSONAS],
)
async def test_batched_plan_is_the_same_plan(deps: SearchDeps, persona: Persona) -> None:
    answers = read_answers(_answers(persona))
    alone = await run_plan(answers, deps, batched=False)
    counted = BatchedIndex(deps.index)
    together = await run_plan(answers, msgspec.structs.replace(deps, index=counted), batched=False)
    assert msgspec.json.encode(together) == msgspec.json.encode(alone)
    assert msgspec.json.encode(await run_plan(answers, deps)) == msgspec.json.encode(alone)
    # Each call of search or multi_search was a round trip of its own without batching.
    assert counted.round_trips * 4 <= counted.calls_asked, (
        counted.round_trips,
        counted.calls_asked,
    )
    # Bodies asked twice in one wave (the zones facet) went once.
    assert counted.searches_sent <= counted.searches_asked


async def test_first_round_of_every_section_is_one_wave(deps: SearchDeps) -> None:
    """With nothing asked, no search is near a place: the first attempts of every section and
    the crisis lines ask their first requests in one multi-search."""
    counted = BatchedIndex(deps.index)
    await run_plan(read_answers({}), msgspec.structs.replace(deps, index=counted), batched=False)
    assert counted.largest_batch >= 6


async def test_a_refused_query_fails_only_its_own_search(deps: SearchDeps) -> None:
    # An invented bad body (an attribute that is not filterable) beside a good one.
    batched = BatchedIndex(deps.index)
    good = {"q": "", "limit": 1, "filter": ['kind = "helpline"']}
    bad = {"q": "", "limit": 1, "filter": ['not_an_attribute = "x"']}
    found, refused = await asyncio.gather(
        batched.search(good), batched.search(bad), return_exceptions=True
    )
    assert not isinstance(found, BaseException)
    assert found.hits
    assert isinstance(refused, SearchQueryError)
