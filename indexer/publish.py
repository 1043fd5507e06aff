"""Publish documents into Meilisearch through a staging index and an atomic swap.

The live index is only ever replaced whole: documents go into `<index>__staging`, every
task is checked, the document count is verified, and only then are the two swapped. A run
that fails at any step leaves the live index as it was.

Meilisearch is reached through the one adapter (service/search/meili.py): an outage raises
`SearchUnavailableError`, a refused request or a failed task `SearchQueryError`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Final

from service.contract.documents import INDEX_SETTINGS, IndexDocument, document_encoder
from service.search.meili import MeiliAdmin, SearchQueryError, SearchUnavailableError

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
