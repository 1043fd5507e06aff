"""One NA meeting as BMLT or a NAWS export describes it -> an IndexDocument.

`semantic.py` (semantic API JSON) and `naws.py` (NAWS spreadsheet export) read their formats into
`MeetingFields`; this module applies the rules they share:
- Attendance is what the record states: `venue_type` 1 / 2 / 3 (in person / virtual /
  hybrid) wins; without it, the VM / HY / TC formats, then a street address (in person), a
  link (online) or a dial-in number (phone). A street address plus a link or number, with no
  venue type, is hybrid, as the Meeting Guide reader decides.
- `TC` (temporarily closed facility): the venue is closed. A meeting that continues online is
  active and online; one that does not is listed `temporarily_closed`.
- Virtual meetings keep no address and no `_geo` (the venue of a virtual meeting is usually
  the service body's town); their state becomes the service area.
- Contact fields (names, e-mails, phones of members) are never read; comments and joining
  notes go through `scrub_personal`.
"""

from __future__ import annotations

import re
import zoneinfo
from typing import Final

import msgspec

from indexer.normalize import (
    clean_text,
    make_id,
    normalize_phone,
    normalize_state,
    normalize_url,
    normalize_zip,
    parse_coordinate,
    scrub_personal,
    unique,
    with_keywords,
)
from indexer.records import RecordError, SourceConfig
from indexer.sources.bmlt.formats import CLOSED_VENUE, HYBRID, VIRTUAL, MeetingFormats
from indexer.sources.meeting_guide.fellowships import FELLOWSHIPS
from indexer.sources.meeting_guide.place import default_country
from indexer.sources.parts import format_address, source_kind
from service.contract.documents import (
    Address,
    Contact,
    GeoPoint,
    IndexDocument,
    Provenance,
    Schedule,
    ServiceArea,
    Status,
    TimeSlot,
    Weekday,
)
from service.contract.vocabulary import LANGUAGES

# BMLT numbers days from Sunday = 1.
BMLT_DAYS: Final[tuple[Weekday, ...]] = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_PHYSICAL_ACCESS: Final = frozenset({"wheelchair", "child_friendly"})
_CLOCK: Final = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
_NATIONS: Final = {"US": "US", "USA": "US", "UNITED STATES": "US", "CA": "CA", "CAN": "CA"}


class MeetingFields(msgspec.Struct, frozen=True, kw_only=True):
    """A meeting's fields, read from either format, not yet interpreted."""

    record_id: str
    name: str
    weekday: int | None  # 1 = Sunday
    start: str | None  # HH:MM
    duration_min: int | None = None
    timezone: str | None = None
    venue_type: int | None = None
    formats: MeetingFormats
    place_name: str | None = None
    place_notes: str | None = None
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    nation: str | None = None
    latitude: object = None
    longitude: object = None
    link: str | None = None
    phone: str | None = None
    join_notes: str | None = None
    comments: str | None = None
    language: str | None = None
    updated_at: str | None = None


def parse_clock(value: object, *, field: str) -> int | None:
    """`HH:MM[:SS]` as minutes since midnight (duration or time of day); None when empty."""
    text = clean_text(value)
    if text is None:
        return None
    match = _CLOCK.match(text)
    if match is None or int(match[2]) > 59:
        raise RecordError(f"{field} {text!r} is not HH:MM:SS")
    return int(match[1]) * 60 + int(match[2])


def end_time(start: str, duration_min: int | None) -> str | None:
    """The wall-clock end of a meeting that starts at `start` and lasts `duration_min`."""
    if not duration_min:
        return None
    hours, minutes = (int(part) for part in start.split(":"))
    total = hours * 60 + minutes + duration_min
    if total == 24 * 60:
        return "24:00"
    total %= 24 * 60
    return f"{total // 60:02d}:{total % 60:02d}"


def _modes(fields: MeetingFields, *, street: bool) -> tuple[tuple[str, ...], Status, bool]:
    """(attendance modes, status, whether the venue is listed) as the record states them."""
    signals = fields.formats.signals
    remote = (("online",) if fields.link else ()) + (("phone",) if fields.phone else ())
    venue = fields.venue_type
    if venue == 3 or (venue is None and HYBRID in signals):
        return unique(("hybrid", "in_person", "online", *remote)), "active", True
    if venue == 2 or (venue is None and VIRTUAL in signals):
        return (remote or ("online",)), "active", False
    if CLOSED_VENUE in signals:
        if remote:
            return remote, "active", False
        return (("in_person",) if street else ()), "temporarily_closed", street
    if venue == 1:
        return ("in_person",), "active", True
    if street and remote:
        return unique(("hybrid", "in_person", "online", *remote)), "active", True
    if street:
        return ("in_person",), "active", True
    return remote, "active", False


def _timezone(fields: MeetingFields, source: SourceConfig) -> str | None:
    name = fields.timezone
    if name is None:
        return source.timezone
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise RecordError(f"time_zone {name!r} is not an IANA time zone") from error
    return name


def _schedule(fields: MeetingFields, source: SourceConfig) -> Schedule:
    zone = _timezone(fields, source)
    if fields.weekday is None or fields.start is None:
        return Schedule(timezone=zone, by_appointment=True)
    if not 1 <= fields.weekday <= 7:
        raise RecordError(f"weekday {fields.weekday} is not 1-7 (1 = Sunday)")
    slot = TimeSlot(
        day=BMLT_DAYS[fields.weekday - 1],
        start=fields.start,
        end=end_time(fields.start, fields.duration_min),
    )
    return Schedule(timezone=zone, slots=(slot,))


def _address(fields: MeetingFields, country: str) -> Address | None:
    state = normalize_state(fields.state) if country == "US" else None
    postal = normalize_zip(fields.postal_code) if country == "US" else fields.postal_code
    formatted = format_address(fields.street, fields.city, state or fields.state, postal)
    if formatted is None and fields.place_name is None:
        return None
    return Address(
        place_name=fields.place_name,
        street=fields.street,
        city=fields.city,
        state=state,
        postal_code=postal,
        country=country,
        formatted=formatted,
        notes=scrub_personal(fields.place_notes),
        approximate=fields.street is None,
    )


def _geo(fields: MeetingFields) -> GeoPoint | None:
    lat = parse_coordinate(fields.latitude, low=-90.0, high=90.0)
    lng = parse_coordinate(fields.longitude, low=-180.0, high=180.0)
    if lat is None or lng is None or (lat == 0.0 and lng == 0.0):
        return None
    return GeoPoint(lat=lat, lng=lng)


def _languages(fields: MeetingFields, country: str) -> tuple[str, ...]:
    if fields.formats.languages:
        return fields.formats.languages
    if fields.language in LANGUAGES.codes:
        return (fields.language,)
    return ("en",) if country in ("US", "CA") else ()


def to_document(fields: MeetingFields, source: SourceConfig) -> IndexDocument:
    """One NA meeting as an IndexDocument; RecordError says why it cannot be."""
    nation = (fields.nation or "").upper()
    country = _NATIONS.get(nation) or default_country(source.timezone) or "US"
    modes, status, physical = _modes(fields, street=fields.street is not None)
    access = fields.formats.accessibility
    if not physical:
        access = tuple(a for a in access if a not in _PHYSICAL_ACCESS)
    state = normalize_state(fields.state) if country == "US" else None
    # BMLT is NA's tool, but other fellowships run servers too: the source may say which.
    needs, organization = FELLOWSHIPS.get(source.fellowship or "NA", FELLOWSHIPS["NA"])
    doc = IndexDocument(
        id=make_id(source.id, fields.record_id),
        kind=source_kind(source, "meeting"),
        name=fields.name,
        description=scrub_personal(fields.comments),
        organization=organization,
        needs=needs,
        languages=_languages(fields, country),
        communities=fields.formats.communities,
        accessibility=access,
        attendance=modes,
        costs=("donation",),
        tags=fields.formats.tags,
        status=status,
        address=_address(fields, country) if physical else None,
        geo=_geo(fields) if physical else None,
        service_area=ServiceArea(states=(state,)) if state and not physical else None,
        schedule=_schedule(fields, source),
        contact=Contact(
            meeting_url=normalize_url(fields.link),
            meeting_phone=normalize_phone(fields.phone),
            meeting_notes=scrub_personal(fields.join_notes),
        ),
        provenance=Provenance(
            source=source.id,
            source_name=source.name,
            source_record_id=fields.record_id,
            source_url=source.homepage,
            updated_at=fields.updated_at or source.updated_at,
            licence=source.licence,
        ),
    )
    return with_keywords(doc)
