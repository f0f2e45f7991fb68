"""embed origin of a scan

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 01:07:36.260723
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("embed_origin", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("scans", schema=None) as batch_op:
        batch_op.drop_column("embed_origin")
