"""The API as it runs in production: `uvicorn --factory` in its own process, on a free port.

Tests that need a real server (its own limits, its log output, a client that is not the
test process's ASGI client) start one here, with the server options the launcher and
docker-compose.yml use (service/http/limits.py), and stop it by the PID they started.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx

from meili_local.server import ManagedMeilisearch, free_port
from service.http.limits import server_cli_flags
from service.search.keys import ensure_search_key
from service.settings import PROJECT_ROOT

STARTUP_TIMEOUT_S = 60.0


class ServedApi:
    """A running API process: its base URL and everything it wrote to stdout and stderr."""

    def __init__(self, url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
        self.url = url
        self.process = process
        self.log_path = log_path

    @property
    def pid(self) -> int:
        """The uvicorn process's PID."""
        return self.process.pid

    def log_text(self) -> str:
        """The process's output so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def api_env(server: ManagedMeilisearch, index: str, **extra: str) -> dict[str, str]:
    """Environment of an API process: the search-only key of `index`, never the master key."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PATHWAYS_", "MEILI_"))}
    env |= {
        "PATHWAYS_MEILI_URL": server.url,
        "PATHWAYS_MEILI_SEARCH_KEY": ensure_search_key(server.url, server.master_key, index),
        "PATHWAYS_INDEX": index,
    }
    return env | extra


@contextmanager
def served_api(
    env: Mapping[str, str], *, log_path: Path, host: str = "127.0.0.1"
) -> Iterator[ServedApi]:
    """Start the API with this environment; stop it (SIGTERM, then SIGKILL) on exit."""
    port = free_port()
    command = [
        sys.executable,
        *("-m", "uvicorn", "--factory", "service.app:create_app_from_env"),
        *("--host", host, "--port", str(port)),
        *server_cli_flags(),
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, env=dict(env), cwd=PROJECT_ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    served = ServedApi(f"http://{host}:{port}", process, log_path)
    try:
        _wait_until_up(served)
        yield served
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(served: ServedApi) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if served.process.poll() is not None:
            raise RuntimeError(f"the API exited while starting:\n{served.log_text()[-3000:]}")
        try:
            if httpx.get(f"{served.url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the API did not start in {STARTUP_TIMEOUT_S:g} s")
