"""BMLT semantic API JSON and NAWS exports -> documents: real fixtures, plus broken inputs."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from indexer.records import RecordError, SourceConfig, SourceLoadError
from indexer.sources.bmlt import naws
from indexer.sources.bmlt import semantic as bmlt
from indexer.sources.bmlt.formats import (
    Format,
    default_formats,
    map_formats,
    read_formats,
)
from indexer.sources.bmlt.meeting import end_time, parse_clock

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "bmlt"
DAYS = ("meeting-search-42.867970-day2.json", "-day3.json", "-day4.json")
SOURCE = SourceConfig(
    id="na-test",
    name="NA test",
    format="bmlt",
    path=DAYS[0],
    kind="meeting",
    timezone="America/New_York",
    fellowship="NA",
    licence="MIT (test fixture)",
)


def fixture(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / name).read_text(encoding="utf-8"))
    return data


def as_json(doc: object) -> dict[str, Any]:
    result: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(doc))
    return result


def with_path(path: str) -> SourceConfig:
    return msgspec.structs.replace(SOURCE, path=path)


# --- Real fixtures -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "meetings"),
    [
        ("meeting-search-42.867970-day2.json", 53),
        ("meeting-search-42.867970-day3.json", 54),
        ("meeting-search-42.867970-day4.json", 62),
        ("meeting-search-0-0.json", 0),
    ],
)
def test_real_search_results_load_whole(path: str, meetings: int) -> None:
    result = bmlt.load(with_path(path), DATA)
    assert (len(result.documents), result.rejections, result.warnings) == (meetings, [], [])
    assert result.unknown_codes == {}


def test_a_real_meeting_in_full() -> None:
    docs = {d.id: d for d in bmlt.load(with_path(DAYS[0]), DATA).documents}
    doc = as_json(docs["na-test-2566"])
    doc.pop("keywords")
    assert doc == {
        "id": "na-test-2566",
        "kind": "meeting",
        "name": "Step up and Be Free",
        "organization": "Narcotics Anonymous",
        "needs": ["drugs", "peer_support"],
        "languages": ["en"],
        "attendance": ["in_person"],
        "costs": ["donation"],
        "tags": ["Open", "Rotating Format", "Topic"],
        "status": "active",
        "address": {
            "place_name": "Clifton springs Hospital",
            "street": "128 Main street",
            "city": "Clifton Springs",
            "state": "NY",
            "formatted": "128 Main street, Clifton Springs, NY",
            "notes": "Admin Conference Room",
        },
        "_geo": {"lat": 42.9613734, "lng": -77.1205486},
        # weekday_tinyint "2" is Monday: BMLT counts from Sunday = 1.
        "schedule": {"timezone": "America/New_York", "slots": [{"day": "mon", "start": "19:00"}]},
        "contact": {},
        "provenance": {
            "source": "na-test",
            "source_name": "NA test",
            "source_record_id": "2566",
            "licence": "MIT (test fixture)",
        },
    }


@pytest.mark.parametrize(
    ("record_id", "field", "expected"),
    [
        ("1946", "accessibility", ["wheelchair"]),  # formats SG,WC
        ("1946", "tags", ["Step Working Guide"]),
        ("1795", "communities", ["newcomers"]),  # B = Beginners (world id BEG)
        ("1795", "tags", ["Open", "Beginners", "Basic Text", "Discussion", "Step"]),
        (
            "1833",
            "schedule",
            {"timezone": "America/New_York", "slots": [{"day": "tue", "start": "07:30"}]},
        ),
    ],
)
def test_real_formats_and_days(record_id: str, field: str, expected: object) -> None:
    docs = {
        d.provenance.source_record_id: as_json(d)
        for name in ("meeting-search-42.867970-day2.json", "meeting-search-42.867970-day3.json")
        for d in bmlt.load(with_path(name), DATA).documents
    }
    assert docs[record_id][field] == expected


def test_get_formats_maps_world_ids_and_keys() -> None:
    formats = read_formats(fixture("formats.json"))
    assert len(formats) == 44
    mapped = map_formats(["ES", "GL", "WC", "SL", "YP", "W", "M", "CW", "C", "XYZ"], formats)
    assert mapped.languages == ("es",)
    assert mapped.communities == ("lgbtq", "young_people", "women", "men")
    assert mapped.accessibility == ("wheelchair", "sign_language", "child_friendly")
    assert mapped.unknown == ("XYZ",)
    assert "Closed" in mapped.tags
    assert "XYZ" in mapped.tags


@pytest.mark.parametrize(
    ("keys", "signals"),
    [
        (["VM"], {"virtual"}),
        (["HY"], {"hybrid"}),
        (["TC"], {"temporarily_closed"}),
        (["VM", "TC"], {"virtual", "temporarily_closed"}),
        (["O"], set()),
    ],
)
def test_attendance_formats_are_signals(keys: list[str], signals: set[str]) -> None:
    assert map_formats(keys, default_formats()).signals == signals


# --- Attendance and schedule rules (invented records: the fixtures have no venue_type) ---

BASE: dict[str, Any] = {
    "id_bigint": "9001",
    "meeting_name": "Example meeting",  # invented
    "weekday_tinyint": "1",
    "start_time": "19:30:00",
    "location_street": "1 Example St",
    "location_municipality": "Exampleville",
    "location_province": "NY",
    "latitude": "42.9",
    "longitude": "-77.1",
    "formats": "O,WC",
}


@pytest.mark.parametrize(
    ("changes", "attendance", "status", "has_address"),
    [
        ({}, ["in_person"], "active", True),
        (
            {"venue_type": "1", "virtual_meeting_link": "https://zoom.us/j/1"},
            ["in_person"],
            "active",
            True,
        ),
        (
            {"venue_type": "2", "virtual_meeting_link": "https://zoom.us/j/1"},
            ["online"],
            "active",
            False,
        ),
        ({"venue_type": 2, "phone_meeting_number": "+1 646 558 8656"}, ["phone"], "active", False),
        (
            {"venue_type": "3", "virtual_meeting_link": "https://zoom.us/j/1"},
            ["hybrid", "in_person", "online"],
            "active",
            True,
        ),
        ({"formats": "O,TC"}, ["in_person"], "temporarily_closed", True),
        (
            {"formats": "TC,VM", "virtual_meeting_link": "https://zoom.us/j/1"},
            ["online"],
            "active",
            False,
        ),
        (
            {"formats": "HY", "virtual_meeting_link": "https://zoom.us/j/1"},
            ["hybrid", "in_person", "online"],
            "active",
            True,
        ),
        (
            {"virtual_meeting_link": "https://zoom.us/j/1"},
            ["hybrid", "in_person", "online"],
            "active",
            True,
        ),
    ],
)
def test_attendance_is_what_the_record_states(
    changes: dict[str, Any], attendance: list[str], status: str, has_address: bool
) -> None:
    doc, _fields = bmlt.read_meeting({**BASE, **changes}, default_formats(), SOURCE)
    assert (list(doc.attendance), doc.status, doc.address is not None) == (
        attendance,
        status,
        has_address,
    )
    # Wheelchair access means nothing for a meeting without a venue.
    stated = "WC" in {**BASE, **changes}["formats"].split(",")
    assert ("wheelchair" in doc.accessibility) == (stated and has_address)


def test_online_meeting_keeps_its_state_as_service_area_and_no_point() -> None:
    record = {**BASE, "venue_type": "2", "virtual_meeting_link": "https://zoom.us/j/1"}
    doc, _fields = bmlt.read_meeting(record, default_formats(), SOURCE)
    assert (doc.geo, doc.service_area and doc.service_area.states) == (None, ("NY",))


@pytest.mark.parametrize(
    ("changes", "schedule"),
    [
        ({"duration_time": "01:30:00"}, {"day": "sun", "start": "19:30", "end": "21:00"}),
        (
            {"weekday_tinyint": "7", "start_time": "23:00:00", "duration_time": "02:00:00"},
            {"day": "sat", "start": "23:00", "end": "01:00"},
        ),
        (
            {"weekday_tinyint": 4, "start_time": "22:30", "duration_time": "01:30:00"},
            {"day": "wed", "start": "22:30", "end": "24:00"},
        ),
    ],
)
def test_weekday_1_is_sunday_and_duration_gives_the_end(
    changes: dict[str, Any], schedule: dict[str, str]
) -> None:
    doc, _fields = bmlt.read_meeting({**BASE, **changes}, default_formats(), SOURCE)
    assert as_json(doc)["schedule"]["slots"] == [schedule]


def test_time_zone_of_the_record_wins_over_the_source() -> None:
    doc, _fields = bmlt.read_meeting(
        {**BASE, "time_zone": "America/Chicago"}, default_formats(), SOURCE
    )
    assert doc.schedule is not None
    assert doc.schedule.timezone == "America/Chicago"


def test_formats_by_shared_id() -> None:
    formats = read_formats(fixture("formats.json"))
    record = {**BASE, "formats": "", "format_shared_id_list": "9,33"}  # ES, WC on this server
    doc, _fields = bmlt.read_meeting(record, formats, SOURCE)
    assert (doc.languages, doc.accessibility) == (("es",), ("wheelchair",))


@pytest.mark.parametrize(
    ("value", "minutes"), [("01:30:00", 90), ("00:45", 45), ("", None), (None, None)]
)
def test_parse_clock(value: object, minutes: int | None) -> None:
    assert parse_clock(value, field="duration_time") == minutes


@pytest.mark.parametrize(
    ("start", "duration", "end"),
    [("19:00", 60, "20:00"), ("23:30", 30, "24:00"), ("12:00", None, None)],
)
def test_end_time(start: str, duration: int | None, end: str | None) -> None:
    assert end_time(start, duration) == end


# --- Broken inputs (invented from the real records; each says what is wrong) ------------


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ({**BASE, "id_bigint": None}, "missing id_bigint"),
        ({**BASE, "meeting_name": " "}, "missing meeting_name"),
        (
            {**BASE, "meeting_name": ["a", "list"]},
            "meeting_name must be a string or a number, got an array",
        ),
        ({**BASE, "weekday_tinyint": "9"}, "weekday 9 is not 1-7 (1 = Sunday)"),
        ({**BASE, "weekday_tinyint": "Monday"}, "weekday_tinyint 'Monday' is not a whole number"),
        ({**BASE, "start_time": "7pm"}, "start_time '7pm' is not HH:MM:SS"),
        ({**BASE, "time_zone": "Eastern"}, "time_zone 'Eastern' is not an IANA time zone"),
        ({**BASE, "published": "0"}, "not published at its source"),
        ("a string", "a meeting must be an object, got a string"),
    ],
)
def test_bad_records_are_rejected_with_a_reason(record: object, reason: str) -> None:
    with pytest.raises(RecordError, match=f"^{re.escape(reason)}"):
        bmlt.read_meeting(record, default_formats(), SOURCE)


def test_broken_feed_reports_each_bad_record_and_keeps_the_rest(tmp_path: Path) -> None:
    real = fixture(DAYS[0])
    meetings = real["meetings"][:3]
    broken = [
        *meetings,
        {**meetings[0], "id_bigint": "77", "latitude": "100", "longitude": "-77"},  # bad point
        {**meetings[1], "meeting_name": ""},  # missing name
        meetings[2],  # the same record twice: skipped silently
        {**meetings[2], "meeting_name": "Another name"},  # same id, other content
    ]
    (tmp_path / "broken.json").write_text(
        json.dumps({"meetings": broken, "formats": real["formats"]})
    )
    result = bmlt.load(with_path("broken.json"), tmp_path)
    assert len(result.documents) == 4
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("broken.json[4]", "missing meeting_name"),
        ("broken.json[6]", f"duplicate id_bigint {meetings[2]['id_bigint']!r} (first at [2])"),
    ]
    assert [r.location for r in result.warnings] == ["broken.json[3]"]
    assert "not a valid point" in result.warnings[0].reason
    assert next(d for d in result.documents if d.id == "na-test-77").geo is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"meetings": [', "invalid JSON at line 1"),
        (b'"just a string"', "expected a list of meetings or an object with a `meetings` list"),
        (b"\xff\xfe", "not UTF-8 text"),
    ],
)
def test_unreadable_response_fails_the_whole_source(
    tmp_path: Path, content: bytes, message: str
) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(SourceLoadError, match=message):
        bmlt.load(with_path("bad.json"), tmp_path)


def test_a_plain_list_of_meetings_uses_the_default_formats(tmp_path: Path) -> None:
    meetings = fixture(DAYS[0])["meetings"]
    (tmp_path / "plain.json").write_text(json.dumps(meetings))
    result = bmlt.load(with_path("plain.json"), tmp_path)
    assert (len(result.documents), result.rejections) == (53, [])
    assert next(d for d in result.documents if d.id == "na-test-2566").tags == (
        "Open",
        "Rotating Format",
        "Topic",
    )


def test_default_formats_have_the_attendance_world_ids() -> None:
    formats = default_formats()
    assert formats["HY"] == Format(key="HY", name="Hybrid", world_id="HYBR")
    assert formats["WC"].world_id == "WCHR"


# --- NAWS export ---------------------------------------------------------------------


def test_naws_export_online_meeting_and_unpublished_one() -> None:
    source = msgspec.structs.replace(
        SOURCE, id="naws-test", format="naws_csv", path="naws-export-cape-cod-area.csv"
    )
    result = naws.load(source, DATA)
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("naws-export-cape-cod-area.csv:3", "not published at its source")
    ]
    doc = as_json(result.documents[0])
    assert {k: doc.get(k) for k in ("id", "name", "attendance", "tags", "address", "_geo")} == {
        "id": "naws-test-1093",
        "name": "Just For Today NA USA (Online only)",
        "attendance": ["online"],
        "tags": ["Discussion", "Just for Today", "Open"],
        "address": None,  # online only: the town in the row is not a venue
        "_geo": None,
    }
    assert doc["schedule"] == {
        "timezone": "America/New_York",
        "slots": [{"day": "sun", "start": "07:30"}],
    }
    assert doc["service_area"] == {"states": ["MA"]}
    assert doc["contact"]["meeting_url"] == "https://zoom.us/j/403851514"
    assert doc["provenance"]["updated_at"] == "2021-06-10"


def test_broken_naws_rows_are_reported_with_their_line(tmp_path: Path) -> None:
    lines = (DATA / "naws-export-cape-cod-area.csv").read_text(encoding="utf-8").splitlines()
    header, online = lines[0], lines[1]
    # Invented breakages of the real row: an unknown day, a bad time, no name.
    broken = [
        online,
        online.replace(",Sunday,0730,", ",Someday,0730,"),
        online.replace(",Sunday,0730,", ",Sunday,7h30,"),
        online.replace("Just For Today NA USA (Online only)", ""),
    ]
    (tmp_path / "naws.csv").write_text("\n".join([header, *broken]) + "\n", encoding="utf-8")
    source = msgspec.structs.replace(SOURCE, format="naws_csv", path="naws.csv")
    result = naws.load(source, tmp_path)
    assert len(result.documents) == 1
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("naws.csv:3", "Day 'Someday' is not a weekday name"),
        ("naws.csv:4", "Time '7h30' is not a time (HH:MM)"),
        ("naws.csv:5", "missing meeting name (column 'CommitteeName')"),
    ]


def test_a_naws_file_without_its_columns_fails_whole(tmp_path: Path) -> None:
    (tmp_path / "naws.csv").write_text("Name,Day\nx,Sunday\n", encoding="utf-8")
    source = msgspec.structs.replace(SOURCE, format="naws_csv", path="naws.csv")
    with pytest.raises(SourceLoadError, match="missing required column"):
        naws.load(source, tmp_path)
