"""The API searches with a search-only key; the master key never reaches it, a client or a log.

The key is made by service/search/keys.py on the real Meilisearch: it can search, read
documents and read the index, on its own index only, and Meilisearch refuses anything else
it asks for (adding a document, changing settings, deleting the index, reading keys).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator

import httpx
import pytest
import yaml
from litestar import Litestar
from litestar.testing import TestClient

from meili_local.server import ManagedMeilisearch
from service.app import create_app, create_app_from_env
from service.http.limits import server_cli_flags
from service.places.geocoder import Gazetteer
from service.search.keys import (
    SEARCH_ACTIONS,
    MeiliKeyError,
    ensure_search_key,
    search_key_uid,
    with_search_key,
)
from service.settings import PROJECT_ROOT, Settings, SettingsError, from_env
from tests.integration.conftest import IndexedSeed, settings_for, wait_for_hsds_ids
from tests.problem import assert_problem


def meili(server: ManagedMeilisearch, key: str) -> httpx.Client:
    """A plain HTTP client to the test Meilisearch with this key, one connection a request.

    After Meilisearch 1.21 refuses a request with a body (403), the next request on the same
    kept-alive connection sometimes gets no answer at all (seen 9 times in 30 runs).
    """
    headers = {"Authorization": f"Bearer {key}", "Connection": "close"}
    return httpx.Client(base_url=server.url, headers=headers, timeout=30)


def index_version(server: ManagedMeilisearch, index: str) -> tuple[str, int]:
    """The index's last update time and document count: any write changes the first."""
    with meili(server, server.master_key) as admin:
        info = admin.get(f"/indexes/{index}").json()
        stats = admin.get(f"/indexes/{index}/stats").json()
    return info["updatedAt"], stats["numberOfDocuments"]


@pytest.fixture(scope="module")
def search_key(meili_server: ManagedMeilisearch, seed_index: IndexedSeed) -> str:
    return ensure_search_key(meili_server.url, meili_server.master_key, seed_index.name)


@pytest.fixture(scope="module")
def restricted(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, search_key: str, gazetteer: Gazetteer
) -> Iterator[TestClient[Litestar]]:
    settings = settings_for(meili_server, seed_index.name, meili_api_key=search_key)
    with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        yield client


def test_the_search_key_has_only_read_rights_on_its_index(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, search_key: str
) -> None:
    assert search_key != meili_server.master_key
    with meili(meili_server, meili_server.master_key) as admin:
        key = admin.get(f"/keys/{search_key_uid(seed_index.name)}").json()
    assert key["actions"] == list(SEARCH_ACTIONS)
    assert key["indexes"] == [seed_index.name]
    assert key["expiresAt"] is None
    # Made again, it is the same key: Meilisearch derives it from its uid.
    again = ensure_search_key(meili_server.url, meili_server.master_key, seed_index.name)
    assert again == search_key


def test_meilisearch_refuses_every_write_with_the_search_key(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, search_key: str
) -> None:
    index = seed_index.name
    before = index_version(meili_server, index)
    with meili(meili_server, search_key) as client:
        assert client.post(f"/indexes/{index}/search", json={"q": "aa"}).status_code == 200
        refused = [
            client.post(f"/indexes/{index}/documents", json=[{"id": "written-by-search-key"}]),
            client.put(f"/indexes/{index}/documents", json=[{"id": "written-by-search-key"}]),
            client.post(f"/indexes/{index}/documents/delete-batch", json=["x"]),
            client.delete(f"/indexes/{index}/documents"),
            client.patch(f"/indexes/{index}/settings", json={"searchableAttributes": ["id"]}),
            client.delete(f"/indexes/{index}"),
            client.post("/indexes", json={"uid": f"evil_{uuid.uuid4().hex[:6]}"}),
            client.post("/swap-indexes", json=[{"indexes": [index, "other"]}]),
            client.get("/keys"),
            client.post("/keys", json={"actions": ["*"], "indexes": ["*"], "expiresAt": None}),
            client.get("/tasks"),
            client.post("/dumps"),
            client.get(f"/indexes/{index}/settings"),
        ]
        other = f"other_{uuid.uuid4().hex[:6]}"
        refused.append(client.post(f"/indexes/{other}/search", json={"q": ""}))
    for response in refused:
        assert response.status_code in (401, 403), (response.request.url, response.text)
        assert response.json()["code"] == "invalid_api_key"
    assert index_version(meili_server, index) == before


def test_the_api_works_with_the_search_key(
    restricted: TestClient[Litestar], seed_index: IndexedSeed
) -> None:
    search = restricted.get("/v1/search", params={"near": "19103", "kind": "meeting"})
    assert search.status_code == 200, search.text
    hit = search.json()["hits"][0]
    ready = restricted.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["documents"] > 40_000
    for path in (
        f"/v1/resources/{hit['id']}",
        f"/v1/resources/{hit['id']}.ics",
        "/v1/feeds/meeting-guide.json?near=19103&radius_km=5",
        "/hsds/services?per_page=3",
        "/v1/search.csv?near=19103&kind=meeting",
        "/v1/search?attendance=online&open_now=true",
        "/?near=19103&kind=meeting",
        f"/shortlist?ids={hit['id']}",
    ):
        assert restricted.get(path).status_code == 200, path
    services = restricted.get("/hsds/services?per_page=1").json()["contents"]
    wait_for_hsds_ids(restricted, services[0]["id"])
    assert restricted.get(f"/hsds/services/{services[0]['id']}").status_code == 200


def test_the_app_made_from_the_environment_never_holds_the_master_key(
    meili_server: ManagedMeilisearch,
    seed_index: IndexedSeed,
    search_key: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    master = meili_server.master_key
    monkeypatch.setenv("PATHWAYS_MEILI_URL", meili_server.url)
    monkeypatch.setenv("PATHWAYS_MEILI_KEY", master)
    monkeypatch.setenv("PATHWAYS_INDEX", seed_index.name)
    monkeypatch.setenv("PATHWAYS_RATE_LIMIT_PER_MIN", "0")
    monkeypatch.delenv("PATHWAYS_MEILI_SEARCH_KEY", raising=False)
    caplog.set_level(logging.DEBUG)
    app = create_app_from_env()
    with TestClient(app) as client:
        index = app.state.search_index
        assert index._headers["Authorization"] == f"Bearer {search_key}"
        answers = [
            client.get("/v1/search?q=meeting"),
            client.get("/readyz"),
            client.get("/v1/search?kind=nope"),
            client.get("/schema/openapi.json"),
            client.get("/hsds/"),
        ]
    assert all(r.status_code in (200, 400) for r in answers)
    for response in answers:
        assert master not in response.text
        assert master not in str(response.headers)
    assert master not in caplog.text


def test_settings_take_a_configured_search_key_and_never_the_master(tmp_path: object) -> None:
    env = {"PATHWAYS_MEILI_URL": "http://127.0.0.1:7700", "PATHWAYS_MEILI_KEY": "m" * 32}
    assert from_env(env).meili_api_key == ""
    assert from_env({**env, "PATHWAYS_MEILI_SEARCH_KEY": "s" * 64}).meili_api_key == "s" * 64
    with pytest.raises(SettingsError, match="PATHWAYS_MEILI_SEARCH_KEY_FILE"):
        from_env({**env, "PATHWAYS_MEILI_SEARCH_KEY_FILE": "/nonexistent/search.key"})
    configured = Settings(meili_url="http://x", meili_api_key="configured")
    assert with_search_key(configured, "m" * 32) is configured


def test_a_key_that_cannot_make_keys_is_refused_clearly(
    meili_server: ManagedMeilisearch, search_key: str
) -> None:
    with pytest.raises(MeiliKeyError, match="not the master key") as caught:
        ensure_search_key(meili_server.url, search_key, "whatever")
    assert search_key not in str(caught.value)


def test_a_search_key_with_other_rights_is_replaced(meili_server: ManagedMeilisearch) -> None:
    index = f"keys_{uuid.uuid4().hex[:8]}"
    uid = search_key_uid(index)
    with meili(meili_server, meili_server.master_key) as admin:
        body = {"uid": uid, "actions": ["*"], "indexes": ["*"], "expiresAt": None}
        assert admin.post("/keys", json=body).status_code == 201
        key = ensure_search_key(meili_server.url, meili_server.master_key, index)
        stored = admin.get(f"/keys/{uid}").json()
        assert stored["key"] == key
        assert stored["actions"] == list(SEARCH_ACTIONS)
        assert stored["indexes"] == [index]
        admin.delete(f"/keys/{uid}")


def test_docker_compose_keeps_the_master_key_from_the_api() -> None:
    compose = yaml.safe_load((PROJECT_ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    api = services["api"]
    assert "PATHWAYS_MEILI_KEY" not in api["environment"]
    assert "MEILI_MASTER_KEY" not in str(api)
    assert api["environment"]["PATHWAYS_MEILI_SEARCH_KEY_FILE"].startswith("/app/.state/keys/")
    assert "api_keys:/app/.state/keys:ro" in api["volumes"]
    # The one-shot indexer writes the search key with the master key it already has.
    assert "service.search.keys --out" in " ".join(services["indexer"]["command"])
    # The API runs with the server limits the launcher uses.
    flags = [f for f in api["command"] if "=" in f or f.startswith("--no-")]
    assert flags == server_cli_flags()


def test_a_revoked_or_wrong_key_is_an_outage_not_a_bug(
    meili_server: ManagedMeilisearch, seed_index: IndexedSeed, gazetteer: Gazetteer
) -> None:
    settings = settings_for(meili_server, seed_index.name, meili_api_key="revoked-" + "x" * 24)
    with TestClient(create_app(settings, gazetteer=gazetteer)) as client:
        response = client.get("/v1/search?q=meeting")
        assert_problem(response, 503)
        assert response.headers["retry-after"].isdigit()
        assert_problem(client.get("/readyz"), 503)
