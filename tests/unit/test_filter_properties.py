"""Property tests: no parameter value, however crafted, changes the structure of a filter.

Hypothesis feeds every search parameter quotes, backslashes, brackets, `OR` / `AND` / `NOT`,
`_geoRadius(...)`, `_geoBoundingBox(...)`, unicode, control characters and very long strings
(invented values, on purpose). Each one is either refused with a 400 naming the parameter
(and, for a vocabulary, its allowed values), or the filter built from it parses
(tests/filter_grammar.py, which follows Meilisearch's parser) into only the expected
attributes, operators and vocabulary values.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any, Final

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.contract.documents import FILTER_FIELDS, INDEX_SETTINGS, WEEKDAYS
from service.contract.filters import quote_value
from service.errors import BadParameterError
from service.schedules.filters import time_filter_clauses
from service.schedules.params import TimeFilter, validate_time_params
from service.schedules.weekly import MINUTES_PER_WEEK
from service.search.query import (
    Limits,
    SearchParams,
    build_search_body,
    filter_expression,
    validate_params,
)
from tests.filter_grammar import Condition, GeoCall, parse, parse_array, tokenize

PROPERTY: Final = settings(
    deadline=None,
    max_examples=300,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
LIMITS: Final = Limits(default_radius_km=25.0, max_radius_km=250.0, max_per_page=50)
FILTERABLE: Final = frozenset(INDEX_SETTINGS.filterable_attributes)
VOCABULARIES: Final = {f.attribute: f.vocabulary.codes for f in FILTER_FIELDS}
PARAMS: Final = tuple(f.param for f in FILTER_FIELDS)
# Values the service itself writes next to the vocabularies.
FIXED_VALUES: Final = {
    "status": {"active"},
    "kind": {"meeting"},
    "service_area.nationwide": {"true"},
}
SCHEDULE_ATTRIBUTES: Final = frozenset({"schedule.timezone", "open_buckets", "start_minutes"})
ZONES: Final = ("America/New_York", "America/Chicago", "America/Los_Angeles", "Pacific/Honolulu")
NOW: Final = datetime(2026, 11, 28, 19, 7, tzinfo=UTC)
SAFE_TOKEN: Final = re.compile(r"^[A-Za-z0-9_.:,+-]{1,80}$")

# Crafted on purpose: each tries to end a string, open a clause or call a geo function.
ATTACKS: Final = (
    '"',
    "'",
    "\\",
    '\\"',
    '" OR kind = "meeting',
    'meeting" OR status = "closed',
    "') OR ('1' = '1",
    "meeting OR kind = helpline",
    "kind IN [meeting, helpline]",
    "NOT status = active",
    "AND",
    "OR",
    "NOT",
    "TO",
    "_geoRadius(39.95, -75.16, 100000000)",
    "_geoBoundingBox([90, 180], [-90, -180])",
    "[",
    "]",
    "(",
    ")",
    "status = closed",
    "\x00",
    "\n",
    "\u202e",
    "meeting\u0000",
    "\uff4d\uff45\uff45\uff54\uff49\uff4e\uff47",  # "meeting" in fullwidth letters
    "é",
    "🦀",
    "x" * 5000,
)
CODES: Final = tuple(sorted({c for codes in VOCABULARIES.values() for c in codes}))


def nasty_text() -> st.SearchStrategy[str]:
    """Any text, crafted attacks, vocabulary codes, and attacks glued to codes."""
    return st.one_of(
        st.text(max_size=60),
        st.sampled_from(ATTACKS),
        st.sampled_from(CODES),
        st.builds(lambda a, b: a + b, st.sampled_from(CODES), st.sampled_from(ATTACKS)),
        st.builds(lambda a, b: a + b, st.sampled_from(ATTACKS), st.sampled_from(CODES)),
        st.text(min_size=190, max_size=400),
        st.sampled_from(CODES).map(lambda c: f"  {c.upper()} "),
    )


def values_of(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[list[str] | None]:
    """A repeated parameter: absent, or up to 25 values."""
    return st.one_of(st.none(), st.lists(strategy, max_size=25))


def assert_vocabulary_condition(condition: Condition, params: SearchParams) -> None:
    """A vocabulary attribute compared with `=` to one of the codes the request validated,
    or the service's own `kind != "meeting"` of the remote-services clause."""
    (value,) = condition.values
    assert value.kind == "string", condition
    if (condition.attribute, condition.op, value.text) == ("kind", "!=", "meeting"):
        return
    assert condition.op == "=", condition
    asked = {c for p, codes in params.filters for c in codes}
    allowed = VOCABULARIES[condition.attribute]
    assert value.text in allowed, condition
    assert value.text in asked, condition


def assert_search_structure(
    expression: list[str | list[str]], params: SearchParams, *, place: bool
) -> None:
    """The filter holds the expected clauses and nothing else."""
    conditions, geo = parse_array(expression)
    vocab_clauses = [c for c in expression if isinstance(c, list)]
    assert len(vocab_clauses) == len(params.filters)
    for clause, (_param, codes) in zip(vocab_clauses, params.filters, strict=True):
        assert len(clause) == len(codes)
    for condition in conditions:
        assert condition.attribute in FILTERABLE, condition
        if condition.attribute in VOCABULARIES:
            assert_vocabulary_condition(condition, params)
        elif condition.attribute in FIXED_VALUES:
            assert [v.text for v in condition.values] == [
                next(iter(FIXED_VALUES[condition.attribute]))
            ], condition
        elif condition.attribute == "service_area.states":
            assert re.fullmatch(r"[A-Z]{2}", condition.values[0].text), condition
        else:
            assert all(SAFE_TOKEN.match(v.text) for v in condition.values), condition
    assert all(_in_range(call) for call in geo)
    assert [call.name for call in geo] == (["_geoRadius"] if place else [])


def _in_range(call: GeoCall) -> bool:
    if call.name == "_geoRadius":
        lat, lng, radius_m = call.args
        return -90 <= lat <= 90 and -180 <= lng <= 180 and 0 < radius_m <= 250_000
    return call.name == "_geoBoundingBox" and len(call.args) == 4


origins = st.tuples(
    st.floats(min_value=-90, max_value=90, allow_nan=False),
    st.floats(min_value=-180, max_value=180, allow_nan=False),
)


@PROPERTY
@given(
    q=nasty_text(),
    near=st.one_of(st.none(), nasty_text()),
    radius_km=st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    sort=st.one_of(st.none(), nasty_text(), st.sampled_from(["relevance", "distance", "soonest"])),
    page=st.integers(min_value=-5, max_value=2000),
    per_page=st.integers(min_value=-5, max_value=80),
    filters=st.fixed_dictionaries({p: values_of(nasty_text()) for p in PARAMS}),
    include_closed=st.booleans(),
    include_online=st.booleans(),
    origin=st.one_of(st.none(), origins),
    state=st.one_of(st.none(), st.sampled_from(["PA", "CA", "DC", "NY"])),
    facets=st.one_of(st.none(), nasty_text(), st.sampled_from(["none", "all", "kind,language"])),
)
def test_no_search_parameter_changes_the_filter_structure(
    q: str,
    near: str | None,
    radius_km: float | None,
    sort: str | None,
    page: int,
    per_page: int,
    filters: dict[str, list[str] | None],
    include_closed: bool,
    include_online: bool,
    origin: tuple[float, float] | None,
    state: str | None,
    facets: str | None,
) -> None:
    try:
        params = validate_params(
            q=q,
            near=near,
            radius_km=radius_km,
            sort=sort,
            page=page,
            per_page=per_page,
            filters=filters,
            limits=LIMITS,
            include_closed=include_closed,
            include_online=include_online,
            facets=facets,
        )
    except BadParameterError as exc:
        names = {"q", "radius_km", "sort", "page", "per_page", "facets", *PARAMS}
        assert_names_parameter(exc, names)
        return
    body = build_search_body(params, origin, origin_state=state if origin else None)
    assert body["q"] == q.strip()
    # Facets are attribute names the service chose, never the request's text.
    assert set(body.get("facets", ())) <= set(VOCABULARIES)
    assert_search_structure(body["filter"], params, place=origin is not None)
    # The remote-services clause of a place search, with the place's state.
    expression = filter_expression(params, origin, origin_state=state)
    assert_search_structure(expression, params, place=origin is not None)


@PROPERTY
@given(param=st.sampled_from(PARAMS), value=nasty_text())
def test_a_value_outside_a_vocabulary_is_a_400_naming_the_allowed_values(
    param: str, value: str
) -> None:
    field = next(f for f in FILTER_FIELDS if f.param == param)
    kwargs: dict[str, Any] = {
        "q": "",
        "near": None,
        "radius_km": None,
        "sort": None,
        "page": 1,
        "per_page": 20,
        "limits": LIMITS,
    }
    if value.strip().lower() in field.vocabulary.codes or not value.strip():
        params = validate_params(filters={param: [value]}, **kwargs)
        assert dict(params.filters).get(param, ()) in ((), (value.strip().lower(),))
        return
    with pytest.raises(BadParameterError) as caught:
        validate_params(filters={param: [value]}, **kwargs)
    assert caught.value.parameter == param
    assert list(caught.value.allowed) == list(field.vocabulary.ordered_codes())
    assert all(code in caught.value.detail for code in field.vocabulary.ordered_codes())


@PROPERTY
@given(value=st.one_of(st.text(), st.sampled_from(ATTACKS)))
def test_a_quoted_value_is_one_string_token_whatever_it_holds(value: str) -> None:
    tokens = tokenize(f"kind = {quote_value(value)}")
    assert [t.kind for t in tokens] == ["word", "punct", "string"]
    # Meilisearch then turns each escaped backslash pair back into one backslash.
    assert tokens[2].text.replace("\\\\", "\\") == value
    conditions, geo = parse(f"kind = {quote_value(value)} AND status = {quote_value(value)}")
    assert [c.attribute for c in conditions] == ["kind", "status"]
    assert geo == []


@PROPERTY
@given(
    open_now=st.one_of(st.none(), nasty_text(), st.sampled_from(["true", "false", "1", "yes"])),
    starts_within_min=st.one_of(st.none(), nasty_text(), st.integers(-10, 2000).map(str)),
    day=values_of(st.one_of(nasty_text(), st.sampled_from(WEEKDAYS))),
    time_from=st.one_of(st.none(), nasty_text(), st.sampled_from(["00:00", "19:30", "23:59"])),
    time_to=st.one_of(st.none(), nasty_text(), st.sampled_from(["02:00", "24:00", "21:15"])),
    at=st.one_of(
        st.none(),
        nasty_text(),
        st.sampled_from(["2026-11-28T19:00:00-05:00", "2026-03-08T02:30:00Z"]),
    ),
    tz=st.one_of(st.none(), nasty_text(), st.sampled_from(ZONES)),
    zones=st.lists(st.sampled_from(ZONES), unique=True, max_size=4),
)
def test_no_time_parameter_changes_the_filter_structure(
    open_now: str | None,
    starts_within_min: str | None,
    day: list[str] | None,
    time_from: str | None,
    time_to: str | None,
    at: str | None,
    tz: str | None,
    zones: list[str],
) -> None:
    try:
        time_filter = validate_time_params(
            open_now=open_now,
            starts_within_min=starts_within_min,
            day=day,
            time_from=time_from,
            time_to=time_to,
            at=at,
            tz=tz,
            now=NOW,
        )
    except BadParameterError as exc:
        names = {"open_now", "starts_within_min", "day", "time_from", "time_to", "at", "tz"}
        assert_names_parameter(exc, names)
        return
    for clause in time_filter_clauses(time_filter, zones):
        conditions, geo = parse(clause)
        assert geo == []
        for condition in conditions:
            assert_schedule_condition(condition, zones, time_filter)


def assert_names_parameter(error: BadParameterError, names: set[str]) -> None:
    """A 400 names one of the request's parameters, in its body and its detail."""
    assert error.status_code == 400
    assert error.parameter in names
    assert error.parameter in error.detail


def assert_schedule_condition(condition: Condition, zones: list[str], tf: TimeFilter) -> None:
    """Zones come from the index (here `zones`), minutes and buckets are integers."""
    assert condition.attribute in SCHEDULE_ATTRIBUTES, condition
    if condition.attribute == "schedule.timezone":
        assert condition.op in ("=", "IN")
        assert all(v.kind == "string" and v.text in zones for v in condition.values)
        return
    assert condition.op in ("=", "TO"), condition
    for value in condition.values:
        assert value.kind == "word", condition
        assert re.fullmatch(r"-?\d+", value.text), condition
        assert -1 <= int(value.text) < MINUTES_PER_WEEK, condition
    assert tf.filters
