"""Applying what q says to a search, crisis lines and alternatives' pure parts (tables)."""

from __future__ import annotations

from datetime import datetime

import msgspec
import pytest

from service.contract.documents import SearchHit
from service.places.gazetteer import PlaceIndex
from service.search.alternatives import is_thin, radius_steps
from service.search.applying import applied, q_without, read_request, understood
from service.search.crisis import crisis_block, dial_uri
from service.search.request import SearchRequest, given_params, request_pairs

# A Wednesday afternoon in Philadelphia.
AT = datetime.fromisoformat("2026-12-02T15:00:00-05:00")


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return PlaceIndex.load()


def apply(request: SearchRequest, places: PlaceIndex) -> SearchRequest:
    reading = read_request(request, at=AT, tz=None, places=places)
    assert reading is not None
    return applied(request, reading)


def shape(request: SearchRequest) -> tuple[object, ...]:
    return (
        request.q,
        request.near,
        request.filters,
        request.day,
        request.time_from,
        request.time_to,
        request.open_now,
    )


APPLY_TABLE: list[tuple[SearchRequest, tuple[object, ...]]] = [
    # A confident need becomes its filter; "tonight" for a shelter stays a reading only.
    (
        SearchRequest(q="a place to stay tonight", near="20001"),
        ("", "20001", {"need": ["shelter"]}, [], None, None, None),
    ),
    # Meetings take the time as schedule parameters.
    (
        SearchRequest(q="AA meeting this evening", near="19103"),
        ("", "19103", {"kind": ["meeting"], "need": ["alcohol"]}, ["wed"], "17:00", None, None),
    ),
    # An explicit kind wins over the kind read from q.
    (
        SearchRequest(q="AA meeting", filters={"kind": ["treatment"]}),
        ("", None, {"kind": ["treatment"], "need": ["alcohol"]}, [], None, None, None),
    ),
    # Explicit time parameters win over the time read from q.
    (
        SearchRequest(q="AA meeting tonight", day=["fri"]),
        ("", None, {"kind": ["meeting"], "need": ["alcohol"]}, ["fri"], None, None, None),
    ),
    # The place read from q becomes `near` when none is given...
    (
        SearchRequest(q="detox in Philadelphia"),
        ("", "Philadelphia, PA", {"need": ["detox"]}, [], None, None, None),
    ),
    # ...and an explicit `near` wins, the place words leaving the text.
    (
        SearchRequest(q="detox in Philadelphia", near="19103"),
        ("", "19103", {"need": ["detox"]}, [], None, None, None),
    ),
    # A relative alone reads as nothing: the words stay text.
    (
        SearchRequest(q="My Sisters Place"),
        ("sisters place", None, {}, [], None, None, None),
    ),
    # A crisis phrase with nothing else to search for asks for crisis support...
    (
        SearchRequest(q="quiero morir"),
        ("", None, {"need": ["crisis"], "kind": ["helpline"]}, [], None, None, None),
    ),
    # A relative beside a crisis phrase is who it is about, not text to match.
    (
        SearchRequest(q="my friend is overdosing"),
        ("", None, {"need": ["crisis"], "kind": ["helpline"]}, [], None, None, None),
    ),
    # ...but not over filters given (a partner's presets arrive as given filters).
    (
        SearchRequest(q="i'm going to kill myself", filters={"kind": ["meeting"]}),
        ("", None, {"kind": ["meeting"]}, [], None, None, None),
    ),
    # Weak readings never filter.
    (
        SearchRequest(q="my daughter is using pills"),
        ("", None, {}, [], None, None, None),
    ),
]


@pytest.mark.parametrize(("request_", "expected"), APPLY_TABLE)
def test_applied_readings(
    request_: SearchRequest, expected: tuple[object, ...], places: PlaceIndex
) -> None:
    assert shape(apply(request_, places)) == expected


ORDER_TABLE: list[tuple[SearchRequest, str | None]] = [
    # Asking what is on from now on orders the answer soonest first...
    (SearchRequest(q="AA meeting tonight", near="19103"), "soonest"),
    (SearchRequest(q="AA right now"), "soonest"),
    (SearchRequest(q="reunion de NA esta noche"), "soonest"),
    (SearchRequest(q="AA at 7", near="19103"), "soonest"),
    # ...planning ahead keeps the default order...
    (SearchRequest(q="AA meeting on Sunday", near="19103"), None),
    (SearchRequest(q="AA tomorrow morning", near="19103"), None),
    # ...an order the request names wins...
    (SearchRequest(q="AA meeting tonight", near="19103", sort="distance"), "distance"),
    # ...and a shelter "tonight" is not a schedule, so not an order either.
    (SearchRequest(q="a place to stay tonight", near="20001"), None),
]


@pytest.mark.parametrize(("request_", "sort"), ORDER_TABLE)
def test_time_asks_order_soonest(
    request_: SearchRequest, sort: str | None, places: PlaceIndex
) -> None:
    assert apply(request_, places).sort == sort


def test_without_q_nothing_is_read(places: PlaceIndex) -> None:
    assert read_request(SearchRequest(near="19103"), at=AT, tz=None, places=places) is None


@pytest.mark.parametrize(
    ("q", "phrase", "expected"),
    [
        ("a place to stay tonight", "place to stay", "a tonight"),
        ("a place to stay tonight", "tonight", "a place to stay"),
        ("Dónde puedo DORMIR", "dormir", "donde puedo"),
        ("detox in Philadelphia", "in philadelphia", "detox"),
        ("aa aa meeting", "aa", "aa meeting"),
        ("shelter", "nothing", "shelter"),
    ],
)
def test_q_without_a_phrase(q: str, phrase: str, expected: str) -> None:
    assert q_without(q, phrase) == expected


def test_understood_block_removes_each_reading_and_keeps_the_rest(places: PlaceIndex) -> None:
    request = SearchRequest(q="a place to stay tonight", near="20001", page=3)
    reading = read_request(request, at=AT, tz=None, places=places)
    assert reading is not None
    block = understood(request, reading)
    assert block is not None
    assert [(r.type, r.param, r.value, r.applied, r.remove) for r in block.readings] == [
        ("filter", "need", "shelter", True, "q=a+tonight&near=20001"),
        ("time", "time", "day=wed&time_from=17:00", False, "q=a+place+to+stay&near=20001"),
    ]
    assert block.literal == "q=a+place+to+stay+tonight&near=20001&literal=true"


def test_nothing_understood_gives_no_block(places: PlaceIndex) -> None:
    request = SearchRequest(q="zebra crossing")
    reading = read_request(request, at=AT, tz=None, places=places)
    assert reading is not None
    assert understood(request, reading) is None


@pytest.mark.parametrize(
    ("request_", "pairs"),
    [
        (SearchRequest(), []),
        (
            SearchRequest(q="x", radius_km=12.5, filters={"kind": ["meeting", "housing"]}),
            [("q", "x"), ("radius_km", "12.5"), ("kind", "meeting"), ("kind", "housing")],
        ),
        (
            SearchRequest(page=2, per_page=10, day=["mon", "tue"]),
            [("page", "2"), ("per_page", "10"), ("day", "mon"), ("day", "tue")],
        ),
        (SearchRequest(radius_km=1.0, literal="true"), [("radius_km", "1"), ("literal", "true")]),
    ],
)
def test_request_pairs_and_given_params(
    request_: SearchRequest, pairs: list[tuple[str, str]]
) -> None:
    assert request_pairs(request_) == pairs
    assert given_params(request_) == {name for name, _ in pairs}


def hit(doc_id: str, **fields: object) -> SearchHit:
    values: dict[str, object] = {
        "id": doc_id,
        "kind": "meeting",
        "name": doc_id,
        "status": "active",
        "provenance": {"source": "s", "source_name": "S", "source_record_id": doc_id},
    }
    values.update(fields)
    return msgspec.convert(values, SearchHit)


@pytest.mark.parametrize(
    ("phone", "dialled"),
    [("988", "988"), ("800-662-4357", "+18006624357"), ("1 (800) 662-4357", "+18006624357")],
)
def test_dial_uri(phone: str, dialled: str) -> None:
    assert dial_uri(phone) == dialled


def test_crisis_block_puts_lines_for_everyone_and_text_lines_first() -> None:
    lines = [
        hit(
            "vcl",
            kind="helpline",
            name="Veterans Crisis Line",
            communities=["veterans"],
            tags=["Call", "Text"],
            contact={"phone": "988"},
        ),
        hit("calls", kind="helpline", name="A call-only line", contact={"phone": "800-555-0100"}),
        hit(
            "lifeline",
            kind="helpline",
            name="988 Suicide & Crisis Lifeline",
            tags=["Text"],
            contact={"phone": "988"},
        ),
        hit("nophone", kind="helpline", name="No phone"),
        hit(
            "ctl",
            kind="helpline",
            name="Crisis Text Line",
            contact={"text_number": "741741", "text_keyword": "HOME"},
        ),
    ]
    block = crisis_block(lines)
    assert [(line.id, [a.url for a in line.actions]) for line in block.lines] == [
        ("lifeline", ["tel:988", "sms:988"]),
        ("ctl", ["sms:741741?body=HOME"]),
        ("calls", ["tel:+18005550100"]),
    ]
    assert [a.en for a in block.lines[1].actions] == ["Text HOME to 741741"]


@pytest.mark.parametrize(
    ("radius_km", "max_km", "steps"),
    [(25, 250, [50, 100, 200, 250]), (1, 5, [2, 4, 5]), (250, 250, []), (10, 15, [15])],
)
def test_radius_steps(radius_km: float, max_km: float, steps: list[float]) -> None:
    assert radius_steps(radius_km, max_km) == steps


@pytest.mark.parametrize(
    ("page", "count", "thin"), [(1, 0, True), (1, 2, True), (1, 3, False), (2, 0, False)]
)
def test_is_thin(page: int, count: int, thin: bool) -> None:
    assert is_thin(page, [hit(str(i)) for i in range(count)]) is thin
