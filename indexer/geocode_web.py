"""The optional web geocoder: a self-hosted Nominatim or Photon, throttled, with a disk cache.

Configured by URL (`--geocoder-url` / PATHWAYS_GEOCODER_URL) and kind (`--geocoder`:
nominatim or photon); wrapped in geopy's RateLimiter (one request per `min_delay_s`, two
retries); every answer, "not found" included, is kept in an SQLite file under the state dir,
keyed by geocoder URL and query, so a re-run asks nothing twice. Failures (down, timeout,
HTTP error) are never cached: the next run asks again. After `MAX_CONSECUTIVE_ERRORS`
failures in a row the geocoder is given up for the rest of the run.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, Protocol
from urllib.parse import urlsplit

from geopy.exc import GeopyError  # type: ignore[import-untyped, unused-ignore]
from geopy.extra.rate_limiter import RateLimiter  # type: ignore[import-untyped, unused-ignore]
from geopy.geocoders import Nominatim, Photon  # type: ignore[import-untyped, unused-ignore]

logger = logging.getLogger(__name__)

GeocoderKind = Literal["nominatim", "photon"]
GEOCODER_KINDS: Final[tuple[GeocoderKind, ...]] = ("nominatim", "photon")
MAX_CONSECUTIVE_ERRORS: Final = 3
USER_AGENT: Final = "pathways-indexer"
Point = tuple[float, float]


class SupportsGeocode(Protocol):
    """What the chain needs of a geopy geocoder."""

    def geocode(self, query: str, *, exactly_one: bool = True) -> Any: ...


class GeocodeCache:
    """A persistent (query -> point or "not found") map in one SQLite file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS geocode (key TEXT PRIMARY KEY, lat REAL, lng REAL, "
            "saved_at TEXT NOT NULL)"
        )

    def get(self, key: str) -> tuple[bool, Point | None]:
        """(whether the key is cached, its point or None for "not found")."""
        row = self._db.execute("SELECT lat, lng FROM geocode WHERE key = ?", (key,)).fetchone()
        if row is None:
            return False, None
        return True, (None if row[0] is None else (float(row[0]), float(row[1])))

    def put(self, key: str, point: Point | None) -> None:
        """Remember an answer (a point, or None for "not found")."""
        lat, lng = point if point is not None else (None, None)
        saved = datetime.now(UTC).isoformat(timespec="seconds")
        with self._db:
            self._db.execute(
                "INSERT OR REPLACE INTO geocode VALUES (?, ?, ?, ?)", (key, lat, lng, saved)
            )

    def close(self) -> None:
        """Close the file."""
        self._db.close()


class CachedWebGeocoder:
    """A web geocoder behind the cache and a rate limiter; counts what it did."""

    def __init__(
        self,
        geocoder: SupportsGeocode,
        cache: GeocodeCache,
        *,
        namespace: str,
        min_delay_s: float = 1.0,
        error_wait_s: float = 5.0,
    ) -> None:
        self._limited: Callable[..., Any] = RateLimiter(
            geocoder.geocode,
            min_delay_seconds=min_delay_s,
            max_retries=2,
            error_wait_seconds=error_wait_s,
            swallow_exceptions=False,
        )
        self._cache = cache
        self._namespace = namespace
        self.calls = 0
        self.cache_hits = 0
        self.errors = 0
        self._errors_in_a_row = 0

    @property
    def given_up(self) -> bool:
        """Whether the geocoder failed too often in a row to be asked again this run."""
        return self._errors_in_a_row >= MAX_CONSECUTIVE_ERRORS

    def point(self, query: str) -> Point | None:
        """The point of a query: from the cache, else from the geocoder (then cached)."""
        key = f"{self._namespace}\x1f{query}"
        hit, cached = self._cache.get(key)
        if hit:
            self.cache_hits += 1
            return cached
        if self.given_up:
            return None
        self.calls += 1
        try:
            location = self._limited(query, exactly_one=True)
        except GeopyError as exc:
            self.errors += 1
            self._errors_in_a_row += 1
            logger.warning("web geocoder failed (%s)", type(exc).__name__)
            return None
        self._errors_in_a_row = 0
        point = None if location is None else (float(location.latitude), float(location.longitude))
        self._cache.put(key, point)
        return point


def web_geocoder(url: str, kind: GeocoderKind, *, timeout_s: float = 10.0) -> SupportsGeocode:
    """A geopy Nominatim or Photon geocoder for a self-hosted server's base URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"geocoder URL {url!r} must be http(s)://host[:port][/path]")
    domain = parts.netloc + parts.path.rstrip("/")
    options = {
        "domain": domain,
        "scheme": parts.scheme,
        "user_agent": USER_AGENT,
        "timeout": timeout_s,
    }
    geocoder: SupportsGeocode = Nominatim(**options) if kind == "nominatim" else Photon(**options)
    return geocoder
