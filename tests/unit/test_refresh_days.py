"""Each source's refresh period travels from the sources file into its documents' provenance."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from indexer.load import load_sources, newest_date, read_sources_file
from indexer.records import SourceLoadError

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
SOURCES = {s.id: s for s in read_sources_file(SEED / "sources.toml").source}


def test_every_seed_source_states_its_refresh_period() -> None:
    assert {s.id: s.refresh_days for s in SOURCES.values() if s.refresh_days is None} == {}
    assert SOURCES["aasepia"].refresh_days == 730
    assert SOURCES["samhsa-su"].refresh_days == 365
    assert SOURCES["pathways-helplines"].refresh_days == 180


@pytest.mark.parametrize(("source_id", "days"), [("pathways-helplines", 180), ("eda", 730)])
def test_loaded_documents_carry_the_period(source_id: str, days: int) -> None:
    (loaded,), failures = load_sources([SOURCES[source_id]], SEED)
    assert failures == []
    assert loaded.documents
    assert {d.provenance.refresh_days for d in loaded.documents} == {days}


def test_a_source_without_a_period_leaves_it_to_the_service() -> None:
    source = msgspec.structs.replace(SOURCES["pathways-helplines"], refresh_days=None)
    (loaded,), _ = load_sources([source], SEED)
    assert {d.provenance.refresh_days for d in loaded.documents} == {None}


def test_a_period_must_be_a_positive_number_of_days(tmp_path: Path) -> None:
    # An invented sources file: a refresh period of zero days means nothing.
    text = (SEED / "sources.toml").read_text().replace("refresh_days = 180", "refresh_days = 0")
    (tmp_path / "sources.toml").write_text(text)
    with pytest.raises(SourceLoadError, match="refresh_days"):
        read_sources_file(tmp_path / "sources.toml")


def test_loaded_documents_carry_their_sources_newest_date() -> None:
    # The real Philadelphia feed: its newest edit, on every one of its meetings.
    (loaded,), _ = load_sources([SOURCES["aasepia"]], SEED)
    assert {d.provenance.source_updated_at for d in loaded.documents} == {"2022-10-14T22:24:55"}


@pytest.mark.parametrize(
    ("values", "newest"),
    [
        (["2020-04-09", "2022-10-14 01:55:57", None, "not a date"], "2022-10-14 01:55:57"),
        (["2021-01-01T00:00:00Z", "2020-12-31"], "2021-01-01T00:00:00Z"),
        ([None, ""], None),
    ],
)
def test_newest_date(values: list[str | None], newest: str | None) -> None:
    assert newest_date(values) == newest
