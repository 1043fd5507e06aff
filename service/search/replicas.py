"""Which Meilisearch replica answers: round robin over the healthy ones, failover, pinning.

`PATHWAYS_MEILI_URLS` names several servers holding the same index (the indexer publishes to
each, indexer/publish.py). The API spreads searches over the replicas that answered last
time, and a call that gets no usable answer (no connection, a timeout, a 5xx, a missing
index) marks its replica down and is retried on another within the same request deadline
(service/search/deadline.py). A down replica gets no searches; the client probes it in the
background and takes it back when it answers again.

Replicas are published one after the other, so for a moment two of them may hold different
versions of the index. One answer must never mix them, so a request is pinned: every call it
makes goes to the replica its first answer came from (`RequestReplica`, carried by the
request's context like its deadline). When the pinned replica fails after answering, the
request cannot silently carry on elsewhere; `ReplicaChangedError` tells the result cache
(service/search/result_cache.py) to start that result over on another replica, with that
replica's version. Results are cached under `ReplicaVersion`, the version of the replica
that computed them.

This module is the pure part: the choice and the health state. The I/O is in client.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from contextvars import ContextVar
from typing import Final

import msgspec

from service.errors import SearchUnavailableError
from service.settings import replica_label

# A call that has another replica to fall back on gets this share of the time left, so a
# replica that hangs (rather than refusing the connection) still leaves time for the other.
FAILOVER_SHARE: Final = 0.5


class ReplicaVersion(msgspec.Struct, frozen=True, kw_only=True):
    """The index version one replica holds (uid, createdAt, updatedAt), named by replica."""

    replica: int
    index: tuple[str, str, str]


class ReplicaHealth(msgspec.Struct, frozen=True, kw_only=True):
    """One replica as /healthz shows it: where it is (no key, no path) and whether it serves."""

    replica: str
    up: bool


class ReplicaChangedError(SearchUnavailableError):
    """The replica a request is pinned to failed after answering it: start the result over."""


class RequestReplica:
    """The replica one request is pinned to (None until its first answer)."""

    def __init__(self) -> None:
        self.index: int | None = None


_request_replica: Final[ContextVar[RequestReplica | None]] = ContextVar(
    "pathways_request_replica", default=None
)


def pin_request() -> None:
    """From now, this request (and the tasks it starts) stays on one replica."""
    _request_replica.set(RequestReplica())


def unpin_context() -> None:
    """This context belongs to no request: each call picks its replica (shared work)."""
    _request_replica.set(None)


def request_replica() -> RequestReplica | None:
    """The current request's pin, or None outside a request."""
    return _request_replica.get()


class ReplicaPool:
    """The health of each replica and the round robin over the healthy ones."""

    def __init__(self, urls: Sequence[str], *, clock: Callable[[], float] = time.monotonic) -> None:
        if not urls:
            raise ValueError("at least one Meilisearch URL is needed")
        self.urls: tuple[str, ...] = tuple(u.rstrip("/") for u in urls)
        self._clock = clock
        self._down_since: list[float | None] = [None] * len(self.urls)
        self._next = 0

    def __len__(self) -> int:
        return len(self.urls)

    def is_up(self, replica: int) -> bool:
        """Whether the replica answered its last call."""
        return self._down_since[replica] is None

    def up(self) -> list[int]:
        """The replicas that answered their last call."""
        return [i for i in range(len(self.urls)) if self.is_up(i)]

    def choose(self, tried: Collection[int] = ()) -> int | None:
        """The next replica to ask: healthy ones in turn, then down ones (longest down last)."""
        healthy = [i for i in range(len(self.urls)) if self.is_up(i) and i not in tried]
        if healthy:
            start = self._next % len(self.urls)
            chosen = min(healthy, key=lambda i: (i - start) % len(self.urls))
            self._next = chosen + 1
            return chosen
        # Every replica failed its last call: still ask, the one down for the shortest time
        # first (a refused connection costs little, and it may be back).
        down = [i for i in range(len(self.urls)) if i not in tried]
        if not down:
            return None
        return max(down, key=lambda i: self._down_since[i] or 0.0)

    def others_left(self, tried: Collection[int]) -> bool:
        """Whether a replica not yet tried remains."""
        return len(set(tried)) < len(self.urls)

    def mark_down(self, replica: int) -> bool:
        """The replica failed a call; True when it was up until now."""
        if self._down_since[replica] is not None:
            return False
        self._down_since[replica] = self._clock()
        return True

    def mark_up(self, replica: int) -> float | None:
        """The replica answered; the seconds it had been down, or None when it was up."""
        since = self._down_since[replica]
        if since is None:
            return None
        self._down_since[replica] = None
        return self._clock() - since

    def health(self) -> list[ReplicaHealth]:
        """Every replica's label and state, for /healthz."""
        return [
            ReplicaHealth(replica=replica_label(url), up=self.is_up(i))
            for i, url in enumerate(self.urls)
        ]


def attempt_budget_s(left_s: float, *, others_left: bool) -> float:
    """How long one call may take: all that is left, or a share when another replica waits."""
    return left_s * FAILOVER_SHARE if others_left else left_s
