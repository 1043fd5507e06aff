"""Property tests: a visitor of a partner's embed can narrow its presets, never widen them.

For any presets a partner may declare and anything a visitor's query string may hold
(vocabulary codes, other text, a place, a radius, a page length, online meetings), the search
arguments and the filter that go to Meilisearch keep every preset: each filtered parameter's
codes are a subset of the partner's, the place is the partner's, the radius and the page are
never longer than the partner's, and the state's online meetings are never added.
"""

from __future__ import annotations

from typing import Final

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.contract.documents import FILTER_FIELDS
from service.errors import BadParameterError
from service.http.partners import (
    FILTER_PARAMS,
    Partner,
    PartnerPresets,
    narrow_filters,
    narrow_radius_km,
)
from service.search.query import Limits, filter_expression, validate_params
from service.search.request import SearchRequest
from service.web.embedding import embed_request
from tests.filter_grammar import parse_array

PROPERTY: Final = settings(
    deadline=None, max_examples=300, database=None, suppress_health_check=[HealthCheck.too_slow]
)
LIMITS: Final = Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50)
CODES: Final = {f.param: tuple(f.vocabulary.ordered_codes()) for f in FILTER_FIELDS}
ATTRIBUTE: Final = {f.param: f.attribute for f in FILTER_FIELDS}
PLACES: Final = ("19103", "Philadelphia, PA", "39.95,-75.16", "20001")


@st.composite
def presets(draw: st.DrawFn) -> PartnerPresets:
    """Presets a partners file may declare (each checked as load_partners checks them)."""
    codes = {
        p: tuple(draw(st.lists(st.sampled_from(CODES[p]), unique=True, max_size=3)))
        for p in FILTER_PARAMS
    }
    near = draw(st.one_of(st.none(), st.sampled_from(PLACES)))
    radius = draw(st.one_of(st.none(), st.floats(min_value=1, max_value=250))) if near else None
    filters = {p: c for p, c in codes.items() if c}
    return PartnerPresets(near=near, radius_km=radius, filters=filters)


def visitor_values(param: str) -> st.SearchStrategy[list[str]]:
    """What a visitor can put in one repeated parameter: codes, case games, junk."""
    value = st.one_of(
        st.sampled_from(CODES[param]),
        st.sampled_from(CODES[param]).map(str.upper),
        st.text(max_size=12),
        st.just(",".join(CODES[param])),
    )
    return st.lists(value, max_size=6)


visitor_queries = st.fixed_dictionaries(
    {p: visitor_values(p) for p in FILTER_PARAMS},
    optional={
        "near": st.lists(st.sampled_from([*PLACES, "New York, NY", "90210"]), max_size=2),
        "radius_km": st.lists(
            st.one_of(st.floats(min_value=0.1, max_value=250).map(str), st.text(max_size=5)),
            max_size=2,
        ),
        "q": st.lists(st.text(max_size=20), max_size=1),
    },
)


def partner_with(p: PartnerPresets) -> Partner:
    """A partner holding these presets (its key, name and origin invented for the test)."""
    return Partner(key="prop", name="Property test", origins=("https://example.org",), presets=p)


@PROPERTY
@given(p=presets(), query=visitor_queries)
def test_a_visitor_never_widens_a_partners_presets(
    p: PartnerPresets, query: dict[str, list[str]]
) -> None:
    try:
        asked = embed_request(query, partner_with(p))
    except BadParameterError:
        return
    if asked is None:
        # Nothing can match both: the widget shows no results rather than more.
        assert any(p.codes(param) for param in FILTER_PARAMS)
        return
    for param in FILTER_PARAMS:
        if p.codes(param):
            assert asked.filters.get(param), param
            assert set(asked.filters[param]) <= set(p.codes(param)), param
    if p.near is not None:
        assert asked.near == p.near
    if p.radius_km is not None:
        assert asked.radius_km is not None
        assert asked.radius_km <= p.radius_km
    assert_filter_keeps_presets(asked, p)


@PROPERTY
@given(
    p=presets(),
    per_page=st.lists(st.integers(min_value=1, max_value=50).map(str), max_size=1),
    include_online=st.lists(st.sampled_from(["true", "1", "yes", "on", "false"]), max_size=1),
)
def test_a_visitor_never_lengthens_the_page_nor_adds_online_meetings(
    p: PartnerPresets, per_page: list[str], include_online: list[str]
) -> None:
    asked = embed_request({"per_page": per_page, "include_online": include_online}, partner_with(p))
    assert asked is not None
    # A longer page, or the state's online meetings, would show more than the partner chose.
    assert asked.per_page is not None
    assert asked.per_page <= partner_with(p).per_page
    assert asked.include_online is None


def assert_filter_keeps_presets(asked: SearchRequest, p: PartnerPresets) -> None:
    """The Meilisearch filter ANDs a clause per preset parameter with only preset codes."""
    try:
        params = validate_params(
            q=asked.q,
            near=asked.near,
            radius_km=asked.radius_km,
            sort=None,
            page=1,
            per_page=asked.per_page or 10,
            filters=asked.filters,
            limits=LIMITS,
        )
    except BadParameterError:
        return
    conditions, _geo = parse_array(filter_expression(params, None))
    for param in FILTER_PARAMS:
        preset = p.codes(param)
        found = {c.values[0].text for c in conditions if c.attribute == ATTRIBUTE[param]}
        if preset:
            assert found, param
            assert found <= set(preset), param


@PROPERTY
@given(
    preset=st.one_of(st.none(), st.floats(min_value=0.5, max_value=250)),
    asked=st.one_of(st.none(), st.floats(min_value=0.01, max_value=10_000)),
)
def test_the_radius_is_never_wider_than_the_preset(
    preset: float | None, asked: float | None
) -> None:
    got = narrow_radius_km(PartnerPresets(near="19103", radius_km=preset), asked)
    if preset is not None:
        assert got is not None
        assert got <= preset
    else:
        assert got == asked


@PROPERTY
@given(
    p=presets(),
    asked=st.fixed_dictionaries({q: st.lists(st.sampled_from(CODES[q])) for q in FILTER_PARAMS}),
)
def test_narrowed_filters_are_within_the_presets(
    p: PartnerPresets, asked: dict[str, list[str]]
) -> None:
    narrowed = narrow_filters(p, asked)
    for param in FILTER_PARAMS:
        if p.codes(param):
            assert set(narrowed.filters.get(param, ())) <= set(p.codes(param))
            assert narrowed.filters.get(param) or narrowed.impossible
