"""Reports, corrections, verifications, stewards and the audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = 200


def upgrade() -> None:
    """Create the first tables."""
    moment = sa.DateTime(timezone=True)
    op.create_table(
        "reports",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("resource_id", sa.String(ID), nullable=False, index=True),
        sa.Column("source", sa.String(100), nullable=False, index=True),
        sa.Column("area", sa.String(2), nullable=True, index=True),
        sa.Column("problem", sa.String(20), nullable=False),
        sa.Column("details", sa.Text, nullable=True),
        sa.Column("contact", sa.String(200), nullable=True),
        sa.Column("status", sa.String(10), nullable=False, index=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("resolved_at", moment, nullable=True),
        sa.Column("resolved_by", sa.String(100), nullable=True),
        sa.Column("resolution", sa.Text, nullable=True),
    )
    op.create_table(
        "corrections",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("resource_id", sa.String(ID), nullable=False, index=True),
        sa.Column("field", sa.String(20), nullable=False),
        sa.Column("value", sa.JSON, nullable=True),
        sa.Column("source_value", sa.JSON, nullable=True),
        sa.Column("report_id", sa.String(32), sa.ForeignKey("reports.id"), nullable=True),
        sa.Column("steward", sa.String(100), nullable=False),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("flag", sa.String(20), nullable=True),
        sa.Column("flagged_value", sa.JSON, nullable=True),
        sa.Column("flagged_at", moment, nullable=True),
    )
    op.create_table(
        "verifications",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("resource_id", sa.String(ID), nullable=False, index=True),
        sa.Column("steward", sa.String(100), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("checked_on", sa.Date, nullable=False),
        sa.Column("created_at", moment, nullable=False),
    )
    op.create_table(
        "stewards",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("created_at", moment, nullable=False),
        sa.Column("revoked_at", moment, nullable=True),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", moment, nullable=False),
        sa.Column("steward", sa.String(100), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("resource_id", sa.String(ID), nullable=True, index=True),
        sa.Column("report_id", sa.String(32), nullable=True),
        sa.Column("before", sa.JSON, nullable=True),
        sa.Column("after", sa.JSON, nullable=True),
    )


def downgrade() -> None:
    """Drop them."""
    for table in ("audit", "stewards", "verifications", "corrections", "reports"):
        op.drop_table(table)
