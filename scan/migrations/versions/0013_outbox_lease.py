"""a mail is claimed before it is sent, so two senders never send it twice

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 23:45:00
"""

import sqlalchemy as sa  # noqa: F401 - filled in by the issue's work
from alembic import op  # noqa: F401

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
