"""The API's result cache on a real index: repeated searches are reused, and the search after
a publish (the indexer's staging + swap, or a write to the live index) answers from the new
content at once."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app
from service.places.geocoder import Gazetteer
from service.settings import PROJECT_ROOT
from tests.integration.conftest import run_indexer, settings_for

# Invented for the test (43 characters, as `openssl rand -base64 32` gives).
TOKEN = "Zt7Kq2Wm9Xc4Rb1Np8Lv3Hy6Df0Sg5Ja2Ue7Oi4Ck9B"
FEED = PROJECT_ROOT / "seed_data" / "meeting_guide" / "alpena-mi.json"
SOURCES = """
[[source]]
id = "alpena-aa"
name = "Alpena, Michigan (AA)"
format = "meeting_guide"
path = "alpena-mi.json"
kind = "meeting"
timezone = "America/Detroit"
fellowship = "AA"
licence = "Public meeting feed published for the Meeting Guide app (MIT)"
"""
# A fixed "now", so that answers compared for equality cannot differ by the clock.
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NEARBY = {"near": "49707", "kind": "meeting", "sort": "distance", "radius_km": "50"}


class Published:
    """A small real index (one real feed) that the test can publish again."""

    def __init__(self, server: ManagedMeilisearch, folder: Path) -> None:
        self.server = server
        self.folder = folder
        self.name = f"cache_{uuid.uuid4().hex[:8]}"
        (folder / "sources.toml").write_text(SOURCES, encoding="utf-8")
        self.meetings: list[dict[str, Any]] = json.loads(FEED.read_text(encoding="utf-8"))

    def publish(self) -> None:
        (self.folder / "alpena-mi.json").write_text(json.dumps(self.meetings), encoding="utf-8")
        code, output = run_indexer(self.server, self.name, self.folder / "sources.toml")
        assert code == 0, output


@pytest.fixture
def published(meili_server: ManagedMeilisearch, tmp_path: Path) -> Published:
    index = Published(meili_server, tmp_path)
    index.publish()
    return index


@pytest.fixture
def api(
    meili_server: ManagedMeilisearch, published: Published, gazetteer: Gazetteer
) -> Iterator[TestClient[Litestar]]:
    settings = settings_for(meili_server, published.name, admin_token=TOKEN)
    with TestClient(create_app(settings, gazetteer=gazetteer, clock=lambda: NOW)) as client:
        yield client


def search(api: TestClient[Litestar], params: dict[str, str]) -> dict[str, Any]:
    response = api.get("/v1/search", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def cache_stats(api: TestClient[Litestar]) -> dict[str, int]:
    response = api.get("/admin/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    stats: dict[str, int] = response.json()["result_cache"]
    return stats


def test_a_repeated_search_is_reused_and_answers_the_same(api: TestClient[Litestar]) -> None:
    first = search(api, NEARBY)
    second = search(api, NEARBY)
    assert first["total"] > 0
    assert second == first
    stats = cache_stats(api)
    assert (stats["hits"], stats["misses"]) == (1, 1)
    assert stats["version_reads"] == 2


@pytest.mark.parametrize("params", [NEARBY, {"q": "Over The Bridge"}])
def test_the_search_after_a_publish_sees_the_new_content(
    api: TestClient[Litestar], published: Published, params: dict[str, str]
) -> None:
    before = search(api, params)
    gone = before["hits"][0]["name"]
    assert search(api, params) == before
    # A thin answer's alternatives are searches of their own, cached alike: count them.
    reused = cache_stats(api)
    published.meetings = [m for m in published.meetings if m.get("name") != gone]
    published.publish()
    after = search(api, params)
    assert gone not in {hit["name"] for hit in after["hits"]}
    assert after["total"] < before["total"]
    stats = cache_stats(api)
    assert stats["hits"] == reused["hits"]
    assert stats["misses"] > reused["misses"]


def test_a_write_to_the_live_index_is_seen_at_once(
    api: TestClient[Litestar], published: Published, meili_server: ManagedMeilisearch
) -> None:
    before = search(api, NEARBY)
    first = before["hits"][0]
    with httpx.Client(
        base_url=meili_server.url,
        headers={"Authorization": f"Bearer {meili_server.master_key}"},
    ) as meili:
        task = meili.delete(f"/indexes/{published.name}/documents/{first['id']}").json()
        status = meili.get(f"/tasks/{task['taskUid']}").json()["status"]
        while status not in ("succeeded", "failed"):
            status = meili.get(f"/tasks/{task['taskUid']}").json()["status"]
        assert status == "succeeded"
    after = search(api, NEARBY)
    assert first["id"] not in {hit["id"] for hit in after["hits"]}
    assert after["total"] == before["total"] - 1


def test_the_counters_need_the_admin_token(api: TestClient[Litestar]) -> None:
    assert api.get("/admin/stats").status_code == 401
    wrong = api.get("/admin/stats", headers={"Authorization": f"Bearer {TOKEN[:-1]}"})
    assert wrong.status_code == 401


def test_turned_off_it_reads_no_version(
    meili_server: ManagedMeilisearch, published: Published, gazetteer: Gazetteer
) -> None:
    settings = settings_for(meili_server, published.name, admin_token=TOKEN, result_cache_entries=0)
    with TestClient(create_app(settings, gazetteer=gazetteer, clock=lambda: NOW)) as client:
        assert search(client, NEARBY) == search(client, NEARBY)
        stats = cache_stats(client)
    assert (stats["hits"], stats["version_reads"], stats["max_entries"]) == (0, 0, 0)
