"""Pathways' own seed files: the real helplines file, and invented broken records."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import msgspec
import pytest

from indexer.records import SourceConfig, SourceLoad, SourceLoadError, SourcesFile
from indexer.sources.pathways import seed as pathways
from tests.sources import local_path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seed_data"
HELPLINES = next(
    s
    for s in msgspec.convert(tomllib.loads((SEED / "sources.toml").read_text()), SourcesFile).source
    if s.id == "pathways-helplines"
)


def test_the_helplines_file_loads_without_rejections() -> None:
    result = pathways.load(HELPLINES, SEED)
    assert result.rejections == []
    assert [d.id for d in result.documents] == [
        "pathways-helplines-988-lifeline",
        "pathways-helplines-samhsa-national-helpline",
        "pathways-helplines-veterans-crisis-line",
        "pathways-helplines-crisis-text-line",
        "pathways-helplines-trevor-project",
        "pathways-helplines-poison-help",
        "pathways-helplines-nami-helpline",
        "pathways-helplines-problem-gambling-helpline",
    ]
    for doc in result.documents:
        assert (doc.kind, doc.costs, doc.status) == ("helpline", ("free",), "active")
        assert doc.service_area is not None
        assert doc.service_area.nationwide
        assert doc.geo is None
        assert doc.address is None
        assert doc.schedule is not None
        if doc.schedule.notes == "24 hours a day, 7 days a week":
            assert [(s.day, s.start, s.end) for s in doc.schedule.slots] == [
                (day, "00:00", "24:00") for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
            ]
        assert doc.provenance.updated_at in ("2026-11-23", "2026-12-02")
        assert doc.provenance.licence == HELPLINES.licence
        assert doc.keywords[:2] == ("Helpline", "Línea de ayuda")
        assert "Example record" not in (doc.description or "")


def test_helpline_facts() -> None:
    docs = {d.provenance.source_record_id: d for d in pathways.load(HELPLINES, SEED).documents}
    lifeline, national, veterans = (
        docs["988-lifeline"],
        docs["samhsa-national-helpline"],
        docs["veterans-crisis-line"],
    )
    assert (lifeline.contact.phone, lifeline.languages) == ("988", ("en", "es"))
    assert lifeline.needs == ("crisis", "mental_health", "substance_use")
    assert lifeline.attendance == ("phone", "online")
    assert (national.contact.phone, national.attendance) == ("800-662-4357", ("phone",))
    assert (
        national.contact.website == "https://www.samhsa.gov/find-help/helplines/national-helpline"
    )
    assert veterans.communities == ("veterans",)
    assert "838255" in (veterans.contact.meeting_notes or "")


# --- Invented records (not real services) ------------------------------------------------

SOURCE = SourceConfig(
    id="example-seed", name="Example seed", format="pathways", path="seed.json", licence="test"
)


def example(**fields: Any) -> dict[str, Any]:
    """An invented, valid seed record with the given fields on top."""
    return {
        "source_record_id": "example-line",
        "updated_at": "2026-11-23",
        "example": True,
        "kind": "helpline",
        "name": "Example Helpline",
        "description": "A line that does not exist.",
        "needs": ["crisis"],
        "attendance": ["phone"],
        "costs": ["free"],
        **fields,
    }


def load_records(tmp_path: Path, records: list[object]) -> SourceLoad:
    (tmp_path / local_path(SOURCE)).write_text(json.dumps(records), encoding="utf-8")
    return pathways.load(SOURCE, tmp_path)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (example(needs=["crisis", "heartbreak"]), "needs: unknown value 'heartbreak'"),
        (example(languages=["english"]), "languages: unknown value 'english'"),
        (example(attendance=["text"]), "attendance: unknown value 'text'"),
        (example(costs=["cheap"]), "costs: unknown value 'cheap'"),
        (example(phone_number="555"), "Object contains unknown field `phone_number`"),
        (example(contact={"fax": "555"}), "Object contains unknown field `fax` - at `$.contact`"),
        (example(kind="hotline"), "Invalid enum value 'hotline' - at `$.kind`"),
        (example(updated_at="23/11/2026"), "- at `$.updated_at`"),
        (
            example(schedule={"slots": [{"day": "mon", "start": "9am"}]}),
            "- at `$.schedule.slots[0].start`",
        ),
        ({"name": "No id"}, "Object missing required field `source_record_id`"),
        ("not an object", "Expected `object`, got `str`"),
    ],
)
def test_bad_records_are_rejected_naming_the_field(
    tmp_path: Path, record: object, reason: str
) -> None:
    result = load_records(tmp_path, [example(source_record_id="good"), record])
    assert [d.id for d in result.documents] == ["example-seed-good"]
    assert len(result.rejections) == 1
    rejection = result.rejections[0]
    assert (rejection.source, rejection.location) == ("example-seed", "seed.json[1]")
    assert reason in rejection.reason


def test_example_records_say_so_in_their_description(tmp_path: Path) -> None:
    result = load_records(tmp_path, [example(), example(source_record_id="b", description=None)])
    assert [d.description for d in result.documents] == [
        "Example record. A line that does not exist.",
        "Example record",
    ]


def test_duplicate_ids_are_rejected(tmp_path: Path) -> None:
    result = load_records(tmp_path, [example(), example()])
    assert [str(r) for r in result.rejections] == [
        "seed.json[1]: duplicate source_record_id (first at [0])"
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"records": []}', r"seed\.json: not a JSON array of records"),
        ("[{", r"seed\.json: not a JSON array of records"),
    ],
)
def test_unreadable_files_fail_the_whole_source(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / local_path(SOURCE)).write_text(content, encoding="utf-8")
    with pytest.raises(SourceLoadError, match=message):
        pathways.load(SOURCE, tmp_path)


def test_a_missing_file_fails_the_whole_source(tmp_path: Path) -> None:
    with pytest.raises(SourceLoadError, match=r"seed\.json: cannot read the file"):
        pathways.load(SOURCE, tmp_path)


def test_every_helpline_can_be_called_or_texted() -> None:
    result = pathways.load(HELPLINES, SEED)
    for doc in result.documents:
        assert doc.contact.phone or (doc.contact.text_number and doc.contact.text_keyword), doc.id
