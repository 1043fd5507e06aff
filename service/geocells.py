"""Precomputed grid cells: exact "within R of a point" sets from cheap equality filters.

Meilisearch answers `_geoRadius` by walking its R-tree outwards from the point through every
document with coordinates, whatever the other filters, so at scale the radius filter alone
costs more than the rest of a search (bench/RESULTS.md). Instead, each document stores the
cells that contain it on a few nested grids (`geo_cells`), and a search covers its circle
with cells: those wholly inside the circle are taken whole, and only the documents in cells
that straddle the edge are measured, with the same haversine Meilisearch uses, so the set
and the distances are exactly Meilisearch's.

Pure functions; coordinates are (lat, lng) in degrees, distances in metres.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Iterator
from typing import Final

import msgspec

# Level 0 cells are 0.01 degree square (about 1.1 km by 0.85 km at 40 N); each level up
# groups 2 x 2 cells of the one below (2 fits a circle more tightly than 4: half the cells).
# Cells are numbered from the level-0 index by integer division, so a point's cells nest
# exactly, whatever the float rounding of its degrees.
CELLS_PER_DEG: Final = 100
FACTOR: Final = 2
LEVELS: Final = 7
LEVEL_SIZES_DEG: Final[tuple[float, ...]] = tuple(
    FACTOR**level / CELLS_PER_DEG for level in range(LEVELS)
)
EARTH_RADIUS_M: Final = 6371e3
# Classifying a cell as wholly inside or outside keeps this much margin, so that rounding
# can only send a document to the exact check, never to the wrong side.
MARGIN_M: Final = 2.0
MAX_BOUNDARY_CELLS: Final = 400
# Near the poles a circle spans many degrees of longitude and the cover explodes; past this
# many cells the search leaves the circle to `_geoRadius` (service/place_search.py).
MAX_COVER_CELLS: Final = 4000


class Cover(msgspec.Struct, frozen=True, kw_only=True):
    """The cells covering a circle: wholly inside it, and straddling its edge."""

    interior: tuple[str, ...]
    boundary: tuple[str, ...]


def haversine_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Meilisearch's distance (geoutils' haversine, R = 6371 km, rounded to the mm)."""
    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    lambda1, lambda2 = math.radians(a[1]), math.radians(b[1])
    hav_phi = (1.0 - math.cos(phi2 - phi1)) / 2.0
    hav_lambda = math.cos(phi1) * math.cos(phi2) * ((1.0 - math.cos(lambda2 - lambda1)) / 2.0)
    return (
        round(2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(hav_phi + hav_lambda)) * 1000.0) / 1000.0
    )


def within(center: tuple[float, float], point: tuple[float, float], radius_m: float) -> bool:
    """Whether Meilisearch's `_geoRadius(center, radius_m)` contains the point."""
    return haversine_m(center, point) <= radius_m + 2.220446049250313e-16


def cell_id(level: int, row: int, col: int) -> str:
    """The filter value of one cell."""
    return f"{level}:{row}:{col}"


def cells_of(lat: float, lng: float) -> tuple[str, ...]:
    """The cells containing a point, one per level: a document's `geo_cells`."""
    row, col = math.floor(lat * CELLS_PER_DEG), math.floor(lng * CELLS_PER_DEG)
    return tuple(
        cell_id(level, row // FACTOR**level, col // FACTOR**level) for level in range(LEVELS)
    )


class _Vertices:
    """Distances from a centre to grid vertices, each measured once per cover.

    Every corner of a cell, at any level, is a vertex of the level-0 grid, shared by up to
    four cells and by the cells of every level that meet there, so a cover measures far
    fewer distances than it classifies corners (about 1,500 instead of 3,300 for 25 km).
    """

    def __init__(self, center: tuple[float, float]) -> None:
        self.center = center
        self._memo: dict[tuple[int, int], float] = {}

    def distance_m(self, row: int, col: int) -> float:
        """The distance to level-0 vertex (row, col), i.e. (row / 100, col / 100) degrees."""
        found = self._memo.get((row, col))
        if found is None:
            found = haversine_m(self.center, (row / CELLS_PER_DEG, col / CELLS_PER_DEG))
            self._memo[(row, col)] = found
        return found


def _classify(vertices: _Vertices, radius_m: float, level: int, row: int, col: int) -> int:
    """1 wholly inside the circle, -1 wholly outside, 0 straddling its edge."""
    span = FACTOR**level
    row0, col0 = row * span, col * span
    # On a sphere the farthest point of a lat/lng rectangle from a point is a corner.
    farthest = max(
        vertices.distance_m(r, c) for r in (row0, row0 + span) for c in (col0, col0 + span)
    )
    if farthest < radius_m - MARGIN_M:
        return 1
    center = vertices.center
    lat0, lat1 = row0 / CELLS_PER_DEG, (row0 + span) / CELLS_PER_DEG
    lng0, lng1 = col0 / CELLS_PER_DEG, (col0 + span) / CELLS_PER_DEG
    nearest_point = (min(max(center[0], lat0), lat1), min(max(center[1], lng0), lng1))
    # The clamped point is not quite the nearest on a sphere: keep a relative margin.
    if haversine_m(center, nearest_point) > radius_m * 1.005 + MARGIN_M:
        return -1
    return 0


def _start_level(radius_m: float) -> int:
    """The coarsest level whose cells are not much larger than the circle."""
    diameter_deg = 2 * radius_m / 111_000
    for level in range(len(LEVEL_SIZES_DEG) - 1, -1, -1):
        if LEVEL_SIZES_DEG[level] <= max(diameter_deg, LEVEL_SIZES_DEG[0]):
            return level
    return 0


def _finest_boundary_level(radius_m: float) -> int:
    """The finest level whose edge cells stay within MAX_BOUNDARY_CELLS around the circle."""
    circumference_deg = 2 * math.pi * radius_m / 111_000
    for level, size in enumerate(LEVEL_SIZES_DEG):
        if circumference_deg / size * 2 <= MAX_BOUNDARY_CELLS:
            return level
    return len(LEVEL_SIZES_DEG) - 1


def _cells_over(
    lat0: float, lat1: float, lng0: float, lng1: float, level: int
) -> Iterator[tuple[int, int]]:
    span = FACTOR**level
    rows = range(
        math.floor(lat0 * CELLS_PER_DEG) // span, math.floor(lat1 * CELLS_PER_DEG) // span + 1
    )
    cols = range(
        math.floor(lng0 * CELLS_PER_DEG) // span, math.floor(lng1 * CELLS_PER_DEG) // span + 1
    )
    for row in rows:
        for col in cols:
            yield row, col


def geo_key(lat: float, lng: float) -> str:
    """A document's exact point as one facet value: `repr` round-trips every float."""
    return f"{lat!r},{lng!r}"


def parse_geo_key(key: str) -> tuple[float, float]:
    """The (lat, lng) of a geo_key."""
    lat, _, lng = key.partition(",")
    return float(lat), float(lng)


@functools.lru_cache(maxsize=1024)
def cover(center: tuple[float, float], radius_m: float) -> Cover | None:
    """The cells that together hold exactly the documents within `radius_m` of `center`
    (all of `interior`, and the part of `boundary` that `within` accepts); None when that
    takes more than MAX_COVER_CELLS cells.

    Cached: searches near the same ZIP or city ask for the same circle again and again.
    Cell ids are interned: nearby places share most of their cells, so cached covers share
    the strings (about 420 cells for 25 km).
    """
    lat, lng = center
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.01
    dlng = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6)
    start, finest = _start_level(radius_m), _finest_boundary_level(radius_m)
    start = max(start, finest)
    interior: list[str] = []
    boundary: list[str] = []
    if dlng > 90 or abs(lat) + dlat > 89:
        return None  # around a pole: the lat/lng grid is no help there
    vertices = _Vertices(center)
    pending = [
        (start, row, col)
        for row, col in _cells_over(lat - dlat, lat + dlat, lng - dlng, lng + dlng, start)
    ]
    while pending:
        if len(pending) + len(interior) + len(boundary) > MAX_COVER_CELLS:
            return None
        level, row, col = pending.pop()
        kind = _classify(vertices, radius_m, level, row, col)
        if kind == 1:
            interior.append(sys.intern(cell_id(level, row, col)))
        elif kind == 0 and level == finest:
            boundary.append(sys.intern(cell_id(level, row, col)))
        elif kind == 0:
            pending.extend(
                (level - 1, row * FACTOR + i, col * FACTOR + j)
                for i in range(FACTOR)
                for j in range(FACTOR)
            )
    return Cover(interior=tuple(sorted(interior)), boundary=tuple(sorted(boundary)))
