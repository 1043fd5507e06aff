"""Build the benchmark corpus: the real seed documents spread over real US places.

The corpus keeps the seed's field distributions (kinds, needs, languages, schedules...) by
copying real documents, and moves each copy to a real populated place, chosen with weights by
population and jittered a few km, so density looks like the country's: dense in cities,
sparse elsewhere. Online and remote records are copied without a place.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final

import msgspec

from indexer.__main__ import build_documents
from indexer.report import RunReport
from service.contract.documents import (
    Address,
    GeoPoint,
    IndexDocument,
    IndexedDocument,
    document_encoder,
)
from service.places.gazetteer import DATA_DIR
from service.places.units import KM_PER_DEG
from service.search.indexed import to_indexed
from service.settings import PROJECT_ROOT

SEED_SOURCES: Final = PROJECT_ROOT / "seed_data" / "sources.toml"
JITTER_KM: Final = 4.0


class Place(msgspec.Struct, frozen=True):
    """A populated place to move copies to."""

    name: str
    state: str
    lat: float
    lng: float
    population: int


def load_places(path: Path = DATA_DIR / "us_places_pop500.csv") -> list[Place]:
    """GeoNames places shipped with the gazetteer."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Place(
                name=row["name"],
                state=row["state"],
                lat=float(row["latitude"]),
                lng=float(row["longitude"]),
                population=int(row["population"]),
            )
            for row in csv.DictReader(handle)
        ]


def seed_documents() -> list[IndexedDocument]:
    """Every document the real indexer builds from seed_data (load, validate, geocode)."""
    documents = build_documents(SEED_SOURCES, RunReport(), progress=False)
    if documents is None:
        raise SystemExit("seed_data has a source that cannot be read")
    return documents


def _jitter(rng: random.Random, lat: float, lng: float) -> tuple[float, float]:
    distance_km = JITTER_KM * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = distance_km * math.cos(bearing) / KM_PER_DEG
    dlng = distance_km * math.sin(bearing) / (KM_PER_DEG * max(math.cos(math.radians(lat)), 0.01))
    return round(lat + dlat, 6), round(lng + dlng, 6)


def spread(
    documents: Sequence[IndexDocument], places: Sequence[Place], *, total: int, seed: int = 7
) -> Iterator[IndexDocument]:
    """The documents, then copies moved to population-weighted places, up to `total`."""
    yield from documents
    rng = random.Random(seed)
    cumulative = list(itertools.accumulate(p.population for p in places))
    for copy_number in range(total - len(documents)):
        original = documents[copy_number % len(documents)]
        doc_id = f"{original.id[:180]}-c{copy_number}"
        # A distinct name, so the indexer's duplicate merge keeps copies apart: the corpus
        # must hold as many documents through the indexer as in the raw NDJSON.
        name = f"{original.name} #{copy_number}"
        if original.geo is None:
            yield to_indexed(msgspec.structs.replace(original, id=doc_id, name=name))
            continue
        place = places[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        lat, lng = _jitter(rng, place.lat, place.lng)
        address = original.address or Address()
        # Derived fields (grid cells, point key) follow the new point.
        yield to_indexed(
            msgspec.structs.replace(
                original,
                id=doc_id,
                name=name,
                geo=GeoPoint(lat=lat, lng=lng),
                address=msgspec.structs.replace(address, city=place.name, state=place.state),
            )
        )


def write_ndjson(documents: Iterator[IndexDocument], path: Path) -> int:
    """Write documents as NDJSON; returns how many."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("wb") as handle:
        for doc in documents:
            handle.write(document_encoder.encode(doc))
            handle.write(b"\n")
            count += 1
    return count


# The fields a Pathways seed record has; everything else on a document is derived.
_SEED_DROP: Final = ("id", "keywords", "provenance")


def to_seed_record(doc: IndexDocument, *, seed_fields: frozenset[str]) -> dict[str, object]:
    """A corpus document as a record of our own seed format, for the indexer's full path."""
    record = {k: v for k, v in msgspec.to_builtins(doc).items() if k in seed_fields}
    record["source_record_id"] = doc.id
    record["updated_at"] = (doc.provenance.updated_at or "2025-01-01")[:10]
    return record


def write_seed_files(
    documents: Iterator[IndexDocument], directory: Path, *, per_file: int = 25_000
) -> list[Path]:
    """Write the corpus as seed JSON files plus a sources.toml that loads them all."""
    from indexer.sources.pathways.seed import SeedRecord

    seed_fields = frozenset(f.encode_name for f in msgspec.structs.fields(SeedRecord))
    directory.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    batch: list[dict[str, object]] = []
    for doc in documents:
        batch.append(to_seed_record(doc, seed_fields=seed_fields))
        if len(batch) == per_file:
            paths.append(_write_batch(directory, len(paths), batch))
            batch = []
    if batch:
        paths.append(_write_batch(directory, len(paths), batch))
    entries = "".join(
        f'[[source]]\nid = "bench-{i}"\nname = "Benchmark corpus part {i}"\nformat = "pathways"\n'
        f'path = "{p.name}"\nlicence = "derived from seed_data (see seed_data/SOURCES.md)"\n\n'
        for i, p in enumerate(paths)
    )
    (directory / "sources.toml").write_text(entries, encoding="utf-8")
    return paths


def _write_batch(directory: Path, number: int, batch: list[dict[str, object]]) -> Path:
    path = directory / f"corpus-{number:02d}.json"
    path.write_bytes(msgspec.json.encode(batch))
    return path
