"""Meeting Guide JSON feeds (Code4Recovery spec, TSML plugin) -> IndexDocuments.

Choices worth knowing:
- Online- or phone-only meetings get no address and no `_geo`: the city centre many feeds
  attach to them is not a venue (TSML #62 #95). Their US state, when known, becomes a
  `service_area` with the city as its `locality`, and the feed's region names become tags
  so a search for the city still finds them. When the source names its states
  (`states` in the sources file) and the address is in another one, the address is a
  placeholder: the source's states are the service area and no locality is kept. A meeting
  whose attendance the feed does not state keeps its (approximate) address but no `_geo`.
- An online meeting whose venue is temporarily closed (`TC` with a link or dial-in) is
  active, and keeps `TC` as the tag "Location Temporarily Closed" so feeds written from
  the index say it again.
- Physical accessibility (wheelchair, accessible bathroom, childcare, fragrance free) is
  dropped when the feed says the meeting is online or by phone only (TSML users' complaint:
  "wheelchair accessible" on a Zoom meeting).
- A hybrid or online meeting with a conference phone also gets the `phone` attendance.
- Languages come from the type codes. A meeting with no language code in a US or Canadian
  feed is taken as English (these feeds mark the other languages and rarely English
  itself); elsewhere none is assumed. A meeting marked `S` only is Spanish.
- Members' contact fields (email, phone, contact_*, people, author, venmo, paypal...) are
  never read. Notes and joining instructions go through `scrub_personal`, because feeds
  write "email someone@... for the password" there; the dial-in stays in `meeting_phone`.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, Final, cast

from indexer.fetch import read_file, source_bytes
from indexer.normalize import (
    clean_text,
    make_id,
    normalize_url,
    parse_coordinate,
    scrub_personal,
    unique,
    with_keywords,
)
from indexer.records import RecordError, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.harness import Kept, Mapped, Record, RecordLoop, at_indexes
from indexer.sources.json_input import decode_json, json_type
from indexer.sources.meeting_guide.fellowships import FELLOWSHIP_CODES, fellowship_of
from indexer.sources.meeting_guide.place import (
    Attendance,
    Conference,
    Place,
    attendance,
    default_country,
    read_conference,
    read_place,
)
from indexer.sources.meeting_guide.schedule import parse_schedule
from indexer.sources.meeting_guide.types import MeetingTypes, map_types, type_codes
from indexer.sources.meeting_guide.types import unknown_type_codes as unknown_type_codes
from service.contract.documents import (
    Address,
    Contact,
    GeoPoint,
    IndexDocument,
    Kind,
    Provenance,
    ServiceArea,
)
from service.contract.vocabulary import KINDS

# Needs a venue to be useful; meaningless for a meeting nobody attends in person.
_PHYSICAL_ACCESS: Final = frozenset(
    {"wheelchair", "accessible_bathroom", "childcare", "fragrance_free"}
)
# The name of `TC` in the crosswalk, kept as a tag on meetings that still meet remotely.
VENUE_CLOSED_TAG: Final = "Location Temporarily Closed"
_UPDATED_FORMATS: Final = (
    ("%Y-%m-%d %H:%M:%S", True),
    ("%Y-%m-%dT%H:%M:%S", True),
    ("%m/%d/%Y %I:%M:%S %p", True),
    ("%Y-%m-%d", False),
    ("%m/%d/%Y", False),
)


def read_feed(path: Path) -> list[Any]:
    """The records of a feed file; SourceLoadError when it is not a JSON array."""
    return decode_feed(read_file(path), str(path))


def decode_feed(raw: bytes, where: str) -> list[Any]:
    """The records of a feed's bytes; SourceLoadError naming `where` when not a JSON array."""
    value = decode_json(raw, where)
    if not isinstance(value, list):
        raise SourceLoadError(f"{where}: the top level is {json_type(value)}, not an array")
    return value


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Read one feed: a document per valid meeting, a rejection per bad one."""
    records = decode_feed(source_bytes(source, root), source.location)
    loop = RecordLoop(source, _meeting, on_duplicate=_repeated_slug)
    result = loop.run(at_indexes(source.location, records))
    overrides = FELLOWSHIP_CODES.get(source.fellowship or "", {})
    result.unknown_codes = dict(unknown_type_codes(records, overrides))
    return result


def _meeting(record: object, source: SourceConfig) -> Mapped:
    if not isinstance(record, dict):
        raise RecordError(f"a meeting must be an object, got {json_type(record)}")
    return to_mapped(record, source)


def _repeated_slug(kept: Kept, doc: IndexDocument, _record: Record[Any]) -> str:
    slug = doc.provenance.source_record_id
    return f"duplicate slug {slug!r} (first at [{kept.record.number}])"


def _slug(record: Mapping[str, Any]) -> str:
    slug = record.get("slug")
    if isinstance(slug, bool) or not isinstance(slug, str | int):
        raise RecordError("missing slug" if slug is None else f"slug {slug!r} is not a string")
    text = clean_text(slug)
    if text is None:
        raise RecordError("missing slug")
    return text


def _kind(source: SourceConfig) -> Kind:
    kind = source.kind or "meeting"
    if kind not in KINDS.codes:
        raise RecordError(f"source kind {kind!r} is not one of {KINDS.ordered_codes()}")
    return cast(Kind, kind)


def parse_updated(value: object) -> str | None:
    """`updated` as ISO 8601 (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SS`); None if unreadable."""
    text = clean_text(value)
    if text is None:
        return None
    for pattern, has_time in _UPDATED_FORMATS:
        try:
            parsed = datetime.strptime(text, pattern)
        except ValueError:
            continue
        return parsed.isoformat() if has_time else parsed.date().isoformat()
    return None


def _geo(record: Mapping[str, Any]) -> GeoPoint | None:
    lat = parse_coordinate(record.get("latitude"), low=-90.0, high=90.0)
    lng = parse_coordinate(record.get("longitude"), low=-180.0, high=180.0)
    if lat is None or lng is None or (lat == 0.0 and lng == 0.0):
        return None
    return GeoPoint(lat=lat, lng=lng)


def _timezone(record: Mapping[str, Any], source: SourceConfig) -> str | None:
    name = clean_text(record.get("timezone"))
    if name is None:
        return source.timezone
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError) as error:
        raise RecordError(f"timezone {name!r} is not an IANA time zone") from error
    return name


def _contact(record: Mapping[str, Any], conference: Conference) -> Contact:
    notes = " ".join(
        text
        for text in (
            clean_text(record.get(key))
            for key in ("conference_url_notes", "conference_phone_notes")
        )
        if text
    )
    website = next(
        (
            url
            for key in ("url", "website", "location_url")
            if (url := normalize_url(record.get(key)))
        ),
        None,
    )
    return Contact(
        website=website,
        meeting_url=conference.url,
        meeting_phone=conference.phone,
        meeting_notes=scrub_personal(notes or None),
    )


def _regions(record: Mapping[str, Any]) -> tuple[str, ...]:
    regions = record.get("regions")
    names = (
        regions if isinstance(regions, list) else [record.get("region"), record.get("sub_region")]
    )
    return unique(text for name in names if (text := clean_text(name)))


def _description(record: Mapping[str, Any]) -> str | None:
    text = scrub_personal(clean_text(record.get("notes")))
    # Feeds send placeholders such as "," or "-" for empty notes.
    return text if text and any(ch.isalnum() for ch in text) else None


def _languages(types: MeetingTypes, place: Place, source: SourceConfig) -> tuple[str, ...]:
    if types.states_language:
        return types.languages
    country = place.country or default_country(source.timezone)
    return ("en",) if country in ("US", "CA") else ()


def _locality(address: Address | None, state: str | None) -> Address | None:
    """The city-level part of a remote meeting's address: no venue, no street."""
    if address is None or address.city is None:
        return None
    region = " ".join(p for p in (state, address.postal_code) if p)
    return Address(
        city=address.city,
        state=state,
        postal_code=address.postal_code,
        country=address.country,
        formatted=", ".join(p for p in (address.city, region) if p),
        approximate=True,
    )


def _remote_area(place: Place, source: SourceConfig) -> ServiceArea | None:
    """Where a remote meeting serves: its state, unless the source says it is elsewhere."""
    if place.state is not None and source.states and place.state not in source.states:
        return ServiceArea(states=source.states)
    if place.state is not None:
        return ServiceArea(states=(place.state,), locality=_locality(place.address, place.state))
    # No state in the record: the source's own state, when it names one. A town of an
    # unknown country is not kept ("Tbilisi, Georgia" is no Georgia, USA).
    states = source.states if place.country in (None, "US") else ()
    own = states[0] if len(states) == 1 else None
    known = place.country is not None or bool(states)
    locality = _locality(place.address, own) if known else None
    return ServiceArea(states=states, locality=locality) if states or locality else None


def _location_fields(
    record: Mapping[str, Any], place: Place, att: Attendance, source: SourceConfig
) -> dict[str, Any]:
    """Address, `_geo` and service area for the attendance the feed states."""
    if att.physical:
        return {"address": place.address, "geo": _geo(record)}
    # Attendance unknown: keep the feed's (approximate) place, but put no pin on a map.
    address = place.address if not att.modes else None
    return {"address": address, "geo": None, "service_area": _remote_area(place, source)}


def _provenance(record: Mapping[str, Any], source: SourceConfig, slug: str) -> Provenance:
    return Provenance(
        source=source.id,
        source_name=source.name,
        source_record_id=slug,
        source_url=normalize_url(record.get("url")),
        updated_at=parse_updated(record.get("updated")),
        licence=source.licence,
        feedback_url=normalize_url(record.get("feedback_url")),
    )


def to_document(record: Mapping[str, Any], source: SourceConfig) -> IndexDocument:
    """One meeting as an IndexDocument, not yet checked by `validate_document`; or RecordError."""
    return to_mapped(record, source).documents[0]


def to_mapped(record: Mapping[str, Any], source: SourceConfig) -> Mapped:
    """One meeting's document and what was dropped from it; or RecordError."""
    raw_name = record.get("name")
    name = clean_text(raw_name) if isinstance(raw_name, str | int) else None
    if name is None:
        raise RecordError("missing name")
    slug = _slug(record)
    overrides = FELLOWSHIP_CODES.get(source.fellowship or "", {})
    types = map_types(type_codes(record.get("types")), overrides)
    place = read_place(record, fallback_country=default_country(source.timezone))
    conference = read_conference(record)
    att = attendance(record, types, conference, street_level=place.street_level)
    needs, organization = fellowship_of(source.fellowship)
    access = types.accessibility
    if att.modes and "in_person" not in att.modes:
        access = tuple(code for code in access if code not in _PHYSICAL_ACCESS)
    location = _location_fields(record, place, att, source)
    regions = _regions(record) if location["address"] is None else ()
    if types.temporarily_closed and att.status == "active":
        regions = (VENUE_CLOSED_TAG, *regions)
    doc = IndexDocument(
        id=make_id(source.id, slug),
        kind=_kind(source),
        name=name,
        description=_description(record),
        organization=organization,
        needs=unique((*needs, *types.needs)),
        languages=_languages(types, place, source),
        communities=types.communities,
        accessibility=access,
        attendance=att.modes,
        costs=("donation",),
        tags=unique((*types.tags, *regions)),
        status=att.status,
        schedule=parse_schedule(record, timezone=_timezone(record, source)),
        contact=_contact(record, conference),
        provenance=_provenance(record, source, slug),
        **location,
    )
    return Mapped(documents=(with_keywords(doc),), warnings=conference.warnings)
