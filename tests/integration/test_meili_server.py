"""The managed Meilisearch: it answers, it is protected by its key, it stops by its PID."""

from __future__ import annotations

import os
import secrets
import socket
from pathlib import Path

import httpx
import pytest

from meili_local import ManagedMeilisearch, MeiliServerError


def port_is_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def pid_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_session_server_is_available(meili_server: ManagedMeilisearch) -> None:
    response = httpx.get(f"{meili_server.url}/health")
    assert (response.status_code, response.json()) == (200, {"status": "available"})


@pytest.mark.parametrize(
    ("authorization", "expected_status"),
    [(None, 401), ("Bearer not-the-key", 403), ("master", 200)],
)
def test_session_server_requires_its_master_key(
    meili_server: ManagedMeilisearch, authorization: str | None, expected_status: int
) -> None:
    headers = {}
    if authorization == "master":
        headers["Authorization"] = f"Bearer {meili_server.master_key}"
    elif authorization is not None:
        headers["Authorization"] = authorization
    response = httpx.get(f"{meili_server.url}/keys", headers=headers)
    assert response.status_code == expected_status


def test_second_server_stops_by_pid(binary: Path, tmp_path: Path) -> None:
    server = ManagedMeilisearch(
        binary=binary,
        db_path=tmp_path / "data",
        master_key=secrets.token_urlsafe(32),
        log_path=tmp_path / "meilisearch.log",
    )
    with server:
        pid, port = server.pid, server.port
        assert pid is not None
        assert pid_is_alive(pid)
        assert port_is_open(port)
    assert server.pid is None
    assert not pid_is_alive(pid)
    assert not port_is_open(port)
    assert 'Package version:\t"1.21.0"' in (tmp_path / "meilisearch.log").read_text()


def test_taken_port_is_refused_before_starting(
    binary: Path, meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    server = ManagedMeilisearch(
        binary=binary,
        db_path=tmp_path / "data",
        master_key=secrets.token_urlsafe(32),
        log_path=tmp_path / "meilisearch.log",
        port=meili_server.port,
    )
    with pytest.raises(MeiliServerError, match="already in use"):
        server.start()
    assert server.pid is None
    assert port_is_open(meili_server.port)


@pytest.fixture
def binary(meili_server: ManagedMeilisearch) -> Path:
    return meili_server.binary
