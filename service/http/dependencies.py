"""The Litestar dependencies of a search: the request from the query string, and its parts."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from litestar import Request
from litestar.datastructures import State
from litestar.di import Provide

from service.search.request import SearchRequest, search_request
from service.search.run import SearchDeps


def query_values(request: Request[Any, Any, Any]) -> dict[str, list[str]]:
    """Every value of every query key."""
    return {key: request.query_params.getall(key) for key in request.query_params}


def search_request_dependency(only: Collection[str] | None = None) -> Provide:
    """The `search_request` dependency: SearchRequest from the query (only `only` if given)."""
    names = frozenset(only) if only is not None else None

    def provide(request: Request[Any, Any, Any]) -> SearchRequest:
        return search_request(query_values(request), only=names)

    return Provide(provide, sync_to_thread=False)


def search_deps(state: State) -> SearchDeps:
    """The parts of the service a search uses, from the app's state."""
    return SearchDeps(
        index=state.search_index,
        geocoder=state.geocoder,
        limits=state.limits,
        clock=state.clock,
        freshness=state.freshness,
        result_cache=state.result_cache,
        places=state.place_caches,
    )
