"""The query parameters of a search, declared once: `/v1/search`, its CSV, the feed, HSDS,
the page and the embed all read them through `SearchRequest`, and the OpenAPI document lists
them from its fields.

The vocabulary filters are one field, `filters`, holding a query parameter per
`FILTER_FIELDS` entry: a filter added to the contract is read, checked and documented
everywhere without a change here.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Final

import msgspec
from msgspec import Meta

from service.contract.documents import FILTER_FIELDS, FilterField
from service.errors import BadParameterError
from service.schedules.params import TimeFilter, validate_time_params
from service.search.query import Limits, SearchParams, validate_params
from service.values import parse_flag

FILTERS_FIELD: Final = "filters"
Flag = Annotated[str | None, Meta(description="true or false")]


class SearchRequest(msgspec.Struct, frozen=True, kw_only=True):
    """Every query parameter of `/v1/search`, typed as the query string gives them."""

    q: Annotated[str, Meta(description="Text to search for (at most 200 characters)")] = ""
    near: Annotated[
        str | None, Meta(description='A 5-digit ZIP code, "City, ST", or "lat,lng"')
    ] = None
    radius_km: Annotated[float | None, Meta(description="Search radius around `near`, in km")] = (
        None
    )
    # Parameter -> raw values; one query parameter per FILTER_FIELDS entry (filter_description).
    filters: dict[str, list[str]] = msgspec.field(default_factory=dict)
    sort: Annotated[str | None, Meta(description="relevance, distance or soonest")] = None
    page: Annotated[int, Meta(description="Page number, from 1")] = 1
    # None: the surface's own default (20 for the API, 10 for the page, the partner's).
    per_page: Annotated[int | None, Meta(description="Results per page")] = None
    open_now: Flag = None
    starts_within_min: Annotated[
        str | None, Meta(description="Starts within this many minutes (1-1440)")
    ] = None
    day: Annotated[list[str], Meta(description="mon..sun, repeatable")] = msgspec.field(
        default_factory=list
    )
    time_from: Annotated[str | None, Meta(description="Starts at or after HH:MM, venue-local")] = (
        None
    )
    time_to: Annotated[
        str | None, Meta(description="Starts before HH:MM (24:00 allowed), venue-local")
    ] = None
    at: Annotated[str | None, Meta(description="ISO 8601 instant with offset used as now")] = None
    tz: Annotated[str | None, Meta(description="Viewer's IANA zone for next_occurrence_viewer")] = (
        None
    )
    include_closed: Flag = None
    include_online: Flag = None
    # true: q's exact words, no filters, time or place read from them (crisis help stays).
    literal: Flag = None
    facets: Annotated[
        str | None,
        Meta(
            description="Facet counts to return: all (default), none, or a comma-separated "
            "list of filter parameters (kind,language,...)"
        ),
    ] = None


class QueryParam(msgspec.Struct, frozen=True, kw_only=True):
    """One query parameter a search reads: its name, what it means, whether it repeats."""

    name: str
    description: str | None
    repeated: bool


def filter_description(field: FilterField) -> str:
    """What one vocabulary filter parameter takes."""
    return f"Codes of the {field.vocabulary.name} vocabulary (/v1/vocabularies); repeat for OR"


def _inner(hint: Any) -> tuple[Any, str | None]:
    """The type under `Annotated`, and its description."""
    if typing.get_origin(hint) is not typing.Annotated:
        return hint, None
    base, *metadata = typing.get_args(hint)
    descriptions = [m.description for m in metadata if isinstance(m, Meta) and m.description]
    return base, descriptions[0] if descriptions else None


def _given(hint: Any) -> Any:
    """The type of a value that is present: `X` for `X | None`."""
    if typing.get_origin(hint) in {typing.Union, types.UnionType}:
        options = [o for o in typing.get_args(hint) if o is not type(None)]
        return options[0] if len(options) == 1 else hint
    return hint


def _is_list(hint: Any) -> bool:
    union = typing.get_origin(hint) in {typing.Union, types.UnionType}
    options = typing.get_args(hint) if union else (hint,)
    return any(typing.get_origin(o) is list for o in options)


_HINTS: Final = typing.get_type_hints(SearchRequest, include_extras=True)


def _declared() -> tuple[QueryParam, ...]:
    found: list[QueryParam] = []
    for field in msgspec.structs.fields(SearchRequest):
        if field.name == FILTERS_FIELD:
            found += [
                QueryParam(name=f.param, description=filter_description(f), repeated=True)
                for f in FILTER_FIELDS
            ]
            continue
        hint, description = _inner(_HINTS[field.name])
        found.append(QueryParam(name=field.name, description=description, repeated=_is_list(hint)))
    return tuple(found)


_DECLARED: Final = _declared()
# The type each parameter's present value converts to (`filters` values stay strings).
_TYPES: Final = {name: _given(_inner(hint)[0]) for name, hint in _HINTS.items()}


def query_params(names: Collection[str] | None = None) -> tuple[QueryParam, ...]:
    """The query parameters SearchRequest reads, in its order; only `names` when given."""
    return tuple(p for p in _DECLARED if names is None or p.name in names)


def query_names(names: Collection[str] | None = None) -> tuple[str, ...]:
    """The names of `query_params(names)`."""
    return tuple(p.name for p in query_params(names))


def filter_params() -> tuple[str, ...]:
    """The vocabulary filter parameters, one per FILTER_FIELDS entry."""
    return tuple(f.param for f in FILTER_FIELDS)


_FILTER_NAMES: Final = frozenset(filter_params())
# The parts other surfaces read. The Meeting Guide feed lists meetings only (it sets `kind`);
# HSDS names text, paging and vocabulary terms its own way (`search`, `taxonomy_term_id`).
FEED_PARAMS: Final = (
    "near",
    "radius_km",
    *(p for p in filter_params() if p != "kind"),
    "include_online",
)
HSDS_PARAMS: Final = ("near", "radius_km", *filter_params(), "include_online")


def search_request(
    query: Mapping[str, Sequence[str]], *, only: Collection[str] | None = None
) -> SearchRequest:
    """A SearchRequest from raw query values (empty ones dropped, unknown keys ignored).

    `only` limits it to some parameters (the feed and HSDS read a part); a value of the wrong
    type is a BadParameterError naming its parameter.
    """
    fields: dict[str, Any] = {}
    filters: dict[str, list[str]] = {}
    for param in query_params(only):
        values = [v for v in query.get(param.name, ()) if v != ""]
        if not values:
            continue
        if param.name in _FILTER_NAMES:
            filters[param.name] = values
            continue
        raw: Any = values if param.repeated else values[-1]
        try:
            fields[param.name] = msgspec.convert(raw, _TYPES[param.name], strict=False)
        except msgspec.ValidationError as exc:
            raise BadParameterError(param.name, f"{param.name}: {exc}") from exc
    return SearchRequest(filters=filters, **fields)


_DEFAULTS: Final = {
    f.name: f.default if f.default is not msgspec.NODEFAULT else f.default_factory()
    for f in msgspec.structs.fields(SearchRequest)
}


def _text(value: object) -> str:
    return format(value, "g") if isinstance(value, float) else str(value)


def request_pairs(request: SearchRequest) -> list[tuple[str, str]]:
    """The query string pairs that ask for this request again, in declaration order."""
    pairs: list[tuple[str, str]] = []
    for name in query_names():
        if name in _FILTER_NAMES:
            pairs += [(name, v) for v in request.filters.get(name, ())]
            continue
        value = getattr(request, name)
        if value == _DEFAULTS[name]:
            continue
        pairs += [(name, _text(v)) for v in (value if isinstance(value, list) else [value])]
    return pairs


def given_params(request: SearchRequest) -> frozenset[str]:
    """The names of the parameters a request gives (vocabulary filters by their own names)."""
    return frozenset(name for name, _value in request_pairs(request))


def validated(
    request: SearchRequest, *, limits: Limits, now: datetime, per_page: int = 20
) -> tuple[SearchParams, TimeFilter]:
    """Check every parameter; the search and time filters to run, or a BadParameterError.

    `per_page` is the surface's default, used when the request gives none.
    """
    time_filter = validate_time_params(
        open_now=request.open_now,
        starts_within_min=request.starts_within_min,
        day=request.day,
        time_from=request.time_from,
        time_to=request.time_to,
        at=request.at,
        tz=request.tz,
        now=now,
    )
    params = validate_params(
        q=request.q,
        near=request.near,
        radius_km=request.radius_km,
        sort=request.sort,
        page=request.page,
        per_page=request.per_page if request.per_page is not None else per_page,
        filters=request.filters,
        limits=limits,
        include_closed=parse_flag("include_closed", request.include_closed),
        include_online=parse_flag("include_online", request.include_online),
        facets=request.facets,
    )
    return params, time_filter
