"""Places for `near=` and the indexer: parsing, the offline Gazetteer, a geopy Geocoder.

Parse "19103", "Philadelphia, PA" or "39.95,-75.17" with `parse_place`; resolve it with
`Gazetteer.resolve`. The data and its lookups live in service/places/gazetteer.py.
"""

from __future__ import annotations

import re
from typing import Any, Final

import msgspec
from geopy.adapters import BaseSyncAdapter  # type: ignore[import-untyped, unused-ignore]
from geopy.exc import GeocoderServiceError  # type: ignore[import-untyped, unused-ignore]
from geopy.geocoders.base import (  # type: ignore[import-untyped, unused-ignore]
    DEFAULT_SENTINEL,
    Geocoder,
)
from geopy.location import Location  # type: ignore[import-untyped, unused-ignore]

from service.places.cities import CityChoice, choose_city
from service.places.gazetteer import Place, PlaceIndex

__all__ = [
    "CityQuery",
    "Gazetteer",
    "GazetteerGeocoder",
    "PlaceNotFoundError",
    "PlaceQuery",
    "PlaceSyntaxError",
    "PointQuery",
    "ZipQuery",
    "parse_place",
]

MAX_PLACE_CHARS: Final = 100
_MAX_ADDRESS_CHARS: Final = 300
ACCEPTED_FORMS: Final = (
    'use a 5-digit ZIP (ZIP+4 accepted, e.g. 19103-1234), "City, ST" '
    '(or a full state name, e.g. "Philadelphia, Pennsylvania"), '
    'or "lat,lng" in decimal degrees (e.g. 39.95,-75.17)'
)

_ZIP_RE: Final = re.compile(r"(\d{5})(?:-\d{4})?")
_NUMBER: Final = r"[+-]?\d{1,3}(?:\.\d{1,15})?"
_POINT_RE: Final = re.compile(rf"({_NUMBER})\s*,\s*({_NUMBER})")
_LOOKS_NUMERIC_RE: Final = re.compile(r"[\d\s.,+-]+")
# Letters of any script plus the punctuation real town names use ("St. Mary's", "Winston-Salem").
_CITY_RE: Final = re.compile("[^\\W_](?:[^\\W_]|[ .'\u2019-])*")
_STATE_RE: Final = re.compile(r"[A-Za-z](?:[A-Za-z .])*")
_TRAILING_ZIP_RE: Final = re.compile(r"(?:^|[\s,])(\d{5})(?:-\d{4})?\s*$")


class PlaceSyntaxError(ValueError):
    """The place text is not a ZIP, "City, ST" or "lat,lng"."""

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason}: {ACCEPTED_FORMS}")
        self.reason = reason


class PlaceNotFoundError(LookupError):
    """The place text parsed but names no place the gazetteer knows."""

    def __init__(self, place: str) -> None:
        super().__init__(f"no known place matches {place!r}")
        self.place = place


class ZipQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A 5-digit ZIP (any +4 suffix dropped)."""

    zip5: str


class CityQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A city and a state, either a USPS code ("PA") or a full name ("Pennsylvania")."""

    city: str
    state: str


class PointQuery(msgspec.Struct, frozen=True, kw_only=True):
    """A point in decimal degrees."""

    lat: float
    lng: float


PlaceQuery = ZipQuery | CityQuery | PointQuery


def parse_place(text: str) -> PlaceQuery:
    """Parse a ZIP, "City, ST" or "lat,lng" without looking anything up."""
    cleaned = " ".join(text.split())
    if not cleaned:
        raise PlaceSyntaxError("the place is empty")
    if len(cleaned) > MAX_PLACE_CHARS:
        raise PlaceSyntaxError(f"the place is longer than {MAX_PLACE_CHARS} characters")
    if zip_match := _ZIP_RE.fullmatch(cleaned):
        return ZipQuery(zip5=zip_match.group(1))
    if point_match := _POINT_RE.fullmatch(cleaned):
        return _point(float(point_match.group(1)), float(point_match.group(2)))
    if _LOOKS_NUMERIC_RE.fullmatch(cleaned):
        raise PlaceSyntaxError("not a 5-digit ZIP or a lat,lng pair")
    city, comma, state = cleaned.rpartition(",")
    city, state = city.strip(), state.strip()
    if not comma or not city or not state:
        raise PlaceSyntaxError('"City, ST" needs a comma before the state')
    if not _CITY_RE.fullmatch(city) or not _STATE_RE.fullmatch(state):
        raise PlaceSyntaxError("the city or state has characters no place name uses")
    if not any(ch.isalpha() for ch in city):
        raise PlaceSyntaxError("a city name needs letters")
    if len(state) == 2:
        state = state.upper()
    return CityQuery(city=city, state=state)


def _point(lat: float, lng: float) -> PointQuery:
    if not -90.0 <= lat <= 90.0:
        raise PlaceSyntaxError(f"latitude {lat:g} is out of range [-90, 90]")
    if not -180.0 <= lng <= 180.0:
        raise PlaceSyntaxError(f"longitude {lng:g} is out of range [-180, 180]")
    return PointQuery(lat=lat, lng=lng)


class Gazetteer(PlaceIndex):
    """The offline gazetteer: PlaceIndex lookups plus resolving place text and addresses."""

    def resolve(self, text: str) -> Place:
        """Parse and look up a place; raises PlaceSyntaxError or PlaceNotFoundError."""
        query = parse_place(text)
        if isinstance(query, ZipQuery):
            place = self.lookup_zip(query.zip5)
        elif isinstance(query, CityQuery):
            place = self.lookup_city(query.city, query.state)
        else:
            place = self._point_place(query)
        if place is None:
            raise PlaceNotFoundError(text.strip())
        return place

    def resolve_choice(self, text: str) -> CityChoice:
        """`resolve`, also taking a bare or comma-less city name ("Washington DC", "Portland")."""
        try:
            return CityChoice(place=self.resolve(text))
        except (PlaceSyntaxError, PlaceNotFoundError) as error:
            choice = choose_city(text, self) if len(text) <= MAX_PLACE_CHARS else None
            if choice is None:
                raise error from None
            return choice

    def _point_place(self, query: PointQuery) -> Place:
        near = self.nearest_place(query.lat, query.lng)
        return Place(
            label=f"{round(query.lat, 5)},{round(query.lng, 5)}",
            lat=query.lat,
            lng=query.lng,
            state=near.state if near else None,
            timezone=near.timezone if near else None,
            precision="point",
        )

    def resolve_address(self, text: str) -> Place | None:
        """Best effort for a postal address: a place form, else its trailing ZIP or "City, ST"."""
        if len(text) > _MAX_ADDRESS_CHARS:
            return None
        try:
            return self.resolve(text)
        except (PlaceSyntaxError, PlaceNotFoundError):
            pass
        zip_match = _TRAILING_ZIP_RE.search(text)
        if zip_match and (place := self.lookup_zip(zip_match.group(1))):
            return place
        head = text[: zip_match.start()] if zip_match else text
        parts = [part.strip() for part in head.split(",")]
        if len(parts) >= 2 and parts[-2] and parts[-1]:
            return self.lookup_city(parts[-2], parts[-1])
        return None


class _OfflineAdapter(BaseSyncAdapter):  # type: ignore[misc, unused-ignore]
    """geopy adapter that refuses HTTP: the gazetteer geocoder never needs it."""

    def get_json(self, url: str, *, timeout: float, headers: dict[str, str]) -> Any:
        raise GeocoderServiceError("GazetteerGeocoder is offline and makes no HTTP requests")

    def get_text(self, url: str, *, timeout: float, headers: dict[str, str]) -> str:
        raise GeocoderServiceError("GazetteerGeocoder is offline and makes no HTTP requests")


class GazetteerGeocoder(Geocoder):  # type: ignore[misc, unused-ignore]
    """A geopy Geocoder answering from the offline Gazetteer (ZIP, "City, ST", lat,lng, address)."""

    def __init__(self, gazetteer: Gazetteer, *, user_agent: str = "pathways") -> None:
        super().__init__(user_agent=user_agent, adapter_factory=_OfflineAdapter)
        self.gazetteer = gazetteer

    def resolve(self, text: str) -> Place:
        """A place form (ZIP, "City, ST", lat,lng) parsed once and looked up, typed.

        Raises PlaceSyntaxError or PlaceNotFoundError; `geocode` keeps geopy's Location for
        the chain of geocoders.
        """
        return self.gazetteer.resolve(text)

    def geocode(
        self, query: str, *, exactly_one: bool = True, timeout: Any = DEFAULT_SENTINEL
    ) -> Location | list[Location] | None:
        """Look the query up; None when it names no known place (geopy's convention)."""
        place = self.gazetteer.resolve_address(query)
        if place is None:
            return None
        location = Location(place.label, (place.lat, place.lng), msgspec.structs.asdict(place))
        return location if exactly_one else [location]

    def reverse(self, query: Any, *, exactly_one: bool = True, timeout: Any = None) -> Any:
        """Not offered: use Gazetteer.nearest_place for coordinates."""
        raise NotImplementedError("GazetteerGeocoder has no reverse geocoding; use nearest_place")
