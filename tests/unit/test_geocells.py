"""Grid cells and circle covers (service/places/cells.py), and page selection by point."""

from __future__ import annotations

import random

import pytest

from service.places.cells import (
    FACTOR,
    LEVELS,
    cells_of,
    cover,
    geo_key,
    parse_geo_key,
    within,
)
from service.places.units import M_PER_DEG
from service.search.nearby import Point, by_rank, local_clause, page_points


@pytest.mark.parametrize(
    ("point", "expected"),
    [
        ((39.9526, -75.1652), ("0:3995:-7517", "1:1997:-3759", "2:998:-1880")),
        ((0.12, 0.04), ("0:12:4", "1:6:2", "2:3:1")),  # on cell edges: nests by integers
        ((-33.8688, 151.2093), ("0:-3387:15120", "1:-1694:7560", "2:-847:3780")),
    ],
)
def test_cells_nest_by_integer_division(
    point: tuple[float, float], expected: tuple[str, ...]
) -> None:
    cells = cells_of(*point)
    assert len(cells) == LEVELS
    assert cells[:3] == expected
    rows = [int(c.split(":")[1]) for c in cells]
    assert all(rows[i + 1] == rows[i] // FACTOR for i in range(LEVELS - 1))


@pytest.mark.parametrize("point", [(39.9526, -75.1652), (-0.0000001, 179.99), (61.2181, -149.9003)])
def test_geo_key_round_trips_exactly(point: tuple[float, float]) -> None:
    assert parse_geo_key(geo_key(*point)) == point


@pytest.mark.parametrize(
    ("center", "radius_m"),
    [
        ((39.9526, -75.1652), 500.0),
        ((39.9526, -75.1652), 3000.0),
        ((39.9526, -75.1652), 25000.0),
        ((40.7128, -74.0060), 100000.0),
        ((61.2181, -149.9003), 250000.0),  # far north: cells are narrow
        ((0.005, 0.005), 2000.0),  # straddles the equator and the meridian
    ],
)
def test_cover_holds_exactly_the_points_within_the_radius(
    center: tuple[float, float], radius_m: float
) -> None:
    circle = cover(center, radius_m)
    assert circle is not None
    interior, boundary = set(circle.interior), set(circle.boundary)
    assert not interior & boundary
    rng = random.Random(f"{center}{radius_m}")  # noqa: S311 - reproducible test points
    spread_deg = radius_m / M_PER_DEG * 1.6
    for _ in range(4000):
        point = (
            center[0] + rng.uniform(-spread_deg, spread_deg),
            center[1] + rng.uniform(-spread_deg, spread_deg) * 1.5,
        )
        cells = set(cells_of(*point))
        selected = bool(cells & interior) or (
            bool(cells & boundary) and within(center, point, radius_m)
        )
        assert selected == within(center, point, radius_m), point
        assert not (cells & interior and not within(center, point, radius_m))


def _points(*rows: tuple[float, int]) -> list[Point]:
    return [Point(distance, f"k{i}", count) for i, (distance, count) in enumerate(rows)]


@pytest.mark.parametrize(
    ("rows", "start", "end", "keys", "first_rank"),
    [
        # Ranks 0-1 at k0, 2 at k1, 3-5 at k2: page [0, 2) is k0 alone.
        (((10.0, 2), (20.0, 1), (30.0, 3)), 0, 2, ["k0"], 0),
        # Page [2, 4) starts inside k1 and ends inside k2.
        (((10.0, 2), (20.0, 1), (30.0, 3)), 2, 4, ["k1", "k2"], 2),
        # 20.2 and 19.8 are the same whole metre: Meilisearch orders them together.
        (((10.0, 1), (19.8, 1), (20.2, 1), (30.0, 1)), 1, 2, ["k1", "k2"], 1),
        # Too few documents for the page.
        (((10.0, 1),), 0, 2, None, None),
    ],
)
def test_page_points(
    rows: tuple[tuple[float, int], ...],
    start: int,
    end: int,
    keys: list[str] | None,
    first_rank: int | None,
) -> None:
    page = page_points(_points(*rows), start=start, end=end)
    if keys is None:
        assert page is None
        return
    assert page is not None
    assert [p.key for p in page.points] == keys
    assert page.first_rank == first_rank


def test_groups_by_whole_metre_round_halves_up() -> None:
    groups = by_rank(_points((1.49, 1), (1.5, 1), (2.49, 1), (2.5, 1)))
    assert [[p.key for p in g] for g in groups] == [["k0"], ["k1", "k2"], ["k3"]]


@pytest.mark.parametrize(
    ("interior", "inside", "expected"),
    [
        ('geo_cells IN ["0:1:2"]', [], '(geo_cells IN ["0:1:2"])'),
        (None, ["1.5,2.5"], '(geo_key IN ["1.5,2.5"])'),
        (
            'geo_cells IN ["0:1:2"]',
            ["1.5,2.5"],
            '(geo_cells IN ["0:1:2"]) OR (geo_key IN ["1.5,2.5"])',
        ),
        (None, [], 'geo_key = ""'),
    ],
)
def test_local_clause(interior: str | None, inside: list[str], expected: str) -> None:
    assert local_clause(interior, inside) == expected


@pytest.mark.parametrize(("center", "radius_m"), [((89.9, 0.0), 250000.0), ((-89.99, 10.0), 500.0)])
def test_no_cover_around_the_poles(center: tuple[float, float], radius_m: float) -> None:
    assert cover(center, radius_m) is None
