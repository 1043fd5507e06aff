"""The benchmark's figures, the agreement check between API and Meilisearch, and RESULTS.md."""

from __future__ import annotations

import importlib.metadata
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.queries import Query
from bench.step_costs import StepCosts
from bench.step_costs import render as render_steps
from bench.wrk import LoadResult
from meili_local.server import ManagedMeilisearch
from service.search.query import facets_by_param

TARGETS = {
    "place_ratio": 5.0,  # API nearest-first throughput / straightforward Meilisearch query
    "text_ratio": 0.6,  # API / direct for queries without a place
    "added_p50_ms": 2.0,
    "indexer_ratio": 1.5,  # indexer end-to-end / raw ingestion
    "rss_mb": 200.0,
}


@dataclass
class Agreement:
    """How many place queries gave the same answer through the API as straight from Meilisearch."""

    checked: int = 0
    identical: int = 0
    mismatches: list[str] = field(default_factory=list)


@dataclass
class GroupRun:
    """One query group measured three ways (straight to Meilisearch, through the API, through
    the API without its result cache), with the CPU each process spent per search."""

    direct: LoadResult
    api: LoadResult
    uncached: LoadResult
    direct_meili_cpu_ms: float
    api_meili_cpu_ms: float
    api_process_cpu_ms: float
    uncached_meili_cpu_ms: float
    uncached_process_cpu_ms: float
    direct_p50_one_ms: float
    api_p50_one_ms: float
    uncached_p50_one_ms: float
    cache_hits: int
    cache_misses: int

    @property
    def hit_rate(self) -> float:
        """Share of the loaded API run's searches answered from the result cache."""
        served = self.cache_hits + self.cache_misses
        return self.cache_hits / served if served else 0.0


@dataclass
class Figures:
    """Everything one run measured."""

    args: dict[str, Any]
    seed_documents: int = 0
    corpus_documents: int = 0
    raw_ingest_s: float = 0.0
    indexer_s: float = 0.0
    api_startup_s: float = 0.0
    api_peak_rss_mb: float = 0.0
    uncached_peak_rss_mb: float = 0.0
    loads: dict[str, GroupRun] = field(default_factory=dict)
    agreement: Agreement = field(default_factory=Agreement)
    cached_agreement: Agreement = field(default_factory=Agreement)
    machine: dict[str, str] = field(default_factory=dict)
    platform: str = ""
    # Of the place_mix stream: searches whose place, and whose whole question, came before.
    mix_repeats: tuple[float, float] = (0.0, 0.0)
    steps: StepCosts | None = None


def _difference(api: dict[str, Any], direct: dict[str, Any]) -> str | None:
    """How the API's answer differs from Meilisearch's, or None when it is the same."""
    if api["total"] != direct["totalHits"]:
        return f"total {api['total']} vs {direct['totalHits']}"
    if direct.get("facetDistribution") and api["facets"] != facets_by_param(
        direct["facetDistribution"]
    ):
        return "facet counts differ"
    api_ids = [h["id"] for h in api["hits"]]
    direct_ids = [h["id"] for h in direct["hits"]]
    if api_ids != direct_ids and not _same_within_margin(api, direct):
        return f"different documents: {api_ids[:3]} vs {direct_ids[:3]}"
    for hit, theirs in zip(api["hits"], direct["hits"], strict=True):
        metres = theirs.get("_geoDistance")
        if metres is not None and abs(hit["distance_km"] - metres / 1000) > 0.006:
            return f"distance {hit['distance_km']} km vs {metres} m"
    return None


def _same_within_margin(api: dict[str, Any], direct: dict[str, Any]) -> bool:
    """Same documents, up to order among those Meilisearch itself ranks as equal.

    Its distance sort puts documents within 1 m of a bucket's first one in one bucket and
    orders them by the next rules; buckets cut by the page's edges may hold other members.
    """
    metres = [h.get("_geoDistance") for h in direct["hits"]]
    if None in metres:
        return False
    buckets: list[tuple[int, int]] = []
    for i, m in enumerate(metres):
        if buckets and m - metres[buckets[-1][0]] <= 1:
            buckets[-1] = (buckets[-1][0], i + 1)
        else:
            buckets.append((i, i + 1))
    api_ids = [h["id"] for h in api["hits"]]
    direct_ids = [h["id"] for h in direct["hits"]]
    inner = buckets[1:-1]
    return all(set(api_ids[a:b]) == set(direct_ids[a:b]) for a, b in inner)


def check_agreement(
    server: ManagedMeilisearch, api_url: str, queries: list[Query], *, index: str
) -> Agreement:
    """Compare the API's page, distances, totals and facets with Meilisearch's answers."""
    result = Agreement()
    headers = {"Authorization": f"Bearer {server.master_key}"}
    with httpx.Client(timeout=30) as client:
        for query in queries:
            api = client.get(api_url + query.api_path).json()
            direct = client.post(
                f"{server.url}/indexes/{index}/search", json=query.direct_body, headers=headers
            ).json()
            result.checked += 1
            problem = _difference(api, direct)
            if problem is None:
                result.identical += 1
            else:
                result.mismatches.append(f"{query.api_path}: {problem}")
    return result


def machine_info(binary: Path) -> dict[str, str]:
    """CPU, memory and versions of what was measured."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        "unknown",
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal:")
    )
    meili = subprocess.run(
        [str(binary), "--version"], capture_output=True, text=True
    ).stdout.strip()
    wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
    return {
        "cpu": f"{cpu} ({os.cpu_count()} cores)",
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "meilisearch": meili,
        "python": subprocess.run(
            ["python3", "--version"], capture_output=True, text=True
        ).stdout.strip(),
        "litestar": importlib.metadata.version("litestar"),
        "msgspec": importlib.metadata.version("msgspec"),
        "uvicorn": importlib.metadata.version("uvicorn"),
        "wrk": (wrk.stdout or wrk.stderr).splitlines()[0] if (wrk.stdout or wrk.stderr) else "wrk",
    }


def _cpu_row(group: str, run: GroupRun) -> str:
    return (
        f"| {group} | {run.direct_meili_cpu_ms:.1f} | {run.api_meili_cpu_ms:.1f} "
        f"| {run.api_process_cpu_ms:.1f} | {run.uncached_meili_cpu_ms:.1f} "
        f"| {run.uncached_process_cpu_ms:.1f} |"
    )


def _one_conn_row(group: str, run: GroupRun) -> str:
    return (
        f"| {group} | {run.direct_p50_one_ms:.1f} | {run.api_p50_one_ms:.1f} "
        f"| {run.api_p50_one_ms - run.direct_p50_one_ms:+.1f} | {run.uncached_p50_one_ms:.1f} "
        f"| {run.uncached_p50_one_ms - run.direct_p50_one_ms:+.1f} |"
    )


def _latency(load: LoadResult) -> str:
    return f"{load.p50_ms:.1f} / {load.p95_ms:.1f} / {load.p99_ms:.1f}"


def _ratio(api: LoadResult, direct: LoadResult) -> str:
    return f"{api.rps / direct.rps:.2f}" if direct.rps else "n/a"


def _row(group: str, run: GroupRun) -> str:
    direct, api, plain = run.direct, run.api, run.uncached
    return (
        f"| {group} | {direct.rps:,.0f} | {_latency(direct)} | {direct.errors} "
        f"| {api.rps:,.0f} | {_latency(api)} | {api.errors} | **{_ratio(api, direct)}** "
        f"| {100 * run.hit_rate:.0f} % | {plain.rps:,.0f} | {_latency(plain)} | {plain.errors} "
        f"| {_ratio(plain, direct)} |"
    )


def _agreement(label: str, agreement: Agreement) -> list[str]:
    return [
        f"{label}: {agreement.identical} of {agreement.checked} place queries gave the same "
        "totals, top 20 and distances through the API as straight from Meilisearch.",
        *(f"- {m}" for m in agreement.mismatches[:10]),
    ]


def render(f: Figures) -> str:
    """RESULTS.md."""
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`python -m bench.run`); every figure below is from one run on one machine,",
        "Meilisearch and the load generator (wrk, 1 thread) on the same cores as the API.",
        "",
        "## Machine and versions",
        "",
        *(f"- {k}: {v}" for k, v in f.machine.items()),
        f"- platform: {f.platform}",
        f"- command: `python -m bench.run --docs {f.args['docs']} --duration {f.args['duration']} "
        f"--connections {f.args['connections']} --zips {f.args['zips']}`",
        "",
        "## Corpus",
        "",
        f"{f.corpus_documents:,} documents: the {f.seed_documents:,} real seed documents plus copies moved to",
        "population-weighted real places (GeoNames), jittered up to 4 km (bench/corpus.py).",
        "",
        "## Indexing",
        "",
        "| what | seconds |",
        "|---|---|",
        f"| Meilisearch raw NDJSON ingestion of the prepared documents | {f.raw_ingest_s:.1f} |",
        f"| Pathways indexer end to end (load, validate, normalize, publish) | {f.indexer_s:.1f} |",
        f"| ratio indexer / raw (target <= {TARGETS['indexer_ratio']}) | {f.indexer_s / f.raw_ingest_s:.2f} |",
        "",
        "## Search throughput and latency",
        "",
        f"{f.args['connections']} connections, {f.args['duration']} s per run; latency p50 / p95 / p99 in ms.",
        "Three runs per group, one after the other: straight to Meilisearch (the straightforward",
        "query), through the API as it runs by default (with its result cache, service/search/result_cache.py,",
        "which answers only for the index version read after the search arrived), and through a",
        "second API process with the cache turned off (`PATHWAYS_RESULT_CACHE_ENTRIES=0`). Groups",
        "replay their questions round-robin, so most are repeats; `place_unique` never repeats one;",
        "`place_mix` is a stream of ZIP codes drawn by population with a kind and sometimes one more",
        f"filter or page 2 from the vocabulary: {100 * f.mix_repeats[0]:.0f} % of its searches are near "
        f"a place asked before, {100 * f.mix_repeats[1]:.0f} % repeat a whole question.",
        "",
        "| group | direct req/s | direct latency | errors | API req/s | API latency | errors "
        "| API/direct | answered from cache | API no cache req/s | latency | errors | no cache/direct |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        *(_row(g, r) for g, r in f.loads.items()),
        "",
        "CPU time per search (ms, from /proc): Meilisearch's in the direct run, Meilisearch's and the",
        "API process's in the API run, and the same without the cache.",
        "",
        "| group | Meilisearch direct | Meilisearch via API | API process | Meilisearch via API, no cache | API process, no cache |",
        "|---|---|---|---|---|---|",
        *(_cpu_row(g, r) for g, r in f.loads.items()),
        "",
        "p50 latency at 1 connection, nothing queued: what Pathways adds to one search (ms).",
        "",
        "| group | direct | API | added | API no cache | added |",
        "|---|---|---|---|---|---|",
        *(_one_conn_row(g, r) for g, r in f.loads.items()),
        "",
        f"Targets: place (nearest first within 25 km) API/direct >= {TARGETS['place_ratio']}; "
        f"without a place API/direct >= {TARGETS['text_ratio']} and added p50 < {TARGETS['added_p50_ms']} ms.",
        "",
        "Where the time goes, what the targets miss and why: [PROFILE.md](PROFILE.md).",
        "",
        *render_steps(f.steps),
        "## Same answers",
        "",
        *_agreement("Before the load (computed)", f.agreement),
        "",
        *_agreement("After the load (from the result cache)", f.cached_agreement),
        "",
        "## API process",
        "",
        f"- start to first answered search: {f.api_startup_s:.2f} s",
        f"- peak RSS under load: {f.api_peak_rss_mb:.0f} MB with the result cache, "
        f"{f.uncached_peak_rss_mb:.0f} MB without (target < {TARGETS['rss_mb']:.0f} MB)",
        "",
    ]
    return "\n".join(lines)
