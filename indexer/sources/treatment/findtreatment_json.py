"""FindTreatment.gov facility records in JSON -> documents, through the CSV reader's mapping.

Two JSON shapes are read, as a list or under `rows` (the locator API's page object):
- the flat export (`name, city, state, zip, phone, website, latitude, longitude,
  residential_services, all_services`), the same records as the CSV;
- the locator API's rows (`name1, name2, street1, street2, city, state, zip, phone, website,
  latitude, longitude, services: [{f1: category, f2: category code, f3: "name; name"}]`).
Each record is turned into the CSV's columns and mapped by `findtreatment.to_documents`, so
both forms give the same documents; rows of one facility are merged the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from indexer.fetch import source_bytes
from indexer.records import RecordError, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.harness import Kept, Record, RecordLoop, at_indexes
from indexer.sources.json_input import decode_json, field_text, json_type
from indexer.sources.treatment import findtreatment
from indexer.sources.treatment.samhsa import display_name
from service.contract.documents import IndexDocument


def _services(record: Mapping[str, Any]) -> str:
    value = record.get("services")
    if value is None:
        return field_text(record, "all_services") or ""
    if not isinstance(value, list):
        raise RecordError(f"services must be a list, got {json_type(value)}")
    names = [field_text(item, "f3") or "" if isinstance(item, dict) else "" for item in value]
    return "; ".join(n for n in names if n)


def as_row(record: object) -> dict[str, str]:
    """A JSON record as a row of the CSV's columns; RecordError for a wrong shape."""
    if not isinstance(record, dict):
        raise RecordError(f"a facility must be an object, got {json_type(record)}")
    name = field_text(record, "name")
    if name is None and (name1 := field_text(record, "name1")):
        name = display_name(name1, field_text(record, "name2"))[0]
    street = ", ".join(p for k in ("street1", "street2") if (p := field_text(record, k)))
    row = {
        "Name": name,
        "City": field_text(record, "city"),
        "State": field_text(record, "state"),
        "ZIP": field_text(record, "zip"),
        "Phone": field_text(record, "phone"),
        "Website": field_text(record, "website"),
        "Latitude": field_text(record, "latitude"),
        "Longitude": field_text(record, "longitude"),
        "Residential Services": field_text(record, "residential_services"),
        "All Services": _services(record),
        "Address": street or None,
    }
    return {key: value or "" for key, value in row.items()}


def _records(value: Any, where: str) -> list[Any]:
    if isinstance(value, list):
        return value
    rows = value.get("rows") if isinstance(value, dict) else None
    if isinstance(rows, list):
        return rows
    raise SourceLoadError(f"{where}: expected a list of facilities or an object with `rows`")


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a findtreatment_json source: documents, and rejections at `file[index]`."""
    records = _records(decode_json(source_bytes(source, root), source.location), source.location)
    loop = RecordLoop(source, _facility, on_duplicate=_same_facility)
    return loop.run(at_indexes(source.location, records))


def _facility(record: object, source: SourceConfig) -> list[IndexDocument]:
    return findtreatment.to_documents(as_row(record), source)


def _same_facility(kept: Kept, doc: IndexDocument, _record: Record[Any]) -> IndexDocument:
    # Several records of one facility (one per program) share an id: one document, all services.
    return findtreatment.merge_duplicates(kept.document, doc)
