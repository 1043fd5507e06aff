"""`python -m bench.replicas`: one Meilisearch replica against two, in one run, on this machine.

1. Start two managed Meilisearch servers (same binary, same master key, own data) and publish
   the seed sources to both with the indexer (PATHWAYS_MEILI_URLS), timed, against a publish
   to one of them alone.
2. Start the API (uvicorn, one worker, result cache off so every search reaches Meilisearch)
   on replica A alone, then on A and B; load each with the same never-repeated place searches
   at the same concurrency for the same time.
3. Load the API on A and B again and SIGKILL B a third of the way through: failed searches and
   the longest answer (the failover), then restart B and publish again (the catch-up).
4. Write bench/REPLICAS.md.

The baseline (one replica) is measured in the same run as the figures it is compared with.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import platform
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import aiohttp
import httpx
import msgspec

from bench.corpus import load_places
from bench.queries import sample_zips
from indexer.__main__ import main as indexer_main
from meili_local import binary_cache_dir, find_or_install_binary
from meili_local.server import ManagedMeilisearch, free_port
from service.search.keys import ensure_search_key
from service.settings import PROJECT_ROOT

OUT: Final = PROJECT_ROOT / "bench" / "out" / "replicas"
INDEX: Final = "resources"
TIMEOUT_S: Final = 2.0
DEFAULT_SOURCES: Final = ("samhsa-su", "oc-aa", "aasepia", "pathways-helplines")
FILTERS: Final = ("kind=meeting", "attendance=online", "kind=helpline", "day=sat", "kind=meeting")


class LoadFigures(msgspec.Struct, frozen=True, kw_only=True):
    """What one load run measured."""

    name: str
    searches: int
    failed: int
    per_s: float
    p50_ms: float
    p99_ms: float
    max_ms: float


def publish(urls: Sequence[str], key: str, sources: Path) -> tuple[int, float, str]:
    """The indexer's `index` to these replicas: exit code, seconds, output."""
    out = io.StringIO()
    started = time.perf_counter()
    code = indexer_main(
        [
            "index",
            *("--sources", str(sources), "--index", INDEX),
            *("--meili-url", ",".join(urls), f"--meili-key={key}"),
            "--no-progress",
        ],
        out=out,
    )
    return code, time.perf_counter() - started, out.getvalue()


def start_api(urls: Sequence[str], key: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn on these replicas with the search key, cache off; returns it and its URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PATHWAYS_", "MEILI_"))}
    env |= {
        "PATHWAYS_MEILI_URLS": ",".join(urls),
        "PATHWAYS_MEILI_SEARCH_KEY": key,
        "PATHWAYS_INDEX": INDEX,
        "PATHWAYS_RATE_LIMIT_PER_MIN": "0",
        "PATHWAYS_RESULT_CACHE_ENTRIES": "0",
        "PATHWAYS_SEARCH_TIMEOUT_S": str(TIMEOUT_S),
    }
    command = [sys.executable, "-m", "uvicorn", "--factory", "service.app:create_app_from_env"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"]
    with log.open("ab") as stream:
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=stream, stderr=stream)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    process.kill()
    raise SystemExit("the API did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process we started, by its PID."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def paths(count: int) -> list[str]:
    """Never-repeated place searches near population-weighted ZIP codes."""
    zips = sample_zips(load_places(), count=count, seed=21)
    return [
        f"/v1/search?near={z.zip5}&radius_km=25&sort=distance&{FILTERS[i % len(FILTERS)]}"
        "&per_page=10"
        for i, z in enumerate(zips)
    ]


async def _load(
    base: str,
    queries: list[str],
    *,
    concurrency: int,
    duration_s: float,
    kill_at_s: float | None,
    victim: ManagedMeilisearch | None,
) -> tuple[list[float], int]:
    latencies: list[float] = []
    failed = 0
    started = time.monotonic()
    counter = iter(range(10**9))
    killed = False

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal failed, killed
        while time.monotonic() - started < duration_s:
            if kill_at_s is not None and not killed and time.monotonic() - started >= kill_at_s:
                killed = True
                if victim is not None and victim.pid is not None:
                    os.kill(victim.pid, signal.SIGKILL)
            path = queries[next(counter) % len(queries)]
            begun = time.monotonic()
            try:
                async with session.get(base + path) as response:
                    await response.read()
                    ok = response.status == 200
            except aiohttp.ClientError:
                ok = False
            latencies.append(time.monotonic() - begun)
            failed += not ok

    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    return latencies, failed


def load(
    name: str,
    base: str,
    queries: list[str],
    *,
    concurrency: int,
    duration_s: float,
    kill_at_s: float | None = None,
    victim: ManagedMeilisearch | None = None,
) -> LoadFigures:
    """Load the API and sum it up."""
    started = time.monotonic()
    latencies, failed = asyncio.run(
        _load(
            base,
            queries,
            concurrency=concurrency,
            duration_s=duration_s,
            kill_at_s=kill_at_s,
            victim=victim,
        )
    )
    took_s = time.monotonic() - started
    ordered = sorted(latencies)
    return LoadFigures(
        name=name,
        searches=len(latencies),
        failed=failed,
        per_s=len(latencies) / took_s,
        p50_ms=1000 * statistics.median(ordered),
        p99_ms=1000 * ordered[int(0.99 * (len(ordered) - 1))],
        max_ms=1000 * ordered[-1],
    )


def step(what: str) -> None:
    """Say on stderr what the run is doing."""
    print(f"{time.strftime('%H:%M:%S')} {what}", file=sys.stderr, flush=True)


def rss_mb(pid: int) -> float:
    """Resident memory of a process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def subset(sources: Path, ids: Sequence[str], folder: Path) -> Path:
    """A sources file with only these sources of `sources` (their data read where it is)."""
    blocks = sources.read_text(encoding="utf-8").split("[[source]]")
    chosen = []
    for block in blocks[1:]:
        found = re.search(r'^id = "([^"]+)"', block, flags=re.MULTILINE)
        if found and found.group(1) in ids:
            chosen.append(
                re.sub(
                    r'^path = "([^"]+)"',
                    lambda m: f'path = "{sources.parent / m.group(1)}"',
                    block,
                    flags=re.MULTILINE,
                )
            )
    path = folder / "sources.toml"
    path.write_text("".join(f"[[source]]{block}" for block in chosen), encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    """Run the comparison and write bench/REPLICAS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench.replicas", description=__doc__)
    parser.add_argument("--sources", type=Path, default=PROJECT_ROOT / "seed_data" / "sources.toml")
    parser.add_argument(
        "--source",
        action="append",
        default=None,
        help="a source id to index (repeatable; default: a nationwide and two meeting sources)",
    )
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration-s", type=float, default=20.0)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "bench" / "REPLICAS.md")
    args = parser.parse_args(argv)
    args.source = args.source or list(DEFAULT_SOURCES)
    binary = find_or_install_binary(cache_dir=binary_cache_dir(os.environ), env=os.environ)
    key = secrets.token_urlsafe(32)
    OUT.mkdir(parents=True, exist_ok=True)
    servers = []
    for name in ("a", "b"):
        folder = OUT / f"{name}-{secrets.token_hex(4)}"
        servers.append(
            ManagedMeilisearch(
                binary=binary,
                db_path=folder / "meili",
                master_key=key,
                log_path=folder / "meili.log",
                port=free_port(),
            )
        )
    a, b = servers
    sources = subset(args.sources, args.source, OUT)
    lines: list[str] = []
    try:
        for server in servers:
            server.start()
        step("publishing to one replica")
        code, one_s, output = publish([a.url], key, sources)
        if code != 0:
            raise SystemExit(output)
        step("publishing to two replicas")
        code, two_s, output = publish([a.url, b.url], key, sources)
        if code != 0:
            raise SystemExit(output)
        documents = httpx.get(
            f"{a.url}/indexes/{INDEX}/stats", headers={"Authorization": f"Bearer {key}"}
        ).json()["numberOfDocuments"]
        search_key = ensure_search_key(a.url, key, INDEX)
        assert ensure_search_key(b.url, key, INDEX) == search_key
        queries = paths(4000)
        figures: list[LoadFigures] = []
        for name, urls in (("API on replica A alone", [a.url]), ("API on A and B", [a.url, b.url])):
            step(name)
            api, base = start_api(urls, search_key, OUT / "api.log")
            try:
                figures.append(
                    load(
                        name,
                        base,
                        queries,
                        concurrency=args.concurrency,
                        duration_s=args.duration_s,
                    )
                )
            finally:
                stop(api)
        api, base = start_api([a.url, b.url], search_key, OUT / "api.log")
        try:
            killed = load(
                "API on A and B, B SIGKILLed a third of the way",
                base,
                queries,
                concurrency=args.concurrency,
                duration_s=args.duration_s,
                kill_at_s=args.duration_s / 3,
                victim=b,
            )
            figures.append(killed)
            b.stop()
            restarted = time.monotonic()
            b.start()
            start_s = time.monotonic() - restarted
            code, catch_up_s, output = publish([a.url, b.url], key, sources)
            caught_up = code == 0
            api_rss = rss_mb(api.pid)
        finally:
            stop(api)
        meili_rss = [rss_mb(s.pid) for s in servers if s.pid is not None]
        lines = render(
            args,
            documents=documents,
            one_s=one_s,
            two_s=two_s,
            figures=figures,
            start_s=start_s,
            catch_up_s=catch_up_s,
            caught_up=caught_up,
            api_rss=api_rss,
            meili_rss=meili_rss,
        )
    finally:
        for server in servers:
            server.stop()
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))
    return 0


def render(
    args: argparse.Namespace,
    *,
    documents: int,
    one_s: float,
    two_s: float,
    figures: list[LoadFigures],
    start_s: float,
    catch_up_s: float,
    caught_up: bool,
    api_rss: float,
    meili_rss: list[float],
) -> list[str]:
    """bench/REPLICAS.md."""
    cpu = os.cpu_count() or 0
    lines = [
        "# One Meilisearch replica against two (`python -m bench.replicas`)",
        "",
        f"One run on {platform.machine()}, {cpu} cores shared by both Meilisearch servers, the",
        "API (one uvicorn worker, result cache off, so every search reaches Meilisearch) and the",
        f"load generator. {documents:,} documents (seed_data: {', '.join(args.source)}).",
        "Place searches (nearest first within 25 km of a population-weighted ZIP code),",
        f"{args.concurrency} connections, {args.duration_s:g} s each; search timeout "
        f"{TIMEOUT_S:g} s. The load average of the machine during the run: "
        f"{os.getloadavg()[0]:.1f} (other work shares it; compare rows, not runs).",
        "",
        "| run | searches | failed | searches/s | p50 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.name} | {f.searches} | {f.failed} | {f.per_s:.0f} | {f.p50_ms:.1f} "
            f"| {f.p99_ms:.1f} | {f.max_ms:.0f} |"
        )
    lines += [
        "",
        "| publish | seconds |",
        "|---|---|",
        f"| indexer `index` to one replica | {one_s:.1f} |",
        f"| indexer `index` to two replicas (one after the other) | {two_s:.1f} |",
        f"| restart of the killed replica on its data | {start_s:.1f} |",
        f"| the next publish, which catches it up ({'ok' if caught_up else 'FAILED'}) "
        f"| {catch_up_s:.1f} |",
        "",
        f"Resident memory after the runs: API {api_rss:.0f} MB; Meilisearch "
        + ", ".join(f"{m:.0f} MB" for m in meili_rss)
        + ".",
    ]
    return lines


if __name__ == "__main__":
    sys.exit(main())
