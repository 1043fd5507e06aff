"""Session fixtures shared by every test: the real Meilisearch, on a free loopback port."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from meili_local import (
    ManagedMeilisearch,
    MeiliBinaryError,
    MeiliServerError,
    binary_cache_dir,
    find_or_install_binary,
)
from tests.postgres_server import ManagedPostgres, PostgresUnavailableError


@pytest.fixture(scope="session")
def meili_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ManagedMeilisearch]:
    """A real Meilisearch with a temporary data dir, stopped by its PID after the session."""
    try:
        # The same cache `make test` fills with `python -m meili_local ensure`.
        binary = find_or_install_binary(cache_dir=binary_cache_dir(os.environ), env=os.environ)
    except MeiliBinaryError as exc:
        pytest.fail(f"These tests need a real Meilisearch.\n{exc}", pytrace=False)
    root = tmp_path_factory.mktemp("meili")
    server = ManagedMeilisearch(
        binary=binary,
        db_path=root / "data",
        master_key=secrets.token_urlsafe(32),
        log_path=root / "meilisearch.log",
    )
    try:
        server.start()
    except MeiliServerError as exc:
        pytest.fail(f"Meilisearch would not start.\n{exc}", pytrace=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[ManagedPostgres]:
    """A real PostgreSQL of the session's own; the storage tests skip only if it cannot run."""
    try:
        server = ManagedPostgres()
        server.init()
        server.start()
    except PostgresUnavailableError as exc:
        pytest.skip(f"PostgreSQL cannot run here: {exc}")
    try:
        yield server
    finally:
        server.stop()
        server.remove()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database on each engine: a SQLite file, or a new PostgreSQL database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pathways.sqlite3'}"
    server: ManagedPostgres = request.getfixturevalue("postgres_server")
    return server.new_database()
