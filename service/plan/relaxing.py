"""Relaxing a section one stated answer at a time: the attempts, each naming what it gives up.

Pure: `sections.py` lists the steps of each section, `choosing.py` holds picks to them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import msgspec

from service.plan.wanted import PHYSICAL_ACCESS, Constraint, Wanted

FARTHER_FACTOR: Final = 4.0
MAX_FARTHER_KM: Final = 100.0


class Attempt(msgspec.Struct, frozen=True, kw_only=True):
    """One way to fill a section: what it asks, and the stated answers it gives up (none for
    the first attempt), named so the section can say what was relaxed."""

    wanted: Wanted
    relaxed: frozenset[Constraint] = frozenset()
    # The relaxation, for the label: "online", "farther", "any_time", or a constraint name.
    step: str | None = None


# Steps that change where a listing may be, which no constraint of a pick shows: always said.
PLACE_STEPS: Final = frozenset({"anywhere"})
# A relaxation that drops one stated answer: the constraint it gives up, the Wanted field.
_DROPPED: Final[dict[str, tuple[Constraint, str]]] = {
    "community": ("community", "communities"),
    "support": ("support", "group_communities"),
    "accessibility": ("accessibility", "accessibility"),
    "language": ("language", "languages"),
    "cost": ("cost", "costs"),
    "need": ("need", "needs"),
}


def _relax(wanted: Wanted, step: str) -> Attempt | None:
    """The attempt that gives up one more stated answer, or None when there is nothing to give."""
    change: dict[str, object]
    relaxed: frozenset[Constraint]
    if step == "online":
        if "online" in wanted.attendance or not wanted.attendance:
            return None
        access = tuple(a for a in wanted.accessibility if a not in PHYSICAL_ACCESS)
        # An online meeting can be joined from anywhere: no place, so every state's count.
        change = {
            "attendance": ("online",),
            "near": None,
            "radius_km": None,
            "accessibility": access,
        }
        relaxed = frozenset({"attendance", "radius"})
    elif step == "farther":
        if wanted.radius_km is None or wanted.radius_km >= MAX_FARTHER_KM:
            return None
        change = {"radius_km": min(wanted.radius_km * FARTHER_FACTOR, MAX_FARTHER_KM)}
        relaxed = frozenset({"radius"})
    elif step == "anywhere":
        # Telehealth is licensed by state: one serving another state is offered, labelled,
        # only when none serves the person's.
        if "telehealth" not in wanted.kinds or wanted.near is None:
            return None
        change = {"kinds": ("telehealth",), "near": None, "radius_km": None}
        relaxed = frozenset({"radius"})
    elif step == "any_time":
        if not wanted.windows and not wanted.days:
            return None
        change, relaxed = {"windows": (), "days": ()}, frozenset({"time"})
    else:
        constraint, field = _DROPPED[step]
        if not getattr(wanted, field):
            return None
        change, relaxed = {field: ()}, frozenset({constraint})
    return Attempt(wanted=msgspec.structs.replace(wanted, **change), relaxed=relaxed, step=step)


def attempts(wanted: Wanted, steps: Sequence[str]) -> tuple[Attempt, ...]:
    """The first attempt, then each step's relaxation on top of the previous ones."""
    found = [Attempt(wanted=wanted)]
    for step in steps:
        relaxed = _relax(found[-1].wanted, step)
        if relaxed is not None:
            found.append(
                msgspec.structs.replace(
                    relaxed, relaxed=relaxed.relaxed | found[-1].relaxed, step=step
                )
            )
    return tuple(found)
