"""`GET /v1/resources/{id}`: one resource by id."""

from __future__ import annotations

from typing import Any

from litestar import Request, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from service.api.calendar import ICS_SUFFIX, calendar_response
from service.contract.documents import SearchHit
from service.errors import ResourceNotFoundError
from service.http.moved import moved_to
from service.schedules.params import Clock
from service.search.client import SearchIndex
from service.search.freshness import Freshness, with_stale


@get("/v1/resources/{resource_id:str}", summary="One resource", tags=["resources"])
async def get_resource(
    request: Request[Any, Any, Any],
    search_index: NamedDependency[SearchIndex],
    clock: NamedDependency[Clock],
    freshness: NamedDependency[Freshness],
    resource_id: FromPath[str],
) -> SearchHit:
    """The resource with this id, a 308 to it from an id merged into it, or 404."""
    if resource_id.endswith(ICS_SUFFIX):
        # `{id}.ics` routes here (Litestar matches whole segments); Litestar sends a returned
        # Response as it is, and the annotation keeps this route's OpenAPI schema the JSON one.
        ics = await calendar_response(
            search_index, resource_id.removesuffix(ICS_SUFFIX), clock, request
        )
        return ics  # type: ignore[return-value]
    hit = await search_index.get_document(resource_id)
    if hit is None:
        if (moved := await moved_to(search_index, request, resource_id)) is not None:
            return moved  # type: ignore[return-value]
        raise ResourceNotFoundError(f"No resource has the id {resource_id[:100]!r}.")
    return with_stale([hit], freshness, now=clock())[0]
