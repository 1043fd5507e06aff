"""One helper that checks the shape of every error response (RFC 9457 problem+json)."""

from __future__ import annotations

from typing import Any

import httpx


def assert_problem(
    response: httpx.Response, status: int, *, parameter: str | None = None
) -> dict[str, Any]:
    """Assert a problem+json body with this status; returns the body for further checks."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("https://")
    assert isinstance(body["title"], str)
    assert body["title"]
    assert isinstance(body["detail"], str)
    assert body["detail"]
    if parameter is not None:
        assert body["parameter"] == parameter
        assert parameter in body["detail"]
    # Never leak upstream internals.
    assert "Traceback" not in response.text
    assert "meilisearch" not in body["detail"].lower() or status == 503
    return body
