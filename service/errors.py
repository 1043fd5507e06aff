"""Our exception tree: what can go wrong, with the HTTP status and problem type each one means.

service/http/problems.py renders them; this module has no web framework in it, so every layer
(search, places, schedules) can raise them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class PathwaysError(Exception):
    """Base of the errors the API turns into problem responses."""

    status_code: int = 500
    slug: str = "internal-error"
    title: str = "Something went wrong on our side"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def extensions(self) -> dict[str, Any]:
        """Extra members of the problem body."""
        return {}

    def response_headers(self) -> dict[str, str]:
        """Extra headers of the problem response (e.g. Retry-After)."""
        return {}


class BadParameterError(PathwaysError, ValueError):
    """A query parameter has a value outside what is allowed."""

    status_code = 400
    slug = "bad-parameter"
    title = "A search parameter is not valid"

    def __init__(self, parameter: str, detail: str, *, allowed: Sequence[str] = ()) -> None:
        super().__init__(detail)
        self.parameter = parameter
        self.allowed = tuple(allowed)

    def extensions(self) -> dict[str, Any]:
        ext: dict[str, Any] = {"parameter": self.parameter}
        if self.allowed:
            ext["allowed"] = list(self.allowed)
        return ext


class UnknownPlaceError(PathwaysError, LookupError):
    """`near` is well formed but the gazetteer does not know the place."""

    status_code = 422
    slug = "unknown-place"
    title = "We could not find that place"

    def __init__(self, place: str) -> None:
        super().__init__(
            f"near={place!r} is not a ZIP code or city we know. Try a 5-digit ZIP code, "
            '"City, ST" (for example "Philadelphia, PA"), or "lat,lng".'
        )
        self.place = place

    def extensions(self) -> dict[str, Any]:
        return {"parameter": "near"}


class ResourceNotFoundError(PathwaysError, LookupError):
    """No resource has the requested id."""

    status_code = 404
    slug = "not-found"
    title = "No such resource"


class SearchUnavailableError(PathwaysError):
    """Meilisearch cannot be reached, timed out, answered 5xx, or has no index yet."""

    status_code = 503
    slug = "search-unavailable"
    title = "Search is temporarily unavailable"
    retry_after_s: int = 5


class SearchQueryError(PathwaysError):
    """Meilisearch refused a request we built (a 4xx): a bug on our side, not the user's."""

    status_code = 500
    slug = "internal-error"
    title = "Something went wrong on our side"

    def __init__(self, detail: str, *, code: str | None = None) -> None:
        super().__init__(detail)
        self.code = code


class StorageUnavailableError(PathwaysError):
    """The database of reports and corrections cannot be reached or timed out."""

    status_code = 503
    slug = "storage-unavailable"
    title = "Reports are temporarily unavailable"
    retry_after_s: int = 5

    def response_headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after_s)}
