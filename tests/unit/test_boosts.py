"""Boosts as tiers: which tier pages make a page, the boosted tier's filter (tables)."""

from __future__ import annotations

import pytest

from service.search.boosts import TierSlice, boost_clause, rest_clause, summed_facets, tier_plan


def _s(page: int, start: int, stop: int) -> TierSlice:
    return TierSlice(page=page, start=start, stop=stop)


@pytest.mark.parametrize(
    ("page", "per_page", "boosted_total", "boosted", "rest"),
    [
        # Nothing boosted: the other tier's pages, as they are.
        (1, 20, 0, [], [_s(1, 0, 20)]),
        (3, 20, 0, [], [_s(3, 0, 20)]),
        # A few boosted hits: they open page 1, the other tier fills it...
        (1, 20, 3, [_s(1, 0, 3)], [_s(1, 0, 17)]),
        # ...and page 2 goes on where page 1 left the other tier, across its pages.
        (2, 20, 3, [], [_s(1, 17, 20), _s(2, 0, 17)]),
        # A whole page of boosted hits, then the boundary inside page 2.
        (1, 20, 25, [_s(1, 0, 20)], []),
        (2, 20, 25, [_s(2, 0, 5)], [_s(1, 0, 15)]),
        (3, 20, 25, [], [_s(1, 15, 20), _s(2, 0, 15)]),
        # Boundary on a page edge: no empty slices.
        (2, 20, 20, [], [_s(1, 0, 20)]),
        (1, 5, 10, [_s(1, 0, 5)], []),
    ],
)
def test_tier_plan(
    page: int,
    per_page: int,
    boosted_total: int,
    boosted: list[TierSlice],
    rest: list[TierSlice],
) -> None:
    plan = tier_plan(page, per_page, boosted_total)
    assert list(plan.boosted) == boosted
    assert list(plan.rest) == rest


@pytest.mark.parametrize("boosted_total", [0, 1, 7, 19, 20, 21, 45])
def test_tier_plan_pages_cover_the_order_once(boosted_total: int) -> None:
    # Concatenated pages list every boosted hit, then every other hit, each exactly once.
    per_page, others = 20, 200
    seen: list[tuple[str, int]] = []
    for page in range(1, 6):
        plan = tier_plan(page, per_page, boosted_total)
        for s in plan.boosted:
            seen += [("b", (s.page - 1) * per_page + i) for i in range(s.start, s.stop)]
        for s in plan.rest:
            seen += [("r", (s.page - 1) * per_page + i) for i in range(s.start, s.stop)]
    expected = [("b", i) for i in range(boosted_total)] + [("r", i) for i in range(others)]
    assert seen == expected[: len(seen)]
    assert len(seen) == 5 * per_page


@pytest.mark.parametrize(
    ("boosts", "clause"),
    [
        ({}, None),
        ({"need": ["family_friends"]}, 'needs = "family_friends"'),
        (
            {"need": ["opioids", "family_friends"], "language": ["es"]},
            'needs = "opioids" OR needs = "family_friends" OR languages = "es"',
        ),
        # Only vocabulary codes ever reach a filter.
        ({"need": ['x" OR kind = "meeting']}, None),
        ({"nonsense": ["a"]}, None),
    ],
)
def test_boost_clause(boosts: dict[str, list[str]], clause: str | None) -> None:
    assert boost_clause(boosts) == clause


def test_rest_clause_and_summed_facets() -> None:
    assert rest_clause('needs = "a"') == 'NOT (needs = "a")'
    assert summed_facets({"kind": {"meeting": 2}}, {"kind": {"meeting": 1, "helpline": 4}}) == {
        "kind": {"helpline": 4, "meeting": 3}
    }
