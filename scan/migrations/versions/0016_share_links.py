"""read-only share links of a result (issue 19)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 23:45:00
"""

import sqlalchemy as sa  # noqa: F401 - filled in by the issue's work
from alembic import op  # noqa: F401

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
