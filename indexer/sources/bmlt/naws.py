"""NAWS meeting export (the NA World Services spreadsheet a BMLT server writes) -> documents.

One row per meeting: `CommitteeName`, `Day` (a weekday name), `Time` (`0730`), `Place`,
`Address`, `City`, `State`, `Zip`, `Closed` (OPEN / CLOSED), `WheelChr`, `Language1..3`,
`Format1..5` (NAWS world ids: DISC, JFT, VM, TC...), `Latitude`, `Longitude`,
`VirtualMeetingLink`, `VirtualMeetingInfo`, `PhoneMeetingNumber`, `TimeZone`, `bmlt_id`,
`unpublished`, `Delete`, `LastChanged`. The Contact* columns (a member's name, address and
phone) are never read. A row marked unpublished or deleted is not listed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Final

from indexer.records import RecordError, SourceConfig, SourceLoad
from indexer.sources.bmlt.formats import DEFAULT_NAMES, Format, map_formats
from indexer.sources.bmlt.meeting import MeetingFields, to_document
from indexer.sources.csv_rows import cell, collect_csv, required_cell
from indexer.sources.meeting_guide.schedule import parse_time
from service.contract.documents import IndexDocument

REQUIRED_COLUMNS: Final = ("Committee", "CommitteeName", "Day", "Time")
_DAYS: Final = ("sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday")
# NAWS world ids and their names (the world ids BMLT's formats refer to).
WORLD_NAMES: Final[dict[str, str]] = {
    "OPEN": "Open", "CLOSED": "Closed", "BEG": "Beginners", "BT": "Basic Text",
    "CAN": "Candlelight", "CH": "Closed Holidays", "CPT": "Concepts", "CW": "Children Welcome",
    "DISC": "Discussion", "GL": "Gay/Lesbian/Transgender", "GP": "Guiding Principles",
    "HYBR": "Hybrid", "IP": "Informational Pamphlet", "IW": "It Works - How and Why",
    "JFT": "Just for Today", "LC": "Living Clean", "LIT": "Literature Study", "M": "Men",
    "MED": "Meditation", "NC": "No Children", "NS": "No Smoking", "QA": "Question and Answer",
    "RA": "Restricted Attendance", "SMOK": "Smoking", "SPAD": "A Spiritual Principle a Day",
    "SPK": "Speaker", "STEP": "Step", "SWG": "Step Working Guide", "TC": "Temporarily Closed",
    "TOP": "Topic", "TRAD": "Tradition", "VAR": "Format Varies", "VM": "Virtual Meeting",
    "W": "Women", "WCHR": "Wheelchair", "Y": "Young People",
}  # fmt: skip
NAWS_FORMATS: Final[dict[str, Format]] = {
    code: Format(key=code, name=name, world_id=code) for code, name in WORLD_NAMES.items()
}
# NAWS language columns carry the BMLT's language keys.
_LANGUAGE_FORMATS: Final[dict[str, Format]] = {
    key: Format(key=key, name=DEFAULT_NAMES.get(key, key), world_id="LANG")
    for key in ("EN", "ES", "FR", "DE", "PT", "IT", "PL", "RU", "FA", "SV")
}


def _weekday(value: str) -> int:
    text = value.strip().casefold()
    if text in _DAYS:
        return _DAYS.index(text) + 1
    if text.isdigit() and 1 <= int(text) <= 7:
        return int(text)
    raise RecordError(f"Day {value!r} is not a weekday name")


def _time(value: str) -> str | None:
    text = value.strip()
    if text.isdigit() and len(text) in (3, 4):
        text = f"{text[:-2]}:{text[-2:]}"
    return parse_time(text, field="Time")


def _updated(value: str | None) -> str | None:
    for pattern in ("%m/%d/%y", "%m/%d/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value or "", pattern).date().isoformat()
        except ValueError:
            continue
    return None


def _format_keys(row: Mapping[str, str]) -> list[str]:
    keys = [c.upper() for c in (cell(row, f"Format{n}") for n in range(1, 6)) if c]
    keys += [c.upper() for c in (cell(row, "Closed"),) if c]
    if (cell(row, "WheelChr") or "").upper() == "TRUE":
        keys.append("WCHR")
    keys += [c.upper() for c in (cell(row, f"Language{n}") for n in range(1, 4)) if c]
    return list(dict.fromkeys(keys))


def meeting_fields(row: Mapping[str, str]) -> MeetingFields:
    """The fields of one export row; RecordError for a hidden row or a bad value."""
    if (cell(row, "unpublished") or "0") not in ("0", "FALSE", "false"):
        raise RecordError("not published at its source")
    if (cell(row, "Delete") or "").upper() in ("D", "TRUE", "1"):
        raise RecordError("marked deleted at its source")
    record_id = cell(row, "bmlt_id") or required_cell(row, "Committee", what="meeting id")
    return MeetingFields(
        record_id=record_id,
        name=required_cell(row, "CommitteeName", what="meeting name"),
        weekday=_weekday(required_cell(row, "Day", what="day")),
        start=_time(required_cell(row, "Time", what="time")),
        timezone=cell(row, "TimeZone"),
        formats=map_formats(_format_keys(row), {**NAWS_FORMATS, **_LANGUAGE_FORMATS}),
        place_name=cell(row, "Place"),
        place_notes=", ".join(p for p in (cell(row, "Room"), cell(row, "Directions")) if p) or None,
        street=cell(row, "Address"),
        city=cell(row, "City"),
        state=cell(row, "State"),
        postal_code=cell(row, "Zip"),
        nation=cell(row, "Country"),
        latitude=cell(row, "Latitude"),
        longitude=cell(row, "Longitude"),
        link=cell(row, "VirtualMeetingLink"),
        phone=cell(row, "PhoneMeetingNumber"),
        join_notes=cell(row, "VirtualMeetingInfo"),
        updated_at=_updated(cell(row, "LastChanged")),
    )


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a NAWS export: a document per listed meeting, a rejection per bad row."""
    unknown: Counter[str] = Counter()

    def to_doc(row: Mapping[str, str], source: SourceConfig) -> IndexDocument:
        fields = meeting_fields(row)
        unknown.update(fields.formats.unknown)
        return to_document(fields, source)

    result = collect_csv(source, root, to_doc, required_columns=REQUIRED_COLUMNS)
    return SourceLoad(
        source=source,
        documents=result.documents,
        rejections=result.rejections,
        unknown_codes=dict(unknown),
    )
