"""The source harness: one check of a document, one record loop, one list of formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
import pytest

from indexer.load import LOADERS, read_sources_file
from indexer.records import RecordError, SourceConfig, SourceLoadError
from indexer.sources.harness import (
    Kept,
    Mapped,
    Record,
    RecordLoop,
    at_indexes,
    at_lines,
    validate_document,
)
from indexer.sources.pathways.seed import SeedAddress
from service.contract.documents import (
    FILTER_FIELDS,
    MULTI_VALUED_FILTER_ATTRIBUTES,
    Address,
    GeoPoint,
    IndexDocument,
    Provenance,
    filter_codes,
)

ROOT = Path(__file__).resolve().parents[2]
SOURCE = SourceConfig(id="test", name="Test", format="pathways", path="x.json", licence="test")


def document(**changes: Any) -> IndexDocument:
    """An invented valid document, with `changes` applied."""
    doc = IndexDocument(
        id="test-1",
        kind="meeting",
        name="Invented meeting",
        needs=("alcohol", "peer_support"),
        languages=("en",),
        attendance=("in_person",),
        costs=("donation",),
        status="active",
        provenance=Provenance(source="test", source_name="Test", source_record_id="1"),
    )
    return msgspec.structs.replace(doc, **changes)


def _allowed(attribute: str) -> str:
    field = next(f for f in FILTER_FIELDS if f.attribute == attribute)
    return ", ".join(field.vocabulary.ordered_codes())


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        (
            {"id": "test 1"},
            "invalid document: id 'test 1' does not match ^[A-Za-z0-9_-]{1,200}$",
        ),
        ({"id": ""}, "invalid document: id '' does not match ^[A-Za-z0-9_-]{1,200}$"),
        ({"name": ""}, "invalid document: Expected `str` of length >= 1 - at `$.name`"),
        ({"kind": "hotline"}, "invalid document: Invalid enum value 'hotline' - at `$.kind`"),
        (
            {"geo": GeoPoint(lat=91.0, lng=0.0)},
            "invalid document: Expected `float` <= 90.0 - at `$._geo.lat`",
        ),
        (
            {"needs": ("alcohol", "heartbreak")},
            f"invalid document: needs: unknown value 'heartbreak' (allowed: {_allowed('needs')})",
        ),
        (
            {"languages": ("english",)},
            "invalid document: languages: unknown value 'english' "
            f"(allowed: {_allowed('languages')})",
        ),
        (
            {"communities": ("martians",)},
            "invalid document: communities: unknown value 'martians' "
            f"(allowed: {_allowed('communities')})",
        ),
        (
            {"accessibility": ("ramp",)},
            "invalid document: accessibility: unknown value 'ramp' "
            f"(allowed: {_allowed('accessibility')})",
        ),
        (
            {"attendance": ("text",)},
            "invalid document: attendance: unknown value 'text' "
            f"(allowed: {_allowed('attendance')})",
        ),
        (
            {"costs": ("cheap",)},
            f"invalid document: costs: unknown value 'cheap' (allowed: {_allowed('costs')})",
        ),
    ],
)
def test_validate_document_names_the_first_problem(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError) as caught:
        validate_document(document(**changes))
    assert str(caught.value) == reason


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"kind": "helpline", "needs": (), "languages": (), "attendance": (), "costs": ()},
        {"geo": GeoPoint(lat=-90.0, lng=180.0), "tags": ("anything goes in tags",)},
    ],
)
def test_validate_document_keeps_a_valid_document(changes: dict[str, Any]) -> None:
    doc = document(**changes)
    assert validate_document(doc) == doc


def test_validate_document_returns_the_contract_types() -> None:
    # A seed file's stricter nested types come back as the index contract's own.
    doc = document(address=SeedAddress(city="Philadelphia", state="PA"))
    checked = validate_document(doc)
    assert type(checked.address) is Address
    assert checked.address == Address(city="Philadelphia", state="PA")


def test_every_filter_field_is_checked_against_its_vocabulary() -> None:
    for field in FILTER_FIELDS:
        value: str | tuple[str, ...] = "nonsense"
        if field.attribute in MULTI_VALUED_FILTER_ATTRIBUTES:
            value = ("nonsense",)
        with pytest.raises(RecordError, match=f"{field.attribute}"):
            validate_document(document(**{field.attribute: value}))


def test_filter_codes_are_a_tuple_for_one_or_several() -> None:
    doc = document()
    codes = {f.attribute: filter_codes(doc, f) for f in FILTER_FIELDS}
    assert codes["kind"] == ("meeting",)
    assert codes["needs"] == ("alcohol", "peer_support")
    assert set(MULTI_VALUED_FILTER_ATTRIBUTES) == {f.attribute for f in FILTER_FIELDS} - {"kind"}


def test_records_are_named_by_line_or_index() -> None:
    rows = list(at_lines("a.csv", [(2, "first"), (5, "second")]))
    values = list(at_indexes("a.json", ["first", "second"]))
    assert rows == [Record("a.csv:2", 2, "first"), Record("a.csv:5", 5, "second")]
    assert values == [Record("a.json[0]", 0, "first"), Record("a.json[1]", 1, "second")]


def _produce(raw: dict[str, Any], _source: SourceConfig) -> Mapped:
    if "error" in raw:
        raise RecordError(raw["error"])
    return Mapped(
        documents=tuple(document(**changes) for changes in raw["docs"]),
        warnings=tuple(raw.get("warnings", ())),
        unknown_codes=tuple(raw.get("unknown", ())),
    )


def test_the_loop_collects_documents_rejections_and_warnings() -> None:
    records: list[dict[str, Any]] = [
        {"docs": [{"id": "test-1"}], "warnings": ["dropped a point"], "unknown": ["XYZ"]},
        {"error": "missing name"},
        {"docs": [{"id": "test-2"}, {"id": "test-3", "needs": ("heartbreak",)}]},
        {"docs": [{"id": "test-4", "needs": ("heartbreak",)}], "warnings": ["not shown"]},
        {"docs": [{"id": "test-5"}], "unknown": ["XYZ", "ABC"]},
    ]
    loop = RecordLoop(SOURCE, _produce)
    load = loop.run(at_indexes("x.json", records))
    assert loop.records == 5
    assert [d.id for d in load.documents] == ["test-1", "test-2", "test-5"]
    assert [str(r) for r in load.rejections] == [
        "x.json[1]: missing name",
        f"x.json[2]: invalid document: needs: unknown value 'heartbreak' "
        f"(allowed: {_allowed('needs')})",
        f"x.json[3]: invalid document: needs: unknown value 'heartbreak' "
        f"(allowed: {_allowed('needs')})",
    ]
    assert [str(w) for w in load.warnings] == ["x.json[0]: dropped a point"]
    assert {r.source for r in (*load.rejections, *load.warnings)} == {"test"}
    assert load.unknown_codes == {"XYZ": 2, "ABC": 1}


def _settle(kept: Kept, doc: IndexDocument, record: Record[Any]) -> IndexDocument | str | None:
    if doc.name == kept.document.name:
        return None
    if doc.name == "merge":
        return msgspec.structs.replace(kept.document, tags=("merged",))
    return f"duplicate of {kept.record.location} at {record.number}"


def test_the_format_settles_documents_that_repeat_an_id() -> None:
    records: list[dict[str, Any]] = [
        {"docs": [{"id": "test-1"}]},
        {"docs": [{"id": "test-1"}], "warnings": ["dropped: not shown"]},
        {"docs": [{"id": "test-1", "name": "other"}], "warnings": ["rejected: not shown"]},
        {"docs": [{"id": "test-1", "name": "merge"}], "warnings": ["merged: shown"]},
        {"docs": [], "warnings": ["nothing to index: shown"]},
    ]
    loop = RecordLoop(SOURCE, _produce, on_duplicate=_settle)
    load = loop.run(at_lines("a.csv", enumerate(records, 2)))
    assert [(d.id, d.tags) for d in load.documents] == [("test-1", ("merged",))]
    assert [str(r) for r in load.rejections] == ["a.csv:4: duplicate of a.csv:2 at 4"]
    assert [str(w) for w in load.warnings] == [
        "a.csv:5: merged: shown",
        "a.csv:6: nothing to index: shown",
    ]


def test_without_a_duplicate_rule_every_document_is_kept() -> None:
    records = [{"docs": [{"id": "test-1"}]}, {"docs": [{"id": "test-1"}]}]
    load = RecordLoop(SOURCE, _produce).run(at_indexes("x.json", records))
    assert [d.id for d in load.documents] == ["test-1", "test-1"]


def test_a_sources_file_names_an_unknown_format(tmp_path: Path) -> None:
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[[source]]\nid = "x"\nname = "X"\nformat = "meeting_guid"\npath = "x.json"\n'
        'licence = "test"\n',
        encoding="utf-8",
    )
    with pytest.raises(SourceLoadError) as caught:
        read_sources_file(sources)
    assert str(caught.value) == (
        f"{sources}: source 'x': unknown format 'meeting_guid'; "
        f"the formats are {', '.join(LOADERS)}"
    )


def test_the_seed_sources_use_declared_formats() -> None:
    sources = read_sources_file(ROOT / "seed_data" / "sources.toml").source
    assert {s.format for s in sources} <= set(LOADERS)
