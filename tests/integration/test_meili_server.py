"""The managed Meilisearch: it answers, it is protected by its key, it stops by its PID."""

from __future__ import annotations

import logging
import os
import secrets
import signal
import socket
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import httpx
import pytest

from meili_local import ManagedMeilisearch, MeiliServerError, MeiliSupervisor
from meili_local.supervisor import Backoff
from tests.integration.conftest import private_server


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


def is_zombie(pid: int) -> bool:
    """Whether `pid` is a dead child nobody has reaped (state Z in /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except FileNotFoundError:
        return False
    return "\nState:\tZ" in status


def wait_for(condition: Callable[[], bool], timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_a_killed_meilisearch_is_reaped_and_restarted_on_its_port_and_data(
    meili_server: ManagedMeilisearch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="pathways.meili")
    server = private_server(meili_server, tmp_path)
    auth = {"Authorization": f"Bearer {server.master_key}"}
    with MeiliSupervisor(server, backoff=Backoff(initial_s=0.2)) as supervisor:
        url = server.url
        httpx.post(f"{url}/indexes", json={"uid": "kept"}, headers=auth).raise_for_status()
        time.sleep(0.5)
        for crash in range(2):
            pid = server.pid
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            assert wait_for(partial(restarted, supervisor, crash + 1, url), 30)
            assert not is_zombie(pid)
            assert not pid_is_alive(pid)
        assert supervisor.restarts == 2
        assert server.url == url
        assert httpx.get(f"{url}/indexes/kept", headers=auth).status_code == 200
        last = server.pid
    assert last is not None
    assert not pid_is_alive(last)
    lines = [r.getMessage() for r in caplog.records if r.name == "pathways.meili"]
    # One line when it dies and one when it is back, per crash.
    assert len(lines) == 4, lines
    assert "exited with signal 9 (SIGKILL)" in lines[0]
    assert "Meilisearch is back" in lines[1]


def restarted(supervisor: MeiliSupervisor, times: int, url: str) -> bool:
    """Whether the supervisor has restarted Meilisearch `times` times and it answers."""
    return supervisor.restarts == times and server_ok(url)


def server_ok(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
