"""The evaluation set's schema and the pure judging of hits (bench/search_eval.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bench.search_eval import (
    Judgment,
    ceiling_at_5,
    crisis_first,
    ideal_params,
    judge_top,
    load_queries,
    precision_at_5,
    relevant,
)
from service.contract.documents import FILTER_FIELDS
from service.contract.vocabulary import KINDS, US_STATES

AT = datetime.fromisoformat("2026-12-01T18:00:00-05:00")  # Tuesday 18:00 in Philadelphia
SHELTER: dict[str, Any] = {"kind": "housing", "needs": ["shelter"], "address": {"state": "DC"}}
CLINIC: dict[str, Any] = {"kind": "health_center", "needs": ["primary_care"]}
CRISIS_LINE: dict[str, Any] = {
    "kind": "helpline",
    "needs": ["crisis", "mental_health"],
    "service_area": {"nationwide": True},
}


def meeting(day: str, start: str, zone: str = "America/New_York", **fields: Any) -> dict[str, Any]:
    return {
        "kind": "meeting",
        "needs": ["alcohol", "peer_support"],
        "schedule": {"timezone": zone, "slots": [{"day": day, "start": start}]},
        **fields,
    }


@pytest.mark.parametrize(
    ("judgment", "hit", "expected"),
    [
        (Judgment(needs_any=["shelter"]), SHELTER, True),
        (Judgment(needs_any=["shelter"]), CLINIC, False),
        (Judgment(kind=["housing", "outreach"]), SHELTER, True),
        (Judgment(kind=["meeting"]), SHELTER, False),
        (Judgment(states_any=["DC"]), SHELTER, True),
        (Judgment(states_any=["PA"]), SHELTER, False),
        (Judgment(states_any=["PA"]), CRISIS_LINE, True),
        (Judgment(languages_any=["es"]), meeting("tue", "19:00", languages=["en", "es"]), True),
        (Judgment(languages_any=["es"]), meeting("tue", "19:00"), False),
        (Judgment(attendance_any=["online"]), meeting("tue", "19:00", attendance=["online"]), True),
        # Tonight, venue-local: 19:00 in Philadelphia; 18:30 Pacific is Tuesday there too.
        (Judgment(starts_between=("18:00", "24:00")), meeting("tue", "19:00"), True),
        (Judgment(starts_between=("18:00", "24:00")), meeting("tue", "17:30"), False),
        (Judgment(starts_between=("18:00", "24:00")), meeting("wed", "19:00"), False),
        (
            Judgment(starts_between=("15:00", "24:00")),
            meeting("tue", "15:30", zone="America/Los_Angeles"),
            True,
        ),
        (
            Judgment(starts_between=("06:00", "12:00"), starts_on="tomorrow"),
            meeting("wed", "07:00"),
            True,
        ),
        (
            Judgment(starts_between=("06:00", "12:00"), starts_on="sun"),
            meeting("sun", "07:00"),
            True,
        ),
        (
            Judgment(starts_between=("06:00", "12:00"), starts_on="sun"),
            meeting("sat", "07:00"),
            False,
        ),
        (Judgment(starts_between=("18:00", "24:00")), SHELTER, False),
        (Judgment(crisis_first=True, kind=["helpline"]), CRISIS_LINE, True),
        (Judgment(crisis_first=True, kind=["helpline"]), meeting("tue", "19:00"), False),
    ],
)
def test_relevant(judgment: Judgment, hit: dict[str, Any], expected: bool) -> None:
    assert relevant(judgment, hit, at=AT) is expected


def test_top_five_and_precision() -> None:
    judgment = Judgment(needs_any=["shelter"])
    hits = [SHELTER, CLINIC, SHELTER, SHELTER, CLINIC, SHELTER, SHELTER]
    marks = judge_top(judgment, hits, at=AT)
    assert marks == [True, False, True, True, False]
    assert precision_at_5(marks) == 0.6
    assert precision_at_5(judge_top(judgment, [SHELTER], at=AT)) == 0.2
    assert precision_at_5([]) == 0.0


def test_crisis_first() -> None:
    assert crisis_first([CRISIS_LINE, SHELTER])
    assert not crisis_first([SHELTER, CRISIS_LINE])
    assert not crisis_first([])


def test_the_set_is_large_and_covers_what_people_type() -> None:
    queries = load_queries()
    assert len(queries) >= 130
    assert len({(q.q, q.near) for q in queries}) == len(queries)
    assert sum(q.lang == "es" for q in queries) >= 30
    tags = {tag for q in queries for tag in q.tags}
    assert {"crisis", "time", "place", "situation", "typo", "fellowship", "substance"} <= tags
    assert all(q.judgment.crisis_first for q in queries if "crisis" in q.tags)
    assert all(q.at.utcoffset() is not None for q in queries)


def test_judgments_use_real_codes() -> None:
    codes = {f.attribute: f.vocabulary.codes for f in FILTER_FIELDS}
    for query in load_queries():
        j = query.judgment
        assert set(j.kind or ()) <= KINDS.codes
        assert set(j.needs_any or ()) <= codes["needs"]
        assert set(j.languages_any or ()) <= codes["languages"]
        assert set(j.attendance_any or ()) <= codes["attendance"]
        assert set(j.communities_any or ()) <= codes["communities"]
        assert set(j.accessibility_any or ()) <= codes["accessibility"]
        assert set(j.costs_any or ()) <= codes["costs"]
        assert set(j.states_any or ()) <= US_STATES
        assert j.starts_on in {"today", "tomorrow", "mon", "tue", "wed", "thu", "fri", "sat", "sun"}


@pytest.mark.parametrize(
    ("judgment", "pairs"),
    [
        (Judgment(crisis_first=True), [("kind", "helpline"), ("need", "crisis")]),
        (
            Judgment(kind=["meeting"], needs_any=["alcohol"], starts_between=("18:00", "24:00")),
            [("kind", "meeting"), ("need", "alcohol"), ("time_from", "18:00"), ("day", "tue")],
        ),
        (
            Judgment(
                needs_any=["shelter"], starts_between=("06:00", "12:00"), starts_on="tomorrow"
            ),
            [("need", "shelter"), ("time_from", "06:00"), ("time_to", "12:00"), ("day", "wed")],
        ),
        (
            Judgment(costs_any=["medicaid"], languages_any=["es"]),
            [("language", "es"), ("cost", "medicaid")],
        ),
    ],
)
def test_ideal_params(judgment: Judgment, pairs: list[tuple[str, str]]) -> None:
    tuesday = AT
    assert ideal_params(judgment, tuesday) == pairs


def test_ceiling_counts_at_most_five_relevant() -> None:
    tuesday = AT
    judgment = Judgment(needs_any=["shelter"])
    shelters = [{"kind": "housing", "needs": ["shelter"]}] * 7
    other = [{"kind": "meeting", "needs": ["alcohol"]}] * 3
    assert ceiling_at_5(judgment, shelters, at=tuesday) == 1.0
    assert ceiling_at_5(judgment, other + shelters[:2], at=tuesday) == 0.4
    assert ceiling_at_5(judgment, [], at=tuesday) == 0.0
