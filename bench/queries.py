"""The benchmark's query mix, each query in two forms: a Pathways API URL and the
straightforward Meilisearch request that answers the same question.

The mix follows how people search: a place plus a kind and sometimes a filter (most
searches), a place and "open now", text with typos and the field's synonyms, online
meetings, and later pages. Places are ZIP codes drawn with weights by population, so
cities come up more often.

One more group, `place_unique`, never asks the same question twice, so the API's result
cache (service/search/result_cache.py) cannot answer it: the other groups repeat their questions
round-robin, as popular places and partner pages do, and are mostly served from it.

The direct form is built with the service's own validation and filter building in its
straightforward shape (`_geoRadius` filter, `_geoPoint` sort), so the two forms differ only
in how Pathways answers, never in the question.
"""

from __future__ import annotations

import bisect
import csv
import itertools
import random
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode

import msgspec

from bench.corpus import Place
from service.contract.documents import FILTER_FIELDS
from service.places.gazetteer import DATA_DIR
from service.schedules.filters import time_filter_clauses
from service.schedules.params import validate_time_params
from service.search.query import Limits, build_search_body, validate_params
from service.settings import DEFAULTS

RADIUS_KM: Final = DEFAULTS.default_radius_km
LIMITS: Final = Limits(
    default_radius_km=DEFAULTS.default_radius_km,
    max_radius_km=DEFAULTS.max_radius_km,
    max_per_page=DEFAULTS.max_per_page,
)
# A Saturday evening in the Eastern zone: "a meeting I can get to now".
OPEN_NOW_AT: Final = "2026-11-28T19:30:00-05:00"
FILTER_PARAMS: Final = tuple(f.param for f in FILTER_FIELDS)

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


def _params(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def make_query(
    group: str,
    pairs: Sequence[tuple[str, str]],
    *,
    place: tuple[tuple[float, float], str | None] | None = None,
    zones: Sequence[str] = (),
) -> Query:
    """Both forms of the search the query-string `pairs` ask for."""
    raw = _params(pairs)
    one = {k: v[-1] for k, v in raw.items()}
    params = validate_params(
        q=one.get("q", ""),
        near=one.get("near"),
        radius_km=float(one["radius_km"]) if "radius_km" in one else None,
        sort=one.get("sort"),
        page=int(one.get("page", "1")),
        per_page=int(one.get("per_page", "20")),
        filters={p: raw.get(p) for p in FILTER_PARAMS},
        limits=LIMITS,
        facets=one.get("facets"),
    )
    origin, state = place if place else (None, None)
    body = build_search_body(params, origin, origin_state=state)
    time_filter = validate_time_params(
        open_now=one.get("open_now"),
        starts_within_min=None,
        day=None,
        time_from=None,
        time_to=None,
        at=one.get("at"),
        tz=None,
        now=datetime.fromisoformat(OPEN_NOW_AT),
    )
    body["filter"] = [*body["filter"], *time_filter_clauses(time_filter, zones)]
    return Query(group=group, api_path="/v1/search?" + urlencode(pairs), direct_body=body)


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


class SampledZip(msgspec.Struct, frozen=True):
    """A ZIP code to search near, with the gazetteer's point and state for it."""

    zip5: str
    origin: tuple[float, float]
    state: str


def sample_zips(places: Sequence[Place], *, count: int, seed: int) -> list[SampledZip]:
    """ZIP codes of population-weighted places (the ZIP centroid nearest to the place)."""
    rng = random.Random(seed)
    zips_by_state = load_zips()
    cumulative = list(itertools.accumulate(p.population for p in places))
    chosen: list[SampledZip] = []
    while len(chosen) < count:
        place = places[bisect.bisect(cumulative, rng.random() * cumulative[-1])]
        candidates = zips_by_state.get(place.state)
        if not candidates:
            continue
        zip5, lat, lng = min(
            candidates, key=lambda z: (z[1] - place.lat) ** 2 + (z[2] - place.lng) ** 2
        )
        chosen.append(SampledZip(zip5, (lat, lng), place.state))
    return chosen


def query_mix(
    zips: Sequence[SampledZip], zones: Sequence[str], *, seed: int = 11
) -> dict[str, list[Query]]:
    """The benchmark's queries by group."""
    rng = random.Random(seed)
    mix: dict[str, list[Query]] = {
        "place": [],
        "place_facets": [],
        "place_paging": [],
        "place_open_now": [],
        "text": [],
        "online": [],
    }
    for z in zips:
        place = (z.origin, z.state)
        near = [("near", z.zip5), ("radius_km", f"{RADIUS_KM:g}"), ("sort", "distance")]
        filters = list(rng.choice(PLACE_FILTERS))
        mix["place"].append(make_query("place", [*near, *filters, ("facets", "none")], place=place))
        mix["place_facets"].append(make_query("place_facets", [*near, *filters], place=place))
        page = ("page", str(rng.randint(2, 4)))
        mix["place_paging"].append(
            make_query(
                "place_paging", [*near, ("kind", "meeting"), page, ("facets", "none")], place=place
            )
        )
        open_now = [
            ("kind", "meeting"),
            ("open_now", "true"),
            ("at", OPEN_NOW_AT),
            ("facets", "none"),
        ]
        mix["place_open_now"].append(
            make_query("place_open_now", [*near, *open_now], place=place, zones=zones)
        )
    for text in TEXT_QUERIES:
        mix["text"].append(make_query("text", [("q", text)]))
        kind = rng.choice(["meeting", "treatment"])
        mix["text"].append(make_query("text", [("q", text), ("kind", kind)]))
    for text in ("", "speaker", "women", "big book", "spanish", "step study"):
        pairs = [("kind", "meeting"), ("attendance", "online"), ("sort", "relevance")]
        if text:
            pairs.insert(0, ("q", text))
        mix["online"].append(make_query("online", pairs))
    return mix


def unique_place_queries(zips: Sequence[SampledZip], *, seed: int = 13) -> list[Query]:
    """Nearest-first searches that are all different (one per ZIP code): with them no answer
    can come from the API's result cache, so they measure a search the cache has not seen."""
    rng = random.Random(seed)
    seen: set[str] = set()
    queries: list[Query] = []
    for z in zips:
        if z.zip5 in seen:
            continue
        seen.add(z.zip5)
        near = [("near", z.zip5), ("radius_km", f"{RADIUS_KM:g}"), ("sort", "distance")]
        pairs = [*near, *rng.choice(PLACE_FILTERS), ("facets", "none")]
        queries.append(make_query("place_unique", pairs, place=(z.origin, z.state)))
    return queries


# A filter a visitor adds to the kind, drawn from the vocabulary; most searches add none.
MIX_EXTRA_PARAMS: Final = ("need", "language", "attendance", "cost", "community")
MIX_EXTRA_SHARE: Final = 0.4


def _mix_filters(rng: random.Random) -> list[tuple[str, str]]:
    """A kind, and sometimes one more filter, from the contract's vocabularies."""
    fields = {f.param: f.vocabulary for f in FILTER_FIELDS}
    pairs = [("kind", rng.choice(fields["kind"].ordered_codes()))]
    if rng.random() < MIX_EXTRA_SHARE:
        param = rng.choice(MIX_EXTRA_PARAMS)
        pairs.append((param, rng.choice(fields[param].ordered_codes())))
    return pairs


def mixed_place_queries(zips: Sequence[SampledZip], *, count: int, seed: int = 17) -> list[Query]:
    """A stream as a national directory sees it: ZIPs drawn by population (`zips` is such a
    sample, with repeats), so places recur often, each with a kind and sometimes one more
    filter from the vocabulary and a later page, so whole questions recur rarely."""
    rng = random.Random(seed)
    queries: list[Query] = []
    for _ in range(count):
        z = rng.choice(zips)
        near = [("near", z.zip5), ("radius_km", f"{RADIUS_KM:g}"), ("sort", "distance")]
        pairs = [*near, *_mix_filters(rng)]
        if rng.random() < 0.15:
            pairs.append(("page", "2"))
        pairs.append(("facets", "none"))
        queries.append(make_query("place_mix", pairs, place=(z.origin, z.state)))
    return queries


def repeat_shares(queries: Sequence[Query]) -> tuple[float, float]:
    """Of a stream, the share of searches whose place was asked before, and whose whole
    question was."""
    places: set[str] = set()
    questions: set[str] = set()
    place_repeats = question_repeats = 0
    for q in queries:
        near = q.api_path.split("near=", 1)[1].split("&", 1)[0]
        place_repeats += near in places
        question_repeats += q.api_path in questions
        places.add(near)
        questions.add(q.api_path)
    return place_repeats / len(queries), question_repeats / len(queries)
