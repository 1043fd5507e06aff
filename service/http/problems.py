"""Every error rendered as RFC 9457 problem+json: the one place errors become responses."""

from __future__ import annotations

import logging
import traceback
from typing import Any, Final

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException
from litestar.types import ExceptionHandlersMap

from service.errors import PathwaysError, SearchQueryError, SearchUnavailableError
from service.search.crisis import FALLBACK_BLOCK
from service.search.understanding import reads_as_crisis

logger = logging.getLogger("pathways.errors")

PROBLEM_JSON: Final = "application/problem+json"
PROBLEM_BASE: Final = "https://pathways.invalid/problems/"


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
        # Once per outage, not per request: service/search/outage.py.
        logger.debug("search unavailable: %s", exc.detail)
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
        extensions={**exc.extensions(), **crisis_members(request)},
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
        extensions={**ext, **crisis_members(request)},
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
        extensions=crisis_members(request),
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
        extensions=crisis_members(request),
    )


def crisis_members(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """`crisis`, for an error on a request whose q reads as a crisis: nobody who typed "I want
    to die" meets only an error. The fallback lines need no index, so a 503 has them too."""
    try:
        q = request.query_params.get("q")
    except Exception:
        return {}
    if not isinstance(q, str) or not reads_as_crisis(q):
        return {}
    return {"crisis": msgspec.to_builtins(FALLBACK_BLOCK)}


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
