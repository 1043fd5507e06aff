"""`GET /v1/search`: filtered, location-aware search."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency

from service.http.dependencies import search_request_dependency
from service.search.request import SearchRequest
from service.search.run import SearchDeps, SearchResponse, run_search


@get(
    "/v1/search",
    summary="Search resources",
    tags=["search"],
    dependencies={"search_request": search_request_dependency()},
)
async def search(
    search_request: NamedDependency[SearchRequest], search_deps: NamedDependency[SearchDeps]
) -> SearchResponse:
    """Search by text, place and vocabulary filters; repeated keys are OR, keys are AND."""
    return await run_search(search_request, search_deps)
