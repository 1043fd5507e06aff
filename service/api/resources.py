"""`GET /v1/resources/{id}`: one resource by id."""

from __future__ import annotations

from litestar import get
from litestar.di import NamedDependency
from litestar.params import FromPath

from service.documents import SearchHit
from service.errors import ResourceNotFoundError
from service.search_client import SearchIndex


@get("/v1/resources/{resource_id:str}", summary="One resource", tags=["resources"])
async def get_resource(
    search_index: NamedDependency[SearchIndex], resource_id: FromPath[str]
) -> SearchHit:
    """The resource with this id, or 404."""
    hit = await search_index.get_document(resource_id)
    if hit is None:
        raise ResourceNotFoundError(f"No resource has the id {resource_id[:100]!r}.")
    return hit
