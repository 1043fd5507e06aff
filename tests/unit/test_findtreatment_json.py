"""FindTreatment.gov in JSON (the flat export and the locator API's rows) and locator codes."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import msgspec
import pytest

from indexer.records import SourcesFile
from indexer.sources.csv_rows import collect_csv
from indexer.sources.treatment import findtreatment, findtreatment_json
from indexer.sources.treatment.findtreatment_codes import LOCATOR_CODES, lookup
from service.contract.vocabulary import (
    ACCESSIBILITY,
    ATTENDANCE,
    COMMUNITIES,
    COSTS,
    LANGUAGES,
    NEEDS,
)

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
DATA = ROOT / "tests" / "data" / "findtreatment"
FT = next(
    s
    for s in msgspec.convert(
        tomllib.loads((SEED / "sources.toml").read_text(encoding="utf-8")), SourcesFile
    ).source
    if s.id == "findtreatment-ca"
)
FT_JSON = msgspec.structs.replace(
    FT, format="findtreatment_json", path="residential_facilities_sample.json"
)


def test_the_json_export_gives_the_same_documents_as_the_csv() -> None:
    from_json = findtreatment_json.load(FT_JSON, DATA)
    assert from_json.rejections == []
    by_id = {
        d.id: d
        for d in collect_csv(
            FT, SEED, findtreatment.to_documents, merge=findtreatment.merge_duplicates
        ).documents
    }
    # The sample holds every row of these facilities, so their documents are identical.
    complete = {"Veterans Alcoholic Rehab Prog (VARP)", "Anaheim Lighthouse"}
    for doc in from_json.documents:
        assert doc.id in by_id
        if doc.name.removesuffix(" (telehealth)") in complete:
            assert doc == by_id[doc.id]
    # The two Anaheim Lighthouse records are one facility.
    assert sum(d.name == "Anaheim Lighthouse" for d in from_json.documents) == 1


# An invented record in the shape of the FindTreatment.gov locator API's rows (edge case: no
# real API response is in the project).
API_ROW = {
    "name1": "Example Recovery Center",
    "name2": "Outpatient Program",
    "street1": "100 Example Street",
    "street2": "Suite 2",
    "city": "Sacramento",
    "state": "CA",
    "zip": "95814",
    "phone": "916-555-0100",
    "website": "https://example.org",
    "latitude": "38.58",
    "longitude": "-121.49",
    "services": [
        {"f1": "Type of Care", "f2": "TC", "f3": "Substance use treatment; Outpatient"},
        {
            "f1": "Payment",
            "f2": "PAY",
            "f3": "Medicaid; Sliding fee scale (fee is based on income and other factors)",
        },
        {"f1": "Language", "f2": "LANG", "f3": "Spanish"},
    ],
}


def test_an_api_row_with_a_street_and_grouped_services(tmp_path: Path) -> None:
    (tmp_path / "rows.json").write_text(json.dumps({"page": 1, "rows": [API_ROW]}))
    result = findtreatment_json.load(msgspec.structs.replace(FT_JSON, path="rows.json"), tmp_path)
    (doc,) = result.documents
    assert doc.name == "Example Recovery Center — Outpatient Program"
    assert doc.address is not None
    assert (doc.address.street, doc.address.approximate) == ("100 Example Street, Suite 2", False)
    assert doc.needs == ("substance_use", "outpatient")
    assert doc.costs == ("medicaid", "sliding_scale")
    assert doc.languages == ("en", "es")


def test_broken_records_are_reported_and_the_rest_load(tmp_path: Path) -> None:
    records = json.loads((DATA / "residential_facilities_sample.json").read_text())
    broken = [records[0], "text", {**records[1], "name": None}, {**records[2], "services": "x"}]
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    result = findtreatment_json.load(msgspec.structs.replace(FT_JSON, path="broken.json"), tmp_path)
    assert [(r.location, r.reason) for r in result.rejections] == [
        ("broken.json[1]", "a facility must be an object, got a string"),
        ("broken.json[2]", "missing facility name (column 'Name')"),
        ("broken.json[3]", "services must be a list, got a string"),
    ]
    assert {d.name for d in result.documents} == {
        records[0]["name"],
        records[0]["name"] + " (telehealth)",
    }


@pytest.mark.parametrize(
    ("code", "pairs"),
    [
        ("MD", (("costs", "medicaid"),)),
        ("sf", (("costs", "self_pay"),)),
        ("VET", (("communities", "veterans"),)),
        ("TAY", (("communities", "young_people"),)),
        ("CO", (("needs", "co_occurring"),)),
        ("SP", (("languages", "es"),)),
        ("AH", (("accessibility", "sign_language"), ("accessibility", "deaf_hard_of_hearing"))),
        ("TELE", (("attendance", "online"),)),
        ("ZZ", None),
    ],
)
def test_locator_codes(code: str, pairs: tuple[tuple[str, str], ...] | None) -> None:
    assert lookup(code) == pairs


def test_locator_codes_are_in_the_vocabularies() -> None:
    vocabularies = {
        "needs": NEEDS, "costs": COSTS, "languages": LANGUAGES, "communities": COMMUNITIES,
        "accessibility": ACCESSIBILITY, "attendance": ATTENDANCE,
    }  # fmt: skip
    for code, pairs in LOCATOR_CODES.items():
        for field, value in pairs:
            assert value in vocabularies[field].codes, (code, field, value)


def test_a_feed_of_codes_is_classified_and_telehealth_gets_its_twin() -> None:
    row = {
        "Name": "Example Clinic",  # invented: a feed that lists locator codes
        "City": "Fresno",
        "State": "CA",
        "ZIP": "93706",
        "Phone": "559-555-0100",
        "Website": "",
        "Latitude": "36.7",
        "Longitude": "-119.8",
        "Residential Services": "",
        "All Services": "MD; PI; VET; SP; TELE",
    }
    facility, telehealth = findtreatment.to_documents(row, FT)
    assert facility.costs == ("medicaid", "private_insurance")
    assert facility.communities == ("veterans",)
    assert facility.languages == ("en", "es")
    assert telehealth.kind == "telehealth"
