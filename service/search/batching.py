"""Searches asked together, sent together: the requests of one wave of a plan as multi-searches.

A support plan runs a dozen searches at once, and each search near a place or soonest first
makes several requests of its own (the zones facet, edge probes, tier counts, the page).
`BatchedIndex` stands in for the index during one plan: every `search` and `multi_search`
asked while the plan's other searches are still on their way to their next request is held
until they have all arrived, then all are sent together, and bodies asked twice (schedule
searches ask for the same zones facet) are sent once. Meilisearch answers the queries of one
multi-search one after another, so a wave goes as up to `PARALLEL_REQUESTS` multi-searches
at once, the bodies dealt round.

The bodies are exactly those each search would have sent alone and Meilisearch answers a
multi-search query as it answers the same search, so answers do not change; only the number
of requests does. A request that needs an earlier answer (the page after the tier counts,
a relaxed attempt after the first) goes in a later wave: a plan waits on as many round trips
as its deepest search has steps, not on as many as all its searches have requests.

What is held is never held long: the batch is sent once the event loop has run a few times
with nothing new asked (no timer, no wait on the network), so a slow search never delays the
others by more than those turns of the loop."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from typing import Any, Final

import msgspec

from service.errors import SearchQueryError
from service.search.client import MeiliSearchResult, SearchIndex

# Turns of the event loop with no new search before a batch is sent: a search whose previous
# answer just came needs a few (result cache, deadline, shield callbacks) to ask its next.
SETTLE_TURNS: Final = 3
# However busy the loop, a batch waits no more turns than this.
MAX_TURNS: Final = 200
# Meilisearch answers the queries of one multi-search one after another, and separate
# requests on as many threads as it has: a batch goes as this many multi-searches at once.
PARALLEL_REQUESTS: Final = 8

Outcome = MeiliSearchResult | BaseException
_Held = tuple[dict[str, Any], "asyncio.Future[MeiliSearchResult]"]


class BatchedIndex(SearchIndex):
    """The index, with the searches asked at once sent as one multi-search (one plan's)."""

    def __init__(self, inner: SearchIndex, *, parallel: int = PARALLEL_REQUESTS) -> None:
        # Not SearchIndex.__init__: the inner index's connections, timeout and outage log do
        # the sending; this only gathers what is sent.
        self.inner = inner
        self.index_name = inner.index_name
        self.timeout_s = inner.timeout_s
        self.outage = inner.outage
        self.parallel = max(1, parallel)
        self._held: list[_Held] = []
        self._sender: asyncio.Task[None] | None = None
        # Counted for tests and the bench: waves sent (round trips one after another), the
        # requests and searches they carried, and what was asked.
        self.round_trips = 0
        self.requests_sent = 0
        self.calls_asked = 0
        self.largest_batch = 0
        self.searches_asked = 0
        self.searches_sent = 0

    async def _request(self, method: str, path: str, body: bytes | None = None) -> bytes:
        # Reads other than searches (documents, version) go straight to the inner index.
        return await self.inner._request(method, path, body)

    async def aclose(self) -> None:
        """Nothing to close: the connections are the inner index's."""

    async def search(self, body: dict[str, Any]) -> MeiliSearchResult:
        """One search, sent with the others asked at the same time."""
        (result,) = await self._batched([body])
        return result

    async def multi_search(self, bodies: list[dict[str, Any]]) -> list[MeiliSearchResult]:
        """Several searches, sent with the others asked at the same time; results in order."""
        return await self._batched(bodies)

    async def _batched(self, bodies: Sequence[dict[str, Any]]) -> list[MeiliSearchResult]:
        loop = asyncio.get_running_loop()
        futures: list[asyncio.Future[MeiliSearchResult]] = []
        for body in bodies:
            future: asyncio.Future[MeiliSearchResult] = loop.create_future()
            self._held.append((body, future))
            futures.append(future)
        self.calls_asked += 1
        self.searches_asked += len(bodies)
        if self._sender is None:
            # A task of the caller's context: it keeps the request's deadline.
            self._sender = asyncio.create_task(self._send_when_settled())
        return [await future for future in futures]

    async def _send_when_settled(self) -> None:
        seen, quiet = -1, 0
        for _turn in range(MAX_TURNS):
            await asyncio.sleep(0)
            if len(self._held) == seen:
                quiet += 1
                if quiet >= SETTLE_TURNS:
                    break
            else:
                seen, quiet = len(self._held), 0
        held, self._held = self._held, []
        # What is asked from now on goes in the next batch.
        self._sender = None
        try:
            await self._dispatch(held)
        except BaseException as exc:
            for _body, future in held:
                _fail(future, exc)
            if not isinstance(exc, Exception):
                raise

    async def _dispatch(self, held: list[_Held]) -> None:
        keys = [msgspec.json.encode(body) for body, _future in held]
        slot: dict[bytes, int] = {}
        distinct: list[dict[str, Any]] = []
        for (body, _future), key in zip(held, keys, strict=True):
            if key not in slot:
                slot[key] = len(distinct)
                distinct.append(body)
        outcomes = await self._outcomes(distinct)
        for (_body, future), key in zip(held, keys, strict=True):
            outcome = outcomes[slot[key]]
            if future.done():
                continue
            if isinstance(outcome, BaseException):
                _fail(future, outcome)
            else:
                future.set_result(outcome)

    async def _outcomes(self, bodies: list[dict[str, Any]]) -> list[Outcome]:
        """Each body's result, in `parallel` multi-searches at once, the bodies dealt round."""
        parts = [bodies[i :: self.parallel] for i in range(min(self.parallel, len(bodies)))]
        self.round_trips += 1
        self.requests_sent += len(parts)
        self.searches_sent += len(bodies)
        self.largest_batch = max(self.largest_batch, len(bodies))
        answered = await asyncio.gather(*(self._part(part) for part in parts))
        found: dict[int, Outcome] = {}
        for first, outcomes in enumerate(answered):
            for k, outcome in enumerate(outcomes):
                found[first + k * self.parallel] = outcome
        return [found[i] for i in range(len(bodies))]

    async def _part(self, bodies: list[dict[str, Any]]) -> list[Outcome]:
        """One multi-search's results; a query Meilisearch refuses fails only its own search."""
        try:
            if len(bodies) == 1:
                return [await self.inner.search(bodies[0])]
            return list(await self.inner.multi_search(bodies))
        except SearchQueryError as exc:
            if len(bodies) == 1:
                return [exc]
        # Meilisearch refuses a whole multi-search for one bad query: ask each alone to
        # learn whose it was (never expected, as every body is checked and quoted).
        self.requests_sent += len(bodies)
        return list(
            await asyncio.gather(*(self.inner.search(b) for b in bodies), return_exceptions=True)
        )


def _fail(future: asyncio.Future[MeiliSearchResult], exc: BaseException) -> None:
    if future.done():
        return
    if isinstance(exc, asyncio.CancelledError):
        future.cancel()
        return
    future.set_exception(exc)
    # Retrieved here: a waiter that already gave up must not leave asyncio a warning.
    with contextlib.suppress(BaseException):
        future.exception()
