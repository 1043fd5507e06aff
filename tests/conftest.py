"""Session fixtures shared by every test: the real Meilisearch, on a free loopback port."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest

from meili_local import (
    ManagedMeilisearch,
    MeiliBinaryError,
    MeiliServerError,
    binary_cache_dir,
    find_or_install_binary,
)


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
