"""Distances on Meilisearch's sphere: geopy's great circle and the closed-form haversine."""

from __future__ import annotations

import random

import numpy as np
import pytest

from service.places.units import (
    EARTH_RADIUS_KM,
    KM_PER_DEG,
    distance_km,
    distance_m,
    distances_m,
    km_to_m,
)

PHILADELPHIA = (39.95238, -75.16362)  # GeoNames point of Philadelphia, PA
NEW_YORK = (40.71427, -74.00597)  # GeoNames point of New York City, NY


def test_the_sphere_is_meilisearchs() -> None:
    assert EARTH_RADIUS_KM == 6371.0
    assert KM_PER_DEG == pytest.approx(111.195, abs=0.001)


def test_distance_m_is_meilisearchs() -> None:
    # geoutils' own test pair (the crate Meilisearch measures with): 56.36 m.
    assert distance_m((27.740068, 85.337576), (27.740286, 85.337059)) == pytest.approx(
        56.36, abs=0.005
    )
    assert distance_m((39.9526, -75.1652), (39.9526, -75.1652)) == 0.0


@pytest.mark.parametrize(
    ("a", "b", "expected_km"),
    [
        (PHILADELPHIA, NEW_YORK, 130.0),
        (NEW_YORK, PHILADELPHIA, 130.0),
        (PHILADELPHIA, PHILADELPHIA, 0.0),
    ],
)
def test_distance_km(a: tuple[float, float], b: tuple[float, float], expected_km: float) -> None:
    assert distance_km(a, b) == pytest.approx(expected_km, abs=2.0)


def test_geopy_and_the_haversine_agree() -> None:
    rng = random.Random(7)  # noqa: S311 - reproducible test points
    for _ in range(2000):
        a = (rng.uniform(-70.0, 70.0), rng.uniform(-180.0, 180.0))
        b = (a[0] + rng.uniform(-3.0, 3.0), a[1] + rng.uniform(-3.0, 3.0))
        geopy_m = distance_km(a, b) * 1000.0
        # Both on the same sphere: only the mm rounding and float error tell them apart.
        assert distance_m(a, b) == pytest.approx(geopy_m, abs=0.001, rel=1e-9), (a, b)


def test_distances_m_is_distance_m_over_arrays() -> None:
    center = PHILADELPHIA
    lat = np.array([NEW_YORK[0], 39.9526, 41.0])
    lng = np.array([NEW_YORK[1], -75.1652, -75.0])
    many = distances_m(center, lat, lng)
    for i in range(lat.size):
        one = distance_m(center, (float(lat[i]), float(lng[i])))
        assert float(many[i]) == pytest.approx(one, abs=0.001)


@pytest.mark.parametrize(("km", "m"), [(25.0, 25_000), (0.0, 0), (1.2345, 1_234), (250, 250_000)])
def test_km_to_m(km: float, m: int) -> None:
    assert km_to_m(km) == m
