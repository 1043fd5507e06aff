"""`python -m bench.meili_clients`: the API's search client, aiohttp vs the official client.

1. Start a fresh managed Meilisearch and publish the seed documents into it with the indexer's
   own publisher (the adapter's `MeiliAdmin`).
2. From one process, keep `--concurrency` requests in flight for `--seconds`, with:
   - `aiohttp`: the API's client (`service.search.client.SearchIndex`) in the event loop;
   - `official`: the official `meilisearch` client, called through `asyncio.to_thread` (how an
     async API would have to call a synchronous client), its answers converted to the same
     typed results the API uses.
   Each does a count (no hits: the transport alone), a text search (20 hits and facets, like a
   text query) and a 3-query multi-search (like one round trip of a place search), the same
   bodies in the same order.
3. Print, per client and request kind, the median over `--rounds` alternating rounds of:
   req/s, client CPU ms per request (this process, every thread), Meilisearch CPU ms per
   request (its process, from /proc).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Final

import meilisearch
import msgspec

from bench.corpus import seed_documents
from indexer.publish import publish
from meili_local import binary_cache_dir, find_or_install_binary
from meili_local.server import ManagedMeilisearch
from service.search.client import MeiliSearchResult, MultiSearchResult, SearchIndex
from service.search.meili import MeiliAdmin

INDEX: Final = "clients"
_CLOCK_TICKS: Final = os.sysconf("SC_CLK_TCK")
_WORDS: Final = ("alcohol", "meeting", "treatment", "women", "housing", "clinic", "recovery")
_KINDS: Final = ("meeting", "treatment", "helpline", "health_center")


def _search_body(i: int) -> dict[str, Any]:
    return {
        "q": _WORDS[i % len(_WORDS)],
        "filter": f'kind = "{_KINDS[i % len(_KINDS)]}"',
        "facets": ["kind", "needs"],
        "hitsPerPage": 20,
        "page": 1,
    }


def _multi_bodies(i: int) -> list[dict[str, Any]]:
    word, kind = _WORDS[i % len(_WORDS)], _KINDS[i % len(_KINDS)]
    return [
        {"q": word, "filter": f'kind = "{kind}"', "hitsPerPage": 20, "page": 1},
        {"q": word, "facets": ["kind"], "hitsPerPage": 0, "page": 1},
        _count_body(i),
    ]


def _count_body(i: int) -> dict[str, Any]:
    return {"filter": f'kind = "{_KINDS[i % len(_KINDS)]}"', "hitsPerPage": 0, "page": 1}


def _server_cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


class Sample(msgspec.Struct, frozen=True, kw_only=True):
    """One timed run of one client and one request kind."""

    requests: int
    wall_s: float
    client_cpu_s: float
    server_cpu_s: float

    @property
    def per_s(self) -> float:
        """Requests per second."""
        return self.requests / self.wall_s

    @property
    def client_ms(self) -> float:
        """Client CPU ms per request."""
        return 1000 * self.client_cpu_s / self.requests

    @property
    def server_ms(self) -> float:
        """Meilisearch CPU ms per request."""
        return 1000 * self.server_cpu_s / self.requests


async def _drive(
    call: Callable[[int], Awaitable[object]], *, concurrency: int, seconds: float, pid: int
) -> Sample:
    count = 0
    deadline = time.perf_counter() + seconds

    async def worker(offset: int) -> None:
        nonlocal count
        i = offset
        while time.perf_counter() < deadline:
            await call(i)
            count += 1
            i += concurrency

    for i in range(concurrency):  # warm the connections and the caches
        await call(i)
    cpu0, server0, wall0 = time.process_time(), _server_cpu_s(pid), time.perf_counter()
    await asyncio.gather(*(worker(i) for i in range(concurrency)))
    return Sample(
        requests=count,
        wall_s=time.perf_counter() - wall0,
        client_cpu_s=time.process_time() - cpu0,
        server_cpu_s=_server_cpu_s(pid) - server0,
    )


def _official_calls(
    server: ManagedMeilisearch,
) -> dict[str, Callable[[int], Awaitable[object]]]:
    client = meilisearch.Client(server.url, server.master_key, timeout=10)
    index = client.index(INDEX)

    def search(i: int) -> MeiliSearchResult:
        body = _search_body(i)
        return msgspec.convert(index.search(body.pop("q"), body), MeiliSearchResult)

    def count(i: int) -> MeiliSearchResult:
        body = _count_body(i)
        return msgspec.convert(index.search("", body), MeiliSearchResult)

    def multi(i: int) -> MultiSearchResult:
        queries = [{**body, "indexUid": INDEX} for body in _multi_bodies(i)]
        return msgspec.convert(client.multi_search(queries), MultiSearchResult)

    return {
        "count": lambda i: asyncio.to_thread(count, i),
        "search": lambda i: asyncio.to_thread(search, i),
        "multi-search": lambda i: asyncio.to_thread(multi, i),
    }


def _aiohttp_calls(index: SearchIndex) -> dict[str, Callable[[int], Awaitable[object]]]:
    return {
        "count": lambda i: index.search(_count_body(i)),
        "search": lambda i: index.search(_search_body(i)),
        "multi-search": lambda i: index.multi_search(_multi_bodies(i)),
    }


async def _measure(
    server: ManagedMeilisearch, *, concurrency: int, seconds: float, rounds: int
) -> dict[tuple[str, str], list[Sample]]:
    pid = server.pid
    assert pid is not None
    loop = asyncio.get_running_loop()
    # As many threads as requests in flight, so the official client is not queued behind
    # the default pool.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=concurrency))
    index = SearchIndex(url=server.url, api_key=server.master_key, index_name=INDEX, timeout_s=10)
    clients = {"aiohttp": _aiohttp_calls(index), "official": _official_calls(server)}
    samples: dict[tuple[str, str], list[Sample]] = {}
    try:
        for _ in range(rounds):
            for kind in ("count", "search", "multi-search"):
                for name, calls in clients.items():
                    sample = await _drive(
                        calls[kind], concurrency=concurrency, seconds=seconds, pid=pid
                    )
                    samples.setdefault((name, kind), []).append(sample)
    finally:
        await index.aclose()
    return samples


def _table(samples: dict[tuple[str, str], list[Sample]]) -> str:
    lines = [
        "| client | request | req/s | client CPU ms/req | Meilisearch CPU ms/req |",
        "|---|---|---|---|---|",
    ]
    for (name, kind), runs in samples.items():
        per_s = statistics.median(s.per_s for s in runs)
        client_ms = statistics.median(s.client_ms for s in runs)
        server_ms = statistics.median(s.server_ms for s in runs)
        lines.append(f"| {name} | {kind} | {per_s:,.0f} | {client_ms:.2f} | {server_ms:.2f} |")
    return "\n".join(lines)


def main() -> None:
    """Run the comparison and print a Markdown table."""
    parser = argparse.ArgumentParser(prog="python -m bench.meili_clients", description=__doc__)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    documents = seed_documents()
    binary = find_or_install_binary(cache_dir=binary_cache_dir(os.environ), env=os.environ)
    with tempfile.TemporaryDirectory(prefix="bench-clients-") as folder:
        with ManagedMeilisearch(
            binary=binary,
            db_path=Path(folder) / "data",
            master_key=secrets.token_urlsafe(24),
            log_path=Path(folder) / "meilisearch.log",
        ) as server:
            publish(MeiliAdmin(url=server.url, api_key=server.master_key), documents, index=INDEX)
            samples = asyncio.run(
                _measure(
                    server,
                    concurrency=args.concurrency,
                    seconds=args.seconds,
                    rounds=args.rounds,
                )
            )
    print(
        f"{len(documents)} documents, {args.concurrency} requests in flight, "
        f"median of {args.rounds} rounds of {args.seconds:g} s, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(_table(samples))


if __name__ == "__main__":
    main()
