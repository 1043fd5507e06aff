"""The search part of a page's query string: known keys, stable order, and URLs (pure)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final
from urllib.parse import urlencode

import msgspec

from service.search.request import filter_params, query_names

FILTER_PARAMS: Final[tuple[str, ...]] = filter_params()
BASE_PARAMS: Final[tuple[str, ...]] = query_names({"q", "near", "radius_km", "sort", "literal"})
# The time filters and the online-meetings switch; `at` and `tz` come only from a URL or the
# page's script. Only the API decides paging bounds, closed listings and facet counts.
SCHEDULE_PARAMS: Final[tuple[str, ...]] = (
    "open_now",
    "starts_within_min",
    "day",
    "time_from",
    "time_to",
    "include_online",
    "at",
    "tz",
)
MAX_VALUES_PER_KEY: Final = 20
MAX_VALUE_CHARS: Final = 200


class PageQuery(msgspec.Struct, frozen=True, kw_only=True):
    """The search part of a page's query string, in a stable order, plus paging."""

    pairs: tuple[tuple[str, str], ...] = ()
    page: str | None = None
    per_page: str | None = None

    def values(self, key: str) -> list[str]:
        """Every value of one key."""
        return [v for k, v in self.pairs if k == key]

    def first(self, key: str) -> str:
        """The first value of one key, or ''."""
        found = self.values(key)
        return found[0] if found else ""

    def as_query(self) -> dict[str, list[str]]:
        """Key -> values, with page and per_page, for building the SearchRequest."""
        query: dict[str, list[str]] = {}
        for key, value in self.pairs:
            query.setdefault(key, []).append(value)
        if self.page:
            query["page"] = [self.page]
        if self.per_page:
            query["per_page"] = [self.per_page]
        return query

    @property
    def searched(self) -> bool:
        """Whether the visitor asked for anything (a bare `/` shows only the form)."""
        return bool(self.pairs) or bool(self.page)


def page_query(query: Mapping[str, Sequence[str]], *, schedule: Sequence[str] = ()) -> PageQuery:
    """Known keys only, trimmed, capped, without empties; order: text, place, filters, time."""
    pairs: list[tuple[str, str]] = []
    for key in (*BASE_PARAMS, *FILTER_PARAMS, *schedule):
        seen: list[str] = []
        for raw in list(query.get(key, ()))[:MAX_VALUES_PER_KEY]:
            value = raw.strip()[:MAX_VALUE_CHARS]
            if value and value not in seen:
                seen.append(value)
        pairs += [(key, v) for v in seen]
    page = (list(query.get("page", ())) or [""])[-1].strip()[:6] or None
    per_page = (list(query.get("per_page", ())) or [""])[-1].strip()[:4] or None
    return PageQuery(pairs=tuple(pairs), page=page, per_page=per_page)


def build_url(path: str, pairs: Iterable[tuple[str, str]]) -> str:
    """`path?k=v&...` (just `path` when there are no pairs)."""
    encoded = urlencode(list(pairs), safe=",")
    return f"{path}?{encoded}" if encoded else path
