"""Link-SF facility exports (an HSDS-like Parse.com JSON of 2014) -> documents.

A list of facilities: `name`, `address`, `city`, `phone` (free text, often several numbers),
`website`, `notes`, `description`, `categories` (housing / medical / food / hygiene /
technology), `gender` (F / M), `age` (codes: C children, Y youth, A adults, S seniors),
`location` {latitude, longitude}, and nested `services` with `openHours` ({"0".."6": [[open,
close], ...]} in HHMM integers; day 0 is Sunday, as JavaScript's `getDay` counts).

Kind: housing -> housing (need shelter), medical -> health_center (primary care), the rest
-> outreach; categories and service names are kept as tags. The Link-SF data has no stated
licence, so the project ships no Link-SF data: tests use an invented sample.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, cast

from indexer.fetch import source_bytes
from indexer.normalize import make_id, normalize_phone, normalize_url, unique, with_keywords
from indexer.records import RecordError, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.bmlt.semantic import coordinate_problem
from indexer.sources.harness import Mapped, RecordLoop, at_indexes
from indexer.sources.hsds.fields import iso_date
from indexer.sources.hsds.mapping import child, items
from indexer.sources.json_input import decode_json, field_text, json_type
from indexer.sources.parts import geo_point
from service.contract.documents import (
    Address,
    Contact,
    IndexDocument,
    Kind,
    Provenance,
    Schedule,
    TimeSlot,
    Weekday,
)

_DAYS: Final[tuple[Weekday, ...]] = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_KINDS: Final[dict[str, tuple[Kind, tuple[str, ...]]]] = {
    "housing": ("housing", ("shelter",)),
    "medical": ("health_center", ("primary_care",)),
}
_AGES: Final = {"Y": "young_people", "S": "seniors"}
_GENDERS: Final = {"F": ("women", "Women only"), "M": ("men", "Men only")}
_PHONE: Final = re.compile(r"\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")


def hhmm(value: object) -> str:
    """A Link-SF time (HHMM as an integer: 730, 2359) as HH:MM; RecordError otherwise."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 2400:
        raise RecordError(f"opening time {value!r} is not HHMM")
    hours, minutes = divmod(value, 100)
    if minutes > 59:
        raise RecordError(f"opening time {value!r} is not HHMM")
    return "24:00" if value == 2400 else f"{hours:02d}:{minutes:02d}"


def schedule(services: list[Mapping[str, Any]], timezone: str | None) -> Schedule | None:
    """The weekly opening hours of all a facility's services, in the source's zone."""
    slots: list[TimeSlot] = []
    for service in services:
        hours = service.get("openHours") or {}
        if not isinstance(hours, dict):
            raise RecordError(f"openHours must be an object, got {json_type(hours)}")
        for day, spans in hours.items():
            if day not in ("0", "1", "2", "3", "4", "5", "6") or not isinstance(spans, list):
                raise RecordError(f"openHours day {day!r} is not 0-6 with a list of spans")
            for span in spans:
                if not isinstance(span, list) or len(span) != 2:
                    raise RecordError(f"openHours span {span!r} is not [open, close]")
                start, end = hhmm(span[0]), hhmm(span[1])
                if start != "24:00":
                    slots.append(TimeSlot(day=_DAYS[int(day)], start=start, end=end))
    if not slots:
        return None
    return Schedule(timezone=timezone, slots=tuple(dict.fromkeys(slots)))


def _people(record: Mapping[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """(communities, eligibility) from `gender` and the `age` codes."""
    gender = _GENDERS.get(field_text(record, "gender") or "")
    raw_ages = record.get("age")
    ages: list[Any] = raw_ages if isinstance(raw_ages, list) else []
    communities = [*([gender[0]] if gender else []), *(_AGES[a] for a in ages if a in _AGES)]
    return unique(communities), gender[1] if gender else None


def _address(record: Mapping[str, Any]) -> Address | None:
    street, city = field_text(record, "address"), field_text(record, "city")
    formatted = ", ".join(p for p in (street, city) if p) or None
    return Address(street=street, city=city, formatted=formatted) if formatted else None


def to_document(record: Mapping[str, Any], source: SourceConfig) -> IndexDocument:
    """One facility as a document; RecordError says why it cannot be."""
    record_id, name = field_text(record, "objectId"), field_text(record, "name")
    if record_id is None or name is None:
        raise RecordError("missing objectId" if record_id is None else "missing name")
    category = (field_text(record, "categories") or "").casefold()
    kind, needs = _KINDS.get(category, (cast(Kind, source.kind or "outreach"), ()))
    services = items(record, "services")
    location = child(record, "location") or {}
    phone = _PHONE.search(field_text(record, "phone") or "")
    communities, eligibility = _people(record)
    dates = [d for r in (record, *services) if (d := iso_date(r.get("updatedAt")))]
    notes = [field_text(record, k) for k in ("notes", "description")]
    doc = IndexDocument(
        id=make_id(source.id, record_id),
        kind=kind,
        name=name,
        description=" ".join(unique(n for n in notes if n)) or None,
        needs=needs,
        communities=communities,
        attendance=("in_person",),
        tags=unique([category, *(n for s in services if (n := field_text(s, "name")))]),
        eligibility=eligibility,
        status="active",
        address=_address(record),
        geo=geo_point(location.get("latitude"), location.get("longitude")),
        schedule=schedule(services, source.timezone),
        contact=Contact(
            phone=normalize_phone(phone.group(0)) if phone else None,
            website=normalize_url(field_text(record, "website")),
        ),
        provenance=Provenance(
            source=source.id,
            source_name=source.name,
            source_record_id=record_id,
            source_url=source.homepage,
            updated_at=max(dates, default=None) or source.updated_at,
            licence=source.licence,
        ),
    )
    return with_keywords(doc)


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a Link-SF export: a document per facility, a rejection per bad one."""
    records = decode_json(source_bytes(source, root), source.location)
    if not isinstance(records, list):
        raise SourceLoadError(
            f"{source.location}: the top level is {json_type(records)}, not an array"
        )
    return RecordLoop(source, _facility).run(at_indexes(source.location, records))


def _facility(record: object, source: SourceConfig) -> Mapped:
    if not isinstance(record, dict):
        raise RecordError(f"a facility must be an object, got {json_type(record)}")
    doc = to_document(record, source)
    point = child(record, "location") or {}
    problem = coordinate_problem(point.get("latitude"), point.get("longitude"))
    return Mapped(documents=(doc,), warnings=(problem,) if problem else ())
