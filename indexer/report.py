"""What an indexer run tells its user: rejected records, and a summary of counts and time."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from indexer.geocode import GeocodeReport
from indexer.load import SourceFailure
from indexer.records import Rejection, SourceLoad


@dataclass
class RunReport:
    """Everything one run found, filled in as it goes."""

    loads: list[SourceLoad] = field(default_factory=list)
    failures: list[SourceFailure] = field(default_factory=list)
    geocode: GeocodeReport = field(default_factory=GeocodeReport)
    published_to: str | None = None

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
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"{r}\n" for r in report.rejections), encoding="utf-8")


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
    print(
        f"geocoded offline: {report.geocode.placed}; in person but not placed: "
        f"{len(report.geocode.unplaced)}",
        file=out,
    )
    if published:
        print(
            f"published {report.document_count} documents to index "
            f"{report.published_to!r} in {seconds:.1f} s",
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
