"""Every chosen meeting of a plan in one iCalendar file (pure): one VTIMEZONE per zone, the
weekly events of each meeting, as `/v1/resources/{id}.ics` writes them one at a time."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from service.contract.documents import IndexDocument
from service.schedules.ics import PRODID, event_lines, fold_line, vtimezone_lines
from service.schedules.weekly import is_known_zone, is_timed, zone_info


def calendar_docs(docs: Sequence[IndexDocument]) -> list[IndexDocument]:
    """The documents with weekly times in a known zone: the ones a calendar can place."""
    return [
        d
        for d in docs
        if d.schedule is not None
        and is_timed(d.schedule)
        and d.schedule.timezone is not None
        and is_known_zone(d.schedule.timezone)
    ]


def plan_calendar(docs: Sequence[IndexDocument], now: datetime) -> str:
    """One VCALENDAR holding the weekly events of every placeable document."""
    placed = calendar_docs(docs)
    zones = sorted({d.schedule.timezone for d in placed if d.schedule and d.schedule.timezone})
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN"]
    lines.append("METHOD:PUBLISH")
    for zone in zones:
        lines += vtimezone_lines(zone, now.astimezone(zone_info(zone)).year - 1)
    for doc in placed:
        if doc.schedule is not None and doc.schedule.timezone is not None:
            url = doc.contact.website or doc.provenance.source_url
            lines += event_lines(doc, doc.schedule, doc.schedule.timezone, now, url=url)
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) for line in lines)
