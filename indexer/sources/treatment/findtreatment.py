"""FindTreatment.gov facility records (CSV with the locator's full service names).

Each row becomes a treatment document; a facility offering "Telemedicine/telehealth therapy"
also becomes a telehealth document (id suffix "-tele", no address, serving its own state,
because telehealth is licensed per state). Service names map onto our vocabularies through
`SERVICE_CROSSWALK`; every other name is kept in `tags`, so no source text is lost.

Duplicates: the file lists one facility several times (one row per house or program, with
the same name, city, ZIP and phone). Those rows share an id and are merged into one
document carrying the union of their services (`merge_duplicates`): one phone number, one
result, everything it offers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Final

import msgspec

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
from indexer.records import SourceConfig, SourceLoad
from indexer.sources.csv_rows import cell, load_csv, required_cell
from indexer.sources.parts import (
    format_address,
    geo_point,
    provenance,
    require_location,
    source_kind,
    website,
)
from indexer.sources.treatment.findtreatment_codes import (
    LOCATOR_CODES,
    NEGATIONS,
    SERVICE_CROSSWALK,
    TELEHEALTH,
    TELEHEALTH_CODE,
    lookup,
)
from service.contract.documents import (
    MULTI_VALUED_FILTER_ATTRIBUTES,
    Address,
    Contact,
    IndexDocument,
    ServiceArea,
)

__all__ = ["LOCATOR_CODES", "NEGATIONS", "SERVICE_CROSSWALK", "TELEHEALTH"]

REQUIRED_COLUMNS: Final = (
    "Name", "City", "State", "ZIP", "Phone", "Website", "Latitude", "Longitude",
    "Residential Services", "All Services",
)  # fmt: skip
# The snapshot was committed to its origin repository on 2025-08-27.
UPDATED_AT: Final = "2025-08-27"
# Needs that happen at the facility and cannot be delivered by telehealth.
_PLACE_BOUND_NEEDS: Final = frozenset({"residential", "sober_living", "detox", "shelter"})
_REMOTE_ACCESSIBILITY: Final = frozenset({"sign_language", "deaf_hard_of_hearing"})


class Services(msgspec.Struct, frozen=True, kw_only=True):
    """A facility's service names sorted into vocabulary codes, and the names left over."""

    needs: tuple[str, ...] = ()
    costs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    attendance: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def service_names(row: Mapping[str, str]) -> tuple[str, ...]:
    """The distinct service names of a row, in their published order."""
    names: list[str] = []
    for column in ("All Services", "Residential Services"):
        names.extend(n for part in (row.get(column) or "").split(";") if (n := clean_text(part)))
    return unique(names)


def classify(names: Iterable[str]) -> Services:
    """Sort service names (or locator codes) into vocabulary codes; the rest become tags."""
    names = tuple(names)
    fields = [f for f in Services.__struct_fields__ if f != "tags"]
    codes: dict[str, list[str]] = {f: [] for f in fields}
    tags: list[str] = []
    for name in names:
        pairs = lookup(name)
        if pairs is None:
            tags.append(name)
        for field, code in pairs or ():
            codes[field].append(code)
    # "Does not treat opioid use disorders" outweighs any inference from other names.
    removed = {pair for name in names for pair in NEGATIONS.get(name, ())}
    kept = {f: unique(c for c in codes[f] if (f, c) not in removed) for f in fields}
    return Services(tags=unique(tags), **kept)


def to_documents(row: Mapping[str, str], source: SourceConfig) -> list[IndexDocument]:
    """The facility document, plus a telehealth document when it offers telehealth."""
    names = service_names(row)
    services = classify(names)
    facility = _facility(row, source, services)
    telehealth = TELEHEALTH in names or TELEHEALTH_CODE in (n.upper() for n in names)
    if not telehealth or facility.address is None or facility.address.state is None:
        return [facility]
    return [facility, _telehealth(facility, services, facility.address.state)]


def to_document(row: Mapping[str, str], source: SourceConfig) -> IndexDocument:
    """The facility document of a row (without its telehealth twin)."""
    return to_documents(row, source)[0]


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a findtreatment source."""
    return load_csv(
        source, root, to_documents, required_columns=REQUIRED_COLUMNS, merge=merge_duplicates
    )


def merge_duplicates(first: IndexDocument, later: IndexDocument) -> IndexDocument:
    """One document for two rows of the same facility: the first's place, both's services."""
    fields = {
        f: unique((*getattr(first, f), *getattr(later, f)))
        for f in (*MULTI_VALUED_FILTER_ATTRIBUTES, "tags")
    }
    return with_keywords(msgspec.structs.replace(first, **fields))


def _facility(row: Mapping[str, str], source: SourceConfig, services: Services) -> IndexDocument:
    name = required_cell(row, "Name", what="facility name")
    city, state = cell(row, "City"), normalize_state(cell(row, "State"))
    postal_code, phone = normalize_zip(cell(row, "ZIP")), normalize_phone(cell(row, "Phone"))
    geo = geo_point(row.get("Latitude"), row.get("Longitude"))
    require_location(geo, postal_code)
    key = content_key(name, city, postal_code, phone)
    residential = cell(row, "Residential Services")
    street = cell(row, "Address")
    doc = IndexDocument(
        status="active",
        id=make_id(source.id, key),
        kind=source_kind(source, "treatment"),
        name=name,
        description=f"Residential services: {residential}" if residential else None,
        needs=services.needs,
        languages=unique(("en", *services.languages)),
        communities=services.communities,
        accessibility=services.accessibility,
        attendance=unique(("in_person", *services.attendance)),
        costs=services.costs,
        tags=services.tags,
        # The California file has no street (its Address column is empty); the API has one.
        address=Address(
            street=street,
            city=city,
            state=state,
            postal_code=postal_code,
            formatted=format_address(street, city, state, postal_code),
            approximate=street is None,
        ),
        geo=geo,
        contact=Contact(phone=phone, website=website(cell(row, "Website"))),
        provenance=provenance(source, key, updated_at=source.updated_at or UPDATED_AT),
    )
    return with_keywords(doc)


def _telehealth(facility: IndexDocument, services: Services, state: str) -> IndexDocument:
    where = facility.address.formatted if facility.address else None
    doc = msgspec.structs.replace(
        facility,
        id=f"{facility.id}-tele",
        kind="telehealth",
        name=f"{facility.name} (telehealth)",
        description=f"Telemedicine/telehealth therapy from {facility.name} ({where}).",
        needs=tuple(n for n in services.needs if n not in _PLACE_BOUND_NEEDS),
        accessibility=tuple(a for a in services.accessibility if a in _REMOTE_ACCESSIBILITY),
        attendance=("online",),
        address=None,
        geo=None,
        service_area=ServiceArea(states=(state,)),
    )
    return with_keywords(doc)
