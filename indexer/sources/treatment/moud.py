"""SAMHSA's nationwide list of MOUD providers (geocoded by OEPS): who offers which medication.

The file (`us-wide-moudsCleaned.csv`) has one row per provider and medication
(`category`: buprenorphine, methadone, naltrexone/vivitrol), so a provider offering two
medications is two rows. Rows of one provider share an id (the same locator fields as the
SAMHSA lists, `samhsa.locator_site`) and are merged into one document carrying every
medication. Because the names and addresses are the locator's, the pipeline's duplicate
merge (indexer/dedupe.py) then joins a provider with its record in the SAMHSA treatment
lists: one listing that says which medications it offers.

Coordinates: the header is swapped (`Longitude` holds the latitude, `Latitude` the
longitude) and an unnamed last column repeats the latitude. The latitude is the coordinate
that column repeats; without that column the header is believed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Final

from indexer.normalize import make_id, with_keywords
from indexer.records import RecordError, SourceConfig, SourceLoad
from indexer.sources.csv_rows import cell, load_csv, required_cell
from indexer.sources.parts import provenance, source_kind
from indexer.sources.treatment.findtreatment import merge_duplicates
from indexer.sources.treatment.samhsa import display_name, locator_site
from service.contract.documents import IndexDocument

REQUIRED_COLUMNS: Final = (
    "name1",
    "name2",
    "street1",
    "street2",
    "city",
    "state",
    "zip",
    "category",
    "Longitude",
    "Latitude",
)
# `category` -> the need codes of that medication.
MEDICATIONS: Final[dict[str, tuple[str, ...]]] = {
    "buprenorphine": ("buprenorphine",),
    "methadone": ("methadone",),
    "naltrexone": ("naltrexone",),
    "naltrexone/vivitrol": ("naltrexone",),
}
_NEEDS: Final = ("opioids", "moud")
_REPEATED: Final = ""  # the unnamed last column


def coordinates(row: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(latitude, longitude) as text, whichever header they sit under (module docstring)."""
    first, second = cell(row, "Longitude"), cell(row, "Latitude")
    repeated = cell(row, _REPEATED)
    if repeated is not None and repeated == first:
        return first, second
    if repeated is not None and repeated == second:
        return second, first
    return second, first


def to_document(row: Mapping[str, str], source: SourceConfig) -> IndexDocument:
    """One row: a provider and one medication it offers."""
    category = required_cell(row, "category", what="medication").casefold()
    medications = MEDICATIONS.get(category)
    if medications is None:
        raise RecordError(f"category {category!r} is not one of {', '.join(MEDICATIONS)}")
    lat, lng = coordinates(row)
    site = locator_site({**row, "latitude": lat or "", "longitude": lng or ""})
    name, organization = display_name(site.name1, site.name2)
    doc = IndexDocument(
        status="active",
        id=make_id(source.id, site.record_key),
        kind=source_kind(source, "treatment"),
        name=name,
        organization=organization,
        needs=(*_NEEDS, *medications),
        languages=("en",),
        attendance=("in_person",),
        address=site.address,
        geo=site.geo,
        provenance=provenance(source, site.record_key, updated_at=source.updated_at),
    )
    return with_keywords(doc)


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a samhsa_moud source, one document per provider."""
    return load_csv(
        source, root, to_document, required_columns=REQUIRED_COLUMNS, merge=merge_duplicates
    )
