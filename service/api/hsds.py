"""An Open Referral HSDS 3.1 API under `/hsds/`: `/`, `/services`, `/services/{id}`.

`/services` takes the spec's `search`, `page`, `per_page`, `taxonomy_term_id` (one of our
vocabulary terms, repeatable), `full` and `format=json`, plus the place, vocabulary filters
and `include_online` of `/v1/search` (HSDS_PARAMS), checked as `/v1/search` checks them. The spec's
`postcode`, `proximity`, `modified_after`, `organization_id`, `taxonomy_id`, `minimal` and
`format=ndjson` are refused with a 400 rather than silently ignored.

Without `search` or `near`, services come in index order from the documents endpoint, so a
client can page through every one of them (the order holds while the index is unchanged);
with either, Meilisearch ranks them (relevance, or distance from `near`) and `total_items`
stops at the index's 10,000-hit cap. Temporarily closed services are listed with that
status, as an HSDS publisher would.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Annotated, Any, Final

import msgspec
from litestar import MediaType, Request, get
from litestar.datastructures import State
from litestar.di import NamedDependency
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect

from service.contract.documents import SearchHit
from service.errors import BadParameterError, ResourceNotFoundError
from service.formats.hsds import (
    HSDS_MAX_PAGE,
    HSDS_MAX_PER_PAGE,
    HSDS_PROFILE,
    HSDS_VERSION,
    full_service,
    service_id,
    summary,
)
from service.formats.hsds import page as hsds_page
from service.formats.hsds_models import ApiInfo, Page, Service, ServiceSummary
from service.formats.hsds_taxonomy import TERMS_BY_ID
from service.http.dependencies import search_request_dependency
from service.http.moved import MOVED_STATUS
from service.schedules.params import Clock
from service.search.client import SearchIndex
from service.search.deadline import background, within_deadline
from service.search.nearby import PlaceCaches, place_results
from service.search.query import (
    RETRIEVED_ATTRIBUTES,
    Limits,
    SearchParams,
    build_search_body,
    filter_expression,
    validate_params,
)
from service.search.request import HSDS_PARAMS, SearchRequest, filter_params
from service.search.run import SearchDeps, resolve_near_state
from service.values import parse_flag, shown

UNSUPPORTED: Final = (
    "postcode",
    "proximity",
    "modified_after",
    "organization_id",
    "taxonomy_id",
    "minimal",
)


@get("/hsds/", summary="HSDS API information", tags=["hsds"])
async def hsds_root(request: Request[Any, Any, Any]) -> ApiInfo:
    """The HSDS version and profile this API implements, and its OpenAPI document."""
    base = str(request.base_url).rstrip("/")
    return ApiInfo(
        version=HSDS_VERSION, profile=HSDS_PROFILE, openapi_url=f"{base}/schema/openapi.json"
    )


@get(
    "/hsds/services",
    summary="HSDS services, paged",
    tags=["hsds"],
    dependencies={"search_request": search_request_dependency(HSDS_PARAMS)},
)
async def hsds_services(
    request: Request[Any, Any, Any],
    search_request: NamedDependency[SearchRequest],
    search_deps: NamedDependency[SearchDeps],
    search: Annotated[str, QueryParameter(description="Full text search")] = "",
    page: Annotated[int, QueryParameter(description="Page number, from 1")] = 1,
    per_page: Annotated[int, QueryParameter(description="At most 100")] = 20,
    taxonomy_term_id: Annotated[list[str] | None, QueryParameter(required=False)] = None,
    full: Annotated[str | None, QueryParameter(description="true or false")] = None,
    format: Annotated[str | None, QueryParameter(description="json only")] = None,
) -> Page:
    """A page of services; see the module docstring for the parameters."""
    _refuse_unsupported(request, format)
    filters = {p: list(search_request.filters.get(p, ())) for p in filter_params()}
    for param, code in _terms(taxonomy_term_id):
        filters[param].append(code)
    asked = msgspec.structs.replace(
        search_request, q=search, page=page, per_page=per_page, filters=filters
    )
    params = _validated(asked, search_deps.limits)
    geocoder = search_deps.geocoder
    origin, state = resolve_near_state(geocoder, params.near) if params.near else (None, None)
    hits, total = await _find(search_deps.index, search_deps.places, params, origin, state)
    now = search_deps.clock()
    contents: list[ServiceSummary] = [
        full_service(hit, now=now) if parse_flag("full", full) else summary(hit) for hit in hits
    ]
    return hsds_page(contents, total=total, page_number=params.page, per_page=params.per_page)


@get("/hsds/services/{hsds_id:str}", summary="One HSDS service, fully nested", tags=["hsds"])
async def hsds_service(
    request: Request[Any, Any, Any],
    search_index: NamedDependency[SearchIndex],
    clock: NamedDependency[Clock],
    hsds_id: FromPath[str],
) -> Service:
    """The service with this id (the UUID `/hsds/services` gives, or a Pathways id), or 404."""
    doc_id = await _id_map(request.app.state).doc_id(
        search_index, hsds_id, timeout_s=search_index.timeout_s
    )
    hit = await search_index.get_document(doc_id) if doc_id else None
    if hit is None:
        new_id = await search_index.successor_id(doc_id) if doc_id else None
        if new_id is not None:
            # A listing merged into another (one per meeting): its old id, or the UUID of it.
            named = service_id(new_id) if _is_uuid(hsds_id) else new_id
            query = request.url.query
            target = f"/hsds/services/{named}" + (f"?{query}" if query else "")
            moved = Redirect(target, status_code=MOVED_STATUS, media_type=MediaType.TEXT)
            return moved  # type: ignore[return-value]
        raise ResourceNotFoundError(f"No service has the id {hsds_id[:100]!r}.")
    return full_service(hit, now=clock())


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _refuse_unsupported(request: Request[Any, Any, Any], format: str | None) -> None:
    for name in UNSUPPORTED:
        if name in request.query_params:
            raise BadParameterError(
                name, f"{name} is not supported here; see /schema/openapi.json for what is"
            )
    if format not in (None, "", "json"):
        raise BadParameterError("format", "format may only be json", allowed=("json",))


def _terms(term_ids: list[str] | None) -> list[tuple[str, str]]:
    found = []
    for term_id in term_ids or ():
        ref = TERMS_BY_ID.get(term_id.strip().lower())
        if ref is None:
            raise BadParameterError(
                "taxonomy_term_id",
                f"taxonomy_term_id={shown(term_id)} is not one of our taxonomy terms; "
                "they are the taxonomy_term ids in the services' attributes",
            )
        found.append((ref.param, ref.code))
    return found


def _validated(request: SearchRequest, limits: Limits) -> SearchParams:
    hsds_limits = msgspec.structs.replace(
        limits, max_per_page=HSDS_MAX_PER_PAGE, max_page=HSDS_MAX_PAGE
    )
    try:
        return validate_params(
            q=request.q,
            near=request.near,
            radius_km=request.radius_km,
            sort=None,
            page=request.page,
            per_page=request.per_page if request.per_page is not None else 20,
            filters=request.filters,
            limits=hsds_limits,
            include_closed=True,
            include_online=parse_flag("include_online", request.include_online),
            facets="none",
        )
    except BadParameterError as exc:
        if exc.parameter != "q":
            raise
        raise BadParameterError("search", exc.detail.replace("q ", "search ", 1)) from exc


async def _find(
    search_index: SearchIndex,
    places: PlaceCaches,
    params: SearchParams,
    origin: tuple[float, float] | None,
    state: str | None,
) -> tuple[list[SearchHit], int]:
    """One page of matching documents and how many match in all."""
    if origin is not None:
        # The same place search as /v1/search: exact circle, nearest first, no geo filter.
        placed = await place_results(
            search_index, params, origin, state=state, extra=[], caches=places
        )
        return placed.hits, placed.totalHits
    if params.q:
        result = await search_index.search(build_search_body(params, None))
        return result.hits, result.totalHits
    documents = await search_index.fetch_documents(
        {
            "filter": filter_expression(params, None),
            "fields": RETRIEVED_ATTRIBUTES,
            # Index order, stable while the index is unchanged. Not `sort`: Meilisearch
            # 1.21 drops and repeats documents when this endpoint pages with sort + offset.
            "offset": (params.page - 1) * params.per_page,
            "limit": params.per_page,
        }
    )
    return documents.results, documents.total


class HsdsIdMap:
    """HSDS UUID -> Pathways id, rebuilt when the index changes (UUID 5 is one-way)."""

    def __init__(self) -> None:
        self._version: tuple[str, str, str] | None = None
        self._ids: dict[str, str] = {}
        self._building: tuple[tuple[str, str, str], asyncio.Task[dict[str, str]]] | None = None

    async def doc_id(
        self, search_index: SearchIndex, hsds_id: str, *, timeout_s: float
    ) -> str | None:
        """The Pathways id an HSDS id names; a Pathways id is taken as it is."""
        try:
            key = str(uuid.UUID(hsds_id))
        except ValueError:
            return hsds_id
        version = await search_index.version()
        # An HSDS id is a function of the Pathways id, so the map of an older version still
        # names every document that has not been deleted since (get_document checks).
        if version != self._version and key not in self._ids:
            building = self._building
            if building is None or building[0] != version or _failed(building[1]):
                # Not bound to this request's deadline: the next request finds it built.
                building = (version, background(_build(search_index)))
                self._building = building
            task = building[1]
            ids = await within_deadline(asyncio.shield(task), default_s=timeout_s)
            if self._building is not None and self._building[1] is task:
                self._ids, self._version, self._building = ids, version, None
        return self._ids.get(key)


def _failed(task: asyncio.Task[dict[str, str]]) -> bool:
    return task.done() and (task.cancelled() or task.exception() is not None)


async def _build(search_index: SearchIndex) -> dict[str, str]:
    ids, merged = await asyncio.gather(search_index.all_ids(), search_index.merged_ids())
    # ~50k UUID 5s (SHA-1) take a few hundred ms: off the event loop. The ids merged into
    # another document map too, so a saved link to one is sent on to its listing.
    return await asyncio.to_thread(_by_hsds_id, [*merged, *ids])


def _by_hsds_id(ids: list[str]) -> dict[str, str]:
    return {service_id(doc_id): doc_id for doc_id in ids}


def _id_map(state: State) -> HsdsIdMap:
    ids = state.get("hsds_ids")
    if not isinstance(ids, HsdsIdMap):
        ids = HsdsIdMap()
        state["hsds_ids"] = ids
    return ids
