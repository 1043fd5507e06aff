"""Search hits -> a CSV file for spreadsheets (outreach workers' lists). Pure functions.

- UTF-8 with a byte order mark, so Excel opens "Español" and "Señor" correctly (Google
  Sheets and LibreOffice ignore the mark); CRLF line ends and every cell quoted (RFC 4180).
- A text cell that a spreadsheet could run as a formula (it starts with `=`, `+`, `-`,
  `@`, a tab or a carriage return) gets a leading apostrophe (OWASP "CSV injection"): the
  sheet shows the text, and a phone number such as `+1 215...` stays readable.
- Vocabulary values are written as their English labels, several joined with "; ".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Final

from service.contract.documents import WEEKDAYS, SearchHit
from service.contract.vocabulary import ATTENDANCE, COSTS, KINDS, LANGUAGES, Vocabulary

COLUMNS: Final[tuple[str, ...]] = (
    "name",
    "kind",
    "organization",
    "phone",
    "address",
    "city",
    "state",
    "zip",
    "distance_km",
    "languages",
    "attendance",
    "costs",
    "schedule",
    "next_occurrence",
    "website",
    "meeting_link",
    "dial_in",
    "status",
    "last_updated",
    "source",
    "pathways_link",
)
BOM: Final = "\ufeff"
_FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
_DAY_NAMES: Final = {day: day.capitalize() for day in WEEKDAYS}


def safe_cell(value: str | None) -> str:
    """A text cell no spreadsheet will evaluate as a formula."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


def _labels(vocabulary: Vocabulary, codes: Sequence[str]) -> str:
    names = {t.code: t.en for t in vocabulary.terms}
    return "; ".join(names.get(code, code) for code in codes)


def schedule_text(hit: SearchHit) -> str:
    """`Mon 19:00-20:00; Wed 19:00 (America/New_York)`, `By appointment`, or empty."""
    schedule = hit.schedule
    if schedule is None:
        return ""
    parts = [
        f"{_DAY_NAMES[slot.day]} {slot.start}" + (f"-{slot.end}" if slot.end else "")
        for slot in schedule.slots
    ]
    text = "; ".join(parts)
    if text and schedule.timezone:
        text += f" ({schedule.timezone})"
    if schedule.by_appointment:
        text = "; ".join(p for p in (text, "By appointment") if p)
    if schedule.notes:
        text = ". ".join(p for p in (text, schedule.notes) if p)
    return text


def _next(value: str | None) -> str:
    # ISO 8601 with the venue's offset -> `2026-11-24 19:00`, venue-local like the schedule.
    return value[:16].replace("T", " ") if value else ""


def row(hit: SearchHit, *, base_url: str) -> list[str]:
    """One hit as the cells of `COLUMNS`, formula-safe."""
    address = hit.address
    contact = hit.contact
    text_cells = (
        hit.name,
        _labels(KINDS, (hit.kind,)),
        hit.organization,
        contact.phone,
        address.street if address else None,
        address.city if address else None,
        address.state if address else None,
        address.postal_code if address else None,
    )
    more = (
        _labels(LANGUAGES, hit.languages),
        _labels(ATTENDANCE, hit.attendance),
        _labels(COSTS, hit.costs),
        schedule_text(hit),
        _next(hit.next_occurrence),
        contact.website,
        contact.meeting_url,
        contact.meeting_phone,
        "temporarily closed" if hit.status == "temporarily_closed" else "active",
        hit.provenance.updated_at,
        hit.provenance.source_name,
        f"{base_url}/shortlist?ids={hit.id}",
    )
    distance = "" if hit.distance_km is None else f"{hit.distance_km:.2f}"
    return [*(safe_cell(c) for c in text_cells), distance, *(safe_cell(c) for c in more)]


def encode_csv(hits: Sequence[SearchHit], *, base_url: str) -> bytes:
    """The whole file: BOM, header row, one row per hit."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(row(hit, base_url=base_url) for hit in hits)
    return out.getvalue().encode("utf-8")
