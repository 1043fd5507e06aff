"""Offline US gazetteer data: ZIP centroids, GeoNames places and states, looked up in memory.

Data: service/data/gazetteer/ (see SOURCES.md there). Parsing and resolving place text, and the
geopy Geocoder, are in service/places/geocoder.py.
"""

from __future__ import annotations

import csv
import gc
import json
import math
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final, Literal, Self

import msgspec

from service.places.units import KM_PER_DEG

DATA_DIR: Final = Path(__file__).resolve().parent.parent / "data" / "gazetteer"
NEAREST_MAX_KM: Final = 250.0
_CELL_DEG: Final = 0.25
# Bounds the ring search near the poles, where cos(lat) -> 0 would widen it without end;
# no US place lies above 72 degrees north.
_MIN_COS_LAT: Final = 0.25
# Both sides of a name comparison are folded to the short form, so "Saint Louis",
# "St. Louis" and "st louis" meet.
_WORD_FOLDS: Final = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}
_PUNCTUATION_FOLDS: Final = str.maketrans({"-": " ", ".": None, "'": None, "\u2019": None})

# (lat, lng, state, timezone)
_ZipRow = tuple[float, float, str, str]
# (name, state, lat, lng, population, timezone)
_PlaceRow = tuple[str, str, float, float, int, str]
_GridKey = tuple[int, int]


Precision = Literal["zip", "city", "point"]


class Place(msgspec.Struct, frozen=True, kw_only=True):
    """A resolved place: a point plus what the gazetteer knows about it."""

    label: str
    lat: float
    lng: float
    state: str | None
    timezone: str | None
    precision: Precision


def normalize_name(name: str) -> str:
    """Fold a place or state name for matching: case, accents, punctuation, Saint/St."""
    folded = name.casefold()
    if not folded.isascii():
        decomposed = unicodedata.normalize("NFKD", folded)
        folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    words = folded.translate(_PUNCTUATION_FOLDS).split()
    return " ".join([_WORD_FOLDS.get(word, word) for word in words])


class PlaceIndex:
    """In-memory lookups of US ZIPs, "City, ST" places and nearest places (no parsing)."""

    def __init__(
        self,
        *,
        zips: dict[str, _ZipRow],
        zip_cities: dict[tuple[str, str], list[str]],
        places: list[_PlaceRow],
        state_codes: dict[str, str],
    ) -> None:
        self._zips = zips
        self._zip_cities = zip_cities
        self._places = places
        self._state_codes = state_codes
        self._cities: dict[tuple[str, str], _PlaceRow] = {}
        self._by_name: dict[str, list[_PlaceRow]] = {}
        self._grid: dict[_GridKey, list[tuple[float, float, int]]] = {}
        self._lat_range = (min(p[2] for p in places), max(p[2] for p in places))
        self._lng_range = (min(p[3] for p in places), max(p[3] for p in places))
        for index, place in enumerate(places):
            key = (normalize_name(place[0]), place[1])
            self._by_name.setdefault(key[0], []).append(place)
            best = self._cities.get(key)
            if best is None or place[4] > best[4]:
                self._cities[key] = place
            cell = (math.floor(place[2] / _CELL_DEG), math.floor(place[3] / _CELL_DEG))
            self._grid.setdefault(cell, []).append((place[2], place[3], index))

    @classmethod
    def load(cls, directory: Path | None = None) -> Self:
        """Read the shipped gazetteer files (default: the package's data folder)."""
        folder = DATA_DIR if directory is None else directory
        # The load allocates ~300,000 small objects that all live on; pausing the cyclic
        # collector meanwhile cuts the load from ~200 ms to ~125 ms.
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            zips, zip_cities = _read_zips(folder / "zip_centroids.tsv")
            state_codes = _read_state_codes(folder / "us_states.json")
            for _lat, _lng, state, _zone in zips.values():
                state_codes.setdefault(state.casefold(), state)
            return cls(
                zips=zips,
                zip_cities=zip_cities,
                places=_read_places(folder / "us_places_pop500.csv"),
                state_codes=state_codes,
            )
        finally:
            if gc_was_enabled:
                gc.enable()

    def lookup_zip(self, zip5: str) -> Place | None:
        """The centroid of a 5-digit ZIP, or None if the ZIP is unknown."""
        row = self._zips.get(zip5)
        if row is None:
            return None
        lat, lng, state, zone = row
        return Place(
            label=zip5, lat=lat, lng=lng, state=state, timezone=zone or None, precision="zip"
        )

    def lookup_city(self, name: str, state: str) -> Place | None:
        """The most populous place of that name in a state (USPS code or full name)."""
        code = self._state_codes.get(normalize_name(state))
        if code is None:
            return None
        folded = normalize_name(name)
        # GeoNames calls some cities "X City" ("New York City") where people write "X".
        place = self._cities.get((folded, code)) or self._cities.get((f"{folded} city", code))
        if place is not None:
            return _city_place(place)
        return self._usps_city(folded, code)

    def state_code(self, name: str) -> str | None:
        """The USPS code of a state given by code or full name ("pa", "Pennsylvania")."""
        return self._state_codes.get(normalize_name(name))

    def cities_named(self, name: str) -> list[Place]:
        """Every place of that name in any state, the most populous first."""
        folded = normalize_name(name)
        rows = self._by_name.get(folded, []) + self._by_name.get(f"{folded} city", [])
        best: dict[str, _PlaceRow] = {}
        for row in rows:
            if row[1] not in best or row[4] > best[row[1]][4]:
                best[row[1]] = row
        return [_city_place(row) for row in sorted(best.values(), key=lambda r: -r[4])]

    def _usps_city(self, folded: str, code: str) -> Place | None:
        # Towns under GeoNames' 500-people cut still have a post office: average its ZIPs.
        zip_codes = self._zip_cities.get((folded, code))
        if not zip_codes:
            return None
        rows = [self._zips[zip5] for zip5 in zip_codes]
        lat = sum(row[0] for row in rows) / len(rows)
        lng = sum(row[1] for row in rows) / len(rows)
        label = f"{folded.title()}, {code}"
        zone = rows[0][3] or None
        return Place(label=label, lat=lat, lng=lng, state=code, timezone=zone, precision="city")

    def nearest_place(
        self, lat: float, lng: float, *, max_distance_km: float = NEAREST_MAX_KM
    ) -> Place | None:
        """The nearest GeoNames place within max_distance_km, or None."""
        cos_lat = max(math.cos(math.radians(lat)), _MIN_COS_LAT)
        reach_deg = max_distance_km / KM_PER_DEG
        if not (
            self._lat_range[0] - reach_deg <= lat <= self._lat_range[1] + reach_deg
            and self._lng_range[0] - reach_deg / cos_lat
            <= lng
            <= self._lng_range[1] + reach_deg / cos_lat
        ):
            return None  # far from every place: skip scanning hundreds of empty cells
        best_index, best_d2 = -1, reach_deg**2
        row, col = math.floor(lat / _CELL_DEG), math.floor(lng / _CELL_DEG)
        ring = 0
        # A cell in ring r is at least (r - 1) cells away along lat or lng; lng shrinks by cos.
        while ((ring - 1) * _CELL_DEG * cos_lat) ** 2 <= best_d2:
            for cell in _ring_cells(row, col, ring):
                for p_lat, p_lng, index in self._grid.get(cell, ()):
                    d_lat, d_lng = p_lat - lat, (p_lng - lng) * cos_lat
                    d2 = d_lat * d_lat + d_lng * d_lng
                    if d2 < best_d2:
                        best_index, best_d2 = index, d2
            ring += 1
        return _city_place(self._places[best_index]) if best_index >= 0 else None


def _ring_cells(row: int, col: int, ring: int) -> Iterator[_GridKey]:
    if ring == 0:
        yield (row, col)
        return
    for d_col in range(-ring, ring + 1):
        yield (row - ring, col + d_col)
        yield (row + ring, col + d_col)
    for d_row in range(-ring + 1, ring):
        yield (row + d_row, col - ring)
        yield (row + d_row, col + ring)


def _city_place(place: _PlaceRow) -> Place:
    name, state, lat, lng, _population, zone = place
    return Place(
        label=f"{name}, {state}", lat=lat, lng=lng, state=state, timezone=zone, precision="city"
    )


def _read_zips(path: Path) -> tuple[dict[str, _ZipRow], dict[tuple[str, str], list[str]]]:
    zips: dict[str, _ZipRow] = {}
    cities: dict[tuple[str, str], list[str]] = {}
    folded: dict[str, str] = {}  # most USPS city names repeat: fold each once
    with path.open(encoding="utf-8") as handle:
        next(handle)
        for line in handle:
            zip5, lat, lng, state, zone, city, _source = line.rstrip("\n").split("\t")
            zips[zip5] = (float(lat), float(lng), state, zone)
            name = folded.get(city)
            if name is None:
                name = folded[city] = normalize_name(city)
            cities.setdefault((name, state), []).append(zip5)
    return zips, cities


def _read_places(path: Path) -> list[_PlaceRow]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [
            (name, state, float(lat), float(lng), int(population), zone)
            for _id, name, state, lat, lng, population, zone in reader
        ]


def _read_state_codes(path: Path) -> dict[str, str]:
    states: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    codes: dict[str, str] = {}
    for code, info in states.items():
        codes[code.casefold()] = code
        codes[normalize_name(str(info["name"]))] = code
    return codes
