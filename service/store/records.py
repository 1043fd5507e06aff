"""What the store reads and writes, as msgspec Structs: one home for each vocabulary."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Final, Literal, get_args

import msgspec
from msgspec import Meta

Problem = Literal["closed", "moved", "wrong_time", "wrong_contact", "not_as_described", "other"]
PROBLEMS: Final[tuple[Problem, ...]] = get_args(Problem)
ReportStatus = Literal["open", "accepted", "rejected"]
# What a steward may correct, field by field (service/store/fields.py applies them).
CorrectionField = Literal[
    "status", "schedule", "phone", "website", "meeting_url", "address", "notes"
]
CORRECTION_FIELDS: Final[tuple[CorrectionField, ...]] = get_args(CorrectionField)
Flag = Literal["source_caught_up", "source_disagrees"]
Action = Literal["accept", "reject", "verify", "keep_correction", "drop_correction"]

MAX_DETAILS_CHARS: Final = 500
MAX_CONTACT_CHARS: Final = 200
ResourceId = Annotated[str, Meta(pattern=r"^[A-Za-z0-9_-]{1,200}$")]


class Base(msgspec.Struct, frozen=True, kw_only=True):
    """Shared options: values, named at every construction."""


class NewReport(Base, frozen=True, kw_only=True):
    """A report as a visitor sends it, checked."""

    resource_id: ResourceId
    source: str
    area: str | None = None
    problem: Problem
    details: str | None = None
    contact: str | None = None


class Report(Base, frozen=True, kw_only=True):
    """A stored report."""

    id: str
    resource_id: str
    source: str
    area: str | None
    problem: Problem
    details: str | None
    contact: str | None
    status: ReportStatus
    created_at: datetime
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution: str | None = None


class Correction(Base, frozen=True, kw_only=True):
    """One accepted field-level correction: an override the indexer applies."""

    id: str
    resource_id: str
    field: CorrectionField
    value: Any
    source_value: Any
    report_id: str | None
    steward: str
    created_at: datetime
    active: bool = True
    flag: Flag | None = None
    flagged_value: Any = None
    flagged_at: datetime | None = None


class Verification(Base, frozen=True, kw_only=True):
    """A steward checked a listing on a day."""

    resource_id: str
    steward: str
    organisation: str
    checked_on: date


class Steward(Base, frozen=True, kw_only=True):
    """A named steward; the token is known only by its hash."""

    name: str
    organisation: str


class AuditEntry(Base, frozen=True, kw_only=True):
    """One steward action: who, when, what, and the values before and after."""

    at: datetime
    steward: str
    action: Action
    resource_id: str | None
    report_id: str | None
    before: Any = None
    after: Any = None
