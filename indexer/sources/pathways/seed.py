"""Pathways' own seed files (national helplines...): JSON records close to IndexDocument.

We write these files, so every object, nested ones included, forbids unknown keys and
every vocabulary value is checked: a typo is a rejection that names the field, never a
value silently dropped. Invented records must say `"example": true` in the data and are
labelled "Example record" in their description.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Final

import msgspec
from msgspec import Meta

from indexer.fetch import source_bytes
from indexer.normalize import make_id, with_keywords
from indexer.records import RecordError, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.harness import Kept, Record, RecordLoop, at_indexes
from service.contract.documents import (
    Address,
    Contact,
    GeoPoint,
    IndexDocument,
    Kind,
    Provenance,
    Schedule,
    ServiceArea,
    Status,
    TimeSlot,
)

EXAMPLE_LABEL: Final = "Example record"
ISO_DATE_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2})?$"


# The index contract's nested types, strict about keys for our own files.
class SeedAddress(Address, frozen=True, forbid_unknown_fields=True):
    """An address in a seed file."""


class SeedGeoPoint(GeoPoint, frozen=True, forbid_unknown_fields=True):
    """A point in a seed file."""


class SeedTimeSlot(TimeSlot, frozen=True, forbid_unknown_fields=True):
    """A weekly slot in a seed file."""


class SeedSchedule(Schedule, frozen=True, forbid_unknown_fields=True):
    """A schedule in a seed file."""

    slots: tuple[SeedTimeSlot, ...] = ()


class SeedServiceArea(ServiceArea, frozen=True, forbid_unknown_fields=True):
    """A service area in a seed file."""


class SeedContact(Contact, frozen=True, forbid_unknown_fields=True):
    """Public contact details in a seed file."""


class SeedRecord(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """One record of a Pathways seed file: IndexDocument without id, keywords, provenance."""

    source_record_id: str
    updated_at: Annotated[str, Meta(pattern=ISO_DATE_PATTERN)]
    example: bool = False
    source_url: str | None = None
    kind: Kind
    name: str
    description: str | None = None
    organization: str | None = None
    needs: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    communities: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    attendance: tuple[str, ...] = ()
    costs: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    eligibility: str | None = None
    status: Status = "active"
    address: SeedAddress | None = None
    geo: SeedGeoPoint | None = msgspec.field(default=None, name="_geo")
    service_area: SeedServiceArea | None = None
    schedule: SeedSchedule | None = None
    contact: SeedContact = msgspec.field(default_factory=SeedContact)


_raw_list_decoder: Final = msgspec.json.Decoder(list[msgspec.Raw])
_record_decoder: Final = msgspec.json.Decoder(SeedRecord)


def _description(record: SeedRecord) -> str | None:
    if not record.example or (record.description or "").startswith(EXAMPLE_LABEL):
        return record.description
    return f"{EXAMPLE_LABEL}. {record.description}" if record.description else EXAMPLE_LABEL


def to_document(record: SeedRecord, source: SourceConfig) -> IndexDocument:
    """A seed record as an IndexDocument, with provenance and keywords (not yet validated)."""
    fields: dict[str, Any] = msgspec.structs.asdict(record)
    for key in ("source_record_id", "updated_at", "example", "source_url"):
        del fields[key]
    fields["description"] = _description(record)
    provenance = Provenance(
        source=source.id,
        source_name=source.name,
        source_record_id=record.source_record_id,
        source_url=record.source_url,
        updated_at=record.updated_at,
        licence=source.licence,
    )
    doc = IndexDocument(
        id=make_id(source.id, record.source_record_id),
        provenance=provenance,
        **fields,
    )
    return with_keywords(doc)


def _read(source: SourceConfig, root: Path) -> list[msgspec.Raw]:
    where = str(root / source.path) if source.path is not None else source.location
    data = source_bytes(source, root)
    try:
        return _raw_list_decoder.decode(data)
    except msgspec.DecodeError as error:
        raise SourceLoadError(f"{where}: not a JSON array of records ({error})") from error


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a Pathways seed file: a document per valid record, a rejection per bad one."""
    loop = RecordLoop(source, _seed_document, on_duplicate=_repeated_id)
    return loop.run(at_indexes(source.location, _read(source, root)))


def _seed_document(raw: msgspec.Raw, source: SourceConfig) -> IndexDocument:
    try:
        record = _record_decoder.decode(raw)
    except msgspec.ValidationError as error:
        raise RecordError(str(error)) from error
    return to_document(record, source)


def _repeated_id(kept: Kept, _doc: IndexDocument, _record: Record[Any]) -> str:
    return f"duplicate source_record_id (first at [{kept.record.number}])"
