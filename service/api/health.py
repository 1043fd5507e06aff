"""Liveness and readiness."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.di import NamedDependency

from service.errors import SearchUnavailableError
from service.search.client import SearchIndex
from service.search.replicas import ReplicaHealth


class Health(msgspec.Struct, frozen=True, kw_only=True):
    """The process is up; how each Meilisearch replica answered its last call."""

    status: str
    replicas: list[ReplicaHealth]


class Readiness(msgspec.Struct, frozen=True, kw_only=True):
    """Meilisearch answers and the index exists."""

    status: str
    index: str
    documents: int


@get("/healthz", summary="Liveness", tags=["health"], sync_to_thread=False)
def healthz(search_index: NamedDependency[SearchIndex]) -> Health:
    """Always 200 while the process serves requests."""
    return Health(status="ok", replicas=search_index.replicas.health())


@get("/readyz", summary="Readiness", tags=["health"])
async def readyz(search_index: NamedDependency[SearchIndex]) -> Readiness:
    """200 when a Meilisearch replica answers and holds the index; 503 problem otherwise."""
    if not await search_index.healthy():
        raise SearchUnavailableError("Meilisearch cannot be reached")
    # The documents endpoint, not /stats: the API's search-only key has no `stats.get`.
    count = await search_index.fetch_documents({"limit": 0, "fields": ["id"]})
    return Readiness(status="ready", index=search_index.index_name, documents=count.total)
