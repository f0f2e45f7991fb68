"""counts per score per segment for the benchmark (issue 18)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 23:45:00
"""

import sqlalchemy as sa  # noqa: F401 - filled in by the issue's work
from alembic import op  # noqa: F401

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
