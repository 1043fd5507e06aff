"""A document as it is written to the index: the contract's fields plus the derived ones.

The derived fields (venue-local schedule minutes, grid cells of the point) exist only so
Meilisearch can filter on them; they are computed here, from the document alone, for every
write path (full index, sync, merged duplicates), so they can never disagree with it.
"""

from __future__ import annotations

from typing import Final

import msgspec

from service.contract.documents import IndexDocument, IndexedDocument
from service.contract.short_codes import short_code
from service.places.cells import cells_of, geo_key
from service.schedules.weekly import schedule_fields

# Computed once: msgspec.structs.fields re-reads the annotations on every call.
_CONTRACT_FIELDS: Final = tuple(f.name for f in msgspec.structs.fields(IndexDocument))


def to_indexed(doc: IndexDocument) -> IndexedDocument:
    """The document with its derived fields (re)computed; any it had are replaced."""
    schedule = schedule_fields(doc.schedule)
    values = {name: getattr(doc, name) for name in _CONTRACT_FIELDS}
    geo = doc.geo
    return IndexedDocument(
        **values,
        start_minutes=schedule.start_minutes,
        open_buckets=schedule.open_buckets,
        geo_cells=cells_of(geo.lat, geo.lng) if geo is not None else (),
        geo_key=geo_key(geo.lat, geo.lng) if geo is not None else None,
        short_code=short_code(doc.id),
    )
