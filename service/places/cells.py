"""Precomputed grid cells: exact "within R of a point" sets from cheap equality filters.

Meilisearch answers `_geoRadius` by walking its R-tree outwards from the point through every
document with coordinates, whatever the other filters, so at scale the radius filter alone
costs more than the rest of a search (bench/RESULTS.md). Instead, each document stores the
cells that contain it on a few nested grids (`geo_cells`), and a search covers its circle
with cells: those wholly inside the circle are taken whole, and only the documents in cells
that straddle the edge are measured, with the same haversine Meilisearch uses
(service/places/units.py), so the set and the distances are exactly Meilisearch's.

Pure functions; coordinates are (lat, lng) in degrees, distances in metres.
"""

from __future__ import annotations

import math
from typing import Any, Final

import msgspec
import numpy as np
import numpy.typing as npt

from service.places.units import EARTH_RADIUS_M, M_PER_DEG, distance_m

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
# Classifying a cell as wholly inside or outside keeps this much margin, so that rounding
# can only send a document to the exact check, never to the wrong side.
MARGIN_M: Final = 2.0
MAX_BOUNDARY_CELLS: Final = 400
# Near the poles a circle spans many degrees of longitude and the cover explodes; past this
# many cells the search leaves the circle to `_geoRadius` (service/search/nearby.py).
MAX_COVER_CELLS: Final = 4000

Array = npt.NDArray[Any]


class Cover(msgspec.Struct, frozen=True, kw_only=True):
    """The cells covering a circle: wholly inside it, and straddling its edge."""

    interior: tuple[str, ...]
    boundary: tuple[str, ...]


def within(center: tuple[float, float], point: tuple[float, float], radius_m: float) -> bool:
    """Whether Meilisearch's `_geoRadius(center, radius_m)` contains the point."""
    return distance_m(center, point) <= radius_m + 2.220446049250313e-16


def cell_id(level: int, row: int, col: int) -> str:
    """The filter value of one cell."""
    return f"{level}:{row}:{col}"


def cells_of(lat: float, lng: float) -> tuple[str, ...]:
    """The cells containing a point, one per level: a document's `geo_cells`."""
    row, col = math.floor(lat * CELLS_PER_DEG), math.floor(lng * CELLS_PER_DEG)
    return tuple(
        cell_id(level, row // FACTOR**level, col // FACTOR**level) for level in range(LEVELS)
    )


def _classify(
    center: tuple[float, float], radius_m: float, level: int, rows: Array, cols: Array
) -> tuple[Array, Array]:
    """Masks of the cells (rows[i], cols[i]) wholly inside the circle, and straddling its
    edge; the rest are wholly outside. The 2 m margin (and the relative one) are far larger
    than any rounding, so a cell can only be sent to the exact check, never to a wrong side."""
    span = FACTOR**level
    lat0, lat1 = rows * span / CELLS_PER_DEG, (rows + 1) * span / CELLS_PER_DEG
    lng0, lng1 = cols * span / CELLS_PER_DEG, (cols + 1) * span / CELLS_PER_DEG
    # The haversine split into its latitude and longitude terms, so that a cell's four
    # corners share them: the cosines of a row's edges serve both of its corners.
    phi1, lambda1 = math.radians(center[0]), math.radians(center[1])
    cos_phi1 = math.cos(phi1)

    def lat_terms(lat: Array) -> tuple[Array, Array]:
        phi2 = np.radians(lat)
        return (1.0 - np.cos(phi2 - phi1)) / 2.0, cos_phi1 * np.cos(phi2)

    def lng_term(lng: Array) -> Array:
        result: Array = (1.0 - np.cos(np.radians(lng) - lambda1)) / 2.0
        return result

    (hav0, scale0), (hav1, scale1) = lat_terms(lat0), lat_terms(lat1)
    west, east = lng_term(lng0), lng_term(lng1)
    # On a sphere the farthest point of a lat/lng rectangle from a point is a corner; the
    # distance grows with the haversine, so the largest one is the farthest corner's.
    farthest_hav = np.maximum.reduce(
        [hav0 + scale0 * west, hav0 + scale0 * east, hav1 + scale1 * west, hav1 + scale1 * east]
    )
    inside = _metres(farthest_hav) < radius_m - MARGIN_M
    hav_n, scale_n = lat_terms(np.clip(center[0], lat0, lat1))
    nearest = _metres(hav_n + scale_n * lng_term(np.clip(center[1], lng0, lng1)))
    # The clamped point is not quite the nearest on a sphere: keep a relative margin.
    outside = nearest > radius_m * 1.005 + MARGIN_M
    return inside, ~inside & ~outside


def _metres(hav: Array) -> Array:
    """Distances on the sphere from haversines (as units.distances_m ends)."""
    result: Array = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(hav))
    return result


def _start_level(radius_m: float) -> int:
    """The coarsest level whose cells are not much larger than the circle."""
    diameter_deg = 2 * radius_m / M_PER_DEG
    for level in range(len(LEVEL_SIZES_DEG) - 1, -1, -1):
        if LEVEL_SIZES_DEG[level] <= max(diameter_deg, LEVEL_SIZES_DEG[0]):
            return level
    return 0


def _finest_boundary_level(radius_m: float) -> int:
    """The finest level whose edge cells stay within MAX_BOUNDARY_CELLS around the circle."""
    circumference_deg = 2 * math.pi * radius_m / M_PER_DEG
    for level, size in enumerate(LEVEL_SIZES_DEG):
        if circumference_deg / size * 2 <= MAX_BOUNDARY_CELLS:
            return level
    return len(LEVEL_SIZES_DEG) - 1


def _cells_over(
    lat0: float, lat1: float, lng0: float, lng1: float, level: int
) -> tuple[Array, Array]:
    """Rows and columns of the level's cells over a lat/lng box."""
    span = FACTOR**level
    rows = np.arange(
        math.floor(lat0 * CELLS_PER_DEG) // span, math.floor(lat1 * CELLS_PER_DEG) // span + 1
    )
    cols = np.arange(
        math.floor(lng0 * CELLS_PER_DEG) // span, math.floor(lng1 * CELLS_PER_DEG) // span + 1
    )
    grid_rows, grid_cols = np.meshgrid(rows, cols, indexing="ij")
    return grid_rows.ravel(), grid_cols.ravel()


def _ids(level: int, rows: Array, cols: Array) -> list[str]:
    return [cell_id(level, r, c) for r, c in zip(rows.tolist(), cols.tolist(), strict=True)]


def geo_key(lat: float, lng: float) -> str:
    """A document's exact point as one facet value: `repr` round-trips every float."""
    return f"{lat!r},{lng!r}"


def parse_geo_key(key: str) -> tuple[float, float]:
    """The (lat, lng) of a geo_key."""
    lat, _, lng = key.partition(",")
    return float(lat), float(lng)


def cover(center: tuple[float, float], radius_m: float) -> Cover | None:
    """The cells that together hold exactly the documents within `radius_m` of `center`
    (all of `interior`, and the part of `boundary` that `within` accepts); None when that
    takes more than MAX_COVER_CELLS cells.

    Cells are classified a level at a time with numpy: about 0.6 ms for 25 km, against
    2.2 ms one cell at a time in Python (service/search/nearby.py keeps the clauses made
    from covers, since searches near the same ZIP or city ask for the same circle again).
    """
    lat, lng = center
    dlat = math.degrees(radius_m / EARTH_RADIUS_M) * 1.01
    dlng = dlat / max(math.cos(math.radians(min(abs(lat) + dlat, 89.9))), 1e-6)
    if dlng > 90 or abs(lat) + dlat > 89:
        return None  # around a pole: the lat/lng grid is no help there
    start, finest = _start_level(radius_m), _finest_boundary_level(radius_m)
    level = max(start, finest)
    rows, cols = _cells_over(lat - dlat, lat + dlat, lng - dlng, lng + dlng, level)
    interior: list[str] = []
    boundary: list[str] = []
    # Level by level, coarse to fine: cells inside are taken whole, cells on the edge are
    # split into their FACTOR x FACTOR children until the finest level keeps them as edge.
    while rows.size:
        if rows.size + len(interior) + len(boundary) > MAX_COVER_CELLS:
            return None
        inside, edge = _classify(center, radius_m, level, rows, cols)
        interior.extend(_ids(level, rows[inside], cols[inside]))
        rows, cols = rows[edge], cols[edge]
        if level == finest:
            boundary.extend(_ids(level, rows, cols))
            break
        offsets = np.arange(FACTOR)
        rows = (rows[:, None, None] * FACTOR + offsets[None, :, None]).repeat(FACTOR, 2).ravel()
        cols = (cols[:, None, None] * FACTOR + offsets[None, None, :]).repeat(FACTOR, 1).ravel()
        level -= 1
    if len(interior) + len(boundary) > MAX_COVER_CELLS:
        return None
    return Cover(interior=tuple(sorted(interior)), boundary=tuple(sorted(boundary)))
