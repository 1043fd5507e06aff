"""Publish documents into Meilisearch through a staging index and an atomic swap.

The live index is only ever replaced whole: documents go into `<index>__staging`, every
task is checked, the document count is verified, and only then are the two swapped. A run
that fails at any step leaves the live index as it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Final

import httpx
import msgspec

from service.contract.documents import INDEX_SETTINGS, IndexDocument, document_encoder

BATCH_SIZE: Final = 5000
TASK_TIMEOUT_S: Final = 600.0


class MeiliUnreachableError(RuntimeError):
    """Meilisearch cannot be reached at all."""


class PublishError(RuntimeError):
    """A Meilisearch task failed or the staging index does not hold what was sent."""


class Task(msgspec.Struct, kw_only=True):
    """The fields of a Meilisearch task we check."""

    uid: int = msgspec.field(default=-1, name="taskUid")
    status: str = "enqueued"
    error: dict[str, Any] | None = None


class TaskStatus(msgspec.Struct, kw_only=True):
    """A task as `/tasks/{uid}` reports it."""

    uid: int
    status: str
    error: dict[str, Any] | None = None


class Publisher:
    """A synchronous Meilisearch admin client for the indexer."""

    def __init__(self, *, url: str, api_key: str, timeout_s: float = 30.0) -> None:
        headers = {"Content-Type": "application/json", "Accept-Encoding": "identity"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        self._http = httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=timeout_s)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def _call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        content = None if body is None else msgspec.json.encode(body)
        try:
            return self._http.request(method, path, content=content)
        except httpx.TransportError as exc:
            raise MeiliUnreachableError(f"Meilisearch cannot be reached: {exc}") from exc

    def check_health(self) -> None:
        """Raise MeiliUnreachableError unless Meilisearch answers `available`."""
        response = self._call("GET", "/health")
        if response.status_code != 200:
            raise MeiliUnreachableError(f"Meilisearch health check answered {response.status_code}")

    def index_exists(self, name: str) -> bool:
        """Whether an index of this name exists."""
        response = self._call("GET", f"/indexes/{name}")
        if response.status_code == 404:
            return False
        _raise_for_status(response)
        return True

    def document_count(self, name: str) -> int:
        """Number of documents in an index."""
        response = self._call("GET", f"/indexes/{name}/stats")
        _raise_for_status(response)
        count: int = msgspec.json.decode(response.content)["numberOfDocuments"]
        return count

    def fetch_documents(self, name: str, *, offset: int, limit: int) -> bytes:
        """One page of an index's documents, every field, as Meilisearch sends it."""
        response = self._call(
            "POST", f"/indexes/{name}/documents/fetch", {"offset": offset, "limit": limit}
        )
        _raise_for_status(response)
        return response.content

    def submit(self, method: str, path: str, body: Any = None, *, raw: bytes | None = None) -> int:
        """Send a request that enqueues a task and return the task uid."""
        if raw is not None:
            try:
                response = self._http.request(method, path, content=raw)
            except httpx.TransportError as exc:
                raise MeiliUnreachableError(f"Meilisearch cannot be reached: {exc}") from exc
        else:
            response = self._call(method, path, body)
        _raise_for_status(response)
        return msgspec.json.decode(response.content, type=Task).uid

    def wait(self, task_uid: int, *, timeout_s: float = TASK_TIMEOUT_S) -> None:
        """Wait for a task and raise PublishError unless it succeeded."""
        deadline = time.monotonic() + timeout_s
        delay_s = 0.02
        while True:
            response = self._call("GET", f"/tasks/{task_uid}")
            _raise_for_status(response)
            task = msgspec.json.decode(response.content, type=TaskStatus)
            if task.status == "succeeded":
                return
            if task.status in ("failed", "canceled"):
                message = (task.error or {}).get("message", task.status)
                raise PublishError(f"Meilisearch task {task_uid} {task.status}: {message}")
            if time.monotonic() > deadline:
                raise PublishError(
                    f"Meilisearch task {task_uid} still {task.status} after {timeout_s:g} s"
                )
            time.sleep(delay_s)
            delay_s = min(delay_s * 1.5, 0.5)

    def run(self, method: str, path: str, body: Any = None) -> None:
        """Submit a task and wait for it to succeed."""
        self.wait(self.submit(method, path, body))


def _raise_for_status(response: httpx.Response) -> None:
    if response.status_code >= 400:
        try:
            message = msgspec.json.decode(response.content).get("message", "")
        except (msgspec.DecodeError, AttributeError):
            message = response.text[:200]
        raise PublishError(f"Meilisearch answered {response.status_code}: {message}")


def staging_name(index: str) -> str:
    """The name of the staging index for a live index."""
    return f"{index}__staging"


def publish(
    publisher: Publisher,
    documents: Sequence[IndexDocument],
    *,
    index: str,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Replace the live `index` with exactly `documents`, atomically."""
    publisher.check_health()
    staging = staging_name(index)
    if publisher.index_exists(staging):
        # Left over from a run that was killed; it never went live.
        publisher.run("DELETE", f"/indexes/{staging}")
    publisher.run("POST", "/indexes", {"uid": staging, "primaryKey": "id"})
    try:
        publisher.run("PATCH", f"/indexes/{staging}/settings", INDEX_SETTINGS)
        # Enqueue every batch before waiting: Meilisearch then merges consecutive additions
        # into one indexing run instead of rebuilding its structures once per batch.
        tasks: list[tuple[int, int]] = []
        for start in range(0, len(documents), BATCH_SIZE):
            batch = documents[start : start + BATCH_SIZE]
            raw = document_encoder.encode(batch)
            tasks.append(
                (publisher.submit("POST", f"/indexes/{staging}/documents", raw=raw), len(batch))
            )
        for task_uid, count in tasks:
            publisher.wait(task_uid)
            if on_batch is not None:
                on_batch(count)
        stored = publisher.document_count(staging)
        if stored != len(documents):
            raise PublishError(
                f"staging index holds {stored} documents, {len(documents)} were sent"
            )
        if not publisher.index_exists(index):
            publisher.run("POST", "/indexes", {"uid": index, "primaryKey": "id"})
        publisher.run("POST", "/swap-indexes", [{"indexes": [index, staging]}])
    except BaseException:
        _drop_quietly(publisher, staging)
        raise
    # After the swap, the staging name holds the previous live index.
    publisher.run("DELETE", f"/indexes/{staging}")


def _drop_quietly(publisher: Publisher, staging: str) -> None:
    """Best-effort removal of a half-built staging index; the next run retries it anyway."""
    try:
        if publisher.index_exists(staging):
            publisher.run("DELETE", f"/indexes/{staging}")
    except (MeiliUnreachableError, PublishError):
        pass
