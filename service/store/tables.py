"""The tables, declared once: the migrations create them, the queries read them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Final

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

MAX_ID_CHARS: Final = 200


class UtcDateTime(sa.TypeDecorator[datetime]):
    """Aware UTC datetimes on both engines (SQLite gives naive values back otherwise)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UtcDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        moment: datetime = value
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


metadata: Final = sa.MetaData()

reports: Final = sa.Table(
    "reports",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("resource_id", sa.String(MAX_ID_CHARS), nullable=False, index=True),
    # The listing's source and state when reported, so stewards can take their own share.
    sa.Column("source", sa.String(100), nullable=False, index=True),
    sa.Column("area", sa.String(2), nullable=True, index=True),
    sa.Column("problem", sa.String(20), nullable=False),
    sa.Column("details", sa.Text, nullable=True),
    # Deleted when the report is resolved.
    sa.Column("contact", sa.String(200), nullable=True),
    sa.Column("status", sa.String(10), nullable=False, index=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("resolved_at", UtcDateTime, nullable=True),
    sa.Column("resolved_by", sa.String(100), nullable=True),
    sa.Column("resolution", sa.Text, nullable=True),
)

corrections: Final = sa.Table(
    "corrections",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),
    sa.Column("resource_id", sa.String(MAX_ID_CHARS), nullable=False, index=True),
    sa.Column("field", sa.String(20), nullable=False),
    sa.Column("value", sa.JSON, nullable=True),
    # The source's value when the correction was accepted: how a later change is seen.
    sa.Column("source_value", sa.JSON, nullable=True),
    sa.Column("report_id", sa.String(32), sa.ForeignKey("reports.id"), nullable=True),
    sa.Column("steward", sa.String(100), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("active", sa.Boolean, nullable=False),
    # Set by the indexer when the source's value moved: `source_caught_up` or `source_disagrees`.
    sa.Column("flag", sa.String(20), nullable=True),
    sa.Column("flagged_value", sa.JSON, nullable=True),
    sa.Column("flagged_at", UtcDateTime, nullable=True),
)

verifications: Final = sa.Table(
    "verifications",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("resource_id", sa.String(MAX_ID_CHARS), nullable=False, index=True),
    sa.Column("steward", sa.String(100), nullable=False),
    sa.Column("organisation", sa.String(200), nullable=False),
    sa.Column("checked_on", sa.Date, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

stewards: Final = sa.Table(
    "stewards",
    metadata,
    sa.Column("name", sa.String(100), primary_key=True),
    sa.Column("organisation", sa.String(200), nullable=False),
    # SHA-256 of a 256-bit random token: the token itself is never stored.
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("revoked_at", UtcDateTime, nullable=True),
)

audit: Final = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("steward", sa.String(100), nullable=False),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("resource_id", sa.String(MAX_ID_CHARS), nullable=True, index=True),
    sa.Column("report_id", sa.String(32), nullable=True),
    sa.Column("before", sa.JSON, nullable=True),
    sa.Column("after", sa.JSON, nullable=True),
)
