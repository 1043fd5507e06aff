"""The evaluation's measures and its report, docs/search-quality.md (pure, no I/O).

`answer_of` judges one response of the API to one phrasing of the judged set; `measures`
sums answers up (precision@5, share of empty answers, crisis line first); `render` writes the
report: the variants tried side by side, then, for the configuration the contract holds,
literal and understood search by tag, the worst queries and the cost of understanding.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal

import msgspec

from bench.search_eval import Query, crisis_first, is_crisis_line, judge_top, precision_at_5

Mode = Literal["literal", "understood"]
MODES: Final[tuple[Mode, ...]] = ("literal", "understood")
TARGET_PRECISION: Final = 0.90
WORST_SHOWN: Final = 25


class Answer(msgspec.Struct, frozen=True, kw_only=True):
    """One phrasing's answer in one mode, judged."""

    q: str
    near: str | None
    tags: tuple[str, ...]
    mode: Mode
    status: int
    precision: float
    # Nothing to act on: no hit, no crisis line and no labelled alternative.
    empty: bool
    no_hits: bool
    # None for phrases that are not crisis phrases.
    crisis_first: bool | None
    # What the person saw first: "kind: name" of the first five results.
    top: tuple[str, ...]
    ms: float
    # The best precision@5 the index allows within the search's reach (bench/search_eval.py).
    ceiling: float = 1.0


class Measures(msgspec.Struct, frozen=True, kw_only=True):
    """Sums over a group of answers."""

    count: int
    precision: float
    empty_share: float
    no_hits_share: float
    crisis_count: int
    crisis_first_share: float | None
    ceiling: float = 1.0


class Variant(msgspec.Struct, frozen=True, kw_only=True):
    """One configuration of the index and the search, with its answers in both modes."""

    name: str
    answers: tuple[Answer, ...]
    in_contract: bool = False


class Cost(msgspec.Struct, frozen=True, kw_only=True):
    """What understanding costs: search round trips with and without it, and the step alone."""

    literal_p50_ms: float
    understood_p50_ms: float
    understand_p50_us: float
    understand_p90_us: float


class IndexFacts(msgspec.Struct, frozen=True, kw_only=True):
    """The evaluated index: its size and how long the indexer took to build it."""

    documents: int
    database_bytes: int
    document_db_bytes: int
    keywords_per_document: float
    indexing_s: float


class Report(msgspec.Struct, frozen=True, kw_only=True):
    """Everything docs/search-quality.md says."""

    date: str
    commit: str
    meilisearch: str
    queries: int
    index: IndexFacts
    variants: tuple[Variant, ...]
    cost: Cost


def shown_results(body: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    """The results in the order the person meets them: the crisis block's lines, then hits."""
    if body is None:
        return []
    hits: list[Mapping[str, Any]] = list(body.get("hits") or ())
    return _crisis_lines(body.get("crisis")) + hits


def _crisis_lines(block: object) -> list[Mapping[str, Any]]:
    if isinstance(block, Mapping):
        for key in ("lines", "hits", "helplines", "resources"):
            lines = block.get(key)
            if isinstance(lines, list):
                return [line for line in lines if isinstance(line, Mapping)]
        return []
    if isinstance(block, list):
        return [line for line in block if isinstance(line, Mapping)]
    return []


def answer_of(
    query: Query,
    mode: Mode,
    status: int,
    body: Mapping[str, Any] | None,
    *,
    ms: float,
    ceiling: float = 1.0,
) -> Answer:
    """One response judged against the phrasing's judgment (an error is an empty answer)."""
    results = shown_results(body) if status == 200 else []
    alternatives = (body.get("alternatives") or []) if body is not None and status == 200 else []
    offered = any(isinstance(a, Mapping) and a.get("hits") for a in alternatives)
    is_crisis = query.judgment.crisis_first
    return Answer(
        q=query.q,
        near=query.near,
        tags=tuple(query.tags),
        mode=mode,
        status=status,
        precision=precision_at_5(judge_top(query.judgment, results, at=query.at)),
        empty=not results and not offered,
        no_hits=not results,
        crisis_first=crisis_first(results) if is_crisis else None,
        top=tuple(_label(hit) for hit in results[:5]),
        ms=ms,
        ceiling=ceiling,
    )


def _label(hit: Mapping[str, Any]) -> str:
    kind = "crisis line" if is_crisis_line(hit) else str(hit.get("kind", "?"))
    return f"{kind}: {hit.get('name', '?')}"


def measures(answers: Iterable[Answer]) -> Measures:
    """Mean precision@5, share of empty answers and of crisis phrases with a crisis line first."""
    group = list(answers)
    crisis = [a.crisis_first for a in group if a.crisis_first is not None]
    count = len(group)
    return Measures(
        count=count,
        precision=statistics.fmean(a.precision for a in group) if group else 0.0,
        empty_share=sum(a.empty for a in group) / count if count else 0.0,
        no_hits_share=sum(a.no_hits for a in group) / count if count else 0.0,
        crisis_count=len(crisis),
        crisis_first_share=sum(crisis) / len(crisis) if crisis else None,
        ceiling=statistics.fmean(a.ceiling for a in group) if group else 0.0,
    )


def in_mode(answers: Iterable[Answer], mode: Mode) -> list[Answer]:
    """The answers of one mode."""
    return [a for a in answers if a.mode == mode]


def by_tag(answers: Iterable[Answer]) -> dict[str, list[Answer]]:
    """Answers grouped by each tag of their phrasing, tags in alphabetical order."""
    groups: dict[str, list[Answer]] = {}
    for answer in answers:
        for tag in answer.tags:
            groups.setdefault(tag, []).append(answer)
    return dict(sorted(groups.items()))


def worst(answers: Iterable[Answer], *, limit: int = WORST_SHOWN) -> list[Answer]:
    """The answers furthest from the targets: crisis misses, empty answers, lowest precision."""
    missed = [a for a in answers if a.precision < 1.0 or a.empty or a.crisis_first is False]
    missed.sort(key=lambda a: (a.crisis_first is not False, not a.empty, a.precision, a.q))
    return missed[:limit]


def p50(values: Sequence[float]) -> float:
    """The median, 0 for no values."""
    return statistics.median(values) if values else 0.0


def _share(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _row(label: str, literal: Measures, understood: Measures) -> str:
    return (
        f"| {label} | {literal.count} | {literal.precision:.2f} | {understood.precision:.2f} "
        f"| {_share(literal.empty_share)} | {_share(understood.empty_share)} "
        f"| {_share(literal.no_hits_share)} | {_share(understood.no_hits_share)} "
        f"| {_share(literal.crisis_first_share)} | {_share(understood.crisis_first_share)} "
        f"| {understood.ceiling:.2f} |"
    )


_SIDE_BY_SIDE: Final = (
    "| | queries | p@5 literal | p@5 understood | empty literal | empty understood "
    "| no hits literal | no hits understood | crisis first literal | crisis first understood "
    "| p@5 ceiling |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def _targets(understood: Measures) -> list[str]:
    met = [
        (f"precision@5 >= {TARGET_PRECISION:.2f}", understood.precision >= TARGET_PRECISION),
        ("no empty answer", understood.empty_share == 0),
        ("crisis line first for every crisis phrase", understood.crisis_first_share in (1.0, None)),
    ]
    lines = [f"- {name}: {'met' if ok else '**not met**'}" for name, ok in met]
    share = understood.precision / understood.ceiling if understood.ceiling else 0.0
    lines.append(
        f"- for reference, the ceiling the seed data allows is {understood.ceiling:.2f}: the "
        f"understood search reaches {share:.0%} of it"
    )
    return lines


def _variants_table(variants: Sequence[Variant]) -> list[str]:
    lines = [
        "| variant | p@5 literal | p@5 understood | empty literal | empty understood "
        "| crisis first understood |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for variant in variants:
        literal = measures(in_mode(variant.answers, "literal"))
        understood = measures(in_mode(variant.answers, "understood"))
        name = f"**{variant.name}** (the contract)" if variant.in_contract else variant.name
        lines.append(
            f"| {name} | {literal.precision:.3f} | {understood.precision:.3f} "
            f"| {_share(literal.empty_share)} | {_share(understood.empty_share)} "
            f"| {_share(understood.crisis_first_share)} |"
        )
    return lines


def _worst_lines(answers: Sequence[Answer]) -> list[str]:
    lines = [
        "| mode | q | near | p@5 | ceiling | what came first |",
        "|---|---|---|---:|---:|---|",
    ]
    for a in worst(answers):
        status = "" if a.status == 200 else f" (HTTP {a.status})"
        first = "; ".join(a.top[:3]) or "nothing" + status
        if a.crisis_first is False:
            first = "no crisis line first: " + first
        q = a.q.replace("|", "\\|")
        lines.append(
            f"| {a.mode} | `{q}` | {a.near or ''} | {a.precision:.1f} | {a.ceiling:.1f} | {first} |"
        )
    return lines


def render(report: Report) -> str:
    """docs/search-quality.md."""
    chosen = next(v for v in report.variants if v.in_contract)
    literal = in_mode(chosen.answers, "literal")
    understood = in_mode(chosen.answers, "understood")
    literal_tags, understood_tags = by_tag(literal), by_tag(understood)
    facts, cost = report.index, report.cost
    lines = [
        "# Search quality",
        "",
        "Measured by `make eval` (`bench/eval.py`): the seed data indexed by the real indexer",
        "into a fresh local Meilisearch, then every phrasing of the judged set",
        "(`tests/data/search_eval/`, see its README) asked of the real app twice, as typed with",
        "`literal=true` and understood (the default). Generated; do not edit by hand: run",
        "`make eval` again (`EVAL_ARGS=--only-contract` skips the settings variants).",
        "",
        f"- date: {report.date}",
        f"- commit: {report.commit}",
        f"- Meilisearch: {report.meilisearch}",
        f"- phrasings: {report.queries}",
        f"- index: {facts.documents} documents, database {facts.database_bytes / 1e6:.1f} MB "
        f"(documents {facts.document_db_bytes / 1e6:.1f} MB), "
        f"{facts.keywords_per_document:.1f} keywords per document, "
        f"indexed in {facts.indexing_s:.1f} s",
        "",
        "A result is judged on what the person meets first: the response's crisis block (its",
        "lines) when it has one, then the hits. precision@5 counts missing places in the top",
        "five as misses. An answer is empty when it leaves the person with nothing to act on:",
        "no hit, no crisis line and no labelled alternative (an HTTP error is an empty",
        'answer); "no hits" counts the answers without a hit or crisis line, alternatives or not.',
        "",
        "The p@5 ceiling is what a perfect ranking could reach on this data: for each phrasing,",
        "the relevant listings among a search for exactly what its judgment asks (the API's",
        "filters for it, near the place the person gave or named, at the default radius), at",
        "most five, over five. Where the seed data holds nothing relevant within reach (no harm",
        "reduction or detox listing near Philadelphia, no Al-Anon meeting anywhere), the ceiling",
        "is below 1 and no understanding can lift precision above it; docs/coverage.md says",
        "where the data is thin.",
        "",
        "## Overall, and by tag",
        "",
        _SIDE_BY_SIDE,
        _row("**all**", measures(literal), measures(understood)),
    ]
    for tag, group in understood_tags.items():
        lines.append(_row(tag, measures(literal_tags.get(tag, [])), measures(group)))
    lines += ["", "Targets, for the understood search:", *_targets(measures(understood))]
    lines += [
        "",
        "## Variants of the index and search settings",
        "",
        "Each variant is the same index with other settings (stop words, localized attributes)",
        "and the search's `matchingStrategy`, measured in the same run on the same phrasings.",
        "The contract holds the variant in bold.",
        "",
        *_variants_table(report.variants),
        "",
        "## Cost of understanding",
        "",
        f"- search round trip through the app, p50: literal {cost.literal_p50_ms:.1f} ms, "
        f"understood {cost.understood_p50_ms:.1f} ms",
        f"- `understand()` alone, p50 {cost.understand_p50_us:.0f} us, "
        f"p90 {cost.understand_p90_us:.0f} us (budget: under 1 ms at p50)",
        "",
        "## Worst answers",
        "",
        "Crisis misses first, then empty answers, then the lowest precision@5 (contract variant).",
        "",
        *_worst_lines(understood + literal),
        "",
    ]
    return "\n".join(lines)
