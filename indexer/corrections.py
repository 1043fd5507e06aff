"""Stewards' corrections applied over the source data, on every `index` and `sync`.

After the sources are loaded, placed and merged, each listing with accepted corrections gets
them, field by field, in the order they were accepted; a `closed` status removes it. The
source's own records stay in the stored document (`merged_records`), so a `sync` that does
not re-read a source still starts from that source's values, never from corrected ones.

When the source's value of a corrected field is no longer the one remembered when the
correction was accepted, the correction is flagged for a steward: `source_caught_up` (the
source now says what the correction says) or `source_disagrees`. A flagged correction still
applies until a steward keeps or drops it, so neither side wins silently.
A listing's latest verification is carried as `checked` (shown as "checked by ... on ...").
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import msgspec

from indexer.dedupe import StoredDocument, stored, with_content_hash
from indexer.geocode import GeocoderChain, GeocodeReport, geocode_documents
from service.contract.documents import Checked, IndexDocument, IndexedDocument
from service.search.indexed import to_indexed
from service.store.engine import sync_engine
from service.store.fields import apply_field, read_field
from service.store.overrides import FlagUpdate, Overrides, load_overrides, record_flags
from service.store.records import Correction, Flag


@dataclass
class CorrectionReport:
    """What the corrections did in one run."""

    applied: int = 0
    listings: int = 0
    closed: list[str] = field(default_factory=list)
    flags: list[FlagUpdate] = field(default_factory=list)
    verified: int = 0
    # Corrections of ids no source publishes any more.
    orphaned: int = 0


def add_database_argument(parser: argparse.ArgumentParser, env: Mapping[str, str]) -> None:
    """`--database-url`: where stewards' corrections are read from (none by default)."""
    parser.add_argument(
        "--database-url",
        default=env.get("PATHWAYS_DATABASE_URL", ""),
        help="the reports database whose accepted corrections apply over the sources",
    )


def read_overrides(url: str) -> Overrides:
    """The store's corrections and checks; none without a database URL."""
    if not url:
        return Overrides()
    engine = sync_engine(url)
    try:
        return load_overrides(engine)
    finally:
        engine.dispose()


def save_flags(url: str, flags: list[FlagUpdate], *, now: datetime | None = None) -> int:
    """Write the run's flags to the store."""
    if not url or not flags:
        return 0
    engine = sync_engine(url)
    try:
        return record_flags(engine, flags, now=now or datetime.now(UTC))
    finally:
        engine.dispose()


def flag_for(correction: Correction, source_value: object) -> Flag | None:
    """The flag a correction gets given the source's value now (None: nothing moved)."""
    unchanged = source_value == correction.source_value
    if correction.flag is not None and correction.flagged_value == source_value:
        return None
    if unchanged:
        return None
    return "source_caught_up" if source_value == correction.value else "source_disagrees"


def corrected(
    doc: IndexDocument, found: Iterable[Correction], report: CorrectionReport
) -> IndexDocument | None:
    """The document with its corrections applied (None: closed); flags noted in the report."""
    source = doc
    latest: datetime | None = None
    for correction in found:
        flag = flag_for(correction, read_field(source, correction.field))
        if flag is not None:
            report.flags.append(
                FlagUpdate(
                    correction_id=correction.id,
                    flag=flag,
                    source_value=read_field(source, correction.field),
                )
            )
        result = apply_field(doc, correction.field, correction.value)
        report.applied += 1
        latest = max(latest or correction.created_at, correction.created_at)
        if result is None:
            report.closed.append(doc.id)
            return None
        doc = result
    if latest is not None:
        doc = msgspec.structs.replace(doc, corrected_at=latest.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return doc


def apply_overrides(
    documents: list[IndexedDocument],
    overrides: Overrides,
    chain: GeocoderChain,
    report: CorrectionReport,
) -> list[IndexedDocument]:
    """The stored documents with corrections and checks applied, re-placed and re-hashed."""
    if not overrides:
        return documents
    out: list[IndexedDocument] = []
    seen: set[str] = set()
    for doc in documents:
        seen.add(doc.id)
        found = overrides.corrections.get(doc.id, ())
        check = overrides.verifications.get(doc.id)
        if not found and check is None:
            out.append(doc)
            continue
        members = doc.merged_records if isinstance(doc, StoredDocument) else ()
        original = _source_record(doc)
        changed = corrected(original, found, report)
        if changed is None:
            continue
        report.listings += bool(found)
        if check is not None:
            report.verified += 1
            changed = msgspec.structs.replace(
                changed, checked=Checked(on=check.checked_on.isoformat(), by=check.organisation)
            )
        if changed.geo is None and changed.address is not None:
            changed = geocode_documents([changed], chain, GeocodeReport())[0]
        out.append(
            with_content_hash(
                stored(to_indexed(changed), merged_records=members or (_member(original),))
            )
        )
    report.orphaned = sum(len(v) for k, v in overrides.corrections.items() if k not in seen)
    return out


def _source_record(doc: IndexedDocument) -> IndexedDocument:
    """The document as the sources made it (without its stored extras)."""
    values = {name: getattr(doc, name) for name in IndexedDocument.__struct_fields__}
    values["content_hash"] = None
    return IndexedDocument(**values)


def _member(doc: IndexedDocument) -> IndexedDocument:
    return msgspec.structs.replace(doc, content_hash=None)
