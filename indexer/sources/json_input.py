"""Shared JSON reading for the JSON formats: errors with line and column, type names."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

import msgspec

from indexer.normalize import clean_text
from indexer.records import RecordError, SourceLoadError

_BOM: Final = b"\xef\xbb\xbf"


def decode_json(raw: bytes, where: str) -> Any:
    """Any JSON document; SourceLoadError naming `where`, the line and the column if invalid."""
    data = raw.removeprefix(_BOM)
    try:
        return msgspec.json.decode(data)
    except msgspec.DecodeError as error:
        raise SourceLoadError(f"{where}: {describe_json_error(data, error)}") from error


def describe_json_error(data: bytes, error: msgspec.DecodeError) -> str:
    """What is wrong with some JSON, as a person can find it in the file."""
    # msgspec reports a byte offset; the stdlib parser gives the line and column people need.
    try:
        json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as bad:
        return f"not UTF-8 text (byte {bad.start})"
    except json.JSONDecodeError as bad:
        return f"invalid JSON at line {bad.lineno}, column {bad.colno}: {bad.msg}"
    return f"invalid JSON: {error}"


def json_type(value: object) -> str:
    """How a JSON value is named in messages: "an object", "a string"..."""
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


def field_text(record: Mapping[str, Any], key: str) -> str | None:
    """A scalar field as cleaned text; RecordError when it is a list or an object."""
    value = record.get(key)
    if isinstance(value, dict | list):
        raise RecordError(f"{key} must be a string or a number, got {json_type(value)}")
    return clean_text(value) if value is not None and not isinstance(value, bool) else None
