"""Request size limits: URL, query parameters, headers and body, each a clear 4xx.

Two layers enforce them. The app (this middleware) answers problem+json: 414 for a URL
longer than `MAX_URL_BYTES`, 400 naming the key for too many query parameters or too many
values of one key, 431 for headers larger than `MAX_HEADER_BYTES`, 413 for a declared body
larger than `MAX_BODY_BYTES` (Litestar's `request_max_body_size` catches a body sent without a
length). The server (uvicorn, `SERVER_OPTIONS`) refuses before the app sees anything: a
request head (request line and headers) over `MAX_HEAD_BYTES` gets h11's plain-text 400,
and more than `LIMIT_CONCURRENCY` connections and requests in flight get a plain-text 503.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Final
from urllib.parse import unquote_plus

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from service.errors import BadParameterError, PathwaysError
from service.values import cut

MAX_URL_BYTES: Final = 4096
MAX_QUERY_PARAMS: Final = 60
# The vocabularies' largest list; the query layer checks the same bound after de-duplication.
MAX_VALUES_PER_KEY: Final = 20
MAX_HEADER_BYTES: Final = 8 * 1024
MAX_BODY_BYTES: Final = 16 * 1024
# The server's own limits, above the app's so that the app's clearer answers come first.
MAX_HEAD_BYTES: Final = 16 * 1024
LIMIT_CONCURRENCY: Final = 1000
KEEP_ALIVE_S: Final = 5

SERVER_OPTIONS: Final[dict[str, Any]] = {
    "h11_max_incomplete_event_size": MAX_HEAD_BYTES,
    "limit_concurrency": LIMIT_CONCURRENCY,
    "timeout_keep_alive": KEEP_ALIVE_S,
    # Request lines carry what people search for and their addresses.
    "access_log": False,
    # uvicorn trusts X-Forwarded-For from 127.0.0.1 by default, so any local client (or a
    # proxy that passes the header on unchecked) could pick the address it is rate limited
    # by. A deployment behind its own proxy turns this on with that proxy's address only.
    "proxy_headers": False,
}


def server_cli_flags() -> list[str]:
    """SERVER_OPTIONS as `uvicorn` command-line flags (docker-compose.yml repeats them)."""
    return [
        f"--h11-max-incomplete-event-size={MAX_HEAD_BYTES}",
        f"--limit-concurrency={LIMIT_CONCURRENCY}",
        f"--timeout-keep-alive={KEEP_ALIVE_S}",
        "--no-access-log",
        "--no-proxy-headers",
    ]


class RequestTooLargeError(PathwaysError):
    """A part of the request is larger than the service accepts."""

    def __init__(self, status_code: int, slug: str, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.slug = slug
        self.title = title


def query_problem(query_string: bytes) -> BadParameterError | None:
    """Too many query parameters in all, or too many values of one key; None if fine."""
    pairs = [p for p in query_string.split(b"&") if p]
    if not pairs:
        return None
    if len(pairs) > MAX_QUERY_PARAMS:
        return BadParameterError(
            "query", f"at most {MAX_QUERY_PARAMS} query parameters are allowed, got {len(pairs)}"
        )
    keys = Counter(unquote_plus(p.split(b"=", 1)[0].decode("latin-1")) for p in pairs)
    key, count = keys.most_common(1)[0]
    if count > MAX_VALUES_PER_KEY:
        return BadParameterError(
            cut(key), f"{cut(key)} may be given at most {MAX_VALUES_PER_KEY} times, got {count}"
        )
    return None


def size_problem(scope: Scope) -> PathwaysError | None:
    """The first limit this request's URL, headers or declared body passes; None if none."""
    url_bytes = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
    if url_bytes > MAX_URL_BYTES:
        return RequestTooLargeError(
            414,
            "uri-too-long",
            "The address is too long",
            f"URLs may be at most {MAX_URL_BYTES} bytes (path and query string), got {url_bytes}",
        )
    headers = list(scope.get("headers") or ())
    header_bytes = sum(len(name) + len(value) for name, value in headers)
    if header_bytes > MAX_HEADER_BYTES:
        return RequestTooLargeError(
            431,
            "headers-too-large",
            "The request headers are too large",
            f"Request headers may be at most {MAX_HEADER_BYTES} bytes in all, got {header_bytes}",
        )
    length = next((v for n, v in headers if n.lower() == b"content-length"), b"")
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        return RequestTooLargeError(
            413,
            "body-too-large",
            "The request body is too large",
            f"Request bodies may be at most {MAX_BODY_BYTES} bytes, got {int(length)}",
        )
    return query_problem(scope.get("query_string") or b"")


class RequestLimitsMiddleware(ASGIMiddleware):
    """Refuses oversized requests before any handler runs."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Check the limits, then pass the request on."""
        problem = size_problem(scope)
        if problem is not None:
            raise problem
        await next_app(scope, receive, send)
