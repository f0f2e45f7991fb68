"""the drafts' updated_at index holds drafts only

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 10:30:00

ix_scans_updated_at served one query: the retention run's "drafts not touched for N days"
(status = 'draft' AND updated_at < ...). Every completed scan sat in it too, so every scan
the API stores wrote one more index page to the write-ahead log. A partial index on drafts
answers the same query, on SQLite and PostgreSQL alike, and a completed scan leaves it.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

DRAFTS = sa.text("status = 'draft'")


def upgrade() -> None:
    op.drop_index("ix_scans_updated_at", table_name="scans")
    op.create_index(
        "ix_scans_draft_updated_at",
        "scans",
        ["updated_at"],
        sqlite_where=DRAFTS,
        postgresql_where=DRAFTS,
    )


def downgrade() -> None:
    op.drop_index("ix_scans_draft_updated_at", table_name="scans")
    op.create_index("ix_scans_updated_at", "scans", ["updated_at"])
