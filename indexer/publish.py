"""Publish documents into Meilisearch through a staging index and an atomic swap.

The live index is only ever replaced whole: documents go into `<index>__staging`, every
task is checked, the document count is verified, and only then are the two swapped. A run
that fails at any step leaves the live index as it was.

With several Meilisearch replicas (PATHWAYS_MEILI_URLS) each gets its own staging and swap
(`publish_replicas`); a replica that fails is named, keeps its old index, and the next run
repairs it.

Meilisearch is reached through the one adapter (service/search/meili.py): an outage raises
`SearchUnavailableError`, a refused request or a failed task `SearchQueryError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

import msgspec

from service.contract.documents import INDEX_SETTINGS, IndexDocument, document_encoder
from service.search.meili import MeiliAdmin, SearchQueryError, SearchUnavailableError
from service.settings import meili_urls, replica_label

BATCH_SIZE: Final = 5000


class PublishError(RuntimeError):
    """The staging index does not hold what was sent, or the live index is not as expected."""


def staging_name(index: str) -> str:
    """The name of the staging index for a live index."""
    return f"{index}__staging"


def publish(
    admin: MeiliAdmin,
    documents: Sequence[IndexDocument],
    *,
    index: str,
    on_batch: Callable[[int], None] | None = None,
) -> None:
    """Replace the live `index` with exactly `documents`, atomically."""
    admin.health()
    staging = staging_name(index)
    if admin.index_exists(staging):
        # Left over from a run that was killed; it never went live.
        admin.delete_index(staging)
    admin.create_index(staging)
    try:
        admin.update_settings(staging, INDEX_SETTINGS)
        # Enqueue every batch before waiting: Meilisearch then merges consecutive additions
        # into one indexing run instead of rebuilding its structures once per batch.
        tasks: list[tuple[int, int]] = []
        for start in range(0, len(documents), BATCH_SIZE):
            batch = documents[start : start + BATCH_SIZE]
            tasks.append(
                (admin.enqueue_documents(staging, document_encoder.encode(batch)), len(batch))
            )
        for task_uid, count in tasks:
            admin.wait(task_uid)
            if on_batch is not None:
                on_batch(count)
        stored = admin.document_count(staging)
        if stored != len(documents):
            raise PublishError(
                f"staging index holds {stored} documents, {len(documents)} were sent"
            )
        if not admin.index_exists(index):
            admin.create_index(index)
        admin.swap_indexes(index, staging)
    except BaseException:
        _drop_quietly(admin, staging)
        raise
    # After the swap, the staging name holds the previous live index.
    admin.delete_index(staging)


def _drop_quietly(admin: MeiliAdmin, staging: str) -> None:
    """Best-effort removal of a half-built staging index; the next run retries it anyway."""
    try:
        if admin.index_exists(staging):
            admin.delete_index(staging)
    except (SearchUnavailableError, SearchQueryError):
        pass


class ReplicaFailure(msgspec.Struct, frozen=True, kw_only=True):
    """A replica the publish did not reach or could not finish on; it serves its old index."""

    replica: str
    reason: str
    # No answer at all (rather than a refused request or a failed task).
    unreachable: bool = False


def publish_replicas(
    admins: Sequence[tuple[str, MeiliAdmin]],
    documents: Sequence[IndexDocument],
    *,
    index: str,
    on_batch: Callable[[int, int], None] | None = None,
) -> list[ReplicaFailure]:
    """`publish` on every replica in turn, then check each holds the new index whole.

    Each replica swaps on its own: one that fails keeps serving its previous, complete index
    (never a half-published one) and is returned, to be reported; the next run publishes to
    it again, which repairs it. The publish counts only when the list is empty.
    """
    failures: list[ReplicaFailure] = []
    published: list[tuple[str, MeiliAdmin]] = []
    for number, (label, admin) in enumerate(admins):

        def advance(count: int, number: int = number) -> None:
            if on_batch is not None:
                on_batch(number, count)

        try:
            publish(admin, documents, index=index, on_batch=advance)
        except SearchUnavailableError as exc:
            failures.append(ReplicaFailure(replica=label, reason=str(exc), unreachable=True))
        except (SearchQueryError, PublishError) as exc:
            failures.append(ReplicaFailure(replica=label, reason=str(exc)))
        else:
            published.append((label, admin))
    for label, admin in published:
        # The same new version everywhere: each live index holds exactly what was sent.
        try:
            stored = admin.document_count(index)
        except (SearchUnavailableError, SearchQueryError) as exc:
            failures.append(ReplicaFailure(replica=label, reason=str(exc), unreachable=True))
            continue
        if stored != len(documents):
            reason = f"live index holds {stored} documents, {len(documents)} were sent"
            failures.append(ReplicaFailure(replica=label, reason=reason))
    return failures


def replica_admins(urls: str, key: str) -> list[tuple[str, MeiliAdmin]]:
    """One admin client per replica of a comma-separated URL list, with its label."""
    return [
        (replica_label(url), MeiliAdmin(url=url, api_key=key))
        for url in meili_urls({"PATHWAYS_MEILI_URLS": urls})
    ]
