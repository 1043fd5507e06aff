"""What the OpenAPI document must say that Litestar cannot infer from the handlers' types.

Handlers take vocabulary codes, flags and times as strings and check them themselves, so
that a bad value is a 400 naming the allowed values; this module writes those same rules
into the document (enums, ranges, patterns), declares the RFC 9457 problem responses every
operation can give (bad parameter, request limits, rate limit, unknown place, search down),
and lists the search parameters of every operation that reads them from SearchRequest's
declaration. tests/integration/test_schemathesis.py holds the API to the result.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any, Final

from litestar.openapi.spec import (
    OpenAPI,
    OpenAPIHeader,
    OpenAPIMediaType,
    OpenAPIResponse,
    OpenAPIType,
    Operation,
    Parameter,
    Reference,
    Schema,
)

from service.contract.documents import FILTER_FIELDS, WEEKDAYS
from service.formats.hsds import HSDS_MAX_PAGE, HSDS_MAX_PER_PAGE
from service.formats.hsds_taxonomy import TERMS_BY_ID
from service.http.partners import PARTNER_KEY_PATTERN
from service.http.problems import PROBLEM_JSON
from service.schedules.params import MAX_STARTS_WITHIN_MIN
from service.search.query import MAX_QUERY_CHARS, MAX_VALUES_PER_PARAM, SORT_ORDERS, Limits
from service.search.request import FEED_PARAMS, HSDS_PARAMS, query_params

PROBLEM_REF: Final = Reference(ref="#/components/schemas/Problem")
# Operations that answer without asking Meilisearch, so never 503.
NO_SEARCH_BACKEND: Final = frozenset({"/healthz", "/v1/vocabularies", "/hsds", "/hsds/"})
SEARCH_PATH: Final = "/v1/search"
EMBED_SEARCH: Final = "/embed/v1/search"
HSDS_SERVICES: Final = "/hsds/services"
# Operation -> the SearchRequest parameters it reads (None: every one).
SEARCH_SURFACES: Final[dict[str, Collection[str] | None]] = {
    SEARCH_PATH: None,
    "/v1/search.csv": None,
    EMBED_SEARCH: None,
    "/v1/feeds/meeting-guide.json": FEED_PARAMS,
    HSDS_SERVICES: HSDS_PARAMS,
}
# Answers any request can get from service/http/limits.py and service/http/rate_limit.py.
COMMON_STATUSES: Final = {
    400: "A parameter is not valid, or too many were given; `parameter` names it",
    413: "The request body is too large",
    414: "The URL is too long",
    429: "Too many requests from this address; wait `Retry-After` seconds",
    431: "The request headers are too large",
}
_STRING: Final = OpenAPIType.STRING


def problem_schema() -> Schema:
    """The RFC 9457 problem body every error of the API has (service/errors.py)."""
    text = Schema(type=_STRING)
    return Schema(
        type=OpenAPIType.OBJECT,
        required=["type", "title", "status", "detail"],
        properties={
            "type": Schema(type=_STRING, format="uri"),  # type: ignore[arg-type]
            "title": text,
            "status": Schema(type=OpenAPIType.INTEGER, minimum=400, maximum=599),
            "detail": text,
            "instance": text,
            "parameter": Schema(type=_STRING, description="The parameter at fault"),
            "allowed": Schema(type=OpenAPIType.ARRAY, items=text),
        },
        description="An RFC 9457 problem",
    )


def _codes(values: list[str] | tuple[str, ...]) -> Schema:
    return Schema(
        type=OpenAPIType.ARRAY,
        items=Schema(type=_STRING, enum=list(values)),
        max_items=MAX_VALUES_PER_PARAM,
    )


def _integer(low: int, high: int) -> Schema:
    return Schema(type=OpenAPIType.INTEGER, minimum=low, maximum=high)


def parameter_schemas(limits: Limits) -> dict[str, Schema]:
    """The accepted values of each query parameter, as the handlers check them."""
    schemas: dict[str, Schema] = {
        f.param: _codes(f.vocabulary.ordered_codes()) for f in FILTER_FIELDS
    }
    flag = Schema(type=_STRING, enum=["true", "false"])
    schemas |= {
        "q": Schema(type=_STRING, max_length=MAX_QUERY_CHARS),
        "search": Schema(type=_STRING, max_length=MAX_QUERY_CHARS),
        "radius_km": Schema(
            type=OpenAPIType.NUMBER, exclusive_minimum=0, maximum=limits.max_radius_km
        ),
        "sort": Schema(type=_STRING, enum=list(SORT_ORDERS)),
        "page": _integer(1, limits.max_page),
        "per_page": _integer(1, limits.max_per_page),
        "open_now": flag,
        "include_closed": flag,
        "include_online": flag,
        "full": flag,
        "starts_within_min": _integer(1, MAX_STARTS_WITHIN_MIN),
        "day": _codes(WEEKDAYS),
        "time_from": Schema(type=_STRING, pattern=r"^([01]\d|2[0-3]):[0-5]\d$"),
        "time_to": Schema(type=_STRING, pattern=r"^(([01]\d|2[0-3]):[0-5]\d|24:00)$"),
        "at": Schema(type=_STRING, format="date-time"),  # type: ignore[arg-type]
        "format": Schema(type=_STRING, enum=["json"]),
        "taxonomy_term_id": _codes(sorted(TERMS_BY_ID)),
        "partner": Schema(type=_STRING, pattern=PARTNER_KEY_PATTERN),
        "facets": Schema(type=_STRING, pattern=_facets_pattern()),
    }
    return schemas


def _facets_pattern() -> str:
    """`facets`: all, none, or a comma-separated list of filter parameters."""
    names = "|".join(f.param for f in FILTER_FIELDS)
    return rf"^(all|none|({names})(,({names}))*)$"


def _operations(openapi: OpenAPI) -> Iterator[tuple[str, Operation]]:
    for path, item in (openapi.paths or {}).items():
        for method in ("get", "post", "put", "patch", "delete"):
            operation = getattr(item, method, None)
            if isinstance(operation, Operation):
                yield path, operation


def _problem(description: str, *, retry_after: bool = False) -> OpenAPIResponse:
    headers: dict[str, OpenAPIHeader | Reference] | None = None
    if retry_after:
        headers = {
            "Retry-After": OpenAPIHeader(
                schema=Schema(type=_STRING, pattern=r"^\d+$"),
                description="Seconds to wait before trying again",
                required=True,
            )
        }
    return OpenAPIResponse(
        description=description,
        headers=headers,
        content={PROBLEM_JSON: OpenAPIMediaType(schema=PROBLEM_REF)},
    )


def _statuses(path: str, operation: Operation) -> dict[int, str]:
    names = {p.name for p in operation.parameters or () if isinstance(p, Parameter)}
    statuses = dict(COMMON_STATUSES)
    if "{" in path:
        statuses[404] = "Nothing has this id"
    if "near" in names:
        statuses[422] = "`near` is well formed but not a place we know"
    if path.startswith("/embed/"):
        statuses[403] = "Unknown partner key, or a page origin the partner did not declare"
    if path not in NO_SEARCH_BACKEND:
        statuses[503] = "Search is unavailable (Meilisearch down or slow); retry later"
    return statuses


def _document_errors(path: str, operation: Operation) -> None:
    responses = operation.responses if operation.responses is not None else {}
    for status, description in sorted(_statuses(path, operation).items()):
        retry = status in (429, 503)
        responses[str(status)] = _problem(description, retry_after=retry)
    operation.responses = responses


def _constrain(path: str, operation: Operation, schemas: dict[str, Schema]) -> None:
    hsds = {"page": _integer(1, HSDS_MAX_PAGE), "per_page": _integer(1, HSDS_MAX_PER_PAGE)}
    for parameter in operation.parameters or ():
        if not isinstance(parameter, Parameter) or parameter.param_in != "query":
            continue
        schema = (hsds if path == HSDS_SERVICES else {}).get(parameter.name)
        schema = schema or schemas.get(parameter.name)
        if schema is not None:
            parameter.schema = Schema(**{**_fields(schema), "description": parameter.description})


def _fields(schema: Schema) -> dict[str, Any]:
    return {k: v for k, v in vars(schema).items() if v is not None}


def search_parameters(names: Collection[str] | None = None) -> list[Parameter]:
    """The query parameters of SearchRequest (only `names` when given), as the document lists
    them before `_constrain` writes their accepted values."""
    return [
        Parameter(
            name=p.name,
            param_in="query",
            required=False,
            description=p.description,
            schema=Schema(
                type=OpenAPIType.ARRAY, items=Schema(type=_STRING), description=p.description
            )
            if p.repeated
            else Schema(type=_STRING, description=p.description),
        )
        for p in query_params(names)
    ]


def _write_search_parameters(openapi: OpenAPI) -> None:
    """Each search surface's parameters from SearchRequest; the embed search adds `partner`
    and answers as /v1/search does."""
    paths = openapi.paths or {}
    search_item = paths.get(SEARCH_PATH)
    search = search_item.get if search_item is not None else None
    for path, names in SEARCH_SURFACES.items():
        item = paths.get(path)
        operation = item.get if item is not None else None
        if operation is None:
            continue
        own = [p for p in operation.parameters or () if isinstance(p, Parameter)]
        parameters = [*own, *search_parameters(names)]
        if path == EMBED_SEARCH:
            partner = Parameter(
                name="partner",
                param_in="query",
                required=True,
                description="The partner's key (config/partners.toml)",
                schema=Schema(type=_STRING),
            )
            parameters = [partner, *parameters]
            if search is not None and search.responses and "200" in search.responses:
                operation.responses = {"200": search.responses["200"]}
        operation.parameters = list(parameters)


def apply_contract(openapi: OpenAPI, *, limits: Limits) -> None:
    """Write the handlers' validation rules and problem responses into the document."""
    components = openapi.components
    components.schemas = {**(components.schemas or {}), "Problem": problem_schema()}
    _write_search_parameters(openapi)
    schemas = parameter_schemas(limits)
    for path, operation in _operations(openapi):
        _constrain(path, operation, schemas)
        _document_errors(path, operation)
