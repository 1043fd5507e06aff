"""Liveness and readiness."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.di import NamedDependency

from service.errors import SearchUnavailableError
from service.search.client import SearchIndex


class Health(msgspec.Struct, frozen=True, kw_only=True):
    """The process is up."""

    status: str


class Readiness(msgspec.Struct, frozen=True, kw_only=True):
    """Meilisearch answers and the index exists."""

    status: str
    index: str
    documents: int


@get("/healthz", summary="Liveness", tags=["health"], sync_to_thread=False)
def healthz() -> Health:
    """Always 200 while the process serves requests."""
    return Health(status="ok")


@get("/readyz", summary="Readiness", tags=["health"])
async def readyz(search_index: NamedDependency[SearchIndex]) -> Readiness:
    """200 when Meilisearch answers and the index exists; 503 problem otherwise."""
    if not await search_index.healthy():
        raise SearchUnavailableError("Meilisearch cannot be reached")
    # The documents endpoint, not /stats: the API's search-only key has no `stats.get`.
    count = await search_index.fetch_documents({"limit": 0, "fields": ["id"]})
    return Readiness(status="ready", index=search_index.index_name, documents=count.total)
