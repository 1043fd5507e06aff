"""What a section asks of a pick (`Wanted`), and which stated answers a hit would break.

Each answer a person gives becomes a named constraint; a pick may break one only when the
attempt that found it says it relaxed that constraint, so nothing is ignored silently.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal

import msgspec

from service.contract.documents import WEEKDAYS, SearchHit, Weekday

Constraint = Literal[
    "kind",
    "need",
    "support",
    "language",
    "community",
    "accessibility",
    "attendance",
    "cost",
    "time",
    "radius",
]
# Needs a venue: meaningless for a service attended online or by phone (INTEROP.md).
PHYSICAL_ACCESS: Final = frozenset({"wheelchair", "accessible_bathroom", "fragrance_free"})
REMOTE_MODES: Final = frozenset({"online", "phone"})
_MINUTES_PER_DAY: Final = 24 * 60


class Window(msgspec.Struct, frozen=True, kw_only=True):
    """A venue-local start window, `HH:MM` to `HH:MM`; a window that ends before it starts
    runs past midnight and belongs to the day it starts (as /v1/search reads it)."""

    start: str
    end: str


class Wanted(msgspec.Struct, frozen=True, kw_only=True):
    """The stated answers a section's picks must honour; an empty field asks nothing."""

    kinds: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    # The kind of group asked for as a community code (`secular`): every one must hold,
    # apart from the people one would feel at ease with (`communities`, any one will do).
    group_communities: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    attendance: tuple[str, ...] = ()
    costs: tuple[str, ...] = ()
    windows: tuple[Window, ...] = ()
    days: tuple[Weekday, ...] = ()
    near: str | None = None
    radius_km: float | None = None


def minutes(clock: str) -> int:
    """Minutes after midnight of an `HH:MM` clock time."""
    hours, _, mins = clock.partition(":")
    return int(hours) * 60 + int(mins)


def _starts_in(day: Weekday, start: str, wanted: Wanted) -> bool:
    """Whether a weekly start falls in one of the wanted windows, on a wanted day."""
    at = minutes(start)
    days = set(wanted.days or WEEKDAYS)
    previous = WEEKDAYS[(WEEKDAYS.index(day) - 1) % len(WEEKDAYS)]
    for window in wanted.windows or (Window(start="00:00", end="24:00"),):
        begin, end = minutes(window.start), minutes(window.end)
        if begin < end:
            if begin <= at < end and day in days:
                return True
            continue
        # Past midnight: the evening part on its own day, the early hours on the day before.
        if (at >= begin and day in days) or (at < end and previous in days):
            return True
    return False


def fits_times(hit: SearchHit, wanted: Wanted) -> bool:
    """Whether a hit has a weekly start in the wanted windows and days (any, if none asked)."""
    if not wanted.windows and not wanted.days:
        return True
    slots = hit.schedule.slots if hit.schedule is not None else ()
    return any(_starts_in(slot.day, slot.start, wanted) for slot in slots)


def is_remote(hit: SearchHit) -> bool:
    """Whether a hit is attended only online or by phone."""
    return bool(hit.attendance) and set(hit.attendance) <= REMOTE_MODES


def _attends(hit: SearchHit, modes: Iterable[str]) -> bool:
    asked = set(modes)
    if "in_person" in asked:
        asked.add("hybrid")
    if "online" in asked:
        asked.add("hybrid")
    return bool(asked & set(hit.attendance)) or (hit.kind == "helpline" and "phone" in asked)


def broken(hit: SearchHit, wanted: Wanted) -> frozenset[Constraint]:
    """The stated constraints a hit does not honour."""
    found: set[Constraint] = set()
    if wanted.kinds and hit.kind not in wanted.kinds:
        found.add("kind")
    if wanted.needs and not set(wanted.needs) & set(hit.needs):
        found.add("need")
    if wanted.languages and not set(wanted.languages) & set(hit.languages):
        found.add("language")
    if wanted.communities and not set(wanted.communities) & set(hit.communities):
        found.add("community")
    if not set(wanted.group_communities) <= set(hit.communities):
        found.add("support")
    access = set(wanted.accessibility) - (PHYSICAL_ACCESS if is_remote(hit) else set())
    if not access <= set(hit.accessibility):
        found.add("accessibility")
    if wanted.attendance and not _attends(hit, wanted.attendance):
        found.add("attendance")
    if wanted.costs and not set(wanted.costs) & set(hit.costs):
        found.add("cost")
    if not fits_times(hit, wanted):
        found.add("time")
    if (
        wanted.radius_km is not None
        and hit.distance_km is not None
        and hit.distance_km > wanted.radius_km
    ):
        found.add("radius")
    return frozenset(found)
