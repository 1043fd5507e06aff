"""`python -m indexer` / `pathways-indexer`: load, validate, normalize and publish sources.

Commands: `index` rebuilds the whole index (staging index + swap), `sync` refreshes one or
all sources in the live index record by record (indexer/sync.py), `validate` publishes nothing,
`coverage` writes docs/coverage.md and its map (indexer/coverage/).

Exit codes: 0 published (rejected records, if any, are listed); 1 bad data: a source could
not be read, so nothing was published (with --strict, any rejected record too); 2
Meilisearch unreachable or publishing failed. After 1 or 2 the live index is unchanged,
except that --strict still publishes the valid records before reporting 1, and `sync`
still refreshes the sources that could be read.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from indexer.corrections import add_database_argument, apply_overrides, read_overrides, save_flags
from indexer.coverage.write import write_coverage
from indexer.load import load_sources, read_sources_file
from indexer.pipeline import GeocoderOptions, add_geocoder_arguments, placing, prepare, store
from indexer.publish import publish_replicas, replica_admins
from indexer.records import SourceConfig, SourceLoadError
from indexer.report import RunReport, write_rejections, write_summary
from indexer.sync import run_sync
from service.contract.documents import IndexedDocument
from service.errors import StorageUnavailableError
from service.settings import DEFAULT_INDEX, PROJECT_ROOT
from service.store.overrides import Overrides

EXIT_OK, EXIT_BAD_DATA, EXIT_UNREACHABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pathways-indexer", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("index", "load every source and publish the index"),
        ("validate", "load and validate every source; publish nothing"),
        ("sync", "refresh one or all sources in the live index (adds, updates, deletes)"),
        ("coverage", "write the coverage report (docs/coverage.md and its map); publish nothing"),
    ):
        cmd = sub.add_parser(name, help=help_text)
        cmd.add_argument(
            "--sources", type=Path, default=PROJECT_ROOT / "seed_data" / "sources.toml"
        )
        cmd.add_argument("--report", type=Path, help="write every rejected record to this file")
        cmd.add_argument("--max-shown", type=int, default=20, help="rejections shown per source")
        cmd.add_argument("--no-progress", action="store_true")
        cmd.add_argument("--strict", action="store_true", help="exit 1 when any record is rejected")
        add_geocoder_arguments(cmd, os.environ)
    for name in ("index", "sync"):
        cmd = sub.choices[name]
        cmd.add_argument("--index", default=os.environ.get("PATHWAYS_INDEX", DEFAULT_INDEX))
        cmd.add_argument(
            "--meili-url",
            default=os.environ.get("PATHWAYS_MEILI_URLS", "").strip()
            or os.environ.get("PATHWAYS_MEILI_URL", ""),
            help="the Meilisearch server, or several replicas, comma-separated",
        )
        cmd.add_argument("--meili-key", default=os.environ.get("PATHWAYS_MEILI_KEY", ""))
        add_database_argument(cmd, os.environ)
    sub.choices["sync"].add_argument(
        "--source", action="append", help="the id of a source to refresh (repeatable; default all)"
    )
    sub.choices["sync"].add_argument(
        "--allow-shrink",
        action="store_true",
        help="sync a source even when it lost most of its records (or all of them)",
    )
    sub.choices["coverage"].add_argument(
        "--out", type=Path, default=PROJECT_ROOT / "docs" / "coverage.md"
    )
    return parser


def build_documents(
    sources_path: Path,
    report: RunReport,
    *,
    progress: bool,
    geocoder: GeocoderOptions = GeocoderOptions(),  # noqa: B008 - frozen, never mutated
    overrides: Overrides | None = None,
) -> list[IndexedDocument] | None:
    """Load, validate, place and merge every source; None when a source could not be read."""
    sources = read_sources_file(sources_path).source
    with tqdm(total=len(sources), desc="loading", unit="source", disable=not progress) as bar:

        def advance(_source: SourceConfig) -> None:
            bar.update()

        loads, failures = load_sources(sources, sources_path.parent, on_source=advance)
    report.loads, report.failures = loads, failures
    if failures:
        return None
    place = placing(geocoder)
    try:
        documents = store(prepare(loads, place), report.merges)
        if overrides:
            documents = apply_overrides(documents, overrides, place.chain, report.corrections)
    finally:
        place.close()
    report.geocode, report.timezones = place.geocode, place.timezones
    return documents


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the CLI; returns the exit code."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)
    progress = not args.no_progress and sys.stderr.isatty()
    started = time.perf_counter()
    report = RunReport()
    if args.command == "sync":
        if not args.meili_url:
            print("error: no Meilisearch: set PATHWAYS_MEILI_URL or pass --meili-url", file=out)
            return EXIT_UNREACHABLE
        try:
            return run_sync(args, out=out)
        except SourceLoadError as exc:
            print(f"error: {exc}", file=out)
            return EXIT_BAD_DATA
    database_url = getattr(args, "database_url", "")
    try:
        overrides = read_overrides(database_url)
    except StorageUnavailableError as exc:
        # Publishing without the corrections would undo them: stop instead.
        print(f"error: {exc} The live index is unchanged.", file=out)
        return EXIT_UNREACHABLE
    try:
        documents = build_documents(
            args.sources,
            report,
            progress=progress,
            geocoder=GeocoderOptions.from_args(args),
            overrides=overrides,
        )
    except SourceLoadError as exc:
        print(f"error: {exc}", file=out)
        return EXIT_BAD_DATA
    if documents is not None and args.command == "coverage":
        write_coverage(documents, args.out)
        print(f"coverage report written to {args.out}", file=out)
    if documents is not None and args.command == "index":
        _save_flags(database_url, report, out=out)
    if documents is not None and args.command == "index":
        if not args.meili_url:
            print("error: no Meilisearch: set PATHWAYS_MEILI_URL or pass --meili-url", file=out)
            return EXIT_UNREACHABLE
        code = _publish(documents, args, report, progress=progress, out=out)
        if code != EXIT_OK:
            write_summary(report, out=out, seconds=time.perf_counter() - started, published=False)
            return code
        report.published_to = args.index
        report.published_count = len(documents)
    write_rejections(report, out=out, max_shown=args.max_shown, path=args.report)
    write_summary(
        report, out=out, seconds=time.perf_counter() - started, published=bool(report.published_to)
    )
    if report.failures or (args.strict and report.rejected_count):
        return EXIT_BAD_DATA
    return EXIT_OK


def _save_flags(database_url: str, report: RunReport, *, out: TextIO) -> None:
    try:
        save_flags(database_url, report.corrections.flags)
    except StorageUnavailableError as exc:
        print(
            f"warning: the flags for stewards were not saved ({exc}); the next run retries",
            file=out,
        )


def _publish(
    documents: list[IndexedDocument],
    args: argparse.Namespace,
    report: RunReport,
    *,
    progress: bool,
    out: TextIO,
) -> int:
    admins = replica_admins(args.meili_url, args.meili_key)
    total = len(documents) * len(admins)
    with tqdm(total=total, desc="publishing", unit="doc", disable=not progress) as bar:

        def advance(_replica: int, count: int) -> None:
            bar.update(count)

        failures = publish_replicas(admins, documents, index=args.index, on_batch=advance)
    if len(failures) == len(admins) == 1:
        # One server: the messages of a publish without replicas.
        failure = failures[0]
        doing = "" if failure.unreachable else "publishing failed: "
        print(f"error: {doing}{failure.reason}. The live index is unchanged.", file=out)
        return EXIT_UNREACHABLE
    for failure in failures:
        print(
            f"error: replica {failure.replica}: publishing failed: {failure.reason}. "
            "It keeps serving its previous index; the next run publishes to it again.",
            file=out,
        )
    if failures:
        return EXIT_UNREACHABLE
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
