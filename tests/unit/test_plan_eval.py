"""The plan personas' schema and the pure judging of picks (bench/plan_judging.py)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from bench.plan_batching import Batching
from bench.plan_judging import SECTIONS, Expect, judge_pick, load_personas, meets, query_pairs
from bench.plan_report import Outcome, PlanReport, SectionOutcome, render
from service.contract.vocabulary import (
    ACCESSIBILITY,
    ATTENDANCE,
    COMMUNITIES,
    COSTS,
    KINDS,
    LANGUAGES,
    NEEDS,
)
from service.plan.answers import read_answers

PERSONAS = load_personas()


def test_there_are_enough_personas_with_distinct_ids() -> None:
    assert len(PERSONAS) >= 25
    assert len({p.id for p in PERSONAS}) == len(PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS, ids=[p.id for p in PERSONAS])
def test_persona_is_well_formed(persona: Any) -> None:
    query: dict[str, list[str]] = {}
    for name, value in query_pairs(persona):
        query.setdefault(name, []).append(value)
    read_answers(query)  # every answer is one the plan accepts
    assert set(persona.required) <= set(SECTIONS)
    assert persona.baseline_section in SECTIONS
    assert set(persona.expect) <= set(SECTIONS)
    assert "talk_now" in persona.required
    vocabularies = [
        ("kind", KINDS),
        ("needs_any", NEEDS),
        ("languages_any", LANGUAGES),
        ("communities_any", COMMUNITIES),
        ("attendance_any", ATTENDANCE),
        ("costs_any", COSTS),
        ("accessibility_all", ACCESSIBILITY),
    ]
    for expect in persona.expect.values():
        for field, vocabulary in vocabularies:
            assert set(getattr(expect, field) or ()) <= vocabulary.codes, field


MEETING: dict[str, Any] = {
    "kind": "meeting",
    "needs": ["alcohol"],
    "languages": ["es"],
    "attendance": ["in_person"],
    "accessibility": ["wheelchair"],
    "distance_km": 4.0,
    "schedule": {"slots": [{"day": "sat", "start": "23:30"}]},
}


@pytest.mark.parametrize(
    ("expect", "hit", "expected"),
    [
        (Expect(), MEETING, True),
        (Expect(kind=["treatment"]), MEETING, False),
        (Expect(languages_any=["es", "pt"]), MEETING, True),
        (Expect(languages_any=["pt"]), MEETING, False),
        (Expect(accessibility_all=["wheelchair", "sign_language"]), MEETING, False),
        (
            Expect(accessibility_all=["wheelchair"]),
            MEETING | {"attendance": ["online"], "accessibility": []},
            True,
        ),
        (Expect(starts_between=("22:00", "06:00")), MEETING, True),
        (Expect(starts_between=("17:00", "22:00")), MEETING, False),
        (Expect(days_any=["sat", "sun"]), MEETING, True),
        (Expect(days_any=["mon"]), MEETING, False),
        (Expect(max_km=3.0), MEETING, False),
        (Expect(max_km=3.0), MEETING | {"distance_km": None}, True),
        (Expect(costs_any=["medicaid"]), MEETING, False),
    ],
)
def test_meets(expect: Expect, hit: dict[str, Any], expected: bool) -> None:
    assert meets(expect, hit) is expected


@pytest.mark.parametrize(
    ("pick", "section", "verdict"),
    [
        ({"hit": MEETING, "relaxed": []}, {"relaxed": []}, "meets"),
        (
            {"hit": MEETING | {"languages": ["en"]}, "relaxed": ["language"]},
            {"relaxed": [{"en": "x"}]},
            "labelled",
        ),
        ({"hit": MEETING | {"languages": ["en"]}, "relaxed": []}, {"relaxed": []}, "unlabelled"),
        (
            {"hit": MEETING | {"languages": ["en"]}, "relaxed": ["language"]},
            {"relaxed": []},
            "unlabelled",
        ),
    ],
)
def test_judge_pick(pick: dict[str, Any], section: dict[str, Any], verdict: str) -> None:
    assert judge_pick(Expect(languages_any=["es"]), pick, section) == verdict


def test_report_renders_counts() -> None:
    persona = PERSONAS[0]
    outcome = Outcome(
        persona=persona,
        status="ok",
        sections=[
            SectionOutcome(
                id="talk_now",
                picks=[("Line", "Spanish", "meets"), ("Other", "", "labelled")],
                notes=["None in Spanish"],
                alternatives=[],
                judged=True,
            )
        ],
        crisis_first=True,
        baseline_meets=1,
        baseline_judged=3,
        plan_ms=80.0,
        search_ms=20.0,
    )
    text = render(
        PlanReport(date="d", commit="c", meilisearch="1.21.0", rounds=5, outcomes=[outcome])
    )
    assert "| **unlabelled misses** (a stated answer broken without a label) | **0** |" in text
    assert "| labelled relaxations | 1 (50 %) |" in text
    assert "| plan p50 (median of the personas' medians) | 80 ms |" in text
    assert "## One multi-search per step" not in text
    batched = msgspec.structs.replace(
        outcome,
        batching=Batching(
            alone_ms=120.0,
            batched_ms=110.0,
            alone_round_trips=90,
            batched_round_trips=9,
            batched_requests=40,
            same=True,
        ),
    )
    text = render(
        PlanReport(date="d", commit="c", meilisearch="1.21.0", rounds=5, outcomes=[batched])
    )
    assert "| plan p50 (median of the personas' medians) | 120 ms | 110 ms |" in text
    assert "| POSTs to Meilisearch per plan (median) | 90 | 40 |" in text
    assert "| round trips one after another per plan (median) | - | 9 |" in text
    assert f"| {persona.id} | 120 | 110 | 90 | 40 | 9 | yes |" in text


@pytest.mark.parametrize(
    ("hit", "expected"),
    [
        ({"address": {"state": "NY"}}, True),
        ({"address": {"state": "CA"}}, False),
        ({"service_area": {"states": ["CA", "NY"]}}, True),
        ({"service_area": {"states": ["CA"]}}, False),
        ({"service_area": {"nationwide": True}}, True),
    ],
)
def test_states_any(hit: dict[str, Any], expected: bool) -> None:
    assert meets(Expect(states_any=["NY"]), hit) is expected
