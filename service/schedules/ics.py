"""A weekly schedule as an iCalendar (RFC 5545) file, written by hand.

One VEVENT per group of slots that share a start time and length (`RRULE:FREQ=WEEKLY;
BYDAY=...`), `DTSTART;TZID=<IANA zone>` at the venue's wall-clock time, and a VTIMEZONE for
that zone (RFC 5545 3.6.5 requires one per TZID), whose daylight-saving rules are read from
the tz database: yearly RRULEs when the zone follows one, else its changes listed one by one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Final

from service.contract.documents import WEEKDAYS, IndexDocument, Schedule, TimeSlot
from service.schedules.weekly import (
    parse_hhmm,
    slot_duration_min,
    slot_occurrence_after,
    zone_info,
)

PRODID: Final = "-//Pathways//Pathways API//EN"
_BYDAY: Final = dict(zip(WEEKDAYS, ("MO", "TU", "WE", "TH", "FR", "SA", "SU"), strict=True))
_LISTED_YEARS: Final = 12
_MAX_LINE_OCTETS: Final = 75


def escape_text(text: str) -> str:
    """An RFC 5545 TEXT value: backslash, semicolon, comma and newlines escaped."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold_line(line: str) -> str:
    """A content line folded at 75 octets (continuations start with a space), CRLF-ended."""
    encoded = line.encode("utf-8")
    parts: list[str] = []
    start, limit = 0, _MAX_LINE_OCTETS
    while len(encoded) - start > limit:
        end = start + limit
        while end > start and (encoded[end] & 0xC0) == 0x80:  # never split a UTF-8 sequence
            end -= 1
        parts.append(encoded[start:end].decode("utf-8"))
        start, limit = end, _MAX_LINE_OCTETS - 1
    parts.append(encoded[start:].decode("utf-8"))
    return "\r\n ".join(parts) + "\r\n"


def _local(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _offset(delta: timedelta | None) -> str:
    minutes = int((delta or timedelta()).total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


@dataclass(frozen=True)
class Transition:
    """One change of a zone's UTC offset: when (UTC), the offsets around it, the new name."""

    at_utc: datetime
    before: timedelta
    after: timedelta
    dst: bool
    name: str

    @property
    def local_before(self) -> datetime:
        """The wall-clock time of the change, in the offset before it (VTIMEZONE DTSTART)."""
        return (self.at_utc + self.before).replace(tzinfo=None)


@cache
def transitions(zone: str, year: int) -> tuple[Transition, ...]:
    """The offset changes of a zone during a year (found by day, then to the minute)."""
    tz = zone_info(zone)
    found: list[Transition] = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        following = day + timedelta(days=1)
        before, after = day.astimezone(tz).utcoffset(), following.astimezone(tz).utcoffset()
        if before != after and before is not None and after is not None:
            low, high = 0, 1440  # minutes into the day: before at `low`, after at `high`
            while high - low > 1:
                middle = (low + high) // 2
                if (day + timedelta(minutes=middle)).astimezone(tz).utcoffset() == before:
                    low = middle
                else:
                    high = middle
            change = day + timedelta(minutes=high)
            local = change.astimezone(tz)
            found.append(Transition(change, before, after, bool(local.dst()), local.tzname() or ""))
        day = following
    return tuple(found)


def _yearly_rule(first: Transition, zone: str, year: int) -> str | None:
    """`FREQ=YEARLY;BYMONTH=m;BYDAY=nSU` if the change falls so in each of the next years.

    Seven years see the weekday fall on every day of the month, so "4th" and "last" part.
    """
    local = first.local_before
    weekday = _BYDAY[WEEKDAYS[local.weekday()]]
    nth = (local.day - 1) // 7 + 1
    last = (local + timedelta(days=7)).month != local.month
    candidates = {f"{nth}{weekday}"} if nth <= 4 else set()
    if last:
        candidates.add(f"-1{weekday}")
    for later in range(year + 1, year + 8):
        same = [t for t in transitions(zone, later) if t.dst == first.dst]
        if len(same) != 1:
            return None
        t = same[0].local_before
        if (t.month, t.time(), t.weekday()) != (local.month, local.time(), local.weekday()):
            return None
        t_nth = (t.day - 1) // 7 + 1
        t_last = (t + timedelta(days=7)).month != t.month
        candidates &= {f"{t_nth}{weekday}"} | ({f"-1{weekday}"} if t_last else set())
    if not candidates:
        return None
    byday = sorted(candidates)[-1]  # prefer the positive form ("2SU") when both hold
    return f"FREQ=YEARLY;BYMONTH={local.month};BYDAY={byday}"


def vtimezone_lines(zone: str, year: int) -> list[str]:
    """The VTIMEZONE of a zone, valid from the start of `year`."""
    lines = ["BEGIN:VTIMEZONE", f"TZID:{zone}"]
    changes = transitions(zone, year)
    rules = [_yearly_rule(change, zone, year) for change in changes]
    if not changes:
        start = datetime(year, 1, 1, tzinfo=UTC).astimezone(zone_info(zone))
        offset = start.utcoffset() or timedelta()
        steady = Transition(start, offset, offset, bool(start.dst()), start.tzname() or "")
        lines += _observance(steady, None, start=datetime(year, 1, 1))
    elif all(rules):
        for change, rule in zip(changes, rules, strict=True):
            lines += _observance(change, rule)
    else:
        for later in range(year, year + _LISTED_YEARS):
            for change in transitions(zone, later):
                lines += _observance(change, None)
    return [*lines, "END:VTIMEZONE"]


def _observance(
    change: Transition, rrule: str | None, *, start: datetime | None = None
) -> list[str]:
    kind = "DAYLIGHT" if change.dst else "STANDARD"
    lines = [
        f"BEGIN:{kind}",
        f"DTSTART:{_local(start or change.local_before)}",
        f"TZOFFSETFROM:{_offset(change.before)}",
        f"TZOFFSETTO:{_offset(change.after)}",
    ]
    if change.name:
        lines.append(f"TZNAME:{escape_text(change.name)}")
    if rrule:
        lines.append(f"RRULE:{rrule}")
    return [*lines, f"END:{kind}"]


def slot_groups(slots: tuple[TimeSlot, ...]) -> list[tuple[str, int, list[TimeSlot]]]:
    """Slots grouped by (start time, duration), in the order of their first slot."""
    groups: dict[tuple[str, int], list[TimeSlot]] = defaultdict(list)
    for slot in slots:
        groups[(slot.start, slot_duration_min(slot))].append(slot)
    return [(start, minutes, members) for (start, minutes), members in groups.items()]


def event_lines(
    doc: IndexDocument, schedule: Schedule, zone: str, now: datetime, *, url: str | None
) -> list[str]:
    """The VEVENTs of a document's weekly slots, starting from the next occurrence."""
    lines: list[str] = []
    for index, (start, minutes, members) in enumerate(slot_groups(schedule.slots)):
        first = min(slot_occurrence_after(slot, zone, now) for slot in members)
        # The nominal wall-clock time, even if this date's change moves the first one.
        begins = datetime.combine(first.date(), datetime.min.time()) + timedelta(
            minutes=parse_hhmm(start)
        )
        days = ",".join(_BYDAY[d] for d in WEEKDAYS if any(s.day == d for s in members))
        lines += [
            "BEGIN:VEVENT",
            f"UID:{doc.id}-{index}@pathways",
            f"DTSTAMP:{now.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}",
            f"DTSTART;TZID={zone}:{_local(begins)}",
            f"DURATION:PT{minutes}M",
            f"RRULE:FREQ=WEEKLY;BYDAY={days}",
            f"SUMMARY:{escape_text(doc.name)}",
            *_details(doc, schedule, url),
            "END:VEVENT",
        ]
    return lines


def _details(doc: IndexDocument, schedule: Schedule, url: str | None) -> list[str]:
    lines: list[str] = []
    where = doc.address.formatted if doc.address and doc.address.formatted else None
    if where is None and doc.contact.meeting_url:
        where = doc.contact.meeting_url
    if where:
        lines.append(f"LOCATION:{escape_text(where)}")
    if doc.geo is not None:
        lines.append(f"GEO:{doc.geo.lat:.6f};{doc.geo.lng:.6f}")
    text = [t for t in (doc.description, _joining(doc), schedule.notes) if t]
    if text:
        lines.append(f"DESCRIPTION:{escape_text(chr(10).join(text))}")
    if url:
        lines.append(f"URL:{url}")
    return lines


def _joining(doc: IndexDocument) -> str | None:
    contact = doc.contact
    parts = [
        f"Join online: {contact.meeting_url}" if contact.meeting_url else None,
        f"Join by phone: {contact.meeting_phone}" if contact.meeting_phone else None,
        contact.meeting_notes,
    ]
    return "\n".join(p for p in parts if p) or None


def calendar_text(
    doc: IndexDocument, schedule: Schedule, zone: str, now: datetime, *, url: str | None = None
) -> str:
    """The whole VCALENDAR of a document's timed schedule in a known zone."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        *vtimezone_lines(zone, now.astimezone(zone_info(zone)).year - 1),
        *event_lines(doc, schedule, zone, now, url=url),
        "END:VCALENDAR",
    ]
    return "".join(fold_line(line) for line in lines)
