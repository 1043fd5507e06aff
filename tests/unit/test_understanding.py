"""understand(): what people type -> filters, boosts, time, place, crisis and text (tables)."""

from __future__ import annotations

from datetime import datetime

import pytest

from service.contract.documents import FILTER_FIELDS
from service.places.gazetteer import PlaceIndex
from service.search.understanding import Understanding, understand

# A Tuesday evening in Philadelphia.
AT = datetime.fromisoformat("2026-12-01T20:30:00-05:00")
Row = tuple[str, str, str, str]  # (kind, param, value, phrase)


@pytest.fixture(scope="module")
def places() -> PlaceIndex:
    return PlaceIndex.load()


def read(q: str, places: PlaceIndex, **options: object) -> Understanding:
    return understand(q, at=AT, places=places, **options)  # type: ignore[arg-type]


def rows(understood: Understanding) -> list[Row]:
    return [(r.kind, r.param, r.value, r.phrase) for r in understood.readings]


ISSUE_TABLE: list[tuple[str, str, list[Row]]] = [
    (
        "a place to stay tonight",
        "",
        [
            ("filter", "need", "shelter", "place to stay"),
            ("time", "time", "day=tue&time_from=20:30", "tonight"),
        ],
    ),
    ("naloxone", "", [("filter", "need", "harm_reduction", "naloxone")]),
    (
        "my daughter is using pills",
        "",
        [
            ("boost", "need", "substance_use", "using"),
            ("boost", "need", "opioids", "pills"),
            ("boost", "need", "family_friends", "my daughter"),
        ],
    ),
    (
        "AA meeting this evening",
        "",
        [
            ("filter", "kind", "meeting", "aa"),
            ("filter", "need", "alcohol", "aa"),
            ("time", "time", "day=tue&time_from=20:30", "this evening"),
        ],
    ),
    (
        "quiero dejar las drogas",
        "",
        [
            ("filter", "need", "drugs", "dejar las drogas"),
            ("filter", "need", "substance_use", "dejar las drogas"),
            ("boost", "language", "es", "quiero"),
        ],
    ),
    (
        "dónde puedo dormir esta noche",
        "",
        [
            ("filter", "need", "shelter", "donde puedo dormir"),
            ("time", "time", "day=tue&time_from=20:30", "esta noche"),
            ("boost", "language", "es", "donde"),
        ],
    ),
    ("kicked out of my house", "", [("filter", "need", "shelter", "kicked out of my house")]),
    (
        "just got out of jail",
        "",
        [
            ("boost", "community", "justice_involved", "got out of jail"),
            ("boost", "need", "housing_assistance", "got out of jail"),
            ("boost", "need", "shelter", "got out of jail"),
        ],
    ),
    ("overdose", "", [("filter", "need", "harm_reduction", "overdose")]),
    (
        "fentanyl",
        "",
        [
            ("filter", "need", "opioids", "fentanyl"),
            ("filter", "need", "substance_use", "fentanyl"),
        ],
    ),
    (
        "xanax",
        "",
        [("filter", "need", "drugs", "xanax"), ("filter", "need", "substance_use", "xanax")],
    ),
    ("i'm going to kill myself", "", [("crisis", "crisis", "true", "kill myself")]),
    # Words that stay text: no reading, nothing made meaningful by "my".
    ("My Sisters Place", "sisters place", []),
    ("nada", "nada", []),
    ("Kaaba", "kaaba", []),
    ("banana", "banana", []),
    ("help", "", []),
    ("I need a", "", []),
]


@pytest.mark.parametrize(("q", "text", "expected"), ISSUE_TABLE)
def test_issue_phrasings(places: PlaceIndex, q: str, text: str, expected: list[Row]) -> None:
    understood = read(q, places)
    assert rows(understood) == expected
    assert understood.text == text
    assert understood.crisis == any(row[0] == "crisis" for row in expected)


PLACES: list[tuple[str, str | None, tuple[str, ...], str]] = [
    ("meeting in Philadelphia", "Philadelphia, PA", ("Philadelphia, MS", "Philadelphia, NY"), ""),
    ("shelter in Washington DC", "Washington, DC", (), ""),
    ("AA meeting in Los Angeles CA", "Los Angeles, CA", (), ""),
    ("reunión cerca de Los Ángeles", "Los Angeles, CA", (), ""),
    ("na meeting near 19103", "19103", (), ""),
    ("detox 20001", "20001", (), ""),
    ("need a bed tonight in philly", "Philadelphia, PA", (), ""),
    ("shelter in D.C.", "Washington, DC", (), ""),
    ("shelter near Philadelphia, PA", "Philadelphia, PA", (), ""),
    ("AA meetings San Francisco CA", "San Francisco, CA", (), ""),
    ("detox philadelphia pa", "Philadelphia, PA", (), ""),
    # Not places: lexicon phrases after "in", an unknown ZIP, a number that is a step.
    ("meeting in person", None, (), ""),
    ("meeting in spanish", None, (), ""),
    ("meeting near 00000", None, (), "00000"),
    ("12 step meeting", None, (), ""),
]


@pytest.mark.parametrize(("q", "place", "first_others", "text"), PLACES)
def test_place_words(
    places: PlaceIndex, q: str, place: str | None, first_others: tuple[str, ...], text: str
) -> None:
    understood = read(q, places)
    assert understood.place == place
    assert understood.place_others[: len(first_others)] == first_others
    assert understood.text == text


def test_explicit_near_removes_place_words_without_reading_them(places: PlaceIndex) -> None:
    understood = read("shelter in Washington DC", places, near="19103")
    assert understood.place is None
    assert understood.text == ""
    assert [r.kind for r in understood.readings] == ["filter"]


CRISIS: list[str] = [
    "suicide",
    "SUICIDAL",
    "I want to die",
    "i wanna die",
    "im going to kill myself",
    "im going to kill my self",
    "I am going to kill myself",
    "i\u2019m going to kill myself tonight",
    "I can't go on",
    "i cant go on anymore",
    "end my life",
    "my friend is overdosing",
    "sucide",
    "kil myslef",
    "suicidarme",
    "Quiero morir",
    "no quiero vivir",
    "me voy a matar",
    "matarme",
    "no puedo más",
]


@pytest.mark.parametrize("q", CRISIS)
def test_crisis_phrases(places: PlaceIndex, q: str) -> None:
    understood = read(q, places)
    assert understood.crisis
    assert understood.readings[0].kind == "crisis"


@pytest.mark.parametrize(
    "q",
    ["overdose", "naloxone training", "killing time", "die hard", "I can go on", "vivir sobrio"],
)
def test_not_crisis(places: PlaceIndex, q: str) -> None:
    assert not read(q, places).crisis


@pytest.mark.parametrize(
    ("q", "codes"),
    [
        ("AA", {"kind": ["meeting"], "need": ["alcohol"]}),
        ("na meeting", {"kind": ["meeting"], "need": ["drugs"]}),
        ("Al-Anon", {"kind": ["meeting"], "need": ["family_friends"]}),
        ("alateen", {"kind": ["meeting"], "need": ["family_friends"]}),
        ("Nar-Anon", {"kind": ["meeting"], "need": ["family_friends"]}),
        ("SMART Recovery", {"kind": ["meeting"], "need": ["substance_use"]}),
        ("Celebrate Recovery", {"kind": ["meeting"], "need": ["substance_use"]}),
        ("recovery dharma", {"kind": ["meeting"], "need": ["substance_use"]}),
        ("CMA", {"kind": ["meeting"], "need": ["drugs"]}),
        ("dope sick", {"need": ["detox", "moud"]}),
        ("online therapy", {"need": ["counseling", "mental_health"]}),
        # "doctor" only hints primary care: the medication decides.
        ("suboxone doctor", {"need": ["moud"]}),
        ("Sublocade", {"need": ["moud"]}),
        ("methadone clinic", {"need": ["moud"]}),
        ("vivitrol", {"need": ["moud"]}),
        ("needle exchange", {"need": ["harm_reduction"]}),
        ("test strips", {"need": ["harm_reduction"]}),
        ("Narcan", {"need": ["harm_reduction"]}),
        ("albergue", {"need": ["shelter"]}),
        ("desintoxicación", {"need": ["detox"]}),
        ("grupo de apoyo en español", {"kind": ["meeting"], "language": ["es"]}),
        ("alcohólicos anónimos", {"kind": ["meeting"], "need": ["alcohol"]}),
        ("zoom meeting", {"attendance": ["online"], "kind": ["meeting"]}),
        ("wheelchair accessible meeting", {"accessibility": ["wheelchair"], "kind": ["meeting"]}),
        ("evicted", {"need": ["housing_assistance", "shelter"]}),
        ("homeless", {"need": ["shelter", "housing_assistance"]}),
        ("walk in detox", {"need": ["detox"]}),
        ("alcoholics anonymus", {"kind": ["meeting"], "need": ["alcohol"]}),
        ("shleter", {"need": ["shelter"]}),
        ("naloxne", {"need": ["harm_reduction"]}),
        ("aaa", {}),
        ("bacalao", {}),
    ],
)
def test_filters(places: PlaceIndex, q: str, codes: dict[str, list[str]]) -> None:
    assert read(q, places).filter_params() == codes


@pytest.mark.parametrize(
    ("q", "boosts"),
    [
        ("free", {"cost": ["free"]}),
        ("sin seguro", {"cost": ["sliding_scale", "free", "payment_assistance"]}),
        ("my husband drinks", {"need": ["alcohol", "family_friends"]}),
        # Someone else's use: the substance ranks, it does not exclude family groups.
        ("my son's drug addiction", {"need": ["drugs", "substance_use", "family_friends"]}),
        ("my husband is drinking again", {"need": ["alcohol", "family_friends"]}),
        (
            "just released from prison",
            {"community": ["justice_involved"], "need": ["housing_assistance", "shelter"]},
        ),
        ("on probation", {"community": ["justice_involved"]}),
    ],
)
def test_boosts(places: PlaceIndex, q: str, boosts: dict[str, list[str]]) -> None:
    understood = read(q, places)
    assert understood.boost_params() == boosts
    assert understood.filter_params() == {}


@pytest.mark.parametrize(
    ("q", "params", "time_filters"),
    [
        ("AA meeting tonight", {"day": ["tue"], "time_from": "20:30"}, True),
        ("meeting now", {"starts_within_min": "59"}, True),
        ("right now", {"starts_within_min": "59"}, True),
        ("detox now", {"open_now": "true"}, False),
        ("a place to stay tonight", {"day": ["tue"], "time_from": "20:30"}, False),
        ("today", {"day": ["tue"], "time_from": "20:30"}, True),
        ("this morning", {"day": ["tue"], "time_from": "06:00", "time_to": "12:00"}, True),
        ("tomorrow morning", {"day": ["wed"], "time_from": "06:00", "time_to": "12:00"}, True),
        ("mañana", {"day": ["wed"]}, True),
        ("mañana por la mañana", {"day": ["wed"], "time_from": "06:00", "time_to": "12:00"}, True),
        ("los domingos", {"day": ["sun"]}, True),
        (
            "sunday morning meeting",
            {"day": ["sun"], "time_from": "06:00", "time_to": "12:00"},
            True,
        ),
        ("meetings on the weekend", {"day": ["sat", "sun"]}, True),
        # A clock time with no day word is the next such time: today while it lasts...
        ("after 6", {"day": ["tue"], "time_from": "20:30"}, True),
        ("after 6 am", {"day": ["tue"], "time_from": "20:30"}, True),
        ("a las 8 de la noche", {"day": ["tue"], "time_from": "20:30", "time_to": "21:00"}, True),
        # ...else tomorrow (it is 20:30).
        (
            "before 9 in the morning",
            {"day": ["wed"], "time_from": "06:00", "time_to": "09:00"},
            True,
        ),
        ("at 7pm", {"day": ["wed"], "time_from": "19:00", "time_to": "20:00"}, True),
        ("7:30pm", {"day": ["wed"], "time_from": "19:30", "time_to": "20:30"}, True),
        ("a las 7", {"day": ["wed"], "time_from": "19:00", "time_to": "20:00"}, True),
        ("a las 7 de la mañana", {"day": ["wed"], "time_from": "07:00", "time_to": "08:00"}, True),
        # A day word keeps the clock on that day.
        ("sunday at 7pm", {"day": ["sun"], "time_from": "19:00", "time_to": "20:00"}, True),
        ("evening meetings", {"time_from": "17:00"}, True),
        ("ahora", {"starts_within_min": "59"}, True),
        ("hoy", {"day": ["tue"], "time_from": "20:30"}, True),
        ("meeting open tonight", {"day": ["tue"], "time_from": "20:30"}, True),
    ],
)
def test_time_words(
    places: PlaceIndex, q: str, params: dict[str, object], time_filters: bool
) -> None:
    understood = read(q, places)
    assert understood.time is not None
    assert understood.time.params() == params
    assert understood.time_filters is time_filters


def test_time_in_the_persons_zone(places: PlaceIndex) -> None:
    # 20:30 in Philadelphia is 17:30 in Los Angeles: "tonight" there starts at 17:30.
    understood = understand("tonight", at=AT, tz="America/Los_Angeles", places=places)
    assert understood.time is not None
    assert understood.time.params() == {"day": ["tue"], "time_from": "17:30"}


def test_window_already_over_is_kept_whole(places: PlaceIndex) -> None:
    understood = read("this morning", places)
    assert understood.time is not None
    assert (understood.time.time_from, understood.time.time_to) == ("06:00", "12:00")


def test_without_drops_explicit_parameters(places: PlaceIndex) -> None:
    understood = read("AA meeting tonight in Philadelphia, free", places)
    assert {r.kind for r in understood.readings} == {"filter", "time", "place", "boost"}
    kept = understood.without({"kind", "day", "near", "cost"})
    assert kept.filter_params() == {"need": ["alcohol"]}
    assert kept.time is None
    assert kept.place is None
    assert kept.boost_params() == {}
    assert [r.kind for r in kept.readings] == ["filter"]


def test_every_code_is_in_the_vocabulary(places: PlaceIndex) -> None:
    from service.search.wording import lexicon

    vocabulary = {(f.param, c) for f in FILTER_FIELDS for c in f.vocabulary.codes}
    for senses in lexicon().phrases.values():
        for sense in senses:
            assert (sense.param, sense.code) in vocabulary


def test_labels_in_both_languages(places: PlaceIndex) -> None:
    understood = read("shelter near 20001 tonight", places)
    assert [(r.en, r.es) for r in understood.readings] == [
        ("Shelter", "Albergue"),
        ("near 20001", "cerca de 20001"),
        ("tonight", "esta noche"),
    ]


def test_open_before_a_time_is_part_of_it(places: PlaceIndex) -> None:
    assert read("shelter open tonight", places).text == ""
    assert read("open meeting", places).text == "open"


def test_short_words_are_not_corrected(places: PlaceIndex) -> None:
    # "saber" is one letter from "sober": words under six letters are taken as typed.
    understood = read("quiero saber", places)
    assert understood.text == "saber"
    assert understood.filter_params() == {}


def test_every_crisis_phrase_of_the_evaluation_set_is_read_as_crisis(places: PlaceIndex) -> None:
    from bench.search_eval import load_queries

    for query in load_queries():
        understood = understand(query.q, near=query.near, at=query.at, places=places)
        assert understood.crisis == ("crisis" in query.tags), query.q


@pytest.mark.parametrize(
    ("at", "params"),
    [
        # The night US clocks go back (2026-11-01 02:00 EDT -> 01:00 EST), both sides.
        ("2026-11-01T01:30:00Z", {"day": ["sat"], "time_from": "21:30"}),
        ("2026-11-02T01:30:00Z", {"day": ["sun"], "time_from": "20:30"}),
        # The night they go forward (2026-03-08 02:00 EST -> 03:00 EDT), both sides.
        ("2026-03-08T01:30:00Z", {"day": ["sat"], "time_from": "20:30"}),
        ("2026-03-09T01:30:00Z", {"day": ["sun"], "time_from": "21:30"}),
    ],
)
def test_tonight_across_daylight_saving_changes(
    places: PlaceIndex, at: str, params: dict[str, object]
) -> None:
    understood = understand(
        "tonight", at=datetime.fromisoformat(at), tz="America/New_York", places=places
    )
    assert understood.time is not None
    assert understood.time.params() == params


@pytest.mark.parametrize(
    "q",
    [
        "tonight",
        "now",
        "detox now",
        "tomorrow morning",
        "los domingos",
        "after 6",
        "at 7pm",
        "before 9am",
        "today",
        "this morning",
        "weekend evenings",
    ],
)
def test_time_params_pass_the_search_validation(places: PlaceIndex, q: str) -> None:
    from service.schedules.params import validate_time_params

    time = read(q, places).time
    assert time is not None
    values = time.params()
    day = values.get("day")
    checked = validate_time_params(
        open_now=_text(values.get("open_now")),
        starts_within_min=_text(values.get("starts_within_min")),
        day=day if isinstance(day, list) else None,
        time_from=_text(values.get("time_from")),
        time_to=_text(values.get("time_to")),
        at=AT.isoformat(),
        tz=None,
        now=AT,
    )
    assert checked.filters


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None


@pytest.mark.parametrize(
    ("q", "boost"),
    [("suboxone", "buprenorphine"), ("metadona", "methadone"), ("vivitrol shot", "naltrexone")],
)
def test_a_medication_asks_for_moud_and_ranks_its_givers_first(
    places: PlaceIndex, q: str, boost: str
) -> None:
    understood = read(q, places)
    assert understood.filter_params() == {"need": ["moud"]}
    assert understood.boost_params() == {"need": [boost]}
