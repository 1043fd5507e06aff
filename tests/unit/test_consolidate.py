"""A source's records of one meeting become one document (indexer/consolidate.py).

The records are real (the Southeastern PA Intergroup feed in seed_data lists "Wyndmoor 12
Noon Meeting on the Field" once per day); the variants in the table are invented from one of
them, each changing the one fact the case is about.
"""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from indexer.consolidate import (
    combine,
    consolidate,
    group_key,
    groups,
    link_key,
    union_slots,
)
from indexer.dedupe import MergeReport, StoredDocument, dedupe, finalize, stored
from indexer.load import load_sources, read_sources_file
from indexer.sync import records_by_source
from service.contract.documents import (
    Address,
    Contact,
    GeoPoint,
    IndexedDocument,
    Provenance,
    Schedule,
    TimeSlot,
)
from service.search.indexed import to_indexed

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
SOURCES = {s.id: s for s in read_sources_file(SEED / "sources.toml").source}


def _load(source_id: str) -> list[IndexedDocument]:
    loads, failures = load_sources([SOURCES[source_id]], SEED)
    assert not failures
    return [to_indexed(d) for d in loads[0].documents]


AASEPIA = _load("aasepia")
WYNDMOOR = sorted(
    (d for d in AASEPIA if d.name == "Wyndmoor 12 Noon Meeting on the Field"), key=lambda d: d.id
)
BASE = WYNDMOOR[0]


def variant(**changes: object) -> IndexedDocument:
    """The first Wyndmoor record with another id and a Saturday 9:00 slot, plus `changes`."""
    values: dict[str, object] = {
        "id": "invented-variant",
        "schedule": Schedule(
            timezone=BASE.schedule.timezone if BASE.schedule else None,
            slots=(TimeSlot(day="sat", start="09:00"),),
        ),
    }
    values.update(changes)
    return to_indexed(msgspec.structs.replace(BASE, **values))


def test_the_feed_lists_wyndmoor_once_a_day() -> None:
    assert len(WYNDMOOR) == 7
    assert sorted(s.day for d in WYNDMOOR for s in (d.schedule or Schedule()).slots) == sorted(
        ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    )


def test_seven_daily_records_become_one_document_with_seven_slots() -> None:
    report = MergeReport()
    out = consolidate(AASEPIA, report)
    (doc,) = [d for d in out if d.name == "Wyndmoor 12 Noon Meeting on the Field"]
    assert isinstance(doc, StoredDocument)
    assert doc.id == WYNDMOOR[0].id  # the smallest member id: the same on every run
    assert doc.schedule is not None
    assert [s.day for s in doc.schedule.slots] == ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    assert {s.start for s in doc.schedule.slots} == {"12:00"}
    assert doc.former_ids == tuple(d.id for d in WYNDMOOR[1:])
    assert doc.merged_records == tuple(WYNDMOOR)
    # Formats that rotate by day are listed together; who may come is the same every day.
    assert {"Open", "Big Book", "Grapevine", "Literature"} <= set(doc.tags)
    assert report.meeting_groups >= 1
    assert report.meeting_records >= 7
    assert len(out) == len(AASEPIA) - (report.meeting_records - report.meeting_groups)


def test_the_start_minutes_cover_every_slot() -> None:
    doc = combine(WYNDMOOR)
    assert len(doc.start_minutes) == 7
    assert doc.start_minutes == tuple(sorted(doc.start_minutes))


def test_feed_order_does_not_change_the_result() -> None:
    assert consolidate(reversed(WYNDMOOR)) == consolidate(WYNDMOOR)


_FAR = GeoPoint(lat=40.1049147, lng=-75.185135)  # about 2.2 km north
_NEAR = GeoPoint(lat=40.0850500, lng=-75.185135)  # about 15 m north
_LINK = "https://zoom.us/j/1"
_ONLINE = {"address": None, "geo": None, "attendance": ("online",)}


@pytest.mark.parametrize(
    ("case", "other", "one"),
    [
        ("another day, same facts", variant(), True),
        ("another name", variant(name="Wyndmoor Step Study"), False),
        ("name differs only in case and punctuation", variant(name=BASE.name.upper() + "!"), True),
        ("women only on that day", variant(communities=("women",)), False),
        ("closed on that day", variant(tags=("Closed", "Big Book", "Outdoor")), False),
        ("temporarily closed on that day", variant(status="temporarily_closed"), False),
        (
            "dial-in with another passcode",
            variant(contact=Contact(meeting_phone="+16465588656,,901964988#,,1#,417417#")),
            False,  # the base record has no dial-in at all
        ),
        ("another format on that day", variant(tags=("Open", "Step Study", "Outdoor")), True),
        ("another joining link", variant(contact=Contact(meeting_url=_LINK)), False),
        ("2 km away", variant(geo=_FAR, address=Address(street="1 Other Rd", city="X")), False),
        ("15 m away, address written otherwise", variant(geo=_NEAR, address=None), True),
        ("by appointment", variant(schedule=Schedule(by_appointment=True)), False),
        ("a treatment provider of the same name", variant(kind="treatment"), False),
    ],
)
def test_grouping_rule(case: str, other: IndexedDocument, one: bool) -> None:
    found = groups([BASE, other])
    assert (found == [[0, 1]] or found == [[1, 0]]) is one, case


@pytest.mark.parametrize(
    ("case", "link_b", "one"),
    [
        ("same link", "https://zoom.us/j/123", True),
        ("same link, trailing slash", "https://zoom.us/j/123/", True),
        ("another link", "https://zoom.us/j/456", False),
    ],
)
def test_online_meetings_are_one_by_their_link(case: str, link_b: str, one: bool) -> None:
    a = variant(id="invented-a", contact=Contact(meeting_url="https://zoom.us/j/123"), **_ONLINE)
    b = variant(
        id="invented-b",
        contact=Contact(meeting_url=link_b),
        schedule=Schedule(timezone="America/New_York", slots=(TimeSlot(day="mon", start="09:00"),)),
        **_ONLINE,
    )
    assert (groups([a, b]) != []) is one, case


# The Zoom forms are the seed's Sunrise Semester (1904 Walnut St) on different days.
@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://zoom.us/j/901964988?pwd=QkhEY1FFOUF2b1AzMmRwZ0VtejdVQT09", "zoom:901964988"),
        (
            "https://us04web.zoom.us/j/901964988?pwd=QkhEY1FFOUF2b1AzMmRwZ0VtejdVQT09",
            "zoom:901964988",
        ),
        ("https://us04web.zoom.us/j/901964988", "zoom:901964988"),
        ("https://www.zoom.us/wc/join/901964988", "zoom:901964988"),
        ("https://meet.google.com/abc-defg-hij/", "meet.google.com/abc-defg-hij"),
        ("https://example.org/join?room=7", "example.org/join?room=7"),
        (None, ""),
    ],
)
def test_link_key(url: str | None, key: str) -> None:
    assert link_key(url) == key


def test_a_phone_only_meeting_needs_its_dial_in_to_be_one() -> None:
    """Invented: two online-only records of one name without link or dial-in stay two."""
    a = variant(id="invented-a", **_ONLINE)
    b = variant(id="invented-b", **_ONLINE)
    assert groups([a, b]) == []
    dial = Contact(meeting_phone="+1 646 558 8656")
    assert groups([variant(id="a", contact=dial, **_ONLINE), variant(contact=dial, **_ONLINE)])


def test_a_dial_in_is_compared_by_the_number_dialled() -> None:
    """The seed's Sunrise Semester dial-ins, which append other passcodes on some days."""
    plain = variant(contact=Contact(meeting_phone="+16465588656,,901964988#"))
    coded = variant(contact=Contact(meeting_phone="+16465588656,,901964988#,,1#,417417#"))
    assert group_key(plain) == group_key(coded)


def test_group_key_is_none_for_what_is_never_consolidated() -> None:
    assert group_key(variant(kind="treatment")) is None
    assert group_key(variant(schedule=None)) is None
    assert group_key(BASE) is not None


def test_union_slots_in_weekday_order_without_repeats() -> None:
    mon = TimeSlot(day="mon", start="19:00")
    sat = TimeSlot(day="sat", start="10:00")
    wed = TimeSlot(day="wed", start="19:00")
    schedules = [Schedule(slots=(sat, mon)), Schedule(slots=(wed, mon))]
    assert union_slots(schedules) == (mon, wed, sat)


def test_one_day_and_start_listed_twice_is_one_time() -> None:
    """Invented from a case in the seed (a midnight meeting listed with and without its end)."""
    bare = TimeSlot(day="mon", start="00:00")
    ended = TimeSlot(day="mon", start="00:00", end="23:59")
    assert union_slots([Schedule(slots=(bare,)), Schedule(slots=(ended,))]) == (ended,)
    assert union_slots([Schedule(slots=(ended,)), Schedule(slots=(bare,))]) == (ended,)


def test_the_latest_updated_at_is_kept() -> None:
    dates = [d.provenance.updated_at for d in WYNDMOOR if d.provenance.updated_at]
    assert combine(WYNDMOOR).provenance.updated_at == (max(dates) if dates else None)


def test_a_cross_source_merge_keeps_the_source_records_flat() -> None:
    """The same meeting from a second source (invented: the consolidated record re-sourced)
    merges with the consolidated one, and the stored members are the eight source records."""
    consolidated = combine(WYNDMOOR)
    values = {f: getattr(consolidated, f) for f in IndexedDocument.__struct_fields__}
    values.update(
        id="zz-other-source-wyndmoor",
        provenance=Provenance(
            source="invented", source_name="Invented", source_record_id="wyndmoor"
        ),
    )
    other = IndexedDocument(**values)
    (merged,) = dedupe([consolidated, other])
    assert isinstance(merged, StoredDocument)
    assert merged.merged_records == (*WYNDMOOR, other)
    assert set(merged.former_ids) == {d.id for d in WYNDMOOR[1:]} | {other.id}


def test_a_sync_rebuilds_the_same_documents_from_the_stored_members() -> None:
    """sync re-reads the stored source records: consolidating them again changes nothing."""
    first = finalize(consolidate(AASEPIA))
    live = msgspec.json.decode(msgspec.json.encode(first), type=list[StoredDocument])
    again = finalize(consolidate(records_by_source(live)["aasepia"]))
    assert [(d.id, d.content_hash) for d in again] == [(d.id, d.content_hash) for d in first]


def test_stored_lists_former_ids_without_its_own() -> None:
    doc = stored(BASE, merged_records=(BASE,))
    assert doc.former_ids == ()
