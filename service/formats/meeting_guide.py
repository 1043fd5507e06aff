"""IndexDocument -> Meeting Guide feed entries (Code4Recovery spec, read by TSML UI and others).

One entry per weekly slot, because a Meeting Guide meeting has one start time:
- a document with one slot keeps its id as the slug;
- a document with several slots gives one entry per slot, slugged `<id>-<day>-<HHMM>`
  (`aasepia-x-mon-1900`), so each entry has its own, stable slug;
- a document with no slot (by appointment) gives one entry without day and time, which is
  how TSML lists meetings by appointment.
The spec caps slugs at 64 characters; a longer slug keeps its first 55 characters and ends
with `-` and 8 hex digits of the SHA-256 of the whole slug, so it stays unique and stable.

Other choices:
- `attendance_option` is what the document states: `inactive` when temporarily closed (with
  the `TC` type), else `hybrid`, `in_person`, or `online` (a meeting by phone only is
  `online`, as in TSML); it is left out when the source did not say how people attend.
- `latitude` / `longitude` only for meetings people attend in person, and only when the
  document has a point. An online meeting has no venue: it is written under the town of its
  service area (`service_area.locality`, else its state) with `approximate: "yes"`, because
  meeting finders drop a meeting with no place at all (TSML UI: "no address information")
  and `approximate` tells them not to show it in person.
- `end_time` `24:00` (until midnight) is written `23:59`: the spec's times stop at 23:59.
- `updated` is the source's last update as `YYYY-MM-DD HH:MM:SS` (midnight for a date), or a
  steward's correction when that is later.
- `regions` is `[state, city]` (or `[city]`) of the meeting's address, for the region menus
  of meeting finders; `entity` is the source that publishes the listing.
- `url` is the listing's page at its source, else the meeting's website.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Final, Literal

import msgspec

from service.contract.documents import Address, IndexDocument, TimeSlot, Weekday
from service.formats.meeting_guide_types import type_codes

AttendanceOption = Literal["in_person", "online", "hybrid", "inactive"]

# Meeting Guide numbers days from Sunday.
DAY_NUMBERS: Final[dict[Weekday, int]] = {
    "sun": 0,
    "mon": 1,
    "tue": 2,
    "wed": 3,
    "thu": 4,
    "fri": 5,
    "sat": 6,
}
# Part of the feed's ETag: change it whenever the mapping changes, so that clients holding
# a cached feed get the new one even though the index has not changed.
FORMAT_VERSION: Final = "meeting-guide/2"
MAX_SLUG_CHARS: Final = 64
MAX_NAME_CHARS: Final = 255
_HASH_CHARS: Final = 8


class MeetingGuideMeeting(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One meeting of a Meeting Guide feed, with the spec's field names."""

    name: str
    slug: str
    day: int | None = None
    time: str | None = None
    end_time: str | None = None
    timezone: str | None = None
    types: list[str] = msgspec.field(default_factory=list)
    location: str | None = None
    location_notes: str | None = None
    formatted_address: str | None = None
    address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    approximate: Literal["yes", "no"] | None = None
    latitude: float | None = None
    longitude: float | None = None
    regions: list[str] = msgspec.field(default_factory=list)
    conference_url: str | None = None
    conference_url_notes: str | None = None
    conference_phone: str | None = None
    attendance_option: AttendanceOption | None = None
    notes: str | None = None
    url: str | None = None
    updated: str | None = None
    entity: str | None = None


feed_encoder: Final = msgspec.json.Encoder()


def attendance_option(doc: IndexDocument) -> AttendanceOption | None:
    """How people attend, in Meeting Guide's words; None when the source did not say."""
    modes = set(doc.attendance)
    if doc.status == "temporarily_closed":
        return "inactive"
    if "hybrid" in modes or ("in_person" in modes and modes & {"online", "phone"}):
        return "hybrid"
    if "in_person" in modes:
        return "in_person"
    if modes & {"online", "phone"}:
        return "online"
    return None


def slug_for(doc_id: str, slot: TimeSlot | None, *, several: bool) -> str:
    """A stable, URL-safe slug of at most 64 characters for one slot of a document."""
    slug = doc_id
    if several and slot is not None:
        slug = f"{doc_id}-{slot.day}-{slot.start.replace(':', '')}"
    if len(slug) <= MAX_SLUG_CHARS:
        return slug
    digest = hashlib.sha256(slug.encode()).hexdigest()[:_HASH_CHARS]
    return f"{slug[: MAX_SLUG_CHARS - _HASH_CHARS - 1]}-{digest}"


def clock(value: str | None) -> str | None:
    """A Meeting Guide time: `24:00` (until midnight) becomes `23:59`."""
    return "23:59" if value == "24:00" else value


def updated(value: str | None) -> str | None:
    """The source's update time as the spec's `YYYY-MM-DD HH:MM:SS` in UTC."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _remote_place(doc: IndexDocument) -> Address | None:
    """The city-level place an online meeting is listed under, if its service area has one."""
    area = doc.service_area
    if area is None:
        return None
    if area.locality is not None:
        return area.locality
    if len(area.states) == 1:
        return Address(state=area.states[0], formatted=area.states[0], approximate=True)
    return None


def _place_fields(doc: IndexDocument) -> dict[str, Any]:
    address = doc.address or _remote_place(doc)
    fields: dict[str, Any] = {}
    if address is not None:
        fields = {
            "location": address.place_name,
            "location_notes": address.notes,
            "formatted_address": address.formatted,
            "address": address.street,
            "city": address.city,
            "state": address.state,
            "postal_code": address.postal_code,
            "country": address.country,
            "approximate": "yes" if address.approximate else "no",
            "regions": [r for r in (address.state, address.city) if r],
        }
    if doc.geo is not None and "in_person" in doc.attendance:
        fields["latitude"] = doc.geo.lat
        fields["longitude"] = doc.geo.lng
    return fields


def feed_entries(doc: IndexDocument) -> list[MeetingGuideMeeting]:
    """The Meeting Guide entries of one document: one per weekly slot (see module docstring)."""
    schedule = doc.schedule
    contact = doc.contact
    base = MeetingGuideMeeting(
        name=doc.name[:MAX_NAME_CHARS],
        slug=doc.id,
        timezone=schedule.timezone if schedule else None,
        types=type_codes(doc),
        conference_url=contact.meeting_url,
        conference_url_notes=contact.meeting_notes,
        conference_phone=contact.meeting_phone,
        attendance_option=attendance_option(doc),
        notes=doc.description,
        url=doc.provenance.source_url or contact.website,
        updated=max(
            (u for u in (updated(doc.provenance.updated_at), updated(doc.corrected_at)) if u),
            default=None,
        ),
        entity=doc.provenance.source_name,
    )
    base = msgspec.structs.replace(base, **_place_fields(doc))
    slots = schedule.slots if schedule else ()
    if not slots:
        return [msgspec.structs.replace(base, slug=slug_for(doc.id, None, several=False))]
    several = len(slots) > 1
    return [
        msgspec.structs.replace(
            base,
            slug=slug_for(doc.id, slot, several=several),
            day=DAY_NUMBERS[slot.day],
            time=clock(slot.start),
            end_time=clock(slot.end),
        )
        for slot in slots
    ]


def sort_key(entry: MeetingGuideMeeting) -> tuple[int, str, str, str]:
    """Feed order: by day (by appointment last), time, name, then slug."""
    day = entry.day if entry.day is not None else 7
    return (day, entry.time or "", entry.name.casefold(), entry.slug)


def encode_feed(docs: Sequence[IndexDocument]) -> bytes:
    """A whole feed, as the JSON array the spec defines, in a stable order."""
    entries = [entry for doc in docs for entry in feed_entries(doc)]
    entries.sort(key=sort_key)
    return feed_encoder.encode(entries)
