"""IndexDocument -> HSDS 3.1: tables of the pure mapping, and real records against the schema."""

from __future__ import annotations

import json
import tomllib
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest

from indexer.records import SourcesFile
from indexer.sources.meeting_guide.feed import to_document
from service.contract.documents import WEEKDAYS, IndexDocument, Schedule, TimeSlot
from service.formats import hsds
from service.formats.hsds_taxonomy import HSDS_NAMESPACE, TERMS_BY_ID
from tests.output_schemas import errors, hsds_page_validator, hsds_service_validator

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
SOURCES = {
    s.id: s
    for s in msgspec.convert(tomllib.loads((SEED / "sources.toml").read_text()), SourcesFile).source
}


def real_meeting(source_id: str, slug: str) -> IndexDocument:
    """A real meeting of a seed feed, as our importer indexes it."""
    source = SOURCES[source_id]
    assert source.path is not None
    records = json.loads((SEED / source.path).read_text(encoding="utf-8-sig"))
    return to_document(next(r for r in records if str(r["slug"]) == slug), source)


# Real records of the seed index, as /v1/resources returns them (trimmed of keywords).
HELPLINE = msgspec.convert(
    {
        "id": "pathways-helplines-988-lifeline",
        "kind": "helpline",
        "name": "988 Suicide & Crisis Lifeline",
        "organization": "Substance Abuse and Mental Health Services Administration (SAMHSA)",
        "needs": ["crisis", "mental_health", "substance_use"],
        "languages": ["en", "es"],
        "attendance": ["phone", "online"],
        "costs": ["free"],
        "status": "active",
        "schedule": {
            "timezone": "America/New_York",
            "slots": [{"day": d, "start": "00:00", "end": "24:00"} for d in WEEKDAYS],
            "notes": "24 hours a day, 7 days a week",
        },
        "contact": {
            "phone": "988",
            "website": "https://988lifeline.org/",
            "meeting_url": "https://988lifeline.org/chat/",
        },
        "service_area": {"nationwide": True},
        "provenance": {
            "source": "pathways-helplines",
            "source_name": "Pathways: national helplines",
            "source_record_id": "988-lifeline",
            "updated_at": "2026-11-23",
        },
    },
    IndexDocument,
)
TREATMENT = msgspec.convert(
    {
        "id": "samhsa-mh-f09fbf83175e7004d751f94e",
        "kind": "treatment",
        "name": "Community Health Resources",
        "needs": ["mental_health"],
        "languages": ["en"],
        "attendance": ["in_person"],
        "costs": ["medicaid", "sliding_scale"],
        "status": "active",
        "address": {"street": "587 Main Street", "city": "Winsted", "state": "CT"},
        "_geo": {"lat": 41.9259, "lng": -73.0677},
        "contact": {"phone": "860-567-9423 x303"},
        "provenance": {
            "source": "samhsa-mh",
            "source_name": "SAMHSA mental health treatment facilities",
            "source_record_id": "f09fbf83175e7004d751f94e",
            "updated_at": "2020-04-09",
        },
    },
    IndexDocument,
)


@pytest.mark.parametrize(
    ("zone", "at", "expected"),
    [
        # Both sides of the US spring change (2026-03-08 02:00 EST = 07:00 UTC).
        ("America/New_York", datetime(2026, 3, 8, 6, 59, tzinfo=UTC), -5.0),
        ("America/New_York", datetime(2026, 3, 8, 7, 0, tzinfo=UTC), -4.0),
        # And of the autumn change (2026-11-01 02:00 PDT = 09:00 UTC).
        ("America/Los_Angeles", datetime(2026, 11, 1, 8, 59, tzinfo=UTC), -7.0),
        ("America/Los_Angeles", datetime(2026, 11, 1, 9, 0, tzinfo=UTC), -8.0),
        ("Asia/Kolkata", NOW, 5.5),
        (None, NOW, None),
        ("Not/AZone", NOW, None),
    ],
)
def test_utc_offset_hours(zone: str | None, at: datetime, expected: float | None) -> None:
    assert hsds.utc_offset_hours(zone, at) == expected


def test_slots_with_the_same_hours_share_one_weekly_schedule() -> None:
    # INVENTED: a schedule with two time ranges, one of them on two days.
    doc = msgspec.structs.replace(
        TREATMENT,
        schedule=Schedule(
            timezone="America/New_York",
            slots=(
                TimeSlot(day="wed", start="09:00", end="17:00"),
                TimeSlot(day="mon", start="09:00", end="17:00"),
                TimeSlot(day="sat", start="10:00"),
            ),
        ),
    )
    got = [
        (s.freq, s.byday, s.opens_at, s.closes_at, s.timezone) for s in hsds.schedules(doc, now=NOW)
    ]
    assert got == [
        ("WEEKLY", "MO,WE", "09:00:00", "17:00:00", -5.0),
        ("WEEKLY", "SA", "10:00:00", None, -5.0),
    ]


def test_a_day_until_midnight_closes_at_23_59_59() -> None:
    [schedule] = hsds.schedules(HELPLINE, now=NOW)
    assert schedule.byday == "MO,TU,WE,TH,FR,SA,SU"
    assert (schedule.opens_at, schedule.closes_at) == ("00:00:00", "23:59:59")
    assert schedule.attending_type == "By phone, Online"


@pytest.mark.parametrize(
    ("total", "page_number", "per_page", "size", "expected"),
    [
        (18, 1, 5, 5, (4, True, False, False)),
        (18, 4, 5, 3, (4, False, True, False)),
        (18, 5, 5, 0, (4, False, True, False)),
        (20, 2, 10, 10, (2, False, True, False)),
        (0, 1, 20, 0, (0, True, True, True)),
    ],
)
def test_page_fields(
    total: int, page_number: int, per_page: int, size: int, expected: tuple[int, bool, bool, bool]
) -> None:
    contents = [hsds.summary(TREATMENT)] * size
    page = hsds.page(contents, total=total, page_number=page_number, per_page=per_page)
    assert (page.total_pages, page.first_page, page.last_page, page.empty) == expected
    assert (page.total_items, page.page_number, page.size) == (total, page_number, size)


def test_ids_are_uuid5_of_our_ids() -> None:
    sid = hsds.service_id(TREATMENT.id)
    assert sid == str(uuid.uuid5(HSDS_NAMESPACE, "samhsa-mh-f09fbf83175e7004d751f94e"))
    assert str(HSDS_NAMESPACE) == "f23bd726-5672-588f-92e7-fd4a125b0602"


def test_phone_extension_is_split_off() -> None:
    [phone] = hsds.phones(TREATMENT)
    assert (phone.number, phone.extension, phone.type) == ("860-567-9423", 303, "voice")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://988lifeline.org/", "https://988lifeline.org/"),
        ("https://x.org/a b|c", "https://x.org/a%20b%7Cc"),  # INVENTED: characters a URI lacks
        ("https://x.org/?q=%20&a=1#top", "https://x.org/?q=%20&a=1#top"),
        (None, None),
    ],
)
def test_uri(url: str | None, expected: str | None) -> None:
    assert hsds.uri(url) == expected


def test_online_meeting_has_a_virtual_location_only() -> None:
    doc = real_meeting("aasepia", "shoulder-shoulder-group-Sun12am")
    service = hsds.full_service(doc, now=NOW)
    assert [sal.location.location_type for sal in service.service_at_locations] == ["virtual"]
    assert [p.description for p in service.phones] == ["Dial-in number"]
    assert [a.name for a in service.service_areas] == ["PA"]


def test_hybrid_meeting_by_phone_has_a_venue_and_a_dial_in() -> None:
    doc = real_meeting("aasepia", "meeting-980-durham-rd-newtown-pa-18940-usa-6-070000-Sun")
    assert doc.geo is not None
    service = hsds.full_service(doc, now=NOW)
    [sal] = service.service_at_locations
    venue = sal.location
    assert venue.location_type == "physical"
    assert (venue.latitude, venue.longitude) == (doc.geo.lat, doc.geo.lng)
    assert venue.addresses[0].address_1 == "980 Durham Rd"
    assert [(p.number, p.description) for p in service.phones] == [
        ("+14254366335,,509891#,,#,,#", "Dial-in number")
    ]
    assert (
        service.schedules[0].attending_type == "Hybrid (in person and online), In person, By phone"
    )


def test_taxonomy_terms_name_our_filters() -> None:
    term_ids = {a.taxonomy_term_id for a in hsds.full_service(HELPLINE, now=NOW).attributes}
    codes = {(TERMS_BY_ID[t].param, TERMS_BY_ID[t].code) for t in term_ids}
    assert ("kind", "helpline") in codes
    assert ("language", "es") in codes
    assert ("cost", "free") in codes


@pytest.mark.parametrize(
    "doc",
    [
        HELPLINE,
        TREATMENT,
        real_meeting("aasepia", "shoulder-shoulder-group-Sun12am"),
        real_meeting("aasepia", "meeting-4021-walnut-st-philadelphia-pa-19104-usa-0-094500"),
        real_meeting("oc-aa", "trans-allies-aa"),
    ],
    ids=lambda doc: doc.id,
)
def test_full_services_validate_against_the_hsds_schema(doc: IndexDocument) -> None:
    service: dict[str, Any] = msgspec.to_builtins(hsds.full_service(doc, now=NOW))
    assert errors(hsds_service_validator(), service) == []
    page = hsds.page([hsds.summary(doc)], total=1, page_number=1, per_page=20)
    assert errors(hsds_page_validator(), msgspec.to_builtins(page)) == []


@pytest.mark.parametrize(
    ("updated_at", "expected"),
    [
        ("2021-01-05", ("2021-01-05", None)),
        ("2020-10-27T16:17:24", ("2020-10-27", "2020-10-27T16:17:24Z")),
        ("2020-10-27T16:17:24-04:00", ("2020-10-27", "2020-10-27T16:17:24-04:00")),
        (None, (None, None)),
    ],
)
def test_assured_date_and_last_modified(
    updated_at: str | None, expected: tuple[str | None, str | None]
) -> None:
    doc = msgspec.structs.replace(
        TREATMENT, provenance=msgspec.structs.replace(TREATMENT.provenance, updated_at=updated_at)
    )
    summary = hsds.summary(doc)
    assert (summary.assured_date, summary.last_modified) == expected


def test_the_validators_accept_the_official_examples() -> None:
    examples = ROOT / "tests" / "data" / "hsds_schema" / "examples"
    service = json.loads((examples / "service_full.json").read_text())
    listing = json.loads((examples / "service_list.json").read_text())
    assert errors(hsds_service_validator(), service) == []
    assert errors(hsds_page_validator(), listing) == []
    # And they are not lenient: a service id must be a UUID.
    assert errors(hsds_service_validator(), {**service, "id": "pathways-1"}) == [
        "id: 'pathways-1' is not a 'uuid'"
    ]
