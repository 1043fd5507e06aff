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
from typing import Final, Literal, TypeAlias

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
from indexer.sources.csv_rows import (
    cell,
    format_address,
    geo_point,
    load_csv,
    provenance,
    require_location,
    required_cell,
    source_kind,
    website,
)
from service.documents import Address, Contact, IndexDocument, ServiceArea

Field = Literal["needs", "costs", "languages", "communities", "accessibility", "attendance"]
Pairs: TypeAlias = tuple[tuple[Field, str], ...]


def _as(field: Field, *codes: str) -> Pairs:
    return tuple((field, code) for code in codes)


TELEHEALTH: Final = "Telemedicine/telehealth therapy"
_MOUD: Final = _as("needs", "moud", "opioids")
_COUNSELING: Final = _as("needs", "counseling")
_PEERS: Final = _as("needs", "peer_support")

# FindTreatment service name -> the (field, code) pairs it means. Names not listed here are
# kept as tags. Deliberately unmapped: the naltrexone forms and the alcohol "accepts MAT"
# names (they treat alcohol use too, so they do not prove opioid treatment); "Young Adults",
# "Adults", "Female", "Male" (ages and sexes accepted, listed by nearly every facility; the
# special programmes "Young adults", "Adult women", "Adult men" are mapped instead).
SERVICE_CROSSWALK: Final[dict[str, Pairs]] = {
    "Substance use treatment": _as("needs", "substance_use"),
    "Detoxification": _as("needs", "detox"),
    "Medication routinely used during detoxification": _as("needs", "detox"),
    "Hospital inpatient detoxification": _as("needs", "detox"),
    "Residential detoxification": _as("needs", "detox", "residential"),
    "Outpatient detoxification": _as("needs", "detox", "outpatient"),
    "Alcohol Detoxification": _as("needs", "detox", "alcohol"),
    "Benzodiazepines Detoxification": _as("needs", "detox", "drugs"),
    "Cocaine Detoxification": _as("needs", "detox", "drugs"),
    "Methamphetamines detoxification": _as("needs", "detox", "drugs"),
    "Opioids detoxification": _as("needs", "detox", "opioids"),
    "Lofexidine or Clonidine detoxification": _as("needs", "detox", "opioids"),
    "Buprenorphine detoxification": _as("needs", "detox") + _MOUD,
    "Methadone detoxification": _as("needs", "detox") + _MOUD,
    "Maintenance service with medically supervised withdrawal after stabilization": _as(
        "needs", "detox"
    ),
    "Buprenorphine used in Treatment": _MOUD,
    "Methadone used in Treatment": _MOUD,
    "Naltrexone used in Treatment": _MOUD,
    "Methadone": _MOUD,
    "Methadone maintenance": _MOUD,
    "Buprenorphine maintenance": _MOUD,
    "Buprenorphine with naloxone": _MOUD,
    "Buprenorphine without naloxone": _MOUD,
    "Buprenorphine (extended-release, injectable)": _MOUD,
    "Buprenorphine sub-dermal implant": _MOUD,
    "Prescribes buprenorphine": _MOUD,
    "Federally-certified Opioid Treatment Program": _MOUD,
    "SAMHSA certification for opioid treatment program (OTP)": _MOUD,
    "Outpatient methadone/buprenorphine or naltrexone treatment": _MOUD
    + _as("needs", "outpatient"),
    "Acamprosate (Campral®)": _as("needs", "alcohol"),
    "Disulfiram": _as("needs", "alcohol"),
    "This facility administers/prescribes medication for alcohol use disorder": _as(
        "needs", "alcohol"
    ),
    "Residential/24-hour residential": _as("needs", "residential"),
    "Long-term residential": _as("needs", "residential"),
    "Short-term residential": _as("needs", "residential"),
    "Outpatient": _as("needs", "outpatient"),
    "Regular outpatient treatment": _as("needs", "outpatient"),
    "Intensive outpatient treatment": _as("needs", "outpatient"),
    "Outpatient day treatment or partial hospitalization": _as("needs", "outpatient"),
    "Transitional housing, halfway house, or sober home": _as("needs", "sober_living"),
    "Housing services": _as("needs", "housing_assistance"),
    "Clients with co-occurring mental and substance use disorders": _as("needs", "co_occurring"),
    "Treatment for co-occurring substance use plus either serious mental health illness in "
    "adults/serious emotional disturbance in children": _as("needs", "co_occurring"),
    "Mental health services": _as("needs", "mental_health"),
    "Medication for mental disorders": _as("needs", "mental_health"),
    "Treatment for gambling disorder": _as("needs", "gambling"),
    "Individual counseling": _COUNSELING,
    "Group counseling": _COUNSELING,
    "Family counseling": _COUNSELING + _as("needs", "family_friends"),
    "Marital/couples counseling": _COUNSELING,
    "Substance use disorder counseling": _COUNSELING,
    "Trauma-related counseling": _COUNSELING,
    "Cognitive behavioral therapy": _COUNSELING,
    "Mentoring/peer support": _PEERS,
    "Recovery coach": _PEERS,
    "Self-help groups": _PEERS,
    "Naloxone and overdose education": _as("needs", "harm_reduction"),
    "Integrated primary care services": _as("needs", "primary_care"),
    "Medicaid": _as("costs", "medicaid"),
    "Medicare": _as("costs", "medicare"),
    "Private health insurance": _as("costs", "private_insurance"),
    "Federal military insurance (e.g., TRICARE)": _as("costs", "military_insurance"),
    "Cash or self-payment": _as("costs", "self_pay"),
    "Sliding fee scale (fee is based on income and other factors)": _as("costs", "sliding_scale"),
    "Payment assistance (check with facility for details)": _as("costs", "payment_assistance"),
    # FindTreatment's name for treatment at no cost to the client.
    "No payment accepted": _as("costs", "free"),
    "Spanish": _as("languages", "es"),
    "Any Chinese Language": _as("languages", "zh"),
    "Arabic": _as("languages", "ar"),
    "Farsi": _as("languages", "fa"),
    "French": _as("languages", "fr"),
    "Hebrew": _as("languages", "he"),
    "Hindi": _as("languages", "hi"),
    "Italian": _as("languages", "it"),
    "Japanese": _as("languages", "ja"),
    "Korean": _as("languages", "ko"),
    "Russian": _as("languages", "ru"),
    "Tagalog": _as("languages", "tl"),
    "Vietnamese": _as("languages", "vi"),
    "Sign language services for the deaf and hard of hearing": _as(
        "accessibility", "sign_language", "deaf_hard_of_hearing"
    ),
    "Child care for clients' children": _as("accessibility", "childcare")
    + _as("communities", "parents"),
    "Residential beds for clients' children": _as("accessibility", "child_friendly")
    + _as("communities", "parents"),
    "Adult women": _as("communities", "women"),
    "Pregnant/postpartum women": _as("communities", "women"),
    "Adult men": _as("communities", "men"),
    "Young adults": _as("communities", "young_people"),
    "Adolescents": _as("communities", "young_people"),
    "Children/Adolescents": _as("communities", "young_people"),
    "Seniors": _as("communities", "seniors"),
    "Seniors or older adults": _as("communities", "seniors"),
    "Veterans": _as("communities", "veterans"),
    "Criminal justice (other than DUI/DWI)/Forensic clients": _as(
        "communities", "justice_involved"
    ),
    "Specially designed program for DUI/DWI clients": _as("communities", "justice_involved"),
    TELEHEALTH: _as("attendance", "online"),
}
# Statements that withdraw codes other names would imply.
NEGATIONS: Final[dict[str, Pairs]] = {
    "Does not treat opioid use disorders": _as("needs", "opioids", "moud"),
    "Does not use MAT for opioid use disorders": _as("needs", "moud"),
    "Does not treat alcohol use disorder": _as("needs", "alcohol"),
}

REQUIRED_COLUMNS: Final = (
    "Name", "City", "State", "ZIP", "Phone", "Website", "Latitude", "Longitude",
    "Residential Services", "All Services",
)  # fmt: skip
# The snapshot was committed to its origin repository on 2025-08-27.
UPDATED_AT: Final = "2025-08-27"
_FIELDS: Final[tuple[Field, ...]] = (
    "needs", "costs", "languages", "communities", "accessibility", "attendance",
)  # fmt: skip
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
    """Sort service names into vocabulary codes via the crosswalk; the rest become tags."""
    names = tuple(names)
    codes: dict[str, list[str]] = {f: [] for f in _FIELDS}
    tags: list[str] = []
    for name in names:
        pairs = SERVICE_CROSSWALK.get(name)
        if pairs is None:
            tags.append(name)
        for field, code in pairs or ():
            codes[field].append(code)
    # "Does not treat opioid use disorders" outweighs any inference from other names.
    removed = {pair for name in names for pair in NEGATIONS.get(name, ())}
    kept = {f: unique(c for c in codes[f] if (f, c) not in removed) for f in _FIELDS}
    return Services(tags=unique(tags), **kept)


def to_documents(row: Mapping[str, str], source: SourceConfig) -> list[IndexDocument]:
    """The facility document, plus a telehealth document when it offers telehealth."""
    names = service_names(row)
    services = classify(names)
    facility = _facility(row, source, services)
    if TELEHEALTH not in names or facility.address is None or facility.address.state is None:
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
    fields = {f: unique((*getattr(first, f), *getattr(later, f))) for f in (*_FIELDS, "tags")}
    return with_keywords(msgspec.structs.replace(first, **fields))


def _facility(row: Mapping[str, str], source: SourceConfig, services: Services) -> IndexDocument:
    name = required_cell(row, "Name", what="facility name")
    city, state = cell(row, "City"), normalize_state(cell(row, "State"))
    postal_code, phone = normalize_zip(cell(row, "ZIP")), normalize_phone(cell(row, "Phone"))
    geo = geo_point(row.get("Latitude"), row.get("Longitude"))
    require_location(geo, postal_code)
    key = content_key(name, city, postal_code, phone)
    residential = cell(row, "Residential Services")
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
        # The file has no street address: only the city and ZIP are known.
        address=Address(
            city=city,
            state=state,
            postal_code=postal_code,
            formatted=format_address(None, city, state, postal_code),
            approximate=True,
        ),
        geo=geo,
        contact=Contact(phone=phone, website=website(cell(row, "Website"))),
        provenance=provenance(source, key, updated_at=UPDATED_AT),
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
