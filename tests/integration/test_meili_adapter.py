"""The Meilisearch adapter on the real server: every task is checked, every failure is ours.

A task Meilisearch accepts and then fails (a bad document id, an index that already exists,
a swap with a missing index) raises `TaskFailedError`, naming the task and Meilisearch's code;
a task still running at the deadline raises too; outages and refusals map to our errors.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterator

import msgspec
import pytest

from meili_local.server import ManagedMeilisearch, free_port
from service.contract.documents import INDEX_SETTINGS
from service.errors import SearchQueryError, SearchUnavailableError
from service.search.meili import MeiliAdmin, TaskFailedError


@pytest.fixture
def admin(meili_server: ManagedMeilisearch) -> MeiliAdmin:
    return MeiliAdmin(url=meili_server.url, api_key=meili_server.master_key)


@pytest.fixture
def index(admin: MeiliAdmin) -> Iterator[str]:
    name = f"adapter_{uuid.uuid4().hex[:12]}"
    admin.create_index(name)
    yield name
    admin.delete_index(name)


def test_a_document_with_a_bad_id_fails_its_task_by_name_and_code(
    admin: MeiliAdmin, index: str
) -> None:
    payload = msgspec.json.encode([{"id": "good-1"}, {"id": "not a valid id!"}])
    task_uid = admin.enqueue_documents(index, payload)
    with pytest.raises(TaskFailedError) as caught:
        admin.wait(task_uid)
    error = caught.value
    assert error.code == "invalid_document_id"
    assert (error.task.uid, error.task.status, error.task.index_uid) == (task_uid, "failed", index)
    assert error.task.type == "documentAdditionOrUpdate"
    assert str(error).startswith(
        f"Meilisearch task {task_uid} (documentAdditionOrUpdate on {index}) failed: "
        "invalid_document_id: "
    )
    # The whole batch failed: nothing of it was indexed.
    assert admin.document_count(index) == 0


def test_creating_an_index_twice_fails_the_second_task(admin: MeiliAdmin, index: str) -> None:
    with pytest.raises(TaskFailedError) as caught:
        admin.create_index(index)
    assert caught.value.code == "index_already_exists"
    assert caught.value.task.type == "indexCreation"


def test_swapping_with_a_missing_index_fails_and_changes_nothing(
    admin: MeiliAdmin, index: str
) -> None:
    admin.wait(admin.enqueue_documents(index, msgspec.json.encode([{"id": "kept"}])))
    missing = f"missing_{uuid.uuid4().hex[:12]}"
    with pytest.raises(TaskFailedError) as caught:
        admin.swap_indexes(index, missing)
    assert caught.value.code == "index_not_found"
    assert caught.value.task.type == "indexSwap"
    assert admin.document_count(index) == 1
    assert not admin.index_exists(missing)


def test_a_task_still_running_at_the_deadline_raises(admin: MeiliAdmin, index: str) -> None:
    # Large enough to take about a second to index on this machine.
    payload = msgspec.json.encode([{"id": f"d{i}", "name": f"n {i}"} for i in range(40_000)])
    task_uid = admin.enqueue_documents(index, payload)
    with pytest.raises(TaskFailedError, match=f"task {task_uid} .* still") as caught:
        admin.wait(task_uid, timeout_s=0.001)
    assert caught.value.task.status in ("enqueued", "processing")
    assert admin.wait(task_uid).status == "succeeded"
    assert admin.document_count(index) == 40_000


def test_settings_are_sent_as_typed(admin: MeiliAdmin, index: str) -> None:
    task = admin.update_settings(index, INDEX_SETTINGS)
    assert (task.status, task.type) == ("succeeded", "settingsUpdate")
    sent = INDEX_SETTINGS.to_meili()
    stored = admin.settings(index)
    # Meilisearch reports sets of attributes sorted, and settings we leave alone as defaults.
    for name in ("filterableAttributes", "sortableAttributes"):
        assert sorted(stored.pop(name)) == sorted(sent.pop(name)), name
    # Stop words come back as a set, some with their accents decomposed (NFD).
    assert {unicodedata.normalize("NFC", w) for w in stored.pop("stopWords")} == set(
        sent.pop("stopWords")
    )
    for name, value in sent.items():
        if isinstance(value, dict) and name != "synonyms":
            assert {k: stored[name][k] for k in value} == value, name
        else:
            assert stored[name] == value, name


def test_deleting_documents_by_id(admin: MeiliAdmin, index: str) -> None:
    docs = [{"id": "a"}, {"id": "b"}, {"id": "c"}]
    admin.wait(admin.enqueue_documents(index, msgspec.json.encode(docs)))
    task = admin.delete_documents(index, ["a", "c"])
    assert task.type == "documentDeletion"
    page = admin.documents_page(index, offset=0, limit=10)
    assert (page["total"], [d["id"] for d in page["results"]]) == (1, ["b"])


def test_missing_things_are_answers_not_errors(admin: MeiliAdmin) -> None:
    assert not admin.index_exists(f"missing_{uuid.uuid4().hex[:12]}")
    assert admin.get_key(str(uuid.uuid4())) is None


def test_a_refused_key_is_a_query_error_with_its_code(meili_server: ManagedMeilisearch) -> None:
    wrong = MeiliAdmin(url=meili_server.url, api_key="w" * 32)
    with pytest.raises(SearchQueryError) as caught:
        wrong.index_exists("anything")
    assert caught.value.code == "invalid_api_key"
    assert "w" * 32 not in str(caught.value)


def test_no_server_is_unavailable() -> None:
    # A free loopback port: the connection is refused at once.
    nobody = MeiliAdmin(url=f"http://127.0.0.1:{free_port()}", api_key="k" * 32)
    with pytest.raises(SearchUnavailableError, match="cannot be reached"):
        nobody.health()
    with pytest.raises(SearchUnavailableError, match="cannot be reached"):
        nobody.index_exists("anything")
