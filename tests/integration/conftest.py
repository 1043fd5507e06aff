"""The real app over an index built from the real seed data by the real indexer."""

from __future__ import annotations

import io
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from litestar import Litestar
from litestar.testing import TestClient

from indexer.__main__ import main as indexer_main
from meili_local.server import ManagedMeilisearch, free_port
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.settings import PROJECT_ROOT, Settings

SEED_SOURCES = PROJECT_ROOT / "seed_data" / "sources.toml"


class IndexedSeed:
    """The name of an index holding all of seed_data, and what the indexer printed."""

    def __init__(self, name: str, output: str, exit_code: int) -> None:
        self.name = name
        self.output = output
        self.exit_code = exit_code


def run_indexer(server: ManagedMeilisearch, index: str, sources: Path) -> tuple[int, str]:
    """Run the indexer CLI in-process against the test server; returns (exit code, output)."""
    out = io.StringIO()
    code = indexer_main(
        [
            "index",
            "--sources",
            str(sources),
            "--index",
            index,
            "--meili-url",
            server.url,
            # One token: a random key may start with "-", which argparse takes for an option.
            f"--meili-key={server.master_key}",
            "--no-progress",
            "--max-shown",
            "1000000",
        ],
        out=out,
    )
    return code, out.getvalue()


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


@pytest.fixture(scope="session")
def seed_index(meili_server: ManagedMeilisearch) -> IndexedSeed:
    name = f"seed_{uuid.uuid4().hex[:8]}"
    code, output = run_indexer(meili_server, name, SEED_SOURCES)
    return IndexedSeed(name, output, code)


def private_server(shared: ManagedMeilisearch, folder: Path) -> ManagedMeilisearch:
    """A Meilisearch of the test's own (the session server's binary and key, its own data and
    port), not yet started: for tests that stop, kill or freeze it."""
    return ManagedMeilisearch(
        binary=shared.binary,
        db_path=folder / "meili",
        master_key=shared.master_key,
        log_path=folder / "meili.log",
        port=free_port(),
    )


def settings_for(server: ManagedMeilisearch, index: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "meili_url": server.url,
        "meili_api_key": server.master_key,
        "index_name": index,
        # One test client is one address making thousands of requests: no per-client limit.
        "client_rate_limit_per_min": 0,
    }
    values.update(overrides)
    return Settings(**values)  # type: ignore[arg-type]


@pytest.fixture(scope="session")
def client(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> Iterator[TestClient[Litestar]]:
    app = create_app(settings_for(meili_server, seed_index.name), gazetteer=gazetteer)
    with TestClient(app) as test_client:
        yield test_client


def wait_for_hsds_ids(client: TestClient[Litestar], hsds_id: str, *, timeout_s: float = 60) -> None:
    """Wait until `client`'s app has built its map of HSDS ids (service/api/hsds.py).

    Building it reads every document id, which takes longer than the search timeout on a
    busy machine: the first look-ups may answer 503 until it is done, then never again.
    """
    deadline = time.monotonic() + timeout_s
    while client.get(f"/hsds/services/{hsds_id}").status_code == 503:
        assert time.monotonic() < deadline, "the HSDS id map was never built"
        time.sleep(0.2)
