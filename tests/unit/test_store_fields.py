"""Correctable fields (pure): parse a steward's value, read and apply it, and the flags."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from indexer.corrections import CorrectionReport, corrected, flag_for
from service.contract.documents import (
    Address,
    Contact,
    GeoPoint,
    IndexDocument,
    Provenance,
    Schedule,
    TimeSlot,
)
from service.store.fields import (
    CorrectionValueError,
    apply_field,
    parse_schedule,
    parse_value,
    read_field,
    schedule_text,
)
from service.store.records import Correction, CorrectionField

# An invented meeting, shaped like the Meeting Guide records of seed_data.
DOC = IndexDocument(
    id="test-meeting",
    kind="meeting",
    name="Early Sunday Morning",
    description="Dr. Bob Room",
    status="active",
    address=Address(street="5881 Old Bascomb Rd", city="Acworth", state="GA", postal_code="30102"),
    geo=GeoPoint(lat=34.0993, lng=-84.5794),
    schedule=Schedule(
        timezone="America/New_York", slots=(TimeSlot(day="sun", start="09:00", end="10:00"),)
    ),
    contact=Contact(phone="404-555-0000", website="https://howplace.org/"),
    provenance=Provenance(source="atlanta-aa", source_name="Atlanta", source_record_id="early"),
)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("field", "form", "expected"),
    [
        ("status", {"value": "closed"}, "closed"),
        ("status", {"value": " temporarily_closed "}, "temporarily_closed"),
        (
            "schedule",
            {"value": "Mon 19:00-20:00, wed 18:30"},
            [{"day": "mon", "start": "19:00", "end": "20:00"}, {"day": "wed", "start": "18:30"}],
        ),
        (
            "schedule",
            {"value": "sun 22:00-24:00"},
            [{"day": "sun", "start": "22:00", "end": "24:00"}],
        ),
        ("phone", {"value": "(404) 555-0100 ext 12"}, "(404) 555-0100 ext 12"),
        ("website", {"value": "https://example.org/a?b=c"}, "https://example.org/a?b=c"),
        ("meeting_url", {"value": "https://zoom.us/j/123"}, "https://zoom.us/j/123"),
        ("notes", {"value": " Side door "}, "Side door"),
        (
            "address",
            {
                "address_street": "1 Main St",
                "address_city": "Atlanta",
                "address_state": "ga",
                "address_postal_code": "30303",
            },
            {"street": "1 Main St", "city": "Atlanta", "state": "GA", "postal_code": "30303"},
        ),
    ],
)
def test_parse_value(field: CorrectionField, form: dict[str, str], expected: Any) -> None:
    assert parse_value(field, form) == expected


@pytest.mark.parametrize(
    ("field", "form", "message"),
    [
        ("status", {"value": "open"}, "status: one of active, temporarily_closed, closed"),
        ("schedule", {"value": "monday 7pm"}, "is not a weekly time"),
        ("schedule", {"value": "xyz 19:00"}, "is not a weekly time"),
        ("schedule", {"value": "mon 25:00"}, "is not a weekly time"),
        ("schedule", {"value": " , "}, "at least one weekly time"),
        ("phone", {"value": "call me"}, "a phone number"),
        ("website", {"value": "javascript:alert(1)"}, "an http:// or https:// link"),
        ("website", {"value": "https://"}, "an http:// or https:// link"),
        ("notes", {"value": ""}, "1 to 1000 characters"),
        ("notes", {"value": "x" * 1001}, "1 to 1000 characters"),
        ("address", {"address_street": "1 Main St"}, "a street and a city"),
        (
            "address",
            {"address_street": "1 Main", "address_city": "A", "address_state": "Georgia"},
            "two letters",
        ),
        (
            "address",
            {
                "address_street": "1 Main",
                "address_city": "A",
                "address_state": "GA",
                "address_postal_code": "3030",
            },
            "5 digits",
        ),
    ],
)
def test_parse_value_refuses(field: CorrectionField, form: dict[str, str], message: str) -> None:
    with pytest.raises(CorrectionValueError, match=message):
        parse_value(field, form)


def test_schedule_text_is_the_inverse_of_parse_schedule() -> None:
    text = "mon 19:00-20:00, wed 18:30"
    assert schedule_text(parse_schedule(text)) == text
    assert schedule_text([]) == ""


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("status", "temporarily_closed", "temporarily_closed"),
        ("schedule", [{"day": "mon", "start": "19:00"}], [{"day": "mon", "start": "19:00"}]),
        ("phone", "404-555-0100", "404-555-0100"),
        ("website", "https://e.org", "https://e.org"),
        ("meeting_url", "https://zoom.us/j/1", "https://zoom.us/j/1"),
        ("notes", "Side door", "Side door"),
        (
            "address",
            {"street": "1 Main St", "city": "Atlanta", "state": "GA", "postal_code": None},
            {"street": "1 Main St", "city": "Atlanta", "state": "GA", "postal_code": None},
        ),
    ],
)
def test_apply_then_read_gives_the_value(field: CorrectionField, value: Any, expected: Any) -> None:
    changed = apply_field(DOC, field, value)
    assert changed is not None
    assert read_field(changed, field) == expected


def test_apply_keeps_what_it_does_not_correct() -> None:
    moved = apply_field(DOC, "address", {"street": "1 Main St", "city": "Atlanta", "state": "GA"})
    assert moved is not None
    # The new address is placed again by the indexer; the old point must not stay.
    assert moved.geo is None
    assert moved.address is not None
    assert moved.address.formatted == "1 Main St, Atlanta, GA"
    timed = apply_field(DOC, "schedule", [{"day": "mon", "start": "19:00"}])
    assert timed is not None
    assert timed.schedule is not None
    assert timed.schedule.timezone == "America/New_York"
    assert apply_field(DOC, "status", "closed") is None
    assert read_field(DOC, "schedule") == [{"day": "sun", "start": "09:00", "end": "10:00"}]


def correction(**changes: Any) -> Correction:
    values: dict[str, Any] = {
        "id": "c1",
        "resource_id": DOC.id,
        "field": "phone",
        "value": "404-555-0100",
        "source_value": "404-555-0000",
        "report_id": None,
        "steward": "Dana",
        "created_at": NOW,
    }
    values.update(changes)
    return Correction(**values)


@pytest.mark.parametrize(
    ("found", "source_now", "flag"),
    [
        (correction(), "404-555-0000", None),
        (correction(), "404-555-0100", "source_caught_up"),
        (correction(), "404-555-0199", "source_disagrees"),
        (correction(), None, "source_disagrees"),
        (correction(flag="source_disagrees", flagged_value="404-555-0199"), "404-555-0199", None),
        (
            correction(flag="source_disagrees", flagged_value="404-555-0199"),
            "404-555-0111",
            "source_disagrees",
        ),
    ],
)
def test_flag_for(found: Correction, source_now: Any, flag: str | None) -> None:
    assert flag_for(found, source_now) == flag


def test_corrections_apply_in_order_and_note_flags() -> None:
    report = CorrectionReport()
    later = datetime(2026, 12, 2, 8, 30, tzinfo=UTC)
    doc = corrected(
        DOC,
        [
            correction(source_value="404-555-9999"),
            correction(
                id="c2",
                field="notes",
                value="Side door",
                source_value="Dr. Bob Room",
                created_at=later,
            ),
        ],
        report,
    )
    assert doc is not None
    assert (doc.contact.phone, doc.description) == ("404-555-0100", "Side door")
    assert doc.corrected_at == "2026-12-02T08:30:00Z"
    assert [(f.correction_id, f.flag, f.source_value) for f in report.flags] == [
        ("c1", "source_disagrees", "404-555-0000")
    ]
    closing = CorrectionReport()
    assert (
        corrected(DOC, [correction(field="status", value="closed", source_value="active")], closing)
        is None
    )
    assert closing.closed == [DOC.id]
