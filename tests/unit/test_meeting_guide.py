"""Meeting Guide feeds -> IndexDocuments: real records from the seed feeds, plus edge cases."""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

import msgspec
import pytest

from indexer.records import RecordError, SourceConfig, SourceLoadError, SourcesFile
from indexer.sources.meeting_guide import feed as meeting_guide
from indexer.sources.meeting_guide.schedule import parse_time
from indexer.sources.meeting_guide.types import CROSSWALK, lookup
from service.contract.documents import GeoPoint
from service.contract.vocabulary import ACCESSIBILITY, COMMUNITIES, LANGUAGES, NEEDS
from tests.sources import local_path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
DATA = ROOT / "tests" / "data" / "meeting_guide"
ABSENT = "<absent>"

SOURCES = {
    s.id: s
    for s in msgspec.convert(tomllib.loads((SEED / "sources.toml").read_text()), SourcesFile).source
    if s.format == "meeting_guide"
}


def real_record(source_id: str, slug: str) -> dict[str, Any]:
    """The record with this slug in a seed feed."""
    records = json.loads((SEED / local_path(SOURCES[source_id])).read_text(encoding="utf-8"))
    return next(r for r in records if str(r["slug"]) == slug)


def built(record: dict[str, Any], source: SourceConfig) -> dict[str, Any]:
    """The document as the index stores it (JSON), so tuples compare as lists."""
    doc = meeting_guide.to_document(record, source)
    result: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(doc))
    return result


def pick(doc: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {key: doc.get(key, ABSENT) for key in expected}


PHILA_SPANISH = "meeting-1924-s-7th-st-philadelphia-pa-19148-usa-0-100000"
PHILA_CLOSED = "meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500"

REAL_CASES = [
    pytest.param(
        "aasepia",
        PHILA_SPANISH,
        {
            "id": f"aasepia-{PHILA_SPANISH}",
            "languages": ["es"],  # types O, S: Spanish only, no default English
            "attendance": ["in_person"],
            "tags": ["Open"],
            "address": {
                "place_name": "Grupo Nuevo Camino (D68)",
                "street": "1924 S 7th St",
                "city": "Philadelphia",
                "state": "PA",
                "postal_code": "19148",
                "formatted": "1924 S 7th St, Philadelphia, PA 19148, USA",
            },
            "_geo": {"lat": 39.9246142, "lng": -75.1579925},
            "schedule": {
                "timezone": "America/New_York",
                "slots": [{"day": "sun", "start": "10:00", "end": "11:00"}],
            },
        },
        id="aasepia-spanish",
    ),
    pytest.param(
        "aasepia",
        "shoulder-shoulder-group-Sun12am",
        {
            # ONL, a Zoom link and a dial-in; the Philadelphia city centre is not a venue.
            "attendance": ["online", "phone"],
            "address": ABSENT,
            "_geo": ABSENT,
            # The city stays, city-level only, for clients that list meetings by place.
            "service_area": {
                "states": ["PA"],
                "locality": {
                    "city": "Philadelphia",
                    "state": "PA",
                    "formatted": "Philadelphia, PA",
                    "approximate": True,
                },
            },
            "languages": ["en"],
            "tags": ["Open", "Big Book", "Discussion", "Philadelphia County", "Philadelphia"],
            "contact": {
                "website": "https://www.aasepia.org/meetings/?meeting=shoulder-shoulder-group-Sun12am",
                "meeting_url": "https://us02web.zoom.us/j/503536771?pwd=b3RTYXNqRFREQ2NidjJydk9hRy9Bdz09",
                "meeting_phone": "+13017158592,,503536771#",
            },
        },
        id="aasepia-onl",
    ),
    pytest.param(
        "aasepia",
        PHILA_CLOSED,
        {
            "status": "temporarily_closed",  # TC and no online way in
            "attendance": ["in_person"],
            "communities": ["newcomers"],
            "_geo": {"lat": 39.954535, "lng": -75.2035769},
            "provenance": {
                "source": "aasepia",
                "source_name": "Southeastern PA Intergroup (AA)",
                "source_record_id": PHILA_CLOSED,
                "source_url": f"https://www.aasepia.org/meetings/?meeting={PHILA_CLOSED}",
                "updated_at": "2020-10-08T16:43:41",
                "licence": SOURCES["aasepia"].licence,
                # The feed's page for change requests, where stewards forward reports.
                "feedback_url": "https://aasepia.org/meeting-status/",
            },
        },
        id="aasepia-tc",
    ),
    pytest.param(
        "oc-aa",
        "t-n-t-group",
        {
            "attendance": ["hybrid", "in_person", "online", "phone"],
            "accessibility": ["wheelchair"],
            "description": ABSENT,  # the feed's notes are just ","
            "address": {
                "place_name": "Wesley Building",
                "street": "6725 Friends Ave",
                "city": "Whittier",
                "state": "CA",
                "postal_code": "90601",
                "formatted": "6725 Friends Ave, Whittier, CA 90601, USA",
                "notes": "Wesley Building",
            },
            "contact": {
                "website": "https://oc-aa.org/meetings/t-n-t-group/",
                "meeting_url": "https://zoom.us/j/625710277",
                "meeting_phone": "669-900-6833",
            },
        },
        id="oc-hybrid-attendance-option",
    ),
    pytest.param(
        "nwta",
        "5202",
        {
            "id": "nwta-5202",
            "tags": ["Open"],  # types is the string "[open]"
            "address": {
                "street": "107 North Hughes Street",
                "city": "Amarillo",
                "state": "TX",
                "postal_code": "79107",
                "formatted": "107 North Hughes Street, Amarillo, TX 79107",
            },
            "schedule": {
                "timezone": "America/Chicago",
                "slots": [{"day": "mon", "start": "12:00"}],
            },
        },
        id="nwta-string-types",
    ),
    pytest.param(
        "nwta",
        "5519",
        {
            # Location rotates: city only, coordinates 0,0; attendance not stated.
            "attendance": ABSENT,
            "_geo": ABSENT,
            "address": {
                "place_name": "Rotates (call for info), Floydada",
                "city": "Floydada",
                "state": "TX",
                "postal_code": "79235",
                "formatted": "Floydada, TX 79235",
                "approximate": True,
            },
        },
        id="nwta-zero-coordinates",
    ),
    pytest.param(
        "edmonton-aa",
        "586",
        {
            "languages": ["es"],
            "attendance": ["in_person"],
            "address": {
                "place_name": "82 Street and 118 Avenue",
                "street": "#209 8203 118 Ave NW",
                "city": "Edmonton",
                "postal_code": "T5B 0S2",
                "country": "CA",
                "formatted": "#209 8203 118 Ave NW, Edmonton, Alberta, T5B 0S2, Canada",
            },
            "schedule": {
                "timezone": "America/Edmonton",
                "slots": [{"day": "sun", "start": "19:00"}],  # day [0], "7:00 PM"
            },
            "provenance": {
                "source": "edmonton-aa",
                "source_name": "Edmonton Central Office (AA)",
                "source_record_id": "586",
                "source_url": "http://edmontonaa.org/meeting-detail?Id=586",
                "updated_at": "2019-12-31T15:42:08",  # "12/31/2019 3:42:08 PM"
                "licence": SOURCES["edmonton-aa"].licence,
            },
        },
        id="edmonton-list-day-pm-time",
    ),
    pytest.param(
        "kc-aa",
        "367",
        {
            "id": "kc-aa-367",  # slug is the integer 367
            "status": "temporarily_closed",
            "address": {
                "place_name": "Community Christian Church",
                "street": "4601 Main St",
                "city": "Kansas City",
                "state": "MO",
                "postal_code": "64112",  # an integer in the feed
                "formatted": "4601 Main St, Kansas City, MO 64112",
                "notes": "Community Christian Church- Bonfils Chapel",
            },
        },
        id="kc-int-slug",
    ),
    pytest.param(
        "sf-airtable",
        "rec9XxDhNgveQAsWb",
        {
            # TC with a Zoom link (written twice, comma-separated): online only, still active.
            "attendance": ["online"],
            "status": "active",
            "address": ABSENT,
            # No state in this feed: the source's own (`states` in sources.toml).
            "service_area": {
                "states": ["CA"],
                "locality": {
                    "city": "San Francisco",
                    "state": "CA",
                    "postal_code": "94110",
                    "formatted": "San Francisco, CA 94110",
                    "approximate": True,
                },
            },
            # The venue's closure is kept, so feeds written from the index say TC again.
            "tags": [
                "Open",
                "12 Steps & 12 Traditions",
                "Location Temporarily Closed",
                "San Francisco",
                "Bernal Hts",
            ],
            "contact": {
                "meeting_url": (
                    "https://us02web.zoom.us/meeting/register/tZEufu6trD4uGdNZ4gVO0fDkBie6Qb7J4Za7"
                ),
            },
        },
        id="sf-airtable-tc-online",
    ),
    pytest.param(
        "alpena-aa",
        "5",
        {"communities": ["women"], "tags": ["Closed"], "languages": ["en"]},  # types "C,W"
        id="alpena-comma-types",
    ),
    pytest.param(
        "eda",
        "zelfhulp-netwerk",
        {
            "needs": ["eating_disorder", "peer_support"],
            "organization": "Eating Disorders Anonymous",
            "languages": ABSENT,  # no language code, outside North America: none invented
            "attendance": ["in_person"],
            "address": {
                "place_name": (
                    "Zelfhulp Netwerk, Pastoriestraat 147, 5612 EK Eindhoven, Netherlands"
                ),
                "country": "NL",
                "formatted": "Pastoriestraat 147, 5612 EK Eindhoven, Netherlands",
            },
            "schedule": {"slots": [{"day": "tue", "start": "19:30", "end": "21:00"}]},
        },
        id="eda-netherlands",
    ),
]


@pytest.mark.parametrize(("source_id", "slug", "expected"), REAL_CASES)
def test_real_records(source_id: str, slug: str, expected: dict[str, Any]) -> None:
    doc = built(real_record(source_id, slug), SOURCES[source_id])
    assert pick(doc, expected) == expected


def test_every_meeting_shares_the_fellowship_and_keywords() -> None:
    doc = meeting_guide.to_document(real_record("aasepia", PHILA_SPANISH), SOURCES["aasepia"])
    assert (doc.kind, doc.needs, doc.costs) == (
        "meeting",
        ("alcohol", "peer_support"),
        ("donation",),
    )
    assert doc.organization == "Alcoholics Anonymous"
    assert {"Spanish", "Español", "In person"} <= set(doc.keywords)


# --- Invented edge cases (not from any feed) ------------------------------------------------

EXAMPLE_SOURCE = SourceConfig(
    id="example",
    name="Example feed",
    format="meeting_guide",
    path="example.json",
    kind="meeting",
    timezone="America/Chicago",
    fellowship="AA",
    licence="test",
)
STREET = {"formatted_address": "123 Main St, Anytown, OK 12345, USA"}
CITY = {"formatted_address": "Anytown, OK, USA"}
ZOOM = {"conference_url": "https://zoom.us/j/1"}
DIAL_IN = {"conference_phone": "+16695550100,,1#"}


def example(**fields: Any) -> dict[str, Any]:
    """An invented meeting with the given fields on top of a valid minimum."""
    return {"name": "Example", "slug": "example", "day": 1, "time": "19:00", **fields}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({"slug": "x", "day": 1, "time": "19:00"}, "missing name"),
        (example(name="   "), "missing name"),
        ({"name": "Example", "day": 1, "time": "19:00"}, "missing slug"),
        (example(slug=True), "slug True is not a string"),
        (example(day=9), "day 9 is not 0-6 (0 = Sunday)"),
        (example(day="monday"), "day 'monday' is not a number 0-6 (0 = Sunday)"),
        (example(day=[1, 7]), "day 7 is not 0-6 (0 = Sunday)"),
        (example(time="25:99"), "time '25:99' is not a time of day"),
        (example(time="noon"), "time 'noon' is not a time (HH:MM)"),
        (example(end_time="13:00 PM"), "end_time '13:00 PM' is not a 12-hour time"),
        (example(types={"O": True}), "types must be a list or a string, got dict"),
        (example(timezone="Mars/Olympus"), "timezone 'Mars/Olympus' is not an IANA time zone"),
    ],
)
def test_bad_records_raise_record_error(record: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError) as caught:
        meeting_guide.to_document(record, EXAMPLE_SOURCE)
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"latitude": 200, "longitude": -97.4}, ABSENT),
        ({"latitude": "0", "longitude": "0"}, ABSENT),
        ({"latitude": "35.5", "longitude": "-97.25"}, {"lat": 35.5, "lng": -97.25}),
        ({"latitude": "n/a", "longitude": -97.4}, ABSENT),
    ],
)
def test_unusable_coordinates_are_dropped_not_rejected(
    fields: dict[str, Any], expected: object
) -> None:
    doc = built(example(**STREET, **fields), EXAMPLE_SOURCE)
    assert doc.get("_geo", ABSENT) == expected


@pytest.mark.parametrize(
    ("fields", "schedule"),
    [
        (
            {"day": [1, 3], "time": "8:00 PM", "end_time": "9:00 PM"},
            {
                "timezone": "America/Chicago",
                "slots": [
                    {"day": "mon", "start": "20:00", "end": "21:00"},
                    {"day": "wed", "start": "20:00", "end": "21:00"},
                ],
            },
        ),
        (
            {"day": "0", "time": "07:30:00"},
            {"timezone": "America/Chicago", "slots": [{"day": "sun", "start": "07:30"}]},
        ),
        ({"day": None, "time": None}, {"timezone": "America/Chicago", "by_appointment": True}),
        (
            {"day": 6, "time": "23:00", "end_time": "24:00", "timezone": "America/New_York"},
            {
                "timezone": "America/New_York",
                "slots": [{"day": "sat", "start": "23:00", "end": "24:00"}],
            },
        ),
    ],
)
def test_schedules(fields: dict[str, Any], schedule: dict[str, Any]) -> None:
    assert built(example(**fields), EXAMPLE_SOURCE)["schedule"] == schedule


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("19:00", "19:00"),
        ("7:05", "07:05"),
        ("8:00 PM", "20:00"),
        ("12:00 AM", "00:00"),
        ("12:30 pm", "12:30"),
        ("11:15 a.m.", "11:15"),
        ("06:45:00", "06:45"),
        ("", None),
        (None, None),
    ],
)
def test_parse_time(value: object, expected: str | None) -> None:
    assert parse_time(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-10-27 16:17:24", "2020-10-27T16:17:24"),
        ("8/28/2021", "2021-08-28"),
        ("8/25/2022 11:14:41 AM", "2022-08-25T11:14:41"),
        ("12/31/2019 3:42:08 PM", "2019-12-31T15:42:08"),
        ("2024-03-08", "2024-03-08"),
        ("last week", None),
        (None, None),
    ],
)
def test_parse_updated(value: object, expected: str | None) -> None:
    assert meeting_guide.parse_updated(value) == expected


@pytest.mark.parametrize(
    ("fields", "attendance", "status", "has_address", "has_geo"),
    [
        # Invented records: what each combination of stated facts becomes.
        ({**STREET}, ["in_person"], "active", True, True),
        ({**STREET, **ZOOM}, ["hybrid", "in_person", "online"], "active", True, True),
        ({**STREET, **DIAL_IN}, ["hybrid", "in_person", "phone"], "active", True, True),
        ({**CITY, **ZOOM}, ["online"], "active", False, False),
        ({**CITY, **ZOOM, **DIAL_IN}, ["online", "phone"], "active", False, False),
        ({**CITY, **DIAL_IN}, ["phone"], "active", False, False),
        ({**CITY, "types": ["ONL"]}, ["online"], "active", False, False),
        ({**STREET, **ZOOM, "types": ["TC", "ONL"]}, ["online"], "active", False, False),
        ({**STREET, "types": ["TC"]}, ["in_person"], "temporarily_closed", True, True),
        ({**CITY}, [], "active", True, False),
        ({**STREET, "approximate": "yes", **ZOOM}, ["online"], "active", False, False),
        ({**CITY, "attendance_option": "in_person"}, ["in_person"], "active", True, True),
        # TSML states `online` for any conference field: a dial-in alone is by phone.
        ({**STREET, "attendance_option": "online", **DIAL_IN}, ["phone"], "active", False, False),
        ({**CITY, "types": ["ONL"], **DIAL_IN}, ["phone"], "active", False, False),
        (
            {**STREET, "types": ["ONL"], **DIAL_IN},
            ["hybrid", "in_person", "phone"],
            "active",
            True,
            True,
        ),
        (
            {**STREET, "attendance_option": "hybrid", **DIAL_IN},
            ["hybrid", "in_person", "phone"],
            "active",
            True,
            True,
        ),
        ({**CITY, "attendance_option": "online"}, ["online"], "active", False, False),
        (
            {**STREET, "attendance_option": "hybrid"},
            ["hybrid", "in_person", "online"],
            "active",
            True,
            True,
        ),
        ({**CITY, "attendance_option": "inactive"}, [], "temporarily_closed", True, False),
    ],
)
def test_attendance_is_what_the_feed_states(
    fields: dict[str, Any], attendance: list[str], status: str, has_address: bool, has_geo: bool
) -> None:
    doc = built(example(latitude=35.1, longitude=-97.4, **fields), EXAMPLE_SOURCE)
    assert doc.get("attendance", []) == attendance
    assert doc["status"] == status
    assert ("address" in doc, "_geo" in doc) == (has_address, has_geo)


def test_online_only_meetings_lose_physical_accessibility() -> None:
    doc = built(example(**CITY, **ZOOM, types=["X", "XB", "ASL", "BA"]), EXAMPLE_SOURCE)
    assert doc["accessibility"] == ["sign_language"]


def test_type_codes_map_onto_vocabularies_and_tags() -> None:
    types = ["O", "onl", "G", "T", "BV-I", "D-HOH", "DD", "AF", "LGBTQIA", "ZZ", ""]
    expected = {
        "communities": ["lgbtq", "transgender"],
        "accessibility": ["blind_low_vision", "deaf_hard_of_hearing"],
        "needs": ["alcohol", "peer_support", "co_occurring"],
        "languages": ABSENT,  # Afrikaans is stated (as a tag), so no default English
        "tags": ["Open", "Gay", "Dual Diagnosis", "Afrikaans", "ZZ"],
    }
    assert pick(built(example(**CITY, **ZOOM, types=types), EXAMPLE_SOURCE), expected) == expected


# --- Crosswalk ---------------------------------------------------------------------------


def test_every_spec_type_code_is_in_the_crosswalk_with_its_english_name() -> None:
    spec = json.loads((DATA / "types.json").read_text(encoding="utf-8"))
    assert len(spec) == 87
    assert {code: CROSSWALK[code].name for code in spec} == {
        code: names["en"] for code, names in spec.items()
    }


def test_crosswalk_values_are_in_the_vocabularies() -> None:
    vocabularies = {
        "languages": LANGUAGES.codes,
        "communities": COMMUNITIES.codes,
        "accessibility": ACCESSIBILITY.codes,
        "needs": NEEDS.codes,
        "format": frozenset(),
        "signal": frozenset(),
    }
    bad = {
        code: entry.values
        for code, entry in CROSSWALK.items()
        if not set(entry.values) <= vocabularies[entry.field]
    }
    assert bad == {}


@pytest.mark.parametrize(
    ("code", "name"),
    [("ONL", "Online Meeting"), ("onl", "Online Meeting"), ("12X12", "12 Steps & 12 Traditions")],
)
def test_codes_are_looked_up_case_insensitively(code: str, name: str) -> None:
    entry = lookup(code)
    assert entry is not None
    assert entry.name == name


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (DATA / "times.json", Counter({"NA": 1})),
        (SEED / "meeting_guide" / "aasepia.json", Counter({"ASBI": 26})),
        (SEED / "meeting_guide" / "nwta.json", Counter()),
        (SEED / "meeting_guide" / "kc.json", Counter()),
    ],
)
def test_unknown_type_codes_are_counted(path: Path, expected: Counter[str]) -> None:
    assert meeting_guide.unknown_type_codes(meeting_guide.read_feed(path)) == expected


# --- load() ------------------------------------------------------------------------------


def test_invalid_json_fails_the_whole_source_naming_file_and_position() -> None:
    source = msgspec.structs.replace(EXAMPLE_SOURCE, path="meeting_guide/invalid.json")
    with pytest.raises(
        SourceLoadError, match=r"invalid\.json: invalid JSON at line \d+, column \d+"
    ):
        meeting_guide.load(source, DATA.parent)


def test_missing_file_fails_the_whole_source() -> None:
    source = msgspec.structs.replace(EXAMPLE_SOURCE, path="meeting_guide/nowhere.json")
    with pytest.raises(SourceLoadError, match=r"nowhere\.json: cannot read the file"):
        meeting_guide.load(source, DATA.parent)


def test_a_top_level_object_is_not_a_feed(tmp_path: Path) -> None:
    (tmp_path / "feed.json").write_text('{"meetings": []}')  # invented
    source = msgspec.structs.replace(EXAMPLE_SOURCE, path="feed.json")
    with pytest.raises(
        SourceLoadError, match=r"feed\.json: the top level is an object, not an array"
    ):
        meeting_guide.load(source, tmp_path)


def test_broken_feed_rejects_bad_records_and_loads_the_rest() -> None:
    source = msgspec.structs.replace(EXAMPLE_SOURCE, path="meeting_guide/broken.json")
    result = meeting_guide.load(source, DATA.parent)
    assert [str(r) for r in result.rejections] == [
        "meeting_guide/broken.json[1]: a meeting must be an object, got a string",
        "meeting_guide/broken.json[2]: missing name",
        "meeting_guide/broken.json[3]: day 9 is not 0-6 (0 = Sunday)",
        "meeting_guide/broken.json[4]: duplicate slug 'good' (first at [0])",
        "meeting_guide/broken.json[5]: time '25:99' is not a time of day",
        "meeting_guide/broken.json[7]: a meeting must be an object, got a number",
        "meeting_guide/broken.json[8]: missing slug",
    ]
    assert {r.source for r in result.rejections} == {"example"}
    assert [(d.id, d.geo) for d in result.documents] == [
        ("example-good", GeoPoint(lat=35.1, lng=-97.4)),
        ("example-bad-lat", None),
    ]


def test_fixture_feeds_load_without_rejections() -> None:
    for name in ("times.json", "timezones.test.json", "appointment.test.json"):
        source = msgspec.structs.replace(EXAMPLE_SOURCE, path=f"meeting_guide/{name}")
        result = meeting_guide.load(source, DATA.parent)
        assert result.rejections == [], name
        assert result.documents, name


# --- Privacy -----------------------------------------------------------------------------

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def test_no_personal_contact_reaches_the_documents_of_aasanjose() -> None:
    source = SOURCES["aasanjose"]
    raw = (SEED / local_path(source)).read_text(encoding="utf-8")
    records = json.loads(raw)
    emails = set(EMAIL.findall(raw))
    handles = {
        str(r[key]) for r in records for key in ("venmo", "paypal", "email", "phone") if r.get(key)
    }
    assert len(emails) > 50
    assert len(handles) > 50
    encoded = msgspec.json.encode(meeting_guide.load(source, SEED).documents).decode()
    assert [e for e in emails if e in encoded] == []
    assert [h for h in handles if h in encoded] == []


@pytest.mark.parametrize("source_id", sorted(SOURCES))
def test_no_email_address_of_any_seed_feed_is_indexed(source_id: str) -> None:
    source = SOURCES[source_id]
    raw = (SEED / local_path(source)).read_text(encoding="utf-8")
    encoded = msgspec.json.encode(meeting_guide.load(source, SEED).documents).decode()
    assert [e for e in set(EMAIL.findall(raw)) if e in encoded] == []
