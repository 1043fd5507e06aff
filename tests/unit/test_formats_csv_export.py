"""Search hits -> CSV: formula-safe cells, schedule text, the file's shape."""

from __future__ import annotations

import csv
import io

import msgspec
import pytest

from service.contract.documents import Schedule, SearchHit, TimeSlot
from service.formats.csv_export import COLUMNS, encode_csv, row, safe_cell, schedule_text

# A real record of the seed index (aasepia feed), as /v1/search returns it.
REAL_HIT = msgspec.convert(
    {
        "id": "aasepia-shoulder-shoulder-group-Sun12am",
        "kind": "meeting",
        "name": "Shoulder to Shoulder Group",
        "description": "PW - Shoulder1",
        "organization": "Alcoholics Anonymous",
        "needs": ["alcohol", "peer_support"],
        "languages": ["en"],
        "attendance": ["online", "phone"],
        "costs": ["donation"],
        "status": "active",
        "schedule": {
            "timezone": "America/New_York",
            "slots": [{"day": "sun", "start": "00:00", "end": "01:00"}],
        },
        "contact": {
            "website": "https://www.aasepia.org/meetings/?meeting=shoulder-shoulder-group-Sun12am",
            "meeting_url": "https://us02web.zoom.us/j/503536771",
            "meeting_phone": "+13017158592,,503536771#",
        },
        "provenance": {
            "source": "aasepia",
            "source_name": "Southeastern PA Intergroup (AA)",
            "source_record_id": "shoulder-shoulder-group-Sun12am",
            "updated_at": "2021-08-27T14:40:51",
        },
        "service_area": {"states": ["PA"]},
    },
    SearchHit,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("", ""),
        ("562 Group", "562 Group"),  # a real meeting name: digits are not formulas
        ("+13017158592,,503536771#", "'+13017158592,,503536771#"),  # a real dial-in
        # INVENTED: the other characters a spreadsheet reads as the start of a formula.
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("a=1", "a=1"),
    ],
)
def test_safe_cell(value: str | None, expected: str) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        (None, ""),
        (
            Schedule(
                timezone="America/New_York",
                slots=(TimeSlot(day="sun", start="00:00", end="01:00"),),
            ),
            "Sun 00:00-01:00 (America/New_York)",
        ),
        (
            Schedule(
                slots=(
                    TimeSlot(day="mon", start="19:00"),
                    TimeSlot(day="wed", start="07:30", end="08:30"),
                )
            ),
            "Mon 19:00; Wed 07:30-08:30",
        ),
        (Schedule(by_appointment=True), "By appointment"),
        (Schedule(by_appointment=True, notes="Call first"), "By appointment. Call first"),
    ],
)
def test_schedule_text(schedule: Schedule | None, expected: str) -> None:
    hit = msgspec.structs.replace(REAL_HIT, schedule=schedule)
    assert schedule_text(hit) == expected


def test_row_of_a_real_online_meeting() -> None:
    cells = dict(zip(COLUMNS, row(REAL_HIT, base_url="https://pathways.test"), strict=True))
    assert cells["name"] == "Shoulder to Shoulder Group"
    assert cells["kind"] == "Peer support meeting"
    assert cells["address"] == ""
    assert cells["distance_km"] == ""
    assert cells["languages"] == "English"
    assert cells["attendance"] == "Online; By phone"
    assert cells["dial_in"] == "'+13017158592,,503536771#"
    assert cells["schedule"] == "Sun 00:00-01:00 (America/New_York)"
    assert cells["last_updated"] == "2021-08-27T14:40:51"
    assert cells["pathways_link"] == (
        "https://pathways.test/shortlist?ids=aasepia-shoulder-shoulder-group-Sun12am"
    )


def test_file_has_a_bom_a_header_and_one_row_per_hit() -> None:
    near = msgspec.structs.replace(REAL_HIT, distance_km=3.456)
    # INVENTED: a name built to attack a spreadsheet.
    evil = msgspec.structs.replace(REAL_HIT, name="=1+1")
    data = encode_csv([REAL_HIT, near, evil], base_url="https://pathways.test")
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 4
    assert rows[2][COLUMNS.index("distance_km")] == "3.46"
    assert rows[3][0] == "'=1+1"
