"""The indexer's own records: source declarations, rejections and load results."""

from __future__ import annotations

from typing import Literal

import msgspec

from service.documents import IndexDocument

SourceFormat = Literal[
    "meeting_guide",
    "samhsa_su",
    "samhsa_mh",
    "samhsa_otp",
    "findtreatment",
    "hrsa_fqhc",
    "dc_shelters",
    "nyc_homebase",
    "pathways",
]


class Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Shared options for our own files.

    - `frozen`, `kw_only`: values, built by name.
    - `forbid_unknown_fields`: these files are written by us, so a misspelt key is an
      error rather than a setting silently ignored.
    """


class SourceConfig(Base, frozen=True, kw_only=True):
    """One entry of a sources file: what to load, how, and under which licence."""

    id: str
    name: str
    format: SourceFormat
    path: str
    kind: str | None = None
    timezone: str | None = None
    # Meeting feeds: the fellowship whose needs and organization every meeting shares.
    fellowship: str | None = None
    url: str | None = None
    licence: str
    attribution: str | None = None


class SourcesFile(Base, frozen=True, kw_only=True):
    """The whole sources file (`seed_data/sources.toml`)."""

    source: tuple[SourceConfig, ...]


class Rejection(msgspec.Struct, frozen=True, kw_only=True):
    """A record that was not indexed, where it is, and why."""

    source: str
    location: str
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class RecordError(ValueError):
    """A single record cannot be turned into a document; the reason is user-facing."""


class SourceLoadError(RuntimeError):
    """A whole source cannot be read (missing file, not JSON, wrong encoding)."""


class SourceLoad(msgspec.Struct, kw_only=True):
    """What one source produced: documents and rejections."""

    source: SourceConfig
    documents: list[IndexDocument] = msgspec.field(default_factory=list)
    rejections: list[Rejection] = msgspec.field(default_factory=list)
