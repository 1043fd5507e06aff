"""What a sync changes: adds, updates and deletes among the refreshed sources' documents only."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from indexer.dedupe import StoredDocument, finalize
from indexer.records import SourceConfig
from indexer.sources.bmlt import semantic as bmlt
from indexer.sync import member_records, plan_sync, records_by_source, shrink_problem
from service.contract.documents import IndexedDocument, document_decoder, document_encoder
from service.search.indexed import to_indexed
from tests.unit.test_dedupe import MAYHILL_MH, MAYHILL_SU

ROOT = Path(__file__).resolve().parents[2]
BMLT = ROOT / "tests" / "data" / "bmlt"
NA = SourceConfig(
    id="na",
    name="NA",
    format="bmlt",
    path="meeting-search-42.867970-day2.json",
    timezone="America/New_York",
    licence="MIT",
)
MEETINGS = [to_indexed(d) for d in bmlt.load(NA, BMLT).documents[:4]]
OTHER = [
    to_indexed(d) for d in bmlt.load(msgspec.structs.replace(NA, id="other"), BMLT).documents[4:6]
]


def live(docs: list[IndexedDocument]) -> list[StoredDocument]:
    """Documents as a sync reads them back from Meilisearch."""
    raw = document_encoder.encode(finalize(docs))
    return msgspec.json.decode(raw, type=list[StoredDocument])


def renamed(doc: IndexedDocument, name: str) -> IndexedDocument:
    return msgspec.structs.replace(doc, name=name)


def test_nothing_changed_nothing_sent() -> None:
    plan = plan_sync(live(MEETINGS + OTHER), finalize(MEETINGS + OTHER), {"na"})
    assert (plan.upserts, plan.deletes, plan.left_alone) == ([], [], 0)


def test_one_added_one_changed_one_deleted() -> None:
    before = MEETINGS[:3] + OTHER
    after = [MEETINGS[0], renamed(MEETINGS[1], "Renamed"), MEETINGS[3], *OTHER]
    plan = plan_sync(live(before), finalize(after), {"na"})
    assert sorted(d.id for d in plan.upserts) == sorted([MEETINGS[1].id, MEETINGS[3].id])
    assert plan.deletes == [MEETINGS[2].id]
    counts = plan.counts["na"]
    assert (counts.added, counts.updated, counts.deleted) == (1, 1, 1)


def test_other_sources_are_left_alone_even_when_they_differ() -> None:
    after = [*MEETINGS, renamed(OTHER[0], "Changed elsewhere"), OTHER[1]]
    plan = plan_sync(live(MEETINGS + OTHER), finalize(after), {"na"})
    assert (plan.upserts, plan.deletes, plan.left_alone) == ([], [], 1)


def test_a_new_duplicate_is_merged_and_its_standalone_copy_deleted() -> None:
    su, mh = to_indexed(MAYHILL_SU), to_indexed(MAYHILL_MH)
    # Live: the two listings stand alone (as if the SU one had been renamed at its source).
    before = [renamed(su, "Mayhill"), mh]
    plan = plan_sync(live(before), finalize([su, mh]), {"samhsa-su"})
    assert [d.id for d in plan.upserts] == [mh.id]
    assert plan.deletes == [su.id]
    assert plan.upserts[0].also_from == (su.provenance,)


def test_a_vanished_member_leaves_the_other_standalone() -> None:
    su, mh = to_indexed(MAYHILL_SU), to_indexed(MAYHILL_MH)
    plan = plan_sync(live([su, mh]), finalize([mh]), {"samhsa-su"})
    assert [(d.id, d.also_from) for d in plan.upserts] == [(mh.id, ())]
    assert plan.deletes == []
    assert plan.counts["samhsa-su"].updated == 1


def test_live_documents_give_back_their_source_records() -> None:
    su, mh = to_indexed(MAYHILL_SU), to_indexed(MAYHILL_MH)
    docs = live([su, mh, *OTHER])
    (merged,) = [d for d in docs if d.merged_records]
    assert member_records(merged) == [mh, su]
    grouped = records_by_source(docs)
    assert {k: len(v) for k, v in grouped.items()} == {"samhsa-mh": 1, "samhsa-su": 1, "other": 2}
    # A record read back is the record that was stored, so it hashes the same again.
    assert finalize(grouped["other"]) == finalize(OTHER)
    assert document_decoder.decode(document_encoder.encode(merged)).also_from == (su.provenance,)


@pytest.mark.parametrize(
    ("live", "new", "refused"),
    [
        (0, 0, False),
        (10, 10, False),
        (10, 12, False),
        (2038, 0, True),
        (1, 0, True),
        (10, 6, False),
        (10, 4, True),
        (100, 51, False),
        (100, 49, True),
        # A small source losing a few records is ordinary churn.
        (6, 2, False),
        (8, 3, True),
    ],
)
def test_a_source_that_shrinks_too_much_is_refused(live: int, new: int, refused: bool) -> None:
    assert (shrink_problem(live, new) is not None) == refused
