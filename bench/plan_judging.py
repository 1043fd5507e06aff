"""The plan personas (tests/data/plan_eval/): loading them and judging picks (pure).

A persona's expectation for a section says what a counsellor would accept as a pick;
`meets(expect, hit)` says whether one listing, as the API returns it, is such a thing.
`judge_pick` adds the plan's own label: a miss is a *labelled relaxation* when the pick
names a relaxed answer and its section says what was relaxed, else an *unlabelled miss*.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final, Literal

import msgspec

PLAN_EVAL_DIR: Final = Path(__file__).resolve().parent.parent / "tests" / "data" / "plan_eval"
PERSONAS_PATH: Final = PLAN_EVAL_DIR / "personas.toml"
SECTIONS: Final = ("talk_now", "tonight", "peer", "care", "family", "stay")
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# Needs a venue: moot for a listing attended only online or by phone.
PHYSICAL: Final = frozenset({"wheelchair", "accessible_bathroom", "fragrance_free"})
Verdict = Literal["meets", "labelled", "unlabelled"]


class Expect(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What a good pick of one section is, against the fields of a listing."""

    kind: list[str] | None = None
    needs_any: list[str] | None = None
    languages_any: list[str] | None = None
    communities_any: list[str] | None = None
    attendance_any: list[str] | None = None
    costs_any: list[str] | None = None
    accessibility_all: list[str] | None = None
    starts_between: tuple[str, str] | None = None
    days_any: list[str] | None = None
    max_km: float | None = None
    states_any: list[str] | None = None


class Persona(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One person: their story, their answers, and what their plan must contain."""

    id: str
    story: str
    at: datetime
    answers: dict[str, str | list[str]]
    required: list[str]
    baseline_q: str
    baseline_section: str
    expect: dict[str, Expect] = msgspec.field(default_factory=dict)


class _File(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    persona: list[Persona]


def load_personas(path: Path = PERSONAS_PATH) -> list[Persona]:
    """The personas, checked against the schema."""
    return msgspec.convert(tomllib.loads(path.read_text(encoding="utf-8")), _File).persona


def _minutes(clock: str) -> int:
    hours, _, mins = clock.partition(":")
    return int(hours) * 60 + int(mins)


def _in_window(start: str, window: tuple[str, str]) -> bool:
    at, begin, end = _minutes(start), _minutes(window[0]), _minutes(window[1])
    return begin <= at < end if begin < end else at >= begin or at < end


def _any(wanted: list[str] | None, values: Any) -> bool:
    return wanted is None or bool(set(wanted) & set(values or ()))


def _times_fit(expect: Expect, hit: Mapping[str, Any]) -> bool:
    if expect.starts_between is None and expect.days_any is None:
        return True
    slots = (hit.get("schedule") or {}).get("slots") or ()
    return any(
        (expect.starts_between is None or _in_window(slot["start"], expect.starts_between))
        and (expect.days_any is None or slot["day"] in expect.days_any)
        for slot in slots
    )


def _serves(states: list[str] | None, hit: Mapping[str, Any]) -> bool:
    if states is None:
        return True
    area = hit.get("service_area") or {}
    if area.get("nationwide") or set(states) & set(area.get("states") or ()):
        return True
    return (hit.get("address") or {}).get("state") in states


def meets(expect: Expect, hit: Mapping[str, Any]) -> bool:
    """Whether a listing is what the persona's expectation for the section asks."""
    attendance = set(hit.get("attendance") or ())
    remote = bool(attendance) and attendance <= {"online", "phone"}
    access = set(expect.accessibility_all or ()) - (PHYSICAL if remote else set())
    distance = hit.get("distance_km")
    return (
        (expect.kind is None or hit.get("kind") in expect.kind)
        and _any(expect.needs_any, hit.get("needs"))
        and _any(expect.languages_any, hit.get("languages"))
        and _any(expect.communities_any, hit.get("communities"))
        and _any(expect.attendance_any, attendance)
        and _any(expect.costs_any, hit.get("costs"))
        and access <= set(hit.get("accessibility") or ())
        and _times_fit(expect, hit)
        and (expect.max_km is None or distance is None or distance <= expect.max_km)
        and _serves(expect.states_any, hit)
    )


def judge_pick(expect: Expect, pick: Mapping[str, Any], section: Mapping[str, Any]) -> Verdict:
    """A pick meets the expectation, or misses it with the plan's label, or without one."""
    if meets(expect, pick["hit"]):
        return "meets"
    if pick.get("relaxed") and section.get("relaxed"):
        return "labelled"
    return "unlabelled"


def query_pairs(persona: Persona) -> list[tuple[str, str]]:
    """The /v1/plan query of a persona, with its instant."""
    pairs: list[tuple[str, str]] = []
    for name, value in persona.answers.items():
        pairs += [(name, v) for v in (value if isinstance(value, list) else [value])]
    return [*pairs, ("at", persona.at.isoformat())]
