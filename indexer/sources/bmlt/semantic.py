"""BMLT semantic API JSON (`client_interface/json/?switcher=GetSearchResults`) -> documents.

Accepted shapes: the plain list of meetings, or `{"meetings": [...], "formats": [...]}` (what
`get_used_formats=1` returns). Formats come from the response when it has them, else from the
BMLT's default English set (`formats.default_formats`). Meetings refer to formats by key
(`formats`: "O,WC,ES") and/or by shared id (`format_shared_id_list`: "17,33,9").

Every value is usually a JSON string (ids, coordinates, weekday), sometimes a number: both are
read. `weekday_tinyint` is 1 = Sunday. A meeting marked `published: "0"` is not listed. A
meeting whose coordinates are impossible is kept without them, with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from indexer.fetch import source_bytes
from indexer.normalize import clean_text, parse_coordinate
from indexer.records import RecordError, SourceConfig, SourceLoad, SourceLoadError
from indexer.sources.bmlt.formats import Format, default_formats, map_formats, read_formats
from indexer.sources.bmlt.meeting import MeetingFields, parse_clock, to_document
from indexer.sources.harness import Kept, Mapped, Record, RecordLoop, at_indexes
from indexer.sources.json_input import decode_json, field_text, json_type
from service.contract.documents import IndexDocument


def read_response(raw: bytes, where: str) -> tuple[list[Any], dict[str, Format]]:
    """The meetings and the formats of a GetSearchResults response."""
    value = decode_json(raw, where)
    if isinstance(value, list):
        return value, default_formats()
    if isinstance(value, dict) and isinstance(value.get("meetings"), list):
        formats = read_formats(value.get("formats"))
        return value["meetings"], formats or default_formats()
    raise SourceLoadError(
        f"{where}: expected a list of meetings or an object with a `meetings` list, "
        f"got {json_type(value)}"
    )


def _int(record: Mapping[str, Any], key: str) -> int | None:
    value = field_text(record, key)
    if value is None:
        return None
    if not value.lstrip("-").isdigit():
        raise RecordError(f"{key} {value!r} is not a whole number")
    return int(value)


def _keys(record: Mapping[str, Any], by_shared_id: Mapping[str, str]) -> list[str]:
    keys = [k for k in (field_text(record, "formats") or "").split(",") if k.strip()]
    for shared in (field_text(record, "format_shared_id_list") or "").split(","):
        key = by_shared_id.get(shared.strip())
        if key is not None:
            keys.append(key)
    return list(dict.fromkeys(k.strip() for k in keys))


def meeting_fields(record: Mapping[str, Any], formats: Mapping[str, Format]) -> MeetingFields:
    """The fields of one BMLT meeting; RecordError for a missing id or name, or a bad value."""
    record_id = field_text(record, "id_bigint")
    if record_id is None:
        raise RecordError("missing id_bigint")
    name = field_text(record, "meeting_name")
    if name is None:
        raise RecordError("missing meeting_name")
    start = parse_clock(record.get("start_time"), field="start_time")
    by_shared_id = {f.shared_id: f.key for f in formats.values() if f.shared_id}
    return MeetingFields(
        record_id=record_id,
        name=name,
        weekday=_int(record, "weekday_tinyint"),
        start=None if start is None else f"{start // 60:02d}:{start % 60:02d}",
        duration_min=parse_clock(record.get("duration_time"), field="duration_time"),
        timezone=field_text(record, "time_zone"),
        venue_type=_int(record, "venue_type"),
        formats=map_formats(_keys(record, by_shared_id), formats),
        place_name=field_text(record, "location_text"),
        place_notes=field_text(record, "location_info"),
        street=field_text(record, "location_street"),
        city=field_text(record, "location_municipality")
        or field_text(record, "location_city_subsection"),
        state=field_text(record, "location_province"),
        postal_code=field_text(record, "location_postal_code_1"),
        nation=field_text(record, "location_nation"),
        latitude=record.get("latitude"),
        longitude=record.get("longitude"),
        link=field_text(record, "virtual_meeting_link"),
        phone=field_text(record, "phone_meeting_number"),
        join_notes=field_text(record, "virtual_meeting_additional_info"),
        comments=field_text(record, "comments"),
        language=field_text(record, "lang_enum"),
    )


def coordinate_problem(lat: object, lng: object) -> str | None:
    """Why given coordinates cannot be used, or None when they are fine or absent."""
    given = [v for v in (lat, lng) if clean_text(v) not in (None, "0")]
    if not given:
        return None
    if (
        parse_coordinate(lat, low=-90.0, high=90.0) is None
        or parse_coordinate(lng, low=-180.0, high=180.0) is None
    ):
        return f"coordinates ({lat!r}, {lng!r}) are not a valid point; kept without them"
    return None


def read_meeting(
    record: object, formats: Mapping[str, Format], source: SourceConfig
) -> tuple[IndexDocument, MeetingFields]:
    """One meeting as a document (and its fields); RecordError says why it cannot be."""
    if not isinstance(record, dict):
        raise RecordError(f"a meeting must be an object, got {json_type(record)}")
    if field_text(record, "published") == "0":
        raise RecordError("not published at its source")
    fields = meeting_fields(record, formats)
    return to_document(fields, source), fields


def load(source: SourceConfig, root: Path) -> SourceLoad:
    """Load a BMLT source: a document per published meeting, a rejection per bad one."""
    meetings, formats = read_response(source_bytes(source, root), source.location)

    def mapped(record: object, source: SourceConfig) -> Mapped:
        doc, fields = read_meeting(record, formats, source)
        problem = coordinate_problem(fields.latitude, fields.longitude)
        return Mapped(
            documents=(doc,),
            warnings=(problem,) if problem else (),
            unknown_codes=tuple(fields.formats.unknown),
        )

    return RecordLoop(source, mapped, on_duplicate=_repeated_id).run(
        at_indexes(source.location, meetings)
    )


def _repeated_id(kept: Kept, doc: IndexDocument, record: Record[Any]) -> str | None:
    if kept.record.raw == record.raw:
        return None
    record_id = doc.provenance.source_record_id
    return f"duplicate id_bigint {record_id!r} (first at [{kept.record.number}])"
