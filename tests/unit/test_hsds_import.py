"""Open Referral HSDS 3 -> documents: the official examples (JSON and tabular), and edge cases.

The official examples are fictional ("MyCity"), with the placeholder coordinates 100 / 101:
they show the reader reports impossible points instead of crashing, and that the two forms
(nested JSON, CSV data package) give the same documents.
"""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from indexer.records import RecordError, SourceConfig, SourceLoadError
from indexer.sources.hsds import fields as f
from indexer.sources.hsds import json_form as hsds
from indexer.sources.hsds import tabular as hsds_tabular
from indexer.sources.hsds.mapping import service_documents

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "hsds"
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
SOURCE = SourceConfig(
    id="hsds-test",
    name="HSDS examples",
    format="hsds_json",
    path="examples/service_full.json",
    timezone="Europe/London",
    licence="CC BY-SA 4.0, Open Referral",
)


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "examples" / name).read_text(encoding="utf-8"))
    return data


def as_json(doc: object) -> dict[str, Any]:
    result: dict[str, Any] = msgspec.json.decode(msgspec.json.encode(doc))
    return result


def test_the_full_service_example() -> None:
    result = hsds.load(SOURCE, DATA)
    assert result.rejections == []
    assert [w.reason for w in result.warnings] == [
        f"location {LOCATION_ID}: (100, 101) is not a valid latitude, longitude; "
        "kept without coordinates",
        "schedule timezone offset 3 is not an offset of Europe/London; "
        "times are read in Europe/London",
    ]
    doc = as_json(result.documents[0])
    assert doc["id"] == f"hsds-test-{SERVICE_ID}_{LOCATION_ID}"
    assert {k: doc.get(k) for k in ("name", "organization", "needs", "languages")} == {
        "name": "Community Counselling",
        "organization": "Example Organization Inc.",
        "needs": ["counseling"],  # from the name "Community Counselling"
        "languages": ["ur"],
    }
    # "induction loops for hearing aids. Wheelchair access is possible on all levels."
    assert doc["accessibility"] == ["wheelchair", "deaf_hard_of_hearing"]
    assert doc["attendance"] == ["in_person"]
    assert doc["address"]["street"] == "1-30 Main Street, MyVillage"
    assert "_geo" not in doc  # the placeholder point is dropped
    assert doc["schedule"]["timezone"] == "Europe/London"
    assert doc["schedule"]["slots"] == [
        {"day": "thu", "start": "10:00", "end": "18:00"},
        {"day": "fri", "start": "10:00", "end": "18:00"},
    ]
    assert doc["eligibility"].endswith("(Ages 12-100)")
    assert doc["provenance"]["updated_at"] == "2023-03-15T10:30:45"
    # Contacts are people: their names never reach the index.
    assert "Ann Persona" not in json.dumps(doc)


@pytest.mark.parametrize(
    ("path", "documents", "warnings"),
    [
        ("examples/service_full.json", 1, 1),  # no zone configured: no offset to check
        ("examples/service_list.json", 1, 0),  # a page of services without locations
        ("examples/organization_full.json", 1, 1),
        ("examples/service_at_location_full.json", 1, 1),
        ("examples/service_at_location_list.json", 1, 2),
    ],
)
def test_every_example_shape_imports(path: str, documents: int, warnings: int) -> None:
    source = msgspec.structs.replace(SOURCE, path=path, timezone=None)
    result = hsds.load(source, DATA)
    assert (len(result.documents), len(result.warnings), result.rejections) == (
        documents,
        warnings,
        [],
    )


def test_tabular_package_gives_the_same_document_as_the_json() -> None:
    tabular = msgspec.structs.replace(SOURCE, format="hsds_tabular", path="csv")
    result = hsds_tabular.load(tabular, DATA)
    assert result.rejections == []
    assert [(w.location, w.reason) for w in result.warnings] == [
        (
            "services.csv:2",
            "locations.csv:2: ('100', '101') is not a valid latitude, longitude; "
            "kept without coordinates",
        ),
        (
            "services.csv:2",
            "schedule timezone offset 3 is not an offset of Europe/London; "
            "times are read in Europe/London",
        ),
    ]
    from_csv = as_json(result.documents[0])
    from_json = as_json(hsds.load(SOURCE, DATA).documents[0])
    # The CSV example's only phone belongs to a contact (a person), and its attribute points
    # at another entity: those two are rightly absent from the tabular form.
    for doc in (from_csv, from_json):
        doc["tags"] = [t for t in doc["tags"] if t not in ("name", "An Example Label")]
        doc.pop("keywords")
        doc.pop("contact")
    assert from_csv == from_json


# --- Mapping rules, on the official example with one thing changed -----------------------


def service(**changes: Any) -> dict[str, Any]:
    record = copy.deepcopy(example("service_full.json"))
    record.update(changes)
    return record


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"id": None}, "missing id"),
        ({"name": ""}, "missing name"),
        ({"status": "defunct"}, "status 'defunct': the service is not offered"),
        ({"status": "inactive"}, "status 'inactive': the service is not offered"),
        ({"status": "retired"}, "status 'retired' is not one of"),
        ({"service_at_locations": "here"}, "service_at_locations must be a list, got a string"),
        ({"phones": [1]}, "phones[0] must be an object, got a number"),
        ({"organization": ["x"]}, "organization must be an object, got an array"),
        ({"name": {"en": "x"}}, "name must be a string or a number, got an object"),
    ],
)
def test_bad_services_are_rejected_with_a_reason(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError, match=f"^{re.escape(reason)}"):
        service_documents(service(**changes), SOURCE)


def test_temporarily_closed_is_listed_as_such() -> None:
    mapped = service_documents(service(status="temporarily closed"), SOURCE)
    assert mapped.documents[0].status == "temporarily_closed"


def test_a_valid_point_is_kept() -> None:
    record = service()
    record["service_at_locations"][0]["location"].update(latitude=51.5, longitude=-0.12)
    doc = service_documents(record, SOURCE).documents[0]
    assert doc.geo is not None
    assert (doc.geo.lat, doc.geo.lng) == (51.5, -0.12)


def test_a_virtual_location_adds_an_online_document() -> None:
    record = service()
    virtual = {"id": "v1", "location_type": "virtual", "url": "https://meet.example/abc"}
    record["service_at_locations"].append({"id": "sal-v1", "location": virtual})
    docs = service_documents(record, SOURCE).documents
    assert [(d.id, d.attendance) for d in docs] == [
        (f"hsds-test-{SERVICE_ID}_{LOCATION_ID}", ("in_person",)),
        (f"hsds-test-{SERVICE_ID}", ("online",)),
    ]
    assert docs[1].contact.meeting_url == "https://meet.example/abc"
    assert docs[1].address is None


def test_broken_file_reports_each_bad_service_and_keeps_the_rest(tmp_path: Path) -> None:
    good = example("service_full.json")
    items = [
        good,
        {**good, "id": "second", "status": "defunct"},
        "not a service",
        {**good, "id": "third"},
    ]
    (tmp_path / "broken.json").write_text(json.dumps(items))
    result = hsds.load(msgspec.structs.replace(SOURCE, path="broken.json"), tmp_path)
    assert len(result.documents) == 2
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("broken.json[1]", "status 'defunct': the service is not offered"),
        ("broken.json[2]", "a service must be an object, got a string"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"[{", "invalid JSON at line 1"), (b"42", "expected HSDS services")],
)
def test_unreadable_file_fails_the_source(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(SourceLoadError, match=message):
        hsds.load(msgspec.structs.replace(SOURCE, path="bad.json"), tmp_path)


def test_a_package_without_services_fails_the_source(tmp_path: Path) -> None:
    source = msgspec.structs.replace(SOURCE, format="hsds_tabular", path=".")
    with pytest.raises(SourceLoadError, match=r"services\.csv"):
        hsds_tabular.load(source, tmp_path)


# --- Field helpers ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rows", "slots", "notes"),
    [
        ([{"freq": "WEEKLY", "byday": "MO,WE", "opens_at": "09:00", "closes_at": "17:00"}],
         [("mon", "09:00", "17:00"), ("wed", "09:00", "17:00")], None),
        # The spec's own form: a wall time with its offset ("09:00-05:00 for 9am EST").
        ([{"byday": "TU", "opens_at": "09:00-05:00", "closes_at": "12:30Z"}],
         [("tue", "09:00", "12:30")], None),
        ([{"freq": "DAILY", "opens_at": "00:00", "closes_at": "24:00"}],
         [(d, "00:00", "24:00") for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")], None),
        # Monthly rows cannot be weekly slots: their text is kept.
        ([{"freq": "MONTHLY", "byday": "2MO", "opens_at": "10:00", "description": "2nd Monday"}],
         [], "2nd Monday"),
        ([{"description": "Call for an appointment"}], [], "Call for an appointment"),
    ],
)  # fmt: skip
def test_schedules(
    rows: list[dict[str, Any]], slots: list[tuple[str, str, str | None]], notes: str | None
) -> None:
    schedule = f.schedule(rows, timezone="America/Chicago")
    assert schedule is not None
    assert [(s.day, s.start, s.end) for s in schedule.slots] == slots
    assert (schedule.timezone, schedule.notes) == ("America/Chicago", notes)


def test_a_schedule_with_a_bad_day_is_a_record_error() -> None:
    with pytest.raises(RecordError, match="byday 'MO,XX'"):
        f.schedule([{"byday": "MO,XX", "opens_at": "09:00"}], timezone=None)


@pytest.mark.parametrize(
    ("offset", "zone", "warned"),
    [(-5, "America/New_York", False), (-4, "America/New_York", False),
     (3, "America/New_York", True), ("-6", "America/Chicago", False),
     (None, "America/Chicago", False), (1, None, False)],
)  # fmt: skip
def test_numeric_offset_is_only_checked_never_used(
    offset: object, zone: str | None, warned: bool
) -> None:
    assert (f.offset_problem([{"timezone": offset}], zone) is not None) == warned


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ({"code": "es"}, ("es", None)),
        ({"code": "spa", "name": "Spanish"}, ("es", None)),
        ({"name": "Vietnamese"}, ("vi", None)),
        ({"code": "hmn", "name": "Hmong"}, (None, "Hmong")),
    ],
)
def test_language_codes(entry: dict[str, str], expected: tuple[str | None, str | None]) -> None:
    assert f.language_code(entry) == expected


@pytest.mark.parametrize(
    ("names", "nationwide", "states"),
    [
        (["Pennsylvania"], False, ("PA",)),
        (["PA", "new jersey"], False, ("PA", "NJ")),
        (["United States"], True, ()),
        (["The MyCity area"], None, None),
    ],
)
def test_service_areas(
    names: list[str], nationwide: bool | None, states: tuple[str, ...] | None
) -> None:
    area = f.service_area(names)
    assert (area and area.nationwide, area and area.states) == (nationwide, states)


@pytest.mark.parametrize(
    ("text", "codes"),
    [
        ("Wheelchair access on all floors", ("wheelchair",)),
        ("The building is not wheelchair accessible", ()),
        (
            "Hearing loop at reception; BSL interpreters on request",
            ("sign_language", "deaf_hard_of_hearing"),
        ),
        ("Braille menus", ("blind_low_vision",)),
    ],
)
def test_accessibility_words(text: str, codes: tuple[str, ...]) -> None:
    assert f.words_to_codes([text], f.ACCESS_WORDS) == codes


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-03-15T10:30:45.123Z", "2023-03-15T10:30:45"),
        ("2024-09-25T14:23:06.5+01:00", "2024-09-25T13:23:06"),
        ("2005-01-01", "2005-01-01"),
        ("last week", None),
    ],
)
def test_iso_dates(value: str, expected: str | None) -> None:
    assert f.iso_date(value) == expected
