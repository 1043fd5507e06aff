"""What every format builds the same way: a point, an address line, a website, a kind."""

from __future__ import annotations

from typing import Final, cast
from urllib.parse import urlsplit

from indexer.normalize import normalize_url, parse_coordinate
from indexer.records import RecordError, SourceConfig, SourceLoadError
from service.contract.documents import GeoPoint, Kind, Provenance
from service.contract.vocabulary import KINDS

_KIND_CODES: Final = KINDS.codes


def geo_point(lat: object, lng: object) -> GeoPoint | None:
    """A point from two coordinate cells, or None when either is missing or out of range."""
    lat_deg = parse_coordinate(lat, low=-90.0, high=90.0)
    lng_deg = parse_coordinate(lng, low=-180.0, high=180.0)
    if lat_deg is None or lng_deg is None or (lat_deg == 0.0 and lng_deg == 0.0):
        return None  # (0, 0) is the null island a failed geocode leaves behind
    return GeoPoint(lat=lat_deg, lng=lng_deg)


def require_location(geo: GeoPoint | None, postal_code: str | None) -> None:
    """Refuse a row that can be neither placed on the map nor geocoded later from its ZIP."""
    if geo is None and postal_code is None:
        raise RecordError("no coordinates and no ZIP")


def website(value: object) -> str | None:
    """An http(s) URL with a real host name; the bare 'http://' some exports write is None."""
    url = normalize_url(value)
    if url is None:
        return None
    host = urlsplit(url).hostname
    return url if host and "." in host else None


def format_address(
    street: str | None, city: str | None, state: str | None, postal_code: str | None
) -> str | None:
    """One line as people write it: 'street, city, ST 12345'."""
    region = " ".join(p for p in (state, postal_code) if p)
    return ", ".join(p for p in (street, city, region) if p) or None


def source_kind(source: SourceConfig, default: Kind) -> Kind:
    """The kind the source declares, else the format's default."""
    if source.kind is None:
        return default
    if source.kind not in _KIND_CODES:
        raise SourceLoadError(f"source {source.id!r}: unknown kind {source.kind!r}")
    return cast("Kind", source.kind)


def provenance(source: SourceConfig, record_id: str, *, updated_at: str | None) -> Provenance:
    """Where a document came from."""
    return Provenance(
        source=source.id,
        source_name=source.name,
        source_record_id=record_id,
        source_url=source.homepage,
        updated_at=updated_at,
        licence=source.licence,
    )
