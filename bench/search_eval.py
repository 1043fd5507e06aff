"""The judged evaluation set (tests/data/search_eval/): loading it and judging hits (pure).

A judgment says what would help the person; `relevant(judgment, hit, at=...)` says whether
one hit, as the search API returns it, is such a thing. Every stated criterion must hold;
inside a list any value will do. `judge_top` marks the first five hits, and `precision_at_5`
counts missing places in the top five as not relevant, so a thin answer scores low.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Final
from zoneinfo import ZoneInfo

import msgspec

EVAL_DIR: Final = Path(__file__).resolve().parent.parent / "tests" / "data" / "search_eval"
QUERIES_PATH: Final = EVAL_DIR / "queries.toml"
TOP: Final = 5
WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Judgment(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """What would help the person, against the fields of a hit."""

    kind: list[str] | None = None
    needs_any: list[str] | None = None
    languages_any: list[str] | None = None
    attendance_any: list[str] | None = None
    communities_any: list[str] | None = None
    accessibility_any: list[str] | None = None
    costs_any: list[str] | None = None
    states_any: list[str] | None = None
    # Venue-local "HH:MM" [from, to) on the day `starts_on` names: "today" (the day of `at`
    # in the venue's zone), "tomorrow", or a weekday code.
    starts_between: tuple[str, str] | None = None
    starts_on: str = "today"
    crisis_first: bool = False


class Query(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One phrasing, where and when it was typed, and its judgment."""

    q: str
    at: datetime
    lang: str
    tags: list[str]
    judgment: Judgment
    near: str | None = None


class _File(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    query: list[Query]


def load_queries(path: Path = QUERIES_PATH) -> list[Query]:
    """The evaluation set's queries, checked against the schema."""
    return msgspec.convert(tomllib.loads(path.read_text(encoding="utf-8")), _File).query


_FILTER_PARAMS: Final = (
    ("kind", "kind"),
    ("needs_any", "need"),
    ("languages_any", "language"),
    ("attendance_any", "attendance"),
    ("communities_any", "community"),
    ("accessibility_any", "accessibility"),
    ("costs_any", "cost"),
)


def ideal_params(judgment: Judgment, at: datetime) -> list[tuple[str, str]]:
    """The search API filters that ask for what the judgment calls relevant (as far as the
    API can say it: states and the venue's own day are judged on the hits)."""
    if judgment.crisis_first:
        return [("kind", "helpline"), ("need", "crisis")]
    pairs = [
        (param, code) for field, param in _FILTER_PARAMS for code in getattr(judgment, field) or ()
    ]
    if judgment.starts_between is not None:
        low, high = judgment.starts_between
        pairs.append(("time_from", low))
        if high != "24:00":
            pairs.append(("time_to", high))
        if judgment.starts_on in WEEKDAYS:
            pairs.append(("day", judgment.starts_on))
        else:
            shift = 1 if judgment.starts_on == "tomorrow" else 0
            pairs.append(("day", WEEKDAYS[(at + timedelta(days=shift)).weekday()]))
    return pairs


def ceiling_at_5(judgment: Judgment, hits: Sequence[Mapping[str, Any]], *, at: datetime) -> float:
    """The best precision@5 any ranking could reach: relevant hits among `hits` (a search for
    exactly what the judgment asks, within the search's own reach), at most five, over five."""
    found = sum(relevant(judgment, hit, at=at) for hit in hits)
    return min(TOP, found) / TOP


def is_crisis_line(hit: Mapping[str, Any]) -> bool:
    """Whether a hit is a crisis line: a helpline for crisis support."""
    return hit.get("kind") == "helpline" and "crisis" in (hit.get("needs") or ())


def relevant(judgment: Judgment, hit: Mapping[str, Any], *, at: datetime) -> bool:
    """Whether the hit is what the judgment says would help."""
    if judgment.crisis_first:
        return is_crisis_line(hit)
    if judgment.kind is not None and hit.get("kind") not in judgment.kind:
        return False
    for wanted, field in (
        (judgment.needs_any, "needs"),
        (judgment.languages_any, "languages"),
        (judgment.attendance_any, "attendance"),
        (judgment.communities_any, "communities"),
        (judgment.accessibility_any, "accessibility"),
        (judgment.costs_any, "costs"),
    ):
        if wanted is not None and not set(wanted) & set(hit.get(field) or ()):
            return False
    if judgment.states_any is not None and not _in_states(hit, judgment.states_any):
        return False
    return judgment.starts_between is None or _starts_between(judgment, hit, at)


def judge_top(judgment: Judgment, hits: Sequence[Mapping[str, Any]], *, at: datetime) -> list[bool]:
    """Relevance of each of the first five hits."""
    return [relevant(judgment, hit, at=at) for hit in hits[:TOP]]


def precision_at_5(marks: Sequence[bool]) -> float:
    """Relevant hits in the top five over five (fewer than five hits count as misses)."""
    return sum(marks[:TOP]) / TOP


def crisis_first(hits: Sequence[Mapping[str, Any]]) -> bool:
    """Whether the answer opens with a crisis line."""
    return bool(hits) and is_crisis_line(hits[0])


def _in_states(hit: Mapping[str, Any], states: Sequence[str]) -> bool:
    address = hit.get("address") or {}
    if address.get("state") in states:
        return True
    area = hit.get("service_area") or {}
    return bool(area.get("nationwide")) or bool(set(area.get("states") or ()) & set(states))


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _starts_between(judgment: Judgment, hit: Mapping[str, Any], at: datetime) -> bool:
    if judgment.starts_between is None:
        return True
    schedule = hit.get("schedule") or {}
    zone = schedule.get("timezone")
    local = at.astimezone(ZoneInfo(zone)) if zone else at
    if judgment.starts_on in WEEKDAYS:
        day = judgment.starts_on
    else:
        shift = 1 if judgment.starts_on == "tomorrow" else 0
        day = WEEKDAYS[(local + timedelta(days=shift)).weekday()]
    low, high = (_minutes(c) for c in judgment.starts_between)
    return any(
        slot.get("day") == day and low <= _minutes(slot.get("start", "99:99")) < high
        for slot in schedule.get("slots") or ()
    )
