"""Request limits on a real server: the app's problem answers, and the server's own limits.

The app (service/http/limits.py) answers oversized URLs, headers, bodies and query strings with
problem+json; uvicorn, started with the options the launcher and docker-compose.yml use,
refuses a request head that grows past 16 KiB before it is complete, and more connections
than its concurrency limit, with its own plain-text answers (docs/security.md).
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from meili_local.server import ManagedMeilisearch, free_port
from service.http.limits import MAX_HEAD_BYTES
from service.settings import PROJECT_ROOT
from tests.integration.conftest import IndexedSeed
from tests.integration.served import ServedApi, api_env, served_api
from tests.problem import assert_problem


@pytest.fixture(scope="module")
def api(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ServedApi]:
    env = api_env(meili_server, seed_index.name, PATHWAYS_RATE_LIMIT_PER_MIN="0")
    log = tmp_path_factory.mktemp("limits") / "api.log"
    with served_api(env, log_path=log) as served:
        yield served


def raw_request(url: str, *pieces: bytes) -> bytes:
    """Send a request in pieces (a moment apart, so the server reads them apart)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        for piece in pieces:
            conn.sendall(piece)
            time.sleep(0.2)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    ("path", "headers", "status", "parameter"),
    [
        ("/v1/search?q=" + "a" * 5000, {}, 414, None),
        ("/v1/search?q=" + "a" * 201, {}, 400, "q"),
        ("/v1/search?per_page=51", {}, 400, "per_page"),
        ("/v1/search?page=1001", {}, 400, "page"),
        ("/v1/search?near=19103&radius_km=251", {}, 400, "radius_km"),
        ("/v1/search?" + "&".join(["language=es"] * 21), {}, 400, "language"),
        ("/v1/search?" + "&".join(f"x{i}=1" for i in range(61)), {}, 400, "query"),
        ("/v1/search", {"X-Filler": "a" * 9000}, 431, None),
        ("/v1/search", {f"X-F{i}": "a" * 100 for i in range(90)}, 431, None),
    ],
)
def test_the_app_answers_each_limit_with_a_problem(
    api: ServedApi, path: str, headers: dict[str, str], status: int, parameter: str | None
) -> None:
    response = httpx.get(f"{api.url}{path}", headers=headers, timeout=30)
    assert_problem(response, status, parameter=parameter)


def test_a_declared_body_over_the_limit_is_a_413(api: ServedApi) -> None:
    answer = raw_request(
        api.url,
        b"GET /v1/search HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n"
        b"Connection: close\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 413 ")
    assert b"application/problem+json" in answer


def test_the_server_refuses_a_head_that_keeps_growing(api: ServedApi) -> None:
    answer = raw_request(
        api.url,
        b"GET /v1/search HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (MAX_HEAD_BYTES + 1000),
        b"\r\nConnection: close\r\n\r\n",
    )
    assert answer.startswith(b"HTTP/1.1 400 ")
    assert b"Invalid HTTP request received." in answer
    assert httpx.get(f"{api.url}/healthz").status_code == 200


def test_the_server_refuses_connections_past_its_concurrency_limit(tmp_path: Path) -> None:
    # A server with a concurrency limit of 2 (the deployed one has 1,000) and no backend:
    # two idle connections fill it, the third request gets uvicorn's 503.
    port = free_port()
    command = [
        sys.executable,
        *("-m", "uvicorn", "--factory", "service.app:create_app_from_env"),
        *("--host", "127.0.0.1", "--port", str(port), "--limit-concurrency=2"),
    ]
    env = {"PATHWAYS_MEILI_URL": "http://127.0.0.1:9", "PATH": "/usr/bin:/bin"}
    with (tmp_path / "api.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=log, stderr=log)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                assert httpx.get(f"{url}/healthz").status_code == 200
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
        try:
            time.sleep(0.3)
            response = httpx.get(f"{url}/healthz")
        finally:
            for conn in held:
                conn.close()
        assert response.status_code == 503
        assert response.text == "Service Unavailable"
    finally:
        process.terminate()
        process.wait(timeout=15)


def test_a_forged_forwarded_for_does_not_escape_the_client_limit(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, tmp_path: Path
) -> None:
    """uvicorn trusts X-Forwarded-For from 127.0.0.1 unless told not to (SERVER_OPTIONS)."""
    env = api_env(meili_server, seed_index.name, PATHWAYS_RATE_LIMIT_PER_MIN="5")
    with served_api(env, log_path=tmp_path / "api.log") as served:
        statuses = [
            httpx.get(
                served.url + "/v1/vocabularies",
                headers={"X-Forwarded-For": f"198.51.100.{n}"},
                timeout=10,
            ).status_code
            for n in range(20)
        ]
    assert statuses[:5] == [200] * 5
    # Each forged address would be a new client with 5 of its own; one client is cut off. A
    # minute boundary during the run gives the one client at most 5 more.
    assert set(statuses[5:]) <= {200, 429}
    assert statuses[5:].count(200) <= 5
    assert statuses[5:].count(429) >= 10
