"""What applying understanding costs per search: the step alone, and whole searches with and
without it (`literal=true`), p50 over the evaluation set's queries.

    .venv/bin/python -m bench.applied_cost [--rounds 20]

1. The step alone, in-process (perf_counter_ns; lexicon and gazetteer loaded first, as the
   service loads them once): what `run_search` adds before and after the search: reading q
   (`read_request`), applying the readings (`applied`) and the `understood` block. With
   `literal=true` only the reading stays (a crisis phrase still gets crisis help).
2. Whole searches through the service (`run_search`, result cache off) on a throwaway local
   Meilisearch holding the seed data, with and without understanding. These differ by more
   than the step: an understood search asks Meilisearch a different (often narrower)
   question, and crisis phrases add the crisis lines' search.

Measured on the shared 2-core development machine (181 queries): the step p50 72 us with
understanding, 36 us literal (the budget is 1 ms); whole searches p50 5.1 ms understood and
4.4 ms literal in one run, 6.2 ms and 7.2 ms in another: within the machine's noise.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from bench.search_eval import Query, load_queries
from indexer.__main__ import main as indexer_main
from meili_local import binary_cache_dir, find_or_install_binary
from meili_local.server import ManagedMeilisearch
from service.places.gazetteer import PlaceIndex
from service.places.geocoder import Gazetteer, GazetteerGeocoder
from service.search.applying import applied, read_request, understood
from service.search.client import SearchIndex
from service.search.freshness import Freshness
from service.search.nearby import PlaceCaches
from service.search.query import Limits
from service.search.request import SearchRequest
from service.search.result_cache import ResultCache
from service.search.run import SearchDeps, run_search
from service.settings import PROJECT_ROOT

SEED_SOURCES: Final = PROJECT_ROOT / "seed_data" / "sources.toml"
WARM_UP_ROUNDS: Final = 3
INDEX: Final = "bench_applied"


def _request(query: Query, *, literal: bool) -> SearchRequest:
    return SearchRequest(
        q=query.q,
        near=query.near,
        at=query.at.isoformat(),
        literal="true" if literal else None,
        facets="none",
    )


def _p50_us(timings_ns: list[int]) -> float:
    return statistics.median(timings_ns) / 1000


def step_cost(queries: list[Query], rounds: int) -> tuple[float, float]:
    """p50 in µs of the step with understanding, and of the literal path (reading only)."""
    places = PlaceIndex.load()

    def full(query: Query) -> None:
        request = _request(query, literal=False)
        reading = read_request(request, at=query.at, tz=None, places=places)
        if reading is not None:
            applied(request, reading)
            understood(request, reading)

    def literal(query: Query) -> None:
        read_request(_request(query, literal=True), at=query.at, tz=None, places=places)

    results = []
    for step in (full, literal):
        timings: list[int] = []
        for round_ in range(WARM_UP_ROUNDS + rounds):
            for query in queries:
                start = time.perf_counter_ns()
                step(query)
                if round_ >= WARM_UP_ROUNDS:
                    timings.append(time.perf_counter_ns() - start)
        results.append(_p50_us(timings))
    return results[0], results[1]


def _index_seed(server: ManagedMeilisearch) -> None:
    out = io.StringIO()
    code = indexer_main(
        [
            "index",
            "--sources",
            str(SEED_SOURCES),
            "--index",
            INDEX,
            "--meili-url",
            server.url,
            f"--meili-key={server.master_key}",
            "--no-progress",
        ],
        out=out,
    )
    if code != 0:
        raise SystemExit(f"indexing the seed data failed:\n{out.getvalue()[-2000:]}")


async def _timed(
    queries: list[Query], rounds: int, run: Callable[[Query], Awaitable[object]]
) -> float:
    timings: list[int] = []
    for round_ in range(1 + rounds):
        for query in queries:
            start = time.perf_counter_ns()
            await run(query)
            if round_ >= 1:
                timings.append(time.perf_counter_ns() - start)
    return _p50_us(timings)


async def _no_version() -> None:
    return None


async def search_cost(
    server: ManagedMeilisearch, queries: list[Query], rounds: int
) -> tuple[float, float]:
    """p50 in µs of whole searches with understanding, and with `literal=true`."""
    index = SearchIndex(url=server.url, api_key=server.master_key, index_name=INDEX, timeout_s=10)
    deps = SearchDeps(
        index=index,
        geocoder=GazetteerGeocoder(Gazetteer.load()),
        limits=Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50),
        clock=lambda: datetime.now(UTC),
        freshness=Freshness(),
        result_cache=ResultCache(_no_version, timeout_s=60.0, max_entries=0),
        places=PlaceCaches(),
    )
    try:
        understood_us = await _timed(
            queries, rounds, lambda q: run_search(_request(q, literal=False), deps)
        )
        literal_us = await _timed(
            queries, rounds, lambda q: run_search(_request(q, literal=True), deps)
        )
    finally:
        await index.aclose()
    return understood_us, literal_us


def main(argv: list[str] | None = None) -> None:
    """Print both measurements."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--search-rounds", type=int, default=3)
    args = parser.parse_args(argv)
    queries = load_queries()
    with_us, literal_us = step_cost(queries, args.rounds)
    sys.stdout.write(
        f"step alone, {len(queries)} queries x {args.rounds} rounds: p50 {with_us:.0f} us with "
        f"understanding, {literal_us:.0f} us literal (reading for crisis only)\n"
    )
    binary = find_or_install_binary(cache_dir=binary_cache_dir(os.environ), env=os.environ)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        server = ManagedMeilisearch(
            binary=binary,
            db_path=root / "data",
            master_key=secrets.token_urlsafe(32),
            log_path=root / "meili.log",
        )
        with server:
            _index_seed(server)
            understood_us, literal_plain_us = asyncio.run(
                search_cost(server, queries, args.search_rounds)
            )
    sys.stdout.write(
        f"whole searches (run_search, no result cache), {len(queries)} queries x "
        f"{args.search_rounds} rounds: p50 {understood_us / 1000:.2f} ms understood, "
        f"{literal_plain_us / 1000:.2f} ms literal\n"
    )


if __name__ == "__main__":
    main()
