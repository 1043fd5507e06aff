"""docs/plan-quality.md from the persona evaluation's outcomes (pure)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from urllib.parse import urlencode

import msgspec

from bench.plan_batching import Batching
from bench.plan_judging import Persona, query_pairs
from service.search.batching import PARALLEL_REQUESTS


class SectionOutcome(msgspec.Struct, frozen=True, kw_only=True):
    """One section of a persona's plan: (name, reasons, verdict) per pick, its notes."""

    id: str
    picks: list[tuple[str, str, str]]
    notes: list[str]
    alternatives: list[str]
    judged: bool

    def count(self, verdict: str) -> int:
        """Picks with this verdict."""
        return sum(1 for _n, _r, v in self.picks if v == verdict)


class Outcome(msgspec.Struct, frozen=True, kw_only=True):
    """A persona's judged plan, its baseline and timings."""

    persona: Persona
    status: str
    sections: list[SectionOutcome]
    crisis_first: bool
    baseline_meets: int = 0
    baseline_judged: int = 0
    plan_ms: float = 0.0
    search_ms: float = 0.0
    batching: Batching | None = None

    def section(self, section_id: str) -> SectionOutcome | None:
        """The section with this id, if the plan has it."""
        return next((s for s in self.sections if s.id == section_id), None)

    def filled(self) -> list[str]:
        """Required sections with at least one pick or a labelled alternative."""
        return [
            r
            for r in self.persona.required
            if (s := self.section(r)) is not None and (s.picks or s.alternatives)
        ]

    def totals(self) -> tuple[int, int, int]:
        """(meets, labelled, unlabelled) over the judged sections."""
        judged = [s for s in self.sections if s.judged]
        return (
            sum(s.count("meets") for s in judged),
            sum(s.count("labelled") for s in judged),
            sum(s.count("unlabelled") for s in judged),
        )


class PlanReport(msgspec.Struct, frozen=True, kw_only=True):
    """Everything the report says."""

    date: str
    commit: str
    meilisearch: str
    rounds: int
    outcomes: list[Outcome]


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "-"


def _median(values: Sequence[float]) -> str:
    return f"{statistics.median(values):.0f} ms" if values else "-"


def _summary(report: PlanReport) -> list[str]:
    ok = [o for o in report.outcomes if o.status == "ok"]
    meets = sum(o.totals()[0] for o in ok)
    labelled = sum(o.totals()[1] for o in ok)
    unlabelled = sum(o.totals()[2] for o in ok)
    picks = meets + labelled + unlabelled
    required = sum(len(o.persona.required) for o in ok)
    filled = sum(len(o.filled()) for o in ok)
    base_meets = sum(o.baseline_meets for o in ok)
    base_judged = sum(o.baseline_judged for o in ok)
    plan_meets = plan_judged = 0
    for o in ok:
        s = o.section(o.persona.baseline_section)
        if s is not None and s.judged:
            plan_meets += s.count("meets")
            plan_judged += len(s.picks)
    return [
        "| measure | value |",
        "|---|---|",
        f"| personas | {len(report.outcomes)} ({len(ok)} answered 200) |",
        f"| crisis lines first | {_pct(sum(o.crisis_first for o in ok), len(ok))} |",
        f"| required sections filled (a pick or a labelled alternative) | {filled} / {required} |",
        f"| judged picks | {picks} |",
        f"| picks that honour every stated answer | {meets} ({_pct(meets, picks)}) |",
        f"| labelled relaxations | {labelled} ({_pct(labelled, picks)}) |",
        f"| **unlabelled misses** (a stated answer broken without a label) | **{unlabelled}** |",
        f"| baseline section, plan: picks meeting the expectation | {plan_meets} / {plan_judged}"
        f" ({_pct(plan_meets, plan_judged)}) |",
        f"| baseline section, plain search (first {3} hits) | {base_meets} / {base_judged}"
        f" ({_pct(base_meets, base_judged)}) |",
        f"| plan p50 (median of the personas' medians) | {_median([o.plan_ms for o in ok])} |",
        f"| single search p50, same run | {_median([o.search_ms for o in ok])} |",
    ]


def _batching(report: PlanReport) -> list[str]:
    """Each plan with its searches' requests sent alone, and batched into multi-searches."""
    rows = [(o.persona.id, o.batching) for o in report.outcomes if o.batching is not None]
    if not rows:
        return []
    alone = [b.alone_ms for _id, b in rows]
    batched = [b.batched_ms for _id, b in rows]
    trips_alone = statistics.median(b.alone_round_trips for _id, b in rows)
    trips = statistics.median(b.batched_round_trips for _id, b in rows)
    posts = statistics.median(b.batched_requests for _id, b in rows)
    same = sum(b.same for _id, b in rows)
    return [
        "## One multi-search per step",
        "",
        "In process, same index, result cache off, rounds alternating: each plan with every",
        "search's requests sent on their own (each a round trip, many at once), then with the",
        "requests asked at the same step sent together as multi-searches",
        "(service/search/batching.py): a *wave* is one round trip every search of the plan",
        f"waits on, at most {PARALLEL_REQUESTS} multi-searches sent at once. A search whose next",
        "request needs the previous answer (tier counts before the page, a wider disc near a",
        "place, the relaxed attempts) takes one wave per step. Sent alone, the same steps run",
        "as parallel requests, so a plan waits on about as many one after another either way:",
        "batching saves requests (and each request's cost on both sides), not waiting. The",
        "result cache's version read (one small GET shared by concurrent searches) comes on",
        "top when the cache is on.",
        "",
        "| measure | requests alone | batched |",
        "|---|---|---|",
        f"| plan p50 (median of the personas' medians) | {_median(alone)} | {_median(batched)} |",
        f"| POSTs to Meilisearch per plan (median) | {trips_alone:.0f} | {posts:.0f} |",
        f"| round trips one after another per plan (median) | - | {trips:.0f} |",
        f"| plans identical both ways | {same} / {len(rows)} | |",
        "",
        "| persona | ms alone | ms batched | POSTs alone | POSTs batched | waves | same plan |",
        "|---|---|---|---|---|---|---|",
        *(
            f"| {pid} | {b.alone_ms:.0f} | {b.batched_ms:.0f} | {b.alone_round_trips} | "
            f"{b.batched_requests} | {b.batched_round_trips} | {'yes' if b.same else '**no**'} |"
            for pid, b in rows
        ),
        "",
    ]


def _row(o: Outcome) -> str:
    meets, labelled, unlabelled = o.totals()
    base = o.section(o.persona.baseline_section)
    plan_base = (
        f"{base.count('meets')} / {len(base.picks)}" if base is not None and base.judged else "-"
    )
    return (
        f"| {o.persona.id} | {len(o.filled())} / {len(o.persona.required)} | {meets} | "
        f"{labelled} | {unlabelled} | {o.persona.baseline_section}: {plan_base} vs "
        f"{o.baseline_meets} / {o.baseline_judged} | {o.plan_ms:.0f} | {o.search_ms:.0f} |"
    )


def _details(o: Outcome) -> list[str]:
    lines = [
        f"### {o.persona.id}",
        "",
        o.persona.story,
        "",
        f"Answers: `{urlencode(query_pairs(o.persona))}`; baseline: `{o.persona.baseline_q}`.",
        "",
    ]
    for s in o.sections:
        judged = "" if s.judged else " (not judged)"
        lines.append(f"- **{s.id}**{judged}")
        lines += [f"  - relaxed: {note}" for note in s.notes]
        for name, reasons, verdict in s.picks:
            mark = f" — *{verdict}*" if verdict else ""
            lines.append(f"  - {name} ({reasons or 'no reasons'}){mark}")
        lines += [f"  - alternative: {alt}" for alt in s.alternatives]
    return [*lines, ""]


def render(report: PlanReport) -> str:
    """The report as Markdown."""
    lines = [
        "# Support plan quality",
        "",
        f"`make eval-plan` on {report.date}, commit {report.commit}, Meilisearch "
        f"{report.meilisearch}, the seed index, the result cache off (every plan and search "
        f"asked of Meilisearch), each timing the median of {report.rounds} rounds.",
        "",
        "Personas and what their plans must contain: `tests/data/plan_eval/` (written from",
        "what each person needs, before any plan was asked for). A pick *meets* the persona's",
        "expectation for its section, or is a *labelled relaxation* (it misses it, and the",
        "plan says which answer it relaxed), or an *unlabelled miss*. The baseline is the plain",
        "search the person would type instead, its first three hits judged against the same",
        "section's expectation.",
        "",
        "## Summary",
        "",
        *_summary(report),
        "",
        "## Per persona",
        "",
        "| persona | required sections filled | meets | labelled | unlabelled | baseline section: "
        "plan vs search | plan ms | search ms |",
        "|---|---|---|---|---|---|---|---|",
        *(_row(o) for o in report.outcomes if o.status == "ok"),
        *(f"| {o.persona.id} | error | | | | | | |" for o in report.outcomes if o.status != "ok"),
        "",
        *_batching(report),
        "## The plans",
        "",
    ]
    for o in report.outcomes:
        lines += _details(o)
    return "\n".join(lines).rstrip() + "\n"


def sections_of(outcomes: Sequence[Outcome]) -> set[str]:
    """Every section id the plans had."""
    return {s.id for o in outcomes for s in o.sections}
