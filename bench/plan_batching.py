"""A plan's searches sent alone vs batched into multi-searches, timed side by side.

In process, on the same Meilisearch and index as the rest of `make eval-plan`, with the result
cache off: each persona's plan asked with every search's requests sent on their own (no batching),
then batched (service/search/batching.py), in alternating rounds; the median of each and the
round trips each made.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime

import msgspec

from bench.plan_judging import Persona, query_pairs
from service.places.geocoder import Gazetteer, GazetteerGeocoder
from service.plan.answers import PlanAnswers, read_answers
from service.plan.assemble import run_plan
from service.search.batching import BatchedIndex
from service.search.client import SearchIndex
from service.search.freshness import Freshness
from service.search.nearby import PlaceCaches
from service.search.query import Limits
from service.search.result_cache import ResultCache
from service.search.run import SearchDeps


class Batching(msgspec.Struct, frozen=True, kw_only=True):
    """One persona's plan, alone vs batched: medians and round trips."""

    alone_ms: float
    batched_ms: float
    alone_round_trips: int
    # Waves: round trips one after another; each is up to PARALLEL_REQUESTS POSTs at once.
    batched_round_trips: int
    batched_requests: int
    same: bool


async def _no_version() -> None:
    return None


def persona_answers(persona: Persona) -> PlanAnswers:
    """A persona's answers as `/v1/plan` reads them."""
    query: dict[str, list[str]] = defaultdict(list)
    for name, value in query_pairs(persona):
        query[name].append(value)
    return read_answers(dict(query))


async def _ms(answers: PlanAnswers, deps: SearchDeps, *, batched: bool) -> tuple[float, bytes]:
    started = time.perf_counter()
    plan = await run_plan(answers, deps, batched=batched)
    return (time.perf_counter() - started) * 1000, msgspec.json.encode(plan)


async def batching(
    *, url: str, api_key: str, index_name: str, personas: Sequence[Persona], rounds: int
) -> dict[str, Batching]:
    """Every persona's plan both ways, `rounds` times each, alternating."""
    index = SearchIndex(url=url, api_key=api_key, index_name=index_name, timeout_s=10.0)
    deps = SearchDeps(
        index=index,
        geocoder=GazetteerGeocoder(Gazetteer.load()),
        limits=Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50),
        clock=lambda: datetime.now(UTC),
        freshness=Freshness(),
        result_cache=ResultCache(_no_version, timeout_s=10.0, max_entries=0),
        places=PlaceCaches(),
    )
    found: dict[str, Batching] = {}
    try:
        for persona in personas:
            answers = persona_answers(persona)
            counted = BatchedIndex(index)
            await run_plan(answers, msgspec.structs.replace(deps, index=counted), batched=False)
            alone: list[float] = []
            together: list[float] = []
            same = True
            for _ in range(rounds):
                alone_ms, alone_plan = await _ms(answers, deps, batched=False)
                batched_ms, batched_plan = await _ms(answers, deps, batched=True)
                alone.append(alone_ms)
                together.append(batched_ms)
                same = same and alone_plan == batched_plan
            found[persona.id] = Batching(
                alone_ms=statistics.median(alone),
                batched_ms=statistics.median(together),
                alone_round_trips=counted.calls_asked,
                batched_round_trips=counted.round_trips,
                batched_requests=counted.requests_sent,
                same=same,
            )
    finally:
        await index.aclose()
    return found
