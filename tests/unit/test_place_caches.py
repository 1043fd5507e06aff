"""Place-search caches belong to one app: bounded, and never shared between two."""

from __future__ import annotations

from service.search.nearby import PlaceCaches


def test_hints_are_bounded_oldest_first() -> None:
    caches = PlaceCaches(max_hints=2)
    caches.remember(("a",), 5000.0)
    caches.remember(("b",), 10000.0)
    caches.remember(("c",), 20000.0)
    assert (caches.hint_m(("a",)), caches.hint_m(("b",)), caches.hint_m(("c",))) == (
        None,
        10000.0,
        20000.0,
    )


def test_two_apps_share_nothing() -> None:
    first, second = PlaceCaches(), PlaceCaches()
    first.remember(("a",), 5000.0)
    first.circle_cells((39.95, -75.17), 25000.0)
    assert second.hint_m(("a",)) is None
    assert second.circle_cells.cache_info().currsize == 0
    assert first.circle_cells.cache_info().currsize == 1


def test_covers_are_reused_and_bounded() -> None:
    caches = PlaceCaches(max_circles=2)
    for radius_m in (1000.0, 2000.0, 1000.0, 3000.0):
        caches.circle_cells((39.95, -75.17), radius_m)
    info = caches.circle_cells.cache_info()
    assert (info.hits, info.misses, info.currsize) == (1, 3, 2)
