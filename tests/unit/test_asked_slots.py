"""A meeting found by its day and time shows that time as its next (service/schedules/filters.py).

The schedule is the seed's Nuevo Camino (South Philadelphia), one document for its five
weekly times since indexer/consolidate.py; the instants are chosen for the cases.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.contract.documents import Schedule, TimeSlot, Weekday
from service.schedules.filters import asked_slots
from service.schedules.params import TimeFilter
from service.schedules.weekly import next_occurrence

NUEVO_CAMINO = Schedule(
    timezone="America/New_York",
    slots=(
        TimeSlot(day="mon", start="19:00"),
        TimeSlot(day="wed", start="19:00"),
        TimeSlot(day="thu", start="19:00"),
        TimeSlot(day="sat", start="19:00"),
        TimeSlot(day="sun", start="10:00"),
    ),
)
# Tuesday 24 November 2026, noon in Philadelphia.
TUESDAY_NOON = datetime(2026, 11, 24, 17, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("days", "time_from_min", "time_to_min", "kept"),
    [
        ((), None, None, ["mon", "wed", "thu", "sat", "sun"]),
        (("sat",), 18 * 60, 22 * 60, ["sat"]),
        (("sun",), None, None, ["sun"]),
        ((), None, 12 * 60, ["sun"]),
        ((), 18 * 60, None, ["mon", "wed", "thu", "sat"]),
        # Nothing matches (the filter did not find it by these): the whole schedule.
        (("tue",), None, None, ["mon", "wed", "thu", "sat", "sun"]),
    ],
)
def test_asked_slots(
    days: tuple[Weekday, ...], time_from_min: int | None, time_to_min: int | None, kept: list[str]
) -> None:
    asked = TimeFilter(
        at=TUESDAY_NOON, days=days, time_from_min=time_from_min, time_to_min=time_to_min
    )
    schedule = asked_slots(NUEVO_CAMINO, asked)
    assert schedule is not None
    assert [s.day for s in schedule.slots] == kept


def test_saturday_evening_gives_saturdays_time_as_the_next() -> None:
    asked = TimeFilter(at=TUESDAY_NOON, days=("sat",), time_from_min=18 * 60)
    when = next_occurrence(asked_slots(NUEVO_CAMINO, asked), TUESDAY_NOON)
    assert when is not None
    assert (when.weekday(), when.hour) == (5, 19)
    # Without the filter, Wednesday's comes first.
    whole = next_occurrence(NUEVO_CAMINO, TUESDAY_NOON)
    assert whole is not None
    assert whole.weekday() == 2


def test_no_schedule_stays_none() -> None:
    assert asked_slots(None, TimeFilter(at=TUESDAY_NOON, days=("sat",))) is None
