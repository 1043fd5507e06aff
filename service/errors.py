"""Our exception tree, and the handlers that render every error as RFC 9457 problem+json."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Sequence
from typing import Any, Final

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

logger = logging.getLogger("pathways.errors")

PROBLEM_JSON: Final = "application/problem+json"
PROBLEM_BASE: Final = "https://pathways.invalid/problems/"


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


def problem_response(
    *,
    status: int,
    slug: str,
    title: str,
    detail: str,
    instance: str | None = None,
    extensions: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    """One problem+json response; every error path goes through here."""
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": title,
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    body.update(extensions or {})
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _pathways_error(request: Request[Any, Any, Any], exc: PathwaysError) -> Response[bytes]:
    headers = exc.response_headers() or None
    if isinstance(exc, SearchUnavailableError):
        headers = {"Retry-After": str(exc.retry_after_s)}
        logger.warning("search unavailable: %s", exc.detail)
    detail = exc.detail
    if isinstance(exc, SearchQueryError):
        # Our own bug: never echo Meilisearch's message to the client. It quotes the filter
        # or sort (vocabulary values, coordinates, geo cells: where someone searched), so only
        # its code goes to the default log level; the message waits for DEBUG.
        logger.error("Meilisearch refused a request (%s) on %s", exc.code, _route(request))
        logger.debug("Meilisearch said: %s", exc.detail)
        detail = "The search could not be completed. Please try again later."
    return problem_response(
        status=exc.status_code,
        slug=exc.slug,
        title=exc.title,
        detail=detail,
        instance=request.url.path,
        extensions=exc.extensions(),
        headers=headers,
    )


def _validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[bytes]:
    # Litestar reports type errors of typed parameters (page=abc) in `extra`.
    extra = exc.extra if isinstance(exc.extra, list) else []
    problems = [e for e in extra if isinstance(e, dict)]
    first = problems[0] if problems else {}
    parameter = str(first.get("key", "")) or None
    message = str(first.get("message", "")) or "the request is not valid"
    detail = f"{parameter}: {message}" if parameter else message
    ext: dict[str, Any] = {"parameter": parameter} if parameter else {}
    return problem_response(
        status=400,
        slug="bad-parameter",
        title="A search parameter is not valid",
        detail=detail,
        instance=request.url.path,
        extensions=ext,
    )


def _http_error(request: Request[Any, Any, Any], exc: HTTPException) -> Response[bytes]:
    status = exc.status_code
    titles = {404: "Not found", 405: "Method not allowed", 429: "Too many requests"}
    headers = dict(exc.headers or {})
    return problem_response(
        status=status,
        slug={404: "not-found", 405: "method-not-allowed"}.get(status, f"http-{status}"),
        title=titles.get(status, "Request failed"),
        detail=exc.detail if status < 500 else "Something went wrong on our side.",
        instance=request.url.path,
        headers=headers or None,
    )


def _unexpected_error(request: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    # The frames, not the message: a message can quote what the visitor typed.
    frames = "".join(traceback.format_tb(exc.__traceback__))
    logger.error("unhandled %s on %s\n%s", type(exc).__name__, _route(request), frames)
    logger.debug("the %s said: %s", type(exc).__name__, exc)
    return problem_response(
        status=500,
        slug="internal-error",
        title="Something went wrong on our side",
        detail="The request could not be completed. Please try again later.",
        instance=request.url.path,
    )


def _route(request: Request[Any, Any, Any]) -> str:
    """The route's path template (`/v1/resources/{resource_id:str}`), never the request's."""
    handler = request.scope.get("route_handler")
    paths = sorted(getattr(handler, "paths", None) or ())
    return paths[0] if paths else "an unknown route"


EXCEPTION_HANDLERS: Final[ExceptionHandlersMap] = {
    PathwaysError: _pathways_error,
    ValidationException: _validation_error,
    HTTPException: _http_error,
    Exception: _unexpected_error,
}
