"""Request size limits: which limit a request passes, and the status that says so."""

from __future__ import annotations

from typing import Any

import pytest

from service.errors import BadParameterError
from service.http.limits import (
    MAX_BODY_BYTES,
    MAX_HEADER_BYTES,
    MAX_QUERY_PARAMS,
    MAX_URL_BYTES,
    MAX_VALUES_PER_KEY,
    query_problem,
    server_cli_flags,
    size_problem,
)


def scope(
    path: str = "/v1/search", query: bytes = b"", headers: list[tuple[bytes, bytes]] | None = None
) -> dict[str, Any]:
    """An ASGI HTTP scope with just what the limits read."""
    return {
        "type": "http",
        "raw_path": path.encode(),
        "query_string": query,
        "headers": headers or [(b"host", b"testserver")],
    }


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        (b"", None),
        (b"kind=meeting&kind=treatment&q=aa", None),
        (b"&".join([b"language=es"] * MAX_VALUES_PER_KEY), None),
        (b"&".join([b"language=es"] * (MAX_VALUES_PER_KEY + 1)), "language"),
        # The key is compared decoded: la%6Eguage is language.
        (b"&".join([b"la%6Eguage=es"] * (MAX_VALUES_PER_KEY + 1)), "language"),
        (b"&".join(b"k%d=1" % i for i in range(MAX_QUERY_PARAMS)), None),
        (b"&".join(b"k%d=1" % i for i in range(MAX_QUERY_PARAMS + 1)), "query"),
        # Empty pairs (a&&b) are not parameters.
        (b"&" * 500 + b"q=x", None),
    ],
)
def test_query_limits(query: bytes, parameter: str | None) -> None:
    problem = query_problem(query)
    if parameter is None:
        assert problem is None
    else:
        assert isinstance(problem, BadParameterError)
        assert problem.status_code == 400
        assert problem.parameter == parameter
        assert parameter in problem.detail


@pytest.mark.parametrize(
    ("request_scope", "status"),
    [
        (scope(), None),
        (scope(query=b"q=" + b"a" * (MAX_URL_BYTES - 20)), None),
        (scope(query=b"q=" + b"a" * MAX_URL_BYTES), 414),
        (scope(path="/v1/resources/" + "a" * MAX_URL_BYTES), 414),
        (scope(headers=[(b"x-big", b"a" * MAX_HEADER_BYTES)]), 431),
        (scope(headers=[(b"content-length", str(MAX_BODY_BYTES).encode())]), None),
        (scope(headers=[(b"content-length", str(MAX_BODY_BYTES + 1).encode())]), 413),
        (scope(query=b"&".join([b"day=mon"] * 30)), 400),
    ],
)
def test_size_limits(request_scope: dict[str, Any], status: int | None) -> None:
    problem = size_problem(request_scope)  # type: ignore[arg-type]
    assert (problem.status_code if problem else None) == status
    if problem is not None:
        assert problem.detail
        assert problem.slug


def test_the_server_flags_match_the_documented_limits() -> None:
    assert server_cli_flags() == [
        "--h11-max-incomplete-event-size=16384",
        "--limit-concurrency=1000",
        "--timeout-keep-alive=5",
        "--no-access-log",
        "--no-proxy-headers",
    ]
