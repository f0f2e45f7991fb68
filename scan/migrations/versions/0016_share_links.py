"""read-only share links of a result (issue 19)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:45:00

A new table only: scans is not touched, so nothing is rebuilt on SQLite. A link goes with its
scan (ON DELETE CASCADE), through erasure and the retention purge alike.
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "share_links",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("scan_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["scan_id"],
            ["scans.id"],
            name="fk_share_links_scan_id_scans",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_share_links"),
    )
    op.create_index("ix_share_links_scan_id", "share_links", ["scan_id"])


def downgrade() -> None:
    op.drop_table("share_links")
