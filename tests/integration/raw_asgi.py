"""Requests sent to the app exactly as written: no client normalises the path or the query.

httpx (under Litestar's TestClient) resolves `.` and `..` segments and re-encodes a query
string; an attacker's client does neither. These helpers call the app's ASGI entry point
with the raw bytes, inside the TestClient's event loop (so the lifespan's clients are used).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_to_bytes

from litestar import Litestar
from litestar.testing import TestClient


class RawAnswer:
    """What the app sent: status, headers (lower-case names) and the whole body."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body


def raw_get(
    client: TestClient[Litestar],
    raw_path: bytes,
    query_string: bytes = b"",
    *,
    method: str = "GET",
    headers: list[tuple[bytes, bytes]] | None = None,
    client_host: str = "127.0.0.1",
) -> RawAnswer:
    """Call the app with this raw path and query string; return what it answered."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": unquote_to_bytes(raw_path).decode("utf-8", errors="replace"),
        "raw_path": raw_path,
        "root_path": "",
        "query_string": query_string,
        "headers": [(b"host", b"testserver"), *(headers or [])],
        "client": (client_host, 50000),
        "server": ("testserver", 80),
        "state": {},
        "extensions": {},
    }
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    client.blocking_portal.call(client.app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    found = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start["headers"]}
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return RawAnswer(start["status"], found, body)
