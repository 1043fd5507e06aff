"""The indexer's zone rules, on real EDA records (a feed with no zone) and the gazetteer."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.load import read_sources_file
from indexer.sources.meeting_guide.feed import load
from indexer.timezones import TimezoneReport, finish_schedule
from service.contract.documents import IndexedDocument
from service.places.geocoder import Gazetteer
from service.settings import PROJECT_ROOT

SOURCES = PROJECT_ROOT / "seed_data" / "sources.toml"


@pytest.fixture(scope="module")
def eda() -> tuple[dict[str, IndexedDocument], TimezoneReport]:
    source = next(s for s in read_sources_file(SOURCES).source if s.id == "eda")
    gazetteer = Gazetteer.load()
    report = TimezoneReport()
    documents = load(source, Path(SOURCES).parent).documents
    finished = [finish_schedule(doc, source, gazetteer, report) for doc in documents]
    return {doc.id: doc for doc in finished}, report


@pytest.mark.parametrize(
    ("doc_id", "zone"),
    [
        # Online: "London Daily Readings - 2am Eastern - Online" -> the source's online zone,
        # not London's (the feed's coordinates), which would be five hours off.
        (
            "eda-london-monday-to-friday-daily-readings-starts-march-1st-online-monday",
            "America/New_York",
        ),
        # In person: "Chew on This - Lubbock, TX - 6pm Central" -> its coordinates' zone.
        ("eda-theedaoflubbock-2", "America/Chicago"),
        # In person outside the US: the US-only gazetteer would guess; no zone is taken.
        ("eda-berlin-big-book-study-topic-discussion-tuesdays-10am-germany", None),
    ],
)
def test_zone_rules(
    eda: tuple[dict[str, IndexedDocument], TimezoneReport], doc_id: str, zone: str | None
) -> None:
    documents, _report = eda
    doc = documents[doc_id]
    assert doc.schedule is not None
    assert doc.schedule.timezone == zone
    assert doc.start_minutes, "venue-local fields exist with or without a zone"


def test_the_report_counts_each_rule(
    eda: tuple[dict[str, IndexedDocument], TimezoneReport],
) -> None:
    documents, report = eda
    assert report.from_coordinates > 30
    assert report.from_online_default > 90
    assert 0 < len(report.unknown) < 20
    assert all(documents[doc_id].schedule.timezone is None for doc_id in report.unknown)  # type: ignore[union-attr]
