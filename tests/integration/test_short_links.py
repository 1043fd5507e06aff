"""Short codes in the real seed index: every listing has its own, and `/s/{codes}` finds
them with one search, in the link's order; `stale` and the warning show there too."""

from __future__ import annotations

import re
from collections import Counter

import httpx
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.contract.short_codes import short_code
from tests.integration.conftest import IndexedSeed


def all_documents(server: ManagedMeilisearch, index: str) -> list[dict[str, object]]:
    documents: list[dict[str, object]] = []
    offset = 0
    while True:
        page = httpx.get(
            f"{server.url}/indexes/{index}/documents",
            params={"fields": "id,short_code", "limit": 5000, "offset": offset},
            headers={"Authorization": f"Bearer {server.master_key}"},
            timeout=30,
        ).json()
        documents += page["results"]
        offset += len(page["results"])
        if offset >= page["total"] or not page["results"]:
            return documents


def test_every_seed_listing_has_its_own_code(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed
) -> None:
    documents = all_documents(meili_server, seed_index.name)
    assert len(documents) > 5000
    assert all(d["short_code"] == short_code(str(d["id"])) for d in documents)
    shared = {c: n for c, n in Counter(d["short_code"] for d in documents).items() if n > 1}
    assert shared == {}


def test_a_short_link_shows_its_listings_in_order(client: TestClient[Litestar]) -> None:
    hits = client.get("/v1/search", params={"near": "19103", "per_page": "10"}).json()["hits"]
    ids = [h["id"] for h in hits][::-1]
    assert len(ids) == 10
    path = "/s/" + "".join(short_code(i) for i in ids)
    assert len(path) == 73
    page = client.get(path)
    assert page.status_code == 200
    assert re.findall(r'<article class="card" aria-labelledby="r-([^"]+)"', page.text) == ids
    # The old form of the link still works.
    old = client.get("/shortlist", params={"ids": ",".join(ids[:2])})
    assert re.findall(r'aria-labelledby="r-([^"]+)"', old.text) == ids[:2]


def test_a_shortlist_says_when_a_listing_is_out_of_date(client: TestClient[Litestar]) -> None:
    # Edited on 2020-01-13, more than two years before the newest edit of its feed (2022-10-14).
    [hit] = client.get("/v1/search", params={"q": "Manor of Living", "kind": "meeting",
                                             "per_page": "1"}).json()["hits"]  # fmt: skip
    assert hit["stale"] is True
    page = client.get(f"/s/{short_code(hit['id'])}").text
    assert "This listing may be out of date: call before you go." in page
