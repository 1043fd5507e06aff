"""A failed import leaves the live index as it was, and the next run completes.

- The real indexer CLI, run as its own process on a real corpus big enough to publish in
  several batches (HRSA's 13,500 health center sites), is killed with SIGKILL once it has
  sent documents to its staging index: the live index keeps its document count and checksum,
  and the next run publishes in full and leaves no staging index behind.
- A URL source whose server drops the connection half-way through the body, and a file
  truncated in the middle of a record, fail their source: nothing is published, and the
  next run with the whole source completes.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

import httpx
import pytest

from indexer.publish import staging_name
from meili_local.server import ManagedMeilisearch
from service.settings import PROJECT_ROOT
from tests.httpserve import serve_folder
from tests.integration.conftest import run_indexer
from tests.integration.test_indexer import ATLANTA, HELPLINES, SEED, index_snapshot, make_sources

# Large enough to take several seconds and three 5,000-document batches to publish.
BIG_SOURCE: Final = "hrsa-fqhc"
ATLANTA_FEED: Final = SEED / "meeting_guide" / "atlanta.json"
WAIT_S: Final = 120.0


def seed_subset(directory: Path, source_id: str) -> Path:
    """A sources file holding one source of seed_data/sources.toml, its path made absolute."""
    text = (SEED / "sources.toml").read_text(encoding="utf-8")
    blocks = [b for b in text.split("[[source]]")[1:] if f'id = "{source_id}"\n' in b]
    assert len(blocks) == 1, source_id
    block = blocks[0].replace('path = "', f'path = "{SEED.as_posix()}/')
    path = directory / "sources.toml"
    path.write_text("[[source]]" + block, encoding="utf-8")
    return path


def admin(server: ManagedMeilisearch) -> httpx.Client:
    """A client with the master key."""
    headers = {"Authorization": f"Bearer {server.master_key}"}
    return httpx.Client(base_url=server.url, headers=headers, timeout=30)


def indexer_command(server: ManagedMeilisearch, index: str, sources: Path) -> list[str]:
    """The real CLI, as an operator runs it."""
    return [
        sys.executable,
        *("-m", "indexer", "index", "--sources", str(sources), "--index", index),
        *("--meili-url", server.url, "--no-progress"),
    ]


def indexer_env(server: ManagedMeilisearch) -> dict[str, str]:
    """The key goes in the environment, as docker-compose.yml does it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PATHWAYS_")}
    return env | {"PATHWAYS_MEILI_KEY": server.master_key}


def wait_for_idle(client: httpx.Client, index: str) -> None:
    """Until Meilisearch has no task left to run for the index or its staging index."""
    deadline = time.monotonic() + WAIT_S
    query = {"statuses": "enqueued,processing", "indexUids": f"{index},{staging_name(index)}"}
    while client.get("/tasks", params=query).json()["results"]:
        assert time.monotonic() < deadline, "Meilisearch did not finish its tasks"
        time.sleep(0.1)


def sending(client: httpx.Client, index: str, *, after: int) -> bool:
    """Whether documents have been sent to the staging index since task `after`."""
    query = {"indexUids": staging_name(index), "types": "documentAdditionOrUpdate"}
    tasks = client.get("/tasks", params=query).json()["results"]
    return any(task["uid"] > after for task in tasks)


def staged(client: httpx.Client, index: str) -> int:
    """Documents in the staging index so far (0 when there is none yet)."""
    response = client.get(f"/indexes/{staging_name(index)}/stats")
    return int(response.json()["numberOfDocuments"]) if response.status_code == 200 else 0


def live_index(server: ManagedMeilisearch, tmp_path: Path) -> tuple[str, tuple[int, str]]:
    """A live index of real helplines and Atlanta meetings, and its snapshot."""
    index = f"live_{uuid.uuid4().hex[:8]}"
    sources = make_sources(
        tmp_path / "first",
        (HELPLINES, SEED / "pathways" / "helplines.json", "helplines.json"),
        (ATLANTA, ATLANTA_FEED, "atlanta.json"),
    )
    assert run_indexer(server, index, sources)[0] == 0
    return index, index_snapshot(server, index)


@pytest.fixture
def first(tmp_path: Path) -> Path:
    (tmp_path / "first").mkdir()
    return tmp_path


def test_indexer_killed_mid_publish(meili_server: ManagedMeilisearch, first: Path) -> None:
    index, before = live_index(meili_server, first)
    sources = seed_subset(first, BIG_SOURCE)
    started = time.monotonic()
    with admin(meili_server) as client:
        last_task = client.get("/tasks", params={"limit": 1}).json()["results"][0]["uid"]
        process = subprocess.Popen(
            indexer_command(meili_server, index, sources),
            env=indexer_env(meili_server),
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            # Publishing: documents are on their way into the staging index; no swap yet.
            while not sending(client, index, after=last_task):
                assert process.poll() is None, process.communicate()[0].decode()
                assert time.monotonic() - started < WAIT_S
                time.sleep(0.02)
            process.kill()
        finally:
            process.kill()
            output = process.communicate()[0].decode()
        assert process.returncode == -9, output
        assert "published" not in output
        wait_for_idle(client, index)
        # Its documents reached the staging index; the swap never came.
        assert staged(client, index) > 0
        # Killed before the swap: no swap was ever asked for, the live index is untouched.
        swaps = client.get("/tasks", params={"types": "indexSwap"}).json()["results"]
        assert not [s for s in swaps if s["uid"] > last_task and index in str(s["details"])]
        assert index_snapshot(meili_server, index) == before

        finished = subprocess.run(
            indexer_command(meili_server, index, sources),
            env=indexer_env(meili_server),
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert finished.returncode == 0, finished.stdout + finished.stderr
        count, _digest = index_snapshot(meili_server, index)
        assert f"published {count} documents to index '{index}'" in finished.stdout
        assert count > 10_000
        # The half-built staging index of the killed run was dropped, not published.
        assert client.get(f"/indexes/{staging_name(index)}").status_code == 404


@contextmanager
def cut_short_server(body: bytes) -> Iterator[str]:
    """An HTTP server that promises the whole body, sends half of it, and hangs up."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _addr = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.recv(65536)
                head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                head += f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
                conn.sendall(head.encode() + body[: len(body) // 2])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        stop.set()
        thread.join()
        listener.close()


def url_source(base: str) -> str:
    """The Atlanta feed's entry with a `url` instead of a `path`."""
    return ATLANTA.replace('path = "atlanta.json"', f'url = "{base}/atlanta.json"')


def test_a_url_source_cut_off_mid_body(meili_server: ManagedMeilisearch, first: Path) -> None:
    index, before = live_index(meili_server, first)
    sources = first / "sources.toml"
    with cut_short_server(ATLANTA_FEED.read_bytes()) as base:
        sources.write_text(url_source(base), encoding="utf-8")
        code, output = run_indexer(meili_server, index, sources)
    assert code == 1, output
    assert "atlanta.json" in output
    assert "nothing published" in output
    assert index_snapshot(meili_server, index) == before
    # The publisher's server is back: the next run completes.
    served = first / "served"
    served.mkdir()
    (served / "atlanta.json").write_bytes(ATLANTA_FEED.read_bytes())
    with serve_folder(served) as base:
        sources.write_text(url_source(base), encoding="utf-8")
        code, output = run_indexer(meili_server, index, sources)
    assert code == 0, output
    assert index_snapshot(meili_server, index) != before


def test_a_file_truncated_mid_record(meili_server: ManagedMeilisearch, first: Path) -> None:
    index, before = live_index(meili_server, first)
    whole = ATLANTA_FEED.read_bytes()
    cut = whole.index(b"},", len(whole) // 2) - 5  # inside a record, not between two
    (first / "atlanta.json").write_bytes(whole[:cut])
    sources = first / "sources.toml"
    sources.write_text(ATLANTA, encoding="utf-8")
    code, output = run_indexer(meili_server, index, sources)
    assert code == 1, output
    assert "atlanta.json" in output
    assert index_snapshot(meili_server, index) == before
    (first / "atlanta.json").write_bytes(whole)
    code, output = run_indexer(meili_server, index, sources)
    assert code == 0, output
    count, _digest = index_snapshot(meili_server, index)
    assert f"published {count} documents" in output
