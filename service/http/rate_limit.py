"""Rate limits: per client (per IP address) on every API and page request, and per partner key.

Counts live in this process's memory only, in fixed windows (one minute by default): simple,
exact `Retry-After` values, and at most twice the limit across a window boundary. The number
of keys is bounded (least recently seen dropped first), so a flood of addresses cannot grow
memory without end. Client addresses are never stored as they are: each is reduced to a keyed
BLAKE2 digest whose key is random per process, and none is ever logged.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, Final

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from service.errors import PathwaysError

WallClock = Callable[[], float]
DEFAULT_MAX_KEYS: Final = 100_000
# Health checks come from the orchestrator; static assets are a page's own and cached.
UNCOUNTED_PATHS: Final[tuple[str, ...]] = (
    "^/healthz$",
    "^/readyz$",
    "^/static/",
    "^/embed/v1/widget\\.(js|css)$",
)


class RateLimiter:
    """Fixed-window request counts per key, bounded in the number of keys it remembers."""

    def __init__(
        self,
        *,
        window_s: float = 60.0,
        clock: WallClock = time.time,
        max_keys: int = DEFAULT_MAX_KEYS,
    ) -> None:
        self.window_s = window_s
        self._clock = clock
        self._max_keys = max_keys
        self._windows: OrderedDict[str, tuple[int, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._windows)

    def retry_after_s(self, key: str, limit: int, *, now_s: float | None = None) -> int | None:
        """Count one request for `key`; whole seconds to wait when over `limit`, else None."""
        now = self._clock() if now_s is None else now_s
        window = int(now // self.window_s)
        start, count = self._windows.get(key, (window, 0))
        if start != window:
            start, count = window, 0
        if count >= limit:
            self._windows.move_to_end(key)
            return max(1, math.ceil((window + 1) * self.window_s - now))
        self._windows[key] = (start, count + 1)
        self._windows.move_to_end(key)
        while len(self._windows) > self._max_keys:
            self._windows.popitem(last=False)
        return None


class ClientKeys:
    """Turns a client address into an opaque key; the digest key is random per process."""

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def key(self, address: str) -> str:
        """A keyed digest of the address, useless outside this process."""
        return hashlib.blake2b(address.encode(), key=self._secret, digest_size=16).hexdigest()


def client_address(scope: Scope) -> str:
    """The client's address as the server resolved it (uvicorn applies trusted proxy headers)."""
    client: Any = scope.get("client")
    if client and client[0]:
        return str(client[0])
    return "unknown"


# One address may use at most this fraction of a partner's per-minute quota, so that a
# single client (a script without an Origin, or one that forges the partner's) cannot use
# up the partner's quota for every real visitor.
VISITOR_SHARE_DIVISOR: Final = 4


def visitor_share(limit: int) -> int:
    """The requests a minute one address may make through a partner with this limit."""
    return max(1, math.ceil(limit / VISITOR_SHARE_DIVISOR))


class PartnerQuota:
    """Per-partner request counts, and per (partner, client address) within them."""

    def __init__(self, *, limiter: RateLimiter | None = None, keys: ClientKeys | None = None):
        self.limiter = limiter or RateLimiter()
        self.keys = keys or ClientKeys()

    def retry_after_s(
        self, partner: str, limit: int, address: str, *, now_s: float | None = None
    ) -> tuple[int, bool] | None:
        """Count one request; (seconds to wait, whether this address alone is over) or None.

        A request the address's own share refuses is not counted against the partner.
        """
        visitor = f"{partner}/{self.keys.key(address)}"
        wait_s = self.limiter.retry_after_s(visitor, visitor_share(limit), now_s=now_s)
        if wait_s is not None:
            return wait_s, True
        wait_s = self.limiter.retry_after_s(partner, limit, now_s=now_s)
        return None if wait_s is None else (wait_s, False)


class RateLimitedError(PathwaysError):
    """A client (or a partner's visitors) made more requests this window than allowed."""

    status_code = 429
    slug = "rate-limited"
    title = "Too many requests"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}


class ClientRateLimitMiddleware(ASGIMiddleware):
    """Refuses with 429 problem+json and Retry-After once a client passes its limit."""

    scopes = (ScopeType.HTTP,)
    exclude_path_pattern = UNCOUNTED_PATHS

    def __init__(self, *, limit_per_min: int, limiter: RateLimiter | None = None) -> None:
        self.limit_per_min = limit_per_min
        self.limiter = limiter or RateLimiter()
        self.keys = ClientKeys()

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Count the request, then pass it on or refuse it."""
        key = self.keys.key(client_address(scope))
        wait_s = self.limiter.retry_after_s(key, self.limit_per_min)
        if wait_s is not None:
            raise RateLimitedError(
                f"More than {self.limit_per_min} requests a minute came from your address. "
                f"Try again in {wait_s} seconds.",
                retry_after_s=wait_s,
            )
        await next_app(scope, receive, send)
