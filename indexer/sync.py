"""`pathways-indexer sync [--source ID]`: refresh sources in the live index, record by record.

How it works:
1. Load the chosen sources (default: all of the sources file). One that cannot be loaded
   is reported and changes nothing (exit 1); the others still sync.
2. Read every live document. The records of the sources not refreshed are taken from it
   as they are (a merged document carries its members in `merged_records`), so those
   sources' files or URLs are not read again and their records cannot change.
3. Run the same steps as `index` (place, zone, merge duplicates, hash) on the refreshed
   sources' new records plus the other sources' live records: the index as it should be.
4. Compare with the live index by `content_hash`, only among documents that involve a
   refreshed source (its own, merged ones it is part of, and records a merge absorbs):
   new ids are added, changed hashes updated, vanished ids deleted.

Atomicity. Meilisearch runs an index's tasks one after the other, and each task applies
whole or not at all. The changes are sent as two tasks, in an order chosen so that the
first alone leaves the index consistent: first one task adding and replacing documents
(waited for and checked), then one task deleting the vanished ids. If the run stops
between the two, the index holds every new and updated record plus some records that
should be gone (as before the sync; a record merged into another may show twice), nothing
is lost or half-written, and the next sync deletes the leftovers. The alternative, a
staging copy of the whole index and a swap, re-sends every document on each sync and loses
one of two concurrent syncs' changes. `index` (the full rebuild) still uses staging + swap.

Replicas (PATHWAYS_MEILI_URLS): each is planned against its own live index and synced in
turn; one that fails is reported (exit 2) and the next sync gives it what it missed.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Final, TextIO

import msgspec

from indexer.corrections import apply_overrides, read_overrides, save_flags
from indexer.dedupe import MergeReport, StoredDocument
from indexer.load import SourceFailure, load_sources, read_sources_file
from indexer.pipeline import GeocoderOptions, Placing, placing, prepare, store
from indexer.publish import PublishError, replica_admins
from indexer.records import SourceLoad
from indexer.report import RunReport, write_corrections, write_rejections
from service.contract.documents import IndexedDocument, document_encoder
from service.errors import StorageUnavailableError
from service.search.meili import MeiliAdmin, SearchQueryError, SearchUnavailableError
from service.store.overrides import Overrides

FETCH_PAGE: Final = 10_000
# A refreshed source that would lose more than this share of its live records is refused
# unless forced: a publisher's export job that failed half-way still gives valid JSON (`[]`,
# or the first few rows), and syncing it would delete every meeting it no longer lists.
MAX_SHRINK_FRACTION: Final = 0.5
# Small sources come and go by a few records; only a loss of at least this many counts.
MIN_SHRINK_RECORDS: Final = 5
# Meilisearch refuses payloads over 100 MB by default.
MAX_PAYLOAD_BYTES: Final = 90 * 1024 * 1024
_INDEX_FIELDS: Final = IndexedDocument.__struct_fields__


class _Page(msgspec.Struct):
    results: list[StoredDocument]
    total: int


@dataclass
class SourceCounts:
    """What a sync did for one source."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    rejected: int = 0


@dataclass
class SyncPlan:
    """The changes a sync sends, and what it counted."""

    upserts: list[IndexedDocument] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    counts: dict[str, SourceCounts] = field(default_factory=dict)
    # Differences found outside the refreshed sources: left alone, reported.
    left_alone: int = 0


def shrink_problem(live_count: int, new_count: int) -> str | None:
    """Why a refreshed source that shrinks from `live_count` to `new_count` is refused."""
    lost = live_count - new_count
    if lost <= 0 or (new_count > 0 and lost < MIN_SHRINK_RECORDS):
        return None
    if new_count == 0:
        return f"the source now lists no records (the index holds {live_count})"
    if lost > live_count * MAX_SHRINK_FRACTION:
        return (
            f"the source now lists {new_count} records against {live_count} in the index "
            f"(more than {MAX_SHRINK_FRACTION:.0%} would be deleted)"
        )
    return None


def refused_shrinks(
    loads: Iterable[SourceLoad], live: Mapping[str, list[IndexedDocument]]
) -> list[SourceFailure]:
    """The loads whose source would shrink too much, as failures to report."""
    refused = []
    for load in loads:
        problem = shrink_problem(len(live.get(load.source.id, ())), len(load.documents))
        if problem is not None:
            reason = f"{problem}; run again with --allow-shrink if that is right"
            refused.append(SourceFailure(source=load.source, reason=reason))
    return refused


def fetch_live(admin: MeiliAdmin, index: str) -> list[StoredDocument]:
    """Every document of the live index, with every stored field."""
    documents: list[StoredDocument] = []
    while True:
        raw = admin.documents_page(index, offset=len(documents), limit=FETCH_PAGE)
        try:
            page = msgspec.convert(raw, _Page)
        except msgspec.ValidationError as exc:
            raise PublishError(
                f"the live index holds documents this version cannot read ({exc}); "
                "rebuild it with `pathways-indexer index`"
            ) from exc
        documents.extend(page.results)
        if not page.results or len(documents) >= page.total:
            return documents


def member_records(doc: StoredDocument) -> list[IndexedDocument]:
    """The source records a live document was made from (itself, when it is not merged)."""
    if doc.merged_records:
        return list(doc.merged_records)
    values = {name: getattr(doc, name) for name in _INDEX_FIELDS}
    values.update(also_from=(), content_hash=None)
    return [IndexedDocument(**values)]


def records_by_source(live: Iterable[StoredDocument]) -> dict[str, list[IndexedDocument]]:
    """The live index's source records, grouped by source id."""
    grouped: dict[str, list[IndexedDocument]] = {}
    for doc in live:
        for record in member_records(doc):
            grouped.setdefault(record.provenance.source, []).append(record)
    return grouped


def merged_of(doc: IndexedDocument) -> tuple[IndexedDocument, ...]:
    """The records merged into a document (none for a document of one record)."""
    return doc.merged_records if isinstance(doc, StoredDocument) else ()


def sources_of(doc: IndexedDocument) -> list[str]:
    """The sources a document involves: its own, then those merged into it."""
    return [doc.provenance.source, *(p.source for p in doc.also_from)]


def _owner(doc: IndexedDocument, refreshed: set[str]) -> str | None:
    return next((s for s in sources_of(doc) if s in refreshed), None)


def _touched(
    docs: Iterable[IndexedDocument], refreshed: set[str]
) -> tuple[set[str], dict[str, str]]:
    """Ids a sync may change, and the refreshed source each is counted under."""
    ids: set[str] = set()
    owner_of: dict[str, str] = {}
    for doc in docs:
        owner = _owner(doc, refreshed)
        if owner is None:
            continue
        for doc_id in (doc.id, *(m.id for m in merged_of(doc))):
            ids.add(doc_id)
            owner_of.setdefault(doc_id, owner)
    return ids, owner_of


def plan_sync(
    live: Iterable[IndexedDocument], desired: Iterable[IndexedDocument], refreshed: set[str]
) -> SyncPlan:
    """The adds, updates and deletes that make the live index what it should be."""
    live_by_id = {d.id: d for d in live}
    desired_by_id = {d.id: d for d in desired}
    touched, owner_of = _touched([*desired_by_id.values(), *live_by_id.values()], refreshed)
    plan = SyncPlan(counts={s: SourceCounts() for s in sorted(refreshed)})
    for doc_id, doc in desired_by_id.items():
        before = live_by_id.get(doc_id)
        if before is not None and before.content_hash == doc.content_hash:
            continue
        if doc_id not in touched:
            plan.left_alone += 1
            continue
        plan.upserts.append(doc)
        counts = plan.counts[owner_of[doc_id]]
        if before is None:
            counts.added += 1
        else:
            counts.updated += 1
    for doc_id in live_by_id.keys() - desired_by_id.keys():
        if doc_id not in touched:
            plan.left_alone += 1
            continue
        plan.deletes.append(doc_id)
        plan.counts[owner_of[doc_id]].deleted += 1
    plan.deletes.sort()
    return plan


def apply_plan(admin: MeiliAdmin, index: str, plan: SyncPlan) -> None:
    """Send the plan: additions and replacements first (checked), then deletions."""
    for batch in _batches(plan.upserts):
        admin.wait(admin.enqueue_documents(index, batch))
    if plan.deletes:
        admin.delete_documents(index, plan.deletes)


def _batches(documents: list[IndexedDocument]) -> Iterable[bytes]:
    """One payload when it fits (one task), else the fewest payloads under the limit."""
    if not documents:
        return
    body = document_encoder.encode(documents)
    if len(body) <= MAX_PAYLOAD_BYTES:
        yield body
        return
    half = len(documents) // 2
    yield from _batches(documents[:half])
    yield from _batches(documents[half:])


def ordered_sources(
    by_source: Mapping[str, list[IndexedDocument]], order: Iterable[str]
) -> dict[str, list[IndexedDocument]]:
    """Sources in the sources file's order, then any others the index holds, by id."""
    order = list(order)
    ids = [s for s in order if s in by_source] + sorted(set(by_source) - set(order))
    return {s: by_source[s] for s in ids}


def run_sync(args: argparse.Namespace, *, out: TextIO) -> int:
    """The `sync` command: returns the exit code (0 ok, 1 a source failed, 2 Meilisearch)."""
    started = time.perf_counter()
    sources = read_sources_file(args.sources).source
    unknown = sorted(set(args.source or ()) - {s.id for s in sources})
    if unknown:
        print(f"error: no source {', '.join(unknown)} in {args.sources}", file=out)
        return 1
    chosen = [s for s in sources if not args.source or s.id in args.source]
    loads, failures = load_sources(chosen, args.sources.parent)
    report = RunReport(loads=loads, failures=failures)
    try:
        overrides = read_overrides(args.database_url)
    except StorageUnavailableError as exc:
        # Syncing without the corrections would undo them: stop instead.
        print(f"error: {exc} The live index is unchanged.", file=out)
        return 2
    place = placing(GeocoderOptions.from_args(args))
    order = [s.id for s in sources]
    admins = replica_admins(args.meili_url, args.meili_key)
    done: tuple[SyncPlan, list[SourceFailure]] | None = None
    failed: list[str] = []
    try:
        for label, admin in admins:
            # Each replica is planned against its own live index, so one that missed a sync
            # gets what it missed; the corrections are counted once, on the first.
            counted = report if done is None else RunReport(loads=loads, failures=failures)
            try:
                result = _sync(
                    admin,
                    args.index,
                    loads,
                    place,
                    order,
                    overrides,
                    counted,
                    force=args.allow_shrink,
                )
            except (SearchUnavailableError, SearchQueryError, PublishError) as exc:
                where = f"replica {label}: " if len(admins) > 1 else ""
                print(f"error: {where}{exc}", file=out)
                failed.append(label)
                continue
            done = done or result
        if done is not None:
            save_flags(args.database_url, report.corrections.flags)
    except StorageUnavailableError as exc:
        print(f"error: {exc}", file=out)
        return 2
    finally:
        place.close()
    if done is None:
        return 2
    plan, refused = done
    report.geocode, report.timezones = place.geocode, place.timezones
    failures = [*failures, *refused]
    report.failures = failures
    write_rejections(report, out=out, max_shown=args.max_shown, path=args.report)
    write_sync_summary(
        plan, report, out=out, index=args.index, seconds=time.perf_counter() - started
    )
    if failed:
        print(f"not synced: replica {', '.join(failed)}; the next sync catches it up", file=out)
        return 2
    return 1 if failures or (args.strict and report.rejected_count) else 0


def _sync(
    admin: MeiliAdmin,
    index: str,
    loads: list[SourceLoad],
    place: Placing,
    order: list[str],
    overrides: Overrides,
    report: RunReport,
    *,
    force: bool,
) -> tuple[SyncPlan, list[SourceFailure]]:
    admin.health()
    if not admin.index_exists(index):
        raise PublishError(
            f"index {index!r} does not exist: build it with `pathways-indexer index`"
        )
    live = fetch_live(admin, index)
    by_source = records_by_source(live)
    refused = [] if force else refused_shrinks(loads, by_source)
    skipped = {f.source.id for f in refused}
    loads = [load for load in loads if load.source.id not in skipped]
    by_source.update(prepare(loads, place))
    desired = store(ordered_sources(by_source, order), MergeReport())
    desired = apply_overrides(desired, overrides, place.chain, report.corrections)
    # A source with corrections or checks is re-planned too, though not re-read: only the
    # stewards' word can differ there, and it applies on every sync.
    steered = set(overrides.corrections) | set(overrides.verifications)
    corrected = {d.provenance.source for d in (*live, *desired) if d.id in steered}
    plan = plan_sync(live, desired, {load.source.id for load in loads} | corrected)
    for load in loads:
        plan.counts[load.source.id].rejected = len(load.rejections)
    apply_plan(admin, index, plan)
    return plan, refused


def write_sync_summary(
    plan: SyncPlan, report: RunReport, *, out: TextIO, index: str, seconds: float
) -> None:
    """Adds, updates, deletes and rejects per source, failures, and what was left alone."""
    print("", file=out)
    print(f"{'source':<22} {'added':>7} {'updated':>7} {'deleted':>7} {'rejected':>8}", file=out)
    for source, c in plan.counts.items():
        print(f"{source:<22} {c.added:>7} {c.updated:>7} {c.deleted:>7} {c.rejected:>8}", file=out)
    for failure in report.failures:
        print(f"{failure.source.id:<22} FAILED, unchanged in the index: {failure.reason}", file=out)
    if plan.left_alone:
        print(
            f"left alone: {plan.left_alone} differences in sources not refreshed "
            "(sync them, or rebuild with `index`)",
            file=out,
        )
    write_corrections(report.corrections, out=out)
    changed = len(plan.upserts) + len(plan.deletes)
    print(f"synced index {index!r}: {changed} documents changed in {seconds:.1f} s", file=out)
