"""Two real Meilisearch replicas behind one API process (PATHWAYS_MEILI_URLS), real signals.

- Under a bounded load (200 searches over 4 clients) one replica is SIGKILLed: no search
  fails, none waits past the timeout plus a margin. A publish while it is down names it
  (exit 2) and goes live on the other; restarted on its own data it is probed back, and the
  next publish gives both replicas the same new index.
- A publish killed on one replica between its staging and its swap: every replica still
  serves a complete index (the new one, or its previous one whole), and the next run repairs.
- A new replica is made from a dump of a healthy one (`POST /dumps`, then
  `--import-dump`, docs/scaling.md): same documents, and the same search key opens it.
"""

from __future__ import annotations

import io
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Final

import httpx
import meilisearch
import pytest

from indexer.__main__ import build_documents
from indexer.__main__ import main as indexer_main
from indexer.publish import publish_replicas, replica_admins
from indexer.report import RunReport
from meili_local.server import ManagedMeilisearch
from service.search.keys import ensure_search_key
from service.search.meili import MeiliAdmin
from service.settings import replica_label
from tests.integration.conftest import private_server
from tests.integration.served import ServedApi, api_env, served_api
from tests.integration.test_indexer import ATLANTA, HELPLINES, SEED, index_snapshot, make_sources

INDEX: Final = "resources"
TIMEOUT_S: Final = 1.0
# The API's own work on a 2-core machine shared with the load and two Meilisearch servers.
MARGIN_S: Final = 1.0
SEARCHES: Final = (
    "/v1/search?kind=helpline",
    "/v1/search?q=meeting&near=30303&radius_km=20",
    "/v1/search?attendance=online&open_now=true",
    "/v1/search?q=speaker&near=30303",
    "/v1/search?kind=meeting&per_page=5&page=2",
)
LOAD_SEARCHES: Final = 200
LOAD_CLIENTS: Final = 4


class Replica:
    """One test replica: its server and the folder of its data."""

    def __init__(self, server: ManagedMeilisearch, folder: Path) -> None:
        self.server = server
        self.folder = folder

    def kill(self) -> None:
        """SIGKILL, then reap it: no graceful shutdown."""
        pid = self.server.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        self.server.stop()


def index_with(urls: str, key: str, sources: Path) -> tuple[int, str]:
    """Run the indexer CLI against the replicas of a comma-separated URL list."""
    out = io.StringIO()
    code = indexer_main(
        [
            "index",
            *("--sources", str(sources), "--index", INDEX, "--meili-url", urls),
            f"--meili-key={key}",
            "--no-progress",
        ],
        out=out,
    )
    return code, out.getvalue()


@pytest.fixture(scope="module")
def pair(
    meili_server: ManagedMeilisearch, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[list[Replica]]:
    """Two replicas of the same real index (helplines and Atlanta meetings from seed_data),
    shared by the tests here (each leaves both running and equal), for the time they take."""
    root = tmp_path_factory.mktemp("replicas")
    replicas = []
    for name in ("a", "b"):
        folder = root / name
        server = private_server(meili_server, folder)
        server.start()
        replicas.append(Replica(server, folder))
    try:
        sources = make_sources(
            root,
            (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json"),
            (ATLANTA, SEED / "meeting_guide" / "atlanta.json", "atlanta.json"),
        )
        code, output = index_with(urls_of(replicas), meili_server.master_key, sources)
        assert code == 0, output
        # Made before any dump, as a deployment makes it: a replica made from one has it.
        for replica in replicas:
            ensure_search_key(replica.server.url, meili_server.master_key, INDEX)
        yield replicas
    finally:
        for replica in replicas:
            replica.server.stop()


@pytest.fixture(autouse=True)
def running(pair: list[Replica]) -> None:
    """A test that failed half-way must not leave the next one a replica down."""
    for replica in pair:
        if replica.server.pid is None:
            replica.server.start()


def urls_of(replicas: list[Replica]) -> str:
    return ",".join(r.server.url for r in replicas)


@pytest.fixture
def api(pair: list[Replica], tmp_path: Path) -> Iterator[ServedApi]:
    first = pair[0].server
    # One master key, one key uid: the same search key on every replica.
    keys = {ensure_search_key(r.server.url, first.master_key, INDEX) for r in pair}
    assert len(keys) == 1
    env = api_env(
        first,
        INDEX,
        PATHWAYS_MEILI_URLS=urls_of(pair),
        PATHWAYS_SEARCH_TIMEOUT_S=str(TIMEOUT_S),
        PATHWAYS_RATE_LIMIT_PER_MIN="0",
    )
    with served_api(env, log_path=tmp_path / "api.log") as served:
        yield served


def bounded_load(
    base_url: str, *, on_answer: threading.Event, after: int
) -> list[tuple[int, float]]:
    """LOAD_SEARCHES searches over LOAD_CLIENTS clients; `on_answer` is set after `after`."""
    answers: list[tuple[int, float]] = []
    lock = threading.Lock()
    counter = iter(range(LOAD_SEARCHES))

    def run() -> None:
        with httpx.Client(base_url=base_url, timeout=30) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                started = time.monotonic()
                try:
                    status = client.get(SEARCHES[i % len(SEARCHES)]).status_code
                except httpx.HTTPError:
                    status = 0
                with lock:
                    answers.append((status, time.monotonic() - started))
                    if len(answers) >= after:
                        on_answer.set()

    threads = [threading.Thread(target=run) for _ in range(LOAD_CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def wait_for_replicas(client: httpx.Client, *, up: int, timeout_s: float = 15) -> None:
    """Until /healthz lists `up` replicas up."""
    deadline = time.monotonic() + timeout_s
    while True:
        health = client.get("/healthz").json()
        if sum(r["up"] for r in health["replicas"]) == up:
            return
        assert time.monotonic() < deadline, health
        time.sleep(0.1)


def test_a_replica_killed_under_load_fails_no_search_and_catches_up(
    pair: list[Replica], api: ServedApi, meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    dying, other = pair
    with httpx.Client(base_url=api.url, timeout=30) as client:
        for path in SEARCHES:
            assert client.get(path).status_code == 200, path
        health = client.get("/healthz").json()
        # Where each replica is, never its key.
        assert [r["replica"] for r in health["replicas"]] == [
            replica_label(r.server.url) for r in pair
        ]
        answered = threading.Event()

        def kill_when_answered() -> None:
            answered.wait(60)
            dying.kill()

        killer = threading.Thread(target=kill_when_answered)
        killer.start()
        answers = bounded_load(api.url, on_answer=answered, after=LOAD_SEARCHES // 4)
        killer.join()
        assert len(answers) == LOAD_SEARCHES
        assert [s for s, _t in answers if s != 200] == []
        assert max(t for _s, t in answers) < TIMEOUT_S + MARGIN_S
        assert client.get("/readyz").status_code == 200
        wait_for_replicas(client, up=1)
        # Searches did reach the killed replica and went over to the other.
        assert f"replica {replica_label(dying.server.url)} unavailable" in api.log_text()

        # A publish with a replica down goes live where it can and names the one it missed.
        sources = make_sources(
            tmp_path,
            (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json"),
        )
        code, output = index_with(urls_of(pair), meili_server.master_key, sources)
        assert code == 2, output
        assert f"replica {replica_label(dying.server.url)}" in output
        assert f"replica {replica_label(other.server.url)}" not in output
        published = index_snapshot(other.server, INDEX)

        dying.server.start()  # its own data, the same port
        assert index_snapshot(dying.server, INDEX) != published
        wait_for_replicas(client, up=2)
        code, output = index_with(urls_of(pair), meili_server.master_key, sources)
        assert code == 0, output
        assert index_snapshot(dying.server, INDEX) == index_snapshot(other.server, INDEX)
        assert index_snapshot(other.server, INDEX) == published
        for path in SEARCHES:
            assert client.get(path).status_code == 200, path
    assert "Traceback" not in api.log_text()


def test_a_publish_killed_on_one_replica_leaves_every_replica_whole(
    pair: list[Replica], meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    before = [index_snapshot(r.server, INDEX) for r in pair]
    assert before[0] == before[1]
    # The new version: the Atlanta meetings alone, built by the indexer's own steps.
    sources = make_sources(
        tmp_path, (ATLANTA, SEED / "meeting_guide" / "atlanta.json", "atlanta.json")
    )
    documents = build_documents(sources, RunReport(), progress=False)
    assert documents

    def kill_second(replica: int, _count: int) -> None:
        # After the second replica's staging is filled, before its swap.
        if replica == 1:
            pair[1].kill()

    admins = replica_admins(urls_of(pair), meili_server.master_key)
    failures = publish_replicas(admins, documents, index=INDEX, on_batch=kill_second)
    assert [f.replica for f in failures] == [replica_label(pair[1].server.url)]
    new = index_snapshot(pair[0].server, INDEX)
    assert new[0] == len(documents)
    assert new != before[0]
    pair[1].server.start()
    # The killed replica serves its previous index whole, not a half-published one.
    assert index_snapshot(pair[1].server, INDEX) == before[1]
    assert publish_replicas(admins, documents, index=INDEX) == []
    assert index_snapshot(pair[1].server, INDEX) == index_snapshot(pair[0].server, INDEX)


def test_a_new_replica_from_a_dump_of_a_healthy_one(
    pair: list[Replica], meili_server: ManagedMeilisearch, tmp_path: Path
) -> None:
    healthy = pair[0].server
    admin = MeiliAdmin(url=healthy.url, api_key=meili_server.master_key)
    info = meilisearch.Client(healthy.url, meili_server.master_key).create_dump()
    task = admin.wait(info.task_uid)
    dumps = list((pair[0].folder / "dumps").glob("*.dump"))
    assert len(dumps) == 1, task
    folder = tmp_path / "c"
    fresh = private_server(meili_server, folder)
    fresh.extra_args = ("--import-dump", str(dumps[0]))
    fresh.start()
    try:
        assert index_snapshot(fresh, INDEX) == index_snapshot(healthy, INDEX)
        key = ensure_search_key(healthy.url, meili_server.master_key, INDEX)
        response = httpx.post(
            f"{fresh.url}/indexes/{INDEX}/search",
            json={"q": "", "limit": 1},
            headers={"Authorization": f"Bearer {key}"},
        )
        assert response.status_code == 200
        assert response.json()["hits"]
    finally:
        fresh.stop()
