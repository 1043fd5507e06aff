"""The report form's guards: a per-client limit on a rotating keyed hash, and form tokens.

Client addresses are never stored: each becomes a keyed BLAKE2 digest whose key is random
and replaced every `rotate_s` (a day), so yesterday's digests cannot be linked to today's,
and the counts are kept in this process's memory only.

A form token is `<issued unix time>.<HMAC of the listing id and that time>` with a per-process
key: it proves the form came from our page for this listing less than `max_age_s` ago, so
another site cannot post reports through a visitor's browser (it cannot read our page to get a
token). JSON posts need none: a browser sends cross-site JSON only after a CORS preflight,
which this API never grants.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from typing import Final

from service.http.rate_limit import RateLimiter

WallClock = Callable[[], float]
DAY_S: Final = 86_400.0
HOUR_S: Final = 3_600.0
FORM_MAX_AGE_S: Final = 4 * HOUR_S


class RotatingClientKeys:
    """Client address -> opaque key; the digest key changes every `rotate_s`."""

    def __init__(self, *, rotate_s: float = DAY_S, clock: WallClock = time.time) -> None:
        self._rotate_s = rotate_s
        self._clock = clock
        self._period = -1
        self._secret = b""

    def key(self, address: str) -> str:
        """A keyed digest of the address under the current period's key."""
        period = int(self._clock() // self._rotate_s)
        if period != self._period:
            self._period, self._secret = period, secrets.token_bytes(32)
        return hashlib.blake2b(address.encode(), key=self._secret, digest_size=16).hexdigest()


class ReportLimiter:
    """At most `per_hour` reports an hour from one client (0: no limit)."""

    def __init__(self, *, per_hour: int, clock: WallClock = time.time) -> None:
        self.per_hour = per_hour
        self._keys = RotatingClientKeys(clock=clock)
        self._counts = RateLimiter(window_s=HOUR_S, clock=clock)

    def retry_after_s(self, address: str) -> int | None:
        """Count one report; seconds to wait when over the limit, else None."""
        if self.per_hour <= 0:
            return None
        return self._counts.retry_after_s(self._keys.key(address), self.per_hour)


class FormTokens:
    """Signed, time-limited tokens for the report form of one listing."""

    def __init__(
        self, *, secret: bytes | None = None, clock: WallClock = time.time,
        max_age_s: float = FORM_MAX_AGE_S,
    ) -> None:  # fmt: skip
        self._secret = secret or secrets.token_bytes(32)
        self._clock = clock
        self._max_age_s = max_age_s

    def _mac(self, resource_id: str, issued: int) -> str:
        message = f"report-form\0{resource_id}\0{issued}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()[:32]

    def issue(self, resource_id: str) -> str:
        """A token for a form about this listing."""
        issued = int(self._clock())
        return f"{issued}.{self._mac(resource_id, issued)}"

    def valid(self, token: str | None, resource_id: str) -> bool:
        """Whether the token was issued here, for this listing, recently enough."""
        if not token or "." not in token or len(token) > 64:
            return False
        issued_text, mac = token.split(".", 1)
        if not issued_text.isdigit():
            return False
        issued = int(issued_text)
        age_s = self._clock() - issued
        if not 0 <= age_s <= self._max_age_s:
            return False
        return hmac.compare_digest(mac, self._mac(resource_id, issued))
