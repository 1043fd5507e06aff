"""The evaluation's pure parts (bench/eval_report.py): judging answers, sums, the report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bench.eval_report import (
    Answer,
    Cost,
    IndexFacts,
    Mode,
    Report,
    Variant,
    answer_of,
    by_tag,
    measures,
    render,
    shown_results,
    worst,
)
from bench.search_eval import Judgment, Query

AT = datetime.fromisoformat("2026-12-01T18:00:00-05:00")
SHELTER: dict[str, Any] = {"kind": "housing", "name": "Night Shelter", "needs": ["shelter"]}
CLINIC: dict[str, Any] = {"kind": "health_center", "name": "A Place Clinic", "needs": []}
CRISIS_LINE: dict[str, Any] = {"kind": "helpline", "name": "988", "needs": ["crisis"]}
MEETING: dict[str, Any] = {"kind": "meeting", "name": "Hope Group", "needs": ["alcohol"]}


def query(q: str, judgment: Judgment, tags: list[str] | None = None) -> Query:
    return Query(q=q, at=AT, lang="en", tags=tags or ["situation"], judgment=judgment)


STAY = query("a place to stay tonight", Judgment(needs_any=["shelter"]), ["situation", "time"])
KILL = query("i want to kill myself", Judgment(crisis_first=True), ["crisis"])


def answer(
    q: Query, hits: list[dict[str, Any]], *, mode: Mode = "understood", **body: Any
) -> Answer:
    return answer_of(q, mode, 200, {"hits": hits, **body}, ms=5.0)


@pytest.mark.parametrize(
    ("q", "hits", "body", "precision", "empty", "first"),
    [
        (STAY, [SHELTER] * 5, {}, 1.0, False, None),
        (STAY, [CLINIC, SHELTER], {}, 0.2, False, None),
        (STAY, [], {}, 0.0, True, None),
        (KILL, [MEETING, CRISIS_LINE], {}, 0.2, False, False),
        (KILL, [CRISIS_LINE, MEETING], {}, 0.2, False, True),
        # The crisis block comes before the hits, as the person meets it.
        (KILL, [MEETING], {"crisis": {"lines": [CRISIS_LINE]}}, 0.2, False, True),
        (KILL, [], {"crisis": [CRISIS_LINE, CRISIS_LINE]}, 0.4, False, True),
    ],
)
def test_answers_are_judged_on_what_comes_first(
    q: Query,
    hits: list[dict[str, Any]],
    body: dict[str, Any],
    precision: float,
    empty: bool,
    first: bool | None,
) -> None:
    judged = answer(q, hits, **body)
    assert (judged.precision, judged.empty, judged.crisis_first) == (precision, empty, first)


def test_alternatives_leave_an_answer_without_hits_not_empty() -> None:
    offered = [{"type": "farther", "hits": [SHELTER]}]
    judged = answer(STAY, [], alternatives=offered)
    assert (judged.empty, judged.no_hits, judged.precision) == (False, True, 0.0)
    assert answer(STAY, [], alternatives=[{"type": "farther", "hits": []}]).empty


def test_an_error_is_an_empty_answer() -> None:
    judged = answer_of(STAY, "literal", 400, None, ms=1.0)
    assert (judged.empty, judged.precision, judged.status, judged.top) == (True, 0.0, 400, ())


def test_shown_results_put_crisis_lines_first() -> None:
    body = {"hits": [MEETING], "crisis": {"lines": [CRISIS_LINE]}}
    assert shown_results(body) == [CRISIS_LINE, MEETING]
    assert shown_results(None) == []


def test_measures_sum_up_precision_emptiness_and_crisis() -> None:
    answers = [
        answer(STAY, [SHELTER] * 5),
        answer(STAY, []),
        answer(KILL, [CRISIS_LINE]),
        answer(KILL, [MEETING]),
    ]
    summed = measures(answers)
    assert summed.count == 4
    assert summed.precision == pytest.approx((1.0 + 0.0 + 0.2 + 0.0) / 4)
    assert summed.empty_share == summed.no_hits_share == 0.25
    assert (summed.crisis_count, summed.crisis_first_share) == (2, 0.5)
    assert measures([]).crisis_first_share is None


def test_answers_group_by_every_tag() -> None:
    groups = by_tag([answer(STAY, []), answer(KILL, [])])
    assert list(groups) == ["crisis", "situation", "time"]
    assert [a.q for a in groups["time"]] == [STAY.q]


def test_worst_lists_crisis_misses_then_empty_then_low_precision() -> None:
    perfect = answer(STAY, [SHELTER] * 5)
    low = answer(STAY, [CLINIC, SHELTER])
    empty = answer(STAY, [])
    missed = answer(KILL, [MEETING])
    assert worst([perfect, low, empty, missed]) == [missed, empty, low]


def report(variants: tuple[Variant, ...]) -> Report:
    return Report(
        date="2026-12-02 08:00 UTC",
        commit="abc1234",
        meilisearch="1.21.0",
        queries=2,
        index=IndexFacts(
            documents=100,
            database_bytes=2_000_000,
            document_db_bytes=1_000_000,
            keywords_per_document=12.5,
            indexing_s=3.2,
        ),
        variants=variants,
        cost=Cost(
            literal_p50_ms=4.0, understood_p50_ms=4.5, understand_p50_us=80, understand_p90_us=150
        ),
    )


def test_the_report_puts_literal_and_understood_side_by_side() -> None:
    chosen = Variant(
        name="stop words, matching last",
        in_contract=True,
        answers=(
            answer(STAY, [CLINIC], mode="literal"),
            answer(STAY, [SHELTER] * 5),
            answer(KILL, [MEETING], mode="literal"),
            answer(KILL, [CRISIS_LINE] * 5),
        ),
    )
    other = Variant(name="no stop words, matching last", answers=chosen.answers[:2])
    text = render(report((chosen, other)))
    assert "- commit: abc1234" in text
    assert "- date: 2026-12-02 08:00 UTC" in text
    assert "| **all** | 2 | 0.00 | 1.00 | 0% | 0% | 0% | 0% | 0% | 100% |" in text
    assert "| crisis | 1 | 0.00 | 1.00 | 0% | 0% | 0% | 0% | 0% | 100% |" in text
    assert "| **stop words, matching last** (the contract) |" in text
    assert "| no stop words, matching last |" in text
    assert "- precision@5 >= 0.90: met" in text
    assert "literal 4.0 ms, understood 4.5 ms" in text
    assert "| literal | `i want to kill myself` |  | 0.0 | 1.0 | no crisis line first:" in text


def test_the_report_says_which_targets_are_not_met() -> None:
    chosen = Variant(
        name="the contract",
        in_contract=True,
        answers=(answer(STAY, [], mode="literal"), answer(STAY, [])),
    )
    text = render(report((chosen,)))
    assert "- no empty answer: **not met**" in text
    assert "- precision@5 >= 0.90: **not met**" in text
    assert "| understood | `a place to stay tonight` |  | 0.0 | 1.0 | nothing |" in text
