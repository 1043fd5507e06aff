"""The understanding step and the support plan, measured in `make bench` beside the searches.

- Understanding: what reading q, applying it and the `understood` block add to a search,
  in-process over the evaluation set's queries (bench/applied_cost.py's `step_cost`), against
  its budget of 1 ms.
- The support plan: every persona's `/v1/plan` (tests/data/plan_eval) asked over HTTP of the API
  without its result cache, on the benchmark's index, one at a time after one warm-up round,
  against its budget of 150 ms per plan.
"""

from __future__ import annotations

import statistics
import time
from typing import Final

import httpx
import msgspec

from bench.applied_cost import step_cost
from bench.plan_judging import load_personas, query_pairs
from bench.search_eval import load_queries

UNDERSTANDING_BUDGET_US: Final = 1000.0
PLAN_BUDGET_MS: Final = 150.0
UNDERSTANDING_ROUNDS: Final = 10
PLAN_ROUNDS: Final = 3


class StepCosts(msgspec.Struct, frozen=True, kw_only=True):
    """The two steps' figures from one run."""

    queries: int
    understood_p50_us: float
    literal_p50_us: float
    personas: int
    plans: int
    plan_errors: int
    plan_p50_ms: float
    plan_p90_ms: float
    plan_max_ms: float


def plan_timings(api_url: str, *, rounds: int = PLAN_ROUNDS) -> tuple[list[float], int]:
    """Milliseconds of each persona's `/v1/plan` over `rounds` rounds (after one warm-up),
    and how many answered other than 200."""
    personas = load_personas()
    timings: list[float] = []
    errors = 0
    with httpx.Client(base_url=api_url, timeout=30) as client:
        for round_ in range(rounds + 1):
            for persona in personas:
                started = time.perf_counter()
                response = client.get("/v1/plan", params=tuple(query_pairs(persona)))
                elapsed_ms = (time.perf_counter() - started) * 1000
                if round_ == 0:
                    continue
                if response.status_code != 200:
                    errors += 1
                timings.append(elapsed_ms)
    return timings, errors


def measure(api_url: str) -> StepCosts:
    """Both steps, the plan asked of the API at `api_url`."""
    queries = load_queries()
    understood_us, literal_us = step_cost(queries, UNDERSTANDING_ROUNDS)
    timings, errors = plan_timings(api_url)
    cuts = statistics.quantiles(timings, n=10)
    return StepCosts(
        queries=len(queries),
        understood_p50_us=understood_us,
        literal_p50_us=literal_us,
        personas=len(load_personas()),
        plans=len(timings),
        plan_errors=errors,
        plan_p50_ms=statistics.median(timings),
        plan_p90_ms=cuts[8],
        plan_max_ms=max(timings),
    )


def render(costs: StepCosts | None) -> list[str]:
    """The RESULTS.md section."""
    if costs is None:
        return []
    return [
        "## Understanding and the support plan",
        "",
        "| step | measured | budget |",
        "|---|---|---|",
        f"| understanding (read q, apply, `understood`), p50 over {costs.queries} queries "
        f"| {costs.understood_p50_us:.0f} us ({costs.literal_p50_us:.0f} us with literal=true) "
        f"| < {UNDERSTANDING_BUDGET_US:.0f} us |",
        f"| support plan (`/v1/plan`, API without its cache), {costs.personas} personas x "
        f"{PLAN_ROUNDS} | p50 {costs.plan_p50_ms:.0f} ms, p90 {costs.plan_p90_ms:.0f} ms, "
        f"max {costs.plan_max_ms:.0f} ms, {costs.plan_errors} errors "
        f"| < {PLAN_BUDGET_MS:.0f} ms |",
        "",
        "The understanding step is in-process (bench/applied_cost.py); plans are over HTTP, one at",
        "a time, on this run's index, while nothing else loads the API.",
        "",
    ]
