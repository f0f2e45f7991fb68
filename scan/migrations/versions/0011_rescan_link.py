"""a re-scan names the scan it was started from, by its token

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 22:00:00

Added and dropped in place: batch mode would rebuild scans on SQLite, and dropping the old
table fires leads' ON DELETE CASCADE.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("scans", sa.Column("previous_token", sa.String(64), nullable=True))
    op.create_index("ix_scans_previous_token", "scans", ["previous_token"])


def downgrade() -> None:
    op.drop_index("ix_scans_previous_token", table_name="scans")
    op.execute(sa.text("ALTER TABLE scans DROP COLUMN previous_token"))
