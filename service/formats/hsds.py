"""IndexDocument -> HSDS 3.1 service (Open Referral Human Services Data Specification).

Every Pathways resource (a meeting too) is one HSDS service. Choices:
- ids are deterministic UUIDs (service/formats/hsds_taxonomy.py);
- `status` is `active` or `temporarily closed`;
- a resource with an address or a point has one `physical` location; one with a meeting
  link (or online attendance and a website) also has a `virtual` location with that URL;
  an online-only meeting has no physical location and no made-up address;
- HSDS requires every part of an address, so a part we do not know is an empty string;
- weekly slots with the same hours are one schedule (`freq=WEEKLY`, `byday=MO,WE`),
  `opens_at` / `closes_at` as `HH:MM:SS` venue-local (an end at 24:00 is `23:59:59`);
  HSDS gives a schedule a numeric UTC offset, not an IANA zone (HSDS #265), so `timezone`
  is the venue zone's offset on the day of the response: it is wrong for dates across a
  daylight-saving change, and clients that need that should use the zone from
  `/v1/resources/{id}`;
- `last_modified` is the source's update time (taken as UTC when it has no offset), or a
  steward's later correction; `assured_date` is the day a steward last checked the listing,
  else the source's update date; a source that gives only a date sets `assured_date` only;
- vocabulary values are attributes linking taxonomy terms, and costs are also cost options;
- organizations: Pathways keeps an organization's name only, so its id is derived from the
  name and its required description repeats the name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Final
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from service.contract.documents import WEEKDAYS, IndexDocument, TimeSlot
from service.contract.vocabulary import ACCESSIBILITY, ATTENDANCE, COSTS, LANGUAGES, Vocabulary
from service.formats import hsds_models as m
from service.formats.hsds_taxonomy import attributes, hsds_id

HSDS_VERSION: Final = "3.1"
# Paging bounds of /hsds/services: larger pages than /v1/search, as HSDS clients harvest.
HSDS_MAX_PER_PAGE: Final = 100
HSDS_MAX_PAGE: Final = 100_000
# Pathways implements base HSDS 3.1, with no profile of its own.
HSDS_PROFILE: Final = "https://docs.openreferral.org/en/3.1/hsds/overview.html"
RRULE_DAYS: Final = {day: day[:2].upper() for day in WEEKDAYS}
_PHYSICAL_ACCESS: Final = frozenset(
    {"wheelchair", "accessible_bathroom", "childcare", "child_friendly", "fragrance_free"}
)
_EXTENSION: Final = re.compile(r"^(.*?)\s*x(\d+)$")
# RFC 3986 reserved and unreserved characters; everything else is percent-encoded.
_URI_SAFE: Final = ":/?#[]@!$&'()*+,;=%-._~"


def _label(vocabulary: Vocabulary, code: str) -> str:
    return next((t.en for t in vocabulary.terms if t.code == code), code)


def service_id(doc_id: str) -> str:
    """The HSDS id of the service for a Pathways id."""
    return hsds_id(doc_id)


def uri(url: str | None) -> str | None:
    """A URL made a valid RFC 3986 URI by percent-encoding what may not appear in one."""
    return quote(url, safe=_URI_SAFE) if url else None


def utc_offset_hours(timezone: str | None, now: datetime) -> float | None:
    """Hours east of UTC of an IANA zone at an instant; None for no or an unknown zone."""
    if not timezone:
        return None
    try:
        offset = now.astimezone(ZoneInfo(timezone)).utcoffset()
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return None if offset is None else offset.total_seconds() / 3600


def _dates(updated_at: str | None) -> tuple[str | None, str | None]:
    """(assured_date, last_modified) from the source's update time."""
    if not updated_at:
        return None, None
    date, _, time = updated_at.partition("T")
    if not time:
        return date, None
    has_offset = time.endswith("Z") or "+" in time or "-" in time
    return date, updated_at if has_offset else f"{updated_at}Z"


def _organization(name: str | None) -> m.Organization | None:
    if not name:
        return None
    return m.Organization(
        id=hsds_id(f"organization:{name.casefold()}"), name=name, description=name
    )


def summary(doc: IndexDocument) -> m.ServiceSummary:
    """A service's one-to-one fields, as `/services` lists them."""
    assured, modified = _dates(doc.provenance.updated_at)
    if doc.checked is not None:
        assured = doc.checked.on
    if doc.corrected_at is not None and (modified is None or doc.corrected_at > modified):
        modified = doc.corrected_at
    organization = _organization(doc.organization)
    costs = [_label(COSTS, code) for code in doc.costs]
    return m.ServiceSummary(
        id=service_id(doc.id),
        name=doc.name,
        status="temporarily closed" if doc.status == "temporarily_closed" else "active",
        organization_id=organization.id if organization else None,
        description=doc.description,
        url=uri(doc.contact.website),
        email=doc.contact.email,
        fees_description="; ".join(costs) or None,
        eligibility_description=doc.eligibility,
        assured_date=assured,
        last_modified=modified,
        organization=organization,
    )


def _phone(doc_id: str, key: str, number: str, description: str | None) -> m.Phone:
    match = _EXTENSION.match(number)
    extension = int(match[2]) if match else None
    return m.Phone(
        id=hsds_id(f"{doc_id}#phone:{key}"),
        number=match[1] if match else number,
        extension=extension,
        type="voice",
        description=description,
    )


def phones(doc: IndexDocument) -> list[m.Phone]:
    """The service's phone and, for a meeting with a dial-in, the dial-in number."""
    found = []
    if doc.contact.phone:
        found.append(_phone(doc.id, "main", doc.contact.phone, None))
    if doc.contact.meeting_phone:
        found.append(_phone(doc.id, "dial-in", doc.contact.meeting_phone, "Dial-in number"))
    return found


def _clock(value: str | None) -> str | None:
    if value is None:
        return None
    return "23:59:59" if value == "24:00" else f"{value}:00"


def schedules(doc: IndexDocument, *, now: datetime) -> list[m.Schedule]:
    """Weekly schedules, one per distinct (opens, closes), or a by-appointment note."""
    schedule = doc.schedule
    if schedule is None:
        return []
    attending = ", ".join(_label(ATTENDANCE, code) for code in doc.attendance) or None
    offset = utc_offset_hours(schedule.timezone, now)
    if not schedule.slots:
        description = "By appointment" if schedule.by_appointment else None
        if description is None and schedule.notes is None:
            return []
        return [
            m.Schedule(
                id=hsds_id(f"{doc.id}#schedule:appointment"),
                description=description,
                attending_type=attending,
                notes=schedule.notes,
            )
        ]
    groups: dict[tuple[str, str | None], list[TimeSlot]] = {}
    for slot in schedule.slots:
        groups.setdefault((slot.start, slot.end), []).append(slot)
    return [
        m.Schedule(
            id=hsds_id(f"{doc.id}#schedule:{start}-{end or ''}"),
            freq="WEEKLY",
            byday=",".join(RRULE_DAYS[day] for day in WEEKDAYS if day in {s.day for s in slots}),
            opens_at=_clock(start),
            closes_at=_clock(end),
            timezone=offset,
            attending_type=attending,
            notes=schedule.notes,
        )
        for (start, end), slots in groups.items()
    ]


def _physical(doc: IndexDocument) -> m.Location | None:
    if doc.address is None and doc.geo is None:
        return None
    location_id = hsds_id(f"{doc.id}#location:physical")
    address = doc.address
    addresses = []
    if address is not None and (address.street or address.city):
        addresses.append(
            m.Address(
                id=hsds_id(f"{doc.id}#address"),
                location_id=location_id,
                address_1=address.street or "",
                city=address.city or "",
                state_province=address.state or "",
                postal_code=address.postal_code or "",
                country=address.country,
                address_type="physical",
            )
        )
    access = [
        m.Accessibility(
            id=hsds_id(f"{doc.id}#accessibility:{code}"),
            location_id=location_id,
            description=_label(ACCESSIBILITY, code),
        )
        for code in doc.accessibility
        if code in _PHYSICAL_ACCESS
    ]
    return m.Location(
        id=location_id,
        location_type="physical",
        name=address.place_name if address else None,
        description=address.notes if address else None,
        latitude=doc.geo.lat if doc.geo else None,
        longitude=doc.geo.lng if doc.geo else None,
        addresses=addresses,
        accessibility=access,
    )


def _virtual(doc: IndexDocument) -> m.Location | None:
    link = doc.contact.meeting_url
    if link is None and "online" in doc.attendance:
        link = doc.contact.website
    if link is None:
        return None
    return m.Location(
        id=hsds_id(f"{doc.id}#location:virtual"),
        location_type="virtual",
        url=uri(link),
        name="Online",
        description=doc.contact.meeting_notes,
    )


def service_at_locations(doc: IndexDocument) -> list[m.ServiceAtLocation]:
    """Where the service is delivered: its venue and/or its link."""
    sid = service_id(doc.id)
    locations = (loc for loc in (_physical(doc), _virtual(doc)) if loc is not None)
    return [
        m.ServiceAtLocation(
            id=hsds_id(f"{doc.id}#service_at_location:{loc.location_type}"),
            service_id=sid,
            location_id=loc.id,
            location=loc,
        )
        for loc in locations
    ]


def _service_areas(doc: IndexDocument) -> list[m.ServiceArea]:
    area = doc.service_area
    if area is None:
        return []
    if area.nationwide:
        return [m.ServiceArea(id=hsds_id(f"{doc.id}#area:US"), name="United States")]
    return [
        m.ServiceArea(
            id=hsds_id(f"{doc.id}#area:{state}"),
            name=state,
            description="US state or territory (USPS code)",
        )
        for state in area.states
    ]


def _each(doc: IndexDocument, kind: str, codes: Iterable[str]) -> Iterable[tuple[str, str]]:
    return ((hsds_id(f"{doc.id}#{kind}:{code}"), code) for code in codes)


def full_service(doc: IndexDocument, *, now: datetime) -> m.Service:
    """The fully nested service, as `/services/{id}` returns it."""
    head = summary(doc)
    return m.Service(
        **{f: getattr(head, f) for f in head.__struct_fields__},
        phones=phones(doc),
        schedules=schedules(doc, now=now),
        service_areas=_service_areas(doc),
        service_at_locations=service_at_locations(doc),
        languages=[
            m.Language(id=lid, name=_label(LANGUAGES, code), code=code)
            for lid, code in _each(doc, "language", doc.languages)
        ],
        cost_options=[
            m.CostOption(id=cid, service_id=head.id, option=_label(COSTS, code))
            for cid, code in _each(doc, "cost", doc.costs)
        ],
        attributes=attributes(doc, head.id),
    )


def page(
    contents: list[m.ServiceSummary], *, total: int, page_number: int, per_page: int
) -> m.Page:
    """A page of services with the HSDS paging fields; `size` counts this page's items."""
    total_pages = -(-total // per_page)
    return m.Page(
        total_items=total,
        total_pages=total_pages,
        page_number=page_number,
        size=len(contents),
        first_page=page_number == 1,
        last_page=page_number >= total_pages,
        empty=total == 0,
        contents=contents,
    )
