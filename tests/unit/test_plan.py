"""The plan's pure parts: reading answers, sections, what a pick breaks, choosing, reasons.

The hits here are invented edge cases (names, times and distances chosen to exercise one rule
each), not records of any source.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import msgspec
import pytest

from service.contract.documents import Provenance, Schedule, SearchHit, TimeSlot
from service.errors import BadParameterError
from service.plan.answers import PlanAnswers, answer_pairs, read_answers
from service.plan.calendar import plan_calendar
from service.plan.choosing import choose
from service.plan.reasons import km_text, reasons, relaxed_note, start_text
from service.plan.relaxing import Attempt, attempts
from service.plan.requests import search_requests
from service.plan.sections import (
    care_wanted,
    peer_wanted,
    section_specs,
    stay_wanted,
)
from service.plan.wanted import Wanted, Window, broken, fits_times

_PROVENANCE = Provenance(source="test", source_name="Invented", source_record_id="x")


def hit(name: str = "Group", **fields: Any) -> SearchHit:
    """An invented hit; `slots` is a list of (day, start)."""
    slots = fields.pop("slots", None)
    if slots is not None:
        fields["schedule"] = Schedule(
            timezone="America/New_York",
            slots=tuple(TimeSlot(day=d, start=s) for d, s in slots),
        )
    values: dict[str, Any] = {
        "id": name.lower().replace(" ", "-"),
        "kind": "meeting",
        "name": name,
        "status": "active",
        "provenance": _PROVENANCE,
    }
    return SearchHit(**(values | fields))


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, PlanAnswers()),
        ({"who": ["someone"]}, PlanAnswers(who="someone")),
        (
            {"concern": ["opioids,alcohol", "opioids"], "time": ["evening"]},
            PlanAnswers(concern=("opioids", "alcohol"), time=("evening",)),
        ),
        ({"language": ["es"], "near": [" 19103 "]}, PlanAnswers(language="es", near="19103")),
        (
            {"radius_km": ["10"], "payment": ["", "medicaid"]},
            PlanAnswers(radius_km=10.0, payment=("medicaid",)),
        ),
        ({"unknown": ["x"], "who": [""]}, PlanAnswers()),
    ],
)
def test_read_answers(query: dict[str, list[str]], expected: PlanAnswers) -> None:
    assert read_answers(query) == expected


@pytest.mark.parametrize(
    ("query", "parameter", "allowed"),
    [
        ({"who": ["everyone"]}, "who", ["me", "someone"]),
        ({"time": ["noon"]}, "time", ["morning", "afternoon", "evening", "late_night"]),
        (
            {"payment": ["cash"]},
            "payment",
            ["medicaid", "medicare", "private_insurance", "free", "sliding_scale"],
        ),
        ({"who": ["me", "someone"]}, "who", []),
        ({"radius_km": ["0"]}, "radius_km", []),
        ({"radius_km": ["far"]}, "radius_km", []),
        ({"language": ["klingon"]}, "language", None),
    ],
)
def test_bad_answers_name_the_parameter(
    query: dict[str, list[str]], parameter: str, allowed: list[str] | None
) -> None:
    with pytest.raises(BadParameterError) as caught:
        read_answers(query)
    assert caught.value.parameter == parameter
    if allowed is not None:
        assert list(caught.value.allowed) == allowed
    if allowed:
        assert ", ".join(allowed) in caught.value.detail


def test_answer_pairs_ask_for_the_same_answers() -> None:
    answers = PlanAnswers(who="me", concern=("alcohol", "opioids"), radius_km=10.0, near="19103")
    pairs = answer_pairs(answers)
    assert pairs == [
        ("who", "me"),
        ("concern", "alcohol"),
        ("concern", "opioids"),
        ("near", "19103"),
        ("radius_km", "10"),
    ]
    query: dict[str, list[str]] = {}
    for key, value in pairs:
        query.setdefault(key, []).append(value)
    assert read_answers(query) == answers


@pytest.mark.parametrize(
    ("answers", "order"),
    [
        (PlanAnswers(), ["talk_now", "tonight", "peer", "care", "family"]),
        (PlanAnswers(who="someone"), ["talk_now", "family", "tonight", "peer", "care"]),
        (
            PlanAnswers(concern=("no_safe_place",)),
            ["talk_now", "stay", "tonight", "peer", "care", "family"],
        ),
        (
            PlanAnswers(who="someone", support=("housing",)),
            ["talk_now", "stay", "family", "tonight", "peer", "care"],
        ),
    ],
)
def test_sections_order(answers: PlanAnswers, order: list[str]) -> None:
    assert [s.id for s in section_specs(answers)] == order


def test_peer_wanted_from_answers() -> None:
    answers = PlanAnswers(
        concern=("opioids",),
        support=("secular",),
        language="es",
        community=("women",),
        accessibility=("wheelchair",),
        attend=("in_person",),
        radius_km=10.0,
        time=("evening",),
        days=("weekdays",),
        near="19103",
    )
    assert peer_wanted(answers) == Wanted(
        kinds=("meeting",),
        needs=("drugs", "opioids", "substance_use"),
        languages=("es",),
        communities=("women",),
        group_communities=("secular",),
        accessibility=("wheelchair",),
        attendance=("in_person", "hybrid"),
        windows=(Window(start="17:00", end="22:00"),),
        days=("mon", "tue", "wed", "thu", "fri"),
        near="19103",
        radius_km=10.0,
    )


@pytest.mark.parametrize(
    ("answers", "kinds", "needs", "costs", "radius_km"),
    [
        (PlanAnswers(), ("telehealth",), (), (), None),
        (PlanAnswers(near="19103"), ("treatment", "telehealth"), (), (), 25.0),
        (
            PlanAnswers(near="19103", support=("medication",), payment=("medicaid",)),
            ("treatment", "telehealth"),
            ("moud",),
            ("medicaid",),
            25.0,
        ),
        (
            PlanAnswers(near="19103", attend=("online",), concern=("alcohol",), payment=("free",)),
            ("telehealth",),
            ("alcohol", "substance_use"),
            ("free", "sliding_scale", "payment_assistance"),
            None,
        ),
    ],
)
def test_care_wanted(
    answers: PlanAnswers,
    kinds: tuple[str, ...],
    needs: tuple[str, ...],
    costs: tuple[str, ...],
    radius_km: float | None,
) -> None:
    wanted = care_wanted(answers)
    assert (wanted.kinds, wanted.needs, wanted.costs, wanted.radius_km) == (
        kinds,
        needs,
        costs,
        radius_km,
    )


def test_attempts_relax_one_answer_at_a_time() -> None:
    wanted = peer_wanted(
        PlanAnswers(
            language="es", attend=("in_person",), near="19103", radius_km=10.0, time=("evening",)
        )
    )
    found = attempts(wanted, ("online", "farther", "any_time", "community", "language"))
    assert [(a.step, sorted(a.relaxed)) for a in found] == [
        (None, []),
        ("online", ["attendance", "radius"]),
        ("any_time", ["attendance", "radius", "time"]),
        ("language", ["attendance", "language", "radius", "time"]),
    ]
    assert found[1].wanted.attendance == ("online",)
    assert found[1].wanted.radius_km is None


def test_farther_before_online_widens_the_radius() -> None:
    wanted = stay_wanted(PlanAnswers(near="20001", radius_km=10.0))
    found = attempts(wanted, ("farther",))
    assert [a.wanted.radius_km for a in found] == [10.0, 40.0]


@pytest.mark.parametrize(
    ("slots", "windows", "days", "fits"),
    [
        ([("tue", "19:00")], [("17:00", "22:00")], (), True),
        ([("tue", "10:00")], [("17:00", "22:00")], (), False),
        ([("sat", "19:00")], [("17:00", "22:00")], ("mon", "tue", "wed", "thu", "fri"), False),
        ([("sat", "19:00")], [], ("sat", "sun"), True),
        # Late night runs past midnight and belongs to the day it starts.
        ([("sat", "01:00")], [("22:00", "06:00")], ("mon", "tue", "wed", "thu", "fri"), True),
        ([("mon", "01:00")], [("22:00", "06:00")], ("mon", "tue", "wed", "thu", "fri"), False),
        ([("fri", "23:30")], [("22:00", "06:00")], ("sat", "sun"), False),
        ([], [("06:00", "12:00")], (), False),
        ([], [], (), True),
    ],
)
def test_fits_times(
    slots: list[tuple[str, str]], windows: list[tuple[str, str]], days: tuple[str, ...], fits: bool
) -> None:
    wanted = Wanted(windows=tuple(Window(start=a, end=b) for a, b in windows), days=days)  # type: ignore[arg-type]
    assert fits_times(hit(slots=slots), wanted) is fits


@pytest.mark.parametrize(
    ("fields", "wanted", "expected"),
    [
        ({}, Wanted(), set()),
        ({"languages": ("en",)}, Wanted(languages=("es",)), {"language"}),
        ({"communities": ("women",)}, Wanted(communities=("women", "lgbtq")), set()),
        (
            {"accessibility": ("wheelchair",)},
            Wanted(accessibility=("wheelchair", "sign_language")),
            {"accessibility"},
        ),
        # Wheelchair access means nothing for a meeting held online only.
        ({"attendance": ("online",)}, Wanted(accessibility=("wheelchair",)), set()),
        ({"attendance": ("hybrid",)}, Wanted(attendance=("in_person",)), set()),
        ({"attendance": ("online",)}, Wanted(attendance=("in_person", "hybrid")), {"attendance"}),
        ({"kind": "helpline"}, Wanted(attendance=("phone",)), set()),
        ({"costs": ("self_pay",)}, Wanted(costs=("medicaid",)), {"cost"}),
        ({"distance_km": 12.5}, Wanted(radius_km=10.0), {"radius"}),
        ({}, Wanted(radius_km=10.0), set()),
        (
            {"kind": "treatment", "needs": ("moud",)},
            Wanted(kinds=("meeting",), needs=("alcohol",)),
            {"kind", "need"},
        ),
    ],
)
def test_broken(fields: dict[str, Any], wanted: Wanted, expected: set[str]) -> None:
    assert broken(hit(**fields), wanted) == expected


def _peer(**answers: Any) -> Any:
    return next(s for s in section_specs(PlanAnswers(**answers)) if s.id == "peer")


def test_choose_soonest_first_from_different_groups() -> None:
    spec = _peer(near="19103")
    first = spec.attempts[0]
    hits = [
        hit("Late AA", organization="AA", next_occurrence="2026-12-01T21:00:00-05:00"),
        hit("Early AA", organization="AA", next_occurrence="2026-12-01T18:00:00-05:00"),
        hit("Early AA", organization="AA", next_occurrence="2026-12-01T18:30:00-05:00", id="dup"),
        hit("Some NA", organization="NA", next_occurrence="2026-12-01T22:00:00-05:00"),
        hit("Other AA", organization="AA", next_occurrence="2026-12-01T19:00:00-05:00"),
    ]
    hits = [
        msgspec.structs.replace(h, needs=("alcohol", "drugs"), attendance=("in_person",))
        for h in hits
    ]
    chosen = choose(spec, [(first, hits)])
    # One per group name, a second fellowship before a third AA meeting, then soonest first.
    assert [c.hit.name for c in chosen] == ["Early AA", "Other AA", "Some NA"]
    assert all(not c.relaxed for c in chosen)


def test_choose_relaxes_only_what_the_attempt_says() -> None:
    spec = _peer(near="19103", language="es", attend=("in_person",), time=("evening",))
    strict, online = spec.attempts[0], spec.attempts[1]
    english = hit(
        "English",
        needs=("alcohol",),
        attendance=("in_person",),
        languages=("en",),
        slots=[("tue", "19:00")],
    )
    spanish_online = hit(
        "En linea",
        needs=("alcohol",),
        attendance=("online",),
        languages=("es",),
        slots=[("tue", "19:00")],
    )
    spanish_morning = hit(
        "Manana",
        needs=("alcohol",),
        attendance=("online",),
        languages=("es",),
        slots=[("tue", "09:00")],
    )
    chosen = choose(
        spec, [(strict, [english]), (online, [english, spanish_online, spanish_morning])]
    )
    assert [(c.hit.name, sorted(c.relaxed)) for c in chosen] == [
        ("En linea", ["attendance", "radius"])
    ]


def test_choose_leaves_out_taken_ids() -> None:
    spec = _peer()
    a = hit("A", needs=("alcohol",), attendance=("online",))
    b = hit("B", needs=("alcohol",), attendance=("online",))
    assert [c.hit.name for c in choose(spec, [(spec.attempts[0], [a, b])], taken={"a"})] == ["B"]


def test_reasons_in_both_languages() -> None:
    wanted = Wanted(languages=("es",), accessibility=("wheelchair",), costs=("medicaid",))
    found = hit(
        "Grupo",
        languages=("es", "en"),
        accessibility=("wheelchair",),
        attendance=("in_person",),
        costs=("medicaid",),
        distance_km=1.24,
        next_occurrence="2026-12-01T19:00:00-05:00",
    )
    assert reasons(found, wanted, "en") == [
        "Spanish",
        "Tue 19:00",
        "1.2 km",
        "Wheelchair accessible",
        "takes Medicaid",
    ]
    assert reasons(found, wanted, "es") == [
        "Español",
        "mar 19:00",
        "1,2 km",
        "Accesible en silla de ruedas",
        "acepta Medicaid",
    ]


@pytest.mark.parametrize(
    ("value", "lang", "expected"),
    [(1.24, "en", "1.2 km"), (1.24, "es", "1,2 km"), (12.6, "en", "13 km"), (0.04, "en", "0.0 km")],
)
def test_km_text(value: float, lang: str, expected: str) -> None:
    assert km_text(value, lang) == expected  # type: ignore[arg-type]


def test_start_text_keeps_the_instants_offset() -> None:
    assert start_text("2026-12-05T08:30:00-08:00", "en") == "Sat 08:30"
    assert start_text("2026-12-06T08:30:00-08:00", "es") == "dom 08:30"


def test_relaxed_notes_say_what_was_given_up() -> None:
    answers = PlanAnswers(language="es", time=("evening",), payment=("medicaid",))
    wanted = Wanted(languages=("es",), radius_km=10.0, costs=("medicaid",))
    assert relaxed_note("online", wanted, answers).en == (
        "Nothing in person within 10 km fits every answer: online ones instead"
    )
    assert relaxed_note("any_time", wanted, answers).es == (
        "Nada en los horarios que indicó (noches): estas son en otros horarios"
    )
    assert relaxed_note("language", wanted, answers).en == (
        "None in Spanish: these are in other languages"
    )
    assert (
        relaxed_note("cost", wanted, answers).en
        == "None lists Medicaid: call to ask what they take"
    )


def test_search_requests_one_per_time_window() -> None:
    answers = PlanAnswers(near="19103", time=("morning", "evening"), at="2026-12-01T12:00:00-05:00")
    spec = _peer(**msgspec.structs.asdict(answers))
    requests = search_requests(spec.attempts[0].wanted, answers, by_time=True)
    assert [(r.time_from, r.time_to, r.starts_within_min, r.include_online) for r in requests] == [
        ("06:00", "12:00", None, "true"),
        ("17:00", "22:00", None, "true"),
    ]
    assert requests[0].filters["kind"] == ["meeting"]
    # Soonest first near a place too: no separate search of the next day's starts.
    assert {r.sort for r in requests} == {"soonest"}
    assert requests[0].at == "2026-12-01T12:00:00-05:00"


def test_attempt_defaults() -> None:
    assert Attempt(wanted=Wanted()).relaxed == frozenset()


def test_one_calendar_holds_every_placeable_meeting() -> None:
    east = hit("East", slots=[("tue", "19:00")])
    west = msgspec.structs.replace(
        hit("West"),
        schedule=Schedule(
            timezone="America/Los_Angeles", slots=(TimeSlot(day="sat", start="09:00"),)
        ),
    )
    untimed = hit("By appointment")
    text = plan_calendar([east, west, untimed], datetime(2026, 12, 1, 17, tzinfo=UTC))
    assert text.count("BEGIN:VTIMEZONE") == 2
    assert text.count("BEGIN:VEVENT") == 2
    assert "SUMMARY:East" in text
    assert "DTSTART;TZID=America/Los_Angeles:20261205T090000" in text
    assert "By appointment" not in text


def test_online_only_meetings_are_sought_from_anywhere() -> None:
    wanted = peer_wanted(PlanAnswers(near="Georgetown, DE", attend=("online", "phone")))
    assert (wanted.near, wanted.radius_km) == (None, None)
    assert wanted.attendance == ("online", "hybrid", "phone")


def test_a_secular_group_is_required_apart_from_who_one_is_at_ease_with() -> None:
    wanted = peer_wanted(PlanAnswers(support=("secular",), community=("lgbtq", "young_people")))
    assert search_requests(wanted, PlanAnswers(), by_time=True)[0].filters["community"] == [
        "secular"
    ]
    lgbtq_only = hit("Pride", communities=("lgbtq",))
    both = hit("Free thinkers", communities=("lgbtq", "secular"))
    secular_only = hit("Secular", communities=("secular",))
    assert broken(lgbtq_only, wanted) >= {"support"}
    assert "support" not in broken(both, wanted)
    assert "community" not in broken(both, wanted)
    assert broken(secular_only, wanted) >= {"community"}


def test_care_offers_other_states_telehealth_last_but_labelled() -> None:
    wanted = care_wanted(PlanAnswers(near="Georgetown, DE", attend=("online",)))
    steps = [a.step for a in attempts(wanted, ("farther", "anywhere"))]
    assert steps == [None, "anywhere"]
    assert "telehealth serving" not in relaxed_note("anywhere", wanted, PlanAnswers()).en
