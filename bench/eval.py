"""`make eval`: the judged set asked of the real app, literal and understood, side by side.

    .venv/bin/python -m bench.eval [--out docs/search-quality.md]

1. Start a managed Meilisearch of its own (a temporary data dir, a free loopback port).
2. Index seed_data/ with the real indexer into a fresh index, timed, and read its size.
3. For each variant of the index settings (stop words, localized attributes) and of the
   search's matching strategy, ask every phrasing of tests/data/search_eval/queries.toml of
   the real app (create_app, Litestar's TestClient) twice: `literal=true` and understood.
4. Time `understand()` alone over the set, and write the report (bench/eval_report.py).
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final
from unittest import mock

import httpx
import msgspec
from litestar import Litestar
from litestar.testing import TestClient

from bench.eval_report import (
    MODES,
    Answer,
    Cost,
    IndexFacts,
    Mode,
    Report,
    Variant,
    answer_of,
    in_mode,
    p50,
    render,
)
from bench.search_eval import Query, ceiling_at_5, ideal_params, load_queries
from indexer.__main__ import main as indexer_main
from meili_local import ManagedMeilisearch, binary_cache_dir, find_or_install_binary
from service.app import create_app
from service.contract.documents import INDEX_SETTINGS
from service.contract.index_settings import IndexSettings, LocalizedAttributes
from service.places.geocoder import Gazetteer
from service.search import query as search_query
from service.search.meili import MeiliAdmin
from service.search.query import MATCHING_STRATEGY, MatchingStrategy
from service.search.understanding import understand
from service.settings import PROJECT_ROOT, Settings

SEED_SOURCES: Final = PROJECT_ROOT / "seed_data" / "sources.toml"
REPORT_PATH: Final = PROJECT_ROOT / "docs" / "search-quality.md"
INDEX: Final = "eval"
UNDERSTAND_ROUNDS: Final = 20
BOTH_LANGUAGES: Final = (LocalizedAttributes(attribute_patterns=("*",), locales=("eng", "spa")),)


class Config(msgspec.Struct, frozen=True, kw_only=True):
    """One variant: index settings and the matching strategy searches are sent with."""

    name: str
    settings: IndexSettings
    matching_strategy: MatchingStrategy

    @property
    def in_contract(self) -> bool:
        """Whether this is what the contract and the query builder hold."""
        return self.settings == INDEX_SETTINGS and self.matching_strategy == MATCHING_STRATEGY


def _settings(*, stop_words: bool, localized: bool) -> IndexSettings:
    return msgspec.structs.replace(
        INDEX_SETTINGS,
        stop_words=INDEX_SETTINGS.stop_words if stop_words else (),
        localized_attributes=BOTH_LANGUAGES if localized else None,
    )


_TRIED: Final[tuple[tuple[bool, MatchingStrategy, bool], ...]] = (
    # (stop words, matching strategy, localized attributes)
    (False, "last", False),
    (True, "last", False),
    (True, "all", False),
    (True, "frequency", False),
    (True, "last", True),
    (True, "frequency", True),
)


def variants() -> list[Config]:
    """The contract's configuration first, then the alternatives it was chosen among."""
    tried = [
        Config(
            name=f"{'stop words' if stop else 'no stop words'}, matching {strategy}"
            + (", localized eng+spa" if localized else ""),
            settings=_settings(stop_words=stop, localized=localized),
            matching_strategy=strategy,
        )
        for stop, strategy, localized in _TRIED
    ]
    contract = [c for c in tried if c.in_contract] or [
        Config(name="the contract", settings=INDEX_SETTINGS, matching_strategy=MATCHING_STRATEGY)
    ]
    return contract + [c for c in tried if not c.in_contract]


def _commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
        )
        return done.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + (" (with uncommitted changes)" if git("status", "--porcelain") else "")


def index_seed(server: ManagedMeilisearch) -> float:
    """Seconds for the real indexer to load seed_data and publish it as the `eval` index."""
    out = io.StringIO()
    started = time.perf_counter()
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
        raise SystemExit(f"indexing failed ({code}):\n{out.getvalue()[-2000:]}")
    return time.perf_counter() - started


def index_facts(server: ManagedMeilisearch, indexing_s: float) -> IndexFacts:
    """The index's document count, database sizes and keywords per document."""
    headers = {"Authorization": f"Bearer {server.master_key}"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as client:
        stats = client.get("/stats").raise_for_status().json()
        keywords = documents = 0
        offset = 0
        while True:
            page = client.post(
                f"/indexes/{INDEX}/documents/fetch",
                json={"offset": offset, "limit": 1000, "fields": ["keywords"]},
            )
            results = page.raise_for_status().json()["results"]
            if not results:
                break
            documents += len(results)
            keywords += sum(len(doc.get("keywords") or ()) for doc in results)
            offset += len(results)
    index_stats = stats["indexes"][INDEX]
    return IndexFacts(
        documents=index_stats["numberOfDocuments"],
        database_bytes=stats["databaseSize"],
        document_db_bytes=index_stats.get("rawDocumentDbSize", 0),
        keywords_per_document=keywords / documents if documents else 0.0,
        indexing_s=indexing_s,
    )


def _params(query: Query, mode: Mode) -> dict[str, str]:
    params = {"q": query.q, "at": query.at.isoformat()}
    if query.near is not None:
        params["near"] = query.near
    if mode == "literal":
        params["literal"] = "true"
    return params


CEILING_HITS: Final = 50


def ceiling(client: TestClient[Litestar], gazetteer: Gazetteer, query: Query) -> float:
    """The best precision@5 the index allows for the phrasing: a literal search for exactly
    what its judgment asks, near the place the person gave or named (bench/search_eval.py)."""
    near = query.near
    if near is None:
        near = understand(query.q, at=query.at, places=gazetteer).place
    params: list[tuple[str, str]] = [
        ("literal", "true"),
        ("at", query.at.isoformat()),
        ("per_page", str(CEILING_HITS)),
        *ideal_params(query.judgment, query.at),
    ]
    if near is not None:
        params.append(("near", near))
    response = client.get("/v1/search", params=tuple(params))
    if response.status_code != 200:
        return 0.0
    return ceiling_at_5(query.judgment, response.json()["hits"], at=query.at)


def ask(client: TestClient[Litestar], query: Query, mode: Mode, *, limit: float = 1.0) -> Answer:
    """One phrasing asked of the API in one mode, timed and judged."""
    started = time.perf_counter()
    response = client.get("/v1/search", params=_params(query, mode))
    ms = (time.perf_counter() - started) * 1000
    body: dict[str, Any] | None = response.json() if response.status_code == 200 else None
    return answer_of(query, mode, response.status_code, body, ms=ms, ceiling=limit)


@contextmanager
def configured(admin: MeiliAdmin, config: Config) -> Iterator[None]:
    """The index set to the variant's settings, and searches sent with its matching strategy."""
    admin.update_settings(INDEX, config.settings)
    # Meilisearch has no index-wide matching strategy: the query builder sends its own on
    # every search, so the variant is that value, swapped for the run.
    with mock.patch.object(search_query, "MATCHING_STRATEGY", config.matching_strategy):
        yield


def run_variant(
    server: ManagedMeilisearch, admin: MeiliAdmin, gazetteer: Gazetteer, config: Config
) -> Variant:
    """Every phrasing in both modes under one variant."""
    settings = Settings(
        meili_url=server.url,
        meili_api_key=server.master_key,
        index_name=INDEX,
        client_rate_limit_per_min=0,
        # Every variant's answers are its own, never a cached one of another variant.
        result_cache_entries=0,
        log_level="WARNING",
    )
    answers: list[Answer] = []
    with configured(admin, config), TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        queries = load_queries()
        ask(client, queries[0], "literal")  # warm-up: the first search reads zone facets
        for query in queries:
            limit = ceiling(client, gazetteer, query)
            answers.extend(ask(client, query, mode, limit=limit) for mode in MODES)
    sys.stdout.write(f"  {config.name}: {len(answers)} answers\n")
    return Variant(name=config.name, answers=tuple(answers), in_contract=config.in_contract)


def understand_cost(gazetteer: Gazetteer, queries: Sequence[Query]) -> tuple[float, float]:
    """p50 and p90 of `understand()` in microseconds, the lexicon and gazetteer loaded."""
    for query in queries:
        understand(query.q, near=query.near, at=query.at, places=gazetteer)
    timings: list[float] = []
    for _ in range(UNDERSTAND_ROUNDS):
        for query in queries:
            started = time.perf_counter_ns()
            understand(query.q, near=query.near, at=query.at, places=gazetteer)
            timings.append((time.perf_counter_ns() - started) / 1000)
    cuts = statistics.quantiles(timings, n=10)
    return statistics.median(timings), cuts[8]


def evaluate(root: Path, *, only_contract: bool = False) -> Report:
    """The whole evaluation, with a Meilisearch of its own under `root`."""
    binary = find_or_install_binary(cache_dir=binary_cache_dir(os.environ), env=os.environ)
    server = ManagedMeilisearch(
        binary=binary,
        db_path=root / "data",
        master_key=secrets.token_urlsafe(32),
        log_path=root / "meilisearch.log",
    )
    server.start()
    try:
        sys.stdout.write(f"Meilisearch on {server.url}; indexing seed_data...\n")
        indexing_s = index_seed(server)
        facts = index_facts(server, indexing_s)
        admin = MeiliAdmin(url=server.url, api_key=server.master_key, task_timeout_s=900)
        version = httpx.get(
            f"{server.url}/version", headers={"Authorization": f"Bearer {server.master_key}"}
        ).json()["pkgVersion"]
        gazetteer = Gazetteer.load()
        sys.stdout.write("Asking the judged set, per variant:\n")
        configs = variants()[:1] if only_contract else variants()
        tried = [run_variant(server, admin, gazetteer, config) for config in configs]
    finally:
        server.stop()
    queries = load_queries()
    chosen = next(v for v in tried if v.in_contract)
    understand_p50, understand_p90 = understand_cost(gazetteer, queries)
    cost = Cost(
        literal_p50_ms=p50([a.ms for a in in_mode(chosen.answers, "literal")]),
        understood_p50_ms=p50([a.ms for a in in_mode(chosen.answers, "understood")]),
        understand_p50_us=understand_p50,
        understand_p90_us=understand_p90,
    )
    return Report(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        commit=_commit(),
        meilisearch=str(version),
        queries=len(queries),
        index=facts,
        variants=tuple(tried),
        cost=cost,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the evaluation and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=REPORT_PATH)
    parser.add_argument(
        "--only-contract", action="store_true", help="skip the variants: a quicker run"
    )
    parser.add_argument("--answers", type=Path, help="also write every judged answer as JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pathways-eval-") as root:
        report = evaluate(Path(root), only_contract=args.only_contract)
    args.out.write_text(render(report), encoding="utf-8")
    if args.answers is not None:
        args.answers.write_bytes(msgspec.json.format(msgspec.json.encode(report.variants)))
    sys.stdout.write(f"Wrote {args.out}\n")


if __name__ == "__main__":
    main()
