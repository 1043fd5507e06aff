"""Search results reused until the index changes, and never after.

A cached result is only served for the index version it was computed on, and the version is
read from Meilisearch (`GET /indexes/{uid}`: uid, createdAt, updatedAt, which change with every
write and every swap) by a request that *started after* the search arrived. So a search that
arrives after a publish has finished can never be answered from before it: the worst case is
a search that arrives during a publish, which may be answered from either side of it, as
Meilisearch itself would.

Version reads are shared: every search waiting when a read starts is answered by that read,
so under load one small request to Meilisearch serves many searches. Searches for the same
question in flight at once share one computation.

What `/v1/search` keeps is what Meilisearch answered (hits with their distances, totals,
facets), encoded, keyed by the exact inputs of the Meilisearch requests; what depends on the
clock (next occurrence, `stale`) is still computed per request.

A kept result is not answered sooner than it took to compute: a hit waits out the time its
miss took (version read included), so how fast an answer comes does not tell a visitor
whether someone else asked the same question since the last publish (docs/security.md,
"The result cache as a timing oracle"). Meilisearch is still asked once per question and
version; only the waiting, which costs no CPU, is kept.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Final, Generic, Protocol, TypeVar, runtime_checkable

from service.search.deadline import remaining_s, within_deadline
from service.search.replicas import ReplicaChangedError, ReplicaVersion, request_replica

T = TypeVar("T")

logger = logging.getLogger("pathways.search")
DEFAULT_MAX_ENTRIES: Final = 512


def _retrieved(task: asyncio.Task[None]) -> None:
    """Reads the ended runner's outcome: one whose waiters all gave up at their deadlines is
    nobody's to await, and asyncio would log it as never retrieved."""
    if not task.cancelled() and task.exception() is not None:
        logger.debug("index version read ended with %s", type(task.exception()).__name__)


class FreshVersion:
    """The index version as read by a request started after the caller asked (single flight)."""

    def __init__(self, read: Callable[[], Awaitable[Hashable]], *, timeout_s: float) -> None:
        self._read = read
        self._timeout_s = timeout_s
        # The read the next callers join: not one already in flight, which may predate them.
        self._next: asyncio.Future[Hashable] | None = None
        self._runner: asyncio.Task[None] | None = None
        self.reads = 0

    async def current(self) -> Hashable:
        """The version now; raises what the read raises (e.g. SearchUnavailableError)."""
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
        waiter = self._next
        if self._runner is None or self._runner.done():
            self._runner = asyncio.create_task(self._run())
            self._runner.add_done_callback(_retrieved)
        # A caller that goes away (client disconnect), or whose time is up, must not cancel
        # the shared read; each waits only for what is left of its own request's deadline.
        return await within_deadline(asyncio.shield(waiter), default_s=self._timeout_s)

    async def _run(self) -> None:
        while self._next is not None:
            waiter, self._next = self._next, None
            self.reads += 1
            try:
                version = await self._read()
            except Exception as exc:  # handed to every waiter, who re-raise it
                if not waiter.done():
                    waiter.set_exception(exc)
                    # Nobody may be left waiting; mark it retrieved so asyncio does not warn.
                    waiter.exception()
            else:
                if not waiter.done():
                    waiter.set_result(version)


@runtime_checkable
class VersionSource(Protocol):
    """Where the cache reads the version from: a FreshVersion, or the replica client's."""

    @property
    def reads(self) -> int:
        """Version reads sent so far."""
        ...

    async def current(self) -> Hashable:
        """The version now, read after the caller asked."""
        ...


def _slot(version: Hashable) -> Hashable:
    """What one version replaces: the same replica's older one (all of them when unnamed)."""
    return version.replica if isinstance(version, ReplicaVersion) else None


# A result is started over on another replica at most this many times.
REPLICA_RETRIES: Final = 2


class ResultCache(Generic[T]):
    """Results by (index version, key), least recently used evicted, cleared on a new version.

    With replicas the version names the replica (`ReplicaVersion`): each replica's results
    are kept under its own version, and a new version drops only that replica's.
    """

    def __init__(
        self,
        read_version: Callable[[], Awaitable[Hashable]] | VersionSource,
        *,
        timeout_s: float,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        self._timeout_s = timeout_s
        self.version: VersionSource = (
            read_version
            if isinstance(read_version, VersionSource)
            else FreshVersion(read_version, timeout_s=timeout_s)
        )
        self.max_entries = max_entries
        # Each result with the seconds its miss took, which every hit on it waits out.
        self._entries: OrderedDict[tuple[Hashable, Hashable], tuple[T, float]] = OrderedDict()
        self._versions: dict[Hashable, Hashable] = {}
        self._inflight: dict[tuple[Hashable, Hashable], asyncio.Future[T]] = {}
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        """Whether results are kept at all (PATHWAYS_RESULT_CACHE_ENTRIES=0 turns it off)."""
        return self.max_entries > 0

    def __len__(self) -> int:
        return len(self._entries)

    async def get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        """The result for `key` at the index's current version, computed when not held."""
        for _ in range(REPLICA_RETRIES):
            try:
                return await self._get(key, compute)
            except ReplicaChangedError:
                # Its replica failed part-way: the result starts over, whole, on another.
                pin = request_replica()
                if pin is not None:
                    pin.index = None
        return await self._get(key, compute)

    def _current(self, version: Hashable) -> bool:
        return self._versions.get(_slot(version)) == version

    async def _get(self, key: Hashable, compute: Callable[[], Awaitable[T]]) -> T:
        if not self.enabled:
            return await compute()
        started = time.monotonic()
        version = await self.version.current()
        slot = _slot(version)
        if slot not in self._versions or self._versions[slot] != version:
            # Entries of an older version can never be served again.
            old = self._versions.get(slot, version)
            for stale in [k for k in self._entries if k[0] == old]:
                del self._entries[stale]
            self._versions[slot] = version
        found = self._entries.get((version, key))
        if found is not None:
            self._entries.move_to_end((version, key))
            self.hits += 1
            result, took_s = found
            await self._wait_out(started, took_s)
            return result
        self.misses += 1
        flight = (version, key)
        running = self._inflight.get(flight)
        if running is not None:
            return await within_deadline(asyncio.shield(running), default_s=self._timeout_s)
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._inflight[flight] = future
        try:
            result = await compute()
        except asyncio.CancelledError:
            # Only at shutdown: uvicorn does not cancel a request whose client went away.
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()
            raise
        else:
            future.set_result(result)
            # Only kept when the version is still the one it was computed for.
            if self._current(version):
                self._entries[(version, key)] = (result, time.monotonic() - started)
                while len(self._entries) > self.max_entries:
                    self._entries.popitem(last=False)
            return result
        finally:
            del self._inflight[flight]

    async def _wait_out(self, started: float, took_s: float) -> None:
        # Never past the request's own deadline: a padded hit must not become a 503.
        left_s = min(started + took_s - time.monotonic(), remaining_s(self._timeout_s))
        if left_s > 0:
            await asyncio.sleep(left_s)
