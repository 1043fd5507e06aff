"""One HSDS 3 service (nested, as the HSDS API returns it) -> IndexDocuments.

A service is offered at places (`service_at_locations[].location`): each physical or postal
location becomes one document (id `<service id>_<location id>`), so a search near a place
finds the branch there. A service with no such location becomes one document without an
address (id `<service id>`): online when it has a virtual location, by phone when it only has
phone numbers. `inactive` and `defunct` services are not listed; `temporarily closed` ones are
listed as such.

Never read: `contacts` (people), phones that belong to a contact, `assurer_email`,
`metadata.updated_by`. Impossible coordinates (the official examples use 100 / 101) are
dropped with a warning; the geocoder may still place the address.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

import msgspec

from indexer.normalize import (
    make_id,
    normalize_phone,
    normalize_state,
    normalize_url,
    normalize_zip,
    parse_coordinate,
    unique,
    with_keywords,
)
from indexer.records import RecordError, SourceConfig
from indexer.sources.harness import Mapped
from indexer.sources.hsds import fields as f
from indexer.sources.json_input import field_text, json_type
from indexer.sources.parts import format_address, source_kind
from service.contract.documents import Address, Contact, GeoPoint, IndexDocument, Provenance, Status

Obj = Mapping[str, Any]
_STATUSES: Final[dict[str, Status | None]] = {
    "active": "active",
    "temporarily closed": "temporarily_closed",
    "temporarily_closed": "temporarily_closed",
    "inactive": None,
    "defunct": None,
}


def items(obj: Obj, key: str) -> list[Obj]:
    """A list of objects; RecordError naming the field when it is anything else."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecordError(f"{key} must be a list, got {json_type(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, dict):
            raise RecordError(f"{key}[{index}] must be an object, got {json_type(item)}")
    return value


def child(obj: Obj, key: str) -> Obj | None:
    """A nested object, or None; RecordError when it is not an object."""
    value = obj.get(key)
    if value is None or isinstance(value, dict):
        return value
    raise RecordError(f"{key} must be an object, got {json_type(value)}")


def _status(service: Obj) -> Status:
    raw = (field_text(service, "status") or "active").casefold()
    if raw not in _STATUSES:
        raise RecordError(f"status {raw!r} is not one of {', '.join(sorted(_STATUSES))}")
    status = _STATUSES[raw]
    if status is None:
        raise RecordError(f"status {raw!r}: the service is not offered")
    return status


def _phone(*owners: Obj) -> str | None:
    for owner in owners:
        for phone in items(owner, "phones"):
            kind = (field_text(phone, "type") or "voice").casefold()
            if phone.get("contact_id") or kind in ("fax", "pager"):
                continue  # a person's number, or not one to call
            number = normalize_phone(field_text(phone, "number"))
            if number:
                extension = field_text(phone, "extension")
                return f"{number} x{extension}" if extension and "x" not in number else number
    return None


def _address(location: Obj) -> Address | None:
    rows = items(location, "addresses")
    rows.sort(key=lambda a: (field_text(a, "address_type") or "physical") != "physical")
    if not rows:
        return None
    row = rows[0]
    country = (field_text(row, "country") or "US").upper()[:2]
    street = ", ".join(p for k in ("address_1", "address_2") if (p := field_text(row, k)))
    us = country == "US"
    state = normalize_state(field_text(row, "state_province")) if us else None
    raw_postal = field_text(row, "postal_code")
    postal = normalize_zip(raw_postal) if us else raw_postal
    city = field_text(row, "city")
    return Address(
        place_name=field_text(location, "name"),
        street=street or None,
        city=city,
        state=state,
        postal_code=postal,
        country=country,
        formatted=format_address(street or None, city, state, postal),
        notes=field_text(location, "transportation"),
        approximate=not street,
    )


def _geo(location: Obj, warnings: list[str]) -> GeoPoint | None:
    raw_lat, raw_lng = location.get("latitude"), location.get("longitude")
    if raw_lat is None and raw_lng is None:
        return None
    lat = parse_coordinate(raw_lat, low=-90.0, high=90.0)
    lng = parse_coordinate(raw_lng, low=-180.0, high=180.0)
    if lat is None or lng is None or (lat == 0.0 and lng == 0.0):
        where = field_text(location, "_where") or f"location {field_text(location, 'id') or '?'}"
        warnings.append(
            f"{where}: ({raw_lat!r}, {raw_lng!r}) is not a valid latitude, longitude; "
            "kept without coordinates"
        )
        return None
    return GeoPoint(lat=lat, lng=lng)


def _languages(owners: Iterable[Obj]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    codes: list[str] = []
    names: list[str] = []
    for owner in owners:
        for entry in items(owner, "languages"):
            code, name = f.language_code(entry)
            codes.extend([code] if code else [])
            names.extend([name] if name else [])
    return unique(codes), unique(names)


def _terms(service: Obj) -> list[str]:
    names: list[str] = []
    for attribute in items(service, "attributes"):
        term = child(attribute, "taxonomy_term") or {}
        names.extend(n for n in (field_text(term, "name"), field_text(attribute, "label")) if n)
    return names


def _updated_at(service: Obj) -> str | None:
    # The later of "changed" and "last checked": both say the listing was seen to be right.
    dates = [d for k in ("last_modified", "assured_date") if (d := f.iso_date(service.get(k)))]
    return max(dates, default=None)


def _description(service: Obj) -> str | None:
    parts = [field_text(service, "description")]
    if alert := field_text(service, "alert"):
        parts.append(f"Alert: {alert}")
    return " ".join(p for p in parts if p) or None


def _eligibility(service: Obj) -> str | None:
    text = field_text(service, "eligibility_description")
    low, high = field_text(service, "minimum_age"), field_text(service, "maximum_age")
    ages = f"Ages {low or '0'}-{high}" if high else (f"Ages {low}+" if low else None)
    return " ".join(p for p in (text, f"({ages})" if ages and text else ages) if p) or None


def _costs(service: Obj) -> tuple[str, ...]:
    free = any(
        str(option.get("amount")) in ("0", "0.0")
        for option in items(service, "cost_options")
        if option.get("amount") is not None
    )
    fees = f.words_to_codes([field_text(service, "fees_description")], f.COST_WORDS)
    return unique((*(("free",) if free else ()), *fees))


def _base(service: Obj, source: SourceConfig, service_id: str) -> IndexDocument:
    """The fields every document of a service shares."""
    organization = child(service, "organization") or {}
    terms = _terms(service)
    name = field_text(service, "name")
    if name is None:
        raise RecordError("missing name")
    languages, other_languages = _languages([service])
    return IndexDocument(
        id=make_id(source.id, service_id),
        kind=source_kind(source, "outreach"),
        name=name,
        description=_description(service),
        organization=field_text(organization, "name"),
        needs=f.words_to_codes([name, *terms], f.NEED_WORDS),
        languages=languages,
        costs=_costs(service),
        tags=unique(
            (*terms, *other_languages, *[a for a in [field_text(service, "alternate_name")] if a])
        ),
        eligibility=_eligibility(service),
        status=_status(service),
        service_area=f.service_area(
            field_text(area, "name") for area in items(service, "service_areas")
        ),
        contact=Contact(
            phone=_phone(service, organization),
            website=normalize_url(field_text(service, "url"))
            or normalize_url(field_text(organization, "website")),
            email=field_text(service, "email"),
        ),
        provenance=Provenance(
            source=source.id,
            source_name=source.name,
            source_record_id=service_id,
            source_url=normalize_url(field_text(service, "url")) or source.homepage,
            updated_at=_updated_at(service) or source.updated_at,
            licence=source.licence,
        ),
    )


def _located(
    base: IndexDocument, service: Obj, sal: Obj, location: Obj, source: SourceConfig
) -> tuple[IndexDocument | None, list[str]]:
    """The document of a service at one physical location (None when it has no place)."""
    warnings: list[str] = []
    address, geo = _address(location), _geo(location, warnings)
    location_id = field_text(location, "id") or field_text(sal, "id")
    if (address is None and geo is None) or location_id is None:
        warnings.append(f"location {location_id or '?'}: no address and no coordinates; skipped")
        return None, warnings
    rows = items(sal, "schedules") or items(service, "schedules") or items(location, "schedules")
    if problem := f.offset_problem(rows, source.timezone):
        warnings.append(problem)
    languages, other_languages = _languages([location])
    access_texts = [
        field_text(entry, key)
        for entry in items(location, "accessibility")
        for key in ("description", "details")
    ]
    record_id = f"{base.provenance.source_record_id}_{location_id}"
    doc = msgspec.structs.replace(
        base,
        id=make_id(source.id, record_id),
        languages=unique((*base.languages, *languages)),
        accessibility=f.words_to_codes(access_texts, f.ACCESS_WORDS),
        attendance=("in_person",),
        tags=unique((*base.tags, *other_languages)),
        address=address,
        geo=geo,
        schedule=f.schedule(rows, timezone=source.timezone),
        contact=msgspec.structs.replace(
            base.contact, phone=_phone(sal, location) or base.contact.phone
        ),
        provenance=msgspec.structs.replace(base.provenance, source_record_id=record_id),
    )
    return doc, warnings


def _remote(
    base: IndexDocument, service: Obj, virtual: list[Obj], source: SourceConfig
) -> IndexDocument:
    """The one document of a service offered at no physical place."""
    link = next((u for loc in virtual if (u := normalize_url(field_text(loc, "url")))), None)
    modes = ("online",) if virtual else (("phone",) if base.contact.phone else ())
    rows = items(service, "schedules")
    return msgspec.structs.replace(
        base,
        attendance=modes,
        schedule=f.schedule(rows, timezone=source.timezone),
        contact=msgspec.structs.replace(base.contact, meeting_url=link),
    )


def service_documents(service: Obj, source: SourceConfig) -> Mapped:
    """Every document of one nested HSDS service; RecordError when the service is unusable."""
    service_id = field_text(service, "id")
    if service_id is None:
        raise RecordError("missing id")
    base = _base(service, source, service_id)
    documents: list[IndexDocument] = []
    warnings: list[str] = []
    virtual: list[Obj] = []
    for sal in items(service, "service_at_locations"):
        location = child(sal, "location") or {}
        if (field_text(location, "location_type") or "physical").casefold() == "virtual":
            virtual.append(location)
            continue
        doc, problems = _located(base, service, sal, location, source)
        warnings.extend(problems)
        if doc is not None:
            documents.append(with_keywords(doc))
    # Offered online as well as at places: the online offer is a document of its own.
    if virtual or not documents:
        documents.append(with_keywords(_remote(base, service, virtual, source)))
    return Mapped(documents=tuple(documents), warnings=tuple(warnings))
