"""SAMHSA's nationwide MOUD providers: swapped coordinate columns, one listing per provider."""

from __future__ import annotations

import tomllib
from pathlib import Path

import msgspec
import pytest

from indexer.dedupe import MergeReport, dedupe
from indexer.load import load_sources
from indexer.records import SourceConfig, SourcesFile
from indexer.sources.treatment import moud
from service.contract.documents import GeoPoint
from service.contract.vocabulary import NEEDS
from service.search.indexed import to_indexed

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
SAMPLE = ROOT / "tests" / "data" / "moud"
SOURCES = {
    s.id: s
    for s in msgspec.convert(tomllib.loads((SEED / "sources.toml").read_text()), SourcesFile).source
}
SAMPLE_SOURCE = msgspec.structs.replace(
    SOURCES["samhsa-moud"], path="us-wide-moudsCleaned.sample.csv"
)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        # As published: `Longitude` holds the latitude, the unnamed last column repeats it.
        ({"Longitude": "37.0402928", "Latitude": "-95.64145", "": "37.0402928"},
         ("37.0402928", "-95.64145")),
        # The other way round, the repeat still says which is the latitude.
        ({"Longitude": "-95.64145", "Latitude": "37.0402928", "": "37.0402928"},
         ("37.0402928", "-95.64145")),
        # INVENTED: no repeat column, headers believed.
        ({"Longitude": "-95.64145", "Latitude": "37.0402928"}, ("37.0402928", "-95.64145")),
    ],
)  # fmt: skip
def test_coordinates(row: dict[str, str], expected: tuple[str, str]) -> None:
    assert moud.coordinates(row) == expected


def test_a_provider_is_one_document_with_every_medication() -> None:
    loaded = moud.load(SAMPLE_SOURCE, SAMPLE)
    assert loaded.rejections == []
    by_name = {d.name: d for d in loaded.documents}
    assert sorted(by_name) == ["Echo Treatment Center", "Four County Mental Health Center",
                               "SALUSCARE - EVANS CAMPUS"]  # fmt: skip
    four = by_name["Four County Mental Health Center"]
    assert four.needs == ("opioids", "moud", "buprenorphine", "naltrexone")
    assert four.geo == GeoPoint(lat=37.0402928, lng=-95.64145)
    assert four.address is not None
    assert four.address.formatted == "1601 West 4th Street, Coffeyville, KS 67337"
    assert four.provenance.updated_at == "2020-09-30"
    assert by_name["Echo Treatment Center"].needs == ("opioids", "moud", "methadone")


def test_medication_codes_are_need_codes() -> None:
    assert {c for codes in moud.MEDICATIONS.values() for c in codes} <= NEEDS.codes


def test_the_seed_file_holds_only_samhsa_rows_and_loads_whole() -> None:
    (loaded,), failures = load_sources([SOURCES["samhsa-moud"]], SEED)
    assert failures == []
    assert (len(loaded.documents), len(loaded.rejections)) == (6469, 0)
    text = (SEED / "moud" / "us_wide_moud_samhsa.csv").read_text(encoding="utf-8")
    assert "vivitrolWeb" not in text
    # Every point the right way round: in the Western hemisphere but for the Pacific islands
    # (Guam, Palau), north of the equator.
    pacific = [d for d in loaded.documents if d.geo is not None and d.geo.lng > 0]
    assert all(d.geo is not None and d.geo.lat > 0 for d in loaded.documents)
    assert [d.address.postal_code for d in pacific if d.address] == ["96921", "96940"]


def test_a_provider_in_both_lists_is_one_listing_with_its_medications() -> None:
    su: SourceConfig = SOURCES["samhsa-su"]
    (su_load,), _ = load_sources([su], SEED)
    moud_load = moud.load(SAMPLE_SOURCE, SAMPLE)
    echo_su = [d for d in su_load.documents if d.name == "Echo Treatment Center"]
    echo_moud = [d for d in moud_load.documents if d.name == "Echo Treatment Center"]
    assert len(echo_su) == len(echo_moud) == 1
    report = MergeReport()
    [merged] = dedupe([to_indexed(echo_su[0]), to_indexed(echo_moud[0])], report)
    assert report.groups == 1
    assert {"substance_use", "moud", "methadone"} <= set(merged.needs)
    assert [p.source for p in merged.also_from] == ["samhsa-su"]
