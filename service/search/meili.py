"""The one Meilisearch adapter: one error mapping, a typed task model, and the admin client.

Every Meilisearch failure becomes one of our errors here and nowhere else: no answer, a
timeout or a 5xx is `SearchUnavailableError`; a 4xx is `SearchQueryError` carrying
Meilisearch's error `code`; a task that ends `failed` or `canceled`, or does not end in time,
is `TaskFailedError`, naming the task and Meilisearch's code. The API's async search client
(client.py) maps its answers with the same functions (`read_error`, `unreachable_error`).

`MeiliAdmin` does the administration (indexes, settings, documents, tasks, swaps, keys) for
the indexer and the key set-up, through the official `meilisearch` client. That client opens
a connection per call, so the compression stall of kept-alive connections cannot occur, and a
few milliseconds per call are nothing next to indexing.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final, Literal

import meilisearch
import msgspec
import requests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchError,
    MeilisearchTimeoutError,
)
from meilisearch.models.task import Task as SdkTask

from service.contract.index_settings import IndexSettings
from service.errors import SearchQueryError, SearchUnavailableError

__all__ = [
    "KEY_REFUSED",
    "TASK_TIMEOUT_S",
    "MeiliAdmin",
    "MeiliKey",
    "MeiliTask",
    "SearchQueryError",
    "SearchUnavailableError",
    "TaskFailedError",
    "answer_error",
    "client_error",
    "read_error",
    "unreachable_error",
]

# A bulk load of tens of thousands of documents takes tens of seconds; the client's own
# default (5 s) would give up on a healthy server.
TASK_TIMEOUT_S: Final = 600.0
TASK_FIRST_POLL_S: Final = 0.01
TASK_LAST_POLL_S: Final = 0.5

# What Meilisearch answers a key that may not do what was asked.
KEY_REFUSED: Final = frozenset({"invalid_api_key", "missing_authorization_header"})
# Answers about Meilisearch's state, not our request: 408 when it was stopped while a request
# waited (it answers those on resuming), 429 when it is overloaded.
TRANSIENT_STATUSES: Final = frozenset({408, 429})

TaskStatus = Literal["enqueued", "processing", "succeeded", "failed", "canceled"]


class MeiliTask(msgspec.Struct, frozen=True, kw_only=True):
    """A Meilisearch task, as far as we check it."""

    uid: int
    status: TaskStatus
    type: str
    index_uid: str | None = None
    error_code: str | None = None
    error_message: str | None = None

    @property
    def finished(self) -> bool:
        """Whether Meilisearch is done with the task, one way or the other."""
        return self.status in ("succeeded", "failed", "canceled")


class MeiliKey(msgspec.Struct, frozen=True, kw_only=True):
    """The fields of a Meilisearch API key we use."""

    key: str
    uid: str
    actions: tuple[str, ...]
    indexes: tuple[str, ...]


class TaskFailedError(SearchQueryError):
    """A Meilisearch task failed, was canceled, or did not finish in time."""

    def __init__(self, task: MeiliTask, *, waited_s: float | None = None) -> None:
        where = f"{task.type} on {task.index_uid}" if task.index_uid else task.type
        if waited_s is not None:
            detail = (
                f"Meilisearch task {task.uid} ({where}) still {task.status} after {waited_s:g} s"
            )
        else:
            reason = f"{task.error_code}: {task.error_message}" if task.error_code else "no reason"
            detail = f"Meilisearch task {task.uid} ({where}) {task.status}: {reason}"
        super().__init__(detail, code=task.error_code)
        self.task = task


def unreachable_error(*, timed_out: bool) -> SearchUnavailableError:
    """Our error for a request that got no answer: refused, reset, or timed out."""
    if timed_out:
        return SearchUnavailableError("Meilisearch did not answer in time")
    return SearchUnavailableError("Meilisearch cannot be reached")


def answer_error(
    status: int, *, code: str | None, message: str
) -> SearchUnavailableError | SearchQueryError:
    """Our error for a Meilisearch answer with an error status (4xx or 5xx)."""
    if status >= 500 or status in TRANSIENT_STATUSES:
        return SearchUnavailableError(f"Meilisearch answered {status}")
    return SearchQueryError(message or f"Meilisearch answered {status}", code=code or None)


def read_error(
    status: int, *, code: str | None, message: str
) -> SearchUnavailableError | SearchQueryError:
    """`answer_error` for the API's reads, where a missing index or a refused key is an outage."""
    error = answer_error(status, code=code, message=message)
    if isinstance(error, SearchUnavailableError):
        return error
    if error.code == "index_not_found":
        return SearchUnavailableError("the search index has not been built yet")
    if error.code in KEY_REFUSED:
        # A revoked or wrong key is an outage to fix, not a bug in one request.
        return SearchUnavailableError(f"Meilisearch refused the API key ({error.code})")
    return error


def client_error(exc: Exception) -> SearchUnavailableError | SearchQueryError:
    """Our error for an exception of the official client (or of requests beneath it)."""
    if isinstance(exc, MeilisearchApiError):
        return answer_error(exc.status_code, code=exc.code, message=exc.message)
    return unreachable_error(timed_out=isinstance(exc, MeilisearchTimeoutError | requests.Timeout))


@contextmanager
def _mapped() -> Iterator[None]:
    try:
        yield
    except (MeilisearchError, requests.RequestException) as exc:
        raise client_error(exc) from exc


def _task(task: SdkTask) -> MeiliTask:
    error = task.error or {}
    fields = {
        "uid": task.uid,
        "status": task.status,
        "type": task.type,
        "index_uid": task.index_uid,
        "error_code": error.get("code"),
        "error_message": error.get("message"),
    }
    return msgspec.convert(fields, MeiliTask)


def _task_uid(info: Any) -> int:
    """The uid of an enqueued task, from the client's TaskInfo or a raw answer."""
    uid = info.task_uid if hasattr(info, "task_uid") else info["taskUid"]
    return int(uid)


class MeiliAdmin:
    """A synchronous Meilisearch administration client on the official `meilisearch` client."""

    def __init__(
        self,
        *,
        url: str,
        api_key: str,
        timeout_s: float = 30.0,
        task_timeout_s: float = TASK_TIMEOUT_S,
    ) -> None:
        self._client = meilisearch.Client(
            url.rstrip("/"), api_key or None, timeout=max(1, math.ceil(timeout_s))
        )
        self.task_timeout_s = task_timeout_s

    def health(self) -> None:
        """Raise SearchUnavailableError unless Meilisearch answers `available`."""
        with _mapped():
            status = self._client.health().get("status")
        if status != "available":
            raise SearchUnavailableError(f"Meilisearch is not available ({status})")

    def index_exists(self, uid: str) -> bool:
        """Whether an index of this uid exists."""
        try:
            with _mapped():
                self._client.get_raw_index(uid)
        except SearchQueryError as exc:
            if exc.code == "index_not_found":
                return False
            raise
        return True

    def document_count(self, uid: str) -> int:
        """Number of documents in an index."""
        with _mapped():
            return self._client.index(uid).get_stats().number_of_documents

    def documents_page(self, uid: str, *, offset: int, limit: int) -> dict[str, Any]:
        """One page of an index's documents with every field (`results`, `total`), as JSON."""
        body = {"offset": offset, "limit": limit}
        with _mapped():
            page: dict[str, Any] = self._client.http.post(f"indexes/{uid}/documents/fetch", body)
        return page

    def create_index(self, uid: str, *, primary_key: str = "id") -> MeiliTask:
        """Create an index and wait for it."""
        with _mapped():
            info = self._client.create_index(uid, {"primaryKey": primary_key})
        return self.wait(_task_uid(info))

    def delete_index(self, uid: str) -> MeiliTask:
        """Delete an index and wait for it."""
        with _mapped():
            info = self._client.delete_index(uid)
        return self.wait(_task_uid(info))

    def update_settings(self, uid: str, settings: IndexSettings) -> MeiliTask:
        """Set an index's settings and wait for them to apply."""
        with _mapped():
            info = self._client.index(uid).update_settings(settings.to_meili())
        return self.wait(_task_uid(info))

    def settings(self, uid: str) -> dict[str, Any]:
        """Every setting of an index, as Meilisearch reports them."""
        with _mapped():
            return self._client.index(uid).get_settings()

    def enqueue_documents(self, uid: str, payload: bytes) -> int:
        """Enqueue adding or replacing documents (a JSON array); returns the task uid."""
        with _mapped():
            info = self._client.index(uid).add_documents_raw(
                payload, content_type="application/json"
            )
        return _task_uid(info)

    def delete_documents(self, uid: str, ids: Sequence[str]) -> MeiliTask:
        """Delete documents by id and wait for it."""
        # The endpoint by ids, not the client's `delete_documents(ids)`, which is deprecated.
        with _mapped():
            info = self._client.http.post(f"indexes/{uid}/documents/delete-batch", list(ids))
        return self.wait(_task_uid(info))

    def swap_indexes(self, first: str, second: str) -> MeiliTask:
        """Swap two indexes' contents atomically and wait for it."""
        with _mapped():
            info = self._client.swap_indexes([{"indexes": [first, second]}])
        return self.wait(_task_uid(info))

    def get_task(self, task_uid: int) -> MeiliTask:
        """One task as Meilisearch reports it now."""
        with _mapped():
            return _task(self._client.get_task(task_uid))

    def wait(self, task_uid: int, *, timeout_s: float | None = None) -> MeiliTask:
        """Wait for a task; TaskFailedError unless it succeeded in time."""
        # Our loop, not the client's `wait_for_task`: it backs off, so a long bulk load is
        # polled twice a second rather than twenty times (each poll is parsed into a model),
        # and running out of time is not confused with a request timing out.
        waited_s = self.task_timeout_s if timeout_s is None else timeout_s
        deadline = time.monotonic() + waited_s
        delay_s = TASK_FIRST_POLL_S
        task = self.get_task(task_uid)
        while not task.finished:
            left_s = deadline - time.monotonic()
            if left_s <= 0:
                raise TaskFailedError(task, waited_s=waited_s)
            time.sleep(min(delay_s, left_s))
            delay_s = min(delay_s * 1.5, TASK_LAST_POLL_S)
            task = self.get_task(task_uid)
        # Meilisearch reports a failed task as an ordinary answer: check every one.
        if task.status != "succeeded":
            raise TaskFailedError(task)
        return task

    def get_key(self, uid: str) -> MeiliKey | None:
        """An API key by uid, or None when there is none."""
        try:
            with _mapped():
                key = self._client.get_key(uid)
        except SearchQueryError as exc:
            if exc.code == "api_key_not_found":
                return None
            raise
        return _key(key)

    def create_key(self, body: dict[str, Any]) -> MeiliKey:
        """Create an API key (the body of Meilisearch's `POST /keys`)."""
        with _mapped():
            return _key(self._client.create_key(body))

    def delete_key(self, uid: str) -> None:
        """Delete an API key by uid."""
        with _mapped():
            self._client.delete_key(uid)


def _key(key: Any) -> MeiliKey:
    fields = {"key": key.key, "uid": key.uid, "actions": key.actions, "indexes": key.indexes}
    return msgspec.convert(fields, MeiliKey)
