"""Fill in coordinates for in-person resources that came without them: a geocoder chain.

The chain asks, in order:
1. the offline gazetteer shipped with the project (service/places/geocoder.py): the address's ZIP or
   ZIP+4, else its "City, ST"; then a county named in it ("Marin County, CA",
   indexer/counties.py). These points are area centres, so the address is marked approximate;
2. optionally, a configured web geocoder (a self-hosted Nominatim or Photon,
   indexer/geocode_web.py), throttled and cached on disk, for what the gazetteer cannot place
   (and for addresses outside the US, which the gazetteer does not cover).

Only resources someone can go to are placed; online meetings and remote services keep no
coordinates, so a place search never shows them as if they were nearby. A resource that
cannot be placed is kept (text search still finds it), counted and listed in the report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import msgspec
from geopy.geocoders.base import DEFAULT_SENTINEL  # type: ignore[import-untyped, unused-ignore]
from geopy.location import Location  # type: ignore[import-untyped, unused-ignore]

from indexer.counties import CountyIndex
from indexer.geocode_web import CachedWebGeocoder
from service.contract.documents import Address, GeoPoint, IndexDocument
from service.places.geocoder import Gazetteer, GazetteerGeocoder

Placer = Literal["offline", "web"]
_US = ("US", "USA")


@dataclass
class GeocodeReport:
    """How many documents each geocoder placed, which could not be placed, and web use."""

    placed: int = 0
    placed_web: int = 0
    unplaced: list[str] = field(default_factory=list)
    # "id: address" of each unplaced document, for the rejection listing.
    unplaced_where: list[str] = field(default_factory=list)
    web_calls: int = 0
    web_cache_hits: int = 0
    web_errors: int = 0


class OfflineGeocoder(GazetteerGeocoder):  # type: ignore[misc, unused-ignore]
    """The gazetteer's geopy Geocoder, plus counties: "Marin County, CA" -> a point."""

    def __init__(self, gazetteer: Gazetteer, counties: CountyIndex) -> None:
        super().__init__(gazetteer)
        self.counties = counties

    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL
    ) -> Location | list[Location] | None:
        """ZIP, "City, ST" or a trailing county; None when none is known (geopy's way)."""
        found = super().geocode(query, exactly_one=exactly_one)
        if found is not None:
            return found
        place = self.counties.resolve(query)
        if place is None:
            return None
        location = Location(place.label, (place.lat, place.lng), msgspec.structs.asdict(place))
        return location if exactly_one else [location]


@dataclass
class GeocoderChain:
    """The offline geocoder first, then the web geocoder when one is configured."""

    offline: OfflineGeocoder
    web: CachedWebGeocoder | None = None

    @classmethod
    def offline_only(cls, gazetteer: Gazetteer) -> GeocoderChain:
        """The chain without a web geocoder (the default: nothing leaves the machine)."""
        return cls(offline=OfflineGeocoder(gazetteer, CountyIndex.load()))

    def locate(self, address: Address) -> tuple[GeoPoint, Placer] | None:
        """A point for an address, and which geocoder gave it; None when none could."""
        if address.country in _US and (query := us_query(address)):
            location = self.offline.geocode(query, exactly_one=True)
            if isinstance(location, Location):
                return GeoPoint(lat=location.latitude, lng=location.longitude), "offline"
        if self.web is not None and (text := web_query(address)):
            point = self.web.point(text)
            if point is not None:
                return GeoPoint(lat=point[0], lng=point[1]), "web"
        return None


def us_query(address: Address) -> str | None:
    """'street, city, ST 12345' from an address's parts (the gazetteer reads the end)."""
    region = " ".join(p for p in (address.state, address.postal_code) if p)
    parts = [p for p in (address.street, address.city, region) if p]
    if address.city is None and address.formatted and not address.postal_code:
        return address.formatted  # e.g. "Alpena County, MI": only the formatted text says it
    return ", ".join(parts) or address.formatted


def web_query(address: Address) -> str | None:
    """The whole address for a web geocoder, with the country outside the US."""
    text = address.formatted or ", ".join(
        p for p in (address.street, address.city, address.state, address.postal_code) if p
    )
    if not text:
        return None
    return text if address.country in _US else f"{text}, {address.country}"


def needs_coordinates(doc: IndexDocument) -> bool:
    """An in-person resource with an address but no coordinates."""
    return (
        doc.geo is None
        and doc.address is not None
        and ("in_person" in doc.attendance or doc.kind in ("treatment", "housing", "health_center"))
    )


def geocode_documents(
    documents: Iterable[IndexDocument], chain: GeocoderChain, report: GeocodeReport
) -> list[IndexDocument]:
    """The documents, with coordinates added where the chain can place them."""
    out: list[IndexDocument] = []
    for doc in documents:
        if needs_coordinates(doc):
            assert doc.address is not None  # noqa: S101 - checked by needs_coordinates
            found = chain.locate(doc.address)
            if found is None:
                report.unplaced.append(doc.id)
                report.unplaced_where.append(f"{doc.id}: {doc.address.formatted or doc.name}")
            else:
                point, placer = found
                report.placed += 1
                report.placed_web += placer == "web"
                # A gazetteer point is an area's centre; a web point is the address itself.
                approximate = doc.address.approximate or placer == "offline"
                address = msgspec.structs.replace(doc.address, approximate=approximate)
                doc = msgspec.structs.replace(doc, geo=point, address=address)
        out.append(doc)
    if chain.web is not None:
        report.web_calls = chain.web.calls
        report.web_cache_hits = chain.web.cache_hits
        report.web_errors = chain.web.errors
    return out
