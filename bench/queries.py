"""The benchmark's query mix, each query in two forms: a Pathways API URL and the
straightforward Meilisearch request that answers the same question.

The mix follows how people search: a place plus a kind and sometimes a filter (most
searches), text with typos and the field's synonyms, online meetings, and later pages.
Places are ZIP codes drawn with weights by population, so cities come up more often.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import msgspec

from bench.corpus import Place
from service.documents import FILTER_FIELDS
from service.gazetteer import DATA_DIR

RADIUS_KM: Final = 25.0
PER_PAGE: Final = 20
FACET_ATTRIBUTES: Final = [f.attribute for f in FILTER_FIELDS]
ATTRIBUTE_OF: Final = {f.param: f.attribute for f in FILTER_FIELDS}

TEXT_QUERIES: Final = (
    "alcoholics anonymus",  # typo
    "suboxone",  # synonym of moud / buprenorphine
    "detox",
    "sober living",
    "spanish",
    "womens meeting",
    "methadone clinic",
    "mental helth",  # typo
    "narcotics anonymous",
    "big book",
    "medicaid",
    "veterans",
)
PLACE_FILTERS: Final[tuple[tuple[tuple[str, str], ...], ...]] = (
    (("kind", "meeting"),),
    (("kind", "meeting"),),
    (("kind", "treatment"),),
    (("kind", "treatment"),),
    (("kind", "health_center"),),
    (("kind", "meeting"), ("language", "es")),
    (("kind", "treatment"), ("need", "moud")),
    (("kind", "meeting"), ("attendance", "hybrid")),
)


class Query(msgspec.Struct, frozen=True, kw_only=True):
    """One question in both forms."""

    group: str
    api_path: str
    direct_body: dict[str, Any]
    origin: tuple[float, float] | None = None


def _filter(pairs: Sequence[tuple[str, str]]) -> list[str | list[str]]:
    return ['status = "active"'] + [[f'{ATTRIBUTE_OF[p]} = "{v}"'] for p, v in pairs]


def place_query(
    zip5: str, origin: tuple[float, float], pairs: Sequence[tuple[str, str]], *, page: int = 1
) -> Query:
    """Nearest first within 25 km: `_geoRadius` filter plus `_geoPoint` sort, with facets."""
    lat, lng = origin
    params = [("near", zip5), *pairs, ("radius_km", f"{RADIUS_KM:g}"), ("sort", "distance")]
    if page > 1:
        params.append(("page", str(page)))
    body = {
        "q": "",
        "filter": [*_filter(pairs), f"_geoRadius({lat:.6f}, {lng:.6f}, {round(RADIUS_KM * 1000)})"],
        "sort": [f"_geoPoint({lat:.6f}, {lng:.6f}):asc"],
        "facets": FACET_ATTRIBUTES,
        "page": page,
        "hitsPerPage": PER_PAGE,
    }
    group = "place" if page == 1 else "place_paging"
    return Query(
        group=group, api_path="/v1/search?" + urlencode(params), direct_body=body, origin=origin
    )


def text_query(text: str, pairs: Sequence[tuple[str, str]], *, group: str = "text") -> Query:
    """A text search without a place."""
    params = [("q", text), *pairs] if text else list(pairs)
    body = {
        "q": text,
        "filter": _filter(pairs),
        "facets": FACET_ATTRIBUTES,
        "page": 1,
        "hitsPerPage": PER_PAGE,
    }
    return Query(group=group, api_path="/v1/search?" + urlencode(params), direct_body=body)


def load_zips(
    path: Path = DATA_DIR / "zip_centroids.tsv",
) -> dict[str, list[tuple[str, float, float]]]:
    """ZIP centroids shipped with the gazetteer, by state."""
    by_state: dict[str, list[tuple[str, float, float]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            by_state.setdefault(row["state"], []).append(
                (row["zip"], float(row["lat"]), float(row["lng"]))
            )
    return by_state


def sample_zips(
    places: Sequence[Place], *, count: int, seed: int
) -> list[tuple[str, tuple[float, float]]]:
    """ZIP codes of population-weighted places (the ZIP centroid nearest to the place)."""
    rng = random.Random(seed)
    zips_by_state = load_zips()
    cumulative = list(itertools.accumulate(p.population for p in places))
    chosen: list[tuple[str, tuple[float, float]]] = []
    while len(chosen) < count:
        place = places[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        candidates = zips_by_state.get(place.state)
        if not candidates:
            continue
        zip5, lat, lng = min(
            candidates, key=lambda z: (z[1] - place.lat) ** 2 + (z[2] - place.lng) ** 2
        )
        chosen.append((zip5, (lat, lng)))
    return chosen


def query_mix(
    zips: Sequence[tuple[str, tuple[float, float]]], *, seed: int = 11
) -> dict[str, list[Query]]:
    """The benchmark's queries by group: place, place_paging, text, online."""
    rng = random.Random(seed)
    mix: dict[str, list[Query]] = {"place": [], "place_paging": [], "text": [], "online": []}
    for zip5, origin in zips:
        mix["place"].append(place_query(zip5, origin, rng.choice(PLACE_FILTERS)))
        mix["place_paging"].append(
            place_query(zip5, origin, (("kind", "meeting"),), page=rng.randint(2, 4))
        )
    for text in TEXT_QUERIES:
        mix["text"].append(text_query(text, ()))
        mix["text"].append(text_query(text, (("kind", rng.choice(["meeting", "treatment"])),)))
    for text in ("", "speaker", "women", "big book", "spanish", "step study"):
        mix["online"].append(
            text_query(text, (("kind", "meeting"), ("attendance", "online")), group="online")
        )
    return mix
