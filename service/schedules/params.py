"""Validation of the time and coverage parameters of a search (pure; 400s name the parameter).

`at` must carry an offset (a naive time is ambiguous exactly where this feature matters),
`tz` must be an IANA zone of the tz database, times are `HH:MM`, days `mon`..`sun`, and
flags `true`/`false` (also `1`/`0`, `yes`/`no`).
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import cache
from typing import Final

import msgspec

from service.contract.documents import WEEKDAYS, Weekday
from service.errors import BadParameterError
from service.values import parse_flag, shown, whole_number

MAX_STARTS_WITHIN_MIN: Final = 1440
MIN_YEAR, MAX_YEAR = 1971, 2100
_HHMM: Final = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
# An unencoded "+" in a query string arrives as a space: "...T19:00:00 05:00".
_SPACE_FOR_PLUS: Final = re.compile(r" (\d{2}(?::?\d{2})?)$")
_DAYS: Final[dict[str, Weekday]] = {day: day for day in WEEKDAYS}


class TimeFilter(msgspec.Struct, frozen=True, kw_only=True):
    """Validated time parameters; `at` is aware and whole minutes."""

    at: datetime
    viewer_tz: str | None = None
    open_now: bool = False
    starts_within_min: int | None = None
    days: tuple[Weekday, ...] = ()
    time_from_min: int | None = None
    time_to_min: int | None = None

    @property
    def filters(self) -> bool:
        """Whether any time filter applies (as opposed to only `at` / `tz` for display)."""
        return (
            self.open_now
            or self.starts_within_min is not None
            or bool(self.days)
            or self.time_from_min is not None
            or self.time_to_min is not None
        )


@cache
def known_zones() -> frozenset[str]:
    """The IANA zone names of the tz database (read once)."""
    return frozenset(zoneinfo.available_timezones())


def parse_minutes(param: str, raw: str | None) -> int | None:
    """`starts_within_min`: whole minutes from 1 to 1440."""
    if raw is None or not raw.strip():
        return None
    minutes = whole_number(raw.strip())
    if minutes is None or not 1 <= minutes <= MAX_STARTS_WITHIN_MIN:
        raise BadParameterError(
            param,
            f"{param}={shown(raw)} is not allowed: use whole minutes from 1 to "
            f"{MAX_STARTS_WITHIN_MIN}, for example {param}=90",
        )
    return minutes


def parse_days(raw: Sequence[str] | None) -> tuple[Weekday, ...]:
    """`day` values (repeatable, OR): mon..sun, in week order without repeats."""
    days: set[Weekday] = set()
    for value in raw or ():
        day = value.strip().lower()
        if not day:
            continue
        if day not in _DAYS:
            raise BadParameterError(
                "day",
                f"day={shown(value)} is not an allowed value. Allowed values: "
                + ", ".join(WEEKDAYS),
                allowed=WEEKDAYS,
            )
        days.add(_DAYS[day])
    return tuple(d for d in WEEKDAYS if d in days)


def parse_clock(param: str, raw: str | None, *, allow_24: bool = False) -> int | None:
    """`HH:MM` (24-hour, venue-local) as minutes since midnight; `24:00` only if allowed."""
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    if allow_24 and text == "24:00":
        return 1440
    match = _HHMM.match(text)
    if match is None:
        last = "24:00" if allow_24 else "23:59"
        raise BadParameterError(
            param, f"{param}={shown(raw)} is not a time: use HH:MM from 00:00 to {last}"
        )
    return int(match[1]) * 60 + int(match[2])


def parse_instant(raw: str | None, *, now: datetime) -> datetime:
    """`at`: an ISO 8601 instant with an offset, to the minute; `now` when absent."""
    if raw is None or not raw.strip():
        return now.replace(second=0, microsecond=0)
    text = _SPACE_FOR_PLUS.sub(r"+\1", raw.strip())
    try:
        value: datetime | None = datetime.fromisoformat(text)
    except ValueError:
        value = None
    if value is None or value.utcoffset() is None:
        raise BadParameterError(
            "at",
            f"at={shown(raw)} is not allowed: use an ISO 8601 date and time with an "
            "offset, for example at=2026-11-28T19:00:00-05:00 or at=2026-11-29T00:00:00Z",
        )
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise BadParameterError("at", f"at must be in the years {MIN_YEAR} to {MAX_YEAR}")
    return value.replace(second=0, microsecond=0)


def parse_zone(raw: str | None) -> str | None:
    """`tz`: the viewer's IANA time zone name, checked against the tz database."""
    if raw is None or not raw.strip():
        return None
    name = raw.strip()
    if name not in known_zones():
        raise BadParameterError(
            "tz",
            f"tz={shown(raw)} is not an IANA time zone: use a name such as "
            "America/New_York, America/Los_Angeles or Europe/London",
        )
    return name


def validate_time_params(
    *,
    open_now: str | None,
    starts_within_min: str | None,
    day: Sequence[str] | None,
    time_from: str | None,
    time_to: str | None,
    at: str | None,
    tz: str | None,
    now: datetime,
) -> TimeFilter:
    """Check every time parameter and return the TimeFilter, or raise BadParameterError."""
    time_from_min = parse_clock("time_from", time_from)
    time_to_min = parse_clock("time_to", time_to, allow_24=True)
    if time_from_min is not None and time_from_min == time_to_min:
        raise BadParameterError(
            "time_to", "time_to must differ from time_from (a window may cross midnight)"
        )
    return TimeFilter(
        at=parse_instant(at, now=now),
        viewer_tz=parse_zone(tz),
        open_now=parse_flag("open_now", open_now),
        starts_within_min=parse_minutes("starts_within_min", starts_within_min),
        days=parse_days(day),
        time_from_min=time_from_min,
        time_to_min=time_to_min,
    )


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The current instant (the service's default clock; tests pass their own)."""
    return datetime.now(UTC)
