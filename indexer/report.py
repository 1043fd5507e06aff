"""What an indexer run tells its user: rejected records, and a summary of counts and time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from indexer.corrections import CorrectionReport
from indexer.dedupe import MergeReport
from indexer.geocode import GeocodeReport
from indexer.load import SourceFailure
from indexer.records import Rejection, SourceLoad
from indexer.timezones import TimezoneReport


@dataclass
class RunReport:
    """Everything one run found, filled in as it goes."""

    loads: list[SourceLoad] = field(default_factory=list)
    failures: list[SourceFailure] = field(default_factory=list)
    geocode: GeocodeReport = field(default_factory=GeocodeReport)
    timezones: TimezoneReport = field(default_factory=TimezoneReport)
    merges: MergeReport = field(default_factory=MergeReport)
    corrections: CorrectionReport = field(default_factory=CorrectionReport)
    published_to: str | None = None
    # How many documents the index holds after merging duplicates (set when publishing).
    published_count: int | None = None

    @property
    def rejections(self) -> list[Rejection]:
        """Every rejected record, source by source."""
        return [r for load in self.loads for r in load.rejections]

    @property
    def rejected_count(self) -> int:
        """How many records were rejected."""
        return sum(len(load.rejections) for load in self.loads)

    @property
    def document_count(self) -> int:
        """How many documents the sources produced."""
        return sum(len(load.documents) for load in self.loads)


def write_rejections(report: RunReport, *, out: TextIO, max_shown: int, path: Path | None) -> None:
    """List rejected records as `file:line: reason` (or `file[index]: reason`)."""
    for failure in report.failures:
        print(f"source {failure.source.id} could not be read: {failure.reason}", file=out)
    for load in report.loads:
        shown = load.rejections[:max_shown]
        for rejection in shown:
            print(f"rejected {rejection}", file=out)
        hidden = len(load.rejections) - len(shown)
        if hidden > 0:
            where = f" (all in {path})" if path else " (use --report FILE for all)"
            print(f"... and {hidden} more rejected in {load.source.id}{where}", file=out)
        _write_kept_problems(load, out=out, max_shown=max_shown)
    for where in report.geocode.unplaced_where[:max_shown]:
        print(f"not placed (kept, no coordinates) {where}", file=out)
    if len(report.geocode.unplaced_where) > max_shown:
        print(f"... and {len(report.geocode.unplaced_where) - max_shown} more not placed", file=out)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{r}\n" for r in report.rejections), encoding="utf-8")


def _write_kept_problems(load: SourceLoad, *, out: TextIO, max_shown: int) -> None:
    """Records kept with something dropped, and the codes no crosswalk knows."""
    for warning in load.warnings[:max_shown]:
        print(f"warning {warning}", file=out)
    if len(load.warnings) > max_shown:
        print(
            f"... and {len(load.warnings) - max_shown} more warnings in {load.source.id}", file=out
        )
    if load.unknown_codes:
        codes = sorted(load.unknown_codes.items(), key=lambda kv: (-kv[1], kv[0]))
        listed = ", ".join(f"{code!r} x{count}" for code, count in codes)
        print(f"unknown codes in {load.source.id} (kept as tags): {listed}", file=out)


def write_summary(report: RunReport, *, out: TextIO, seconds: float, published: bool) -> None:
    """Counts by kind and by source, rejections, geocoding and time."""
    kinds: Counter[str] = Counter(d.kind for load in report.loads for d in load.documents)
    print("", file=out)
    print(f"{'source':<22} {'documents':>9} {'rejected':>8}", file=out)
    for load in report.loads:
        print(f"{load.source.id:<22} {len(load.documents):>9} {len(load.rejections):>8}", file=out)
    for failure in report.failures:
        print(f"{failure.source.id:<22} {'FAILED':>9} {'-':>8}", file=out)
    print(
        f"{'total':<22} {report.document_count:>9} {report.rejected_count:>8}",
        file=out,
    )
    print("by kind: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())), file=out)
    unknown = sum(sum(load.unknown_codes.values()) for load in report.loads)
    warnings = sum(len(load.warnings) for load in report.loads)
    print(f"kept with a warning: {warnings}; unknown codes kept as tags: {unknown}", file=out)
    print(
        f"one card per meeting: {report.merges.meeting_records} records of "
        f"{report.merges.meeting_groups} meetings listed once per weekly time",
        file=out,
    )
    print(
        f"merged duplicates: {report.merges.records} records of {report.merges.groups} "
        "resources listed by more than one source",
        file=out,
    )
    geo = report.geocode
    print(
        f"geocoded offline: {geo.placed - geo.placed_web}; by the web geocoder: "
        f"{geo.placed_web} ({geo.web_calls} requests, {geo.web_cache_hits} from its cache, "
        f"{geo.web_errors} failed); in person but not placed: {len(geo.unplaced)}",
        file=out,
    )
    print(
        f"time zones: {report.timezones.from_coordinates} from coordinates, "
        f"{report.timezones.from_online_default} from the source's online zone; "
        f"timed but without a zone: {len(report.timezones.unknown)}",
        file=out,
    )
    write_corrections(report.corrections, out=out)
    if published:
        count = report.document_count if report.published_count is None else report.published_count
        print(
            f"published {count} documents to index {report.published_to!r} in {seconds:.1f} s",
            file=out,
        )
    elif report.failures:
        print(
            f"nothing published ({seconds:.1f} s): a source could not be read; "
            "the live index is unchanged",
            file=out,
        )
    else:
        print(f"nothing published ({seconds:.1f} s)", file=out)


def write_corrections(found: CorrectionReport, *, out: TextIO) -> None:
    """What the stewards' corrections did (nothing printed when there were none)."""
    if not (found.applied or found.verified or found.orphaned):
        return
    print(
        f"stewards' corrections: {found.applied} applied to {found.listings} listings "
        f"({len(found.closed)} closed and left out); {found.verified} verified listings; "
        f"{len(found.flags)} newly flagged because the source changed the field; "
        f"{found.orphaned} for listings no source has now",
        file=out,
    )
