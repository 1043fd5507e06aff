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
from indexer.records import RecordError, Rejection, SourceConfig, SourceLoad, SourceLoadError
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
from service.contract.vocabulary import (
    ACCESSIBILITY,
    ATTENDANCE,
    COMMUNITIES,
    COSTS,
    LANGUAGES,
    NEEDS,
    Vocabulary,
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


# Field of SeedRecord -> the vocabulary its codes must come from.
VOCABULARY_FIELDS: Final[tuple[tuple[str, Vocabulary], ...]] = (
    ("needs", NEEDS),
    ("languages", LANGUAGES),
    ("communities", COMMUNITIES),
    ("accessibility", ACCESSIBILITY),
    ("attendance", ATTENDANCE),
    ("costs", COSTS),
)

_raw_list_decoder: Final = msgspec.json.Decoder(list[msgspec.Raw])
_record_decoder: Final = msgspec.json.Decoder(SeedRecord)


def check_vocabularies(record: SeedRecord) -> None:
    """Raise RecordError naming the first field whose value is outside its vocabulary."""
    for field, vocabulary in VOCABULARY_FIELDS:
        values: tuple[str, ...] = getattr(record, field)
        for value in values:
            if value not in vocabulary.codes:
                allowed = ", ".join(vocabulary.ordered_codes())
                raise RecordError(f"{field}: unknown value {value!r} (allowed: {allowed})")


def _description(record: SeedRecord) -> str | None:
    if not record.example or (record.description or "").startswith(EXAMPLE_LABEL):
        return record.description
    return f"{EXAMPLE_LABEL}. {record.description}" if record.description else EXAMPLE_LABEL


def to_document(record: SeedRecord, source: SourceConfig) -> IndexDocument:
    """A seed record as an IndexDocument, with provenance and keywords."""
    check_vocabularies(record)
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
    # Round trip through the contract: plain nested types, and Meta constraints checked.
    try:
        doc = msgspec.convert(msgspec.to_builtins(doc), IndexDocument)
    except msgspec.ValidationError as error:
        raise RecordError(f"invalid document: {error}") from error
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
    result = SourceLoad(source=source)
    first_at: dict[str, int] = {}
    for index, raw in enumerate(_read(source, root)):
        location = f"{source.location}[{index}]"
        try:
            doc = to_document(_record_decoder.decode(raw), source)
        except (msgspec.ValidationError, RecordError) as error:
            result.rejections.append(
                Rejection(source=source.id, location=location, reason=str(error))
            )
            continue
        if doc.id in first_at:
            reason = f"duplicate source_record_id (first at [{first_at[doc.id]}])"
            result.rejections.append(Rejection(source=source.id, location=location, reason=reason))
            continue
        first_at[doc.id] = index
        result.documents.append(doc)
    return result
