"""Validators for the outputs other clients consume, from the official schemas kept in tests/data.

Everything resolves locally (a `referencing` registry): no schema is fetched from the network.
Formats (uri, uuid, date-time, email) are checked too.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7, DRAFT202012

DATA = Path(__file__).resolve().parent / "data"
MEETING_GUIDE = DATA / "meeting_guide_schema"
HSDS = DATA / "hsds_schema"

# The Meeting Guide schema is a 2024 draft (code4recovery/spec, never merged to main). Its
# `pattern`s for these free-text fields reject real data: punctuation or a suite number in
# an address ("1954 Camden Ave #5"), a city such as "St. Louis", Canadian postcodes, and
# Zoom one-tap dial strings ("+13017158592,,503536771#"); the pattern of conference_phone
# even rejects the schema's own example "+1234567890,1234#". Only those patterns are lifted.
RELAXED_PATTERNS = ("formatted_address", "address", "city", "postal_code", "conference_phone")


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def meeting_guide_validator(*, relaxed: bool) -> Draft7Validator:
    """A validator of a whole feed (feed.schema.json), optionally without RELAXED_PATTERNS."""
    meeting = _load(MEETING_GUIDE / "meeting.schema.json")
    if relaxed:
        meeting = copy.deepcopy(meeting)
        for name in RELAXED_PATTERNS:
            del meeting["properties"][name]["pattern"]
    types = _load(MEETING_GUIDE / "meeting-type.schema.json")
    feed = _load(MEETING_GUIDE / "feed.schema.json")
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT7))
        for schema in (meeting, types, feed)
    )
    return Draft7Validator(feed, registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


def _openapi() -> Any:
    return _load(HSDS / "openapi.json")


SERVICE_URI = "urn:pathways-tests:hsds:service_with_definitions"


def _hsds_registry() -> Registry[Any]:
    compiled = _load(HSDS / "compiled" / "service_with_definitions.json")
    registry: Registry[Any] = Registry().with_resource(
        SERVICE_URI, Resource.from_contents(compiled, default_specification=DRAFT202012)
    )
    return registry


def _hsds(schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(
        schema,
        registry=_hsds_registry(),
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


@cache
def hsds_service_validator() -> Draft202012Validator:
    """A validator of one HSDS 3.1 service (the compiled schema, with its definitions)."""
    return _hsds({"$ref": SERVICE_URI})


@cache
def hsds_page_validator() -> Draft202012Validator:
    """A validator of a page of services: the OpenAPI `Page` schema, contents as services."""
    page = _openapi()["components"]["schemas"]["Page"]
    return _hsds(
        {
            "allOf": [page],
            "required": list(page["properties"]),
            "properties": {"contents": {"type": "array", "items": {"$ref": SERVICE_URI}}},
        }
    )


@cache
def hsds_root_validator() -> Draft202012Validator:
    """A validator of `GET /`, from the OpenAPI document."""
    response = _openapi()["paths"]["/"]["get"]["responses"]["200"]
    return _hsds(response["content"]["application/json"]["schema"])


def errors(validator: Draft7Validator | Draft202012Validator, instance: Any) -> list[str]:
    """Every error, as `path: message`, for readable assertion failures."""
    return [
        f"{'/'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(instance)
    ]
