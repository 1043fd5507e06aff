"""Meilisearch's availability as the API sees it, logged once per change, not per request.

While Meilisearch is down every search fails the same way; a line per refused request once
wrote 15,000 lines (1.7 MB) in 25 s of outage and buried everything else. So the log gets
one warning when searches start failing and one line when they succeed again, with how
long it lasted and how many requests were answered 503 meanwhile.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

logger: Final = logging.getLogger("pathways.search")


class OutageLog:
    """Counts failures of Meilisearch requests and logs only the changes of state."""

    def __init__(self, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._down_since: float | None = None
        self.failures = 0

    @property
    def down(self) -> bool:
        """Whether the last request to Meilisearch failed."""
        return self._down_since is not None

    def failed(self, reason: str) -> None:
        """A request got no usable answer (`reason` is our own words, never a request's)."""
        if self._down_since is None:
            self._down_since = self._clock()
            self.failures = 0
            logger.warning(
                "Meilisearch unavailable (%s): searches answer 503 until it is back", reason
            )
        self.failures += 1

    def succeeded(self) -> None:
        """A request was answered by Meilisearch."""
        if self._down_since is None:
            return
        lasted_s = self._clock() - self._down_since
        self._down_since = None
        logger.warning(
            "Meilisearch available again after %.1f s (%d requests to it failed meanwhile)",
            lasted_s,
            self.failures,
        )
