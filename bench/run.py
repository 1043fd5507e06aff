"""`make bench`: Pathways measured side by side with Meilisearch itself, in one run.

1. Build a corpus of real seed documents spread over real places (bench/corpus.py).
2. Start a fresh managed Meilisearch; time its raw NDJSON ingestion of the prepared corpus,
   and the indexer's end-to-end run (load, validate, normalize, publish) of the same corpus.
3. Start the API (uvicorn, one worker) on that index, as configured by default (with its result
   cache) and a second one with the cache turned off; time start-up to the first answer.
4. For each query group, load Meilisearch directly with the straightforward request, then each
   API with the same questions, at the same concurrency; check that the answers agree, before
   the load and again after it (answers then come from the cache).
5. Write bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

import httpx
import msgspec

from bench import report
from bench.corpus import load_places, seed_documents, spread, write_ndjson, write_seed_files
from bench.queries import (
    Query,
    mixed_place_queries,
    query_mix,
    repeat_shares,
    sample_zips,
    unique_place_queries,
)
from bench.step_costs import measure as measure_steps
from bench.wrk import run_load
from meili_local import binary_cache_dir, find_or_install_binary
from meili_local.server import ManagedMeilisearch, free_port
from service.contract.documents import INDEX_SETTINGS
from service.settings import DEFAULT_INDEX, PROJECT_ROOT

OUT: Final = PROJECT_ROOT / "bench" / "out"
RAW_INDEX: Final = "raw"
ADMIN_TOKEN: Final = secrets.token_urlsafe(32)
API_INDEX: Final = DEFAULT_INDEX


def _client(server: ManagedMeilisearch) -> httpx.Client:
    return httpx.Client(
        base_url=server.url,
        headers={"Authorization": f"Bearer {server.master_key}", "Accept-Encoding": "identity"},
        timeout=900,
    )


def _wait(client: httpx.Client, response: httpx.Response) -> None:
    response.raise_for_status()
    uid = response.json()["taskUid"]
    while True:
        task = client.get(f"/tasks/{uid}").json()
        if task["status"] == "succeeded":
            return
        if task["status"] in ("failed", "canceled"):
            raise SystemExit(f"Meilisearch task failed: {task.get('error')}")
        time.sleep(0.05)


def ingest_raw(server: ManagedMeilisearch, ndjson: Path, *, chunk_bytes: int = 64_000_000) -> float:
    """Seconds for Meilisearch to ingest the prepared NDJSON with our index settings."""
    with _client(server) as client:
        _wait(client, client.post("/indexes", json={"uid": RAW_INDEX, "primaryKey": "id"}))
        _wait(
            client, client.patch(f"/indexes/{RAW_INDEX}/settings", json=INDEX_SETTINGS.to_meili())
        )
        # Chunks stay well under Meilisearch's 100 MB payload limit: past it the server stops
        # reading the body and the upload hangs (the corpus is about 520 MB).
        chunks: list[bytes] = []
        current: list[bytes] = []
        size = 0
        for line in ndjson.read_bytes().splitlines(keepends=True):
            if size + len(line) > chunk_bytes and current:
                chunks.append(b"".join(current))
                current, size = [], 0
            current.append(line)
            size += len(line)
        if current:
            chunks.append(b"".join(current))
        started = time.perf_counter()
        responses = [
            client.post(
                f"/indexes/{RAW_INDEX}/documents",
                content=chunk,
                headers={"Content-Type": "application/x-ndjson"},
            )
            for chunk in chunks
        ]
        for response in responses:
            _wait(client, response)
        return time.perf_counter() - started


def index_end_to_end(server: ManagedMeilisearch, sources: Path, *, index: str = API_INDEX) -> float:
    """Seconds for the real indexer CLI (a new process, as `make run` runs it) to load and
    publish `sources`; exits with its output when it fails."""
    env = {**os.environ, "PATHWAYS_MEILI_URL": server.url, "PATHWAYS_MEILI_KEY": server.master_key}
    command = [sys.executable, "-m", "indexer", "index", "--sources", str(sources)]
    command += ["--index", index, "--no-progress"]
    started = time.perf_counter()
    done = subprocess.run(
        command, env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"indexing failed ({done.returncode}):\n{done.stdout[-2000:]}")
    return time.perf_counter() - started


class Api(msgspec.Struct, frozen=True, kw_only=True):
    """One running API process."""

    process: subprocess.Popen[bytes]
    url: str
    startup_s: float

    @property
    def pid(self) -> int:
        return self.process.pid

    def cache_counts(self) -> tuple[int, int]:
        """(hits, misses) of the result cache so far."""
        stats = httpx.get(
            f"{self.url}/admin/stats", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
        ).json()["result_cache"]
        return stats["hits"], stats["misses"]


def start_api(server: ManagedMeilisearch, *, cache: bool = True) -> Api:
    """Start uvicorn with the API; with the seconds from start to the first answered search."""
    port = free_port()
    env = {
        **os.environ,
        "PATHWAYS_MEILI_URL": server.url,
        "PATHWAYS_MEILI_KEY": server.master_key,
        "PATHWAYS_INDEX": API_INDEX,
        # One load generator is one client address: measure the search, not the rate limit.
        "PATHWAYS_RATE_LIMIT_PER_MIN": "0",
        # For GET /admin/stats (the result cache's hits and misses).
        "PATHWAYS_ADMIN_TOKEN": ADMIN_TOKEN,
    }
    if not cache:
        env["PATHWAYS_RESULT_CACHE_ENTRIES"] = "0"
    command = [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app_from_env"]
    command += [
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT)
    base = f"http://127.0.0.1:{port}"
    url = f"{base}/v1/search?near=19103&kind=meeting"
    while True:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return Api(process=process, url=base, startup_s=time.perf_counter() - started)
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise SystemExit("the API exited during start-up")
        time.sleep(0.02)


def indexed_zones(server: ManagedMeilisearch) -> list[str]:
    """The IANA zones the index's schedules use (as the API reads them for time filters)."""
    with _client(server) as client:
        response = client.post(
            f"/indexes/{API_INDEX}/search",
            json={"q": "", "limit": 0, "facets": ["schedule.timezone"]},
        )
        response.raise_for_status()
        return sorted(response.json()["facetDistribution"].get("schedule.timezone", {}))


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set size (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_pair(
    server: ManagedMeilisearch,
    api: Api,
    uncached: Api,
    queries: list[Query],
    *,
    connections: int,
    duration_s: int,
    one_conn_queries: list[Query] | None = None,
) -> report.GroupRun:
    """The same queries straight to Meilisearch, through the API, and through the API without
    its result cache, with the CPU each process spent per search; then each at 1 connection."""
    headers = {"Authorization": f"Bearer {server.master_key}", "Accept-Encoding": "identity"}
    meili_pid = server.pid
    assert meili_pid is not None, "Meilisearch is not running"

    def direct_requests(qs: list[Query]) -> list[tuple[str, str, bytes]]:
        return [
            ("POST", f"/indexes/{API_INDEX}/search", msgspec.json.encode(q.direct_body)) for q in qs
        ]

    def api_requests(qs: list[Query]) -> list[tuple[str, str, bytes]]:
        return [("GET", q.api_path, b"") for q in qs]

    meili_0 = cpu_s(meili_pid)
    direct = run_load(
        server.url,
        direct_requests(queries),
        connections=connections,
        duration_s=duration_s,
        headers=headers,
    )
    meili_1, api_0, counts_0 = cpu_s(meili_pid), cpu_s(api.pid), api.cache_counts()
    through = run_load(
        api.url, api_requests(queries), connections=connections, duration_s=duration_s
    )
    meili_2, api_1, counts_1 = cpu_s(meili_pid), cpu_s(api.pid), api.cache_counts()
    uncached_0 = cpu_s(uncached.pid)
    plain = run_load(
        uncached.url, api_requests(queries), connections=connections, duration_s=duration_s
    )
    meili_3, uncached_1 = cpu_s(meili_pid), cpu_s(uncached.pid)
    # One connection: the latency Pathways adds to a search when nothing queues.
    alone = one_conn_queries if one_conn_queries is not None else queries
    direct_one = run_load(
        server.url, direct_requests(alone), connections=1, duration_s=5, headers=headers
    )
    api_one = run_load(api.url, api_requests(alone), connections=1, duration_s=5)
    uncached_one = run_load(uncached.url, api_requests(alone), connections=1, duration_s=5)
    return report.GroupRun(
        direct=direct,
        api=through,
        uncached=plain,
        direct_meili_cpu_ms=1000 * (meili_1 - meili_0) / max(direct.requests, 1),
        api_meili_cpu_ms=1000 * (meili_2 - meili_1) / max(through.requests, 1),
        api_process_cpu_ms=1000 * (api_1 - api_0) / max(through.requests, 1),
        uncached_meili_cpu_ms=1000 * (meili_3 - meili_2) / max(plain.requests, 1),
        uncached_process_cpu_ms=1000 * (uncached_1 - uncached_0) / max(plain.requests, 1),
        direct_p50_one_ms=direct_one.p50_ms,
        api_p50_one_ms=api_one.p50_ms,
        uncached_p50_one_ms=uncached_one.p50_ms,
        cache_hits=counts_1[0] - counts_0[0],
        cache_misses=counts_1[1] - counts_0[1],
    )


def main(argv: list[str] | None = None) -> int:
    """Run the whole benchmark and write bench/RESULTS.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200_000)
    parser.add_argument("--duration", type=int, default=20, help="seconds per load run")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--zips", type=int, default=300, help="distinct places in the query mix")
    parser.add_argument("--results", type=Path, default=PROJECT_ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)

    figures = report.Figures(args=vars(args) | {"results": str(args.results)})
    places = load_places()
    seed = seed_documents()
    figures.seed_documents = len(seed)
    ndjson = OUT / "corpus.ndjson"
    figures.corpus_documents = write_ndjson(spread(seed, places, total=args.docs), ndjson)
    write_seed_files(spread(seed, places, total=args.docs), OUT / "seed")

    binary = find_or_install_binary(cache_dir=binary_cache_dir(os.environ), env=os.environ)
    db = OUT / "meili"
    subprocess.run(["rm", "-rf", str(db)], check=True)
    server = ManagedMeilisearch(
        binary=binary,
        db_path=db / "data",
        master_key=secrets.token_urlsafe(32),
        log_path=db / "meili.log",
    )
    with server:
        figures.raw_ingest_s = ingest_raw(server, ndjson)
        figures.indexer_s = index_end_to_end(server, OUT / "seed" / "sources.toml")
        api = start_api(server)
        figures.api_startup_s = api.startup_s
        uncached = start_api(server, cache=False)
        try:
            mix = query_mix(sample_zips(places, count=args.zips, seed=5), indexed_zones(server))
            unique = unique_place_queries(sample_zips(places, count=20_000, seed=9))
            # Enough never-asked questions for the loaded run; the rest for the 1-connection run.
            split = len(unique) * 5 // 6
            checked = [
                q
                for group in ("place", "place_facets", "place_paging", "place_open_now")
                for q in mix[group][:40]
            ]
            figures.agreement = report.check_agreement(server, api.url, checked, index=API_INDEX)
            for group, queries in mix.items():
                figures.loads[group] = load_pair(
                    server,
                    api,
                    uncached,
                    queries,
                    connections=args.connections,
                    duration_s=args.duration,
                )
            figures.loads["place_unique"] = load_pair(
                server,
                api,
                uncached,
                unique[:split],
                connections=args.connections,
                duration_s=args.duration,
                one_conn_queries=unique[split:],
            )
            # Places drawn by population recur often, whole questions rarely.
            mix_zips = sample_zips(places, count=2_000, seed=21)
            mixed = mixed_place_queries(mix_zips, count=6_000)
            figures.mix_repeats = repeat_shares(mixed)
            figures.loads["place_mix"] = load_pair(
                server,
                api,
                uncached,
                mixed,
                connections=args.connections,
                duration_s=args.duration,
                one_conn_queries=mixed_place_queries(mix_zips, count=1_000, seed=23),
            )
            # The same questions again, now answered from the cache.
            figures.cached_agreement = report.check_agreement(
                server, api.url, checked, index=API_INDEX
            )
            figures.api_peak_rss_mb = peak_rss_mb(api.pid)
            figures.uncached_peak_rss_mb = peak_rss_mb(uncached.pid)
            figures.steps = measure_steps(uncached.url)
        finally:
            for running in (api, uncached):
                running.process.terminate()
                running.process.wait(timeout=10)
    figures.machine = report.machine_info(binary)
    figures.platform = platform.platform()
    args.results.write_text(report.render(figures), encoding="utf-8")
    print(f"wrote {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
