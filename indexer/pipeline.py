"""The steps every run shares after loading: place, zone, one document per meeting, merge
duplicates, hash.

`index` (full rebuild) and `sync` (incremental) both turn loaded sources into stored
documents here, so a record is stored the same way whichever command wrote it, and a
`sync` right after an `index` finds nothing to change.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from indexer.consolidate import consolidate
from indexer.dedupe import MergeReport, finalize
from indexer.geocode import GeocoderChain, GeocodeReport, geocode_documents
from indexer.geocode_web import (
    GEOCODER_KINDS,
    CachedWebGeocoder,
    GeocodeCache,
    GeocoderKind,
    web_geocoder,
)
from indexer.records import SourceLoad, SourceLoadError
from indexer.timezones import TimezoneReport, finish_schedule
from meili_local import default_state_dir
from service.contract.documents import IndexedDocument
from service.places.geocoder import Gazetteer


@dataclass
class Placing:
    """What placing documents needs: the gazetteer, the chain, and the reports it fills."""

    gazetteer: Gazetteer
    chain: GeocoderChain
    geocode: GeocodeReport
    timezones: TimezoneReport
    cache: GeocodeCache | None = None

    def close(self) -> None:
        """Close the web geocoder's cache file, if any."""
        if self.cache is not None:
            self.cache.close()


def add_geocoder_arguments(parser: argparse.ArgumentParser, env: Mapping[str, str]) -> None:
    """The web geocoder options (all optional: without a URL, placing stays offline)."""
    parser.add_argument(
        "--geocoder-url",
        default=env.get("PATHWAYS_GEOCODER_URL", ""),
        help="a self-hosted Nominatim or Photon, asked after the offline gazetteer",
    )
    parser.add_argument(
        "--geocoder", choices=GEOCODER_KINDS, default=env.get("PATHWAYS_GEOCODER", "nominatim")
    )
    parser.add_argument(
        "--geocoder-min-delay-s",
        type=float,
        default=float(env.get("PATHWAYS_GEOCODER_MIN_DELAY_S", "1.0")),
    )
    parser.add_argument(
        "--geocode-cache",
        type=Path,
        default=default_state_dir(env) / "geocode-cache.sqlite3",
        help="answers of the web geocoder, kept between runs",
    )


@dataclass(frozen=True)
class GeocoderOptions:
    """Which web geocoder, if any, follows the offline gazetteer (none by default)."""

    url: str = ""
    kind: GeocoderKind = "nominatim"
    min_delay_s: float = 1.0
    cache_path: Path | None = None

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> GeocoderOptions:
        """The options given on the command line (see add_geocoder_arguments)."""
        return cls(
            url=args.geocoder_url,
            kind=args.geocoder,
            min_delay_s=args.geocoder_min_delay_s,
            cache_path=args.geocode_cache,
        )


def placing(options: GeocoderOptions) -> Placing:
    """The gazetteer and geocoder chain the options ask for."""
    gazetteer = Gazetteer.load()
    chain = GeocoderChain.offline_only(gazetteer)
    cache = None
    if options.url:
        try:
            geocoder = web_geocoder(options.url, options.kind)
        except ValueError as exc:
            raise SourceLoadError(f"--geocoder-url: {exc}") from exc
        cache = GeocodeCache(
            options.cache_path or default_state_dir(os.environ) / "geocode-cache.sqlite3"
        )
        chain.web = CachedWebGeocoder(
            geocoder,
            cache,
            namespace=f"{options.kind} {options.url}",
            min_delay_s=options.min_delay_s,
        )
    return Placing(gazetteer, chain, GeocodeReport(), TimezoneReport(), cache)


def prepare(loads: Iterable[SourceLoad], place: Placing) -> dict[str, list[IndexedDocument]]:
    """Each source's documents placed and zoned, by source id (not yet merged)."""
    return {
        load.source.id: [
            finish_schedule(d, load.source, place.gazetteer, place.timezones)
            for d in geocode_documents(load.documents, place.chain, place.geocode)
        ]
        for load in loads
    }


def store(
    by_source: Mapping[str, list[IndexedDocument]], merges: MergeReport
) -> list[IndexedDocument]:
    """All sources' documents, each source's meetings consolidated, duplicates merged, hashed:
    what the index should hold."""
    return finalize((d for docs in by_source.values() for d in consolidate(docs, merges)), merges)
