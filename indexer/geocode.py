"""Fill in coordinates for in-person resources that came without them, offline.

Only resources someone can go to are placed; online meetings and remote services keep no
coordinates, so a place search never shows them as if they were nearby. A resource that
cannot be placed is kept (text search still finds it) and counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import msgspec

from service.documents import GeoPoint, IndexDocument
from service.geo import Gazetteer, Place


@dataclass
class GeocodeReport:
    """How many documents were placed by the gazetteer, and which could not be."""

    placed: int = 0
    unplaced: list[str] = field(default_factory=list)


def needs_coordinates(doc: IndexDocument) -> bool:
    """An in-person resource with an address but no coordinates."""
    return (
        doc.geo is None
        and doc.address is not None
        and ("in_person" in doc.attendance or doc.kind in ("treatment", "housing", "health_center"))
    )


def locate(doc: IndexDocument, gazetteer: Gazetteer) -> Place | None:
    """The gazetteer's best point for a document's address: its ZIP, else its city."""
    address = doc.address
    if address is None or address.country not in ("US", "USA"):
        return None
    if address.postal_code:
        place = gazetteer.lookup_zip(address.postal_code[:5])
        if place is not None:
            return place
    if address.city and address.state:
        return gazetteer.lookup_city(address.city, address.state)
    return None


def geocode_documents(
    documents: Iterable[IndexDocument], gazetteer: Gazetteer, report: GeocodeReport
) -> list[IndexDocument]:
    """The documents, with approximate coordinates added where the gazetteer knows the place."""
    out: list[IndexDocument] = []
    for doc in documents:
        if needs_coordinates(doc):
            place = locate(doc, gazetteer)
            if place is None:
                report.unplaced.append(doc.id)
            else:
                report.placed += 1
                assert doc.address is not None  # noqa: S101 - checked by needs_coordinates
                doc = msgspec.structs.replace(
                    doc,
                    geo=GeoPoint(lat=place.lat, lng=place.lng),
                    address=msgspec.structs.replace(doc.address, approximate=True),
                )
        out.append(doc)
    return out
