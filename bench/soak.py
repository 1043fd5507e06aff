"""`make soak`: a long load on the API as deployed, counting errors and watching its memory.

1. Start a fresh managed Meilisearch, index seed_data with the real indexer, and make the
   API's search-only key (service/search/keys.py).
2. Start the API as production runs it (uvicorn, one worker, the server limits of
   service/http/limits.py, the search key), with the per-client rate limit off: the load comes
   from one address.
3. Warm up, then read the API's resident memory (VmRSS); load it with wrk at 16 connections
   for the duration (10 minutes by default), sampling memory every 10 s; read it at the end.
4. Print the figures and write them to bench/SOAK.md. Targets: 0 errors (connection
   errors, timeouts and any status of 400 or more), memory growth under 10 %.

The mix: searches near 400 ZIP codes drawn from the gazetteer (so the place caches fill as
in real use), with kinds, filters, text, open-now and later pages; resources, calendars, the
Meeting Guide feed near a place, HSDS pages, CSV exports and the search page.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import random
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Final
from urllib.parse import quote_plus

import httpx

from bench.run import index_end_to_end
from bench.wrk import LoadResult, run_load
from meili_local import binary_cache_dir, find_or_install_binary
from meili_local.server import ManagedMeilisearch, free_port
from service.http.limits import server_cli_flags
from service.places.gazetteer import DATA_DIR
from service.search.keys import ensure_search_key
from service.settings import DEFAULT_INDEX, PROJECT_ROOT

INDEX: Final = DEFAULT_INDEX
SOAK_MD: Final = PROJECT_ROOT / "bench" / "SOAK.md"
SAMPLE_EVERY_S: Final = 10.0
KINDS: Final = ("meeting", "treatment", "health_center", "housing", "telehealth")
TEXTS: Final = ("aa", "alcoholics anonymous", "detox", "methadone", "suboxone", "shelter")
GROWTH_TARGET: Final = 0.10


def rss_kib(pid: int) -> int:
    """Resident memory of a process, in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for PID {pid}")


def sample_zips(count: int, rng: random.Random) -> list[str]:
    """ZIP codes of the gazetteer, drawn at random (the same ones for a given seed)."""
    with (DATA_DIR / "zip_centroids.tsv").open(encoding="utf-8") as handle:
        zips = [row["zip"] for row in csv.DictReader(handle, delimiter="\t")]
    return rng.sample(zips, count)


def request_mix(doc_ids: list[str], *, seed: int = 6) -> list[tuple[str, str, bytes]]:
    """The soak's requests, shuffled once: (method, path, body)."""
    rng = random.Random(seed)
    paths: list[str] = []
    for zip5 in sample_zips(400, rng):
        kind = rng.choice(KINDS)
        paths.append(f"/v1/search?near={zip5}&kind={kind}")
        if rng.random() < 0.3:
            paths.append(f"/v1/search?near={zip5}&radius_km=10&kind=meeting&open_now=true")
        if rng.random() < 0.2:
            paths.append(f"/v1/search?near={zip5}&language=es&page=2&per_page=10")
    for text in TEXTS:
        paths += [f"/v1/search?q={quote_plus(text)}", f"/hsds/services?search={quote_plus(text)}"]
    paths += [
        "/v1/search?attendance=online&open_now=true",
        "/v1/search?attendance=online&starts_within_min=60",
        "/v1/search?kind=helpline",
        "/v1/search.csv?near=19103&kind=meeting",
        "/v1/feeds/meeting-guide.json?near=19103&radius_km=5",
        "/hsds/services?per_page=20&page=3",
        "/?near=19103&kind=meeting",
        "/v1/vocabularies",
    ]
    for doc_id in doc_ids:
        paths += [f"/v1/resources/{doc_id}", f"/v1/resources/{doc_id}.ics"]
    rng.shuffle(paths)
    return [("GET", path, b"") for path in paths]


class MemorySampler:
    """Samples a process's RSS every few seconds in a thread."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.monotonic()

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY_S):
            self.samples.append((time.monotonic() - self._started, rss_kib(self.pid)))

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def start_api(
    server: ManagedMeilisearch, search_key: str, log_path: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """The API as docker-compose.yml runs it; returns the process and its base URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PATHWAYS_", "MEILI_"))}
    env |= {
        "PATHWAYS_MEILI_URL": server.url,
        "PATHWAYS_MEILI_SEARCH_KEY": search_key,
        "PATHWAYS_INDEX": INDEX,
        "PATHWAYS_RATE_LIMIT_PER_MIN": "0",
    }
    command = [
        sys.executable,
        *("-m", "uvicorn", "--factory", "service.app:create_app_from_env"),
        *("--host", "127.0.0.1", "--port", str(port), *server_cli_flags()),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    process.kill()
    raise SystemExit(f"the API did not become ready; see {log_path}")


def main(argv: list[str] | None = None) -> int:
    """Run the soak; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration-s", type=int, default=600)
    parser.add_argument("--warmup-s", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--sources", type=Path, default=PROJECT_ROOT / "seed_data" / "sources.toml")
    parser.add_argument("--write", type=Path, default=SOAK_MD, help="where to write the results")
    args = parser.parse_args(argv)
    binary = find_or_install_binary(cache_dir=binary_cache_dir(os.environ), env=os.environ)
    with tempfile.TemporaryDirectory(prefix="pathways-soak-") as tmp:
        root = Path(tmp)
        with ManagedMeilisearch(
            binary=binary,
            db_path=root / "meili",
            master_key=secrets.token_urlsafe(32),
            log_path=root / "meili.log",
        ) as server:
            index_end_to_end(server, args.sources, index=INDEX)
            search_key = ensure_search_key(server.url, server.master_key, INDEX)
            api, url = start_api(server, search_key, root / "api.log")
            try:
                return soak(args, api, url, server)
            finally:
                api.terminate()
                api.wait(timeout=15)


def soak(
    args: argparse.Namespace, api: subprocess.Popen[bytes], url: str, server: ManagedMeilisearch
) -> int:
    """Warm up, load, and report."""
    hits = httpx.get(
        f"{url}/v1/search", params={"near": "19103", "kind": "meeting", "per_page": 30}
    ).json()
    requests = request_mix([hit["id"] for hit in hits["hits"]])
    print(f"{len(requests)} distinct requests; warming up for {args.warmup_s} s ...")
    warm = run_load(url, requests, connections=args.connections, duration_s=args.warmup_s)
    rss_start = rss_kib(api.pid)
    meili_start = rss_kib(server.pid or 0)
    print(f"warm-up: {warm.requests} requests, {warm.errors} errors; RSS {rss_start} KiB")
    print(f"soaking for {args.duration_s} s at {args.connections} connections ...")
    with MemorySampler(api.pid) as sampler:
        load = run_load(url, requests, connections=args.connections, duration_s=args.duration_s)
    rss_end = rss_kib(api.pid)
    meili_end = rss_kib(server.pid or 0)
    growth = (rss_end - rss_start) / rss_start
    alive = httpx.get(f"{url}/readyz", timeout=5).status_code == 200
    report = render(
        args,
        len(requests),
        warm,
        load,
        rss_start,
        rss_end,
        sampler.samples,
        (meili_start, meili_end),
        alive,
    )
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")
        print(f"wrote {args.write}")
    return 0 if load.errors == 0 and growth < GROWTH_TARGET and alive else 1


def render(
    args: argparse.Namespace,
    distinct: int,
    warm: LoadResult,
    load: LoadResult,
    rss_start: int,
    rss_end: int,
    samples: list[tuple[float, int]],
    meili: tuple[int, int],
    alive: bool,
) -> str:
    """bench/SOAK.md."""
    growth = (rss_end - rss_start) / rss_start * 100
    peak = max([rss_end, *(kib for _t, kib in samples)])
    each_minute = [(t, kib) for t, kib in samples if int(t) % 60 < SAMPLE_EVERY_S]
    latency = " / ".join(f"{ms:.1f}" for ms in (load.p50_ms, load.p95_ms, load.p99_ms))
    rows = [
        ("requests", f"{load.requests:,} ({load.rps:,.0f}/s)", ""),
        (
            "errors (connect, read, timeout, status ≥ 400)",
            f"{load.errors} (of which status: {load.status_errors})",
            "0",
        ),
        ("latency p50 / p95 / p99 / max", f"{latency} / {load.max_ms:.0f} ms", ""),
        ("API RSS after warm-up", f"{rss_start / 1024:.1f} MiB", ""),
        ("API RSS at the end", f"{rss_end / 1024:.1f} MiB (peak {peak / 1024:.1f} MiB)", ""),
        ("API memory growth", f"{growth:+.1f} %", "under 10 %"),
        ("Meilisearch RSS, start / end", f"{meili[0] / 1024:.0f} / {meili[1] / 1024:.0f} MiB", ""),
        ("/readyz after the soak", "200" if alive else "not ready", "200"),
    ]
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    lines = [
        "# Soak: a long load on the API, its errors and its memory",
        "",
        "Made by `make soak` (`bench/soak.py`); the figures are from the run that wrote this file.",
        "",
        f"- Run: {time.strftime('%Y-%m-%d %H:%M %Z')}; machine: {machine}; the API, Meilisearch",
        "  and wrk share it.",
        "- Index: all of seed_data. The API as deployed: uvicorn, one worker, the search-only",
        "  key, the server limits of service/http/limits.py; the per-client rate limit is off (the",
        "  load comes from one address).",
        f"- Load: wrk, {args.connections} connections, {args.duration_s} s after a "
        f"{args.warmup_s} s warm-up,",
        f"  {distinct} distinct requests round-robin: searches near 400 ZIP codes, text, open",
        "  now, later pages, resources, calendars, the feed, HSDS, CSV and the page.",
        "",
        "| figure | value | target |",
        "|---|---|---|",
        *(f"| {name} | {value} | {target} |" for name, value, target in rows),
        "",
        f"Warm-up: {warm.requests:,} requests, {warm.errors} errors.",
        "",
        "API RSS each minute (MiB): "
        + ", ".join(f"{t / 60:.0f} min {kib / 1024:.1f}" for t, kib in each_minute),
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
