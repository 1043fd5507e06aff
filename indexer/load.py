"""Read a sources file and load every source it declares into documents."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import msgspec

from indexer.records import SourceConfig, SourceLoad, SourceLoadError, SourcesFile
from indexer.sources.bmlt import naws
from indexer.sources.bmlt import semantic as bmlt
from indexer.sources.housing import city_lists as housing
from indexer.sources.housing import linksf
from indexer.sources.hsds import json_form as hsds
from indexer.sources.hsds import tabular as hsds_tabular
from indexer.sources.meeting_guide import feed as meeting_guide
from indexer.sources.pathways import seed as pathways
from indexer.sources.treatment import findtreatment, findtreatment_json, hrsa, moud, samhsa

Loader = Callable[[SourceConfig, Path], SourceLoad]

# The formats a source can declare, and how each is read: the one list of them.
LOADERS: Final[dict[str, Loader]] = {
    "meeting_guide": meeting_guide.load,
    "samhsa_su": samhsa.load,
    "samhsa_mh": samhsa.load,
    "samhsa_otp": samhsa.load,
    "samhsa_moud": moud.load,
    "findtreatment": findtreatment.load,
    "hrsa_fqhc": hrsa.load,
    "dc_shelters": housing.load,
    "nyc_homebase": housing.load,
    "pathways": pathways.load,
    "bmlt": bmlt.load,
    "naws_csv": naws.load,
    "hsds_json": hsds.load,
    "hsds_tabular": hsds_tabular.load,
    "findtreatment_json": findtreatment_json.load,
    "linksf": linksf.load,
}


class SourceFailure(msgspec.Struct, frozen=True, kw_only=True):
    """A source that could not be read at all."""

    source: SourceConfig
    reason: str


def read_sources_file(path: Path) -> SourcesFile:
    """Parse and validate a sources file; raises SourceLoadError naming the problem."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourceLoadError(f"{path}: sources file not found") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourceLoadError(f"{path}: not valid TOML: {exc}") from exc
    try:
        sources = msgspec.convert(raw, SourcesFile)
    except msgspec.ValidationError as exc:
        raise SourceLoadError(f"{path}: {exc}") from exc
    unknown = [s for s in sources.source if s.format not in LOADERS]
    if unknown:
        raise SourceLoadError(
            f"{path}: source {unknown[0].id!r}: unknown format {unknown[0].format!r}; "
            f"the formats are {', '.join(LOADERS)}"
        )
    ids = [s.id for s in sources.source]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise SourceLoadError(f"{path}: source ids must be unique, repeated: {', '.join(repeated)}")
    return sources


def newest_date(values: Iterable[str | None]) -> str | None:
    """The latest of some ISO 8601 dates or date-times, as written; None when none parses."""
    dated: list[tuple[datetime, str]] = []
    for value in values:
        if not value:
            continue
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            continue
        dated.append((parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC), value))
    return max(dated)[1] if dated else None


def with_source_dates(load: SourceLoad) -> SourceLoad:
    """The load with its source's refresh period and edition (its newest date) carried in
    every document's provenance."""
    days = load.source.refresh_days
    edition = newest_date(
        [load.source.updated_at, *(d.provenance.updated_at for d in load.documents)]
    )
    load.documents = [
        msgspec.structs.replace(
            doc,
            provenance=msgspec.structs.replace(
                doc.provenance,
                refresh_days=days if days is not None else doc.provenance.refresh_days,
                source_updated_at=edition,
            ),
        )
        for doc in load.documents
    ]
    return load


def load_sources(
    sources: Sequence[SourceConfig],
    root: Path,
    *,
    on_source: Callable[[SourceConfig], None] | None = None,
) -> tuple[list[SourceLoad], list[SourceFailure]]:
    """Load every source; a source that fails whole is reported, the others still load."""
    loads: list[SourceLoad] = []
    failures: list[SourceFailure] = []
    for source in sources:
        try:
            loads.append(with_source_dates(LOADERS[source.format](source, root)))
        except SourceLoadError as exc:
            failures.append(SourceFailure(source=source, reason=str(exc)))
        if on_source is not None:
            on_source(source)
    return loads, failures
