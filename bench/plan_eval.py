"""`make eval-plan`: every persona's plan asked of the real app on the seed index, judged.

    .venv/bin/python -m bench.plan_eval [--out docs/plan-quality.md]

1. Start a managed Meilisearch of its own and index seed_data/ with the real indexer.
2. For each persona of tests/data/plan_eval/personas.toml, ask `/v1/plan` and judge every
   pick against the persona's expectation for its section (bench/plan_judging.py); ask the
   baseline too, the plain `/v1/search` the person would type (`baseline_q`, near their
   place), and judge its first hits against the same section's expectation.
3. Time both with the result cache off (every answer asked of Meilisearch), several rounds;
   time each plan in process with its searches' requests sent alone and batched into
   multi-searches (bench/plan_batching.py), and write the report (bench/plan_report.py).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import httpx
import msgspec
from litestar import Litestar
from litestar.testing import TestClient

from bench.eval import INDEX, _commit, index_seed
from bench.plan_batching import batching
from bench.plan_judging import Persona, judge_pick, load_personas, meets, query_pairs
from bench.plan_report import Outcome, PlanReport, SectionOutcome, render
from meili_local import ManagedMeilisearch, binary_cache_dir, find_or_install_binary
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.settings import PROJECT_ROOT, Settings

REPORT_PATH: Final = PROJECT_ROOT / "docs" / "plan-quality.md"
ROUNDS: Final = 5
BASELINE_HITS: Final = 3


def _timed(
    client: TestClient[Litestar], path: str, params: Sequence[tuple[str, str]]
) -> tuple[Any, float]:
    started = time.perf_counter()
    response = client.get(path, params=tuple(params))
    ms = (time.perf_counter() - started) * 1000
    body = response.json() if response.status_code == 200 else None
    return body, ms


def judge_sections(persona: Persona, plan: dict[str, Any]) -> list[SectionOutcome]:
    """Each section of the plan, its picks judged where the persona has an expectation."""
    found: list[SectionOutcome] = []
    for section in plan["sections"]:
        expect = persona.expect.get(section["id"])
        verdicts = (
            [judge_pick(expect, pick, section) for pick in section["picks"]]
            if expect is not None
            else []
        )
        found.append(
            SectionOutcome(
                id=section["id"],
                picks=[
                    (p["hit"]["name"], p["reasons"]["en"], verdicts[i] if verdicts else "")
                    for i, p in enumerate(section["picks"])
                ],
                notes=[n["en"] for n in section["relaxed"]],
                alternatives=[a["en"] for a in section["alternatives"]],
                judged=expect is not None,
            )
        )
    return found


def ask_persona(client: TestClient[Litestar], persona: Persona) -> Outcome:
    """One persona's plan and baseline, judged and timed."""
    pairs = query_pairs(persona)
    plan, _ms = _timed(client, "/v1/plan", pairs)
    if plan is None:
        return Outcome(persona=persona, status="error", sections=[], crisis_first=False)
    near = persona.answers.get("near")
    baseline_params = [("q", persona.baseline_q), ("at", persona.at.isoformat())]
    if isinstance(near, str):
        baseline_params.append(("near", near))
    plan_ms: list[float] = []
    search_ms: list[float] = []
    baseline: Any = None
    for _ in range(ROUNDS):
        plan_ms.append(_timed(client, "/v1/plan", pairs)[1])
        baseline, ms = _timed(client, "/v1/search", baseline_params)
        search_ms.append(ms)
    expect = persona.expect.get(persona.baseline_section)
    hits = (baseline or {}).get("hits", [])[:BASELINE_HITS]
    crisis = (baseline or {}).get("crisis")
    if persona.baseline_section == "talk_now" and crisis:
        hits = [*crisis["lines"], *hits][:BASELINE_HITS]
    baseline_meets = sum(1 for h in hits if expect is not None and meets(expect, h))
    return Outcome(
        persona=persona,
        status="ok",
        sections=judge_sections(persona, plan),
        crisis_first=bool(plan["crisis"]["lines"]) and plan["sections"][0]["id"] == "talk_now",
        baseline_meets=baseline_meets,
        baseline_judged=BASELINE_HITS if expect is not None else 0,
        plan_ms=statistics.median(plan_ms),
        search_ms=statistics.median(search_ms),
    )


def evaluate(root: Path) -> PlanReport:
    """Every persona, with a Meilisearch of its own under `root`."""
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
        index_seed(server)
        version = httpx.get(
            f"{server.url}/version", headers={"Authorization": f"Bearer {server.master_key}"}
        ).json()["pkgVersion"]
        settings = Settings(
            meili_url=server.url,
            meili_api_key=server.master_key,
            index_name=INDEX,
            client_rate_limit_per_min=0,
            # Every plan and search is asked of Meilisearch: the figures are not a cache's.
            result_cache_entries=0,
            log_level="WARNING",
        )
        personas = load_personas()
        with TestClient(create_app(settings, gazetteer=Gazetteer.load())) as client:
            client.get("/v1/search", params={"kind": "meeting"})  # warm-up: zone facets
            outcomes = [ask_persona(client, p) for p in personas]
        batched = asyncio.run(
            batching(
                url=server.url,
                api_key=server.master_key,
                index_name=INDEX,
                personas=personas,
                rounds=ROUNDS,
            )
        )
        outcomes = [
            msgspec.structs.replace(o, batching=batched.get(o.persona.id)) for o in outcomes
        ]
    finally:
        server.stop()
    return PlanReport(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        commit=_commit(),
        meilisearch=str(version),
        rounds=ROUNDS,
        outcomes=outcomes,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Run the persona evaluation and write the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=REPORT_PATH)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pathways-plan-eval-") as root:
        report = evaluate(Path(root))
    args.out.write_text(render(report), encoding="utf-8")
    sys.stdout.write(f"Wrote {args.out}\n")


if __name__ == "__main__":
    main()
