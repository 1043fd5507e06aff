"""Outages with real processes and real signals: the API (uvicorn, its own process) keeps
answering while its Meilisearch is killed, frozen and restarted, and nothing is lost.

- SIGKILL while requests are in flight: every answer is a 200 or a 503 problem with
  Retry-After, none waits longer than the search timeout allows; /readyz says not ready;
  started again on the same data, the index is whole (same count and checksum) and the API
  serves again by itself.
- SIGSTOP (the port still accepts connections, nothing answers), under load: every answer
  is a 200 or a 503 within the search timeout plus a small margin (the longest, not the
  median), also the requests Meilisearch answers 408 when it resumes; then it serves again.
- SIGTERM and a start on the same data: nothing lost, and the search key still works.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import pytest

from meili_local.server import ManagedMeilisearch
from tests.integration.conftest import private_server, run_indexer
from tests.integration.served import ServedApi, api_env, served_api
from tests.integration.test_indexer import ATLANTA, HELPLINES, SEED, index_snapshot, make_sources
from tests.problem import assert_problem

INDEX: Final = "resources"
TIMEOUT_S: Final = 1.0
# Every request has one deadline for all it asks Meilisearch (service/search/deadline.py);
# the margin is the API's own work on a 2-core machine shared with the load generator.
MARGIN_S: Final = 1.0
ANSWER_BOUND_S: Final = TIMEOUT_S + MARGIN_S
SEARCHES: Final = (
    "/v1/search?kind=helpline",
    "/v1/search?q=meeting&near=30303&radius_km=20",
    "/v1/search?attendance=online&open_now=true",
    "/hsds/services?per_page=5",
    "/v1/feeds/meeting-guide.json?near=30303",
)


@pytest.fixture
def meili(meili_server: ManagedMeilisearch, tmp_path: Path) -> Iterator[ManagedMeilisearch]:
    """Our own Meilisearch on a fixed port, with a small real index, to kill as we please."""
    server = private_server(meili_server, tmp_path)
    server.start()
    try:
        sources = make_sources(
            tmp_path,
            (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json"),
            (ATLANTA, SEED / "meeting_guide" / "atlanta.json", "atlanta.json"),
        )
        code, output = run_indexer(server, INDEX, sources)
        assert code == 0, output
        yield server
    finally:
        pid = server.pid
        if pid is not None:
            # A test that froze it must not leave it frozen for stop().
            os.kill(pid, signal.SIGCONT)
        server.stop()


@pytest.fixture
def api(meili: ManagedMeilisearch, tmp_path: Path) -> Iterator[ServedApi]:
    env = api_env(
        meili,
        INDEX,
        PATHWAYS_SEARCH_TIMEOUT_S=str(TIMEOUT_S),
        # The feed among SEARCHES is a bulk answer, with a budget of its own.
        PATHWAYS_EXPORT_TIMEOUT_S=str(TIMEOUT_S),
        PATHWAYS_RATE_LIMIT_PER_MIN="0",
    )
    with served_api(env, log_path=tmp_path / "api.log") as served:
        yield served


def timed_get(client: httpx.Client, path: str) -> tuple[httpx.Response, float]:
    """A GET and how long it took."""
    started = time.monotonic()
    response = client.get(path)
    return response, time.monotonic() - started


def assert_unavailable(client: httpx.Client) -> None:
    """Every search is a prompt 503 problem with Retry-After; the API itself is alive."""
    for path in SEARCHES:
        response, seconds = timed_get(client, path)
        body = assert_problem(response, 503)
        assert "unavailable" in body["title"].lower()
        assert response.headers["retry-after"].isdigit()
        assert seconds < ANSWER_BOUND_S, (path, seconds)
    assert_problem(client.get("/readyz"), 503)
    assert client.get("/healthz").status_code == 200


def assert_serving(client: httpx.Client) -> None:
    """Searches answer again, without restarting the API."""
    for path in SEARCHES:
        assert client.get(path).status_code == 200, path
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["documents"] > 0


class Load:
    """Searches sent over and over from other threads while the test does its worst."""

    def __init__(self, base_url: str, threads: int = 4) -> None:
        self.base_url = base_url
        self.stop = threading.Event()
        self.answers: list[tuple[int, float, str]] = []
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def _run(self, offset: int) -> None:
        with httpx.Client(base_url=self.base_url, timeout=30) as client:
            i = offset
            while not self.stop.is_set():
                path = SEARCHES[i % len(SEARCHES)]
                i += 1
                try:
                    response, seconds = timed_get(client, path)
                except httpx.HTTPError as exc:
                    with self._lock:
                        self.errors.append(f"{path}: {type(exc).__name__}")
                    continue
                with self._lock:
                    self.answers.append((response.status_code, seconds, path))

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=60)


def test_meilisearch_killed_mid_load_then_restarted_on_its_data(
    meili: ManagedMeilisearch, api: ServedApi
) -> None:
    before = index_snapshot(meili, INDEX)
    with httpx.Client(base_url=api.url, timeout=30) as client:
        assert_serving(client)
        with Load(api.url) as load:
            deadline = time.monotonic() + 30
            while len(load.answers) < 20 and time.monotonic() < deadline:
                time.sleep(0.05)
            pid = meili.pid
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            meili.stop()  # reaps the killed process
            assert_unavailable(client)
            meili.start()  # the same port, the same data
            assert_serving(client)
        assert index_snapshot(meili, INDEX) == before
    statuses = {status for status, _s, _p in load.answers}
    assert statuses <= {200, 503}, load.answers
    assert 503 in statuses
    assert max(seconds for _st, seconds, _p in load.answers) < ANSWER_BOUND_S
    assert load.errors == []
    assert "Traceback" not in api.log_text()


def test_meilisearch_that_accepts_but_never_answers(
    meili: ManagedMeilisearch, api: ServedApi
) -> None:
    pid = meili.pid
    assert pid is not None
    with httpx.Client(base_url=api.url, timeout=30) as client:
        assert_serving(client)
        os.kill(pid, signal.SIGSTOP)
        try:
            # The port still accepts connections: only the read timeout can answer.
            with httpx.Client(timeout=1.0) as probe, pytest.raises(httpx.ReadTimeout):
                probe.get(f"{meili.url}/health")
            assert_unavailable(client)
        finally:
            os.kill(pid, signal.SIGCONT)
        assert_serving(client)


def test_meilisearch_restarted_gracefully_loses_nothing(
    meili: ManagedMeilisearch, api: ServedApi
) -> None:
    before = index_snapshot(meili, INDEX)
    with httpx.Client(base_url=api.url, timeout=30) as client:
        meili.stop()  # SIGTERM, and wait
        assert_unavailable(client)
        meili.start()
        # The same documents, and the API's search key survived the restart too.
        assert index_snapshot(meili, INDEX) == before
        assert_serving(client)


def test_a_frozen_meilisearch_under_load_never_holds_a_request_past_the_timeout(
    meili: ManagedMeilisearch, api: ServedApi
) -> None:
    pid = meili.pid
    assert pid is not None
    with httpx.Client(base_url=api.url, timeout=30) as client:
        assert_serving(client)
        with Load(api.url, threads=6) as load:
            time.sleep(1.0)
            os.kill(pid, signal.SIGSTOP)
            try:
                time.sleep(6.0)
            finally:
                # Requests that waited are answered 408 by Meilisearch as it resumes.
                os.kill(pid, signal.SIGCONT)
            time.sleep(2.0)
        assert_serving(client)
    statuses = [status for status, _s, _p in load.answers]
    assert set(statuses) <= {200, 503}, sorted(set(statuses))
    assert statuses.count(503) >= 6
    slowest = max(seconds for _st, seconds, _p in load.answers)
    assert slowest < ANSWER_BOUND_S, slowest
    assert load.errors == []
    log = api.log_text()
    assert "Traceback" not in log, log[log.find("Traceback") - 600 :][:4000]
    # One line as the outage starts and one as it ends, not one per refused request (a 408
    # answered after the first success may start and end one more).
    assert 1 <= log.count("Meilisearch unavailable") <= 2, log[-3000:]
    assert log.count("Meilisearch available again") == log.count("Meilisearch unavailable")
    assert len(log.splitlines()) < 40
