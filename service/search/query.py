"""Search parameters -> a safe Meilisearch search. Pure functions, no I/O.

Filter values are checked against the vocabularies and then quoted, so nothing a user
types can change the structure of a filter expression.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, Literal

import msgspec

from service.contract.documents import FILTER_FIELDS, PUBLIC_ATTRIBUTES, FilterField
from service.contract.filters import quote_value
from service.errors import BadParameterError
from service.places.units import km_to_m
from service.values import shown

SortOrder = Literal["relevance", "distance", "soonest"]
MatchingStrategy = Literal["last", "all", "frequency"]
SORT_ORDERS: Final[tuple[SortOrder, ...]] = ("relevance", "distance", "soonest")
MAX_QUERY_CHARS: Final = 200
# Which query words a hit may lack when too few hits hold them all; chosen by measurement on
# the judged set (docs/search-quality.md). Meilisearch has no index-wide default for it.
MATCHING_STRATEGY: MatchingStrategy = "last"
MAX_VALUES_PER_PARAM: Final = 20
RETRIEVED_ATTRIBUTES: Final[list[str]] = list(PUBLIC_ATTRIBUTES)

_FIELDS_BY_PARAM: Final[dict[str, FilterField]] = {f.param: f for f in FILTER_FIELDS}
_PARAM_BY_ATTRIBUTE: Final[dict[str, str]] = {f.attribute: f.param for f in FILTER_FIELDS}


class Limits(msgspec.Struct, frozen=True, kw_only=True):
    """Bounds from the settings that validation enforces."""

    default_radius_km: float
    max_radius_km: float
    max_per_page: int
    max_page: int = 1000


class SearchParams(msgspec.Struct, frozen=True, kw_only=True):
    """A validated search request."""

    q: str = ""
    near: str | None = None
    radius_km: float
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    sort: SortOrder
    page: int = 1
    per_page: int = 20
    # Temporarily closed listings are left out unless asked for.
    include_closed: bool = False
    # With `near`: online meetings serving the place's state too (README, remote services).
    include_online: bool = False
    # Attributes to count values of; facets cost as much as the rest of a search at scale,
    # so clients that do not show them can ask for none (`facets=none`).
    facets: tuple[str, ...] = tuple(f.attribute for f in FILTER_FIELDS)


def validate_codes(param: str, values: Sequence[str] | None) -> tuple[str, ...]:
    """Vocabulary codes of one repeated parameter, lower-cased and de-duplicated."""
    field = _FIELDS_BY_PARAM[param]
    codes: list[str] = []
    for raw in values or ():
        value = raw.strip().lower()
        if not value:
            continue
        if value not in field.vocabulary.codes:
            raise BadParameterError(
                param,
                f"{param}={shown(raw)} is not an allowed value. Allowed values: "
                + ", ".join(field.vocabulary.ordered_codes()),
                allowed=field.vocabulary.ordered_codes(),
            )
        if value not in codes:
            codes.append(value)
    if len(codes) > MAX_VALUES_PER_PARAM:
        raise BadParameterError(param, f"{param} may be given at most {MAX_VALUES_PER_PARAM} times")
    return tuple(codes)


def validate_facets(value: str | None) -> tuple[str, ...]:
    """`facets`: all (default), none, or a comma-separated list of filter parameters."""
    allowed = ["all", "none", *_FIELDS_BY_PARAM]
    text = (value or "all").strip().lower()
    if text == "all":
        return tuple(f.attribute for f in FILTER_FIELDS)
    if text == "none":
        return ()
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in _FIELDS_BY_PARAM]
    if unknown or not names:
        raise BadParameterError(
            "facets",
            f"facets={shown(unknown[0] if unknown else text)} is not an allowed value. "
            "Allowed values: all, none, or a comma-separated list of "
            + ", ".join(_FIELDS_BY_PARAM),
            allowed=allowed,
        )
    return tuple(dict.fromkeys(_FIELDS_BY_PARAM[n].attribute for n in names))


def validate_params(
    *,
    q: str,
    near: str | None,
    radius_km: float | None,
    sort: str | None,
    page: int,
    per_page: int,
    filters: Mapping[str, Sequence[str] | None],
    limits: Limits,
    include_closed: bool = False,
    include_online: bool = False,
    facets: str | None = None,
) -> SearchParams:
    """Check every parameter and return the validated request, or raise BadParameterError."""
    q = q.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise BadParameterError("q", f"q may be at most {MAX_QUERY_CHARS} characters long")
    near = near.strip() if near and near.strip() else None
    if radius_km is None:
        radius_km = limits.default_radius_km
    elif not 0 < radius_km <= limits.max_radius_km:
        raise BadParameterError(
            "radius_km",
            f"radius_km must be greater than 0 and at most {limits.max_radius_km:g}",
        )
    if not 1 <= page <= limits.max_page:
        raise BadParameterError("page", f"page must be between 1 and {limits.max_page}")
    if not 1 <= per_page <= limits.max_per_page:
        raise BadParameterError("per_page", f"per_page must be between 1 and {limits.max_per_page}")
    checked = tuple(
        (param, codes)
        for param in _FIELDS_BY_PARAM
        if (codes := validate_codes(param, filters.get(param)))
    )
    # Browsing online meetings (no place, no text) is by time (service/search/soonest.py).
    online = any(m in ("online", "phone") for m in dict(checked).get("attendance", ()))
    order = _validate_sort(sort, near=near, browse_by_time=online and not near and not q)
    return SearchParams(
        q=q,
        near=near,
        radius_km=radius_km,
        filters=checked,
        sort=order,
        page=page,
        per_page=per_page,
        include_closed=include_closed,
        include_online=include_online,
        facets=validate_facets(facets),
    )


def _validate_sort(sort: str | None, *, near: str | None, browse_by_time: bool) -> SortOrder:
    if sort is None or sort == "":
        return "distance" if near else "soonest" if browse_by_time else "relevance"
    if sort not in SORT_ORDERS:
        raise BadParameterError(
            "sort",
            f"sort={shown(sort)} is not an allowed value. Allowed values: "
            + ", ".join(SORT_ORDERS),
            allowed=SORT_ORDERS,
        )
    if sort == "distance" and not near:
        raise BadParameterError("sort", "sort=distance needs a place: add near=<ZIP or City, ST>")
    return next(order for order in SORT_ORDERS if order == sort)


def base_filters(params: SearchParams) -> list[str | list[str]]:
    """Status and vocabulary filters: everything but the place."""
    expression: list[str | list[str]] = [] if params.include_closed else ['status = "active"']
    for param, codes in params.filters:
        attribute = _FIELDS_BY_PARAM[param].attribute
        expression.append([f"{attribute} = {quote_value(code)}" for code in codes])
    return expression


def radius_clause(origin: tuple[float, float], radius_km: float) -> str:
    """Meilisearch's own circle filter (the fallback of service/search/nearby.py)."""
    lat, lng = origin
    return f"_geoRadius({lat:.6f}, {lng:.6f}, {km_to_m(radius_km)})"


def filter_expression(
    params: SearchParams,
    origin: tuple[float, float] | None,
    *,
    origin_state: str | None = None,
    local: str | None = None,
) -> list[str | list[str]]:
    """Meilisearch's array filter: OR inside a parameter, AND across parameters.

    `local` selects the resources within the radius; without it, `_geoRadius` does.
    """
    expression = base_filters(params)
    if origin is not None:
        within = local or radius_clause(origin, params.radius_km)
        expression.append(place_clause(within, origin_state, online=online_asked(params)))
    return expression


def place_clause(local: str, state: str | None, *, online: bool) -> str:
    """Local resources within the radius, or remote ones that serve the place's state.

    Remote means declaring a service area (nationwide or states). Online meetings have one
    too, but a place search shows them only when asked (`online`).
    """
    if state is None:
        return local
    serves = f"service_area.nationwide = true OR service_area.states = {quote_value(state)}"
    remote = f"({serves})" if online else f'({serves}) AND kind != "meeting"'
    return f"({local}) OR ({remote})"


def online_asked(params: SearchParams) -> bool:
    """Whether a place search should include online meetings serving the place's state."""
    attendance = dict(params.filters).get("attendance", ())
    return params.include_online or any(mode in ("online", "phone") for mode in attendance)


def build_search_body(
    params: SearchParams,
    origin: tuple[float, float] | None,
    *,
    origin_state: str | None = None,
    local: str | None = None,
) -> dict[str, Any]:
    """The body of a Meilisearch `/search` request for validated parameters."""
    body: dict[str, Any] = {
        "q": params.q,
        "filter": filter_expression(params, origin, origin_state=origin_state, local=local),
        "facets": list(params.facets),
        "page": params.page,
        "hitsPerPage": params.per_page,
        "attributesToRetrieve": RETRIEVED_ATTRIBUTES,
        "matchingStrategy": MATCHING_STRATEGY,
    }
    if params.sort == "distance" and origin is not None:
        lat, lng = origin
        body["sort"] = [f"_geoPoint({lat:.6f}, {lng:.6f}):asc"]
    return body


def facets_by_param(distribution: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    """Meilisearch's facet distribution keyed by search parameter instead of attribute."""
    facets: dict[str, dict[str, int]] = {f.param: {} for f in FILTER_FIELDS}
    for attribute, counts in distribution.items():
        param = _PARAM_BY_ATTRIBUTE.get(attribute)
        if param is not None:
            facets[param] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return facets
