"""Housing and outreach readers: DC shelters and NYC Homebase offices.

Rows come from the real seed files; invented rows (marked so) cover broken input only.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import msgspec
import pytest

from indexer.records import RecordError, SourceConfig, SourcesFile
from indexer.sources.csv_rows import read_rows
from indexer.sources.housing import city_lists as housing
from service.contract.documents import Address, Contact, GeoPoint
from tests.sources import local_path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
SOURCES = {
    s.id: s
    for s in msgspec.convert(
        tomllib.loads((SEED / "sources.toml").read_text(encoding="utf-8")), SourcesFile
    ).source
}
DC, NYC = SOURCES["dc-shelters"], SOURCES["nyc-homebase"]


def real_row(source: SourceConfig, **match: str) -> dict[str, str]:
    """The first row of a seed file whose columns equal `match`."""
    for _line, row in read_rows(SEED / local_path(source)):
        if all(row[k] == v for k, v in match.items()):
            return row
    raise AssertionError(f"no row {match} in {source.path}")


# --- DC shelters ------------------------------------------------------------------------


def test_dc_801_east() -> None:
    doc = housing.to_document(real_row(DC, FACILITY_NAME="801 East - Shelter"), DC)
    assert (doc.kind, doc.name, doc.organization) == (
        "housing",
        "801 East - Shelter",
        "Catholic Charities",
    )
    assert doc.needs == ("shelter", "housing_assistance")
    assert (doc.communities, doc.costs, doc.status) == (("men",), ("free",), "active")
    assert doc.tags == ("Low Barrier", "Transitional", "Ward 8", "On-site medical clinic")
    assert doc.eligibility == (
        "Serves: Men, ages 18+. How to get in: Show Up and/or Call Shelter Hotline (311). 450 beds."
    )
    assert doc.address == Address(
        street="2700 Martin Luther King Jr. Ave, SE",
        city="Washington",
        state="DC",
        postal_code="20032",
        formatted="2700 Martin Luther King Jr. Ave, SE, Washington, DC 20032",
    )
    assert doc.geo == GeoPoint(lat=38.85068463, lng=-76.99472857)
    # No phone is invented: the hotline is in the access text.
    assert doc.contact == Contact(
        website="https://www.catholiccharitiesdc.org/housing-shelter/801east/"
    )
    assert doc.provenance.updated_at == "2017-11-15"
    assert "Albergue" in doc.keywords


@pytest.mark.parametrize(
    ("name", "needs", "communities", "tags"),
    [
        ("Adams Place Shelter", ("shelter",), ("men",), ("Low Barrier", "Ward 5")),
        ("Blair House", ("shelter", "housing_assistance"), ("men",), ("Transitional", "Ward 6")),
        (
            "Center for Creative Non-Violence (CCNV)",
            ("shelter", "housing_assistance"),
            (),  # "Men & Women" names no community
            ("Low Barrier", "Transitional", "Ward 6", "On-site medical clinic"),
        ),
        (
            "New Endeavors by Women",
            ("shelter", "housing_assistance"),
            ("women",),
            ("Transitional", "Permanent", "Ward 6"),
        ),
        ("Casa Ruby", ("shelter",), ("young_people", "lgbtq"), ("Low Barrier", "Ward 1")),
        ("Sasha Bruce Youthworks", ("shelter", "crisis"), ("young_people",), ("Crisis", "Ward 6")),
    ],
)
def test_dc_types_and_subtypes(
    name: str, needs: tuple[str, ...], communities: tuple[str, ...], tags: tuple[str, ...]
) -> None:
    row = next(
        r for _l, r in read_rows(SEED / local_path(DC)) if r["FACILITY_NAME"].strip() == name
    )
    doc = housing.to_document(row, DC)
    assert (doc.name, doc.needs, doc.communities, doc.tags) == (name, needs, communities, tags)


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"STATUS": "Closed"}, "status 'Closed': not an open shelter"),
        ({"LATITUDE": "", "LONGITUDE": "", "ZIP": "NA"}, "no coordinates and no ZIP"),
        ({"FACILITY_NAME": " "}, "missing shelter name (column 'FACILITY_NAME')"),
    ],
)
def test_broken_dc_rows_are_rejected(values: dict[str, str], reason: str) -> None:
    # Invented: a real row with broken values.
    row = {**real_row(DC, FACILITY_NAME="Adams Place Shelter"), **values}
    with pytest.raises(RecordError, match=f"^{re.escape(reason)}$"):
        housing.to_document(row, DC)


def test_dc_temporarily_closed_status() -> None:
    # Invented: the status value HSDS and our vocabulary share.
    row = {**real_row(DC, FACILITY_NAME="Adams Place Shelter"), "STATUS": "Temporarily Closed"}
    assert housing.to_document(row, DC).status == "temporarily_closed"


# --- NYC Homebase -----------------------------------------------------------------------


def test_nyc_row_with_embedded_newlines() -> None:
    row = real_row(NYC, Postcode="10472")
    assert row["Address"] == "2155 Blackrock Ave, Bronx, NY 10472,\n\n"
    doc = housing.to_document(row, NYC)
    assert (doc.kind, doc.name, doc.organization) == ("outreach", "Homebase — Bronx 3", "ARCHNY")
    assert doc.address == Address(
        street="2155 Blackrock Ave",
        city="Bronx",
        state="NY",
        postal_code="10472",
        formatted="2155 Blackrock Ave, Bronx, NY 10472",
    )
    assert doc.eligibility == "Serves ZIP codes: 10462, 10472, 10473, 10474"
    assert doc.contact == Contact(phone="718-414-1050")
    assert (doc.needs, doc.costs) == (("housing_assistance",), ("free",))
    assert doc.geo == GeoPoint(lat=40.828869, lng=-73.851791)


def test_nyc_spreadsheet_artefact_provider_is_unknown_not_rejected() -> None:
    doc = housing.to_document(real_row(NYC, Provider="l+J1:O2ongitude"), NYC)
    assert doc.organization is None
    assert doc.name == "Homebase — Brooklyn 3"
    assert doc.address is not None
    assert doc.address.street == "90 Beaver Street"


@pytest.mark.parametrize(
    ("raw", "postcode", "borough", "expected"),
    [
        (
            "120 Stuyvesant Place, 4th fl , Suite 413\nStaten, Island, NY 10301,\n\n",
            "10301",
            "STATEN IS",
            Address(street="120 Stuyvesant Place, 4th fl, Suite 413", city="Staten Island",
                    state="NY", postal_code="10301",
                    formatted="120 Stuyvesant Place, 4th fl, Suite 413, Staten Island, NY 10301"),
        ),
        (
            "890 Garrison Ave, Bronx NY 10474,\n",
            "10474",
            "BRONX    ",
            Address(street="890 Garrison Ave", city="Bronx", state="NY", postal_code="10474",
                    formatted="890 Garrison Ave, Bronx, NY 10474"),
        ),
        (
            "1900 Ralph Ave, Brooklyn, NY 11234, \n(new site TBA)\n#\n",
            "11234",
            "BROOKLYN ",
            Address(street="1900 Ralph Ave", city="Brooklyn", state="NY", postal_code="11234",
                    formatted="1900 Ralph Ave, Brooklyn, NY 11234", notes="new site TBA"),
        ),
        (
            "3593 Third Ave, Bronx, NY 10456 (entrance on 169 St)\n",
            "10456",
            "BRONX    ",
            Address(street="3593 Third Ave", city="Bronx", state="NY", postal_code="10456",
                    formatted="3593 Third Ave, Bronx, NY 10456", notes="entrance on 169 St"),
        ),
        # Invented: an address that does not parse keeps its text and the borough's city.
        (
            "Borough Hall\n",
            "",
            "QUEENS   ",
            Address(city="Queens", state="NY", formatted="Borough Hall"),
        ),
    ],
)  # fmt: skip
def test_nyc_address(raw: str, postcode: str, borough: str, expected: Address) -> None:
    assert housing.nyc_address(raw, postcode or None, borough.strip()) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ARCHNY", "ARCHNY"),
        ("l+J1:O2ongitude", None),
        ("RiseBoro Community Partnership", "RiseBoro Community Partnership"),
        (None, None),
    ],
)
def test_nyc_provider(value: str | None, expected: str | None) -> None:
    assert housing.nyc_provider(value) == expected


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("11201, 11205, 11213, 11215, 11216, 11217,11225", "Serves ZIP codes: 11201, 11205, "
         "11213, 11215, 11216, 11217, 11225"),
        ("Staten Island", "Serves residents of Staten Island"),
        ("11212", "Serves ZIP codes: 11212"),
    ],
)  # fmt: skip
def test_nyc_eligibility(area: str, expected: str) -> None:
    row = {**real_row(NYC, Postcode="10472"), "Service Area Zip Code": area}
    assert housing.to_document(row, NYC).eligibility == expected


def test_read_rows_line_numbers_with_multiline_fields() -> None:
    rows = read_rows(SEED / local_path(NYC))
    (line1, row1), (line2, row2) = next(rows), next(rows)
    # Row 1's address spans lines 2-4, so row 2 starts on line 5.
    assert (line1, row1["Postcode"]) == (2, "10472")
    assert (line2, row2["Postcode"]) == (5, "10474")


# --- Whole sources ----------------------------------------------------------------------


@pytest.mark.parametrize(("source", "documents"), [(DC, 18), (NYC, 24)])
def test_load_whole_sources(source: SourceConfig, documents: int) -> None:
    result = housing.load(source, SEED)
    assert (len(result.documents), result.rejections) == (documents, [])
    assert len({d.id for d in result.documents}) == documents
    assert all(d.geo is not None for d in result.documents)
