"""Treatment and health-centre readers: SAMHSA lists, FindTreatment.gov, HRSA sites.

Rows come from the real seed files; invented rows (marked so) cover broken input only.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import get_args

import msgspec
import pytest

from indexer.records import RecordError, SourceConfig, SourceLoad, SourceLoadError, SourcesFile
from indexer.sources import csv_rows
from indexer.sources.csv_rows import read_rows
from indexer.sources.treatment import findtreatment, findtreatment_codes, hrsa, samhsa
from service.contract.documents import (
    MULTI_VALUED_FILTER_ATTRIBUTES,
    Address,
    Contact,
    GeoPoint,
    IndexDocument,
    ServiceArea,
)
from service.contract.vocabulary import (
    ACCESSIBILITY,
    ATTENDANCE,
    COMMUNITIES,
    COSTS,
    LANGUAGES,
    NEEDS,
)
from tests.sources import local_path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
TEST_DATA = ROOT / "tests" / "data"
SOURCES = {
    s.id: s
    for s in msgspec.convert(
        tomllib.loads((SEED / "sources.toml").read_text(encoding="utf-8")), SourcesFile
    ).source
}
SU, MH, OTP = SOURCES["samhsa-su"], SOURCES["samhsa-mh"], SOURCES["samhsa-otp"]
FT, FQHC = SOURCES["findtreatment-ca"], SOURCES["hrsa-fqhc"]


def real_row(source: SourceConfig, encoding: str = "utf-8", **match: str) -> dict[str, str]:
    """The first row of a seed file whose columns equal `match`."""
    for _line, row in read_rows(SEED / local_path(source), encoding=encoding):
        if all(row[k] == v for k, v in match.items()):
            return row
    raise AssertionError(f"no row {match} in {source.path}")


def invented(source: SourceConfig, **values: str) -> dict[str, str]:
    """An invented row: a real row's columns with some values replaced."""
    template = {"samhsa-su": {"name1": "A New Beginning"}, "samhsa-mh": {"": "1"}}[source.id]
    return {**real_row(source, **template), **values}


# --- SAMHSA --------------------------------------------------------------------------


def test_mh_perspectives_center_row() -> None:
    doc = samhsa.to_document(real_row(MH, name1="Perspectives Center for Care Inc"), MH)
    assert (doc.kind, doc.name, doc.organization) == (
        "treatment",
        "Perspectives Center for Care Inc",
        None,
    )
    assert doc.address == Address(
        street="60 Westwood Avenue, Suite 220",
        city="Waterbury",
        state="CT",
        postal_code="06708",
        formatted="60 Westwood Avenue, Suite 220, Waterbury, CT 06708",
    )
    assert doc.contact == Contact(phone="860-276-3000", website="http://www.pcc4me.com")
    assert doc.description == "Intake phone: 860-276-3000 x301"
    assert doc.geo == GeoPoint(lat=41.5613412, lng=-73.0638482)
    assert (doc.needs, doc.attendance, doc.languages) == (
        ("mental_health",),
        ("in_person",),
        ("en",),
    )
    assert doc.id.startswith("samhsa-mh-")
    assert doc.provenance.updated_at == "2021-01-09"
    assert "Mental health" in doc.keywords


@pytest.mark.parametrize(
    ("match", "name", "organization"),
    [
        (
            {"name1": "AIDS Action Coalition"},
            "AIDS Action Coalition — DBA Thrive Alabama",
            "AIDS Action Coalition",
        ),
        (
            {"name1": "Adult and Teen Challenge of"},
            "Adult and Teen Challenge of the Greater South",
            None,
        ),
        ({"name1": "A New Beginning"}, "A New Beginning", None),
    ],
)
def test_su_names(match: dict[str, str], name: str, organization: str | None) -> None:
    doc = samhsa.to_document(real_row(SU, **match), SU)
    assert (doc.name, doc.organization, doc.needs) == (name, organization, ("substance_use",))


@pytest.mark.parametrize(
    ("match", "street", "approximate"),
    [
        ({"name1": "AIDS Action Coalition"}, "600 Saint Clair Avenue, Building 9 Suite 23", False),
        # The locator withholds this street as "- - -": only the ZIP's area is known.
        ({"name1": "Akeela Inc", "name2": "Akeela House"}, None, True),
    ],
)
def test_su_streets(match: dict[str, str], street: str | None, approximate: bool) -> None:
    doc = samhsa.to_document(real_row(SU, **match), SU)
    assert doc.address is not None
    assert (doc.address.street, doc.address.approximate) == (street, approximate)


@pytest.mark.parametrize(
    ("name1", "name2", "expected"),
    [
        ("Waterbury Hospital", "Behavioral Health", ("Waterbury Hospital — Behavioral Health",
                                                     "Waterbury Hospital")),
        ("Navos", None, ("Navos", None)),
        ("CAO/Drug Abuse Research and Trt Prog", "(DART)",
         ("CAO/Drug Abuse Research and Trt Prog (DART)", None)),
        ("Safe Harbor Treatment Center", "for Women LLC",
         ("Safe Harbor Treatment Center for Women LLC", None)),
        ("Hospital San Juan Capestrano/Clinica", "de Servicios Ambulatorios Manati",
         ("Hospital San Juan Capestrano/Clinica de Servicios Ambulatorios Manati", None)),
        ("Harbor House Inc", "Harbor House", ("Harbor House Inc", None)),
    ],
)  # fmt: skip
def test_display_name(name1: str, name2: str | None, expected: tuple[str, str | None]) -> None:
    assert samhsa.display_name(name1, name2) == expected


def test_otp_latin1_clinica_row() -> None:
    row = real_row(OTP, encoding="cp1252", CITY="Cayey")
    doc = samhsa.to_document(row, OTP)
    assert doc.name == "Clínica de Tratamiento Integral Asistido con Medicamentos Cayey"
    assert doc.address is not None
    assert (doc.address.state, doc.address.postal_code) == ("PR", "00736")
    assert doc.needs == ("opioids", "moud")
    assert doc.geo == GeoPoint(lat=18.1182586, lng=-66.17530443)


def test_otp_zip_plus_four() -> None:
    doc = samhsa.to_document(real_row(OTP, encoding="cp1252", POSTAL="75711-6367"), OTP)
    assert doc.address is not None
    assert doc.address.postal_code == "75711"


# Invented broken rows, built on a real row's columns.
@pytest.mark.parametrize(
    ("source", "values", "reason"),
    [
        (SU, {"latitude": "NA", "longitude": "NA", "zip": "NA"}, "no coordinates and no ZIP"),
        (SU, {"latitude": "0", "longitude": "0", "zip": ""}, "no coordinates and no ZIP"),
        (SU, {"latitude": "123.4", "longitude": "-87.6", "zip": "x"}, "no coordinates and no ZIP"),
        (SU, {"name1": "  "}, "missing facility name (column 'name1')"),
        (MH, {"name1": "NA"}, "missing facility name (column 'name1')"),
    ],
)
def test_broken_samhsa_rows_are_rejected(
    source: SourceConfig, values: dict[str, str], reason: str
) -> None:
    with pytest.raises(RecordError, match=f"^{re.escape(reason)}$"):
        samhsa.to_document(invented(source, **values), source)


def test_bad_coordinates_with_zip_are_kept_for_geocoding() -> None:
    # Invented: a real row with its coordinates broken.
    doc = samhsa.to_document(invented(SU, latitude="NA", longitude=""), SU)
    assert doc.geo is None
    assert doc.address is not None
    assert doc.address.postal_code == "35630"


def test_na_and_bare_http_values_are_missing() -> None:
    # Invented: 'NA' and the bare "http://" the MH export writes for "no website".
    doc = samhsa.to_document(invented(MH, street2="NA", website="http://", intake1="NA"), MH)
    assert doc.address is not None
    assert doc.address.street == "60 Westwood Avenue"
    assert doc.contact == Contact(phone="860-276-3000")
    assert doc.description is None


def test_samhsa_rejects_a_foreign_format() -> None:
    with pytest.raises(SourceLoadError, match="not SAMHSA"):
        samhsa.load(FQHC, SEED)


# --- FindTreatment --------------------------------------------------------------------


def test_friendship_house_facility_and_telehealth() -> None:
    row = real_row(FT, Name="Friendship House")
    facility, tele = findtreatment.to_documents(row, FT)
    assert facility.kind == "treatment"
    assert {"substance_use", "residential", "moud", "opioids"} <= set(facility.needs)
    assert facility.attendance == ("in_person", "online")
    assert facility.costs == ("medicare", "medicaid", "private_insurance", "self_pay")
    assert facility.address == Address(
        city="San Francisco",
        state="CA",
        postal_code="94103",
        formatted="San Francisco, CA 94103",
        approximate=True,
    )
    assert facility.geo == GeoPoint(lat=37.7673672, lng=-122.4213751)
    assert facility.contact == Contact(
        phone="415-865-0964", website="http://www.friendshiphousesf.org"
    )
    assert "12-step facilitation" in facility.tags
    assert tele.id == f"{facility.id}-tele"
    assert (tele.kind, tele.name) == ("telehealth", "Friendship House (telehealth)")
    assert (tele.attendance, tele.address, tele.geo) == (("online",), None, None)
    assert tele.service_area == ServiceArea(states=("CA",))
    assert "moud" in tele.needs
    assert "residential" not in tele.needs
    assert (tele.costs, tele.languages, tele.communities) == (
        facility.costs,
        facility.languages,
        facility.communities,
    )
    assert findtreatment.to_document(row, FT) == facility


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["Buprenorphine used in Treatment", "Spanish", "Sliding fee scale (fee is based on "
             "income and other factors)", "Matrix Model"],
            findtreatment.Services(needs=("moud", "opioids"), languages=("es",),
                                   costs=("sliding_scale",), tags=("Matrix Model",)),
        ),
        (
            ["Opioids detoxification", "Does not treat opioid use disorders"],
            findtreatment.Services(needs=("detox",),
                                   tags=("Does not treat opioid use disorders",)),
        ),
        (
            ["Sign language services for the deaf and hard of hearing", "Adult women",
             "Pregnant/postpartum women", "Veterans", "Telemedicine/telehealth therapy"],
            findtreatment.Services(accessibility=("sign_language", "deaf_hard_of_hearing"),
                                   communities=("women", "veterans"), attendance=("online",)),
        ),
        (
            ["Transitional housing, halfway house, or sober home", "Housing services",
             "No payment accepted", "Federal military insurance (e.g., TRICARE)", "Hmong"],
            findtreatment.Services(needs=("sober_living", "housing_assistance"),
                                   costs=("free", "military_insurance"), tags=("Hmong",)),
        ),
        ([], findtreatment.Services()),
    ],
)  # fmt: skip
def test_classify(names: list[str], expected: findtreatment.Services) -> None:
    assert findtreatment.classify(names) == expected


MAPPED_NAMES = {
    # Mapped after a review of all 206 names (indexer/sources/treatment/findtreatment_codes.py).
    "Lofexidine": True,
    "Suicide prevention services": True,
    "Smoking/vaping/tobacco cessation counseling": True,
    "Psychiatric hospital": True,
    "Federally Qualified Health Center": True,
    "American Indian or Alaska Native languages": True,
    "12-step facilitation": False,
    "Acamprosate (Campral®)": True,
    "Accepts clients using MAT but prescribed elsewhere": False,
    "Adolescents": True,
    "Adult men": True,
    "Adult women": True,
    "Adults": False,
    "Alcohol Detoxification": True,
    "Any Chinese Language": True,
    "Arabic": True,
    "Benzodiazepines Detoxification": True,
    "Buprenorphine (extended-release, injectable)": True,
    "Buprenorphine detoxification": True,
    "Buprenorphine maintenance": True,
    "Buprenorphine sub-dermal implant": True,
    "Buprenorphine used in Treatment": True,
    "Buprenorphine with naloxone": True,
    "Buprenorphine without naloxone": True,
    "Cash or self-payment": True,
    "Child care for clients' children": True,
    "Children/Adolescents": True,
    "Clients with co-occurring mental and substance use disorders": True,
    "Cocaine Detoxification": True,
    "Cognitive behavioral therapy": True,
    "Criminal justice (other than DUI/DWI)/Forensic clients": True,
    "Detoxification": True,
    "Disulfiram": True,
    "Does not treat opioid use disorders": False,
    "Family counseling": True,
    "Farsi": True,
    "Federal military insurance (e.g., TRICARE)": True,
    "Federally-certified Opioid Treatment Program": True,
    "Female": False,
    "French": True,
    "Group counseling": True,
    "Hebrew": True,
    "Hindi": True,
    "Hmong": False,
    "Hospital inpatient detoxification": True,
    "Housing services": True,
    "Individual counseling": True,
    "Integrated primary care services": True,
    "Intensive outpatient treatment": True,
    "Italian": True,
    "Japanese": True,
    "Korean": True,
    "Lofexidine or Clonidine detoxification": True,
    "Long-term residential": True,
    "Maintenance service with medically supervised withdrawal after stabilization": True,
    "Male": False,
    "Marital/couples counseling": True,
    "Medicaid": True,
    "Medicare": True,
    "Medication for mental disorders": True,
    "Medication routinely used during detoxification": True,
    "Mental health services": True,
    "Mentoring/peer support": True,
    "Methadone": True,
    "Methadone detoxification": True,
    "Methadone maintenance": True,
    "Methadone used in Treatment": True,
    "Methamphetamines detoxification": True,
    "Naloxone and overdose education": True,
    "Naltrexone (extended-release, injectable)": False,
    "Naltrexone (oral)": False,
    "Naltrexone used in Treatment": True,
    "No payment accepted": True,
    "Opioids detoxification": True,
    "Other languages (excluding Spanish)": False,
    "Outpatient": True,
    "Outpatient day treatment or partial hospitalization": True,
    "Outpatient detoxification": True,
    "Outpatient methadone/buprenorphine or naltrexone treatment": True,
    "Payment assistance (check with facility for details)": True,
    "Pregnant/postpartum women": True,
    "Prescribes buprenorphine": True,
    "Prescribes naltrexone": False,
    "Private health insurance": True,
    "Recovery coach": True,
    "Regular outpatient treatment": True,
    "Residential beds for clients' children": True,
    "Residential detoxification": True,
    "Residential/24-hour residential": True,
    "Russian": True,
    "SAMHSA certification for opioid treatment program (OTP)": True,
    "Self-help groups": True,
    "Seniors": True,
    "Seniors or older adults": True,
    "Short-term residential": True,
    "Sign language services for the deaf and hard of hearing": True,
    "Sliding fee scale (fee is based on income and other factors)": True,
    "Spanish": True,
    "Specially designed program for DUI/DWI clients": True,
    "Substance use disorder counseling": True,
    "Substance use treatment": True,
    "Tagalog": True,
    "Telemedicine/telehealth therapy": True,
    "This facility administers/prescribes medication for alcohol use disorder": True,
    "Transitional housing, halfway house, or sober home": True,
    "Trauma-related counseling": True,
    "Treatment for co-occurring substance use plus either serious mental health illness in "
    "adults/serious emotional disturbance in children": True,
    "Treatment for gambling disorder": True,
    "Veterans": True,
    "Vietnamese": True,
    "Young Adults": False,
    "Young adults": True,
}


def test_crosswalk_maps_exactly_the_listed_names() -> None:
    expected = {name for name, mapped in MAPPED_NAMES.items() if mapped}
    assert set(findtreatment.SERVICE_CROSSWALK) == expected


def test_crosswalk_codes_are_in_the_vocabularies() -> None:
    vocabularies = {
        "needs": NEEDS,
        "costs": COSTS,
        "languages": LANGUAGES,
        "communities": COMMUNITIES,
        "accessibility": ACCESSIBILITY,
        "attendance": ATTENDANCE,
    }
    for name, pairs in (*findtreatment.SERVICE_CROSSWALK.items(), *findtreatment.NEGATIONS.items()):
        for field, code in pairs:
            assert code in vocabularies[field].codes, (name, field, code)


def test_every_service_name_in_the_file_is_mapped_or_kept_as_a_tag() -> None:
    all_names: set[str] = set()
    for _line, row in read_rows(SEED / local_path(FT)):
        names = findtreatment.service_names(row)
        all_names.update(names)
        services = findtreatment.classify(names)
        unmapped = {n for n in names if n not in findtreatment.SERVICE_CROSSWALK}
        assert set(services.tags) == unmapped
    assert len(all_names) == 206
    assert set(MAPPED_NAMES) <= all_names


def test_findtreatment_load_merges_rows_of_one_facility() -> None:
    result = csv_rows.collect_csv(
        FT,
        SEED,
        findtreatment.to_documents,
        required_columns=findtreatment.REQUIRED_COLUMNS,
        merge=findtreatment.merge_duplicates,
    )
    kinds = [d.kind for d in result.documents]
    assert (result.rows, kinds.count("treatment"), kinds.count("telehealth")) == (478, 418, 250)
    assert (len(result.rejections), result.duplicates_identical, result.duplicates_merged) == (
        0,
        10,
        92,
    )
    # Rows of one facility with different phones stay apart (Center Point Inc, San Rafael).
    center_point = [d for d in result.documents if d.name == "Center Point Inc"]
    assert len(center_point) == 2


def test_merge_duplicates_unions_services() -> None:
    row = real_row(FT, Name="Friendship House")
    first = findtreatment.to_document(row, FT)
    # Invented: the same facility listed again with Spanish and a sober home.
    later = findtreatment.to_document(
        {**row, "All Services": "Spanish; Transitional housing, halfway house, or sober home"}, FT
    )
    merged = findtreatment.merge_duplicates(first, later)
    assert merged.languages == ("en", "es")
    assert merged.needs == (*first.needs, "sober_living")
    assert (merged.geo, merged.id) == (first.geo, first.id)
    assert "Spanish" in merged.keywords


# --- HRSA ------------------------------------------------------------------------------


def test_hrsa_guam_row_reads_lon_lat_order() -> None:
    doc = hrsa.to_document(real_row(FQHC, name="SOUTHERN REGION COMM HEALTH CTR"), FQHC)
    assert (doc.kind, doc.name) == ("health_center", "SOUTHERN REGION COMM HEALTH CTR")
    assert doc.geo == GeoPoint(lat=13.28261339, lng=144.7546017)
    assert doc.address == Address(
        street="162 Apman Dr", city="Inarajan", state="GU", formatted="162 Apman Dr, Inarajan, GU"
    )
    assert doc.contact == Contact(phone="671-828-7501")
    assert (doc.needs, doc.costs) == (("primary_care",), ("medicaid", "medicare", "sliding_scale"))


def test_hrsa_general_delivery_is_not_a_street() -> None:
    doc = hrsa.to_document(real_row(FQHC, address="General Delivery"), FQHC)
    assert doc.address is not None
    assert (doc.address.street, doc.address.approximate) == (None, True)


def test_hrsa_row_without_coordinates_is_rejected() -> None:
    # Invented: the file has no ZIP column, so a site without a point cannot be placed.
    row = {**real_row(FQHC, name="SOUTHERN REGION COMM HEALTH CTR"), "lat": "", "lon": "x"}
    with pytest.raises(RecordError, match=r"^no coordinates and no ZIP$"):
        hrsa.to_document(row, FQHC)


# --- Whole sources -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "load", "documents", "rejections"),
    [
        (SU, samhsa.load, 14027, 3),
        (MH, samhsa.load, 11033, 0),
        (OTP, samhsa.load, 1830, 0),
        (FT, findtreatment.load, 668, 0),
        (FQHC, hrsa.load, 13563, 6),
    ],
)
def test_load_whole_sources(
    source: SourceConfig,
    load: Callable[[SourceConfig, Path], SourceLoad],
    documents: int,
    rejections: int,
) -> None:
    result = load(source, SEED)
    assert (len(result.documents), len(result.rejections)) == (documents, rejections)
    assert len({d.id for d in result.documents}) == documents
    assert all(r.reason.startswith("duplicate of line ") for r in result.rejections)


def test_hrsa_duplicate_rejection_names_the_first_line() -> None:
    result = hrsa.load(FQHC, SEED)
    assert str(result.rejections[0]) == (
        "hrsa/fqhc_sites.csv:3605: duplicate of line 3604 (differs in: contact)"
    )


# --- Shared CSV reading (invented files in tests/data/csv) ---------------------------------


def invented_source(path: str, source_format: str = "samhsa_su") -> SourceConfig:
    """A source declaration for an invented test file under tests/data."""
    return msgspec.convert(
        {"id": "test", "name": "Test", "format": source_format, "path": path, "licence": "test"},
        SourceConfig,
    )


def test_read_rows_handles_bom_crlf_and_multiline_fields() -> None:
    rows = list(read_rows(TEST_DATA / "csv" / "samhsa_su_quirks.csv"))
    assert [line for line, _row in rows] == [2, 3, 4, 5, 7, 8, 10, 11]
    assert "name1" in rows[0][1]  # the BOM is not part of the first column's name
    assert rows[3][1]["name1"] == "Invented Two-Line\r\nHouse"
    assert rows[-1][1]["longitude"] == "-72.68"


def test_load_csv_reports_every_problem_with_its_line() -> None:
    source = invented_source("csv/samhsa_su_quirks.csv")
    result = csv_rows.collect_csv(
        source, TEST_DATA, samhsa.to_document, required_columns=("name1", "zip")
    )
    assert [d.name for d in result.documents] == [
        "Invented Recovery Center",
        "Invented Two-Line House",
        "Last Clinic",
    ]
    assert result.documents[1].geo is None
    assert [str(r) for r in result.rejections] == [
        "csv/samhsa_su_quirks.csv:4: duplicate of line 2 (differs in: geo)",
        "csv/samhsa_su_quirks.csv:7: no coordinates and no ZIP",
        "csv/samhsa_su_quirks.csv:8: missing facility name (column 'name1')",
        "csv/samhsa_su_quirks.csv:10: 12 fields, the header has 11",
    ]
    assert (result.rows, result.duplicates_identical, result.duplicates_merged) == (8, 1, 0)


def test_load_on_a_csv_missing_a_required_column() -> None:
    source = invented_source("csv/samhsa_su_missing_zip.csv")
    with pytest.raises(SourceLoadError, match=r"missing required column.*'zip'"):
        samhsa.load(source, TEST_DATA)


def test_undecodable_bytes_report_their_offset() -> None:
    path = TEST_DATA / "csv" / "otp_latin1.csv"
    with pytest.raises(
        SourceLoadError, match=r"not valid utf-8: byte 0xed at byte offset 50 \(line 2\)"
    ):
        read_rows(path)
    row = next(read_rows(path, encoding="cp1252"))[1]
    assert row["ID"] == "Clínica Inventada"


def test_load_of_a_missing_file() -> None:
    source = invented_source("csv/no_such_file.csv", "samhsa_otp")
    with pytest.raises(SourceLoadError, match=r"no_such_file\.csv: file not found$"):
        samhsa.load(source, TEST_DATA)


def test_documents_outside_the_contract_are_rejected() -> None:
    # Invented: a converter bug (an unknown need, a latitude out of range) must become a
    # rejection with its line, not a batch that Meilisearch or the API refuses later.
    def broken(row: Mapping[str, str], source: SourceConfig) -> list[IndexDocument]:
        doc = samhsa.to_document(row, source)
        return [
            msgspec.structs.replace(doc, needs=("nonsense",)),
            msgspec.structs.replace(doc, id=doc.id + "-b", geo=GeoPoint(lat=91.0, lng=0.0)),
        ]

    result = csv_rows.collect_csv(invented_source("csv/samhsa_su_quirks.csv"), TEST_DATA, broken)
    reasons = [r.reason for r in result.rejections[:2]]
    assert reasons == [
        "invalid document: needs: unknown value 'nonsense' "
        f"(allowed: {', '.join(NEEDS.ordered_codes())})",
        "invalid document: Expected `float` <= 90.0 - at `$._geo.lat`",
    ]
    assert result.documents == []


def test_the_crosswalk_maps_into_filter_fields_only() -> None:
    fields = set(get_args(findtreatment_codes.Field))
    assert fields <= set(MULTI_VALUED_FILTER_ATTRIBUTES)
    assert fields == set(findtreatment.Services.__struct_fields__) - {"tags"}
