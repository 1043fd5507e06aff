"""Records of one resource from two sources are merged by a documented rule (indexer/dedupe.py)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import msgspec
import pytest

from indexer.dedupe import (
    MergeReport,
    StoredDocument,
    dedupe,
    finalize,
    fold,
    same_place,
    street_key,
    with_content_hash,
)
from indexer.records import SourceConfig, SourcesFile
from indexer.sources.csv_rows import read_rows
from indexer.sources.meeting_guide import feed as meeting_guide
from indexer.sources.treatment import findtreatment, samhsa
from service.contract.documents import GeoPoint, IndexDocument, IndexedDocument
from service.search.indexed import to_indexed

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
SOURCES = {
    s.id: s
    for s in msgspec.convert(
        tomllib.loads((SEED / "sources.toml").read_text(encoding="utf-8")), SourcesFile
    ).source
}
SU, MH, FT = SOURCES["samhsa-su"], SOURCES["samhsa-mh"], SOURCES["findtreatment-ca"]


def row(source: SourceConfig, column: str, value: str) -> dict[str, str]:
    assert source.path is not None
    for _line, found in read_rows(SEED / source.path):
        if found[column] == value:
            return found
    raise AssertionError(f"no {column}={value!r} in {source.path}")


def indexed(doc: IndexDocument) -> IndexedDocument:
    return to_indexed(doc)


MAYHILL_SU = indexed(samhsa.to_document(row(SU, "name1", "Mayhill Hospital"), SU))
MAYHILL_MH = indexed(samhsa.to_document(row(MH, "name1", "Mayhill Hospital"), MH))


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Sunlight Medical Services, PLLC", "sunlight medical services pllc"),
        ("Community Medical Services- Sierra Vista", "community medical services sierra vista"),
        ("Tom & Jerry's Café", "tom and jerry s cafe"),
    ],
)
def test_fold(name: str, folded: str) -> None:
    assert fold(name) == folded


@pytest.mark.parametrize(
    ("street", "key"),
    [
        ("5750 W. Thunderbird Rd. Suite F-640", "5750 w thunderbird rd"),
        ("5750 West Thunderbird Road, Suite F-640", "5750 w thunderbird rd"),
        ("691 East Empire Street", "691 e empire st"),
        ("Castro St. and Duboce Ave.", None),  # no house number: not an address to compare
        (None, None),
    ],
)
def test_street_key(street: str | None, key: str | None) -> None:
    assert street_key(street) == key


def test_real_su_and_mh_listings_of_one_hospital_are_merged() -> None:
    report = MergeReport()
    merged = dedupe([MAYHILL_SU, MAYHILL_MH], report)
    assert (report.groups, report.records, len(merged)) == (1, 2, 1)
    doc = merged[0]
    assert isinstance(doc, StoredDocument)
    # The smallest id wins: "samhsa-mh-..." < "samhsa-su-...".
    assert doc.id == MAYHILL_MH.id
    assert doc.provenance == MAYHILL_MH.provenance
    assert doc.also_from == (MAYHILL_SU.provenance,)
    assert doc.needs == ("mental_health", "substance_use")
    assert doc.merged_records == (MAYHILL_MH, MAYHILL_SU)
    assert "Substance use" in doc.keywords


def test_the_merged_id_does_not_depend_on_the_order() -> None:
    forward = finalize([MAYHILL_SU, MAYHILL_MH])
    backward = finalize([MAYHILL_MH, MAYHILL_SU])
    assert forward == backward


def test_the_most_precise_address_is_kept() -> None:
    # FindTreatment gives only city and ZIP; the SAMHSA list gives the street.
    ft = indexed(findtreatment.to_document(row(FT, "Name", "Anaheim Lighthouse"), FT))
    su = indexed(samhsa.to_document(row(SU, "name1", "Anaheim Lighthouse"), SU))
    (doc,) = dedupe([ft, su])
    assert doc.id == ft.id  # "findtreatment-ca-..." sorts first
    assert doc.address == su.address
    assert doc.geo == su.geo
    assert set(doc.costs) >= set(ft.costs)


def test_records_of_one_source_are_never_merged() -> None:
    twin = msgspec.structs.replace(MAYHILL_SU, id=MAYHILL_SU.id + "-2")
    assert len(dedupe([MAYHILL_SU, twin])) == 2


def moved(doc: IndexedDocument, *, lat: float, street: str) -> IndexedDocument:
    assert doc.address is not None
    address = msgspec.structs.replace(doc.address, street=street)
    return msgspec.structs.replace(
        doc, geo=GeoPoint(lat=lat, lng=doc.geo.lng if doc.geo else 0.0), address=address
    )


@pytest.mark.parametrize(
    ("lat", "street", "same"),
    [
        (33.175862, "2809 South Mayhill Road", True),
        (33.1761, "1 Other Street", True),  # 27 m away
        (33.1800, "2809 S Mayhill Rd", True),  # 460 m apart, same street address and ZIP
        (33.1800, "1 Other Street", False),  # 460 m apart, another address
    ],
)
def test_same_place(lat: float, street: str, same: bool) -> None:
    other = moved(MAYHILL_MH, lat=lat, street=street)
    assert same_place(MAYHILL_SU, other) == same
    assert (len(dedupe([MAYHILL_SU, other])) == 1) == same


def test_the_content_hash_follows_the_content() -> None:
    first = with_content_hash(MAYHILL_SU)
    assert first.content_hash is not None
    assert with_content_hash(MAYHILL_SU) == first
    renamed = with_content_hash(msgspec.structs.replace(MAYHILL_SU, name="Mayhill"))
    assert renamed.content_hash != first.content_hash


def meeting(source_id: str, slug: str) -> IndexedDocument:
    source = SOURCES[source_id]
    assert source.path is not None
    records = json.loads((SEED / source.path).read_text(encoding="utf-8"))
    record = next(r for r in records if str(r.get("slug", r.get("id"))) == slug)
    return indexed(meeting_guide.to_document(record, source))


def test_the_same_online_meeting_in_two_real_feeds_is_merged() -> None:
    marin = meeting("aasfmarin", "7-am-big-book-191")
    airtable = next(
        indexed(d)
        for d in meeting_guide.load(SOURCES["sf-airtable"], SEED).documents
        if d.name == "7 AM Big Book"
    )
    (doc,) = dedupe([marin, airtable])
    assert doc.id == marin.id
    assert [p.source for p in (doc.provenance, *doc.also_from)] == ["aasfmarin", "sf-airtable"]


def test_meetings_at_other_times_are_other_meetings() -> None:
    marin = meeting("aasfmarin", "7-am-big-book-191")
    airtable = next(
        indexed(d)
        for d in meeting_guide.load(SOURCES["sf-airtable"], SEED).documents
        if d.name == "7 AM Big Book"
    )
    assert marin.schedule is not None
    later = msgspec.structs.replace(
        airtable,
        schedule=msgspec.structs.replace(
            marin.schedule,
            slots=(msgspec.structs.replace(marin.schedule.slots[0], start="19:00"),),
        ),
    )
    assert len(dedupe([marin, later])) == 2
