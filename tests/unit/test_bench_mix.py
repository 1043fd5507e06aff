"""The benchmark's mixed stream: places drawn by population recur, whole questions rarely,
and every question is one the service validates (filters from the contract's vocabulary)."""

from __future__ import annotations

import pytest

from bench.corpus import load_places
from bench.queries import Query, mixed_place_queries, repeat_shares, sample_zips
from service.contract.documents import FILTER_FIELDS


def _query(path: str) -> Query:
    return Query(group="t", api_path=path, direct_body={})


@pytest.mark.parametrize(
    ("paths", "shares"),
    [
        (["/v1/search?near=19103&kind=meeting"], (0.0, 0.0)),
        (
            ["/v1/search?near=19103&kind=meeting", "/v1/search?near=19103&kind=treatment"],
            (0.5, 0.0),
        ),
        (
            ["/v1/search?near=19103&kind=meeting", "/v1/search?near=19103&kind=meeting"],
            (0.5, 0.5),
        ),
        (["/v1/search?near=19103&kind=meeting", "/v1/search?near=10001&kind=meeting"], (0.0, 0.0)),
    ],
)
def test_repeat_shares(paths: list[str], shares: tuple[float, float]) -> None:
    assert repeat_shares([_query(p) for p in paths]) == shares


def test_mixed_stream_repeats_places_more_than_questions() -> None:
    zips = sample_zips(load_places(), count=500, seed=21)
    queries = mixed_place_queries(zips, count=1500)
    place_share, question_share = repeat_shares(queries)
    assert place_share > 0.5
    assert question_share < 0.3
    vocabulary = {f.param: f.vocabulary.codes for f in FILTER_FIELDS}
    for query in queries:
        for clause in query.api_path.split("?", 1)[1].split("&"):
            param, _, value = clause.partition("=")
            if param in vocabulary:
                assert value in vocabulary[param]
