"""HEAD on every GET route: the GET answer's status and headers, without its body.

Litestar routes by method before any middleware runs and refuses a HEAD handler that has a
body, so HEAD is turned into GET in front of the router and the body is dropped on the way
out. Content-Length stays the GET answer's, as RFC 9110 allows.
"""

from __future__ import annotations

from litestar.enums import ScopeType
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send


def answer_head_as_get(app: ASGIApp) -> ASGIApp:
    """Wrap an ASGI app so that HEAD requests are answered as GET without a body."""

    async def handle(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP or scope["method"] != "HEAD":
            await app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        as_get: HTTPScope = {**scope, "method": "GET"}
        await app(as_get, receive, headers_only)

    return handle
