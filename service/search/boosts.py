"""Boosts as ranking over the whole answer: the boosted hits first, then the rest (pure).

A boost (a weak reading of q: "my daughter", "pills", Spanish words) never filters. It splits
the honest answer into two disjoint tiers, the hits with any boosted code and the others,
each in the search's own order (relevance or nearest first), and pages through the boosted
tier before the other. So the set and its totals stay those of the search as asked, every
page is cut from the same order, and a boosted hit outranks the others whatever page the
plain order would have put it on. `tier_plan` says which pages of each tier a page needs;
`boost_clause` is the boosted tier's filter, built from vocabulary codes, quoted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import msgspec

from service.contract.documents import FILTER_FIELDS
from service.contract.filters import quote_value

_ATTRIBUTES: Final = {f.param: f.attribute for f in FILTER_FIELDS}
_CODES: Final = {f.param: frozenset(t.code for t in f.vocabulary.terms) for f in FILTER_FIELDS}


class TierSlice(msgspec.Struct, frozen=True, kw_only=True):
    """Hits `start:stop` of page `page` of one tier (the tiers share the page size)."""

    page: int
    start: int
    stop: int


class TierPlan(msgspec.Struct, frozen=True, kw_only=True):
    """The slices of the boosted tier, then of the other tier, that make one page."""

    boosted: tuple[TierSlice, ...]
    rest: tuple[TierSlice, ...]


def boost_clause(boosts: Mapping[str, Sequence[str]]) -> str | None:
    """A filter matching a hit with any boosted code; None without a known code."""
    terms = [
        f"{_ATTRIBUTES[param]} = {quote_value(code)}"
        for param, codes in boosts.items()
        if param in _ATTRIBUTES
        for code in codes
        if code in _CODES[param]
    ]
    return " OR ".join(terms) if terms else None


def rest_clause(clause: str) -> str:
    """The other tier's filter: every hit the boosted tier leaves out."""
    return f"NOT ({clause})"


def tier_plan(page: int, per_page: int, boosted_total: int) -> TierPlan:
    """Which tier pages make page `page` when `boosted_total` hits come first."""
    start = (page - 1) * per_page
    stop = start + per_page
    boosted: tuple[TierSlice, ...] = ()
    if start < boosted_total:
        boosted = (TierSlice(page=page, start=0, stop=min(stop, boosted_total) - start),)
    rest_start = max(start, boosted_total) - boosted_total
    rest_stop = stop - boosted_total
    rest: list[TierSlice] = []
    while rest_start < rest_stop:
        rest_page = rest_start // per_page + 1
        page_start = (rest_page - 1) * per_page
        cut = min(rest_stop, page_start + per_page)
        rest.append(TierSlice(page=rest_page, start=rest_start - page_start, stop=cut - page_start))
        rest_start = cut
    return TierPlan(boosted=boosted, rest=tuple(rest))


def summed_facets(
    first: Mapping[str, Mapping[str, int]], second: Mapping[str, Mapping[str, int]]
) -> dict[str, dict[str, int]]:
    """Facet counts of two disjoint tiers added up: those of the whole answer."""
    out: dict[str, dict[str, int]] = {}
    for param in dict.fromkeys([*first, *second]):
        counts: dict[str, int] = dict(first.get(param, {}))
        for code, count in second.get(param, {}).items():
            counts[code] = counts.get(code, 0) + count
        out[param] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out
