"""Meilisearch down: a fast 503 with a clear body, and recovery without a restart."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from tests.integration.conftest import private_server, run_indexer, settings_for
from tests.integration.test_indexer import HELPLINES, SEED, make_sources
from tests.problem import assert_problem


def stop_by(server: ManagedMeilisearch, how: str) -> None:
    """Stop the server as a crash (SIGKILL) or as an operator would (SIGTERM, then wait)."""
    if how == "sigkill" and server.pid is not None:
        os.kill(server.pid, signal.SIGKILL)
    server.stop()  # reaps a killed process, or sends SIGTERM and waits


# Also a crash (SIGKILL) of the real server; tests/integration/test_outages.py has
# the frozen server (SIGSTOP), load during the kill, and the data after a restart.
@pytest.mark.parametrize("how", ["sigterm", "sigkill"])
def test_search_is_503_when_meilisearch_is_down_and_recovers(
    meili_server: ManagedMeilisearch, tmp_path: Path, gazetteer: Gazetteer, how: str
) -> None:
    server = private_server(meili_server, tmp_path)
    server.start()
    try:
        sources = make_sources(
            tmp_path, (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json")
        )
        assert run_indexer(server, "resources", sources)[0] == 0
        settings = settings_for(server, "resources", search_timeout_s=1.0)
        with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
            assert client.get("/v1/search?kind=helpline").status_code == 200
            stop_by(server, how)

            started = time.monotonic()
            response = client.get("/v1/search?kind=helpline&q=crisis")
            assert time.monotonic() - started < 3.0
            body = assert_problem(response, 503)
            assert response.headers["retry-after"].isdigit()
            assert "unavailable" in body["title"].lower()
            assert_problem(client.get("/readyz"), 503)
            assert client.get("/healthz").status_code == 200

            server.start()
            response = client.get("/v1/search?kind=helpline")
            assert response.status_code == 200
            assert response.json()["total"] >= 3
            assert client.get("/readyz").status_code == 200
    finally:
        server.stop()
