"""HRSA health center (FQHC) sites, geocoded by OEPS for the US COVID Atlas.

Names are kept as HRSA publishes them ("NORTHERN REGION COMM HLTH CTR"): title-casing
would mangle the many acronyms ("KCHC - Kaman II Clinic", "AZA HEALTH"), and search
ignores case anyway. The list includes the territories (PR, GU, VI, AS, MP).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from indexer.normalize import content_key, make_id, normalize_phone, normalize_state, with_keywords
from indexer.records import SourceConfig, SourceLoad
from indexer.sources.csv_rows import cell, load_csv, required_cell
from indexer.sources.parts import (
    format_address,
    geo_point,
    provenance,
    require_location,
    source_kind,
)
from service.contract.documents import Address, Contact, IndexDocument

# Note the column order: longitude before latitude.
REQUIRED_COLUMNS: Final = ("name", "st_abbr", "city", "address", "phone", "lon", "lat")
# The list entered the OEPS data on January 5, 2021 (COVID-19 testing era); it is at least
# that old.
UPDATED_AT: Final = "2021-01-05"
# Health Center Program requirements (Public Health Service Act section 330): every
# HRSA-funded health center must offer a sliding fee discount schedule based on income and
# serve patients regardless of ability to pay, and FQHCs bill Medicaid and Medicare under
# their FQHC status. The costs below are inferred from that law, not read from the file.
COSTS: Final = ("medicaid", "medicare", "sliding_scale")
DESCRIPTION: Final = (
    "Federally qualified health center: primary care for everyone regardless of ability "
    "to pay, with fees on a sliding scale by income."
)
# A post-office delivery instruction, not a place.
_NOT_A_STREET: Final = frozenset({"general delivery"})


def to_document(row: Mapping[str, str], source: SourceConfig) -> IndexDocument:
    """One health center site as a document."""
    name = required_cell(row, "name", what="health center name")
    street = cell(row, "address")
    if street is not None and street.casefold() in _NOT_A_STREET:
        street = None
    city, state = cell(row, "city"), normalize_state(cell(row, "st_abbr"))
    geo = geo_point(row.get("lat"), row.get("lon"))
    require_location(geo, None)  # no ZIP column: a site without a point cannot be placed
    key = content_key(name, cell(row, "address"), city, state)
    doc = IndexDocument(
        status="active",
        id=make_id(source.id, key),
        kind=source_kind(source, "health_center"),
        name=name,
        description=DESCRIPTION,
        needs=("primary_care",),
        languages=("en",),
        attendance=("in_person",),
        costs=COSTS,
        address=Address(
            street=street,
            city=city,
            state=state,
            formatted=format_address(street, city, state, None),
            approximate=street is None,
        ),
        geo=geo,
        contact=Contact(phone=normalize_phone(cell(row, "phone"))),
        provenance=provenance(source, key, updated_at=UPDATED_AT),
    )
    return with_keywords(doc)


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load an hrsa_fqhc source."""
    return load_csv(source, root, to_document, required_columns=REQUIRED_COLUMNS)
