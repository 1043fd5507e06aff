"""HTML, JSON, CSS and JavaScript are gzip-compressed when the client asks, and only then."""

from __future__ import annotations

import pytest
from litestar import Litestar
from litestar.testing import TestClient

PATHS = [
    "/?near=19103&kind=meeting",
    "/v1/search?near=19103&kind=meeting&per_page=50",
    "/static/pathways.css",
    "/static/pathways.js",
    "/embed/v1/widget.js",
]


@pytest.mark.parametrize("path", PATHS)
def test_compressed_when_asked(client: TestClient[Litestar], path: str) -> None:
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200
    assert "content-encoding" not in plain.headers
    # httpx decodes the body; Content-Length is what went over the wire.
    packed = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in packed.headers["vary"].lower()
    assert packed.content == plain.content
    assert int(packed.headers["content-length"]) < len(plain.content) / 2
