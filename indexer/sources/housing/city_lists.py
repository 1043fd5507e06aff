"""Housing and outreach lists: DC Department of Human Services shelters, NYC Homebase offices.

DC shelters publish no phone of their own: the way in is the text of HOW_TO_ACCESS (the
shelter hotline is 311), which goes into `eligibility` as written; no phone is invented.

NYC Homebase rows carry spreadsheet artefacts. A Provider that is a cell-range formula
(`l+J1:O2ongitude`) is treated as unknown (organization None), not as a reason to drop the
office: its address, phone and service area are intact.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final, TypeAlias

from indexer.normalize import (
    clean_text,
    content_key,
    make_id,
    normalize_phone,
    normalize_state,
    normalize_zip,
    unique,
    with_keywords,
)
from indexer.records import RecordError, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.csv_rows import cell, load_csv, required_cell
from indexer.sources.parts import (
    format_address,
    geo_point,
    provenance,
    require_location,
    source_kind,
    website,
)
from service.contract.documents import Address, Contact, IndexDocument, Status

ToDocument: TypeAlias = Callable[[Mapping[str, str], SourceConfig], IndexDocument]

DC_COLUMNS: Final = (
    "FACILITY_NAME", "PROVIDER", "ADDRESS", "CITY", "STATE", "ZIP", "LATITUDE", "LONGITUDE",
    "TYPE", "SUBTYPE", "STATUS", "NUMBER_OF_BEDS", "URL", "LAST_UPDATED_BY_DHS",
    "AGES_SERVED", "HOW_TO_ACCESS", "LGBTQ_FOCUSED",
)  # fmt: skip
NYC_COLUMNS: Final = (
    "Provider", "Service Area", "Service Area Zip Code", "Address", "Phone Number",
    "Postcode", "Borough", "latitude", "longitude",
)  # fmt: skip
# The NYC file has no per-row dates; it was published to its origin on 2018-04-19.
NYC_UPDATED_AT: Final = "2018-04-19"

_DC_COMMUNITIES: Final = {
    "men": ("men",),
    "women": ("women",),
    "youth": ("young_people",),
    "youth-minors": ("young_people",),
}
_DC_STATUSES: Final[dict[str, Status]] = {
    "active": "active",
    "temporarily closed": "temporarily_closed",
}
_CELL_RANGE: Final = re.compile(r"[A-Z]{1,3}\d+:[A-Z]{1,3}\d+")
_NYC_STREET_CITY_ZIP: Final = re.compile(
    r"^(?P<street>.+?),\s*(?P<city>[^,]+?),?\s+NY,?\s*(?P<zip>\d{5})?$"
)
_PARENTHESES: Final = re.compile(r"\(([^)]*)\)")
_BOROUGH_CITIES: Final = {
    "BRONX": "Bronx",
    "BROOKLYN": "Brooklyn",
    "MANHATTAN": "New York",
    "QUEENS": "Queens",
    "STATEN IS": "Staten Island",
}


def dc_to_document(row: Mapping[str, str], source: SourceConfig) -> IndexDocument:
    """One DC shelter as a housing document."""
    name = required_cell(row, "FACILITY_NAME", what="shelter name")
    street, city = cell(row, "ADDRESS"), cell(row, "CITY")
    state, postal_code = normalize_state(cell(row, "STATE")), normalize_zip(cell(row, "ZIP"))
    geo = geo_point(row.get("LATITUDE"), row.get("LONGITUDE"))
    require_location(geo, postal_code)
    types = tuple(t for t in (clean_text(p) for p in (cell(row, "TYPE") or "").split("/")) if t)
    key = content_key(name, street, postal_code)
    doc = IndexDocument(
        id=make_id(source.id, key),
        kind=source_kind(source, "housing"),
        name=name,
        organization=cell(row, "PROVIDER"),
        needs=_dc_needs(types),
        languages=("en",),
        communities=_dc_communities(row),
        attendance=("in_person",),
        costs=("free",),
        tags=unique((*types, *_dc_extra_tags(row))),
        eligibility=_dc_eligibility(row),
        status=_dc_status(row),
        address=Address(
            street=street,
            city=city,
            state=state,
            postal_code=postal_code,
            formatted=format_address(street, city, state, postal_code),
        ),
        geo=geo,
        contact=Contact(website=website(cell(row, "URL"))),
        provenance=provenance(source, key, updated_at=_date(cell(row, "LAST_UPDATED_BY_DHS"))),
    )
    return with_keywords(doc)


def _dc_needs(types: tuple[str, ...]) -> tuple[str, ...]:
    needs = ["shelter"]
    if any(t.casefold() in {"transitional", "permanent"} for t in types):
        needs.append("housing_assistance")  # a path to housing, not only a bed tonight
    if any(t.casefold() == "crisis" for t in types):
        needs.append("crisis")
    return tuple(needs)


def _dc_communities(row: Mapping[str, str]) -> tuple[str, ...]:
    # "Men & Women" names no particular community.
    found = list(_DC_COMMUNITIES.get((cell(row, "SUBTYPE") or "").casefold(), ()))
    if (cell(row, "LGBTQ_FOCUSED") or "").casefold() == "yes":
        found.append("lgbtq")
    return tuple(found)


def _dc_extra_tags(row: Mapping[str, str]) -> tuple[str, ...]:
    tags = [cell(row, "WARD")]
    if (cell(row, "ON_SITE_MEDICAL_CLINIC") or "").casefold() == "yes":
        tags.append("On-site medical clinic")
    return tuple(t for t in tags if t)


def _dc_eligibility(row: Mapping[str, str]) -> str | None:
    ages = cell(row, "AGES_SERVED")
    who = ", ".join(p for p in (cell(row, "SUBTYPE"), f"ages {ages}" if ages else None) if p)
    access, beds = cell(row, "HOW_TO_ACCESS"), cell(row, "NUMBER_OF_BEDS")
    parts = [
        f"Serves: {who}." if who else None,
        f"How to get in: {access}." if access else None,
        f"{beds} beds." if beds and beds.isdigit() else None,
    ]
    return " ".join(p for p in parts if p) or None


def _dc_status(row: Mapping[str, str]) -> Status:
    status = cell(row, "STATUS")
    if status is None:
        return "active"
    if status.casefold() not in _DC_STATUSES:
        raise RecordError(f"status {status!r}: not an open shelter")
    return _DC_STATUSES[status.casefold()]


def _date(value: str | None) -> str | None:
    # "2017-11-15T00:00:00.000Z" -> "2017-11-15"; midnight UTC stands for a date.
    return value[:10] if value and re.match(r"^\d{4}-\d{2}-\d{2}", value) else None


def nyc_to_document(row: Mapping[str, str], source: SourceConfig) -> IndexDocument:
    """One NYC Homebase office as an outreach document."""
    area = required_cell(row, "Service Area", what="service area")
    address = nyc_address(row.get("Address"), cell(row, "Postcode"), cell(row, "Borough"))
    geo = geo_point(row.get("latitude"), row.get("longitude"))
    require_location(geo, address.postal_code)
    key = content_key(area, address.street, address.postal_code)
    doc = IndexDocument(
        status="active",
        id=make_id(source.id, key),
        kind=source_kind(source, "outreach"),
        name=f"Homebase — {area}",
        organization=nyc_provider(cell(row, "Provider")),
        description="Homebase office: help to prevent eviction and homelessness, and "
        "aftercare for people leaving shelter.",
        needs=("housing_assistance",),
        languages=("en",),
        attendance=("in_person",),
        costs=("free",),
        tags=("Homebase", "homelessness prevention", "eviction prevention"),
        eligibility=_nyc_eligibility(cell(row, "Service Area Zip Code")),
        address=address,
        geo=geo,
        contact=Contact(phone=normalize_phone(cell(row, "Phone Number"))),
        provenance=provenance(source, key, updated_at=NYC_UPDATED_AT),
    )
    return with_keywords(doc)


def nyc_provider(value: str | None) -> str | None:
    """The provider's name, or None for a spreadsheet formula left in the cell."""
    if value is None or _CELL_RANGE.search(value):
        return None
    return value


def nyc_address(raw: str | None, postcode: str | None, borough: str | None) -> Address:
    """An Address from a multi-line, comma-trailed Homebase address cell."""
    text = raw or ""
    notes = "; ".join(n for n in (clean_text(m) for m in _PARENTHESES.findall(text)) if n)
    text = _PARENTHESES.sub(" ", text).replace("#", " ")
    # The source splits "Staten Island" over two lines ("Staten,\nIsland").
    text = re.sub(r"Staten,?\s+Island", "Staten Island", text.replace("\n", ", "))
    parts = [p for p in (clean_text(p) for p in text.split(",")) if p]
    one_line = ", ".join(parts)
    match = _NYC_STREET_CITY_ZIP.match(one_line)
    postal_code = normalize_zip(postcode) or (normalize_zip(match["zip"]) if match else None)
    city = match["city"] if match else _BOROUGH_CITIES.get((borough or "").upper())
    street = match["street"] if match else None
    return Address(
        street=street,
        city=city,
        state="NY",
        postal_code=postal_code,
        formatted=format_address(street, city, "NY", postal_code) if match else one_line or None,
        notes=notes or None,
    )


def _nyc_eligibility(zips: str | None) -> str | None:
    if zips is None:
        return None
    items = [z for z in (clean_text(p) for p in zips.split(",")) if z]
    if items and all(z.isdigit() and len(z) == 5 for z in items):
        return f"Serves ZIP codes: {', '.join(items)}"
    return f"Serves residents of {', '.join(items)}"


def to_document(row: Mapping[str, str], source: SourceConfig) -> IndexDocument:
    """One row of a dc_shelters or nyc_homebase source as a document."""
    return _format(source)[0](row, source)


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a dc_shelters or nyc_homebase source."""
    to_doc, columns = _format(source)
    return load_csv(source, root, to_doc, required_columns=columns)


def _format(source: SourceConfig) -> tuple[ToDocument, tuple[str, ...]]:
    if source.format == "dc_shelters":
        return dc_to_document, DC_COLUMNS
    if source.format == "nyc_homebase":
        return nyc_to_document, NYC_COLUMNS
    raise SourceLoadError(f"source {source.id!r}: format {source.format!r} is not housing")
