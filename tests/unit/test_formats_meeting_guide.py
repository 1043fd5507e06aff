"""IndexDocument -> Meeting Guide entries: real seed records through our importer, and tables."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import msgspec
import pytest

from indexer.records import SourceConfig, SourcesFile
from indexer.sources.meeting_guide.feed import to_document
from indexer.sources.meeting_guide.types import CROSSWALK, map_types
from service.contract.documents import IndexDocument, Provenance, Schedule, TimeSlot
from service.formats.meeting_guide import (
    MAX_SLUG_CHARS,
    attendance_option,
    clock,
    encode_feed,
    feed_entries,
    slug_for,
    updated,
)
from service.formats.meeting_guide_types import type_codes
from tests.output_schemas import errors, meeting_guide_validator

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
SCHEMA = ROOT / "tests" / "data" / "meeting_guide_schema"
SOURCES = {
    s.id: s
    for s in msgspec.convert(tomllib.loads((SEED / "sources.toml").read_text()), SourcesFile).source
    if s.format == "meeting_guide"
}


def real_doc(source_id: str, slug: str) -> IndexDocument:
    """A real meeting of a seed feed, as our importer indexes it."""
    source = SOURCES[source_id]
    assert source.path is not None
    records = json.loads((SEED / source.path).read_text(encoding="utf-8-sig"))
    record = next(r for r in records if str(r["slug"]) == slug)
    return to_document(record, source)


def with_types(*codes: str) -> IndexDocument:
    """INVENTED: a minimal meeting carrying what our importer makes of these type codes."""
    types = map_types(codes)
    return IndexDocument(
        id="invented-types",
        kind="meeting",
        name="Invented",
        languages=types.languages,
        communities=types.communities,
        accessibility=types.accessibility,
        needs=types.needs,
        tags=types.tags,
        status="temporarily_closed" if types.temporarily_closed else "active",
        provenance=Provenance(source="t", source_name="T", source_record_id="t"),
    )


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        (("O", "S", "W"), ["O", "S", "W"]),
        (("C", "EN", "X", "XB"), ["C", "EN", "X", "XB"]),
        # Specific LGBTQ codes are kept; LGBTQ itself only when none is.
        (("G", "L"), ["G", "L"]),
        (("LGBTQ",), ["LGBTQ"]),
        (("T",), ["T"]),
        (("QSL",), ["QSL"]),
        (("ASL", "BV-I", "D-HOH"), ["ASL", "BV-I", "D-HOH"]),
        (("TC", "ONL"), ["TC"]),
        (("NDG",), ["N"]),
        (("LGBTQIA", "OPEN"), ["LGBTQ", "O"]),
        (("DD", "AF"), ["AF", "DD"]),
        (("12x12", "11", "ABSI"), ["11", "12x12", "ABSI"]),
    ],
)
def test_type_codes_go_back_to_meeting_guide(codes: tuple[str, ...], expected: list[str]) -> None:
    assert type_codes(with_types(*codes)) == expected


# Codes that read back as another code meaning the same (or nothing, for ONL).
_ALIASES = {"NDG": "N", "LGBTQIA": "LGBTQ", "OPEN": "O", "CLOSED": "C", "ONL": None}


@pytest.mark.parametrize("code", sorted(CROSSWALK))
def test_every_code_the_importer_reads_is_written_back(code: str) -> None:
    expected = _ALIASES.get(code, code)
    written = type_codes(with_types(code))
    assert written == ([] if expected is None else [expected])


def test_only_official_codes_are_written() -> None:
    official = set(json.loads((SCHEMA / "types.json").read_text()))
    enum = json.loads((SCHEMA / "meeting-type.schema.json").read_text())["items"]["anyOf"]
    proposed = set(enum[1]["enum"])
    written = {c for code in CROSSWALK for c in type_codes(with_types(code))}
    assert written <= official | proposed
    assert "ONL" not in written


@pytest.mark.parametrize(
    ("attendance", "status", "expected"),
    [
        (("in_person",), "active", "in_person"),
        (("hybrid", "in_person", "online", "phone"), "active", "hybrid"),
        (("hybrid", "in_person", "phone"), "active", "hybrid"),
        (("online", "phone"), "active", "online"),
        (("phone",), "active", "online"),
        (("in_person",), "temporarily_closed", "inactive"),
        ((), "temporarily_closed", "inactive"),
        ((), "active", None),
    ],
)
def test_attendance_option(attendance: tuple[str, ...], status: str, expected: str | None) -> None:
    doc = msgspec.structs.replace(with_types(), attendance=attendance, status=status)
    assert attendance_option(doc) == expected


FRIDAY = TimeSlot(day="fri", start="18:30")
LONG_ID = "aasepia-meeting-1937-macdade-boulevard-woodlyn-pa-19094-usa-0-000000"


@pytest.mark.parametrize(
    ("doc_id", "slot", "several", "expected"),
    [
        (
            "oc-aa-trans-allies-aa",
            TimeSlot(day="fri", start="18:30"),
            False,
            "oc-aa-trans-allies-aa",
        ),
        ("eda-42", TimeSlot(day="mon", start="19:00"), True, "eda-42-mon-1900"),
        ("eda-42", None, False, "eda-42"),
        # 68 characters: cut to 55, then 8 hex digits of the SHA-256 of the whole slug.
        (LONG_ID, None, False, "aasepia-meeting-1937-macdade-boulevard-woodlyn-pa-19094-5d5488e9"),
    ],
)
def test_slug_for(doc_id: str, slot: TimeSlot | None, several: bool, expected: str) -> None:
    slug = slug_for(doc_id, slot, several=several)
    assert slug == expected
    assert len(slug) <= MAX_SLUG_CHARS


def test_long_slugs_stay_distinct_per_slot() -> None:
    slugs = {
        slug_for(LONG_ID, TimeSlot(day=day, start="07:00"), several=True)
        for day in ("mon", "tue", "wed")
    }
    assert len(slugs) == 3
    assert all(len(s) == MAX_SLUG_CHARS for s in slugs)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("19:30", "19:30"), ("24:00", "23:59"), ("00:00", "00:00"), (None, None)],
)
def test_clock(value: str | None, expected: str | None) -> None:
    assert clock(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-10-27T16:17:24", "2020-10-27 16:17:24"),
        ("2021-01-05", "2021-01-05 00:00:00"),
        ("2021-01-05T10:00:00-05:00", "2021-01-05 15:00:00"),
        ("2021-01-05T10:00:00Z", "2021-01-05 10:00:00"),
        ("not a date", None),
        (None, None),
    ],
)
def test_updated(value: str | None, expected: str | None) -> None:
    assert updated(value) == expected


def test_in_person_meeting_has_its_venue_and_point() -> None:
    doc = real_doc("aasepia", "meeting-1937-macdade-boulevard-woodlyn-pa-19094-usa-0-000000")
    [entry] = feed_entries(doc)
    assert entry.slug == slug_for(doc.id, None, several=False)
    assert (entry.day, entry.time, entry.end_time) == (0, "00:00", "01:00")
    assert entry.formatted_address == "1937 West MacDade Boulevard, Woodlyn, PA 19094, USA"
    assert (entry.latitude, entry.longitude) == (39.8712402, -75.3543743)
    assert entry.attendance_option == "in_person"
    assert entry.approximate == "no"
    assert entry.timezone == "America/New_York"
    assert entry.updated == "2020-10-27 16:17:24"
    assert entry.regions == ["PA", "Woodlyn"]


def test_online_meeting_has_its_town_approximate_and_no_point() -> None:
    doc = real_doc("aasepia", "shoulder-shoulder-group-Sun12am")
    [entry] = feed_entries(doc)
    assert entry.attendance_option == "online"
    assert entry.conference_url is not None
    assert entry.conference_phone == "+13017158592,,503536771#"
    # TSML UI drops a meeting without any place; `approximate` keeps it out of in-person.
    assert (entry.formatted_address, entry.city, entry.state) == (
        "Philadelphia, PA",
        "Philadelphia",
        "PA",
    )
    assert entry.approximate == "yes"
    assert entry.address is None
    assert entry.location is None
    assert entry.regions == ["PA", "Philadelphia"]
    assert entry.latitude is None
    assert entry.longitude is None


def test_a_document_with_several_slots_gives_one_entry_per_slot() -> None:
    # INVENTED: our importers give a Meeting Guide meeting one slot; other sources may not.
    doc = msgspec.structs.replace(
        real_doc("oc-aa", "trans-allies-aa"),
        schedule=Schedule(
            timezone="America/Los_Angeles",
            slots=(
                TimeSlot(day="mon", start="18:30", end="19:30"),
                TimeSlot(day="wed", start="18:30", end="19:30"),
                TimeSlot(day="wed", start="07:00", end="24:00"),
            ),
        ),
    )
    entries = feed_entries(doc)
    assert [(e.day, e.time, e.end_time) for e in entries] == [
        (1, "18:30", "19:30"),
        (3, "18:30", "19:30"),
        (3, "07:00", "23:59"),
    ]
    assert len({e.slug for e in entries}) == 3
    assert {e.name for e in entries} == {"trans+ & allies AA"}


def test_a_meeting_by_appointment_has_no_day_or_time() -> None:
    doc = msgspec.structs.replace(
        real_doc("oc-aa", "trans-allies-aa"), schedule=Schedule(by_appointment=True)
    )
    [entry] = feed_entries(doc)
    assert entry.day is None
    assert entry.time is None


def test_temporarily_closed_meeting_says_so_twice() -> None:
    doc = real_doc("aasepia", "meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500")
    [entry] = feed_entries(doc)
    assert entry.attendance_option == "inactive"
    assert "TC" in entry.types


def test_feed_is_a_json_array_sorted_by_day_and_time() -> None:
    docs = [
        real_doc("oc-aa", "trans-allies-aa"),
        real_doc("aasepia", "meeting-1937-macdade-boulevard-woodlyn-pa-19094-usa-0-000000"),
    ]
    feed: list[dict[str, Any]] = json.loads(encode_feed(docs))
    assert [(m["day"], m["time"]) for m in feed] == [(0, "00:00"), (5, "18:30")]
    assert all(v not in (None, [], "") for m in feed for v in m.values())


def test_source_record_round_trips_through_the_importer() -> None:
    doc = real_doc("oc-aa", "trans-allies-aa")
    [entry] = feed_entries(doc)
    source = SourceConfig(
        id="oc-aa", name="x", format="meeting_guide", path="x.json", fellowship="AA", licence="x"
    )
    back = to_document(msgspec.to_builtins(entry), source)
    assert back.name == doc.name
    assert back.schedule == doc.schedule
    assert back.languages == doc.languages
    assert set(back.communities) == set(doc.communities)
    assert back.attendance == doc.attendance
    assert back.geo == doc.geo
    assert back.address == doc.address


def test_the_draft_schema_accepts_its_example_but_not_its_own_dial_string() -> None:
    example = json.loads((SCHEMA / "example.json").read_text())
    assert errors(meeting_guide_validator(relaxed=False), [example]) == []
    dial = {"name": "x", "slug": "x", "conference_phone": "+1234567890,1234#"}
    assert len(errors(meeting_guide_validator(relaxed=False), [dial])) == 1
    assert errors(meeting_guide_validator(relaxed=True), [dial]) == []


def _reimported(doc: IndexDocument, source_id: str) -> IndexDocument:
    """A document written as Meeting Guide and read back by our own importer."""
    [entry] = feed_entries(doc)
    return to_document(msgspec.to_builtins(entry), SOURCES[source_id])


@pytest.mark.parametrize(
    ("source_id", "slug"),
    [
        pytest.param("aasepia", "shoulder-shoulder-group-Sun12am", id="online-and-phone"),
        pytest.param("aasepia", "key-willingness-sunday", id="phone-only"),
        pytest.param("sf-airtable", "recRnT5GAH6lbuI0c", id="online-venue-closed"),
        pytest.param("al-anon-ma", "30674572-beverly-alateen", id="alateen"),
        pytest.param("al-anon-ma", "30712973-northampton-alateen-group", id="hybrid"),
    ],
)
def test_attendance_status_and_area_survive_a_round_trip(source_id: str, slug: str) -> None:
    doc = real_doc(source_id, slug)
    back = _reimported(doc, source_id)
    assert (back.attendance, back.status) == (doc.attendance, doc.status)
    assert back.service_area == doc.service_area
    assert set(back.communities) == set(doc.communities)
    closed = "Location Temporarily Closed"
    assert (closed in back.tags) == (closed in doc.tags)


def test_phone_only_meeting_is_written_online_with_its_dial_in_and_no_link() -> None:
    [entry] = feed_entries(real_doc("aasepia", "key-willingness-sunday"))
    assert entry.attendance_option == "online"
    assert entry.conference_url is None
    assert entry.conference_phone is not None


def test_online_meeting_with_a_closed_venue_is_written_with_tc() -> None:
    doc = real_doc("sf-airtable", "recRnT5GAH6lbuI0c")
    [entry] = feed_entries(doc)
    assert doc.status == "active"
    assert entry.attendance_option == "online"
    assert "TC" in entry.types


def test_online_meeting_with_a_placeholder_address_is_written_under_the_source_state() -> None:
    [entry] = feed_entries(real_doc("al-anon-ma", "30793560-keep-it-simple-afg-formerly-medford"))
    assert (entry.formatted_address, entry.city, entry.state) == ("MA", None, "MA")
    assert entry.approximate == "yes"
    assert entry.regions == ["MA"]


def test_al_anon_codes_are_written_with_the_spec_meaning_only() -> None:
    alateen = feed_entries(real_doc("al-anon-ma", "30813985-hope-a-day-at-a-time-alateen"))[0]
    parents = feed_entries(real_doc("al-anon-ma", "25037-par-ents-afg"))[0]
    assert "Y" in alateen.types
    # POA would read back as "Proof of Attendance" in any Meeting Guide client.
    assert "POA" not in parents.types
