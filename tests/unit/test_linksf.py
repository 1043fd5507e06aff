"""Link-SF-shaped exports, on an INVENTED sample (the real Link-SF data has no licence)."""

from __future__ import annotations

from pathlib import Path

from indexer.records import SourceConfig
from indexer.sources.housing import linksf

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "linksf"
SOURCE = SourceConfig(
    id="linksf-test",
    name="Link-SF (invented sample)",
    format="linksf",
    path="invented.json",
    timezone="America/Los_Angeles",
    licence="invented test data",
)


def test_invented_sample_reports_every_bad_record() -> None:
    result = linksf.load(SOURCE, DATA)
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("invented.json[1]", "openHours day '9' is not 0-6 with a list of spans"),
        ("invented.json[3]", "a facility must be an object, got a string"),
    ]
    assert [(w.location, w.reason.split(";")[0]) for w in result.warnings] == [
        ("invented.json[2]", "coordinates ('not a number', -122.4) are not a valid point"),
    ]
    shelter, clinic = result.documents
    assert (shelter.kind, shelter.needs, clinic.kind, clinic.needs) == (
        "housing",
        ("shelter",),
        "health_center",
        ("primary_care",),
    )


def test_a_facility_in_full() -> None:
    shelter = linksf.load(SOURCE, DATA).documents[0]
    assert shelter.communities == ("women", "seniors")
    assert shelter.eligibility == "Women only"
    assert shelter.contact.phone == "415-555-0100"  # the first number of the free text
    assert shelter.schedule is not None
    # Day "0" is Sunday (JavaScript's getDay), times are HHMM integers.
    assert [(s.day, s.start, s.end) for s in shelter.schedule.slots] == [
        ("sun", "00:00", "23:59"),
        ("mon", "07:00", "12:00"),
        ("mon", "13:30", "16:00"),
    ]
    assert shelter.provenance.updated_at == "2014-04-02T10:00:00"
