"""Distances on the Earth: the one sphere, its haversine, and kilometres to metres.

Every distance is measured on Meilisearch's sphere, R = 6371 km (the `geoutils` haversine
behind `_geoRadius`, `_geoDistance` and the distance sort), because a search's circle and
its order are Meilisearch's: a radius of our own, however much closer to the IUGG mean
(6371.0088 km), would put a document at the edge of a circle on one side here and on the
other in the index. Coordinates are (lat, lng) in degrees.

The same sphere, measured two ways:
- `distance_km`, the distances shown (a hit's `distance_km`), goes through geopy's
  great-circle distance, like everything else about places;
- `distance_m` and `distances_m` are the closed-form haversine, for the grid and cover
  maths and the indexer's duplicate check: Meilisearch's own formula, so a point is inside a
  circle here exactly when it is inside `_geoRadius` (rounded to the mm as it rounds), and
  vectorised over numpy arrays, where geopy measures one pair at a time in Python.
The two agree to well under a millimetre per kilometre (tests/unit/test_units.py).
"""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from geopy.distance import great_circle  # type: ignore[import-untyped, unused-ignore]

EARTH_RADIUS_KM: Final = 6371.0
EARTH_RADIUS_M: Final = EARTH_RADIUS_KM * 1000.0
# One degree of latitude (and of longitude at the equator) on that sphere: 111.195 km.
KM_PER_DEG: Final = EARTH_RADIUS_KM * math.pi / 180.0
M_PER_DEG: Final = KM_PER_DEG * 1000.0

Array = npt.NDArray[Any]


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in km between two (lat, lng) points, measured by geopy."""
    return float(great_circle(a, b, radius=EARTH_RADIUS_KM).km)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Meilisearch's distance in metres (its haversine, rounded to the mm) of two points."""
    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    lambda1, lambda2 = math.radians(a[1]), math.radians(b[1])
    hav_phi = (1.0 - math.cos(phi2 - phi1)) / 2.0
    hav_lambda = math.cos(phi1) * math.cos(phi2) * ((1.0 - math.cos(lambda2 - lambda1)) / 2.0)
    return (
        round(2.0 * EARTH_RADIUS_M * math.asin(math.sqrt(hav_phi + hav_lambda)) * 1000.0) / 1000.0
    )


def distances_m(center: tuple[float, float], lat: Array, lng: Array) -> Array:
    """`distance_m` from one point to many (unrounded), for arrays of lat and lng."""
    phi1, lambda1 = math.radians(center[0]), math.radians(center[1])
    phi2, lambda2 = np.radians(lat), np.radians(lng)
    hav_phi = (1.0 - np.cos(phi2 - phi1)) / 2.0
    hav_lambda = math.cos(phi1) * np.cos(phi2) * ((1.0 - np.cos(lambda2 - lambda1)) / 2.0)
    result: Array = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(hav_phi + hav_lambda))
    return result


def km_to_m(distance_km: float) -> int:
    """Kilometres to whole metres, the unit Meilisearch's `_geoRadius` takes."""
    return round(distance_km * 1000.0)
