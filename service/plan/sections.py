"""The answers -> the plan's sections: what each asks (`Wanted`), and the attempts that relax
it one stated answer at a time, each with its label, when nothing fits every answer.

Pure: no searching here (`assemble.py` runs the attempts).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

import msgspec

from service.contract.documents import WEEKDAYS, Weekday
from service.plan.answers import PlanAnswers
from service.plan.relaxing import Attempt, attempts
from service.plan.wanted import PHYSICAL_ACCESS, Wanted, Window
from service.plan.words import Words

SectionId = Literal["talk_now", "tonight", "peer", "care", "family", "stay"]
DEFAULT_RADIUS_KM: Final = 25.0

TIME_WINDOWS: Final[dict[str, Window]] = {
    "morning": Window(start="06:00", end="12:00"),
    "afternoon": Window(start="12:00", end="17:00"),
    "evening": Window(start="17:00", end="22:00"),
    "late_night": Window(start="22:00", end="06:00"),
}
DAY_SETS: Final[dict[str, tuple[Weekday, ...]]] = {
    "weekdays": WEEKDAYS[:5],
    "weekends": WEEKDAYS[5:],
}
# What a person names -> the needs peer meetings of that fellowship carry in the index.
PEER_NEEDS: Final[dict[str, tuple[str, ...]]] = {
    "alcohol": ("alcohol",),
    "opioids": ("drugs", "opioids", "substance_use"),
    "stimulants": ("drugs", "substance_use"),
    "other_drugs": ("drugs", "substance_use"),
    "gambling": ("gambling",),
    "eating": ("eating_disorder",),
    "mental_health": ("mental_health", "co_occurring"),
}
# Meetings for the person in recovery; family groups are their own section.
ANY_PEER_NEEDS: Final = (
    "alcohol",
    "drugs",
    "opioids",
    "substance_use",
    "gambling",
    "eating_disorder",
)
# What a person names -> the care a treatment or telehealth record offers for it.
CARE_NEEDS_BY_CONCERN: Final[dict[str, tuple[str, ...]]] = {
    "alcohol": ("alcohol", "substance_use"),
    "opioids": ("opioids", "moud", "substance_use"),
    "stimulants": ("drugs", "substance_use"),
    "other_drugs": ("drugs", "substance_use"),
    "gambling": ("gambling",),
    "eating": ("eating_disorder", "mental_health"),
    "mental_health": ("mental_health", "co_occurring"),
}
CARE_NEEDS_BY_SUPPORT: Final[dict[str, tuple[str, ...]]] = {
    "professional": ("counseling", "outpatient", "mental_health"),
    "medication": ("moud",),
    "detox": ("detox", "residential"),
}
PAYMENT_COSTS: Final[dict[str, tuple[str, ...]]] = {
    "medicaid": ("medicaid",),
    "medicare": ("medicare",),
    "private_insurance": ("private_insurance",),
    "free": ("free", "sliding_scale", "payment_assistance"),
    "sliding_scale": ("sliding_scale",),
}
STAY_NEEDS: Final = ("shelter", "housing_assistance", "sober_living")
MEETING_MODES: Final[dict[str, tuple[str, ...]]] = {
    "in_person": ("in_person", "hybrid"),
    "online": ("online", "hybrid"),
    "phone": ("phone",),
}
PICKS: Final[dict[SectionId, int]] = {
    "talk_now": 2,
    "tonight": 1,
    "peer": 3,
    "care": 3,
    "family": 2,
    "stay": 3,
}
TITLES: Final[dict[SectionId, Words]] = {
    "talk_now": Words(en="Someone to talk to now", es="Alguien con quien hablar ahora"),
    "tonight": Words(en="Something for tonight", es="Algo para esta noche"),
    "peer": Words(en="Peer support this week", es="Apoyo entre pares esta semana"),
    "care": Words(en="Professional care", es="Atención profesional"),
    "family": Words(en="For family and friends", es="Para familiares y amigos"),
    "stay": Words(en="A place to stay", es="Un lugar donde quedarse"),
}
# "Tonight": a meeting that starts within this many minutes, whatever the usual free times.
TONIGHT_WITHIN_MIN: Final = 360


class SectionSpec(msgspec.Struct, frozen=True, kw_only=True):
    """A section of the plan: what it asks and the attempts to fill it, first one first."""

    id: SectionId
    wanted: Wanted
    attempts: tuple[Attempt, ...]
    picks: int
    # Soonest first (meetings) rather than nearest or best match.
    by_time: bool = False
    starts_within_min: int | None = None


def _unique(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def _joined(table: dict[str, tuple[str, ...]], keys: Sequence[str]) -> tuple[str, ...]:
    return _unique([code for key in keys for code in table.get(key, ())])


def _modes(answers: PlanAnswers) -> tuple[str, ...]:
    """How the person can attend: in person near a place, online, by phone."""
    if answers.attend:
        return answers.attend
    return ("in_person", "online") if answers.near else ("online", "phone")


def _place(answers: PlanAnswers, modes: Sequence[str]) -> tuple[str | None, float | None]:
    if answers.near is None:
        return None, None
    in_person = "in_person" in modes
    return answers.near, (answers.radius_km or DEFAULT_RADIUS_KM) if in_person else None


def peer_wanted(answers: PlanAnswers) -> Wanted:
    """Peer meetings for the person the plan is for, at the times they are free."""
    modes = _modes(answers)
    near, radius_km = _place(answers, modes)
    if "in_person" not in modes:
        # A meeting joined online or by phone is as near from anywhere.
        near = None
    return Wanted(
        kinds=("meeting",),
        needs=_joined(PEER_NEEDS, answers.concern) or ANY_PEER_NEEDS,
        languages=(answers.language,) if answers.language else (),
        communities=answers.community,
        group_communities=("secular",) if "secular" in answers.support else (),
        accessibility=answers.accessibility,
        attendance=_joined(MEETING_MODES, modes),
        windows=tuple(TIME_WINDOWS[t] for t in answers.time),
        # Weekdays and weekends together are every day: no day filter.
        days=DAY_SETS[answers.days[0]] if len(answers.days) == 1 else (),
        near=near,
        radius_km=radius_km,
    )


def care_wanted(answers: PlanAnswers) -> Wanted:
    """Treatment or telehealth that offers what was asked for and takes the payment."""
    modes = _modes(answers)
    near, radius_km = _place(answers, modes)
    kinds = ("treatment", "telehealth") if near else ("telehealth",)
    if answers.attend and "in_person" not in answers.attend:
        kinds = ("telehealth",)
    needs = _joined(CARE_NEEDS_BY_SUPPORT, answers.support) or _joined(
        CARE_NEEDS_BY_CONCERN, answers.concern
    )
    return Wanted(
        kinds=kinds,
        needs=needs,
        languages=(answers.language,) if answers.language else (),
        accessibility=answers.accessibility,
        costs=_joined(PAYMENT_COSTS, answers.payment),
        near=near,
        radius_km=radius_km,
    )


def family_wanted(answers: PlanAnswers) -> Wanted:
    """Family groups, programmes and lines for the people around someone using."""
    near, radius_km = _place(answers, _modes(answers))
    return Wanted(
        kinds=("meeting", "treatment", "telehealth", "helpline"),
        needs=("family_friends",),
        languages=(answers.language,) if answers.language else (),
        near=near,
        radius_km=radius_km,
    )


def stay_wanted(answers: PlanAnswers) -> Wanted:
    """A place to stay: shelter, housing help or sober living near the place."""
    return Wanted(
        kinds=("housing", "outreach", "treatment"),
        needs=STAY_NEEDS,
        communities=answers.community,
        near=answers.near,
        radius_km=(answers.radius_km or DEFAULT_RADIUS_KM) if answers.near else None,
    )


def talk_wanted(answers: PlanAnswers) -> Wanted:
    """Helplines for what is going on, in the person's language (crisis lines come anyway)."""
    needs = _joined(CARE_NEEDS_BY_CONCERN, answers.concern)
    if answers.for_someone:
        needs = _unique([*needs, "family_friends"])
    return Wanted(
        kinds=("helpline",),
        needs=needs,
        languages=(answers.language,) if answers.language else (),
        accessibility=tuple(a for a in answers.accessibility if a not in PHYSICAL_ACCESS),
        near=answers.near,
    )


def wants_stay(answers: PlanAnswers) -> bool:
    """Whether the person asked for a place to stay."""
    return "no_safe_place" in answers.concern or "housing" in answers.support


# Another fellowship's open meetings in the person's language and times before their own
# fellowship's at any hour in any language.
PEER_STEPS: Final = (
    "online",
    "farther",
    "need",
    "any_time",
    "community",
    "support",
    "accessibility",
    "language",
)
# Care nearby that may take the payment (call to ask) before telehealth licensed elsewhere.
CARE_STEPS: Final = ("farther", "cost", "language", "accessibility", "anywhere", "need")
FAMILY_STEPS: Final = ("farther", "language")
STAY_STEPS: Final = ("farther", "community")
TONIGHT_STEPS: Final = ("online", "community", "support", "language", "need")
TALK_STEPS: Final = ("language", "accessibility", "need")


def section_specs(answers: PlanAnswers) -> tuple[SectionSpec, ...]:
    """The plan's sections in the order they are shown: someone to talk to now first, family
    support second when the plan is for someone else, a place to stay only when asked."""
    talk = SectionSpec(
        id="talk_now",
        wanted=talk_wanted(answers),
        attempts=attempts(talk_wanted(answers), TALK_STEPS),
        picks=PICKS["talk_now"],
    )
    peer = SectionSpec(
        id="peer",
        wanted=peer_wanted(answers),
        attempts=attempts(peer_wanted(answers), PEER_STEPS),
        picks=PICKS["peer"],
        by_time=True,
    )
    care = SectionSpec(
        id="care",
        wanted=care_wanted(answers),
        attempts=attempts(care_wanted(answers), CARE_STEPS),
        picks=PICKS["care"],
    )
    anytime = msgspec.structs.replace(peer.wanted, windows=(), days=())
    tonight = SectionSpec(
        id="tonight",
        wanted=anytime,
        attempts=attempts(anytime, TONIGHT_STEPS),
        picks=PICKS["tonight"],
        by_time=True,
        starts_within_min=TONIGHT_WITHIN_MIN,
    )
    family = SectionSpec(
        id="family",
        wanted=family_wanted(answers),
        attempts=attempts(family_wanted(answers), FAMILY_STEPS),
        picks=PICKS["family"],
    )
    stay = SectionSpec(
        id="stay",
        wanted=stay_wanted(answers),
        attempts=attempts(stay_wanted(answers), STAY_STEPS),
        picks=PICKS["stay"],
    )
    order = [talk, family, peer, care] if answers.for_someone else [talk, peer, care, family]
    if wants_stay(answers):
        order.insert(1, stay)
    order.insert(order.index(peer), tonight)
    return tuple(order)
