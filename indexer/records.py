"""The indexer's own records: source declarations, rejections and load results."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import Meta

from service.contract.documents import IndexDocument


class Base(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Shared options for our own files.

    - `frozen`, `kw_only`: values, built by name.
    - `forbid_unknown_fields`: these files are written by us, so a misspelt key is an
      error rather than a setting silently ignored.
    """


class SourceConfig(Base, frozen=True, kw_only=True):
    """One entry of a sources file: what to load, how, and under which licence.

    Exactly one of `path` (a file, relative to the sources file) and `url` (fetched over
    HTTP at load time) says where the data is; `homepage` is the publisher's page that
    documents cite as their source.
    """

    id: str
    name: str
    # One of the formats `indexer.load.LOADERS` declares, checked when a sources file is read.
    format: str
    path: str | None = None
    url: str | None = None
    kind: str | None = None
    timezone: str | None = None
    # Meeting feeds: the zone the publisher states online-only meetings' times in, for those
    # without a zone of their own (indexer/timezones.py). EDA writes "2am Eastern - Online".
    online_timezone: str | None = None
    # Meeting feeds: the fellowship whose needs and organization every meeting shares.
    fellowship: str | None = None
    # The US states the publisher serves, when it says so: an online meeting whose
    # (placeholder) address is elsewhere serves these states instead.
    states: tuple[str, ...] = ()
    homepage: str | None = None
    # When the data was taken from its publisher, for records that carry no date of their own.
    updated_at: str | None = None
    # How many days a record's date stays good before its listing is in doubt (how often the
    # publisher re-checks its list); none: the service's PATHWAYS_STALE_AFTER_DAYS.
    refresh_days: Annotated[int, Meta(ge=1)] | None = None
    licence: str
    attribution: str | None = None

    def __post_init__(self) -> None:
        if (self.path is None) == (self.url is None):
            raise ValueError(f"source {self.id!r}: give exactly one of `path` and `url`")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError(f"source {self.id!r}: url must start with http:// or https://")

    @property
    def location(self) -> str:
        """Where the data is, as rejections name it: the path, else the URL."""
        return self.path if self.path is not None else str(self.url)


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
    """What one source produced: documents, rejections, and what the report should count."""

    source: SourceConfig
    documents: list[IndexDocument] = msgspec.field(default_factory=list)
    rejections: list[Rejection] = msgspec.field(default_factory=list)
    # Records that were kept, but with something dropped (e.g. impossible coordinates).
    warnings: list[Rejection] = msgspec.field(default_factory=list)
    # Codes (meeting types, BMLT formats...) outside our crosswalks: kept as tags, counted.
    unknown_codes: dict[str, int] = msgspec.field(default_factory=dict)
