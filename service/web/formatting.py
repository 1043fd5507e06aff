"""Pure formatting for people: distances, weekly times, dates, phone links, directions."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Final
from urllib.parse import quote

import msgspec

from service.contract.documents import WEEKDAYS
from service.web.i18n import Lang, text

KM_PER_MILE: Final = 1.609344
MAX_SCHEDULE_LINES: Final = 4
# A card lists a meeting's weekly times on one line, at most this many groups of hours.
MAX_CARD_GROUPS: Final = 3
SLOT_SEPARATOR: Final = " \u00b7 "  # a middle dot, as the cards separate facts
DASH: Final = "\u2013"  # an en dash, as ranges of days and hours are written
DIRECTIONS_BASE: Final = "https://www.google.com/maps/dir/?api=1&destination="

_TZ_KEYS: Final[dict[str, str]] = {
    "America/New_York": "tz_eastern",
    "America/Detroit": "tz_eastern",
    "America/Toronto": "tz_eastern",
    "America/Indiana/Indianapolis": "tz_eastern",
    "America/Kentucky/Louisville": "tz_eastern",
    "America/Chicago": "tz_central",
    "America/Winnipeg": "tz_central",
    "America/Denver": "tz_mountain",
    "America/Edmonton": "tz_mountain",
    "America/Boise": "tz_mountain",
    "America/Phoenix": "tz_arizona",
    "America/Los_Angeles": "tz_pacific",
    "America/Vancouver": "tz_pacific",
    "America/Anchorage": "tz_alaska",
    "Pacific/Honolulu": "tz_hawaii",
    "America/Puerto_Rico": "tz_atlantic",
    "America/Halifax": "tz_atlantic",
}
# "Use my location" sends a rounded `lat,lng`: people read it as their own position.
_POSITION_RE: Final = re.compile(r"^\s*-?\d{1,2}(?:\.\d+)?\s*,\s*-?\d{1,3}(?:\.\d+)?\s*$")
_EXTENSION_RE: Final = re.compile(r"\s*(?:x|ext\.?|extension)\s*(\d{1,6})\s*$", re.IGNORECASE)


class Phone(msgspec.Struct, frozen=True, kw_only=True):
    """A phone number as shown, its `tel:` URI, and digits to dial after connecting."""

    display: str
    href: str
    then_dial: str | None = None


def km_to_miles(distance_km: float) -> float:
    """Statute miles."""
    return distance_km / KM_PER_MILE


def format_distance(distance_km: float, lang: Lang) -> str:
    """'2.1 mi (3.4 km) away'; one decimal, as people read distances."""
    return text(
        lang,
        "distance",
        mi=_one_decimal(km_to_miles(distance_km), lang),
        km=_one_decimal(distance_km, lang),
    )


def format_radius(radius_km: float, lang: Lang) -> str:
    """'within 15.5 mi (25 km)'."""
    return text(lang, "within", distance=radius_text(radius_km, lang))


def radius_text(radius_km: float, lang: Lang) -> str:
    """'15.5 mi (25 km)': one wording for the distance select and the results heading."""
    mi, km = _one_decimal(km_to_miles(radius_km), lang), _one_decimal(radius_km, lang)
    return f"{mi} {text(lang, 'mi')} ({km} km)"


def place_text(near: str, lang: Lang) -> str:
    """How a searched place reads: 'near 19103', and 'near you' for a position."""
    if _POSITION_RE.match(near):
        return text(lang, "near_you")
    return text(lang, "near_place", place=near)


def _one_decimal(value: float, lang: Lang) -> str:
    shown = f"{value:.1f}".removesuffix(".0")
    return shown.replace(".", ",") if lang == "es" else shown


def format_clock(hhmm: str, lang: Lang) -> str:
    """'19:30' -> '7:30 PM' in English, '19:30' in Spanish; '24:00' is midnight."""
    hours, minutes = (int(part) for part in hhmm.split(":"))
    if lang == "es":
        return f"{hours % 24:d}:{minutes:02d}"
    suffix = "AM" if hours % 24 < 12 else "PM"
    return f"{(hours % 12) or 12}:{minutes:02d} {suffix}"


def timezone_label(timezone: str | None, lang: Lang) -> str | None:
    """'Eastern time' for America/New_York; the zone's city for zones we don't name."""
    if not timezone:
        return None
    key = _TZ_KEYS.get(timezone)
    if key:
        return text(lang, key)
    return timezone.rsplit("/", 1)[-1].replace("_", " ")


def _day_names(lang: Lang, *, short: bool) -> list[str]:
    return text(lang, "days_short" if short else "days").split()


def _days_text(days: Sequence[int], lang: Lang, *, short_single: bool = False) -> str:
    if len(days) == len(WEEKDAYS):
        return text(lang, "every_day")
    if len(days) == 1 and not short_single:
        return _day_names(lang, short=False)[days[0]]
    short = _day_names(lang, short=True)
    consecutive = all(b - a == 1 for a, b in itertools.pairwise(days))
    if consecutive and len(days) >= 3:
        return f"{short[days[0]]}{DASH}{short[days[-1]]}"
    return ", ".join(short[d] for d in days)


def _times_text(start: str, end: str | None, lang: Lang) -> str:
    if start == "00:00" and end == "24:00":
        return "24 h"
    if end:
        return f"{format_clock(start, lang)}{DASH}{format_clock(end, lang)}"
    return format_clock(start, lang)


def _slot_groups(slots: Sequence[Mapping[str, Any]]) -> list[tuple[str, str | None, list[int]]]:
    """(start, end, weekday numbers) of the slots with identical hours, by first day."""
    groups: dict[tuple[str, str | None], list[int]] = {}
    for slot in slots:
        day = slot.get("day")
        if day not in WEEKDAYS or not isinstance(slot.get("start"), str):
            continue
        key = (str(slot["start"]), slot.get("end"))
        days = groups.setdefault(key, [])
        if WEEKDAYS.index(day) not in days:
            days.append(WEEKDAYS.index(day))
    ordered = sorted(groups.items(), key=lambda kv: (min(kv[1]), kv[0][0]))
    return [(start, end, sorted(days)) for (start, end), days in ordered]


def _always_open(groups: list[tuple[str, str | None, list[int]]]) -> bool:
    return [(g[0], g[1]) for g in groups] == [("00:00", "24:00")] and len(groups[0][2]) == 7


def format_slots(
    slots: Sequence[Mapping[str, Any]], lang: Lang, *, max_lines: int = MAX_SCHEDULE_LINES
) -> list[str]:
    """Weekly times grouped by identical hours, e.g. 'Mon-Fri 9:00 AM-5:00 PM' (en dashes)."""
    groups = _slot_groups(slots)
    if _always_open(groups):
        return [text(lang, "always_open")]
    lines = [
        f"{_days_text(days, lang)} {_times_text(start, end, lang)}" for start, end, days in groups
    ]
    if len(lines) > max_lines:
        hidden = len(lines) - max_lines + 1
        lines = [*lines[: max_lines - 1], text(lang, "more_times", n=hidden)]
    return lines


def compact_slots(
    slots: Sequence[Mapping[str, Any]], lang: Lang, *, max_groups: int = MAX_CARD_GROUPS
) -> list[str]:
    """A card's weekly times on one line: 'Every day 12:00 PM', 'Mon 7:00 PM · Sat 10:00 AM'."""
    groups = _slot_groups(slots)
    if len(groups) <= 1 or _always_open(groups):
        return format_slots(slots, lang)
    parts = [
        f"{_days_text(days, lang, short_single=True)} {_times_text(start, end, lang)}"
        for start, end, days in groups
    ]
    if len(parts) > max_groups:
        hidden = len(parts) - max_groups + 1
        parts = [*parts[: max_groups - 1], text(lang, "more_times", n=hidden)]
    return [SLOT_SEPARATOR.join(parts)]


def format_date(iso: str | None, lang: Lang) -> str | None:
    """'2020-12-31T23:23:57' -> 'Dec 31, 2020' / '31 dic 2020'; None if not a date."""
    match = re.match(r"^(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        return None
    month_name = text(lang, "months").split()[month - 1]
    return text(lang, "date_format", month=month_name, day=day, year=year)


def format_month(iso: str | None, lang: Lang) -> str | None:
    """'2020-09-14' -> 'Sep 2020' / 'sep 2020': how recent, without false precision."""
    match = re.match(r"^(\d{4})-(\d{2})", iso or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return f"{text(lang, 'months').split()[int(match.group(2)) - 1]} {match.group(1)}"


def format_occurrence(iso: str | None, lang: Lang) -> str | None:
    """'2026-11-29T10:00:00-05:00' -> 'Sun, Nov 29, 10:00 AM' / 'dom 29 nov, 10:00'."""
    try:
        when = datetime.fromisoformat(iso or "")
    except ValueError:
        return None
    day = text(lang, "days_short").split()[when.weekday()]
    month = text(lang, "months").split()[when.month - 1]
    clock = format_clock(f"{when.hour:02d}:{when.minute:02d}", lang)
    if lang == "es":
        return f"{day} {when.day} {month}, {clock}"
    return f"{day}, {month} {when.day}, {clock}"


def _north_american(digits: str) -> str | None:
    national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(national) != 10:
        return None
    return f"{national[:3]}-{national[3:6]}-{national[6:]}"


def phone_link(raw: str | None, *, meeting: bool = False) -> Phone | None:
    """A tap-to-call link; commas in a `tel:` URI are pauses, so extensions dial themselves."""
    if not raw or not raw.strip():
        return None
    base, _, after = raw.strip().partition(",")
    extension = _EXTENSION_RE.search(base)
    if extension:
        base = base[: extension.start()]
    digits = re.sub(r"[^\d]", "", base)
    if not digits:
        return None
    plus = "+" if base.strip().startswith("+") else ""
    then = [extension.group(1)] if extension else []
    then += [part for part in after.split(",") if part.strip()]
    dial = ",".join(then)
    href = f"tel:{plus}{digits}" + (f",{quote(dial, safe=',*')}" if dial else "")
    nice = _north_american(digits)
    if meeting or not base.strip():
        display = (f"+1 {nice}" if plus and nice else nice) or f"{plus}{digits}"
    else:
        display = base.strip()
    return Phone(display=display, href=href, then_dial=" ".join(then) or None)


def address_text(address: Mapping[str, Any] | None) -> str | None:
    """One line of address, from `formatted` or the parts."""
    if not address:
        return None
    formatted = address.get("formatted")
    if isinstance(formatted, str) and formatted.strip():
        return formatted.strip()
    parts = [address.get(k) for k in ("street", "city")]
    state_zip = " ".join(str(p) for p in (address.get("state"), address.get("postal_code")) if p)
    line = ", ".join(str(p) for p in [*parts, state_zip] if p)
    return line or None


def directions_url(address: Mapping[str, Any] | None) -> str | None:
    """A plain link to directions in the visitor's maps app; none for approximate places."""
    line = address_text(address)
    if not line or not address or address.get("approximate") or not address.get("street"):
        return None
    return DIRECTIONS_BASE + quote(line, safe="")
