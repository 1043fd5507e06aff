"""One deadline per request for everything it asks Meilisearch, however many reads it makes.

`PATHWAYS_SEARCH_TIMEOUT_S` is the longest a visitor waits for Meilisearch. A search may read
the index version (shared with other searches), then run one to three searches, a crisis
look-up or alternatives: each with its own timeout, their waits would add up (a stopped
Meilisearch once held searches for twice the timeout). So the request's deadline is set
once, when it arrives (`SearchDeadlineMiddleware`), and every call or shared wait below
takes only the time that is left; tasks started by the request inherit it (contextvars).
Code that runs outside a request (the bench, the indexer) has no deadline and each call
keeps the client's own timeout.
"""

from __future__ import annotations

import asyncio
import contextvars
import inspect
import time
from collections.abc import Awaitable, Coroutine
from contextvars import ContextVar
from typing import Any, Final, TypeVar

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from service.errors import SearchUnavailableError
from service.search.replicas import pin_request, unpin_context

T = TypeVar("T")

_deadline: Final[ContextVar[float | None]] = ContextVar("pathways_search_deadline", default=None)


def start_deadline(timeout_s: float) -> None:
    """From now, this request (and the tasks it starts) may wait `timeout_s` in all."""
    _deadline.set(time.monotonic() + timeout_s)
    # The same request stays on one Meilisearch replica (service/search/replicas.py).
    pin_request()


def remaining_s(default_s: float) -> float:
    """Seconds left before the request's deadline (at most `default_s`); may be <= 0."""
    deadline = _deadline.get()
    if deadline is None:
        return default_s
    return min(default_s, deadline - time.monotonic())


def timed_out() -> SearchUnavailableError:
    """The error of a request whose time for Meilisearch is up."""
    return SearchUnavailableError("Meilisearch did not answer in time")


async def within_deadline(awaitable: Awaitable[T], *, default_s: float) -> T:
    """Await a shared result (one another request started) for no longer than is left."""
    left = remaining_s(default_s)
    if left <= 0:
        _abandon(awaitable)
        raise timed_out()
    try:
        return await asyncio.wait_for(awaitable, timeout=left)
    except TimeoutError:
        raise timed_out() from None


def _abandon(awaitable: Awaitable[Any]) -> None:
    """Let go of what will never be awaited: a future is cancelled (a shield's inner work goes
    on for the others) and a coroutine closed, so asyncio never logs an unretrieved error."""
    if isinstance(awaitable, asyncio.Future):
        awaitable.cancel()
    elif inspect.iscoroutine(awaitable):
        awaitable.close()


def background(coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
    """Run `coro` as a task of its own, with no request's deadline (a shared rebuild).

    The request that starts it waits only as long as it may (`within_deadline`); the work
    goes on, so the next request finds it done instead of starting over and timing out too.
    """
    context = contextvars.copy_context()
    context.run(_deadline.set, None)
    context.run(unpin_context)
    return asyncio.create_task(coro, context=context)


# Bulk answers page through every matching document; they get PATHWAYS_EXPORT_TIMEOUT_S.
EXPORT_PATHS: Final[tuple[str, ...]] = ("/v1/feeds/", "/v1/search.csv")


class SearchDeadlineMiddleware(ASGIMiddleware):
    """Sets each request's deadline for Meilisearch as it arrives."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, *, timeout_s: float, export_timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.export_timeout_s = export_timeout_s

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Start the deadline, then pass the request on."""
        bulk = str(scope.get("path", "")).startswith(EXPORT_PATHS)
        start_deadline(self.export_timeout_s if bulk else self.timeout_s)
        await next_app(scope, receive, send)
