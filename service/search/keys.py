"""The API's search-only Meilisearch key, made from the master key by whoever holds that.

The API reads the index and nothing else, so it gets a key that can do only that, on its
index only: `search` (searches, facets and multi-search), `documents.get` (one resource, the
feed and HSDS pages, the readiness count) and `indexes.get` (the index's `updatedAt`, which
the feed's ETag and the HSDS id map use). It cannot add, change or delete documents,
settings, indexes, keys or tasks. The key has a fixed uid per index, so making it again
gives the same key (Meilisearch derives a key's value from its uid and the master key).

`python -m service.search.keys --out FILE` writes the key to a file (mode 0600) for a
deployment where the API must never see the master key (docker-compose.yml).
"""

from __future__ import annotations

import argparse
import os
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Final

import msgspec

from service.search.meili import (
    KEY_REFUSED,
    MeiliAdmin,
    SearchQueryError,
    SearchUnavailableError,
)
from service.settings import DEFAULT_INDEX, Settings, SettingsError, meili_admin_key, meili_urls

SEARCH_ACTIONS: Final[tuple[str, ...]] = ("search", "documents.get", "indexes.get")
# Any fixed namespace works; this one keeps Pathways' key uids apart from others'.
_KEY_NAMESPACE: Final = uuid.UUID("3f1c8a52-9d0e-4f3e-9a57-5c1b2e7d4a10")


class MeiliKeyError(RuntimeError):
    """The search key could not be made or read; the message says why."""


def search_key_uid(index: str) -> str:
    """The fixed uid of the search key of one index."""
    return str(uuid.uuid5(_KEY_NAMESPACE, f"pathways-search:{index}"))


def ensure_search_key(url: str, admin_key: str, index: str, *, timeout_s: float = 10.0) -> str:
    """The search-only key of `index`, created with `admin_key` when missing or different."""
    uid = search_key_uid(index)
    admin = MeiliAdmin(url=url, api_key=admin_key, timeout_s=timeout_s)
    doing = "read the search key"
    try:
        existing = admin.get_key(uid)
        if existing is not None:
            if existing.actions == SEARCH_ACTIONS and existing.indexes == (index,):
                return existing.key
            # Made by an older version with other rights: replace it (same uid, same value).
            doing = "delete the outdated search key"
            admin.delete_key(uid)
        doing = "create the search key"
        return admin.create_key(_key_body(uid, index)).key
    except SearchUnavailableError as exc:
        raise MeiliKeyError(f"cannot reach Meilisearch at {url} ({exc})") from exc
    except SearchQueryError as exc:
        hint = (
            ": the key given is not the master key (or an admin key with `keys.*` rights)"
            if exc.code in KEY_REFUSED
            else ""
        )
        # Never the answer's message or the key: only Meilisearch's error code.
        raise MeiliKeyError(f"cannot {doing}: Meilisearch answered {exc.code}{hint}") from exc


def with_search_key(settings: Settings, admin_key: str) -> Settings:
    """Settings whose API key is the search-only key: as configured, else made from admin_key."""
    if settings.meili_api_key or not admin_key:
        return settings
    key = replicas_search_key(settings.replica_urls, admin_key, settings.index_name)
    return msgspec.structs.replace(settings, meili_api_key=key)


def replicas_search_key(urls: Sequence[str], admin_key: str, index: str) -> str:
    """The search key made on every replica that answers (one value: same uid, same master key).

    A replica down now is skipped: the API takes it up when it answers with that key.
    """
    keys: set[str] = set()
    failure: MeiliKeyError | None = None
    for url in urls:
        try:
            keys.add(ensure_search_key(url, admin_key, index))
        except MeiliKeyError as exc:
            failure = failure or exc
    if not keys:
        raise failure or MeiliKeyError("no Meilisearch URL is configured")
    if len(keys) > 1:
        raise MeiliKeyError(
            "the Meilisearch replicas gave different search keys: they must share one master key"
        )
    return keys.pop()


def _key_body(uid: str, index: str) -> dict[str, object]:
    return {
        "uid": uid,
        "name": f"pathways-search-{index}",
        "description": "Pathways API: read-only search of one index (service/search/keys.py)",
        "actions": list(SEARCH_ACTIONS),
        "indexes": [index],
        "expiresAt": None,
    }


def write_key_file(path: Path, key: str) -> None:
    """Write the key to `path`, readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as stream:
        stream.write(key + "\n")
    temporary.replace(path)


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m service.search.keys --out FILE`: write the search key made from the master key."""
    parser = argparse.ArgumentParser(prog="python -m service.search.keys", description=__doc__)
    parser.add_argument("--out", type=Path, required=True, help="file to write the key to")
    parser.add_argument("--index", default=os.environ.get("PATHWAYS_INDEX", DEFAULT_INDEX))
    args = parser.parse_args(argv)
    try:
        urls = meili_urls()
    except SettingsError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    admin_key = meili_admin_key()
    if not urls or not admin_key:
        sys.stderr.write("error: set PATHWAYS_MEILI_URL and PATHWAYS_MEILI_KEY (the master key)\n")
        return 2
    try:
        write_key_file(args.out, replicas_search_key(urls, admin_key, args.index))
    except (MeiliKeyError, OSError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    sys.stdout.write(f"wrote the search-only key of index {args.index!r} to {args.out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
